"""Component collections: ``/shaders/``, ``/tones/``, ``/haptics/``, ``/controls/``,
``/modulations/``, ``/rule-bundles/``, each with full CRUD.

The six routers are built by one function, since they differ only in the
document kind they store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from synharness.api import crud, views
from synharness.api.deps import (
    MAX_ID,
    BodyDep,
    IdPath,
    IfMatch,
    IfNoneMatch,
    SessionDep,
    WriterDep,
    schema_version,
)
from synharness.api.documents import check_data, check_raw, load_json, merge_patch, parse_json
from synharness.api.errors import InvalidDocument
from synharness.api.idempotency import IdempotencyKey, idempotent
from synharness.api.routes._openapi import error_responses, json_body
from synharness.api.schemas import ComponentPublic
from synharness.api.tables import ComponentRow

#: URL path -> document kind.
COLLECTIONS: dict[str, str] = {
    "shaders": "shader",
    "tones": "tone",
    "haptics": "haptic",
    "controls": "control-bundle",
    "modulations": "modulation",
    "rule-bundles": "rule-bundle",
}

router = APIRouter(dependencies=[Depends(schema_version)])


def _one(row: ComponentRow, *, status: int = 200, extra: dict[str, str] | None = None) -> Response:
    headers = {"ETag": views.component_etag(row), **(extra or {})}
    return views.json_response(views.component_bytes(row), status=status, headers=headers)


def _add_collection(path: str, kind: str) -> None:
    tag = [path]
    errs = error_responses

    def list_(
        session: SessionDep,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
        name: Annotated[str | None, Query(max_length=500)] = None,
    ) -> Response:
        rows, total = crud.list_components(
            session=session, kind=kind, limit=limit, offset=offset, name=name
        )
        body = views.array_bytes(views.component_bytes(r) for r in rows)
        headers = views.page_headers(
            f"/{path}/",
            offset=offset,
            limit=limit,
            total=total,
            query={"name": name} if name is not None else None,
        )
        return views.json_response(body, headers=headers)

    def create(
        session: SessionDep, raw: BodyDep, idempotency_key: IdempotencyKey = None
    ) -> Response:
        doc = check_raw(raw, kind=kind, source=f"/{path}/")

        def work() -> Response:
            row = crud.create_component(session=session, doc=doc, commit=False)
            return _one(row, status=201, extra={"Location": f"/{path}/{row.id}"})

        return idempotent(
            session=session, key=idempotency_key, scope=f"POST /{path}/", raw=raw, work=work
        )

    def get(item_id: IdPath, session: SessionDep, if_none_match: IfNoneMatch = None) -> Response:
        row = crud.get_component(session=session, kind=kind, component_id=item_id)
        if views.not_modified(if_none_match, views.component_etag(row)):
            return Response(status_code=304, headers={"ETag": views.component_etag(row)})
        return _one(row)

    def replace(
        item_id: IdPath, session: SessionDep, raw: BodyDep, if_match: IfMatch = None
    ) -> Response:
        expected = views.expected_versions(if_match, prefix="c", ident=item_id)
        current = crud.get_component(session=session, kind=kind, component_id=item_id)
        doc = check_raw(
            raw,
            kind=kind,
            source=f"/{path}/{item_id}",
            replacing=load_json(current.body),
            patch_path=f"/{path}/{item_id}",
        )
        row = crud.replace_component(
            session=session, component_id=item_id, doc=doc, expected=expected
        )
        return _one(row)

    def patch(
        item_id: IdPath, session: SessionDep, raw: BodyDep, if_match: IfMatch = None
    ) -> Response:
        expected = views.expected_versions(if_match, prefix="c", ident=item_id)
        changes = parse_json(raw, source=f"/{path}/{item_id}")
        current = crud.get_component(
            session=session, kind=kind, component_id=item_id, for_update=True
        )
        merged = merge_patch(load_json(current.body), changes)
        if not isinstance(merged, dict):
            raise InvalidDocument("a merge patch of a component must be a JSON object")
        doc = check_data(merged, kind=kind, source=f"/{path}/{item_id}")
        row = crud.replace_component(
            session=session,
            component_id=item_id,
            doc=doc,
            expected=expected if expected is not None else [current.version],
        )
        return _one(row)

    def delete(item_id: IdPath, session: SessionDep, if_match: IfMatch = None) -> Response:
        expected = views.expected_versions(if_match, prefix="c", ident=item_id)
        crud.delete_component(session=session, kind=kind, component_id=item_id, expected=expected)
        return Response(status_code=204)

    noun = kind.replace("-", " ")
    specs: list[tuple[str, str, Callable[..., Response], str]] = [
        ("GET", f"/{path}/", list_, f"List {noun}s; the total count is in X-Total-Count."),
        ("POST", f"/{path}/", create, f"Validate and store a {noun}; 201 with its Location."),
        ("GET", f"/{path}/{{item_id}}", get, f"One {noun}, exactly as stored."),
        ("PUT", f"/{path}/{{item_id}}", replace, f"Replace a {noun} (If-Match)."),
        ("PATCH", f"/{path}/{{item_id}}", patch, f"Merge-patch a {noun} (If-Match)."),
        ("DELETE", f"/{path}/{{item_id}}", delete, f"Delete a {noun} (If-Match)."),
    ]
    statuses = {
        ("GET", True): (200, errs(409, 422)),
        ("POST", True): (201, errs(401, 409, 413, 422)),
        ("GET", False): (200, errs(304, 404, 409)),
        ("PUT", False): (200, errs(401, 404, 409, 412, 413, 422)),
        ("PATCH", False): (200, errs(401, 404, 409, 412, 413, 422)),
        ("DELETE", False): (204, errs(401, 404, 409, 412)),
    }
    for method, route, func, doc in specs:
        func.__name__ = (
            f"{method.lower()}_{path.replace('-', '_')}{'_item' if '{' in route else ''}"
        )
        func.__doc__ = doc
        status, responses = statuses[(method, route.endswith("/"))]
        extra = None
        if method in ("POST", "PUT"):
            extra = json_body(f"A {noun} document")
        elif method == "PATCH":
            extra = json_body("An RFC 7386 JSON merge patch", media="application/merge-patch+json")
        router.add_api_route(
            route,
            func,
            methods=[method],
            status_code=status,
            tags=list(tag),
            responses=responses,
            openapi_extra=extra,
            response_model=(
                list[ComponentPublic]
                if method == "GET" and route.endswith("/")
                else None
                if method == "DELETE"
                else ComponentPublic
            ),
            dependencies=[WriterDep] if method != "GET" else [],
        )


for _path, _kind in COLLECTIONS.items():
    _add_collection(_path, _kind)
