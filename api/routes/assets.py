"""``/synesthetic-assets/``: CRUD of assets, nested views, component replacement, verification."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Response
from pydantic import ValidationError
from synharness.api import crud, vector_index, views
from synharness.api.deps import (
    MAX_ID,
    BodyDep,
    IdPath,
    IfMatch,
    IfNoneMatch,
    SessionDep,
    StateDep,
    WriterDep,
    schema_version,
)
from synharness.api.documents import (
    check_data,
    check_raw,
    dump_json,
    load_json,
    merge_patch,
    parse_json,
)
from synharness.api.errors import ApiError, InvalidDocument, NotFound
from synharness.api.idempotency import IdempotencyKey, idempotent
from synharness.api.routes._openapi import error_responses, json_body
from synharness.api.schemas import (
    AssetPublic,
    FindingsPublic,
    NestedAssetPublic,
    ReportPublic,
    ReportSummaryPublic,
    VerifyRequest,
)
from synharness.api.tables import AssetRow, ReportRow
from synharness.api.verify import store_fingerprint, verify_asset
from synharness.guard import guarded_result
from synharness.result import AssetResult

router = APIRouter(
    prefix="/synesthetic-assets",
    tags=["synesthetic-assets"],
    dependencies=[Depends(schema_version)],
)

KIND = "synesthetic-asset"
#: Components an asset can hold, in the nested views: asset key -> component kind.
NESTED: dict[str, str] = {v: k for k, v in crud.COMPONENT_KEYS.items()}


def _source(asset_id: int | None = None) -> str:
    return f"/synesthetic-assets/{asset_id}" if asset_id is not None else "/synesthetic-assets/"


def _one(row: AssetRow, *, status: int = 200, extra: dict[str, str] | None = None) -> Response:
    headers = {"ETag": views.asset_etag(row), **(extra or {})}
    return views.json_response(views.asset_bytes(row), status=status, headers=headers)


@router.get(
    "/",
    response_model=list[AssetPublic],
    responses=error_responses(409, 422),
)
def list_assets(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    name: Annotated[str | None, Query(max_length=500, description="Name substring")] = None,
    verdict: Annotated[str | None, Query(pattern="^(pass|warn|fail)$")] = None,
    tag: Annotated[str | None, Query(max_length=200, description="A meta_info.tags entry")] = None,
) -> Response:
    """List assets (oldest first); the total count is in X-Total-Count."""
    rows, total = crud.list_assets(
        session=session, limit=limit, offset=offset, name=name, verdict=verdict, tag=tag
    )
    body = views.array_bytes(views.asset_bytes(r) for r in rows)
    query = {"name": name, "verdict": verdict, "tag": tag}
    headers = views.page_headers(
        "/synesthetic-assets/",
        offset=offset,
        limit=limit,
        total=total,
        query={k: v for k, v in query.items() if v is not None},
    )
    return views.json_response(body, headers=headers)


@router.post(
    "/",
    status_code=201,
    response_model=AssetPublic,
    dependencies=[WriterDep],
    openapi_extra=json_body("A synesthetic asset, as in the files ($schema included)"),
    responses=error_responses(401, 409, 413, 422),
)
def create_asset(
    session: SessionDep, raw: BodyDep, idempotency_key: IdempotencyKey = None
) -> Response:
    """Validate and store an asset; 201 with its Location (Idempotency-Key: safe to retry)."""
    doc = check_raw(raw, kind=KIND, source=_source())

    def work() -> Response:
        row = crud.create_asset(session=session, doc=doc, commit=False)
        return _one(row, status=201, extra={"Location": f"/synesthetic-assets/{row.id}"})

    return idempotent(
        session=session, key=idempotency_key, scope="POST /synesthetic-assets/", raw=raw, work=work
    )


@router.get(
    "/offset/",
    response_model=list[NestedAssetPublic],
    responses=error_responses(409, 422),
)
def list_nested_assets(
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
) -> Response:
    """A page of assets in the nested view (the seed's offset pagination; default 10)."""
    rows, total = crud.list_assets(session=session, limit=limit, offset=offset)
    items = [_nested_bytes(session, crud.get_asset(session=session, asset_id=r.id)) for r in rows]
    headers = views.page_headers(
        "/synesthetic-assets/offset/", offset=offset, limit=limit, total=total
    )
    return views.json_response(views.array_bytes(items), headers=headers)


@router.post(
    "/nested",
    status_code=201,
    response_model=NestedAssetPublic,
    dependencies=[WriterDep],
    openapi_extra=json_body("A synesthetic asset; its components are stored in their collections"),
    responses=error_responses(401, 409, 413, 422),
)
def create_nested_asset(
    session: SessionDep, raw: BodyDep, idempotency_key: IdempotencyKey = None
) -> Response:
    """Store an asset and each of its components in its own collection (one transaction)."""
    doc = check_raw(raw, kind=KIND, source=_source())
    parts = {
        key: check_data(
            doc.data[key], kind=kind, source=f"{_source()}nested#/{key}", implicit_envelope=True
        )
        for key, kind in NESTED.items()
        if isinstance(doc.data.get(key), dict)
    }

    def work() -> Response:
        links = {
            f"{key}_id": crud.create_component(session=session, doc=sub, commit=False).id
            for key, sub in parts.items()
        }
        row = crud.create_asset(session=session, doc=doc, links=links, commit=False)
        return _nested(session, row, status=201, location=f"/synesthetic-assets/nested/{row.id}")

    return idempotent(
        session=session,
        key=idempotency_key,
        scope="POST /synesthetic-assets/nested",
        raw=raw,
        work=work,
    )


def _nested(
    session: SessionDep, row: AssetRow, *, status: int = 200, location: str | None = None
) -> Response:
    body = _nested_bytes(session, row)
    headers = {"ETag": views.asset_etag(row)}
    if location:
        headers["Location"] = location
    return views.json_response(body, status=status, headers=headers)


def _nested_bytes(session: SessionDep, row: AssetRow) -> bytes:
    data: dict[str, Any] = load_json(row.body)
    links: dict[str, int] = {}
    for key, kind in NESTED.items():
        ident = getattr(row, f"{key}_id")
        if ident is None:
            continue
        try:
            component = crud.get_component(session=session, kind=kind, component_id=ident)
        except NotFound:
            continue
        part = load_json(component.body)
        data[key] = {k: v for k, v in part.items() if k not in ("$schema", "$schemaRef")}
        links[f"{key}_id"] = ident
    return views.splice({**views.asset_meta(row), **links}, dump_json(data))


@router.get(
    "/nested/{asset_id}",
    response_model=NestedAssetPublic,
    responses=error_responses(304, 404, 409),
)
def get_nested_asset(
    asset_id: IdPath, session: SessionDep, if_none_match: IfNoneMatch = None
) -> Response:
    """An asset with its linked components inlined and their ids."""
    row = crud.get_asset(session=session, asset_id=asset_id)
    if views.not_modified(if_none_match, views.asset_etag(row)):
        return Response(status_code=304, headers={"ETag": views.asset_etag(row)})
    return _nested(session, row)


# A ``def`` route, like every route that touches the database: an ``async``
# one ran its query on the event loop, and one wait for a connection stalled
# every request (even /openapi.json) for the pool's 30 s timeout.
@router.get(
    "/{asset_id}",
    response_model=AssetPublic,
    responses=error_responses(304, 404, 409),
)
def get_asset(asset_id: IdPath, session: SessionDep, if_none_match: IfNoneMatch = None) -> Response:
    """One asset, exactly as stored, plus id, timestamps and verdict."""
    row = crud.get_asset(session=session, asset_id=asset_id)
    if views.not_modified(if_none_match, views.asset_etag(row)):
        return Response(status_code=304, headers={"ETag": views.asset_etag(row)})
    return _one(row)


@router.get(
    "/{asset_id}/findings",
    response_model=FindingsPublic,
    responses=error_responses(404, 409),
)
def get_asset_findings(asset_id: IdPath, session: SessionDep) -> Response:
    """The findings the asset was stored with (warnings, infos such as SYN-STORE-001)."""
    row = crud.get_asset(session=session, asset_id=asset_id)
    body = b'{"id":%d,"verdict":%s,"findings":%s}' % (
        row.id,
        orjson.dumps(row.verdict),
        row.findings.encode(),
    )
    return views.json_response(body, headers={"ETag": views.asset_etag(row)})


@router.put(
    "/{asset_id}",
    response_model=AssetPublic,
    dependencies=[WriterDep],
    openapi_extra=json_body("The whole new asset (metadata keys are ignored)"),
    responses=error_responses(401, 404, 409, 412, 413, 422, 428),
)
def replace_asset(
    asset_id: IdPath, session: SessionDep, raw: BodyDep, if_match: IfMatch = None
) -> Response:
    """Replace an asset (If-Match: its ETag, or 412 when stale)."""
    expected = views.expected_versions(if_match, prefix="a", ident=asset_id)
    current = crud.get_asset(session=session, asset_id=asset_id)
    doc = check_raw(
        raw,
        kind=KIND,
        source=_source(asset_id),
        replacing=load_json(current.body),
        patch_path=_source(asset_id),
    )
    row = crud.replace_asset(session=session, asset_id=asset_id, doc=doc, expected=expected)
    return _one(row)


@router.patch(
    "/{asset_id}",
    response_model=AssetPublic,
    dependencies=[WriterDep],
    openapi_extra=json_body(
        "An RFC 7386 JSON merge patch (null removes a key)", media="application/merge-patch+json"
    ),
    responses=error_responses(401, 404, 409, 412, 413, 422),
)
def patch_asset(
    asset_id: IdPath, session: SessionDep, raw: BodyDep, if_match: IfMatch = None
) -> Response:
    """Apply a JSON merge patch to an asset (If-Match: its ETag, or 412 when stale)."""
    expected = views.expected_versions(if_match, prefix="a", ident=asset_id)
    patch = parse_json(raw, source=_source(asset_id))
    # The row stays locked until the commit, so a patch without If-Match applies
    # to the current version on both backends (it waits for a concurrent
    # writer, as SQLite's write transactions always did, and never gets a 412).
    current = crud.get_asset(session=session, asset_id=asset_id, for_update=True)
    expected = expected if expected is not None else [current.version]
    merged = merge_patch(load_json(current.body), patch)
    if not isinstance(merged, dict):
        raise InvalidDocument("a merge patch of an asset must be a JSON object")
    doc = check_data(merged, kind=KIND, source=_source(asset_id))
    row = crud.replace_asset(session=session, asset_id=asset_id, doc=doc, expected=expected)
    return _one(row)


@router.delete(
    "/{asset_id}",
    status_code=204,
    dependencies=[WriterDep],
    responses=error_responses(401, 404, 409, 412),
)
def delete_asset(asset_id: IdPath, session: SessionDep, if_match: IfMatch = None) -> Response:
    """Delete an asset and its reports (If-Match: its ETag, or 412 when stale)."""
    expected = views.expected_versions(if_match, prefix="a", ident=asset_id)
    # In the same transaction as the delete, which commits both or neither.
    vector_index.remove_asset(session=session, asset_id=asset_id)
    crud.delete_asset(session=session, asset_id=asset_id, expected=expected)
    return Response(status_code=204)


def _replace_part(
    key: str, asset_id: int, session: SessionDep, raw: bytes, if_match: str | None
) -> Response:
    kind = NESTED[key]
    expected = views.expected_versions(if_match, prefix="a", ident=asset_id)
    current = crud.get_asset(session=session, asset_id=asset_id, for_update=True)
    data = load_json(current.body)
    stored_part = data.get(key)
    part = check_raw(
        raw,
        kind=kind,
        source=f"{_source(asset_id)}/{key}",
        replacing=stored_part if isinstance(stored_part, dict) else {},
        patch_path=f"{_source(asset_id)} (its {key!r} member)",
    )
    # Inside the asset the component carries no $schema of its own.
    part_data = {k: v for k, v in part.data.items() if k not in ("$schema", "$schemaRef")}
    data[key] = part_data
    doc = check_data(data, kind=KIND, source=_source(asset_id))
    expected = expected if expected is not None else [current.version]
    row = crud.replace_asset(
        session=session, asset_id=asset_id, doc=doc, expected=expected, commit=False
    )
    link = getattr(row, f"{key}_id")
    if link is not None:
        crud.replace_component(
            session=session, component_id=link, doc=part, expected=None, commit=False
        )
    else:
        created = crud.create_component(session=session, doc=part, commit=False)
        crud.set_links(session=session, asset_id=asset_id, links={f"{key}_id": created.id})
    session.flush()
    session.expire_all()
    # The answer is read in the write's own transaction, then committed.
    response = _nested(session, crud.get_asset(session=session, asset_id=asset_id))
    session.commit()
    return response


def _part_route(key: str) -> None:
    def replace(
        asset_id: IdPath, session: SessionDep, raw: BodyDep, if_match: IfMatch = None
    ) -> Response:
        return _replace_part(key, asset_id, session, raw, if_match)

    replace.__name__ = f"replace_asset_{key}"
    replace.__doc__ = f"Replace the asset's {key}; answers the nested asset."
    router.put(
        f"/{{asset_id}}/{key}",
        response_model=NestedAssetPublic,
        dependencies=[WriterDep],
        openapi_extra=json_body(f"A {key} document"),
        responses=error_responses(401, 404, 409, 412, 413, 422),
    )(replace)


for _key in ("shader", "tone", "haptic"):
    _part_route(_key)


@router.post(
    "/{asset_id}/verify",
    status_code=201,
    response_model=ReportPublic,
    dependencies=[WriterDep],
    openapi_extra=json_body(
        'Optional: {"scenarios": ["idle", ...], "seed": 0}; default the built-in scenarios',
        required=False,
    ),
    responses=error_responses(401, 404, 409, 413, 422),
)
def verify(
    asset_id: IdPath,
    session: SessionDep,
    raw: BodyDep,
    state: StateDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Validate the stored asset, run its scenarios and store the report."""
    request = VerifyRequest.parse_body(raw)
    return idempotent(
        session=session,
        key=idempotency_key,
        scope=f"POST /synesthetic-assets/{asset_id}/verify",
        raw=raw,
        work=lambda: _verify(asset_id, session, request, state),
    )


def _verify(
    asset_id: int, session: SessionDep, request: VerifyRequest, state: StateDep
) -> Response:
    row = crud.get_asset(session=session, asset_id=asset_id)
    body, version = row.body, row.version
    # End the read before simulating: a transaction left open for seconds of
    # simulation would hold SQLite's writer slot (and a connection) all along.
    session.rollback()
    source = _source(asset_id)
    result = guarded_result(
        lambda: verify_asset(
            body.encode(),
            source=source,
            request=request,
            max_steps=state.settings.max_steps,
            max_scenarios=state.settings.max_scenarios,
        ),
        source=source,
        expected=(ApiError,),
    )
    # In the report's transaction (one commit for both).
    store_fingerprint(session=session, asset_id=asset_id, raw=body.encode(), result=result)
    report = crud.add_report(
        session=session,
        asset_id=asset_id,
        asset_version=version,
        verdict=result.verdict.value,
        result_json=result.model_dump_json().encode(),
        commit=False,
    )
    return _report_response(report)


@router.post(
    "/{asset_id}/reports",
    status_code=201,
    response_model=ReportPublic,
    dependencies=[WriterDep],
    openapi_extra=json_body("An asset result (report version 1), as `synharness run` made it"),
    responses=error_responses(401, 404, 409, 413, 422),
)
def add_report(
    asset_id: IdPath,
    session: SessionDep,
    raw: BodyDep,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Store a report a client ran itself (`synharness run --from`).

    With If-Match (the ETag of the version the client verified), a report of a
    version that is no longer current is refused with 412.
    """
    expected = views.expected_versions(if_match, prefix="a", ident=asset_id)
    result = parse_result(raw)

    def work() -> Response:
        row = crud.get_asset(session=session, asset_id=asset_id, for_update=expected is not None)
        if expected is not None and row.version not in expected:
            raise crud.stale("synesthetic asset", asset_id, row.version)
        report = crud.add_report(
            session=session,
            asset_id=row.id,
            asset_version=row.version,
            verdict=result.verdict.value,
            result_json=result.model_dump_json().encode(),
            commit=False,
        )
        return _report_response(report)

    return idempotent(
        session=session,
        key=idempotency_key,
        scope=f"POST /synesthetic-assets/{asset_id}/reports",
        raw=raw,
        work=work,
    )


def _report_response(report: ReportRow) -> Response:
    return views.json_response(
        orjson.dumps(views.report_dict(report)),
        status=201,
        headers={"Location": f"/reports/{report.id}", "ETag": views.report_etag(report)},
    )


def parse_result(raw: bytes) -> AssetResult:
    """A posted asset result.

    Raises:
        InvalidDocument: Not JSON, or not an asset result (422).
    """
    data = parse_json(raw, source="report")
    try:
        return views.result_of(data)
    except ValidationError as exc:
        details = [
            {"pointer": "/" + "/".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in exc.errors(include_url=False)
        ]
        raise InvalidDocument("not an asset result", details={"errors": details}) from None


@router.get(
    "/{asset_id}/reports",
    response_model=list[ReportSummaryPublic],
    responses=error_responses(404, 409),
)
def list_reports(
    asset_id: IdPath,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Response:
    """The asset's reports, newest first, without traces (each full report at links.self)."""
    rows, total = crud.list_reports(session=session, asset_id=asset_id, limit=limit, offset=offset)
    body = orjson.dumps([views.report_summary(r) for r in rows])
    headers = views.page_headers(
        f"/synesthetic-assets/{asset_id}/reports", offset=offset, limit=limit, total=total
    )
    return views.json_response(body, headers=headers)
