"""Initial schema: assets, tags, components, reports.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "components",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("findings", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
    )
    op.create_index("ix_components_kind", "components", ["kind"])
    links = [
        sa.Column(
            f"{kind}_id",
            sa.Integer,
            sa.ForeignKey("components.id", ondelete="SET NULL"),
            nullable=True,
        )
        for kind in ("shader", "tone", "haptic", "control", "modulation", "rule_bundle")
    ]
    op.create_table(
        "synesthetic_assets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("findings", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        *links,
    )
    op.create_index("ix_synesthetic_assets_name", "synesthetic_assets", ["name"])
    op.create_index("ix_synesthetic_assets_verdict", "synesthetic_assets", ["verdict"])
    op.create_table(
        "asset_tags",
        sa.Column(
            "asset_id",
            sa.Integer,
            sa.ForeignKey("synesthetic_assets.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tag", sa.String(200), primary_key=True),
    )
    op.create_index("ix_asset_tags_tag", "asset_tags", ["tag"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "asset_id",
            sa.Integer,
            sa.ForeignKey("synesthetic_assets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("asset_version", sa.Integer, nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        _ts("created_at"),
        sa.Column("result", sa.Text, nullable=False),
    )
    op.create_index("ix_reports_asset_id", "reports", ["asset_id"])


def downgrade() -> None:
    op.drop_table("reports")
    op.drop_table("asset_tags")
    op.drop_table("synesthetic_assets")
    op.drop_table("components")
