"""Optional response cache in Redis (``REDIS_URL``), as a pure ASGI middleware.

Vocabulary:
- *generation*: a counter in Redis (``<prefix>:gen``) that every successful
  write increments. Cache keys embed the generation read when the request
  arrived, so one INCR invalidates every cached response at once, and a slow
  read that finishes after a write can only fill a key nobody asks for any more.
- *entry*: status, headers and body of one successful GET, for ``ttl`` seconds.

A Redis outage never fails a request: the cache is skipped and logged.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from synharness.api.documents import SCHEMA_VERSION
from synharness.api.views import not_modified

log = logging.getLogger("synharness.api.cache")

#: Paths never cached (live state, or docs that do not change per write).
_UNCACHED = ("/health", "/ping", "/cache", "/docs", "/redoc", "/openapi.json")
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ResponseCache:
    """Get, put and invalidate cached responses."""

    def __init__(self, url: str, *, prefix: str, ttl: int) -> None:
        self.redis = aioredis.from_url(url)
        self.prefix = prefix
        self.ttl = ttl
        #: Whether reads are served from the cache (``POST /cache`` switches it);
        #: writes invalidate either way, so switching it back on serves nothing stale.
        self.enabled = True

    @property
    def generation_key(self) -> str:
        """The Redis key of the generation counter."""
        return f"{self.prefix}:gen"

    async def generation(self) -> int:
        """The current generation."""
        value = await self.redis.get(self.generation_key)
        return int(value) if value is not None else 0

    def key(self, generation: int, scope: Scope, accept: str) -> str:
        """The cache key of a GET request at ``generation``."""
        query = scope.get("query_string", b"").decode("latin-1")
        return f"{self.prefix}:r:{generation}:{scope['path']}?{query}|{accept}"

    async def get(self, key: str) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        """A cached entry, or None."""
        raw = await self.redis.get(key)
        if not isinstance(raw, bytes):
            return None
        head, _, body = raw.partition(b"\n")
        meta = orjson.loads(head)
        return meta["s"], [(k.encode("latin-1"), v.encode("latin-1")) for k, v in meta["h"]], body

    async def put(
        self, key: str, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        """Store an entry for ``ttl`` seconds."""
        head = orjson.dumps(
            {"s": status, "h": [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers]}
        )
        await self.redis.set(key, head + b"\n" + body, ex=self.ttl)

    async def invalidate(self) -> None:
        """Forget every cached response (one INCR)."""
        await self.redis.incr(self.generation_key)

    async def safe_invalidate(self) -> None:
        """Invalidate, logging instead of failing when Redis is down."""
        try:
            await self.invalidate()
        except RedisError as exc:
            log.warning("cache invalidation failed: %s", exc)

    async def close(self) -> None:
        """Close the connection pool."""
        await self.redis.aclose()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


class CacheMiddleware:
    """Serve repeated GETs from Redis; invalidate on every successful write."""

    def __init__(self, app: ASGIApp, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method in _WRITES:
            await self._write(scope, receive, send)
        elif method == "GET" and self.cache.enabled and self._cacheable(scope):
            await self._read(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def _cacheable(self, scope: Scope) -> bool:
        path: str = scope["path"]
        if any(path.startswith(p) for p in _UNCACHED):
            return False
        # A client with another schema version must get its 409 from the app.
        version = _header(scope, b"x-schema-version")
        return version is None or version.strip() == SCHEMA_VERSION

    async def _write(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_and_invalidate(message: Message) -> None:
            # The route committed before it answered: invalidate before the client
            # can see the answer, so its next read cannot hit a stale entry.
            if message["type"] == "http.response.start" and message["status"] < 400:
                try:
                    await self.cache.invalidate()
                except RedisError as exc:
                    log.warning("cache invalidation failed: %s", exc)
            await send(message)

        await self.app(scope, receive, send_and_invalidate)

    async def _read(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            generation = await self.cache.generation()
            key = self.cache.key(generation, scope, _header(scope, b"accept") or "")
            hit = await self.cache.get(key)
        except RedisError as exc:
            log.warning("cache unavailable: %s", exc)
            await self.app(scope, receive, send)
            return
        if hit is not None:
            await self._replay(scope, send, *hit)
            return
        captured: dict[str, Any] = {"status": 0, "headers": [], "body": []}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                captured["body"].append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        if captured["status"] == 200:
            headers = [(k, v) for k, v in captured["headers"] if k.lower() != b"x-cache"]
            try:
                await self.cache.put(key, 200, headers, b"".join(captured["body"]))
            except RedisError as exc:
                log.warning("cache fill failed: %s", exc)

    async def _replay(
        self, scope: Scope, send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        etag = next((v.decode("latin-1") for k, v in headers if k.lower() == b"etag"), None)
        if etag is not None and not_modified(_header(scope, b"if-none-match"), etag):
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [(b"etag", etag.encode("latin-1")), (b"x-cache", b"hit")],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [*headers, (b"x-cache", b"hit")],
            }
        )
        await send({"type": "http.response.body", "body": body})
