"""Issue 15: the store's nearest-neighbour search is exact where it says so, on both backends.

SQLite searches in two passes (SimHash codes in a partitioned sqlite-vec ``vec0``
table, then an exact cosine re-rank of the candidates over the float32 rows);
PostgreSQL asks pgvector's HNSW index. Every query path must give numpy's
nearest neighbours and distances on a small space, every write must keep the
first pass's structure equal to the ``vectors`` rows, and a space made by the
earlier layout (a float32 ``vec0`` table, no codes) must still search right.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from sqlalchemy import Engine, text
from synharness.api import db, vector_index
from synharness.api.crud import now

from tests.api.helpers import asset_bytes

DIM = 12


def _exact(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Cosine distances of every row to ``query``, in float64."""
    m = matrix.astype(np.float64)
    q = query.astype(np.float64)
    return 1.0 - (m @ q) / (np.linalg.norm(m, axis=1) * np.linalg.norm(q))


def _vectors(n: int, seed: int, *, non_negative: bool = False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.random((n, DIM)) if non_negative else rng.normal(size=(n, DIM))
    # float32, as the store keeps them: numpy then computes on the same numbers
    return values.astype(np.float32)


def _put_all(engine: Engine, space: str, keys: list[str], matrix: np.ndarray) -> None:
    with db.session_factory(engine, write=True)() as session:
        for key, vector in zip(keys, matrix, strict=True):
            vector_index.put(session=session, space=space, key=key, vector=vector.tolist())
        session.commit()


def _search(engine: Engine, space: str, query: np.ndarray, k: int) -> list[vector_index.Neighbour]:
    with db.session_factory(engine)() as session:
        return vector_index.search(session=session, space=space, vector=query.tolist(), k=k)


def _index_ids(engine: Engine, space: str) -> list[int]:
    """The vector ids the space's nearest-neighbour structure holds."""
    table = f"vecbit_{space}" if engine.dialect.name == "sqlite" else f"vec_{space}"
    column = "rowid" if engine.dialect.name == "sqlite" else "id"
    with engine.connect() as conn:
        return sorted(int(i) for i in conn.execute(text(f"SELECT {column} FROM {table}")).scalars())


def _row_ids(engine: Engine, space: str) -> list[int]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id FROM vectors WHERE space = :s"), {"s": space})
        return sorted(int(i) for i in rows.scalars())


def test_every_query_path_gives_the_exact_neighbours_and_distances(client, engine):
    """/embeddings/query, POST /search/assets (fingerprint space) and like={id}: numpy's answer."""
    ids = []
    for i in range(30):
        created = client.post("/synesthetic-assets/", content=asset_bytes(name=f"a{i}"))
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    fingerprints = _vectors(30, seed=1, non_negative=True)
    _put_all(engine, vector_index.FINGERPRINT_SPACE, [str(i) for i in ids], fingerprints)
    patches = _vectors(40, seed=2)
    for n, vector in enumerate(patches):
        body = {"patch_id": f"p{n}", "embedding": vector.tolist()}
        assert client.post("/embeddings/", json=body).status_code == 200
    rng = np.random.default_rng(3)
    for _ in range(5):
        # /embeddings/query: patch ids, nearest first
        query = rng.normal(size=DIM).astype(np.float32)
        order = np.argsort(_exact(patches, query), kind="stable")[:7]
        found = client.post("/embeddings/query", json={"embedding": query.tolist(), "top_k": 7})
        assert found.json() == [f"p{n}" for n in order]
        # POST /search/assets in the fingerprint space: asset ids, nearest first
        query = rng.random(DIM).astype(np.float32)
        order = np.argsort(_exact(fingerprints, query), kind="stable")[:5]
        body = {"embedding": query.tolist(), "top_k": 5, "space": "fingerprint"}
        assert client.post("/search/assets", json=body).json() == [ids[n] for n in order]
    for own in (0, 17, 29):
        distances = _exact(fingerprints, fingerprints[own])
        distances[own] = np.inf  # like={id} leaves the asset itself out
        order = np.argsort(distances, kind="stable")[:10]
        hits = client.get(f"/search/assets?like={ids[own]}&k=10").json()
        assert [h["id"] for h in hits] == [ids[n] for n in order]
        got = np.array([h["distance"] for h in hits])
        assert np.allclose(got, distances[order], atol=1e-6), (got, distances[order])


def test_distances_are_the_exact_cosine_distances(engine):
    matrix = _vectors(200, seed=4)
    _put_all(engine, "patch", [str(n) for n in range(200)], matrix)
    query = _vectors(1, seed=5)[0]
    hits = _search(engine, "patch", query, k=50)
    distances = _exact(matrix, query)
    order = np.argsort(distances, kind="stable")[:50]
    assert [int(h.key) for h in hits] == order.tolist()
    assert np.allclose([h.distance for h in hits], distances[order], atol=1e-6)


def test_replace_and_delete_keep_the_first_pass_consistent(engine, monkeypatch):
    """With 64 candidates of 300 vectors, a stale code would hide a moved vector."""
    monkeypatch.setattr(vector_index, "FIRST_PASS_PER_PARTITION", 1)
    monkeypatch.setattr(vector_index, "FIRST_PASS_FACTOR", 1)
    matrix = _vectors(300, seed=6)
    keys = [str(n) for n in range(300)]
    _put_all(engine, "patch", keys, matrix)
    assert _index_ids(engine, "patch") == _row_ids(engine, "patch")
    # replaced: key 7 moves far from where it was, next to a new direction
    target = -matrix[7]
    _put_all(engine, "patch", ["7"], target[None, :] * 3.0)
    hits = _search(engine, "patch", target, k=1)
    assert hits[0].key == "7" and hits[0].distance <= 1e-6
    assert _search(engine, "patch", matrix[7], k=1)[0].key != "7"
    # deleted: the nearest to a query goes, from the rows and from the index
    query = matrix[42] + 0.01
    assert _search(engine, "patch", query, k=1)[0].key == "42"
    with db.session_factory(engine, write=True)() as session:
        vector_index.remove(session=session, space="patch", key="42")
        session.commit()
    assert "42" not in {h.key for h in _search(engine, "patch", query, k=300)}
    assert _index_ids(engine, "patch") == _row_ids(engine, "patch")
    assert len(_row_ids(engine, "patch")) == 299
    if engine.dialect.name == "sqlite":
        # and each code is the code of its row's vector
        with engine.connect() as conn:
            codes = dict(conn.execute(text("SELECT rowid, code FROM vecbit_patch")).all())
            rows = conn.execute(text("SELECT id, data FROM vectors WHERE space = 'patch'")).all()
        for ident, data in rows:
            assert codes[ident] == vector_index.first_pass_code(np.frombuffer(data, dtype="<f4"))


def test_first_pass_finds_what_the_exact_search_finds_beyond_one_partition(engine):
    """1,300 vectors (more than the 1,024 candidates): top 10 as numpy's, ten queries."""
    matrix = _vectors(1300, seed=7)
    _put_all(engine, "patch", [str(n) for n in range(1300)], matrix)
    rng = np.random.default_rng(8)
    for pick in rng.integers(0, 1300, 10):
        query = matrix[pick] + rng.normal(0, 0.05, DIM).astype(np.float32)
        order = np.argsort(_exact(matrix, query), kind="stable")[:10]
        assert [int(h.key) for h in _search(engine, "patch", query, k=10)] == order.tolist()


def _old_layout_space(engine: Engine, space: str, matrix: np.ndarray) -> None:
    """A space as the earlier code made it: rows, and a float32 vec0 table (no codes)."""
    stamp = now()
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO vector_spaces (name, dimension, created_at) VALUES (:n, :d, :t)"),
            {"n": space, "d": matrix.shape[1], "t": stamp},
        )
        conn.execute(
            text(
                f"CREATE VIRTUAL TABLE vec_{space} USING "
                f"vec0(embedding float[{matrix.shape[1]}] distance_metric=cosine)"
            )
        )
        for n, vector in enumerate(matrix):
            ident = conn.execute(
                text(
                    "INSERT INTO vectors (space, key, data, created_at, updated_at) "
                    "VALUES (:s, :k, :d, :t, :t) RETURNING id"
                ),
                {"s": space, "k": str(n), "d": vector.tobytes(), "t": stamp},
            ).scalar_one()
            conn.execute(
                text(f"INSERT INTO vec_{space}(rowid, embedding) VALUES (:i, :v)"),
                {"i": ident, "v": vector.tobytes()},
            )


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_space_of_the_earlier_layout_searches_right_before_and_after_its_upgrade(engine):
    matrix = _vectors(80, seed=9)
    _old_layout_space(engine, "patch", matrix)
    query = _vectors(1, seed=10)[0]
    order = np.argsort(_exact(matrix, query), kind="stable")[:10]
    # before any write: the old float32 table answers, exactly
    before = _search(engine, "patch", query, k=10)
    assert [int(h.key) for h in before] == order.tolist()
    # a delete in the old layout cleans the old table
    with db.session_factory(engine, write=True)() as session:
        vector_index.remove(session=session, space="patch", key=str(order[0]))
        session.commit()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM vec_patch")).scalar_one() == 79
    assert [int(h.key) for h in _search(engine, "patch", query, k=9)] == order[1:].tolist()
    # the first write builds the codes from the rows and drops the old table, in one go
    _put_all(engine, "patch", ["new"], query[None, :])
    with engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM sqlite_master")).scalars())
    assert "vecbit_patch" in names and "vec_patch" not in names
    assert _index_ids(engine, "patch") == _row_ids(engine, "patch")
    after = _search(engine, "patch", query, k=10)
    assert [h.key for h in after] == ["new", *(str(n) for n in order[1:])]
    assert after[0].distance <= 1e-6


def test_codes_are_fixed_and_ignore_scale():
    """Stored codes must compare with tomorrow's queries: the hyperplanes never change."""
    planes = vector_index._hyperplanes(349, vector_index.code_bits(349))
    assert planes.shape == (349, 352) and set(np.unique(planes)) == {-1.0, 1.0}
    # balanced signs (splitmix64's top bit), not one repeated pattern
    assert abs(float(planes.mean())) < 0.01
    assert hashlib.sha256(planes.tobytes()).hexdigest()[:16] == "1376a802949e93a4"
    vector = np.random.default_rng(11).random(349).astype(np.float32)
    code = vector_index.first_pass_code(vector)
    assert len(code) == 44 and code == vector_index.first_pass_code(vector * 7.5)
    assert vector_index.code_bits(2) == 64 and len(vector_index.first_pass_code([1.0, 2.0])) == 8


def test_a_space_made_again_drops_the_leftovers_of_its_former_dimension(engine):
    """A space emptied by hand (its row gone, its table left) is made again at another dimension."""
    _put_all(engine, "patch", ["a", "b"], _vectors(2, seed=12))
    with engine.begin() as conn:
        conn.execute(
            text("DELETE FROM vector_spaces WHERE name = 'patch'")
        )  # rows go too (cascade)
    matrix = np.random.default_rng(13).normal(size=(3, 5)).astype(np.float32)
    _put_all(engine, "patch", ["x", "y", "z"], matrix)
    hits = _search(engine, "patch", matrix[1], k=3)
    assert hits[0].key == "y" and hits[0].distance <= 1e-6 and len(hits) == 3
    assert _index_ids(engine, "patch") == _row_ids(engine, "patch")
