"""OpenAPI fragments for routes that read their body raw (to parse it strictly)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_OBJECT: dict[str, Any] = {
    "type": "object",
    "properties": {"name": {"type": "string", "minLength": 1}},
    "additionalProperties": True,
}


def json_body(
    description: str, *, required: bool = True, media: str = "application/json"
) -> dict[str, Any]:
    """``openapi_extra`` declaring a JSON object request body."""
    return {
        "requestBody": {
            "description": description,
            "required": required,
            "content": {m: {"schema": _OBJECT} for m in dict.fromkeys(("application/json", media))},
        }
    }


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses`` entries for the error statuses a route can answer."""
    return {c: {"model": None, "description": _WHY.get(c, "error")} for c in codes}


_WHY = {
    304: "Not modified (If-None-Match)",
    401: "Missing or wrong bearer token",
    404: "Not found",
    409: "X-Schema-Version differs from the store's",
    412: "If-Match is stale",
    413: "Body over 1 MiB",
    422: "Invalid document: the findings are in error.details",
    428: "If-Match is required (store started with --require-if-match)",
}


def model_body(model: type[BaseModel], description: str) -> dict[str, Any]:
    """``openapi_extra`` declaring a JSON request body of a pydantic model (read raw)."""
    return {
        "requestBody": {
            "description": description,
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }
