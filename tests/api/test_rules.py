"""Store-wide rules: validation on write, auth, body limit, schema version, error shape,
one transaction per request."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import event, func, select
from synharness.api.main import InsecureBindError, check_bind
from synharness.api.settings import Settings
from synharness.api.tables import AssetRow, AssetTagRow, ComponentRow

from tests.api.helpers import asset_bytes, error_of
from tests.factories import make_asset

TOKEN = "s3cret-token"


def test_writes_validate_first_422_with_findings(client):
    bad = make_asset()
    bad["shader"]["uniforms"][0]["type"] = 17
    response = client.post("/synesthetic-assets/", content=json.dumps(bad, indent=2))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_document"
    finding = next(f for f in error["details"]["findings"] if f["severity"] == "error")
    assert {"code", "pointer", "message", "severity"} <= set(finding)
    assert finding["pointer"].startswith("/shader/uniforms/0")
    assert finding["line"] > 1 and finding["column"] >= 1
    assert client.get("/synesthetic-assets/").headers["x-total-count"] == "0"


def test_warnings_are_stored_with_the_asset(client):
    body = make_asset()
    body["rule_bundle"]["rules"][0]["effects"] = []  # SYN-RULE-006 is a warning
    response = client.post("/synesthetic-assets/", content=json.dumps(body))
    assert response.status_code == 201
    assert response.json()["verdict"] == "warn"
    listed = client.get("/synesthetic-assets/", params={"verdict": "warn"}).json()
    assert [a["id"] for a in listed] == [response.json()["id"]]


@pytest.mark.parametrize(
    ("raw", "code", "pointer", "line", "column"),
    [
        (b'{\n  "name": "a",\n  "name": "b"\n}', "SYN-LOAD-005", "/name", 3, 11),
        (b'{\n  "name": NaN\n}', "SYN-LOAD-004", "/name", 2, 11),
        (b'{\n  "name": "a",\n', "SYN-LOAD-001", "", None, None),
        (b"[1, 2]", "SYN-LOAD-008", "", None, None),
        (b"", "SYN-LOAD-002", "", None, None),
    ],
)
def test_malformed_bodies_are_422_with_pointer(client, raw, code, pointer, line, column):
    response = client.post("/synesthetic-assets/", content=raw)
    assert response.status_code == 422
    finding = error_of(response)["details"]["findings"][0]
    assert (finding["code"], finding["pointer"]) == (code, pointer)
    if line is not None:
        assert (finding["line"], finding["column"]) == (line, column)


def test_body_over_limit_is_413_by_content_length(client):
    response = client.post("/synesthetic-assets/", content=b" " * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"


def test_body_over_limit_is_413_when_streamed_without_length(client):
    def chunks():
        for _ in range(17):
            yield b" " * 65536  # 17 * 64 KiB > 1 MiB, sent chunked

    response = client.post("/synesthetic-assets/", content=chunks())
    assert response.status_code == 413
    assert client.get("/synesthetic-assets/").headers["x-total-count"] == "0"


def test_body_at_limit_is_parsed(make_client):
    client = make_client(max_body_bytes=len(asset_bytes()))
    assert client.post("/synesthetic-assets/", content=asset_bytes()).status_code == 201
    assert client.post("/synesthetic-assets/", content=asset_bytes() + b" ").status_code == 413


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/synesthetic-assets/"),
        ("POST", "/synesthetic-assets/nested"),
        ("PUT", "/synesthetic-assets/1"),
        ("PATCH", "/synesthetic-assets/1"),
        ("DELETE", "/synesthetic-assets/1"),
        ("PUT", "/synesthetic-assets/1/shader"),
        ("POST", "/synesthetic-assets/1/verify"),
        ("POST", "/synesthetic-assets/1/reports"),
        ("POST", "/shaders/"),
        ("PUT", "/tones/1"),
        ("DELETE", "/rule-bundles/1"),
    ],
)
def test_writes_need_the_token_when_set(make_client, method, path):
    client = make_client(api_token=TOKEN)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        response = client.request(method, path, content=asset_bytes(), headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert error_of(response)["code"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"


def test_token_allows_writes_and_reads_stay_open(make_client):
    client = make_client(api_token=TOKEN)
    ok = client.post(
        "/synesthetic-assets/", content=asset_bytes(), headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert ok.status_code == 201
    assert client.get(ok.headers["location"]).status_code == 200
    assert client.get("/synesthetic-assets/").status_code == 200


def test_other_schema_version_is_409_with_the_expected_one(client):
    response = client.get("/synesthetic-assets/", headers={"X-Schema-Version": "0.7.2"})
    assert response.status_code == 409
    error = error_of(response)
    assert error["details"]["expected"] == "0.7.3"
    post = client.post(
        "/synesthetic-assets/", content=asset_bytes(), headers={"X-Schema-Version": "1.0.0"}
    )
    assert post.status_code == 409
    same = client.post(
        "/synesthetic-assets/", content=asset_bytes(), headers={"X-Schema-Version": "0.7.3"}
    )
    assert same.status_code == 201


def test_schema_version_route(client):
    response = client.get("/schema/version")
    assert response.status_code == 200
    assert response.json() == {"schemaVersion": "0.7.3", "schema_version": "0.7.3"}


def test_health_reports_the_database(client):
    body = client.get("/health").json()
    assert body == {"status": "ok", "database": "ok", "schemaVersion": "0.7.3"}


def test_health_503_when_the_database_is_gone(make_client, engine):
    from synharness.api import db

    client = make_client()
    client.app.state.store.engine = db.make_engine("sqlite:////nonexistent/dir/x.db")
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nowhere", 404),
        ("DELETE", "/schema/version", 405),
        ("GET", "/synesthetic-assets/x", 422),
    ],
)
def test_framework_errors_are_json(client, method, path, status):
    response = client.request(method, path)
    assert response.status_code == status
    error_of(response)


def _fail_on(engine, prefix):
    def boom(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(prefix):
            raise RuntimeError("disk on fire")

    event.listen(engine, "before_cursor_execute", boom)
    return boom


def test_nothing_is_half_written_when_a_write_fails_midway(client, engine, caplog):
    # The components are inserted first, then the asset row, which fails.
    boom = _fail_on(engine, "INSERT INTO SYNESTHETIC_ASSETS")
    try:
        with caplog.at_level(logging.ERROR, logger="synharness.api"):
            response = client.post("/synesthetic-assets/nested", content=asset_bytes())
    finally:
        event.remove(engine, "before_cursor_execute", boom)
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "internal_error" and "disk on fire" not in response.text
    assert "Traceback" not in response.text
    assert any("unhandled error" in r.message for r in caplog.records)
    with engine.connect() as conn:
        for table in (AssetRow, AssetTagRow, ComponentRow):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0


def test_failed_update_keeps_the_old_version(client, engine):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    # The UPDATE of the row goes through, then replacing its tags fails.
    boom = _fail_on(engine, "DELETE FROM ASSET_TAGS")
    try:
        response = client.put(created.headers["location"], content=asset_bytes(name="Never"))
    finally:
        event.remove(engine, "before_cursor_execute", boom)
    assert response.status_code == 500
    after = client.get(created.headers["location"])
    assert after.json()["name"] == make_asset()["name"]
    assert after.headers["etag"] == created.headers["etag"]


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_loopback_binds_without_token(host):
    check_bind(host, Settings(api_token=None))


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "example.org"])
def test_non_loopback_bind_needs_a_token(host):
    with pytest.raises(InsecureBindError, match="SYNHARNESS_API_TOKEN"):
        check_bind(host, Settings(api_token=None))
    check_bind(host, Settings(api_token=TOKEN))


def test_settings_normalise_postgres_urls():
    assert Settings(database_url="postgresql://u@h/d").database_url == "postgresql+psycopg://u@h/d"
    assert Settings(database_url="postgres://u@h/d").database_url == "postgresql+psycopg://u@h/d"
    assert Settings(api_token="").api_token is None


def test_settings_read_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("SYNHARNESS_API_TOKEN", "t")
    monkeypatch.setenv("REDIS_URL", "redis://h:1/0")
    settings = Settings()
    assert (settings.database_url, settings.api_token, settings.redis_url) == (
        "sqlite:///elsewhere.db",
        "t",
        "redis://h:1/0",
    )


def test_api_package_exports():
    from synharness import api

    assert api.__all__ == sorted(api.__all__)
    assert all(hasattr(api, name) for name in api.__all__)
