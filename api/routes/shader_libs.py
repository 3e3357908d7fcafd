"""``/shader_libs/``: shader libraries (named, reusable GLSL helpers), CRUD as in the seed.

A library is not a 0.7.3 document kind (there is no published schema for it), so
its shape is checked by :class:`ShaderLibCreate`, the seed's shape: ``name``,
``baseInputParametersSpec``, ``helpers`` (``glsl``, ``stage``, ``requires``),
optional ``version``, ``reservedUniforms`` and ``templates``. The body is stored
as sent (compact JSON) and answered with ``id`` / ``shaderlib_id`` and timestamps.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func, select
from synharness.api import views
from synharness.api.compat import SEED_SHADER_LIB_ID
from synharness.api.crud import now
from synharness.api.deps import (
    MAX_ID,
    BodyDep,
    IdPath,
    IfMatch,
    SessionDep,
    WriterDep,
    schema_version,
)
from synharness.api.documents import METADATA_KEYS, dump_json, load_json, parse_json
from synharness.api.errors import InvalidDocument, NotFound, PreconditionFailed
from synharness.api.pagination import link_header
from synharness.api.routes._openapi import error_responses, model_body
from synharness.api.tables import ShaderLibRow

router = APIRouter(
    prefix="/shader_libs", tags=["shader_libs"], dependencies=[Depends(schema_version)]
)


# An input parameter a library or helper declares.
class InputParam(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    parameter: str = Field(min_length=1)
    path: str = Field(min_length=1)
    type: Literal["float", "int", "bool"]
    default: float | int | bool
    min: float | None = None
    max: float | None = None
    step: float | None = None
    smoothingTime: float | None = None


# What a helper needs from the shader.
class HelperRequires(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uniforms: list[str] | None = None
    inputParametersSpec: list[InputParam] | None = None


# One GLSL helper of a library.
class Helper(BaseModel):
    model_config = ConfigDict(extra="forbid")

    glsl: str
    stage: Literal["fragment", "vertex", "any"] = "any"
    requires: HelperRequires | None = None


# Example shader code that uses the library.
class Templates(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fragment_shader: str | None = None
    input_parameters: list[InputParam] | None = None


# A shader library as POST/PUT send it.
class ShaderLibCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=500)
    version: str | None = None
    reservedUniforms: list[str] | None = None
    baseInputParametersSpec: list[InputParam]
    helpers: dict[str, Helper]
    templates: Templates | None = None


# GET /shader_libs/{id}/helpers/{name}/effective.
class EffectiveHelper(BaseModel):
    uniforms: list[str]
    inputParametersSpec: list[dict[str, Any]]
    template: dict[str, Any]


# A shader library as GET answers it.
class ShaderLibPublic(ShaderLibCreate):
    id: int
    shaderlib_id: int
    created_at: str
    updated_at: str


def _check(raw: bytes, *, source: str) -> dict[str, Any]:
    data = parse_json(raw, source=source)
    data = {k: v for k, v in data.items() if k not in METADATA_KEYS}
    try:
        ShaderLibCreate.model_validate(data)
    except ValidationError as exc:
        details = [
            {"pointer": "/" + "/".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in exc.errors(include_url=False)
        ]
        raise InvalidDocument(
            f"not a shader library: {details[0]['pointer']}: {details[0]['message']}",
            details={"errors": details},
        ) from None
    return data


def _bytes(row: ShaderLibRow) -> bytes:
    meta = {
        "id": row.id,
        SEED_SHADER_LIB_ID: row.id,
        "created_at": views.iso(row.created_at),
        "updated_at": views.iso(row.updated_at),
    }
    return views.splice(meta, row.body)


def _etag(row: ShaderLibRow) -> str:
    return f'"l{row.id}v{row.version}"'


def _get(session: SessionDep, lib_id: int) -> ShaderLibRow:
    row = session.get(ShaderLibRow, lib_id)
    if row is None:
        raise NotFound(f"shader library {lib_id} not found", details={"id": lib_id})
    return row


@router.get("/", response_model=list[ShaderLibPublic], responses=error_responses(409, 422))
def list_shader_libs(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Response:
    """List shader libraries (oldest first); X-Total-Count and Link headers."""
    total = int(session.execute(select(func.count(ShaderLibRow.id))).scalar_one())
    rows = session.execute(
        select(ShaderLibRow).order_by(ShaderLibRow.id).limit(limit).offset(offset)
    ).scalars()
    headers = {"X-Total-Count": str(total)}
    link = link_header("/shader_libs/", offset=offset, limit=limit, total=total)
    if link:
        headers["Link"] = link
    return views.json_response(views.array_bytes(_bytes(r) for r in rows), headers=headers)


@router.post(
    "/",
    status_code=201,
    response_model=ShaderLibPublic,
    dependencies=[WriterDep],
    openapi_extra=model_body(ShaderLibCreate, "A shader library"),
    responses=error_responses(401, 409, 413, 422),
)
def create_shader_lib(session: SessionDep, raw: BodyDep) -> Response:
    """Store a shader library; 201 with its Location."""
    data = _check(raw, source="/shader_libs/")
    stamp = now()
    row = ShaderLibRow(
        name=str(data["name"]).replace("\x00", "")[:500],
        body=dump_json(data).decode(),
        version=1,
        created_at=stamp,
        updated_at=stamp,
    )
    session.add(row)
    session.commit()
    headers = {"Location": f"/shader_libs/{row.id}", "ETag": _etag(row)}
    return views.json_response(_bytes(row), status=201, headers=headers)


@router.get("/{lib_id}", response_model=ShaderLibPublic, responses=error_responses(404, 409))
def get_shader_lib(lib_id: IdPath, session: SessionDep) -> Response:
    """One shader library, as stored."""
    row = _get(session, lib_id)
    return views.json_response(_bytes(row), headers={"ETag": _etag(row)})


@router.put(
    "/{lib_id}",
    response_model=ShaderLibPublic,
    dependencies=[WriterDep],
    openapi_extra=model_body(ShaderLibCreate, "The whole new shader library"),
    responses=error_responses(401, 404, 409, 412, 413, 422),
)
def replace_shader_lib(
    lib_id: IdPath, session: SessionDep, raw: BodyDep, if_match: IfMatch = None
) -> Response:
    """Replace a shader library (If-Match: its ETag, or 412 when stale)."""
    expected = views.expected_versions(if_match, prefix="l", ident=lib_id)
    row = _get(session, lib_id)
    data = _check(raw, source=f"/shader_libs/{lib_id}")
    if expected is not None and row.version not in expected:
        raise PreconditionFailed(
            f"shader library {lib_id} changed: it is at version {row.version}",
            details={"id": lib_id, "version": row.version},
        )
    row.name = str(data["name"]).replace("\x00", "")[:500]
    row.body = dump_json(data).decode()
    row.version += 1
    row.updated_at = now()
    session.commit()
    return views.json_response(_bytes(row), headers={"ETag": _etag(row)})


@router.delete(
    "/{lib_id}",
    response_model=ShaderLibPublic,
    dependencies=[WriterDep],
    responses=error_responses(401, 404, 409, 412),
)
def delete_shader_lib(lib_id: IdPath, session: SessionDep, if_match: IfMatch = None) -> Response:
    """Delete a shader library; answers what was deleted, as the seed did."""
    expected = views.expected_versions(if_match, prefix="l", ident=lib_id)
    row = _get(session, lib_id)
    if expected is not None and row.version not in expected:
        raise PreconditionFailed(
            f"shader library {lib_id} changed: it is at version {row.version}",
            details={"id": lib_id, "version": row.version},
        )
    body = _bytes(row)
    session.delete(row)
    session.commit()
    return views.json_response(body)


__all__ = ["router"]


_COMMENTS_AND_STRINGS = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\])*"', re.DOTALL)


def effective_inputs(lib: dict[str, Any], name: str) -> dict[str, Any]:
    """What a shader using helper ``name`` of ``lib`` declares, and whether the template uses it.

    - ``uniforms``: the library's reserved uniforms, then the helper's own (sorted);
    - ``inputParametersSpec``: the library's base parameters, then the helper's;
    - ``template``: ``valid`` when the fragment template calls the helper (comments and
      strings aside), with a warning per helper uniform the template never names.

    Raises:
        InvalidDocument: No such helper, or a helper parameter repeats a base one (422,
            as the seed answered).
    """
    helpers = lib.get("helpers") or {}
    helper = helpers.get(name)
    if not isinstance(helper, dict):
        raise InvalidDocument(
            f"the library has no helper {name!r}",
            details={"pointer": f"/helpers/{name}", "helpers": sorted(helpers)},
        )
    reserved = list(dict.fromkeys(lib.get("reservedUniforms") or []))
    requires = helper.get("requires") or {}
    own = sorted(set(requires.get("uniforms") or []))
    uniforms = reserved + [u for u in own if u not in reserved]
    base = list(lib.get("baseInputParametersSpec") or [])
    seen = {p["parameter"] for p in base}
    extra = list(requires.get("inputParametersSpec") or [])
    for index, param in enumerate(extra):
        if param["parameter"] in seen:
            raise InvalidDocument(
                f"helper {name!r} repeats the base parameter {param['parameter']!r}",
                details={
                    "pointer": f"/helpers/{name}/requires/inputParametersSpec/{index}/parameter",
                    "code": "COLLISION_BASE_PARAMETER",
                },
            )
        seen.add(param["parameter"])
    template = (lib.get("templates") or {}).get("fragment_shader")
    if not template:
        check: dict[str, Any] = {"valid": False, "warnings": ["no fragment_shader template"]}
    else:
        code = _COMMENTS_AND_STRINGS.sub("", template)
        check = {
            "valid": name in code,
            "warnings": [
                f"uniform '{u}' not referenced" for u in own if u not in reserved and u not in code
            ],
        }
    return {"uniforms": uniforms, "inputParametersSpec": base + extra, "template": check}


@router.get(
    "/{lib_id}/helpers/{name}/effective",
    response_model=EffectiveHelper,
    responses=error_responses(404, 409, 422),
)
def get_effective_helper(lib_id: IdPath, name: str, session: SessionDep) -> Response:
    """The uniforms and input parameters a shader using one helper declares (the seed's route)."""
    row = _get(session, lib_id)
    body = effective_inputs(load_json(row.body), name)
    return views.json_response(dump_json(body))
