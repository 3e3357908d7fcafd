"""Small helpers shared by the store tests."""

from __future__ import annotations

import json
from typing import Any

from tests.factories import make_asset

METADATA = ("id", "created_at", "updated_at", "verdict")


def asset_bytes(**overrides: Any) -> bytes:
    """A clean asset (the factory's), as request bytes."""
    return json.dumps(make_asset(**overrides), indent=2).encode()


def without_metadata(doc: dict[str, Any]) -> dict[str, Any]:
    """A response minus the keys the store adds."""
    return {k: v for k, v in doc.items() if k not in METADATA}


def error_of(response: Any) -> dict[str, Any]:
    """The ``error`` object of a response, after checking the error shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert response.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = body["error"]
    return error
