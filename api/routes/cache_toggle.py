"""``/cache``: whether the Redis response cache serves reads, switchable at run time (as in the seed)."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Depends, Request, Response
from pydantic import ValidationError
from synharness.api import views
from synharness.api.cache import ResponseCache
from synharness.api.deps import BodyDep, WriterDep, schema_version
from synharness.api.errors import Conflict, InvalidDocument
from synharness.api.routes._openapi import error_responses, model_body
from synharness.api.schemas import CacheStatus

router = APIRouter(tags=["admin"], dependencies=[Depends(schema_version)])


def _status(cache: ResponseCache | None) -> Response:
    enabled = cache is not None and cache.enabled
    return views.json_response(orjson.dumps({"cache_enabled": enabled}))


@router.get("/cache", response_model=CacheStatus)
async def get_cache_status(request: Request) -> Response:
    """Whether cached GET responses are served (false when no REDIS_URL is set)."""
    return _status(request.app.state.cache)


@router.post(
    "/cache",
    response_model=CacheStatus,
    dependencies=[WriterDep],
    openapi_extra=model_body(CacheStatus, "Switch the response cache on or off"),
    responses=error_responses(401, 409, 413, 422),
)
async def set_cache_status(request: Request, raw: BodyDep) -> Response:
    """Switch the response cache on or off; switching it on forgets every cached entry."""
    try:
        wanted = CacheStatus.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        raise InvalidDocument(
            'the body must be {"cache_enabled": true|false}',
            details={"errors": exc.errors(include_url=False, include_context=False)},
        ) from None
    cache: ResponseCache | None = request.app.state.cache
    if cache is None:
        if wanted.cache_enabled:
            raise Conflict("the store has no cache: start it with REDIS_URL set")
        return _status(cache)
    if wanted.cache_enabled and not cache.enabled:
        # Writes keep invalidating while reads bypass the cache; one more INCR
        # makes sure nothing cached before the switch is served after it.
        await cache.safe_invalidate()
    cache.enabled = wanted.cache_enabled
    return _status(cache)
