"""``/reports/{id}``: one verification report, as JSON or (``Accept: text/html``) HTML."""

from __future__ import annotations

import io

import orjson
from fastapi import APIRouter, Depends, Header, Response
from fastapi.responses import HTMLResponse
from synharness.api import crud, views
from synharness.api.deps import IdPath, IfNoneMatch, SessionDep, schema_version
from synharness.api.routes._openapi import error_responses
from synharness.api.schemas import ReportPublic

router = APIRouter(prefix="/reports", tags=["reports"], dependencies=[Depends(schema_version)])


def _wants_html(accept: str | None) -> bool:
    if not accept:
        return False
    ranked = []
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            key, _, value = p.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranked.append((q, media.strip().lower()))
    html = max((q for q, m in ranked if m == "text/html"), default=0.0)
    json = max(
        (q for q, m in ranked if m in ("application/json", "*/*", "application/*")), default=0.0
    )
    return html > 0 and html >= json


@router.get(
    "/{report_id}",
    response_model=ReportPublic,
    responses={
        **error_responses(304, 404, 409),
        200: {"content": {"text/html": {}}, "description": "The report (JSON, or HTML on request)"},
    },
)
def get_report(
    report_id: IdPath,
    session: SessionDep,
    accept: str | None = Header(None),
    if_none_match: IfNoneMatch = None,
) -> Response:
    """One report: JSON, or HTML with Accept: text/html."""
    row = crud.get_report(session=session, report_id=report_id)
    html = _wants_html(accept)
    etag = views.report_etag(row)[:-1] + ('-html"' if html else '"')
    headers = {"ETag": etag, "Vary": "Accept"}
    if views.not_modified(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    if html:
        from synharness.reports import REPORTER_BY_NAME

        result = views.result_of(orjson.loads(row.result))
        stream = io.StringIO()
        REPORTER_BY_NAME["html"](stream=stream).report([result])
        return HTMLResponse(stream.getvalue(), headers=headers)
    return views.json_response(orjson.dumps(views.report_dict(row)), headers=headers)
