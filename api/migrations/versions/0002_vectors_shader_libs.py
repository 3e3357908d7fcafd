"""Vector spaces and vectors (embeddings, /search/assets), shader libraries.

The per-space nearest-neighbour structures (sqlite-vec ``vec0`` tables, pgvector
columns and HNSW indexes) are derived from ``vectors`` and made when a space
gets its first vector, since their dimension is the space's
(:mod:`synharness.api.vector_index`); on PostgreSQL this revision enables the
``vector`` extension when the server has it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _ts(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        available = bind.execute(
            sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        ).first()
        public = bind.execute(
            sa.text("SELECT 1 FROM pg_namespace WHERE nspname = 'public'")
        ).first()
        if available is not None:
            # In public, not in the store's schema: the extension is database-wide,
            # and a schema dropped with CASCADE (the tests') must not take it along.
            where = " SCHEMA public" if public is not None else ""
            op.execute(f"CREATE EXTENSION IF NOT EXISTS vector{where}")
    op.create_table(
        "vector_spaces",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("dimension", sa.Integer, nullable=False),
        _ts("created_at"),
    )
    op.create_table(
        "vectors",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "space",
            sa.String(32),
            sa.ForeignKey("vector_spaces.name", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("space", "key", name="uq_vectors_space_key"),
    )
    op.create_table(
        "shader_libs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
    )
    op.create_index("ix_shader_libs_name", "shader_libs", ["name"])


def downgrade() -> None:
    op.drop_table("shader_libs")
    op.drop_table("vectors")
    op.drop_table("vector_spaces")
