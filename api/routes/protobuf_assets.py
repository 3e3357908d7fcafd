"""``/protobuf-assets/``: synesthetic assets as ``application/x-protobuf``, in and out.

The seed kept protobuf copies in a table of their own; here a protobuf asset is
the protobuf form of a synesthetic asset: ``/protobuf-assets/{id}`` and
``/synesthetic-assets/{id}`` are the same asset, validated and stored once
(see :mod:`synharness.api.protobuf` for the message and its exact round trip).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Response
from synharness.api import crud, vector_index, views
from synharness.api.deps import BodyDep, IdPath, IfMatch, SessionDep, WriterDep, schema_version
from synharness.api.documents import check_raw, dump_json, load_json
from synharness.api.errors import ApiError, InvalidDocument
from synharness.api.protobuf import PROTOBUF, ProtobufError, from_proto, to_proto
from synharness.api.routes._openapi import error_responses
from synharness.api.tables import AssetRow

router = APIRouter(
    prefix="/protobuf-assets", tags=["protobuf-assets"], dependencies=[Depends(schema_version)]
)

KIND = "synesthetic-asset"
_ACCEPTED = (PROTOBUF, "application/octet-stream")


class UnsupportedMediaType(ApiError):
    """A body that is not protobuf."""

    status = 415
    code = "unsupported_media_type"


_BODY = {
    "requestBody": {
        "required": True,
        "description": "A SynestheticAsset message (api/proto/synesthetic_asset.proto)",
        "content": {PROTOBUF: {"schema": {"type": "string", "format": "binary"}}},
    }
}
_OUT = {"content": {PROTOBUF: {"schema": {"type": "string", "format": "binary"}}}}


def _document(raw: bytes, content_type: str | None) -> bytes:
    media = (content_type or PROTOBUF).split(";")[0].strip().lower()
    if media not in _ACCEPTED:
        raise UnsupportedMediaType(
            f"send {PROTOBUF}, not {media}", details={"accepted": list(_ACCEPTED)}
        )
    try:
        return dump_json(from_proto(raw))
    except ProtobufError as exc:
        raise InvalidDocument(str(exc), details={"media_type": PROTOBUF}) from None


def _answer(row: AssetRow, *, status: int = 200, location: bool = False) -> Response:
    headers = {
        "ETag": views.asset_etag(row),
        "Content-Disposition": f"attachment; filename=asset-{row.id}.pb",
    }
    if location:
        headers["Location"] = f"/protobuf-assets/{row.id}"
    return Response(
        to_proto(load_json(row.body)), status_code=status, media_type=PROTOBUF, headers=headers
    )


@router.post(
    "/",
    status_code=201,
    dependencies=[WriterDep],
    openapi_extra=_BODY,
    responses={201: _OUT, **error_responses(401, 409, 413, 415, 422)},
)
def create_protobuf_asset(
    session: SessionDep, raw: BodyDep, content_type: str | None = Header(None)
) -> Response:
    """Validate and store an asset sent as protobuf; answers it as protobuf (201, Location)."""
    doc = check_raw(_document(raw, content_type), kind=KIND, source="/protobuf-assets/")
    row = crud.create_asset(session=session, doc=doc)
    return _answer(row, status=201, location=True)


@router.post(
    "/from-synesthetic/{asset_id}",
    dependencies=[WriterDep],
    responses={200: _OUT, **error_responses(401, 404, 409)},
)
def from_synesthetic(asset_id: IdPath, session: SessionDep) -> Response:
    """The protobuf form of a stored synesthetic asset (the seed's conversion route)."""
    return _answer(crud.get_asset(session=session, asset_id=asset_id))


@router.get("/{asset_id}", responses={200: _OUT, **error_responses(404, 409)})
def get_protobuf_asset(asset_id: IdPath, session: SessionDep) -> Response:
    """One asset as protobuf."""
    return _answer(crud.get_asset(session=session, asset_id=asset_id))


@router.put(
    "/{asset_id}",
    dependencies=[WriterDep],
    openapi_extra=_BODY,
    responses={200: _OUT, **error_responses(401, 404, 409, 412, 413, 415, 422)},
)
def replace_protobuf_asset(
    asset_id: IdPath,
    session: SessionDep,
    raw: BodyDep,
    if_match: IfMatch = None,
    content_type: str | None = Header(None),
) -> Response:
    """Replace an asset with one sent as protobuf (If-Match: its ETag)."""
    expected = views.expected_versions(if_match, prefix="a", ident=asset_id)
    current = crud.get_asset(session=session, asset_id=asset_id)
    doc = check_raw(
        _document(raw, content_type),
        kind=KIND,
        source=f"/protobuf-assets/{asset_id}",
        replacing=load_json(current.body),
        patch_path=f"/synesthetic-assets/{asset_id}",
    )
    row = crud.replace_asset(session=session, asset_id=asset_id, doc=doc, expected=expected)
    return _answer(row)


@router.delete(
    "/{asset_id}",
    dependencies=[WriterDep],
    responses=error_responses(401, 404, 409, 412),
)
def delete_protobuf_asset(
    asset_id: IdPath, session: SessionDep, if_match: IfMatch = None
) -> Response:
    """Delete the asset: ``{"status": "deleted"}`` as the seed answered."""
    expected = views.expected_versions(if_match, prefix="a", ident=asset_id)
    vector_index.remove_asset(session=session, asset_id=asset_id)
    crud.delete_asset(session=session, asset_id=asset_id, expected=expected)
    return views.json_response(b'{"status":"deleted"}')
