"""Dependencies of the routes, as ``Annotated`` aliases.

- :data:`SessionDep`: one session (one transaction) per request.
- :data:`BodyDep`: the raw request body, refused with 413 once it passes the
  limit (counted while streaming, so a lying or absent Content-Length does not help).
- :data:`WriterDep`: the bearer token check of every write (when a token is set).
- :func:`schema_version`: 409 when ``X-Schema-Version`` names another version.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Path, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from synharness.api.documents import SCHEMA_VERSION
from synharness.api.errors import (
    PayloadTooLarge,
    PreconditionRequired,
    SchemaVersionConflict,
    Unauthorized,
)
from synharness.api.settings import Settings


@dataclass
class AppState:
    """What the routes share: settings, engine and session factories."""

    settings: Settings
    engine: Engine
    #: Sessions of reads.
    sessions: sessionmaker[Session]
    #: Sessions of writes (SQLite: BEGIN IMMEDIATE).
    write_sessions: sessionmaker[Session]


# The dependencies below are ``async`` when they do no I/O: FastAPI runs a plain
# ``def`` dependency in the thread pool, and those hops cost more than the work.
# Database work never runs on the event loop (see get_session).


async def get_state(request: Request) -> AppState:
    """The application's shared state."""
    state: AppState = request.app.state.store
    return state


StateDep = Annotated[AppState, Depends(get_state)]


_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request, state: StateDep) -> Iterator[Session]:
    """One session per request; closing it rolls back anything not committed.

    A plain ``def``: FastAPI runs it, and its exit (the rollback and the return
    of the connection to the pool, which is I/O), in the thread pool, never on
    the event loop; every route that uses a session is a ``def`` as well.
    """
    factory = state.sessions if request.method in _READS else state.write_sessions
    with factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


async def raw_body(request: Request, state: StateDep) -> bytes:
    """The request body, at most ``settings.max_body_bytes`` long.

    Raises:
        PayloadTooLarge: The body is longer than the limit (413).
    """
    limit = state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(
            f"the body has {declared} bytes; the limit is {limit}", details={"limit": limit}
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(
                f"the body passed the limit of {limit} bytes", details={"limit": limit}
            )
        chunks.append(chunk)
    return b"".join(chunks)


BodyDep = Annotated[bytes, Depends(raw_body)]


async def require_writer(
    state: StateDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    """Refuse a write without ``Authorization: Bearer <token>`` when a token is set.

    Raises:
        Unauthorized: Missing or wrong token (401).
    """
    token = state.settings.api_token
    if token is None:
        return
    # Starlette decodes header bytes as latin-1: encoding back gives the bytes
    # sent. The token compares as UTF-8 bytes (compare_digest refuses non-ASCII
    # str), and only the spaces and tabs HTTP itself strips around a field value
    # are trimmed: a trailing NBSP or NEL byte is part of what was sent.
    sent = (authorization or "").encode("latin-1", "replace")
    scheme, _, given = sent.strip(b" \t").partition(b" ")
    expected = token.encode("utf-8", "surrogateescape")
    if scheme.lower() != b"bearer" or not hmac.compare_digest(given.strip(b" \t"), expected):
        raise Unauthorized(
            "writes need Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )


WriterDep = Depends(require_writer)


async def schema_version(
    x_schema_version: Annotated[str | None, Header(alias="X-Schema-Version")] = None,
) -> None:
    """Refuse a client that announces another schema version.

    Raises:
        SchemaVersionConflict: The header differs from the store's version (409).
    """
    if x_schema_version is not None and x_schema_version.strip() != SCHEMA_VERSION:
        raise SchemaVersionConflict(
            f"the store speaks schema version {SCHEMA_VERSION}, "
            f"the client sent {x_schema_version!r}",
            details={"expected": SCHEMA_VERSION, "received": x_schema_version},
        )


async def if_match_header(
    request: Request,
    state: StateDep,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> str | None:
    """The ``If-Match`` header; with ``require_if_match`` set, its absence is a 428.

    Raises:
        PreconditionRequired: No ``If-Match`` on a write while the store requires one.
    """
    if if_match is None and state.settings.require_if_match and request.method not in _READS:
        raise PreconditionRequired(
            "this store requires If-Match on every update and delete (it refuses blind "
            "writes, which lose concurrent updates): GET the resource and send its ETag",
            details={"header": "If-Match"},
        )
    return if_match


IfMatch = Annotated[str | None, Depends(if_match_header)]
IfNoneMatch = Annotated[str | None, Header(alias="If-None-Match")]

#: Largest id: PostgreSQL's INTEGER, so that a huge id is a 422, not a driver error.
MAX_ID = 2**31 - 1
#: A resource id in a path.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
