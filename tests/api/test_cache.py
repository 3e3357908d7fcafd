"""The optional Redis response cache, against the machine's Redis."""

from __future__ import annotations

import json
import uuid

import pytest
import redis

from tests.api.helpers import REDIS_URL, asset_bytes, redis_reason, unavailable

pytestmark = pytest.mark.redis


@pytest.fixture
def cached(make_client):
    """A client of a store with the cache on, under a fresh key prefix."""
    reason = redis_reason()
    if reason is not None:
        unavailable("Redis", reason)
    prefix = f"synharness-test-{uuid.uuid4().hex[:10]}"
    client = make_client(redis_url=REDIS_URL, cache_prefix=prefix)
    yield client, prefix
    r = redis.Redis.from_url(REDIS_URL)
    keys = list(r.scan_iter(f"{prefix}:*"))
    if keys:
        r.delete(*keys)


def test_repeated_get_is_served_from_redis(cached):
    client, prefix = cached
    url = client.post("/synesthetic-assets/", content=asset_bytes()).headers["location"]
    first = client.get(url)
    second = client.get(url)
    assert "x-cache" not in first.headers
    assert second.headers["x-cache"] == "hit"
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]
    assert any(redis.Redis.from_url(REDIS_URL).scan_iter(f"{prefix}:r:*"))


def test_every_write_invalidates(cached):
    client, _ = cached
    url = client.post("/synesthetic-assets/", content=asset_bytes()).headers["location"]
    client.get(url)
    client.get("/synesthetic-assets/")
    assert client.get(url).headers.get("x-cache") == "hit"
    patched = client.patch(url, content=b'{"description": "fresh"}')
    assert patched.status_code == 200
    after = client.get(url)
    assert "x-cache" not in after.headers
    assert after.json()["description"] == "fresh"
    listed = client.get("/synesthetic-assets/")
    assert "x-cache" not in listed.headers and listed.json()[0]["description"] == "fresh"
    client.post("/synesthetic-assets/", content=asset_bytes())
    assert client.get("/synesthetic-assets/").headers["x-total-count"] == "2"
    client.delete(url)
    assert client.get(url).status_code == 404


def test_refused_writes_do_not_invalidate(cached):
    client, prefix = cached
    url = client.post("/synesthetic-assets/", content=asset_bytes()).headers["location"]
    client.get(url)
    generation = redis.Redis.from_url(REDIS_URL).get(f"{prefix}:gen")
    assert client.patch(url, content=b'{"name": 1}').status_code == 422
    assert redis.Redis.from_url(REDIS_URL).get(f"{prefix}:gen") == generation
    assert client.get(url).headers.get("x-cache") == "hit"


def test_cached_entry_answers_if_none_match_with_304(cached):
    client, _ = cached
    url = client.post("/synesthetic-assets/", content=asset_bytes()).headers["location"]
    etag = client.get(url).headers["etag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.headers["x-cache"] == "hit"


def test_cache_keeps_schema_version_and_accept_apart(cached):
    client, _ = cached
    client.get("/synesthetic-assets/")
    assert (
        client.get("/synesthetic-assets/", headers={"X-Schema-Version": "0.6.0"}).status_code == 409
    )
    assert (
        client.get("/synesthetic-assets/", headers={"Accept": "text/html"}).headers.get("x-cache")
        is None
    )


def test_unreachable_redis_never_fails_a_request(make_client):
    client = make_client(redis_url="redis://127.0.0.1:1/0")
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    assert created.status_code == 201
    got = client.get(created.headers["location"])
    assert got.status_code == 200 and json.loads(got.content)["id"] == created.json()["id"]


def test_cache_toggle_switches_reads_off_and_back_on(cached):
    client, _ = cached
    assert client.get("/cache").json() == {"cache_enabled": True}
    url = client.post("/synesthetic-assets/", content=asset_bytes()).headers["location"]
    client.get(url)
    assert client.get(url).headers["x-cache"] == "hit"
    assert client.post("/cache", json={"cache_enabled": False}).json() == {"cache_enabled": False}
    assert "x-cache" not in client.get(url).headers
    # a write while reads bypass the cache still invalidates it
    client.patch(url, json={"description": "changed"})
    assert client.post("/cache", json={"cache_enabled": True}).json() == {"cache_enabled": True}
    fresh = client.get(url)
    assert "x-cache" not in fresh.headers and fresh.json()["description"] == "changed"
    assert client.get(url).headers["x-cache"] == "hit"
