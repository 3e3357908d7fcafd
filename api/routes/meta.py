"""Store-wide routes: ``/``, ``/ping``, ``/version``, ``/schema/version``, ``/health``,
and the stateless ``POST /validate`` and ``POST /score`` of the RLHF loop."""

from __future__ import annotations

import uuid
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Header, Query, Response
from synharness import __version__
from synharness.api import views
from synharness.api.db import ping
from synharness.api.deps import BodyDep, StateDep, schema_version
from synharness.api.documents import SCHEMA_VERSION
from synharness.api.errors import InvalidDocument
from synharness.api.routes._openapi import error_responses, json_body
from synharness.api.schemas import (
    HealthPublic,
    PingPublic,
    RootPublic,
    SchemaVersionPublic,
    VersionPublic,
)

#: Names of the built-in scenarios.
BUILTIN_SCENARIOS = ("idle", "sweep", "random")

router = APIRouter(tags=["meta"], dependencies=[Depends(schema_version)])


@router.get("/", response_model=RootPublic)
async def root() -> Response:
    """What this service is, and where its documentation lives."""
    body = {
        "message": "synharness store",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "docs": "/docs",
        "redoc": "/redoc",
        "openapi": "/openapi.json",
    }
    return views.json_response(orjson.dumps(body))


@router.get("/ping", response_model=PingPublic)
async def ping_route(
    x_request_id: Annotated[str | None, Header(alias="X-Request-ID", max_length=200)] = None,
) -> Response:
    """Liveness without touching the database; echoes X-Request-ID (or makes one)."""
    request_id = x_request_id or uuid.uuid4().hex
    body = {"status": "ok", "message": "pong", "request_id": request_id}
    return views.json_response(orjson.dumps(body), headers={"X-Request-ID": request_id})


@router.get("/version", response_model=VersionPublic)
async def version() -> Response:
    """The schema version (both spellings) and the store's own version."""
    body = {
        "schemaVersion": SCHEMA_VERSION,
        "schema_version": SCHEMA_VERSION,
        "version": __version__,
    }
    return views.json_response(orjson.dumps(body))


@router.get("/schema/version", response_model=SchemaVersionPublic)
def get_schema_version() -> Response:
    """The schema version the store validates against (``schema_version`` is the seed's key)."""
    body = {"schemaVersion": SCHEMA_VERSION, "schema_version": SCHEMA_VERSION}
    return views.json_response(orjson.dumps(body))


@router.get(
    "/health",
    response_model=HealthPublic,
    responses={503: {"description": "The database is unreachable"}},
)
def health(state: StateDep) -> Response:
    """Whether the store and its database are up."""
    up = ping(state.engine)
    body = {
        "status": "ok" if up else "degraded",
        "database": "ok" if up else "unreachable",
        "schemaVersion": SCHEMA_VERSION,
    }
    return views.json_response(orjson.dumps(body), status=200 if up else 503)


@router.post(
    "/validate",
    openapi_extra=json_body("Any 0.7.3 document ($schema names its kind)"),
    responses=error_responses(409, 413),
)
def validate(raw: BodyDep) -> Response:
    """Validate a document without storing it: verdict and findings (200 even when invalid)."""
    from synharness import pipeline
    from synharness.guard import guarded_result

    result = guarded_result(
        lambda: pipeline.validate_bytes(raw, source="/validate"), source="/validate"
    )
    return views.json_response(result.model_dump_json(exclude_none=True).encode())


@router.post(
    "/score",
    openapi_extra=json_body("A synesthetic asset"),
    responses=error_responses(409, 413, 422),
)
def score(
    raw: BodyDep,
    scenario: Annotated[
        list[str] | None, Query(description="Built-in scenarios to run (default: idle)")
    ] = None,
    seed: Annotated[int, Query(ge=0, le=2**32 - 1)] = 0,
) -> Response:
    """Score an asset without storing it; a broken asset scores 0 with its findings."""
    from synharness.agents.scoring import DEFAULT_SCENARIOS, score_bytes, score_parts
    from synharness.guard import guarded

    names = tuple(scenario) if scenario else DEFAULT_SCENARIOS
    unknown = sorted(set(names) - set(BUILTIN_SCENARIOS))
    if unknown:
        raise InvalidDocument(
            f"unknown scenario(s): {', '.join(unknown)}",
            details={"unknown": unknown, "available": list(BUILTIN_SCENARIOS)},
        )
    scored = guarded(
        lambda: score_bytes(raw, source="/score", scenarios=names, seed=seed),
        source="/score",
        fallback=lambda f: score_parts([f], asset=None),
    )
    return views.json_response(scored.model_dump_json().encode())
