"""The OpenAPI document as clients need it: bearer security, problem details, headers.

FastAPI's generated document is completed once, after every route exists:
- a ``bearerAuth`` HTTP security scheme, required by every operation whose route
  depends on the writer check (the ``Authorization`` header parameter it would
  otherwise show is removed);
- every error response declared as ``application/problem+json`` with the
  ``Problem`` schema (what the server sends), FastAPI's unused
  ``HTTPValidationError`` removed;
- the response headers: ``X-Schema-Version`` on every response, ``ETag`` on
  single documents, ``Location`` on creations, ``X-Total-Count`` and ``Link``
  on pages of a list.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from synharness.api.deps import require_writer
from synharness.api.problem import PROBLEM_JSON

BEARER = "bearerAuth"

_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; `error` keeps the store's own error object.",
    "required": ["type", "title", "status", "detail", "error"],
    "properties": {
        "type": {"type": "string", "description": "urn:synharness:problem:<code>"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        },
    },
}

_HEADERS: dict[str, dict[str, Any]] = {
    "X-Schema-Version": {
        "description": "The schema version the store speaks (on every response)",
        "schema": {"type": "string"},
    },
    "ETag": {"description": "Strong ETag of the returned version", "schema": {"type": "string"}},
    "Location": {"description": "URL of the created resource", "schema": {"type": "string"}},
    "X-Total-Count": {
        "description": "How many items match, over all pages",
        "schema": {"type": "integer"},
    },
    "Link": {
        "description": 'RFC 8288 links to the first, previous, next and last page (rel="...")',
        "schema": {"type": "string"},
    },
}


def _needs_writer(route: APIRoute) -> bool:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if dep.call is require_writer:
            return True
        stack.extend(dep.dependencies)
    return False


def _headers_for(method: str, path: str, status: str) -> list[str]:
    names = ["X-Schema-Version"]
    if not status.startswith("2"):
        return names
    if method == "get" and path.endswith("/") and path != "/":
        names += ["X-Total-Count", "Link"]
    elif status == "201":
        names += ["Location", "ETag"]
    elif status == "200" and "{" in path and method in ("get", "put", "patch"):
        names.append("ETag")
    return names


def complete(document: dict[str, Any], *, writers: set[tuple[str, str]]) -> dict[str, Any]:
    """Add security, problem details and headers to a generated document (in place).

    Args:
        document: FastAPI's OpenAPI document.
        writers: ``(method, path)`` of the operations that need the bearer token.
    """
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Problem"] = _PROBLEM_SCHEMA
    components["securitySchemes"] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "description": "SYNHARNESS_API_TOKEN; needed by writes when the store has a token",
        }
    }
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if (method, path) in writers:
                operation["security"] = [{BEARER: []}]
                operation["parameters"] = [
                    p
                    for p in operation.get("parameters", [])
                    if not (p.get("in") == "header" and p.get("name", "").lower() == "authorization")
                ]
                if not operation["parameters"]:
                    del operation["parameters"]
                operation["responses"].setdefault(
                    "401", {"description": "Missing or wrong bearer token"}
                )
            for status, response in operation["responses"].items():
                if status[0] in "45" or status == "default":
                    response["content"] = {PROBLEM_JSON: {"schema": problem_ref}}
                response["headers"] = {
                    name: _HEADERS[name] for name in _headers_for(method, path, status)
                }
    return document


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` answer the completed document (built once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            writers = {
                (method.lower(), route.path)
                for route in app.routes
                if isinstance(route, APIRoute) and _needs_writer(route)
                for method in route.methods
            }
            app.openapi_schema = complete(document, writers=writers)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
