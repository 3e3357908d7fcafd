"""Vectors: the seed's ``/embeddings/`` and ``/search/assets``, and asset embeddings.

Vectors are client-supplied (as in the seed: the store computes none). They live
in the generic index of :mod:`synharness.api.vector_index`: ``/embeddings/``
is the ``patch`` space, ``/synesthetic-assets/{id}/embedding`` the ``asset``
space, which ``/search/assets`` searches.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

import orjson
from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from synharness.api import crud, vector_index, views
from synharness.api.deps import BodyDep, IdPath, SessionDep, WriterDep, schema_version
from synharness.api.errors import InvalidDocument
from synharness.api.routes._openapi import error_responses, model_body
from synharness.api.tables import AssetRow

router = APIRouter(dependencies=[Depends(schema_version)])
M = TypeVar("M", bound=BaseModel)

PATCH_SPACE = "patch"
ASSET_SPACE = "asset"


# POST/PUT /embeddings/ (the seed's PatchEmbeddingCreate).
class PatchEmbeddingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patch_id: str = Field(min_length=1, max_length=200)
    embedding: list[float] = Field(min_length=1, max_length=vector_index.MAX_DIMENSION)


# An embedding as the store answers it.
class PatchEmbeddingPublic(BaseModel):
    patch_id: str
    embedding: list[float]


# POST /embeddings/query and POST /search/assets (the seed's EmbeddingQuery).
class EmbeddingQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    embedding: list[float] = Field(min_length=1, max_length=vector_index.MAX_DIMENSION)
    top_k: int = Field(default=5, ge=1, le=vector_index.MAX_K)


# PUT /synesthetic-assets/{id}/embedding.
class AssetEmbeddingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    embedding: list[float] = Field(min_length=1, max_length=vector_index.MAX_DIMENSION)


# An asset's embedding as the store answers it.
class AssetEmbeddingPublic(BaseModel):
    asset_id: int
    embedding: list[float]


# DELETE /embeddings/{patch_id}.
class DeletedPublic(BaseModel):
    status: str


# One hit of GET /search/assets.
class AssetHit(BaseModel):
    id: int
    synesthetic_asset_id: int
    name: str
    distance: float


def _parse(model: type[M], raw: bytes) -> M:
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        details = [
            {"pointer": "/" + "/".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in exc.errors(include_url=False)
        ]
        raise InvalidDocument(
            f"not a valid {model.__name__} body", details={"errors": details}
        ) from None


def _patch_json(key: str, data: bytes) -> bytes:
    return orjson.dumps({"patch_id": key, "embedding": vector_index.unpack(data)})


PatchId = Annotated[str, Path(min_length=1, max_length=200)]
_WRITE_ERRORS = error_responses(401, 409, 413, 422, 503)


@router.post(
    "/embeddings/",
    tags=["embeddings"],
    response_model=PatchEmbeddingPublic,
    dependencies=[WriterDep],
    openapi_extra=model_body(PatchEmbeddingCreate, "A patch id and its vector"),
    responses=_WRITE_ERRORS,
)
def create_embedding(session: SessionDep, raw: BodyDep) -> Response:
    """Store (or replace) a patch embedding; 200 with it, as the seed answered."""
    body = _parse(PatchEmbeddingCreate, raw)
    row = vector_index.put(
        session=session, space=PATCH_SPACE, key=body.patch_id, vector=body.embedding
    )
    session.commit()
    return views.json_response(_patch_json(row.key, row.data))


@router.post(
    "/embeddings/query",
    tags=["embeddings"],
    response_model=list[str],
    openapi_extra=model_body(EmbeddingQuery, "A vector and how many neighbours"),
    responses=error_responses(409, 413, 422, 503),
)
def query_embeddings(session: SessionDep, raw: BodyDep) -> Response:
    """The patch ids of the nearest embeddings (cosine), nearest first."""
    query = _parse(EmbeddingQuery, raw)
    hits = vector_index.search(
        session=session, space=PATCH_SPACE, vector=query.embedding, k=query.top_k
    )
    return views.json_response(orjson.dumps([h.key for h in hits]))


@router.get(
    "/embeddings/{patch_id}",
    tags=["embeddings"],
    response_model=PatchEmbeddingPublic,
    responses=error_responses(404, 409),
)
def read_embedding(patch_id: PatchId, session: SessionDep) -> Response:
    """One patch embedding."""
    row = vector_index.get(session=session, space=PATCH_SPACE, key=patch_id)
    return views.json_response(_patch_json(row.key, row.data))


@router.put(
    "/embeddings/{patch_id}",
    tags=["embeddings"],
    response_model=PatchEmbeddingPublic,
    dependencies=[WriterDep],
    openapi_extra=model_body(PatchEmbeddingCreate, "The new vector (patch_id as in the path)"),
    responses=_WRITE_ERRORS,
)
def update_embedding(patch_id: PatchId, session: SessionDep, raw: BodyDep) -> Response:
    """Replace (or create) the embedding of ``patch_id``; the path's id wins, as in the seed."""
    body = _parse(PatchEmbeddingCreate, raw)
    row = vector_index.put(session=session, space=PATCH_SPACE, key=patch_id, vector=body.embedding)
    session.commit()
    return views.json_response(_patch_json(row.key, row.data))


@router.delete(
    "/embeddings/{patch_id}",
    tags=["embeddings"],
    response_model=DeletedPublic,
    dependencies=[WriterDep],
    responses=error_responses(401, 404, 409),
)
def delete_embedding(patch_id: PatchId, session: SessionDep) -> Response:
    """Delete a patch embedding: ``{"status": "deleted"}`` as the seed answered."""
    vector_index.remove(session=session, space=PATCH_SPACE, key=patch_id)
    session.commit()
    return views.json_response(b'{"status":"deleted"}')


@router.put(
    "/synesthetic-assets/{asset_id}/embedding",
    tags=["synesthetic-assets"],
    response_model=AssetEmbeddingPublic,
    dependencies=[WriterDep],
    openapi_extra=model_body(AssetEmbeddingCreate, "The asset's vector"),
    responses=error_responses(401, 404, 409, 413, 422, 503),
)
def put_asset_embedding(asset_id: IdPath, session: SessionDep, raw: BodyDep) -> Response:
    """Store (or replace) the asset's embedding, which /search/assets searches."""
    body = _parse(AssetEmbeddingCreate, raw)
    crud.get_asset(session=session, asset_id=asset_id)
    row = vector_index.put(
        session=session, space=ASSET_SPACE, key=str(asset_id), vector=body.embedding
    )
    session.commit()
    data = {"asset_id": asset_id, "embedding": vector_index.unpack(row.data)}
    return views.json_response(orjson.dumps(data))


@router.get(
    "/synesthetic-assets/{asset_id}/embedding",
    tags=["synesthetic-assets"],
    response_model=AssetEmbeddingPublic,
    responses=error_responses(404, 409),
)
def get_asset_embedding(asset_id: IdPath, session: SessionDep) -> Response:
    """The asset's embedding."""
    row = vector_index.get(session=session, space=ASSET_SPACE, key=str(asset_id))
    data = {"asset_id": asset_id, "embedding": vector_index.unpack(row.data)}
    return views.json_response(orjson.dumps(data))


@router.delete(
    "/synesthetic-assets/{asset_id}/embedding",
    tags=["synesthetic-assets"],
    status_code=204,
    dependencies=[WriterDep],
    responses=error_responses(401, 404, 409),
)
def delete_asset_embedding(asset_id: IdPath, session: SessionDep) -> Response:
    """Delete the asset's embedding."""
    vector_index.remove(session=session, space=ASSET_SPACE, key=str(asset_id))
    session.commit()
    return Response(status_code=204)


def _existing_assets(session: SessionDep, hits: list[vector_index.Neighbour]) -> dict[int, str]:
    ids = [int(h.key) for h in hits if h.key.isdigit()]
    if not ids:
        return {}
    rows = session.execute(select(AssetRow.id, AssetRow.name).where(AssetRow.id.in_(ids))).all()
    return {int(r.id): str(r.name) for r in rows}


@router.post(
    "/search/assets",
    tags=["search"],
    response_model=list[int],
    openapi_extra=model_body(EmbeddingQuery, "A client-supplied vector and how many assets"),
    responses=error_responses(409, 413, 422, 503),
)
def search_assets(session: SessionDep, raw: BodyDep) -> Response:
    """The ids of the assets whose embeddings are nearest to the vector (the seed's search)."""
    query = _parse(EmbeddingQuery, raw)
    hits = vector_index.search(
        session=session, space=ASSET_SPACE, vector=query.embedding, k=query.top_k
    )
    names = _existing_assets(session, hits)
    return views.json_response(orjson.dumps([int(h.key) for h in hits if int(h.key) in names]))


@router.get(
    "/search/assets",
    tags=["search"],
    response_model=list[AssetHit],
    responses=error_responses(404, 409, 422, 503),
)
def search_like(
    session: SessionDep,
    like: Annotated[int, Query(ge=1, le=2**31 - 1, description="An asset id")],
    k: Annotated[int, Query(ge=1, le=vector_index.MAX_K)] = 10,
    space: Annotated[
        str, Query(pattern="^[a-z][a-z0-9_]{0,31}$", description="The vector space")
    ] = ASSET_SPACE,
) -> Response:
    """The ``k`` assets nearest to asset ``like`` in a vector space, nearest first."""
    if space not in vector_index.ASSET_SPACES:
        raise InvalidDocument(
            f"space {space!r} is not keyed by asset ids",
            details={"space": space, "asset_spaces": sorted(vector_index.ASSET_SPACES)},
        )
    crud.get_asset(session=session, asset_id=like)
    own = vector_index.get(session=session, space=space, key=str(like))
    hits = vector_index.search(
        session=session, space=space, vector=vector_index.unpack(own.data), k=k, exclude=str(like)
    )
    names = _existing_assets(session, hits)
    body = [
        {
            "id": int(h.key),
            "synesthetic_asset_id": int(h.key),
            "name": names[int(h.key)],
            "distance": h.distance,
        }
        for h in hits
        if h.key.isdigit() and int(h.key) in names
    ]
    return views.json_response(orjson.dumps(body))
