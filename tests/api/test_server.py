"""The real thing: ``synharness serve`` as a process on a free loopback port, spoken to
over HTTP, with ``synharness push`` and the ``run --from`` client functions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from synharness import pipeline
from synharness.api.client import StoreError, fetch_assets, push_documents, push_results
from synharness.cli.main import cli

from tests.api.helpers import free_port
from tests.factories import make_asset

REPO = Path(__file__).resolve().parents[2]
TOKEN = "server-test-token"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.pop("SYNHARNESS_API_TOKEN", None)
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``synharness serve`` on a fresh SQLite file, with a token."""
    tmp = tmp_path_factory.mktemp("server")
    port = free_port()
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "synharness",
            "serve",
            "--port",
            str(port),
            "--database-url",
            f"sqlite:///{tmp / 'store.db'}",
        ],
        cwd=tmp,
        env=_env(SYNHARNESS_API_TOKEN=TOKEN),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the server did not start: " + (tmp / "server.log").read_text())
        time.sleep(0.1)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_real_server_crud_over_http(server):
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    body = json.dumps(make_asset())
    assert (
        httpx.post(
            f"{server}/synesthetic-assets/",
            content=body,
            headers={"Content-Type": "application/json"},
        ).status_code
        == 401
    )
    created = httpx.post(f"{server}/synesthetic-assets/", content=body, headers=auth)
    assert created.status_code == 201
    url = server + created.headers["location"]
    got = httpx.get(url)
    assert got.status_code == 200 and got.json()["name"] == make_asset()["name"]
    assert httpx.get(url, headers={"If-None-Match": got.headers["etag"]}).status_code == 304
    stale = httpx.patch(
        url, content=b'{"description": "x"}', headers={**auth, "If-Match": '"a1v9"'}
    )
    assert stale.status_code == 412
    assert httpx.get(f"{server}/docs").status_code == 200
    assert httpx.get(f"{server}/openapi.json").json()["info"]["title"] == "synharness store"
    big = httpx.post(
        f"{server}/synesthetic-assets/", content=b" " * (1024 * 1024 + 10), headers=auth
    )
    assert big.status_code == 413 and big.json()["error"]["code"] == "payload_too_large"


def test_push_cli_stores_files_and_reports_refusals(server, tmp_path, monkeypatch):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(make_asset(name="Pushed"), indent=2))
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "name": "Bad",\n  "name": "Twice"\n}\n')
    runner = CliRunner()
    refused = runner.invoke(
        cli, ["push", str(good), "--to", server], env={"SYNHARNESS_API_TOKEN": ""}
    )
    assert refused.exit_code == 2, refused.output
    assert "401" in refused.output and "Traceback" not in refused.output
    result = runner.invoke(
        cli, ["push", str(good), str(bad), "--to", server], env={"SYNHARNESS_API_TOKEN": TOKEN}
    )
    assert result.exit_code == 1, result.output
    assert f"{good}: stored at /synesthetic-assets/" in result.output
    assert "bad.json:3:" in result.output and "SYN-LOAD-005" in result.output
    names = [
        a["name"]
        for a in httpx.get(f"{server}/synesthetic-assets/", params={"name": "Pushed"}).json()
    ]
    assert names == ["Pushed"]


def test_run_from_url_round_trip(server):
    """What ``synharness run --from URL`` does: fetch, verify locally, push reports back."""
    auth_token = TOKEN
    push_documents(
        server, [("a", json.dumps(make_asset(name="Fetched")).encode())], token=auth_token
    )
    fetched = fetch_assets(server)
    assert fetched and all(src.startswith(f"{server}/synesthetic-assets/") for src, _ in fetched)
    source, raw = next((s, r) for s, r in fetched if json.loads(r)["name"] == "Fetched")
    assert json.loads(raw) == make_asset(name="Fetched")
    results = [pipeline.validate_bytes(raw, source=source)]
    outcomes = push_results(server, results, token=auth_token)
    assert [o.status for o in outcomes] == [201]
    reports = httpx.get(f"{source}/reports").json()
    assert reports[0]["verdict"] == results[0].verdict.value
    assert reports[0]["result"]["source"] == source


def test_run_from_cli_verifies_the_store_and_pushes_reports(server, tmp_path, monkeypatch):
    """``synharness run --from URL``: every stored asset verified, one report pushed back each."""
    push_documents(server, [("a", json.dumps(make_asset(name="Run From")).encode())], token=TOKEN)
    monkeypatch.setenv("SYNHARNESS_API_TOKEN", TOKEN)
    result = CliRunner().invoke(
        cli, ["run", "--from", server, "--report-dir", str(tmp_path), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report.json").read_text())
    sources = [a["source"] for a in report["assets"]]
    assert sources and all(s.startswith(f"{server}/synesthetic-assets/") for s in sources)
    ours = next(a for a in report["assets"] if a["name"] == "Run From")
    assert {s["name"] for s in ours["scenarios"]} >= {"idle", "sweep", "random"}
    stored = httpx.get(f"{ours['source']}/reports").json()
    assert stored[0]["verdict"] == ours["verdict"]
    assert "pushed" in result.output


def test_run_from_cli_rejects_paths_and_url_together(server):
    result = CliRunner().invoke(cli, ["run", "examples/", "--from", server])
    assert result.exit_code == 2 and "not both" in result.output


def test_fetch_pages_through_everything(server):
    docs = [(f"d{i}", json.dumps(make_asset(name=f"Page {i}")).encode()) for i in range(5)]
    push_documents(server, docs, token=TOKEN)
    import synharness.api.client as client_module

    original = client_module.PAGE_SIZE
    client_module.PAGE_SIZE = 2
    try:
        fetched = fetch_assets(server + "/synesthetic-assets/")
    finally:
        client_module.PAGE_SIZE = original
    total = int(httpx.get(f"{server}/synesthetic-assets/").headers["x-total-count"])
    assert len(fetched) == total and len({s for s, _ in fetched}) == total


def test_unreachable_store_is_a_store_error():
    with pytest.raises(StoreError, match="cannot reach the store"):
        fetch_assets(f"http://127.0.0.1:{free_port()}")


def test_serve_refuses_a_public_address_without_token(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "synharness",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            str(free_port()),
            "--database-url",
            f"sqlite:///{tmp_path / 'x.db'}",
        ],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "SYNHARNESS_API_TOKEN" in proc.stderr and "Traceback" not in proc.stderr


def test_db_upgrade_cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = CliRunner().invoke(cli, ["db", "upgrade", "--database-url", url])
    assert result.exit_code == 0, result.output
    from alembic.script import ScriptDirectory
    from synharness.api.db import MIGRATIONS_DIR, alembic_config

    head = ScriptDirectory.from_config(alembic_config(None)).get_current_head()  # type: ignore[arg-type]
    assert MIGRATIONS_DIR.is_dir() and f"revision {head}" in result.output
    again = CliRunner().invoke(cli, ["db", "upgrade", "--database-url", url])
    assert again.exit_code == 0
    broken = CliRunner().invoke(
        cli, ["db", "upgrade", "--database-url", "sqlite:////nonexistent/x/y.db"]
    )
    assert broken.exit_code == 1 and "cannot upgrade" in broken.output


def test_push_missing_path_is_a_usage_error(server, tmp_path):
    result = CliRunner().invoke(cli, ["push", str(tmp_path / "nope.json"), "--to", server])
    assert result.exit_code == 2
    assert "nope.json" in result.output and "Traceback" not in result.output


def test_push_to_unreachable_store_exits_2(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(make_asset()))
    result = CliRunner().invoke(cli, ["push", str(good), "--to", f"http://127.0.0.1:{free_port()}"])
    assert result.exit_code == 2
    assert "cannot reach the store" in result.output
