"""Small helpers shared by the store tests."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.factories import make_asset

METADATA = ("id", "synesthetic_asset_id", "created_at", "updated_at", "verdict")


def asset_bytes(**overrides: Any) -> bytes:
    """A clean asset (the factory's), as request bytes."""
    return json.dumps(make_asset(**overrides), indent=2).encode()


def without_metadata(doc: dict[str, Any]) -> dict[str, Any]:
    """A response minus the keys the store adds."""
    return {k: v for k, v in doc.items() if k not in METADATA}


def error_of(response: Any) -> dict[str, Any]:
    """The ``error`` object of a response, after checking the error shape."""
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "error"}, body
    assert body["status"] == response.status_code, body
    assert body["type"] == "urn:synharness:problem:" + body["error"]["code"], body
    assert body["detail"] == body["error"]["message"], body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert response.headers["content-type"].startswith("application/problem+json")
    error: dict[str, Any] = body["error"]
    return error


PG_USERS = ("postgres", "root")
PG_HOST = "127.0.0.1:5432"
PG_DATABASE = "test"
REDIS_URL = "redis://127.0.0.1:6379/0"
SSOT = Path(__file__).resolve().parents[2] / ".." / "shared" / "ssot" / "0.7.3"


def unavailable(what: str, reason: str) -> None:
    """Skip (or, under CI, fail) a test whose service is unreachable."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is unreachable under CI=true: {reason}")
    pytest.skip(f"{what} is unreachable: {reason}")


@cache
def postgres_url() -> str | tuple[None, str]:
    """A working PostgreSQL URL, or ``(None, reason)``."""
    reason = ""
    for user in PG_USERS:
        url = f"postgresql+psycopg://{user}@{PG_HOST}/{PG_DATABASE}"
        probe = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with probe.connect() as conn:
                conn.execute(text("SELECT 1"))
            return url
        except Exception as exc:  # any driver error: try the next user
            reason = str(exc).splitlines()[0]
        finally:
            probe.dispose()
    return (None, reason)


@cache
def redis_reason() -> str | None:
    """None when Redis answers PING, else why not."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except Exception as exc:  # any client error means unreachable
        return str(exc)
    return None


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
