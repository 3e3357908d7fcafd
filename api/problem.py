"""RFC 9457 problem details: the body of every error response.

An error is ``application/problem+json`` with the RFC's members and, inside it,
the store's own ``error`` object as it always was, so that clients reading
``error.code`` / ``error.details`` keep working::

    {"type": "urn:synharness:problem:not_found", "title": "Not Found", "status": 404,
     "detail": "synesthetic asset 7 not found",
     "error": {"code": "not_found", "message": "...", "details": {"id": 7}}}

``type`` is a URN per error code (RFC 9457 allows any URI; the codes are listed
in docs/api.md), ``title`` the status phrase, ``detail`` the message.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import orjson

#: The media type of every error response.
PROBLEM_JSON = "application/problem+json"
#: ``type`` of a problem: this prefix and the error code.
TYPE_PREFIX = "urn:synharness:problem:"


def title_of(status: int) -> str:
    """The status phrase of ``status`` (``"Unprocessable Content"``), or ``"Error"``."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The problem details object of an error."""
    return {
        "type": TYPE_PREFIX + code,
        "title": title_of(status),
        "status": status,
        "detail": message,
        "error": {"code": code, "message": message, "details": details},
    }


def problem_bytes(status: int, code: str, message: str, details: Any = None) -> bytes:
    """The JSON bytes of an error response."""
    return orjson.dumps(problem(status, code, message, details))
