"""A generic vector index: spaces of fixed-dimension vectors, searched by nearest neighbour.

Vocabulary:
- *space*: a namespace of vectors (``patch`` for the seed's patch embeddings,
  ``asset`` for asset embeddings, and later ``fingerprint`` for behavioural
  fingerprints). Its dimension is fixed by its first vector.
- *key*: what a vector describes inside its space (a patch id, an asset id).
- *distance*: cosine distance, 0 for the same direction, up to 2 (the seed's metric).

``vectors`` holds every vector (float32, the source of truth); the search runs on
a nearest-neighbour structure per space, derived from it, in the database:
- SQLite: a sqlite-vec ``vec0`` virtual table ``vecbit_<space>`` (rowid = vector
  id) of one *code* per vector: ``bit[B]``, the signs of the vector's dot products
  with B fixed hyperplanes (SimHash: the Hamming distance of two codes estimates
  their angle). A search is a first pass on the codes, then an exact re-rank:
  sqlite-vec's ``vec_distance_cosine`` over the float32 ``vectors`` rows of the
  candidates, so the k returned carry exact distances. sqlite-vec's vec0 scans
  every row and keeps its top k at a cost growing with rows x k, so the codes are
  split into :data:`FIRST_PASS_PARTITIONS` partitions (vector id modulo it) and
  each gives its nearest few: many candidates (1,024 for k = 10) for the price of
  few. On 100,000 fingerprints (``make bench``) this finds the exact top 10, where
  scanning float32 vectors (the earlier ``vec_<space>`` layout, still searched
  until a space's first write under this code) took 60+ ms per query;
- PostgreSQL: a table ``vec_<space>`` with a pgvector ``vector(N)`` column and an
  HNSW index (``vector_cosine_ops``), asked ``ORDER BY embedding <=> ? LIMIT k``.

No search loops over rows in Python. When the database has no vector support
(PostgreSQL without the ``vector`` extension, or an SQLite that cannot load
sqlite-vec), the functions raise :class:`VectorIndexUnavailable` (503).
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
#: The space of behaviour fingerprints (:mod:`synharness.agents.fingerprint`),
#: written by every verification of a valid asset.
FINGERPRINT_SPACE = "fingerprint"
#: Spaces whose keys are asset ids: an asset's vectors there go when it is deleted,
#: and ``/search/assets`` searches them: client-supplied embeddings and fingerprints.
ASSET_SPACES: set[str] = {"asset", FINGERPRINT_SPACE}
#: Partitions of a space's first-pass codes (SQLite): part of the layout, the
#: partition of a code is its vector id modulo this.
FIRST_PASS_PARTITIONS = 64
#: Fewest candidates each partition gives the re-rank: 64 x 16 = 1,024 for a
#: search of k = 10. The benchmark's fingerprints come in groups of 500 near
#: copies whose codes differ in a bit or two; 200 candidates found 72% of the
#: exact top 10, 500 and more all of it.
FIRST_PASS_PER_PARTITION = 16
#: Candidates per wanted neighbour, for large k (spread over the partitions).
FIRST_PASS_FACTOR = 4
#: pgvector HNSW build parameters (its defaults are 16 and 64) and search breadth.
#: Fingerprints of a generator that collapses come in large groups of near
#: copies; HNSW links each copy mostly to its own group, and a search whose
#: candidate list (ef_search) fills with one group's members never leaves it.
#: Measured on the benchmark's 100,000 fingerprints (groups of 500), top-1
#: equal to exact: m 16 / ef_construction 64 gave 0.91 at ef_search 40 to 400
#: and 0.965 at 600 to 1000; m 32 / ef_construction 128 gave 0.95 at ef_search
#: 40 to 400 and 0.945 to 0.97 at 1000 (three builds; p50 7 ms, p99 12 to 19
#: ms, ``make bench``, ``fingerprint_store``); m 48 / ef_construction 200 gave
#: 0.97 at 100 to 400 and 1.0 at 1000, but at 65 ms p50 (nearly every vector
#: visited) and a 50% slower build. So: m 32, and the widest search (1000,
#: pgvector's maximum), which stays far under the 50 ms goal.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 128
HNSW_EF_SEARCH = 1000
#: The most neighbours one vec0 query returns (sqlite-vec's limit).
_VEC0_MAX_K = 4096


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
    """The floats of packed bytes, each the shortest decimal that is that float32
    (0.95, not 0.949999988079071: what the client sent, as far as float32 keeps it)."""
    return [float(str(v)) for v in np.frombuffer(data, dtype="<f4")]


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


@dataclass(frozen=True)
class _PgNames:
    """pgvector's type, distance operator and operator class, schema-qualified.

    The extension may live in another schema than the store's ``search_path``
    (``public``, while the store works in its own schema), so nothing relies on
    the search path.
    """

    type: str
    cosine: str
    opclass: str


def _require_support(session: Session) -> _PgNames | None:
    """pgvector's names on PostgreSQL, None on SQLite (sqlite-vec loaded).

    Raises:
        VectorIndexUnavailable: Neither is available.
    """
    found: object = None
    try:
        if _dialect(session) == "sqlite":
            session.execute(text("SELECT vec_version()"))
            return None
        found = session.execute(
            text(
                "SELECT n.nspname FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'"
            )
        ).scalar_one_or_none()
    except DBAPIError:
        session.rollback()
        found = None
    if isinstance(found, str):
        nsp = '"' + found.replace('"', '""') + '"'
        return _PgNames(
            type=f"{nsp}.vector", cosine=f"OPERATOR({nsp}.<=>)", opclass=f"{nsp}.vector_cosine_ops"
        )
    if found is None:
        raise VectorIndexUnavailable(
            "this database cannot search vectors: "
            + (
                "the sqlite-vec extension cannot be loaded (install the store extra)"
                if _dialect(session) == "sqlite"
                else "the pgvector extension is not installed (CREATE EXTENSION vector)"
            )
        )
    return None


def _space(
    session: Session, space: str, *, dimension: int | None, pg: _PgNames | None = None
) -> VectorSpaceRow:
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
    # Two first vectors of a new space at once: the second waits for the first's
    # row, then inserts nothing and checks the dimension like any later write.
    values = {"name": space, "dimension": dimension, "created_at": now()}
    session.execute(_insert(session, VectorSpaceRow).values(**values).on_conflict_do_nothing())
    session.expire_all()
    row = session.get(VectorSpaceRow, space)
    assert row is not None  # inserted, or there already
    if row.dimension != dimension:
        return _space(session, space, dimension=dimension, pg=pg)
    table = _table(space)
    if _dialect(session) == "sqlite":
        # A new space: structures of that name are another dimension's leftovers.
        for leftover in sorted(_sqlite_tables(session, space)):
            session.execute(text(f"DROP TABLE {leftover}"))
        _create_codes(session, space, dimension)
    elif pg is not None:
        # A new space (its row is ours, under the space's lock): a table of that
        # name is another dimension's leftover.
        session.execute(text(f"DROP TABLE IF EXISTS {table}"))
        session.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {table} "
                f"(id integer PRIMARY KEY, embedding {pg.type}({dimension}) NOT NULL)"
            )
        )
        session.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS {table}_hnsw ON {table} "
                f"USING hnsw (embedding {pg.opclass}) "
                f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"
            )
        )
    return row


def code_bits(dimension: int) -> int:
    """How many bits a first-pass code of a ``dimension`` space has: one per
    dimension, rounded up to whole bytes (sqlite-vec's ``bit[B]``), at least 64."""
    return max(64, -(-dimension // 8) * 8)


@functools.lru_cache(maxsize=16)
def _hyperplanes(dimension: int, bits: int) -> np.ndarray:
    """The fixed ``dimension`` x ``bits`` matrix of +-1 the codes project on.

    Its entries come from splitmix64 of their index, not from a random
    generator whose stream may change between numpy versions: codes stored by
    one version must compare with queries coded by the next.
    """
    with np.errstate(over="ignore"):
        z = (np.arange(1, dimension * bits + 1, dtype=np.uint64)) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    signs = np.where((z >> np.uint64(63)) == 1, 1.0, -1.0).astype(np.float32)
    return signs.reshape(dimension, bits)


def first_pass_code(vector: Sequence[float] | np.ndarray) -> bytes:
    """The SimHash code of ``vector``: bit i is set when its dot product with
    hyperplane i is positive. Scaling a vector keeps its code (cosine ignores it too)."""
    values = np.asarray(vector, dtype=np.float32)
    bits = code_bits(len(values))
    above = values @ _hyperplanes(len(values), bits) > 0
    return np.packbits(above, bitorder="little").tobytes()


def _codes_table(space: str) -> str:
    # Not vec_<space>_...: space names may hold underscores, so that could be another space's.
    return f"vecbit_{_table(space)[len('vec_') :]}"


def _sqlite_tables(session: Session, space: str) -> set[str]:
    """Which of the space's SQLite structures exist: ``vecbit_<space>`` (this
    layout) and ``vec_<space>`` (the float32 ``vec0`` table of the earlier one)."""
    names = (_codes_table(space), _table(space))
    rows = session.execute(
        text("SELECT name FROM sqlite_master WHERE name IN (:a, :b)"),
        {"a": names[0], "b": names[1]},
    ).scalars()
    return {str(n) for n in rows}


def _create_codes(session: Session, space: str, dimension: int) -> None:
    session.execute(
        text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {_codes_table(space)} USING vec0("
            f"part integer partition key, code bit[{code_bits(dimension)}])"
        )
    )


def _insert_code(session: Session, space: str, vector_id: int, data: bytes) -> None:
    session.execute(
        text(
            f"INSERT INTO {_codes_table(space)}(rowid, part, code) VALUES (:id, :part, vec_bit(:c))"
        ),
        {
            "id": vector_id,
            "part": vector_id % FIRST_PASS_PARTITIONS,
            "c": first_pass_code(np.frombuffer(data, dtype="<f4")),
        },
    )


def _upgrade_sqlite_layout(session: Session, space: str, dimension: int) -> None:
    """Give a space of the earlier layout (a float32 ``vec_<space>``, no codes)
    its codes, from its ``vectors`` rows, and drop the old table; in the
    caller's transaction, so a space never has half of either."""
    tables = _sqlite_tables(session, space)
    if _codes_table(space) in tables:
        return
    _create_codes(session, space, dimension)
    rows = session.execute(
        select(VectorRow.id, VectorRow.data).where(VectorRow.space == space)
    ).all()
    for vector_id, data in rows:
        _insert_code(session, space, int(vector_id), bytes(data))
    if _table(space) in tables:
        session.execute(text(f"DROP TABLE {_table(space)}"))


def _literal(vector: Sequence[float]) -> str:
    return "[" + ",".join(repr(float(v)) for v in vector) + "]"


def put(*, session: Session, space: str, key: str, vector: Sequence[float]) -> VectorRow:
    """Store (or replace) the vector of ``key`` in ``space``; no commit.

    Raises:
        InvalidDocument: Bad vector, or not the space's dimension (422).
        VectorIndexUnavailable: The database cannot search vectors (503).
    """
    check_vector(vector)
    pg = _require_support(session)
    _lock(session, space)
    _space(session, space, dimension=len(vector), pg=pg)
    if pg is None:
        _upgrade_sqlite_layout(session, space, len(vector))
    # Round to float32 once, so the stored vector and the index agree.
    data = pack(vector)
    stamp = now()
    # An upsert: concurrent puts of one key never fail on the unique (space, key).
    upsert = _insert(session, VectorRow).values(
        space=space, key=key, data=data, created_at=stamp, updated_at=stamp
    )
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=["space", "key"], set_={"data": data, "updated_at": stamp}
        )
    )
    session.expire_all()
    row = get(session=session, space=space, key=key)
    table = _table(space)
    if pg is None:
        codes = _codes_table(space)
        session.execute(text(f"DELETE FROM {codes} WHERE rowid = :id"), {"id": row.id})
        _insert_code(session, space, row.id, data)
    else:
        session.execute(text(f"DELETE FROM {table} WHERE id = :id"), {"id": row.id})
        session.execute(
            text(f"INSERT INTO {table}(id, embedding) VALUES (:id, CAST(:v AS {pg.type}))"),
            {"id": row.id, "v": _literal(unpack(data))},
        )
    return row


def _lock(session: Session, space: str) -> None:
    """Serialize the writes of one space until the transaction ends (PostgreSQL).

    Concurrent first writes create the space's table and HNSW index, and writes
    touch two tables: without one lock per space they deadlock. SQLite's writers
    already queue (BEGIN IMMEDIATE).
    """
    if _dialect(session) != "sqlite":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"synharness.vectors.{space}"}
        )


def _insert(session: Session, table: type[VectorRow] | type[VectorSpaceRow]) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_*``."""
    if _dialect(session) == "sqlite":
        return sqlite_insert(table)
    return pg_insert(table)


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
    if _dialect(session) != "sqlite" and session.get(VectorSpaceRow, space) is not None:
        _lock(session, space)
    row = session.execute(
        select(VectorRow).where(VectorRow.space == space, VectorRow.key == key)
    ).scalar_one_or_none()
    if row is None:
        if missing_ok:
            return
        raise NotFound(f"no {space} vector for {key!r}", details={"space": space, "key": key})
    if _dialect(session) == "sqlite":
        # Whichever layout the space has; a vec0 table cannot be touched without
        # sqlite-vec (the database lost vector support): the row goes anyway.
        for table in sorted(_sqlite_tables(session, space)):
            with contextlib.suppress(DBAPIError):
                session.execute(text(f"DELETE FROM {table} WHERE rowid = :id"), {"id": row.id})
    else:
        with contextlib.suppress(DBAPIError):
            session.execute(text(f"DELETE FROM {_table(space)} WHERE id = :id"), {"id": row.id})
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
    pg = _require_support(session)
    row = session.get(VectorSpaceRow, space)
    if row is None:
        return []
    _space(session, space, dimension=len(vector), pg=pg)
    want = min(k + (1 if exclude is not None else 0), MAX_K + 1)
    table = _table(space)
    if _dialect(session) == "sqlite":
        hits = _search_sqlite(session, space, vector, want)
    else:
        assert pg is not None  # _require_support raised otherwise
        # HNSW returns at most ef_search candidates, and a search ends inside the
        # first group of near copies it reaches when the group is larger than
        # ef_search: see HNSW_EF_SEARCH.
        session.execute(text(f"SET LOCAL hnsw.ef_search = {max(HNSW_EF_SEARCH, min(want, 1000))}"))
        hits = session.execute(
            text(
                f"SELECT v.key, n.distance FROM "
                f"(SELECT id, embedding {pg.cosine} CAST(:q AS {pg.type}) AS distance "
                f"FROM {table} ORDER BY distance LIMIT :k) n "
                "JOIN vectors v ON v.id = n.id ORDER BY n.distance, v.key"
            ),
            {"q": _literal(vector), "k": want},
        ).all()
    found = [Neighbour(key=str(key), distance=float(d)) for key, d in hits if key != exclude]
    return found[:k]


def candidates_per_partition(want: int) -> int:
    """How many nearest codes each partition gives the re-rank of a search for ``want``."""
    spread = -(-FIRST_PASS_FACTOR * want // FIRST_PASS_PARTITIONS)
    return min(max(FIRST_PASS_PER_PARTITION, spread), _VEC0_MAX_K)


def _search_sqlite(
    session: Session, space: str, vector: Sequence[float], want: int
) -> Sequence[Any]:
    """``(key, distance)`` of the ``want`` nearest, nearest first (ties by key)."""
    if _codes_table(space) not in _sqlite_tables(session, space):
        # A space of the earlier layout, not written since: its float32 vec0 scan (exact).
        return session.execute(
            text(
                f"SELECT v.key, n.distance FROM (SELECT rowid, distance FROM {_table(space)} "
                "WHERE embedding MATCH :q AND k = :k) n "
                "JOIN vectors v ON v.id = n.rowid ORDER BY n.distance, v.key"
            ),
            {"q": pack(vector), "k": want},
        ).all()
    # CROSS JOIN keeps the partitions the outer loop (SQLite's documented way to
    # fix a join order), so each partition's KNN runs with its own ``part = n``.
    return session.execute(
        text(
            "WITH RECURSIVE parts(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM parts WHERE n < :last) "
            "SELECT v.key, vec_distance_cosine(v.data, :q) AS distance FROM parts "
            f"CROSS JOIN {_codes_table(space)} c ON c.part = parts.n "
            "AND c.code MATCH vec_bit(:code) AND c.k = :per "
            "JOIN vectors v ON v.id = c.rowid ORDER BY distance, v.key LIMIT :k"
        ),
        {
            "last": FIRST_PASS_PARTITIONS - 1,
            "q": pack(vector),
            "code": first_pass_code(vector),
            "per": candidates_per_partition(want),
            "k": want,
        },
    ).all()


def remove_asset(*, session: Session, asset_id: int) -> None:
    """Delete the asset's vectors from every asset-keyed space; no commit."""
    for space in sorted(ASSET_SPACES):
        remove(session=session, space=space, key=str(asset_id), missing_ok=True)
