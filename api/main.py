"""The store's application factory.

:func:`create_app` wires settings, the database (migrated at start-up), the
routers, the JSON error handlers, the body-size guard and, when ``REDIS_URL``
is set, the response cache. ``synharness serve`` runs it with uvicorn.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.types import ASGIApp, Receive, Scope, Send
from synharness import __version__
from synharness.api import db
from synharness.api.cache import CacheMiddleware, ResponseCache
from synharness.api.deps import AppState
from synharness.api.docs_ui import install_docs
from synharness.api.documents import SCHEMA_VERSION
from synharness.api.errors import error_body, install_handlers
from synharness.api.openapi import install_openapi
from synharness.api.problem import PROBLEM_JSON
from synharness.api.routes import ROUTERS
from synharness.api.security import SecurityMiddleware
from synharness.api.settings import Settings, load_settings
from synharness.api.version_header import SchemaVersionHeader


class InsecureBindError(Exception):
    """Binding a non-loopback address without an API token."""


def check_bind(host: str, settings: Settings) -> None:
    """Refuse to expose an open store beyond this machine.

    Raises:
        InsecureBindError: ``host`` is not loopback and no token is set.
    """
    if settings.api_token is not None:
        return
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise InsecureBindError(
            f"refusing to bind {host} without SYNHARNESS_API_TOKEN: anyone on the network "
            "could write to the store; set a token or bind 127.0.0.1"
        )


class BodyLimitMiddleware:
    """413 as soon as a declared Content-Length passes the limit (before any parsing)."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for key, value in scope.get("headers", ()):
                if key == b"content-length" and value.isdigit() and int(value) > self.limit:
                    body = error_body(
                        "payload_too_large",
                        f"the body has {int(value)} bytes; the limit is {self.limit}",
                        {"limit": self.limit},
                        status=413,
                    )
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 413,
                            "headers": [
                                (b"content-type", PROBLEM_JSON.encode()),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close"),
                            ],
                        }
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, migrate: bool = True
) -> FastAPI:
    """Build the store.

    Args:
        settings: Runtime options; read from the environment when None.
        engine: An engine to use instead of one built from ``settings.database_url``
            (tests pass one bound to a fresh schema).
        migrate: Apply the migrations now (start-up); False when already done.
    """
    settings = settings or load_settings()
    engine = engine or db.make_engine(
        settings.database_url,
        schema=settings.database_schema,
        pool_size=settings.threads,
        pool_timeout=settings.pool_timeout,
    )
    if migrate:
        db.upgrade(engine)
    cache = (
        ResponseCache(settings.redis_url, prefix=settings.cache_prefix, ttl=settings.cache_ttl)
        if settings.redis_url
        else None
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The routes' thread pool: as many threads as the pool has connections.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        yield
        if cache is not None:
            await cache.close()

    app = FastAPI(
        title="synharness store",
        version=__version__,
        description=(
            f"Companion store of synesthetic assets (schema {SCHEMA_VERSION}) and their "
            "verification reports. Errors are RFC 9457 application/problem+json with the "
            'store\'s {"error": {"code", "message", "details"}} inside.'
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = AppState(
        settings=settings,
        engine=engine,
        sessions=db.session_factory(engine),
        write_sessions=db.session_factory(engine, write=True),
    )
    app.state.cache = cache
    for router in ROUTERS:
        app.include_router(router)
    install_handlers(app)
    install_docs(app)
    install_openapi(app)
    if cache is not None:
        app.add_middleware(CacheMiddleware, cache=cache)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    # Outermost: a request from a foreign Host or with a non-JSON body never
    # reaches the cache or a route.
    app.add_middleware(
        SecurityMiddleware,
        routes_app=app,
        check_host=settings.api_token is None,
        allowed_hosts=settings.allowed_hosts,
        cors_origins=settings.cors_origins,
    )
    # Outermost of all: every answer (413s and cache hits included) names the schema version.
    app.add_middleware(SchemaVersionHeader, version=SCHEMA_VERSION)
    return app
