"""Views: stored rows rendered as response bytes, ETags and ``If-Match`` parsing.

A stored body is compact JSON text; a response is that text with the metadata
keys spliced in front (``{"id":..,"created_at":..,"updated_at":..,"verdict":..,``
followed by the stored keys), so a GET never re-serialises the document.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi.responses import Response
from sqlalchemy import Row
from synharness.api.compat import SEED_ASSET_ID
from synharness.api.errors import PreconditionFailed
from synharness.api.pagination import link_header
from synharness.api.tables import AssetRow, ComponentRow, ReportRow
from synharness.result import AssetResult

JSON = "application/json"


def iso(stamp: datetime) -> str:
    """RFC 3339 UTC timestamp (SQLite hands back naive datetimes: they are UTC)."""
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    return stamp.isoformat(timespec="microseconds") + "Z"


def splice(meta: dict[str, Any], body: str | bytes) -> bytes:
    """``meta``'s keys followed by the keys of the JSON object ``body``."""
    head = orjson.dumps(meta)
    raw = body.encode() if isinstance(body, str) else body
    if raw.strip() == b"{}":
        return head
    return head[:-1] + b"," + raw.lstrip()[1:]


def asset_meta(row: AssetRow | Row[Any]) -> dict[str, Any]:
    """The metadata keys of an asset response."""
    return {
        "id": row.id,
        SEED_ASSET_ID: row.id,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "verdict": row.verdict,
    }


def asset_bytes(row: AssetRow | Row[Any]) -> bytes:
    """An asset as its response body."""
    return splice(asset_meta(row), row.body)


def component_bytes(row: ComponentRow) -> bytes:
    """A component as its response body."""
    meta = {
        "id": row.id,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "verdict": row.verdict,
    }
    return splice(meta, row.body)


def report_dict(row: ReportRow) -> dict[str, Any]:
    """A report as its JSON response."""
    return {
        "id": row.id,
        "asset_id": row.asset_id,
        "asset_version": row.asset_version,
        "created_at": iso(row.created_at),
        "verdict": row.verdict,
        "result": orjson.loads(row.result),
    }


def report_summary(row: ReportRow) -> dict[str, Any]:
    """A report as a list shows it: without the scenarios' plotted traces (``plot``),
    which the full report at ``links.self`` has."""
    data = report_dict(row)
    scenarios = data["result"].get("scenarios")
    for scenario in scenarios if isinstance(scenarios, list) else ():
        if isinstance(scenario, dict):
            scenario.pop("plot", None)
    data["links"] = {"self": f"/reports/{row.id}"}
    return data


def page_headers(
    path: str, *, offset: int, limit: int, total: int, query: dict[str, str] | None = None
) -> dict[str, str]:
    """``X-Total-Count`` and RFC 8288 ``Link`` headers of one page of a list."""
    headers = {"X-Total-Count": str(total)}
    link = link_header(path, offset=offset, limit=limit, total=total, query=query)
    if link:
        headers["Link"] = link
    return headers


def array_bytes(items: Iterable[bytes]) -> bytes:
    """A JSON array of already encoded items."""
    return b"[" + b",".join(items) + b"]"


def asset_etag(row: AssetRow) -> str:
    """The strong ETag of an asset's current version."""
    return f'"a{row.id}v{row.version}"'


def component_etag(row: ComponentRow) -> str:
    """The strong ETag of a component's current version."""
    return f'"c{row.id}v{row.version}"'


def report_etag(row: ReportRow) -> str:
    """Reports never change: their id is their ETag."""
    return f'"r{row.id}"'


def json_response(
    content: bytes, *, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """Bytes that are already JSON, sent as they are."""
    return Response(content, status_code=status, media_type=JSON, headers=headers)


#: Largest version the INTEGER column holds; a larger one in If-Match cannot match.
_MAX_VERSION = 2**31 - 1


def expected_versions(if_match: str | None, *, prefix: str, ident: int) -> list[int] | None:
    """The versions an ``If-Match`` header accepts; None when absent or ``*``.

    Raises:
        PreconditionFailed: No listed ETag names this resource (it cannot match).
    """
    if if_match is None or if_match.strip() == "*":
        return None
    versions = []
    for tag in if_match.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        head, _, version = tag.partition("v")
        # ASCII digits only ("¹".isdigit() is true), within the INTEGER column.
        if head == f"{prefix}{ident}" and version.isascii() and version.isdigit():
            number = int(version)
            if number <= _MAX_VERSION:
                versions.append(number)
    if not versions:
        raise PreconditionFailed(
            f"If-Match {if_match!r} does not name a version of this resource",
            details={"id": ident},
        )
    return versions


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` already names ``etag`` (so the answer is 304)."""
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.strip('"')
    return any(t.strip().removeprefix("W/").strip('"') == bare for t in if_none_match.split(","))


_METRIC_FLOATS = ("min", "max", "mean", "clipped_fraction", "coverage")


def result_of(data: dict[str, Any]) -> AssetResult:
    """An asset result from its JSON form (a stored or a posted report).

    JSON has no NaN: serialisation writes non-finite metrics and trace values as
    ``null`` (as the JSON report does); they are NaN again here so that the
    strict result model accepts them.

    Raises:
        pydantic.ValidationError: ``data`` is not an asset result.
    """
    scenarios = data.get("scenarios")
    for scenario in scenarios if isinstance(scenarios, list) else ():
        if not isinstance(scenario, dict):
            continue
        metrics = scenario.get("metrics")
        for entry in metrics.values() if isinstance(metrics, dict) else ():
            if isinstance(entry, dict):
                for key in _METRIC_FLOATS:
                    if key in entry and entry[key] is None:
                        entry[key] = math.nan
        plot = scenario.get("plot")
        params = plot.get("params") if isinstance(plot, dict) else None
        if isinstance(plot, dict) and isinstance(params, dict):
            plot["params"] = {
                path: [math.nan if v is None else v for v in values]
                if isinstance(values, list)
                else values
                for path, values in params.items()
            }
    return AssetResult.model_validate(data)
