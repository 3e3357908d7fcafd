"""Store-wide routes: ``/schema/version``, ``/health``, and the stateless
``POST /validate`` and ``POST /score`` of the RLHF loop."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends, Response

from api import views
from api.db import ping
from api.deps import BodyDep, StateDep, schema_version
from api.documents import SCHEMA_VERSION, check_raw
from api.routes._openapi import error_responses, json_body
from api.schemas import HealthPublic, SchemaVersionPublic

router = APIRouter(tags=["meta"], dependencies=[Depends(schema_version)])


@router.get("/schema/version", response_model=SchemaVersionPublic)
def get_schema_version() -> Response:
    """The schema version the store validates against."""
    return views.json_response(orjson.dumps({"schemaVersion": SCHEMA_VERSION}))


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
    from harness import pipeline

    result = pipeline.validate_bytes(raw, source="/validate")
    body: dict[str, Any] = orjson.loads(result.model_dump_json(exclude_none=True))
    return views.json_response(orjson.dumps(body))


@router.post(
    "/score",
    openapi_extra=json_body("A synesthetic asset"),
    responses=error_responses(409, 413, 422),
)
def score(raw: BodyDep) -> Response:
    """Score an asset without storing it (422 with findings when it does not validate)."""
    from harness import score as score_asset

    doc = check_raw(raw, kind="synesthetic-asset", source="/score")
    scored = score_asset(doc.data)
    dumped = scored.model_dump(mode="json") if hasattr(scored, "model_dump") else scored
    return views.json_response(
        orjson.dumps({"score": dumped, "verdict": doc.verdict, "findings": len(doc.findings)})
    )
