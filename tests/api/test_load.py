"""The store under load, as a real ``synharness serve`` process on each backend.

32 writers and 8 readers send 600 requests at once: every writer creates
assets and read-modify-writes one shared asset (GET, then PATCH with its
ETag); readers read the shared asset and list. Every request must be answered
within the client time-out, none with a 5xx, and the final state must equal
the successful writes: the shared counter equals the number of 200 PATCHes,
and every created asset is stored exactly as sent. The latency figures (p50,
p99) are printed, not asserted (no wall-clock asserts; the machine is shared).
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.api.helpers import asset_bytes, without_metadata
from tests.api.live import LiveServer

WRITERS = 32
READERS = 8
CYCLES = 5  # a writer cycle: POST, GET, PATCH
READS = 15
#: Generous: a request that is not answered within it counts as a stall.
CLIENT_TIMEOUT = 60.0


@pytest.fixture
def live(database: tuple[str, str | None], tmp_path: Path):
    server = LiveServer(database, tmp_path).start()
    yield server
    server.stop()


def test_32_writers_8_readers_600_requests(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url, headers=live.headers(), timeout=CLIENT_TIMEOUT) as http:
        shared = http.post("/synesthetic-assets/", content=asset_bytes(meta_info={"count": 0}))
    assert shared.status_code == 201
    shared_path = shared.headers["location"]
    latencies: list[float] = []
    statuses: list[tuple[str, int]] = []
    created: list[tuple[str, bytes]] = []
    patched: list[int] = []
    lock = threading.Lock()

    def timed(
        http: httpx.Client, what: str, method: str, path: str, **kw: object
    ) -> httpx.Response:
        start = time.perf_counter()
        response = http.request(method, path, **kw)  # type: ignore[arg-type]
        with lock:
            latencies.append(time.perf_counter() - start)
            statuses.append((what, response.status_code))
        return response

    def writer(w: int) -> None:
        with httpx.Client(
            base_url=live.url, headers=live.headers(), timeout=CLIENT_TIMEOUT
        ) as http:
            for c in range(CYCLES):
                body = asset_bytes(name=f"writer {w} cycle {c}", meta_info={"w": w, "c": c})
                made = timed(http, "create", "POST", "/synesthetic-assets/", content=body)
                if made.status_code == 201:
                    with lock:
                        created.append((made.headers["location"], body))
                current = timed(http, "get", "GET", shared_path)
                count = current.json()["meta_info"]["count"]
                patch = {"meta_info": {"count": count + 1}}
                done = timed(
                    http,
                    "patch",
                    "PATCH",
                    shared_path,
                    content=json.dumps(patch),
                    headers={"If-Match": current.headers["etag"]},
                )
                if done.status_code == 200:
                    with lock:
                        patched.append(w)

    def reader(r: int) -> None:
        with httpx.Client(base_url=live.url, timeout=CLIENT_TIMEOUT) as http:
            for i in range(READS):
                if i % 2:
                    timed(http, "list", "GET", "/synesthetic-assets/", params={"limit": 50})
                else:
                    timed(http, "read", "GET", shared_path)

    start = time.perf_counter()
    with ThreadPoolExecutor(WRITERS + READERS) as pool:
        futures = [pool.submit(writer, w) for w in range(WRITERS)]
        futures += [pool.submit(reader, r) for r in range(READERS)]
        for future in futures:
            future.result()  # a time-out or a refused connection fails the test here
    elapsed = time.perf_counter() - start

    assert len(statuses) == WRITERS * CYCLES * 3 + READERS * READS == 600
    errors = [(w, s) for w, s in statuses if s >= 500]
    assert not errors, (errors[:10], live.log()[-3000:])
    allowed = {"create": {201}, "get": {200}, "patch": {200, 412}, "read": {200}, "list": {200}}
    assert all(s in allowed[w] for w, s in statuses), sorted(set(statuses))

    with httpx.Client(base_url=live.url, timeout=CLIENT_TIMEOUT) as http:
        final = http.get(shared_path)
        assert final.json()["meta_info"]["count"] == len(patched)
        assert final.headers["etag"].endswith(f'v{1 + len(patched)}"')
        listed = http.get("/synesthetic-assets/", params={"limit": 1})
        assert int(listed.headers["x-total-count"]) == 1 + len(created)
        for location, body in created:
            stored = http.get(location).json()
            assert without_metadata(stored) == json.loads(body)

    ordered = sorted(latencies)
    p50, p99 = ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99) - 1]
    print(
        f"\nload: 600 requests in {elapsed:.1f} s; p50 {p50 * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms; "
        f"{len(patched)} of {WRITERS * CYCLES} PATCHes applied (others 412)"
    )
