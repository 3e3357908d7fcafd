"""Benchmark of the store over HTTP (``make bench``): requests per second and p50/p99
latency of create, get and list, with 8 concurrent clients against real server
processes on SQLite, loopback only, bounded request counts.

Two servers run in this benchmark, each in its own process:
- *store*: ``synharness serve`` (full validation on every write, WAL, stored
  JSON text returned as it is);
- *reference*: a bare FastAPI + SQLite app (no validation, WAL, one table of
  JSON text), measured the same way in the same run; ``ratio_*`` compare the
  two. (The seed backend's figures were constants written into this file, not
  measured in the run; they were dropped, issue 18.)

Writes the ``api`` section of ``reports/bench/results.json``. No assertion on wall-clock
time: a loaded machine must not fail the suite.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.helpers import free_port
from tests.conftest import BENCH_RESULTS
from tests.conftest import write_bench_section as write_section
from tests.factories import generate_assets

pytestmark = pytest.mark.bench

RESULTS = BENCH_RESULTS
CLIENTS = 8
CREATES = 1600
GETS = 4000
LISTS = 1200
LIST_LIMIT = 50

REFERENCE_APP = """
import sqlite3, sys, threading
from fastapi import FastAPI, Request, Response
import uvicorn

db_path = sys.argv[2]
local = threading.local()
def conn():
    c = getattr(local, "c", None)
    if c is None:
        c = local.c = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        c.execute("PRAGMA journal_mode=WAL"); c.execute("PRAGMA synchronous=NORMAL")
        c.execute("PRAGMA busy_timeout=30000")
    return c
conn().execute("CREATE TABLE IF NOT EXISTS a (id INTEGER PRIMARY KEY, name TEXT, body TEXT)")
app = FastAPI()

@app.post("/synesthetic-assets/", status_code=201)
async def create(request: Request):
    body = await request.body()
    import orjson
    data = orjson.loads(body)
    cur = conn().execute("INSERT INTO a (name, body) VALUES (?, ?)", (data.get("name"), body.decode()))
    return Response(b'{"id":%d}' % cur.lastrowid, status_code=201, media_type="application/json")

@app.get("/synesthetic-assets/{i}")
def get(i: int):
    row = conn().execute("SELECT body FROM a WHERE id = ?", (i,)).fetchone()
    return Response(row[0], media_type="application/json")

@app.get("/synesthetic-assets/")
def list_(limit: int = 50, offset: int = 0):
    rows = conn().execute("SELECT body FROM a ORDER BY id LIMIT ? OFFSET ?", (limit, offset)).fetchall()
    return Response("[" + ",".join(r[0] for r in rows) + "]", media_type="application/json")

uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="error", access_log=False)
"""


def _wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            httpx.get(f"{url}/synesthetic-assets/", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def _serve(args: list[str], cwd: Path) -> Iterator[str]:
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "SYNHARNESS_API_TOKEN")
    }
    proc = subprocess.Popen(
        [*args, str(port)], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[str]:
    db = tmp_path / "store.db"
    yield from _serve(
        [
            sys.executable,
            "-m",
            "synharness",
            "serve",
            "--database-url",
            f"sqlite:///{db}",
            "--port",
        ],
        tmp_path,
    )


@pytest.fixture
def reference(tmp_path: Path) -> Iterator[str]:
    script = tmp_path / "reference_app.py"
    script.write_text(REFERENCE_APP)
    port_first = [sys.executable, str(script)]
    # The reference takes "PORT DB" arguments; _serve appends the port last, so wrap.
    wrapper = tmp_path / "run_reference.py"
    wrapper.write_text(
        "import sys, runpy\n"
        f"sys.argv = [{str(script)!r}, sys.argv[1], {str(tmp_path / 'ref.db')!r}]\n"
        f"runpy.run_path({str(script)!r}, run_name='__main__')\n"
    )
    del port_first
    yield from _serve([sys.executable, str(wrapper)], tmp_path)


#: One request: method, path (with query) and body.
Request = tuple[str, str, bytes | None]


def load(url: str, requests: list[Request]) -> dict[str, float]:
    """Send ``requests`` from CLIENTS threads (one keep-alive connection each).

    The clients use the standard library's ``http.client``: on a two-core
    machine the load generator shares the CPU with the server, and a heavier
    client (httpx costs several times more per request) would measure itself.
    """
    host, port = url.removeprefix("http://").rsplit(":", 1)
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    chunks = [requests[i::CLIENTS] for i in range(CLIENTS)]
    headers = {"Content-Type": "application/json"}

    def worker(chunk: list[Request]) -> None:
        mine: list[float] = []
        bad: list[int] = []
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            for method, path, body in chunk:
                t0 = time.perf_counter()
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                mine.append(time.perf_counter() - t0)
                if response.status >= 400:
                    bad.append(response.status)
        finally:
            connection.close()
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    assert not failures, f"{len(failures)} failed requests, e.g. {failures[:5]}"
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
    }


def scenario(url: str, bodies: list[bytes]) -> dict[str, dict[str, float]]:
    # Warm up: imports, schema compilation, connection pools.
    load(url, [("POST", "/synesthetic-assets/", bodies[0])] * (CLIENTS * 4))
    created = load(url, [("POST", "/synesthetic-assets/", b) for b in bodies[:CREATES]])
    total = CREATES + CLIENTS * 4
    got = load(url, [("GET", f"/synesthetic-assets/{1 + i % total}", None) for i in range(GETS)])
    lists: list[Request] = [
        (
            "GET",
            f"/synesthetic-assets/?limit={LIST_LIMIT}&offset={(i * LIST_LIMIT) % (total - LIST_LIMIT)}",
            None,
        )
        for i in range(LISTS)
    ]
    listed = load(url, lists)
    return {"create": created, "get": got, "list50": listed}


def test_bench_api(store: str, reference: str) -> None:
    assets = generate_assets(CREATES, seed=1)
    bodies = [json.dumps(a, indent=2).encode() for a in assets]
    ours = scenario(store, bodies)
    ref = scenario(reference, bodies)
    section: dict[str, Any] = {
        "clients": CLIENTS,
        "database": "sqlite (WAL)",
        "store": ours,
        "reference_bare_fastapi_sqlite": ref,
    }
    for op in ("create", "get", "list50"):
        section[f"ratio_{op}_vs_reference"] = round(ours[op]["rps"] / ref[op]["rps"], 3)
    write_section("api", section)
    print()
    for op in ("create", "get", "list50"):
        s, r = ours[op], ref[op]
        print(
            f"api {op:7s}: {s['rps']:8.1f} req/s  p50 {s['p50_ms']:7.2f} ms  p99 {s['p99_ms']:7.2f} ms"
            f"   | bare FastAPI+SQLite {r['rps']:8.1f} req/s (x{s['rps'] / r['rps']:.2f})"
        )
