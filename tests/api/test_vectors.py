"""The vector index behind /embeddings/ and /search/assets, on SQLite (sqlite-vec) and
PostgreSQL (pgvector): client-supplied vectors, nearest first by cosine distance."""

from __future__ import annotations

import json
import math

from sqlalchemy import text

from tests.api.helpers import asset_bytes, error_of


def _asset(client, name):
    response = client.post("/synesthetic-assets/", content=asset_bytes(name=name))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_embedding_crud_with_the_seeds_payloads(client):
    body = {"patch_id": "p-1", "embedding": [0.5, 0.25, 1.0]}
    created = client.post("/embeddings/", json=body)
    assert created.status_code == 200, created.text
    assert created.json() == body
    assert client.get("/embeddings/p-1").json() == body
    replaced = client.put("/embeddings/p-1", json={"patch_id": "p-1", "embedding": [1, 0, 0]})
    assert replaced.json() == {"patch_id": "p-1", "embedding": [1.0, 0.0, 0.0]}
    deleted = client.delete("/embeddings/p-1")
    assert deleted.status_code == 200 and deleted.json() == {"status": "deleted"}
    assert error_of(client.get("/embeddings/p-1"))["code"] == "not_found"
    assert client.delete("/embeddings/p-1").status_code == 404


def test_query_returns_nearest_patch_ids_first(client):
    for key, vector in {"a": [1, 0], "b": [0, 1], "c": [0.9, 0.2], "d": [-1, 0]}.items():
        assert (
            client.post("/embeddings/", json={"patch_id": key, "embedding": vector}).status_code
            == 200
        )
    response = client.post("/embeddings/query", json={"embedding": [1, 0.05], "top_k": 3})
    assert response.status_code == 200
    assert response.json() == ["a", "c", "b"]
    # top_k defaults to 5, as in the seed
    assert client.post("/embeddings/query", json={"embedding": [0, 1]}).json()[0] == "b"


def test_dimension_is_fixed_per_space_and_bad_vectors_are_422(client):
    assert (
        client.post("/embeddings/", json={"patch_id": "x", "embedding": [1, 2, 3]}).status_code
        == 200
    )
    wrong = client.post("/embeddings/", json={"patch_id": "y", "embedding": [1, 2]})
    assert wrong.status_code == 422
    assert error_of(wrong)["details"] == {"pointer": "/embedding", "expected": 3, "got": 2}
    assert (
        client.post("/embeddings/", json={"patch_id": "z", "embedding": [0, 0, 0]}).status_code
        == 422
    )
    assert client.post("/embeddings/", json={"patch_id": "z", "embedding": []}).status_code == 422
    assert client.post("/embeddings/", json={"embedding": [1, 2, 3]}).status_code == 422
    assert client.post("/embeddings/query", json={"embedding": [1, 2]}).status_code == 422


def test_search_assets_the_seed_way_and_like_k(client):
    ids = [_asset(client, f"asset {i}") for i in range(4)]
    vectors = [[1, 0, 0], [0.95, 0.1, 0], [0.2, 1, 0], [0, 0, 1]]
    for ident, vector in zip(ids, vectors, strict=True):
        put = client.put(f"/synesthetic-assets/{ident}/embedding", json={"embedding": vector})
        assert put.status_code == 200, put.text
        assert put.json() == {"asset_id": ident, "embedding": [float(v) for v in vector]}
    seed = client.post("/search/assets", json={"embedding": [1, 0.01, 0], "top_k": 2})
    assert seed.status_code == 200 and seed.json() == ids[:2]
    like = client.get(f"/search/assets?like={ids[0]}&k=2&space=asset")
    assert like.status_code == 200
    hits = like.json()
    assert [h["id"] for h in hits] == [ids[1], ids[2]]
    assert hits[0]["synesthetic_asset_id"] == ids[1] and hits[0]["name"] == "asset 1"
    assert math.isclose(hits[0]["distance"], 1 - 0.95 / math.hypot(0.95, 0.1), abs_tol=1e-5)
    assert math.isclose(hits[1]["distance"], 1 - 0.2 / math.hypot(0.2, 1), abs_tol=1e-5)
    # a deleted asset is never a hit, and its embedding goes with it
    assert client.delete(f"/synesthetic-assets/{ids[1]}").status_code == 204
    assert [
        h["id"] for h in client.get(f"/search/assets?like={ids[0]}&k=2&space=asset").json()
    ] == [
        ids[2],
        ids[3],
    ]
    assert client.get(f"/synesthetic-assets/{ids[1]}/embedding").status_code == 404


def test_like_needs_an_asset_with_a_vector(client):
    ident = _asset(client, "lonely")
    assert client.get("/search/assets?like=999").status_code == 404
    assert error_of(client.get(f"/search/assets?like={ident}"))["code"] == "not_found"
    assert error_of(client.get(f"/search/assets?like={ident}&space=asset"))["code"] == "not_found"
    assert client.get("/search/assets").status_code == 422
    assert client.get(f"/search/assets?like={ident}&k=0").status_code == 422


def test_asset_embedding_needs_the_asset(client):
    assert (
        client.put("/synesthetic-assets/42/embedding", json={"embedding": [1.0]}).status_code == 404
    )
    ident = _asset(client, "x")
    assert client.get(f"/synesthetic-assets/{ident}/embedding").status_code == 404
    client.put(f"/synesthetic-assets/{ident}/embedding", json={"embedding": [1.0, 2.0]})
    assert client.delete(f"/synesthetic-assets/{ident}/embedding").status_code == 204
    assert client.delete(f"/synesthetic-assets/{ident}/embedding").status_code == 404


def test_search_runs_on_the_databases_vector_index(client, engine):
    client.post("/embeddings/", json={"patch_id": "a", "embedding": [1, 0]})
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'vecbit_patch'")
            ).scalar_one()
            # the first pass's codes (64 bits at least), partitioned; vectors re-rank
            assert "vec0" in sql and "bit[64]" in sql and "partition key" in sql
        else:
            index = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'vec_patch_hnsw'")
            ).scalar_one()
            assert "hnsw" in index and "vector_cosine_ops" in index


def test_writes_need_the_token(make_client):
    client = make_client(api_token="secret")
    assert client.post("/embeddings/", json={"patch_id": "a", "embedding": [1]}).status_code == 401
    assert client.post("/embeddings/query", json={"embedding": [1]}).status_code == 200


def test_concurrent_first_vectors_of_a_space_all_succeed(live_url):
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    def put(i: int) -> int:
        body = {"patch_id": f"p{i % 3}", "embedding": [1.0, float(i)]}
        return httpx.post(f"{live_url}/embeddings/", json=body, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(put, range(16)))
    assert statuses == [200] * 16
    listed = httpx.post(f"{live_url}/embeddings/query", json={"embedding": [1, 0], "top_k": 10})
    assert sorted(listed.json()) == ["p0", "p1", "p2"]


def test_verified_assets_are_searchable_by_behaviour(client):
    """Issue 15: verify stores the fingerprint; like={id} finds a renamed copy at distance 0."""
    from tests.factories import make_asset

    base = make_asset(name="original")
    renamed = make_asset(name="a renamed copy")
    other = make_asset(name="other")
    other["modulations"][0]["frequency"] = other["modulations"][0]["frequency"] * 3 + 0.5
    ids = []
    for doc in (base, renamed, other):
        created = client.post("/synesthetic-assets/", content=json.dumps(doc).encode())
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
        assert client.post(f"/synesthetic-assets/{ids[-1]}/verify").status_code == 201
    hits = client.get(f"/search/assets?like={ids[0]}&k=10").json()
    assert [h["id"] for h in hits] == [ids[1], ids[2]]
    assert hits[0]["distance"] <= 1e-6 < hits[1]["distance"]
    # the same index answers a vector body in the fingerprint space
    vector = client.get(f"/search/assets?like={ids[2]}&k=1").json()
    assert vector and vector[0]["id"] in ids[:2]
    from synharness.agents.fingerprint import fingerprint_of

    body = {"embedding": fingerprint_of(base), "top_k": 2, "space": "fingerprint"}
    found = client.post("/search/assets", json=body)
    assert found.status_code == 200 and sorted(found.json()) == sorted(ids[:2])
    assert client.post("/search/assets", json={**body, "space": "patch"}).status_code == 422
