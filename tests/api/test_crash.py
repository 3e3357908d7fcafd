"""Crash test: ``kill -9`` the store during writes, start it again on the same
database: every acknowledged write is there, byte for byte, and retrying the
writes whose answer was lost (same Idempotency-Key) creates each exactly once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from tests.api.helpers import asset_bytes
from tests.api.live import LiveServer

WRITERS = 8
#: Acknowledged creates to wait for before the kill (bounded: the test needs no more).
ACKED_BEFORE_KILL = 60


def test_kill_9_during_writes_loses_no_acknowledged_write(
    database: tuple[str, str | None], tmp_path: Path
) -> None:
    server = LiveServer(database, tmp_path).start()
    acked: dict[str, tuple[bytes, str, bytes]] = {}  # key -> (body, location, answer)
    in_flight: dict[str, bytes] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def writer(w: int) -> None:
        with httpx.Client(base_url=server.url, headers=server.headers(), timeout=30) as http:
            i = 0
            while not stop.is_set() or i < 2:
                key = f"crash-{w}-{i}"
                body = asset_bytes(name=f"crash {w} {i}")
                with lock:
                    in_flight[key] = body
                try:
                    answer = http.post(
                        "/synesthetic-assets/", content=body, headers={"Idempotency-Key": key}
                    )
                except httpx.HTTPError:
                    return  # the server is gone: this write stays in flight
                with lock:
                    del in_flight[key]
                    assert answer.status_code == 201, answer.text
                    acked[key] = (body, answer.headers["location"], answer.content)
                i += 1

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while len(acked) < ACKED_BEFORE_KILL and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # SIGKILL with requests in flight
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert len(acked) >= ACKED_BEFORE_KILL, server.log()[-2000:]

    server.start()
    try:
        with httpx.Client(base_url=server.url, headers=server.headers(), timeout=30) as http:
            for key, (body, location, answer) in acked.items():
                stored = http.get(location)
                assert stored.status_code == 200, (key, location)
                assert stored.content == answer, key  # byte-equal to what was acknowledged
                replay = http.post(
                    "/synesthetic-assets/", content=body, headers={"Idempotency-Key": key}
                )
                assert replay.headers["location"] == location
            for key, body in in_flight.items():
                # Lost answers: the retry either creates it now or replays the create
                # that committed before the kill; never a second asset.
                retried = http.post(
                    "/synesthetic-assets/", content=body, headers={"Idempotency-Key": key}
                )
                assert retried.status_code == 201, retried.text
            total = int(
                http.get("/synesthetic-assets/", params={"limit": 1}).headers["x-total-count"]
            )
            assert total == len(acked) + len(in_flight)
    finally:
        server.stop()
    print(f"\ncrash: {len(acked)} acknowledged, {len(in_flight)} in flight at the kill")
