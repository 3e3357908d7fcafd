"""``POST /rule-bundles/import``: a rule bundle uploaded as a file (multipart), as in the seed.

The file part (form field ``file``) holds the bundle's JSON; it is validated and
stored exactly like ``POST /rule-bundles/`` (201, Location, ETag).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import UploadFile
from synharness.api import crud, views
from synharness.api.deps import SessionDep, WriterDep, schema_version
from synharness.api.documents import check_raw
from synharness.api.errors import InvalidDocument, PayloadTooLarge
from synharness.api.routes._openapi import error_responses
from synharness.api.schemas import ComponentPublic

router = APIRouter(tags=["rule-bundles"], dependencies=[Depends(schema_version)])

_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@router.post(
    "/rule-bundles/import",
    status_code=201,
    response_model=ComponentPublic,
    dependencies=[WriterDep],
    openapi_extra=_UPLOAD,
    responses=error_responses(401, 409, 413, 422),
)
async def import_rule_bundle(request: Request, session: SessionDep) -> Response:
    """Store a rule bundle uploaded as the multipart file ``file``."""
    limit = request.app.state.store.settings.max_body_bytes
    try:
        form = await request.form(max_files=1, max_fields=8, max_part_size=limit)
    except Exception as exc:  # a malformed multipart body (the parser's own errors)
        raise InvalidDocument(f"not a multipart/form-data upload: {exc}") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidDocument(
                'send the bundle as the multipart file field "file"', details={"field": "file"}
            )
        raw = await upload.read(limit + 1)
        filename = upload.filename or "file"
    finally:
        await form.close()
    if len(raw) > limit:
        raise PayloadTooLarge(
            f"the file passed the limit of {limit} bytes", details={"limit": limit}
        )
    source = f"/rule-bundles/import#{filename}"
    doc = check_raw(raw, kind="rule-bundle", source=source)
    row = crud.create_component(session=session, doc=doc)
    headers = {"Location": f"/rule-bundles/{row.id}", "ETag": views.component_etag(row)}
    return views.json_response(views.component_bytes(row), status=201, headers=headers)
