"""A generic vector index: spaces of fixed-dimension vectors, searched by nearest neighbour.

Vocabulary:
- *space*: a namespace of vectors (``patch`` for the seed's patch embeddings,
  ``asset`` for asset embeddings, and later ``fingerprint`` for behavioural
  fingerprints). Its dimension is fixed by its first vector.
- *key*: what a vector describes inside its space (a patch id, an asset id).
- *distance*: cosine distance, 0 for the same direction, up to 2 (the seed's metric).

``vectors`` holds every vector (float32, the source of truth); the search runs on
a nearest-neighbour structure per space, derived from it, in the database:
- SQLite: a sqlite-vec ``vec0`` virtual table ``vec_<space>`` (rowid = vector id),
  asked ``WHERE embedding MATCH ? AND k = ?``;
- PostgreSQL: a table ``vec_<space>`` with a pgvector ``vector(N)`` column and an
  HNSW index (``vector_cosine_ops``), asked ``ORDER BY embedding <=> ? LIMIT k``.

No search loops over rows in Python. When the database has no vector support
(PostgreSQL without the ``vector`` extension, or an SQLite that cannot load
sqlite-vec), the functions raise :class:`VectorIndexUnavailable` (503).
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from synharness.api.crud import now
from synharness.api.errors import ApiError, InvalidDocument, NotFound
from synharness.api.tables import VectorRow, VectorSpaceRow

#: Largest dimension of a space (sqlite-vec allows 8192; pgvector's HNSW 2000).
MAX_DIMENSION = 2000
#: Most neighbours one search returns.
MAX_K = 1000
_SPACE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class VectorIndexUnavailable(ApiError):
    """The database cannot search vectors (no pgvector / sqlite-vec)."""

    status = 503
    code = "vector_index_unavailable"


@dataclass(frozen=True)
class Neighbour:
    """One search hit."""

    key: str
    distance: float


def pack(vector: Sequence[float]) -> bytes:
    """float32 little-endian bytes of ``vector``."""
    return struct.pack(f"<{len(vector)}f", *vector)


def unpack(data: bytes) -> list[float]:
    """The floats of packed bytes."""
    return list(struct.unpack(f"<{len(data) // 4}f", data))


def check_vector(vector: Sequence[float], *, pointer: str = "/embedding") -> None:
    """Refuse what cosine distance cannot use.

    Raises:
        InvalidDocument: Empty, too long, non-finite, or all zeros (422).
    """
    if not 1 <= len(vector) <= MAX_DIMENSION:
        raise InvalidDocument(
            f"a vector has 1 to {MAX_DIMENSION} values, this one {len(vector)}",
            details={"pointer": pointer, "dimension": len(vector)},
        )
    if not all(math.isfinite(v) and abs(v) <= 3.4e38 for v in vector):
        raise InvalidDocument(
            "every value of a vector must be a finite float32",
            details={"pointer": pointer},
        )
    if not any(vector):
        raise InvalidDocument(
            "a vector of zeros has no direction, so no cosine distance",
            details={"pointer": pointer},
        )


def _table(space: str) -> str:
    if not _SPACE_NAME.match(space):  # names are checked at the edge; this keeps SQL safe
        raise ValueError(f"not a vector space name: {space!r}")
    return f"vec_{space}"


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _require_support(session: Session) -> None:
    try:
        if _dialect(session) == "sqlite":
            session.execute(text("SELECT vec_version()"))
            return
        found = session.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'vector'")).first()
    except DBAPIError:
        session.rollback()
        found = None
    if found is None:
        raise VectorIndexUnavailable(
            "this database cannot search vectors: "
            + (
                "the sqlite-vec extension cannot be loaded (install the store extra)"
                if _dialect(session) == "sqlite"
                else "the pgvector extension is not installed (CREATE EXTENSION vector)"
            )
        )


def _space(session: Session, space: str, *, dimension: int | None) -> VectorSpaceRow:
    """The space, created (with its index) for ``dimension`` when new."""
    row = session.get(VectorSpaceRow, space)
    if row is not None:
        if dimension is not None and dimension != row.dimension:
            raise InvalidDocument(
                f"space {space!r} holds vectors of dimension {row.dimension}, not {dimension}",
                details={"pointer": "/embedding", "expected": row.dimension, "got": dimension},
            )
        return row
    if dimension is None:
        raise NotFound(f"vector space {space!r} is empty", details={"space": space})
    row = VectorSpaceRow(name=space, dimension=dimension, created_at=now())
    session.add(row)
    session.flush()
    table = _table(space)
    if _dialect(session) == "sqlite":
        session.execute(
            text(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} "
                f"USING vec0(embedding float[{dimension}] distance_metric=cosine)"
            )
        )
    else:
        session.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {table} "
                f"(id integer PRIMARY KEY, embedding vector({dimension}) NOT NULL)"
            )
        )
        session.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS {table}_hnsw ON {table} "
                "USING hnsw (embedding vector_cosine_ops)"
            )
        )
    return row


def _literal(vector: Sequence[float]) -> str:
    return "[" + ",".join(repr(float(v)) for v in vector) + "]"


def put(*, session: Session, space: str, key: str, vector: Sequence[float]) -> VectorRow:
    """Store (or replace) the vector of ``key`` in ``space``; no commit.

    Raises:
        InvalidDocument: Bad vector, or not the space's dimension (422).
        VectorIndexUnavailable: The database cannot search vectors (503).
    """
    check_vector(vector)
    _require_support(session)
    _space(session, space, dimension=len(vector))
    # Round to float32 once, so the stored vector and the index agree.
    data = pack(vector)
    stamp = now()
    row = session.execute(
        select(VectorRow).where(VectorRow.space == space, VectorRow.key == key)
    ).scalar_one_or_none()
    if row is None:
        row = VectorRow(space=space, key=key, data=data, created_at=stamp, updated_at=stamp)
        session.add(row)
        session.flush()
    else:
        row.data = data
        row.updated_at = stamp
    table = _table(space)
    session.execute(text(f"DELETE FROM {table} WHERE {_rowid(session)} = :id"), {"id": row.id})
    if _dialect(session) == "sqlite":
        session.execute(
            text(f"INSERT INTO {table}(rowid, embedding) VALUES (:id, :v)"),
            {"id": row.id, "v": data},
        )
    else:
        session.execute(
            text(f"INSERT INTO {table}(id, embedding) VALUES (:id, CAST(:v AS vector))"),
            {"id": row.id, "v": _literal(unpack(data))},
        )
    return row


def _rowid(session: Session) -> str:
    return "rowid" if _dialect(session) == "sqlite" else "id"


def get(*, session: Session, space: str, key: str) -> VectorRow:
    """The vector of ``key``.

    Raises:
        NotFound: No such vector.
    """
    row = session.execute(
        select(VectorRow).where(VectorRow.space == space, VectorRow.key == key)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no {space} vector for {key!r}", details={"space": space, "key": key})
    return row


def remove(*, session: Session, space: str, key: str, missing_ok: bool = False) -> None:
    """Delete the vector of ``key``; no commit.

    Raises:
        NotFound: No such vector (unless ``missing_ok``).
    """
    row = session.execute(
        select(VectorRow).where(VectorRow.space == space, VectorRow.key == key)
    ).scalar_one_or_none()
    if row is None:
        if missing_ok:
            return
        raise NotFound(f"no {space} vector for {key!r}", details={"space": space, "key": key})
    try:
        session.execute(
            text(f"DELETE FROM {_table(space)} WHERE {_rowid(session)} = :id"), {"id": row.id}
        )
    except DBAPIError:
        # No index structure to clean (the database lost vector support): the row goes anyway.
        pass
    session.execute(delete(VectorRow).where(VectorRow.id == row.id))


def search(
    *, session: Session, space: str, vector: Sequence[float], k: int, exclude: str | None = None
) -> list[Neighbour]:
    """The ``k`` nearest vectors of ``space`` to ``vector``, nearest first.

    Args:
        session: The request's session.
        space: The space to search.
        vector: The query (of the space's dimension).
        k: How many neighbours, 1..MAX_K.
        exclude: A key to leave out (the query's own, for "like this one").

    Raises:
        InvalidDocument: Bad vector or dimension (422).
        VectorIndexUnavailable: The database cannot search vectors (503).
    """
    check_vector(vector)
    _require_support(session)
    row = session.get(VectorSpaceRow, space)
    if row is None:
        return []
    _space(session, space, dimension=len(vector))
    want = min(k + (1 if exclude is not None else 0), MAX_K + 1)
    table = _table(space)
    if _dialect(session) == "sqlite":
        hits = session.execute(
            text(
                f"SELECT v.key, n.distance FROM "
                f"(SELECT rowid, distance FROM {table} WHERE embedding MATCH :q AND k = :k) n "
                "JOIN vectors v ON v.id = n.rowid ORDER BY n.distance, v.key"
            ),
            {"q": pack(vector), "k": want},
        ).all()
    else:
        hits = session.execute(
            text(
                f"SELECT v.key, n.distance FROM "
                f"(SELECT id, embedding <=> CAST(:q AS vector) AS distance FROM {table} "
                "ORDER BY distance LIMIT :k) n "
                "JOIN vectors v ON v.id = n.id ORDER BY n.distance, v.key"
            ),
            {"q": _literal(vector), "k": want},
        ).all()
    found = [Neighbour(key=str(key), distance=float(d)) for key, d in hits if key != exclude]
    return found[:k]
