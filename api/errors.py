"""Errors of the store and their one JSON shape.

Every error response is RFC 9457 ``application/problem+json`` holding
``{"error": {"code", "message", "details"}}`` (see :mod:`synharness.api.problem`),
never an HTML page or a stack trace. Routes and crud functions raise :class:`ApiError`
subclasses; :func:`install_handlers` maps them, FastAPI's own exceptions and any
unexpected exception (a logged 500) to that shape.

Hierarchy::

    ApiError
    ├── NotFound              404 not_found
    ├── Unauthorized          401 unauthorized
    ├── SchemaVersionConflict 409 schema_version_mismatch
    ├── Conflict              409 conflict
    ├── PreconditionFailed    412 precondition_failed
    ├── PreconditionRequired  428 precondition_required
    ├── ServiceUnavailable    503 service_unavailable (Retry-After)
    ├── PayloadTooLarge       413 payload_too_large
    └── InvalidDocument       422 invalid_document (details: findings)
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from synharness.api.db import StoreBusy
from synharness.api.problem import PROBLEM_JSON, problem_bytes
from synharness.findings import Finding

log = logging.getLogger("synharness.api")


class ApiError(Exception):
    """An error the client caused or must know about, with its HTTP status."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers or {}


class NotFound(ApiError):
    """The resource does not exist."""

    status = 404
    code = "not_found"


class Unauthorized(ApiError):
    """A write without the right bearer token."""

    status = 401
    code = "unauthorized"


class SchemaVersionConflict(ApiError):
    """The client speaks another schema version than the store."""

    status = 409
    code = "schema_version_mismatch"


class Conflict(ApiError):
    """The write could not be applied (e.g. a concurrent update kept winning)."""

    status = 409
    code = "conflict"


class PreconditionFailed(ApiError):
    """``If-Match`` named a version that is no longer current."""

    status = 412
    code = "precondition_failed"


class PreconditionRequired(ApiError):
    """A write without ``If-Match`` on a store started with ``--require-if-match`` (RFC 6585)."""

    status = 428
    code = "precondition_required"


class ServiceUnavailable(ApiError):
    """No database connection (or SQLite writer slot) within the pool timeout: retry later."""

    status = 503
    code = "service_unavailable"


class PayloadTooLarge(ApiError):
    """The body is larger than the limit."""

    status = 413
    code = "payload_too_large"


class InvalidDocument(ApiError):
    """The document has error findings; ``details`` lists every finding."""

    status = 422
    code = "invalid_document"

    @classmethod
    def from_findings(cls, findings: tuple[Finding, ...] | list[Finding]) -> InvalidDocument:
        """Build the error from validation findings (errors first)."""
        errors = [f for f in findings if f.severity.value == "error"]
        first = errors[0] if errors else None
        message = (
            f"{len(errors)} error finding(s); first: {first.code} at '{first.pointer}': {first.message}"
            if first
            else "the document is invalid"
        )
        return cls(message, details={"findings": [finding_json(f) for f in findings]})


def finding_json(finding: Finding) -> dict[str, Any]:
    """A finding as the API shows it."""
    return finding.model_dump(mode="json", exclude_none=True)


def error_body(code: str, message: str, details: Any = None, *, status: int = 400) -> bytes:
    """The JSON bytes of an error response (problem details with the ``error`` object)."""
    return problem_bytes(status, code, message, details)


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> Response:
    """An error response in the store's one shape."""
    return Response(
        error_body(code, message, details, status=status),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    428: "precondition_required",
    503: "service_unavailable",
}


async def _api_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


async def _http_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 304:
        return Response(status_code=304, headers=headers)
    return error_response(exc.status_code, code, str(exc.detail), None, headers)


async def _validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "pointer": "/" + "/".join(str(p) for p in e.get("loc", ())[1:]),
            "message": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]
    return error_response(422, "invalid_request", "the request is invalid", details)


#: Seconds a client is asked to wait before retrying a 503.
RETRY_AFTER = 1


async def _busy(_: Request, exc: Exception) -> Response:
    # No connection (pool timeout), no SQLite writer slot, or SQLite's busy
    # timeout against another process: the store is overloaded, not broken.
    return error_response(
        503,
        "service_unavailable",
        "the store is busy: no database connection within the pool timeout; retry later",
        {"retry_after": RETRY_AFTER},
        {"Retry-After": str(RETRY_AFTER)},
    )


async def _operational(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OperationalError)
    if "database is locked" in str(exc.orig) or isinstance(exc.orig, StoreBusy):
        return await _busy(request, exc)
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Log the traceback server-side; the client only learns that it was our fault.
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "internal server error")


def install_handlers(app: FastAPI) -> None:
    """Map every exception to the JSON error shape."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(PoolTimeout, _busy)
    app.add_exception_handler(StoreBusy, _busy)
    app.add_exception_handler(OperationalError, _operational)
    app.add_exception_handler(Exception, _unexpected)
