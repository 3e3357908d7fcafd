"""Queries and commits of the store; routes stay thin and call these.

Every write function does its whole job in the caller's session and commits
once at the end, so a failure anywhere leaves nothing half-written (the
session rolls back when the request ends). Updates are conditional
(``UPDATE ... WHERE version IN (:expected)``): a stale ``If-Match`` gets
:class:`~synharness.api.errors.PreconditionFailed` and no update is ever lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, delete, func, insert, select, update
from sqlalchemy.orm import Session
from synharness.api.documents import Document, dump_json
from synharness.api.errors import NotFound, PreconditionFailed
from synharness.api.tables import AssetRow, AssetTagRow, ComponentRow, ReportRow
from synharness.findings import Finding

#: Component collections: kind -> the asset key that holds such a component.
COMPONENT_KEYS: dict[str, str] = {
    "shader": "shader",
    "tone": "tone",
    "haptic": "haptic",
    "control-bundle": "control",
    "modulation": "modulation",
    "rule-bundle": "rule_bundle",
}


def now() -> datetime:
    """The current UTC time (the one clock of the store)."""
    return datetime.now(UTC)


def _findings_text(findings: Sequence[Finding]) -> str:
    return dump_json([f.model_dump(mode="json", exclude_none=True) for f in findings]).decode()


# --- assets ---------------------------------------------------------------------------


def create_asset(
    *, session: Session, doc: Document, links: dict[str, int] | None = None, commit: bool = True
) -> AssetRow:
    """Insert an asset (and its tags); returns the stored row."""
    stamp = now()
    row = AssetRow(
        name=doc.name,
        verdict=doc.verdict,
        body=doc.text.decode(),
        findings=_findings_text(doc.findings),
        version=1,
        created_at=stamp,
        updated_at=stamp,
        **(links or {}),
    )
    session.add(row)
    session.flush()
    _set_tags(session, row.id, doc.tags)
    if commit:
        session.commit()
    return row


def _set_tags(session: Session, asset_id: int, tags: list[str]) -> None:
    session.execute(delete(AssetTagRow).where(AssetTagRow.asset_id == asset_id))
    if tags:
        session.execute(insert(AssetTagRow), [{"asset_id": asset_id, "tag": t} for t in tags])


def get_asset(*, session: Session, asset_id: int, for_update: bool = False) -> AssetRow:
    """The asset ``asset_id``.

    Args:
        session: The request's session.
        asset_id: The asset.
        for_update: Lock the row until the transaction ends (``SELECT ... FOR
            UPDATE`` on PostgreSQL; SQLite's write transactions hold the whole
            database already): a read-modify-write without ``If-Match`` then
            behaves the same on both backends, it waits instead of failing.

    Raises:
        NotFound: No such asset.
    """
    row = session.get(AssetRow, asset_id, with_for_update=for_update or None)
    if row is None:
        raise NotFound(f"synesthetic asset {asset_id} not found", details={"id": asset_id})
    return row


_LISTED = (AssetRow.id, AssetRow.created_at, AssetRow.updated_at, AssetRow.verdict, AssetRow.body)


def list_assets(
    *,
    session: Session,
    limit: int,
    offset: int,
    name: str | None = None,
    verdict: str | None = None,
    tag: str | None = None,
) -> tuple[list[Row[Any]], int]:
    """A page of assets (oldest first) and the total count matching the filters.

    Rows carry only what a list shows (id, timestamps, verdict, body): plain
    Core rows are several times cheaper than ORM objects for a page of 50.
    """
    where: list[ColumnElement[bool]] = []
    if name:
        where.append(AssetRow.name.ilike(f"%{_like_escape(name)}%", escape="\\"))
    if verdict:
        where.append(AssetRow.verdict == verdict)
    if tag:
        indexed = tag.replace("\x00", "")
        where.append(
            AssetRow.id.in_(select(AssetTagRow.asset_id).where(AssetTagRow.tag == indexed))
        )
    # Count over the ids only: a subquery of the listed columns would make
    # SQLite read every stored body just to count the rows.
    total = session.execute(select(func.count(AssetRow.id)).where(*where)).scalar_one()
    rows = session.execute(
        select(*_LISTED).where(*where).order_by(AssetRow.id).limit(limit).offset(offset)
    ).all()
    return list(rows), int(total)  # type: ignore[arg-type]


def _like_escape(text: str) -> str:
    # NUL is dropped as in the indexed names (PostgreSQL refuses it in a literal).
    text = text.replace("\x00", "")
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def replace_asset(
    *,
    session: Session,
    asset_id: int,
    doc: Document,
    expected: Sequence[int] | None,
    commit: bool = True,
) -> AssetRow:
    """Replace the asset's document, conditionally on its version.

    Args:
        session: The request's session.
        asset_id: The asset to replace.
        doc: The validated new document.
        expected: Versions ``If-Match`` accepts; None accepts any.
        commit: Commit at the end (False when the caller has more to write).

    Raises:
        NotFound: No such asset.
        PreconditionFailed: The asset's version is not in ``expected``.
    """
    values = {
        "name": doc.name,
        "verdict": doc.verdict,
        "body": doc.text.decode(),
        "findings": _findings_text(doc.findings),
        "updated_at": now(),
        "version": AssetRow.version + 1,
    }
    _conditional_update(session, AssetRow, asset_id, expected, values, "synesthetic asset")
    _set_tags(session, asset_id, doc.tags)
    # Read the new row inside this transaction: a read after the commit would
    # open a second one (on SQLite a second BEGIN IMMEDIATE, queueing behind
    # every other writer just to answer).
    row = get_asset(session=session, asset_id=asset_id)
    if commit:
        session.commit()
    return row


def delete_asset(*, session: Session, asset_id: int, expected: Sequence[int] | None) -> None:
    """Delete the asset (its tags and reports go with it).

    Raises:
        NotFound: No such asset.
        PreconditionFailed: The asset's version is not in ``expected``.
    """
    query = delete(AssetRow).where(AssetRow.id == asset_id)
    if expected is not None:
        query = query.where(AssetRow.version.in_(expected))
    # Tags and reports first: SQLite enforces ON DELETE CASCADE only per connection pragma.
    exists = session.get(AssetRow, asset_id)
    if exists is None:
        raise NotFound(f"synesthetic asset {asset_id} not found", details={"id": asset_id})
    if expected is not None and exists.version not in expected:
        raise stale("synesthetic asset", asset_id, exists.version)
    session.execute(delete(AssetTagRow).where(AssetTagRow.asset_id == asset_id))
    session.execute(delete(ReportRow).where(ReportRow.asset_id == asset_id))
    if session.execute(query).rowcount == 0:  # type: ignore[attr-defined]
        session.rollback()
        current = session.get(AssetRow, asset_id)
        if current is None:
            raise NotFound(f"synesthetic asset {asset_id} not found", details={"id": asset_id})
        raise stale("synesthetic asset", asset_id, current.version)
    session.commit()


def set_links(*, session: Session, asset_id: int, links: dict[str, int]) -> None:
    """Point the asset at its component rows (nested create); no commit."""
    session.execute(update(AssetRow).where(AssetRow.id == asset_id).values(**links))


def stale(what: str, ident: int, version: int) -> PreconditionFailed:
    return PreconditionFailed(
        f"{what} {ident} changed: it is at version {version}; GET it again and retry",
        details={"id": ident, "version": version},
    )


def _conditional_update(
    session: Session,
    table: type[AssetRow] | type[ComponentRow],
    ident: int,
    expected: Sequence[int] | None,
    values: dict[str, Any],
    what: str,
    kind: str | None = None,
) -> None:
    query = update(table).where(table.id == ident)
    if kind is not None:
        query = query.where(ComponentRow.kind == kind)
    if expected is not None:
        query = query.where(table.version.in_(expected))
    if session.execute(query.values(**values)).rowcount == 1:  # type: ignore[attr-defined]
        session.expire_all()
        return
    current = session.execute(select(table.version).where(table.id == ident)).scalar_one_or_none()
    if current is None or (kind is not None and session.get(ComponentRow, ident) is None):
        raise NotFound(f"{what} {ident} not found", details={"id": ident})
    raise stale(what, ident, current)


# --- components ---------------------------------------------------------------------------


def create_component(*, session: Session, doc: Document, commit: bool = True) -> ComponentRow:
    """Insert a component document; returns the stored row."""
    stamp = now()
    row = ComponentRow(
        kind=doc.kind,
        name=doc.name,
        verdict=doc.verdict,
        body=doc.text.decode(),
        findings=_findings_text(doc.findings),
        version=1,
        created_at=stamp,
        updated_at=stamp,
    )
    session.add(row)
    session.flush()
    if commit:
        session.commit()
    return row


def get_component(
    *, session: Session, kind: str, component_id: int, for_update: bool = False
) -> ComponentRow:
    """The component ``component_id`` of ``kind`` (``for_update``: see :func:`get_asset`).

    Raises:
        NotFound: No such component of that kind.
    """
    row = session.get(ComponentRow, component_id, with_for_update=for_update or None)
    if row is None or row.kind != kind:
        raise NotFound(f"{kind} {component_id} not found", details={"id": component_id})
    return row


def list_components(
    *, session: Session, kind: str, limit: int, offset: int, name: str | None = None
) -> tuple[list[ComponentRow], int]:
    """A page of components of ``kind`` and their total count."""
    where: list[ColumnElement[bool]] = [ComponentRow.kind == kind]
    if name:
        where.append(ComponentRow.name.ilike(f"%{_like_escape(name)}%", escape="\\"))
    total = session.execute(select(func.count(ComponentRow.id)).where(*where)).scalar_one()
    rows = session.execute(
        select(ComponentRow).where(*where).order_by(ComponentRow.id).limit(limit).offset(offset)
    ).scalars()
    return list(rows), int(total)


def replace_component(
    *,
    session: Session,
    component_id: int,
    doc: Document,
    expected: Sequence[int] | None,
    commit: bool = True,
) -> ComponentRow:
    """Replace a component's document, conditionally on its version.

    Raises:
        NotFound: No such component of that kind.
        PreconditionFailed: The component's version is not in ``expected``.
    """
    get_component(session=session, kind=doc.kind, component_id=component_id)
    values = {
        "name": doc.name,
        "verdict": doc.verdict,
        "body": doc.text.decode(),
        "findings": _findings_text(doc.findings),
        "updated_at": now(),
        "version": ComponentRow.version + 1,
    }
    _conditional_update(session, ComponentRow, component_id, expected, values, doc.kind, doc.kind)
    row = get_component(session=session, kind=doc.kind, component_id=component_id)
    if commit:
        session.commit()
    return row


def delete_component(
    *, session: Session, kind: str, component_id: int, expected: Sequence[int] | None
) -> None:
    """Delete a component; assets that linked it keep their own copy.

    Raises:
        NotFound: No such component of that kind.
        PreconditionFailed: The component's version is not in ``expected``.
    """
    row = get_component(session=session, kind=kind, component_id=component_id)
    if expected is not None and row.version not in expected:
        raise stale(kind, component_id, row.version)
    column = getattr(AssetRow, f"{COMPONENT_KEYS[kind]}_id")
    session.execute(update(AssetRow).where(column == component_id).values({column: None}))
    query = delete(ComponentRow).where(ComponentRow.id == component_id)
    if expected is not None:
        query = query.where(ComponentRow.version.in_(expected))
    if session.execute(query).rowcount == 0:  # type: ignore[attr-defined]
        session.rollback()
        raise stale(kind, component_id, row.version)
    session.commit()


# --- reports ----------------------------------------------------------------------------


def add_report(
    *,
    session: Session,
    asset_id: int,
    asset_version: int,
    verdict: str,
    result_json: bytes,
    commit: bool = True,
) -> ReportRow:
    """Store a verification report of version ``asset_version`` of the asset.

    Raises:
        NotFound: The asset is gone (deleted while the report was computed).
    """
    if session.get(AssetRow, asset_id) is None:
        raise NotFound(f"synesthetic asset {asset_id} not found", details={"id": asset_id})
    row = ReportRow(
        asset_id=asset_id,
        asset_version=asset_version,
        verdict=verdict,
        created_at=now(),
        result=result_json.decode(),
    )
    session.add(row)
    session.flush()
    if commit:
        session.commit()
    return row


def list_reports(
    *, session: Session, asset_id: int, limit: int, offset: int
) -> tuple[list[ReportRow], int]:
    """A page of the asset's reports, newest first, and their total count.

    Raises:
        NotFound: No such asset.
    """
    get_asset(session=session, asset_id=asset_id)
    where = ReportRow.asset_id == asset_id
    total = session.execute(select(func.count()).where(where)).scalar_one()
    rows = session.execute(
        select(ReportRow)
        .where(where)
        .order_by(ReportRow.created_at.desc(), ReportRow.id.desc())
        .limit(limit)
        .offset(offset)
    ).scalars()
    return list(rows), int(total)


def get_report(*, session: Session, report_id: int) -> ReportRow:
    """The report ``report_id``.

    Raises:
        NotFound: No such report.
    """
    row = session.get(ReportRow, report_id)
    if row is None:
        raise NotFound(f"report {report_id} not found", details={"id": report_id})
    return row
