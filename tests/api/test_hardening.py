"""Regression tests of issue 9 against the store (both backends): each was a 500,
a stall, a lost update or an open door before."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlparse

import pytest

from tests.api.helpers import asset_bytes, error_of

SCHEMA = "https://delk73.github.io/synesthetic-schemas/schema/0.7.3/synesthetic-asset.schema.json"


def _minimal() -> bytes:
    return json.dumps({"$schema": SCHEMA, "name": "minimal"}).encode()


# --- 500s ---------------------------------------------------------------------------


def test_verify_of_an_asset_nothing_drives_is_a_report(client):
    created = client.post("/synesthetic-assets/", content=_minimal())
    assert created.status_code == 201
    report = client.post(f"{created.headers['location']}/verify")
    assert report.status_code == 201, report.text
    assert {s["name"] for s in report.json()["result"]["scenarios"]} == {"idle", "sweep", "random"}


@pytest.mark.parametrize(
    "path", ["/validate", "/haptics/", "/shaders/", "/synesthetic-assets/", "PUT"]
)
def test_superscript_digit_key_is_a_finding(client, path):
    doc = {"$schema": SCHEMA, "name": "x", "¹": 1}
    if path == "PUT":
        created = client.post("/synesthetic-assets/", content=asset_bytes())
        response = client.put(created.headers["location"], content=json.dumps(doc))
    else:
        response = client.post(path, content=json.dumps(doc))
    assert response.status_code in (200, 422), response.text
    text = response.text
    assert "SYN-" in text and "/¹" in text


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_superscript_if_match_is_412(client, method):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    url = created.headers["location"]
    body = asset_bytes() if method == "PUT" else b'{"description": "x"}'
    response = client.request(
        method,
        url,
        content=None if method == "DELETE" else body,
        headers={"If-Match": '"a1v¹"'.encode(), "Content-Type": "application/json"},
    )
    assert response.status_code == 412, response.text
    huge = client.request(
        method,
        url,
        content=None if method == "DELETE" else body,
        headers={"If-Match": '"a1v99999999999999999999"', "Content-Type": "application/json"},
    )
    assert huge.status_code == 412, huge.text


def _raw_post(live_url: str, authorization: bytes) -> int:
    """A POST with exact header bytes (httpx re-encodes non-ASCII header values)."""
    body = asset_bytes()
    where = urlparse(live_url)
    request = (
        b"POST /synesthetic-assets/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nAuthorization: " + authorization + b"\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
    )
    with socket.create_connection((where.hostname, where.port), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_non_ascii_bearer_tokens_compare_as_bytes(engine, settings, tmp_path):
    import threading
    import time

    import uvicorn
    from synharness.api.main import create_app

    from tests.api.helpers import free_port

    app = create_app(
        settings.model_copy(update={"api_token": "t\u00f6k"}), engine=engine, migrate=False
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{port}"
    try:
        assert _raw_post(url, "Bearer t\u00f6k".encode()) == 201  # UTF-8, as set
        assert _raw_post(url, b"Bearer t\xf6k") == 401  # latin-1 bytes: another token
        assert _raw_post(url, "Bearer t\u00f6k\u00a0".encode()) == 401  # trailing NBSP
        assert _raw_post(url, "Bearer t\u00f6k\u0085".encode()) == 401  # trailing NEL
        assert _raw_post(url, "Bearer t\u00f6k ".encode()) == 201  # OWS HTTP strips
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_inline_scenario_over_the_step_cap_is_422_before_any_work(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    body = {"scenarios": [{"name": "day", "duration": 86400, "dt": 0.0001}]}
    response = client.post(f"{created.headers['location']}/verify", content=json.dumps(body))
    assert response.status_code == 422
    error = error_of(response)
    assert error["details"]["limit"] == 1_000_000 and error["details"]["pointer"] == "/scenarios/0"
    many = {"scenarios": ["idle"] * 17}
    assert (
        client.post(f"{created.headers['location']}/verify", content=json.dumps(many)).status_code
        == 422
    )
    capped = {"scenarios": [{"name": "short", "duration": 2, "dt": 0.01}]}
    assert (
        client.post(f"{created.headers['location']}/verify", content=json.dumps(capped)).status_code
        == 201
    )


def test_store_step_cap_is_a_setting(make_client):
    client = make_client(max_steps=100)
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    body = {"scenarios": [{"name": "short", "duration": 2, "dt": 0.01}]}
    response = client.post(f"{created.headers['location']}/verify", content=json.dumps(body))
    assert response.status_code == 422 and error_of(response)["details"]["limit"] == 100


@pytest.mark.parametrize(
    "literal,pointer",
    [("1e999", "/meta_info/peak"), ("9" * 400, "/meta_info/peak")],
)
def test_overflowing_numbers_are_refused_not_stored_as_null(client, literal, pointer):
    text = asset_bytes(meta_info={"peak": 12345.5}).decode().replace("12345.5", literal)
    response = client.post("/synesthetic-assets/", content=text)
    assert response.status_code == 422, response.text
    (finding,) = error_of(response)["details"]["findings"]
    assert (finding["code"], finding["pointer"]) == ("SYN-NUM-001", pointer)
    assert client.post("/validate", content=text).status_code == 200
    assert client.post("/score", content=text).status_code == 200


def test_simulation_overflow_is_refused_at_its_pointer(client):
    doc = json.loads(asset_bytes())
    doc["control"]["control_parameters"][0]["max"] = 1e308
    response = client.post("/synesthetic-assets/", content=json.dumps(doc))
    assert response.status_code == 422
    codes = {(f["code"], f["pointer"]) for f in error_of(response)["details"]["findings"]}
    assert ("SYN-NUM-002", "/control/control_parameters/0/max") in codes


# --- lost updates and duplicates --------------------------------------------------------


def test_require_if_match_answers_428(make_client):
    client = make_client(require_if_match=True)
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    url, etag = created.headers["location"], created.headers["etag"]
    for method, body in (
        ("PUT", asset_bytes()),
        ("PATCH", b'{"description": "x"}'),
        ("DELETE", None),
    ):
        blind = client.request(method, url, content=body)
        assert blind.status_code == 428, (method, blind.text)
        assert error_of(blind)["code"] == "precondition_required"
    assert (
        client.patch(url, content=b'{"description": "y"}', headers={"If-Match": etag}).status_code
        == 200
    )


def test_without_the_option_blind_writes_still_work(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    assert (
        client.patch(created.headers["location"], content=b'{"description": "z"}').status_code
        == 200
    )


def test_idempotency_key_replays_the_first_answer(client):
    key = {"Idempotency-Key": "create-1"}
    first = client.post("/synesthetic-assets/", content=asset_bytes(), headers=key)
    again = client.post("/synesthetic-assets/", content=asset_bytes(), headers=key)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    listed = client.get("/synesthetic-assets/")
    assert listed.headers["x-total-count"] == "1"
    other = client.post("/synesthetic-assets/", content=asset_bytes(name="Other"), headers=key)
    assert other.status_code == 422 and error_of(other)["code"] == "idempotency_key_reused"
    bad = client.post(
        "/synesthetic-assets/", content=asset_bytes(), headers={"Idempotency-Key": "a b"}
    )
    assert bad.status_code == 422
    # Another route is another scope: the same key names another request there.
    shader = json.loads(asset_bytes())["shader"]
    shader["$schema"] = SCHEMA.replace("synesthetic-asset", "shader")
    made = client.post("/shaders/", content=json.dumps(shader), headers=key)
    assert made.status_code == 201


def test_idempotency_keys_survive_a_new_app_on_the_same_database(make_client):
    key = {"Idempotency-Key": "durable"}
    first = make_client().post("/synesthetic-assets/", content=asset_bytes(), headers=key)
    again = make_client().post("/synesthetic-assets/", content=asset_bytes(), headers=key)
    assert again.headers["location"] == first.headers["location"]


def test_report_with_stale_if_match_is_412(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    url, etag = created.headers["location"], created.headers["etag"]
    report = client.post(f"{url}/verify", content=json.dumps({"scenarios": ["idle"]}))
    result = json.dumps(report.json()["result"])
    client.patch(url, content=b'{"description": "changed"}')
    stale = client.post(f"{url}/reports", content=result, headers={"If-Match": etag})
    assert stale.status_code == 412
    fresh = client.post(
        f"{url}/reports", content=result, headers={"If-Match": client.get(url).headers["etag"]}
    )
    assert fresh.status_code == 201


# --- web security -------------------------------------------------------------------------


def test_cross_origin_simple_post_is_415(client):
    response = client.post(
        "/synesthetic-assets/",
        content=asset_bytes(),
        headers={"Content-Type": "text/plain", "Origin": "https://evil.example"},
    )
    assert response.status_code == 415 and error_of(response)["code"] == "unsupported_media_type"
    assert "access-control-allow-origin" not in response.headers
    assert client.get("/synesthetic-assets/").headers["x-total-count"] == "0"
    missing = client.post(
        "/synesthetic-assets/", content=asset_bytes(), headers={"Content-Type": ""}
    )
    assert missing.status_code == 415
    merge = client.post(
        "/synesthetic-assets/",
        content=asset_bytes(),
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert merge.status_code == 201


def test_foreign_host_is_refused_without_a_token(make_client):
    client = make_client()
    evil = client.get("/synesthetic-assets/", headers={"Host": "evil.example"})
    assert evil.status_code == 421 and error_of(evil)["code"] == "misdirected_request"
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "app.localhost"):
        assert client.get("/health", headers={"Host": host}).status_code == 200, host
    allowed = make_client(allowed_hosts=("store.lan",))
    assert allowed.get("/health", headers={"Host": "store.lan:8000"}).status_code == 200
    tokened = make_client(api_token="secret")
    assert tokened.get("/health", headers={"Host": "store.example"}).status_code == 200


def test_cors_preflight_and_allow(make_client):
    client = make_client(cors_origins=("https://app.example",))
    preflight = client.options(
        "/synesthetic-assets/",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, if-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "If-Match" in preflight.headers["access-control-allow-headers"]
    got = client.get("/synesthetic-assets/", headers={"Origin": "https://app.example"})
    assert got.headers["access-control-allow-origin"] == "https://app.example"
    assert "ETag" in got.headers["access-control-expose-headers"]
    evil = client.options(
        "/synesthetic-assets/",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert evil.status_code == 403 and "access-control-allow-origin" not in evil.headers
    plain = make_client()
    none = plain.get("/synesthetic-assets/", headers={"Origin": "https://app.example"})
    assert "access-control-allow-origin" not in none.headers


def test_405_lists_every_method(client):
    response = client.request("PUT", "/synesthetic-assets/")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}
    item = client.request("POST", "/synesthetic-assets/1")
    assert set(item.headers["allow"].split(", ")) >= {"GET", "PUT", "PATCH", "DELETE"}
    options = client.options("/synesthetic-assets/")
    assert options.status_code == 204 and "POST" in options.headers["allow"]


# --- stalls -------------------------------------------------------------------------------


def test_no_connection_within_the_pool_timeout_is_503_with_retry_after(database, tmp_path):
    from starlette.testclient import TestClient
    from synharness.api import db
    from synharness.api.main import create_app
    from synharness.api.settings import Settings

    url, schema = database
    engine = db.make_engine(url, schema=schema, pool_size=1, pool_timeout=0.2)
    db.upgrade(engine)
    settings = Settings(database_url=url, database_schema=schema, pool_timeout=0.2, threads=4)
    app = create_app(settings, engine=engine, migrate=False)
    # Hold both connections of the pool (size 1 + overflow 1) elsewhere.
    held = [engine.connect(), engine.connect()]
    try:
        with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
            response = client.get("/synesthetic-assets/1")
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"] == "1"
            assert error_of(response)["code"] == "service_unavailable"
            # Nothing touching the database still answers.
            assert client.get("/openapi.json").status_code == 200
    finally:
        for conn in held:
            conn.close()
        engine.dispose()


def test_every_database_route_is_sync():
    """An async route runs its queries on the event loop and stalls every request."""
    import inspect

    from fastapi.routing import APIRoute
    from synharness.api.main import create_app
    from synharness.api.settings import Settings

    app = create_app(Settings(database_url="sqlite://"), migrate=False)
    for route in app.routes:
        if (
            isinstance(route, APIRoute)
            and "session" in inspect.signature(route.endpoint).parameters
        ):
            assert not inspect.iscoroutinefunction(route.endpoint), route.path


# --- clients ------------------------------------------------------------------------------


def test_push_twice_creates_each_asset_once(live_url):
    from synharness.api.client import push_documents

    docs = [("a.json", asset_bytes(name="A")), ("b.json", asset_bytes(name="B"))]
    first = push_documents(live_url, docs)
    again = push_documents(live_url, docs)
    assert [o.status for o in first] == [o.status for o in again] == [201, 201]
    assert [o.location for o in first] == [o.location for o in again]
    import httpx

    assert httpx.get(f"{live_url}/synesthetic-assets/").headers["x-total-count"] == "2"


def test_run_from_sends_if_match_and_a_changed_asset_is_not_reported(live_url):
    import httpx
    from synharness import pipeline
    from synharness.api.client import fetch_stored, push_results

    created = httpx.post(
        f"{live_url}/synesthetic-assets/",
        content=asset_bytes(),
        headers={"Content-Type": "application/json"},
    )
    (stored,) = fetch_stored(live_url)
    assert stored.etag == created.headers["etag"]
    result = pipeline.validate_bytes(stored.raw, source=stored.source)
    httpx.patch(
        f"{live_url}{created.headers['location']}",
        content=b'{"description": "changed meanwhile"}',
        headers={"Content-Type": "application/json"},
    )
    (outcome,) = push_results(live_url, [result], etags={stored.source: stored.etag})
    assert outcome.status == 412
    (fresh,) = fetch_stored(live_url)
    (ok,) = push_results(live_url, [result], etags={fresh.source: fresh.etag})
    assert ok.status == 201
    (replayed,) = push_results(live_url, [result], etags={fresh.source: fresh.etag})
    assert replayed.location == ok.location  # idempotent: one report
