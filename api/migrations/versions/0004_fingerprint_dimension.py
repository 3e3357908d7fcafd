"""Empty the ``fingerprint`` vector space: fingerprints grew from 349 to 384 dimensions.

A vector space's dimension is fixed by its first vector
(:mod:`synharness.api.vector_index`), so a store holding the 349-value
fingerprints of earlier versions would refuse every new one and a
verification would fail. Fingerprints are derived data (each verification of
an asset recomputes and stores its own), so the space is dropped: its vectors,
its nearest-neighbour table (``vec_fingerprint``: sqlite-vec's ``vec0`` table
or pgvector's, with its HNSW index) and the space itself; the next
verification of each asset makes it again at the new dimension. Downgrading
does the same, for the earlier code's dimension. Other spaces are untouched.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: The space, as synharness.api.vector_index.FINGERPRINT_SPACE names it (frozen here).
SPACE = "fingerprint"
log = logging.getLogger("synharness.api")


def _drop_space() -> None:
    bind = op.get_bind()
    known = bind.execute(
        sa.text("SELECT dimension FROM vector_spaces WHERE name = :name"), {"name": SPACE}
    ).first()
    if known is None:
        return
    try:
        # A savepoint: on SQLite, a vec0 table cannot be dropped without sqlite-vec loaded,
        # and the rows must go all the same (without sqlite-vec nothing searches them).
        with bind.begin_nested():
            bind.execute(sa.text(f"DROP TABLE IF EXISTS vec_{SPACE}"))
    except DBAPIError as exc:
        log.warning("migration 0004: vec_%s left in place: %s", SPACE, exc.orig)
    bind.execute(sa.text("DELETE FROM vectors WHERE space = :name"), {"name": SPACE})
    bind.execute(sa.text("DELETE FROM vector_spaces WHERE name = :name"), {"name": SPACE})


def upgrade() -> None:
    _drop_space()


def downgrade() -> None:
    _drop_space()
