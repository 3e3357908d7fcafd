"""Web security of a store on a developer's machine: media types, Host, CORS, Allow.

A browser page on any site can send "simple" requests to ``127.0.0.1`` (a
``text/plain`` POST needs no preflight), and a DNS-rebinding page can even read
the answers under its own host name. :class:`SecurityMiddleware` closes both:

- *media type*: a POST, PUT or PATCH with a body must say it is JSON
  (``application/json`` or any ``application/*+json``, such as
  ``application/merge-patch+json``); anything else, or no ``Content-Type``,
  is ``415`` before the route runs. A browser cannot send such a request
  cross-origin without a CORS preflight, which only allowed origins pass.
- *Host*: without an API token, only loopback host names are accepted
  (``localhost``, ``*.localhost``, ``127.0.0.0/8``, ``[::1]``) plus the
  ``--allowed-host`` additions; another ``Host`` (a rebinding page's name) is
  ``421 Misdirected Request``. With a token, writes need the token anyway and
  any host is accepted (a store behind a proxy or on a LAN).
- *CORS*: origins listed by ``--cors-origin`` (or ``SYNHARNESS_CORS_ORIGINS``,
  comma-separated; default none) get ``Access-Control-Allow-Origin`` on their
  answers and their preflights answered (``204`` with the allowed methods and
  headers); other origins get no CORS headers, so the browser keeps the
  answer from the page.
- *Allow*: a ``405`` lists every method the path takes (the router alone
  named the first route's only), and ``OPTIONS`` without a preflight answers
  ``204`` with that list.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from synharness.api.errors import error_body
from synharness.api.problem import PROBLEM_JSON

#: Methods whose body the routes read.
BODY_METHODS = frozenset({b"POST", b"PUT", b"PATCH"})
#: Request headers a cross-origin page may send (answered in preflights).
CORS_REQUEST_HEADERS = (
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "Idempotency-Key",
    "X-Schema-Version",
)
#: Response headers a cross-origin page may read.
CORS_EXPOSED_HEADERS = ("ETag", "Location", "X-Total-Count", "Retry-After", "Idempotent-Replayed")
#: Seconds a browser may cache a preflight answer.
CORS_MAX_AGE = 600


#: Routes whose bodies are not JSON, and the media types they take besides JSON.
#: Protobuf and octet-stream are not CORS-safelisted (no cross-origin simple
#: request can send them); multipart is (the seed's upload route; see docs/api.md).
OTHER_BODIES: tuple[tuple[str, frozenset[bytes]], ...] = (
    ("/protobuf-assets", frozenset({b"application/x-protobuf", b"application/octet-stream"})),
    ("/rule-bundles/import", frozenset({b"multipart/form-data"})),
)


def accepts_media_type(path: str, content_type: bytes) -> bool:
    """Whether the route at ``path`` takes a body of ``content_type`` (JSON, or its own kind)."""
    if is_json_media_type(content_type):
        return True
    media = content_type.split(b";", 1)[0].strip().lower()
    return any(path.startswith(prefix) and media in kinds for prefix, kinds in OTHER_BODIES)


def is_json_media_type(content_type: bytes) -> bool:
    """Whether a ``Content-Type`` value names JSON (``application/json``, ``application/*+json``)."""
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


def host_name(host: bytes) -> str:
    """The name part of a ``Host`` header value (port and IPv6 brackets removed), lowercase."""
    text = host.decode("latin-1").strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text[1:]
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def is_loopback_name(name: str) -> bool:
    """Whether ``name`` can only mean this machine."""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class SecurityMiddleware:
    """Media type, Host allow-list, CORS and ``Allow`` of the store (see the module)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        routes_app: ASGIApp | None = None,
        check_host: bool,
        allowed_hosts: Iterable[str] = (),
        cors_origins: Iterable[str] = (),
    ) -> None:
        self.app = app
        #: The FastAPI application whose routes the Allow lists are computed from.
        self.routes_app = routes_app
        self.check_host = check_host
        self.allowed_hosts = frozenset(h.strip().lower() for h in allowed_hosts if h.strip())
        self.cors_origins = frozenset(o.strip().rstrip("/") for o in cors_origins if o.strip())
        self._paths: list[tuple[re.Pattern[str], frozenset[str]]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        method = scope["method"].encode()
        if self.check_host and not self._host_allowed(headers.get(b"host", b"")):
            await _error(
                send,
                421,
                "misdirected_request",
                _HOST_MESSAGE,
                {"host": _shown(headers.get(b"host"))},
            )
            return
        origin = headers.get(b"origin", b"").decode("latin-1")
        allowed_origin = origin if origin.rstrip("/") in self.cors_origins else None
        cors = _cors_headers(allowed_origin) if allowed_origin else []
        if method == b"OPTIONS":
            await self._options(scope, send, headers, allowed_origin)
            return
        if method in BODY_METHODS and _has_body(headers):
            content_type = headers.get(b"content-type")
            if content_type is None or not accepts_media_type(scope.get("path", ""), content_type):
                await _error(
                    send,
                    415,
                    "unsupported_media_type",
                    "the body must be JSON: send Content-Type: application/json "
                    "(or application/merge-patch+json for PATCH)",
                    {"content_type": _shown(content_type)},
                    extra=cors,
                )
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(cors)
                if message["status"] == 405:
                    extra.append((b"allow", self._allow(scope).encode()))
                    message["headers"] = [
                        (k, v) for k, v in message.get("headers", ()) if k.lower() != b"allow"
                    ]
                if extra:
                    message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _host_allowed(self, host: bytes) -> bool:
        name = host_name(host)
        return is_loopback_name(name) or name in self.allowed_hosts

    async def _options(
        self, scope: Scope, send: Send, headers: dict[bytes, bytes], origin: str | None
    ) -> None:
        allow = self._allow(scope)
        if not allow:
            await _error(send, 404, "not_found", "no such path", None)
            return
        requested = headers.get(b"access-control-request-method")
        if requested is not None and origin is None:
            # A preflight from an origin that is not allowed: no CORS headers, so
            # the browser never sends the real request.
            await _error(
                send,
                403,
                "forbidden",
                "cross-origin requests from this origin are not allowed "
                "(see synharness serve --cors-origin)",
                None,
            )
            return
        out: list[tuple[bytes, bytes]] = [(b"allow", allow.encode())]
        if origin is not None:
            out += _cors_headers(origin)
            out += [
                (b"access-control-allow-methods", allow.encode()),
                (b"access-control-allow-headers", ", ".join(CORS_REQUEST_HEADERS).encode()),
                (b"access-control-max-age", str(CORS_MAX_AGE).encode()),
            ]
        await send({"type": "http.response.start", "status": 204, "headers": out})
        await send({"type": "http.response.body", "body": b""})

    def _allow(self, scope: Scope) -> str:
        """Every method some route takes on this path (HEAD with GET, and OPTIONS)."""
        if self._paths is None:
            self._paths = _route_table(self.routes_app)
        path = scope.get("path", "")
        methods: set[str] = set()
        for pattern, route_methods in self._paths:
            if pattern.fullmatch(path):
                methods.update(route_methods)
        if not methods:
            return ""
        if "GET" in methods:
            methods.add("HEAD")
        methods.add("OPTIONS")
        return ", ".join(sorted(methods, key=lambda m: _ORDER.index(m) if m in _ORDER else 99))


_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _route_table(app: ASGIApp | None) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """Path patterns and their methods, from the application's OpenAPI document.

    The OpenAPI document is the one complete list of paths and methods (the
    router nests included routers in version-specific ways).
    """
    openapi = getattr(app, "openapi", None)
    if openapi is None:
        return []
    table: list[tuple[re.Pattern[str], frozenset[str]]] = []
    for template, operations in openapi().get("paths", {}).items():
        regex = re.escape(template)
        regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", regex)
        methods = frozenset(m.upper() for m in operations if m.upper() in _ORDER)
        table.append((re.compile(regex), methods))
    return table


_HOST_MESSAGE = (
    "this store answers only to loopback host names (localhost, 127.0.0.1, [::1]) "
    "without an API token; add the name with --allowed-host, or set SYNHARNESS_API_TOKEN"
)


def _has_body(headers: dict[bytes, bytes]) -> bool:
    length = headers.get(b"content-length")
    if length is not None:
        return length.strip() not in (b"0", b"")
    return b"transfer-encoding" in headers


def _cors_headers(origin: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-expose-headers", ", ".join(CORS_EXPOSED_HEADERS).encode()),
        (b"vary", b"Origin"),
    ]


def _shown(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")[:200]


async def _error(
    send: Send,
    status: int,
    code: str,
    message: str,
    details: object,
    *,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = error_body(code, message, details, status=status)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                *(extra or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
