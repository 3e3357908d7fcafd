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
  on pages of a list;
- the real document models (the 0.7.3 schemas, :mod:`synharness.api.openapi_models`)
  as request and response bodies of the document routes.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from synharness.api.deps import require_writer
from synharness.api.openapi_models import document_schemas
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


#: Component collections: path prefix -> component name of its documents.
_COLLECTIONS = {
    "/shaders/": "Shader",
    "/tones/": "Tone",
    "/haptics/": "Haptic",
    "/controls/": "ControlBundle",
    "/modulations/": "Modulation",
    "/rule-bundles/": "RuleBundle",
}
_PARTS = {"shader": "Shader", "tone": "Tone", "haptic": "Haptic"}
_ASSETS = "/synesthetic-assets/"


def _ref_to(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _models(method: str, path: str) -> tuple[str | None, str | None, bool]:
    """(request model, response model, response is a list) of a document route."""
    if path.startswith(_ASSETS):
        rest = path[len(_ASSETS) :]
        asset = "SynestheticAsset"
        if rest == "":
            return f"{asset}Create", f"{asset}Public", method == "get"
        if rest == "nested":
            return f"{asset}Create", f"{asset}NestedPublic", False
        if rest in ("nested/{asset_id}", "offset/"):
            return None, f"{asset}NestedPublic", rest == "offset/"
        if rest == "{asset_id}":
            return f"{asset}Create" if method == "put" else None, f"{asset}Public", False
        part = rest.removeprefix("{asset_id}/")
        if part in _PARTS:
            return f"{_PARTS[part]}Create", f"{asset}NestedPublic", False
        return None, None, False
    for prefix, name in _COLLECTIONS.items():
        if path == prefix:
            return f"{name}Create", f"{name}Public", method == "get"
        if path.startswith(prefix) and path[len(prefix) :] == "{item_id}":
            return f"{name}Create" if method == "put" else None, f"{name}Public", False
    return None, None, False


def _use_models(method: str, path: str, operation: dict[str, Any]) -> None:
    request, response, many = _models(method, path)
    if request is not None and method in ("post", "put"):
        body = operation.get("requestBody", {}).get("content", {})
        if "application/json" in body:
            body["application/json"]["schema"] = _ref_to(request)
    if response is None or method == "delete":
        return
    schema = {"type": "array", "items": _ref_to(response)} if many else _ref_to(response)
    for status in ("200", "201"):
        content = operation["responses"].get(status, {}).get("content", {})
        if "application/json" in content:
            content["application/json"]["schema"] = schema


_ERRORS = {
    "409": "X-Schema-Version names another schema version (or the write conflicts)",
    "413": "The body is over the limit (1 MiB by default)",
    "422": "The request or the document is invalid (findings in error.details)",
}


def _declare_errors(operation: dict[str, Any]) -> None:
    """Declare the errors every operation of its shape can answer."""
    responses = operation["responses"]
    names = {p.get("name", "").lower() for p in operation.get("parameters", [])}
    wanted = []
    if "x-schema-version" in names:
        wanted.append("409")
    if "requestBody" in operation:
        wanted += ["413", "422"]
    elif operation.get("parameters"):
        wanted.append("422")
    for status in wanted:
        responses.setdefault(status, {"description": _ERRORS[status]})


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
    schemas.update(document_schemas())
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
            _use_models(method, path, operation)
            _declare_errors(operation)
            if (method, path) in writers:
                operation["security"] = [{BEARER: []}]
                operation["parameters"] = [
                    p
                    for p in operation.get("parameters", [])
                    if not (
                        p.get("in") == "header" and p.get("name", "").lower() == "authorization"
                    )
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


def _api_routes(app: FastAPI) -> list[tuple[APIRoute, str, set[str]]]:
    """Every API route with its full path and methods.

    FastAPI >= 0.160 keeps included routers as such (``app.routes`` holds them,
    not their routes): its ``iter_route_contexts`` walks them with their
    prefixes; older versions list the routes themselves.
    """
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:
        return [(r, r.path, set(r.methods or ())) for r in app.routes if isinstance(r, APIRoute)]
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            found.append((route, str(context.path_format), set(context.methods or ())))
    return found


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
                (method.lower(), path)
                for route, path, methods in _api_routes(app)
                if _needs_writer(route)
                for method in methods
            }
            app.openapi_schema = complete(document, writers=writers)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
