"""``synharness serve`` as a real process for the load, crash and fuzz tests.

:class:`LiveServer` starts the store on a free loopback port against a given
database (an SQLite file, or a PostgreSQL schema of the test database), waits
until ``/health`` answers, and can be stopped, killed with SIGKILL and started
again on the same database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.api.helpers import free_port

JSON = {"Content-Type": "application/json"}


class LiveServer:
    """One ``synharness serve`` process on ``database`` (restartable)."""

    def __init__(
        self,
        database: tuple[str, str | None],
        workdir: Path,
        *,
        token: str | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.url_of_db, self.schema = database
        self.workdir = workdir
        self.token = token
        self.args = args
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / f"server-{self.port}.log"

    def env(self) -> dict[str, str]:
        drop = ("DATABASE_URL", "REDIS_URL", "SYNHARNESS_API_TOKEN", "SYNHARNESS_DB_SCHEMA")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env["DATABASE_URL"] = self.url_of_db
        if self.schema:
            env["SYNHARNESS_DB_SCHEMA"] = self.schema
        if self.token:
            env["SYNHARNESS_API_TOKEN"] = self.token
        return env

    def start(self) -> LiveServer:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "synharness", "serve", "--port", str(self.port), *self.args],
                cwd=self.workdir,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail("the server did not start: " + self.log_path.read_text())
            time.sleep(0.1)

    def headers(self) -> dict[str, str]:
        """JSON bodies, and the token when there is one."""
        auth = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**JSON, **auth}

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush (the crash test)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
