"""Documents: request bodies turned into validated, storable JSON.

A write goes through :func:`check_raw`: the harness pipeline parses the raw
bytes (malformed JSON, NaN and duplicate keys become findings with a pointer
and line:column), the store's metadata keys are dropped, and the document is
validated. Error findings refuse the write (422 with every finding); warnings
are stored with the document. The compact JSON text is what the store keeps
and what a GET returns, so a round trip gives back exactly what was stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from synharness.api.compat import (
    SEED_ASSET_ID,
    SEED_SHADER_LIB_ID,
    drop_refused_nulls,
    partial_replacement,
)
from synharness.api.errors import InvalidDocument
from synharness.codes import finding
from synharness.findings import Finding, Severity, verdict_of
from synharness.loading import parse_document
from synharness.result import AssetResult

if TYPE_CHECKING:
    from synharness.pipeline import CheckedDocument

#: Keys the store adds to a response; dropped from incoming bodies so that a
#: GET response can be PUT back unchanged.
METADATA_KEYS = ("id", "created_at", "updated_at", "verdict", SEED_ASSET_ID, SEED_SHADER_LIB_ID)
#: Extra keys of the nested views (component ids).
LINK_KEYS = (
    "shader_id",
    "tone_id",
    "haptic_id",
    "control_id",
    "modulation_id",
    "rule_bundle_id",
)

#: The store's schema version (answered by GET /schema/version).
SCHEMA_VERSION = "0.7.3"


@dataclass(frozen=True)
class Document:
    """A validated document, ready to store."""

    kind: str
    data: dict[str, Any]
    #: Compact JSON text of ``data`` (UTF-8).
    text: bytes
    findings: tuple[Finding, ...]

    @property
    def verdict(self) -> str:
        """``pass``, ``warn`` or ``fail`` (never ``fail`` once stored)."""
        return verdict_of(self.findings).value

    @property
    def name(self) -> str:
        """The document's ``name`` (empty when it has none)."""
        value = self.data.get("name")
        return _indexable(value, 500) if isinstance(value, str) else ""

    @property
    def tags(self) -> list[str]:
        """The distinct string entries of ``meta_info.tags``."""
        meta = self.data.get("meta_info")
        tags = meta.get("tags") if isinstance(meta, dict) else None
        if not isinstance(tags, list):
            return []
        return sorted({_indexable(t, 200) for t in tags if isinstance(t, str) and t})


def _indexable(text: str, limit: int) -> str:
    # The name and tag columns only index the document (which keeps the full
    # text): fit them to the column and drop NUL, which PostgreSQL text refuses.
    return text.replace("\x00", "")[:limit]


def dump_json(data: Any) -> bytes:
    """Compact JSON bytes; falls back to the stdlib for integers orjson cannot hold."""
    try:
        return orjson.dumps(data)
    except TypeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def load_json(text: bytes | str) -> Any:
    """Parse JSON the store wrote itself (trusted, already validated)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


#: The versioned ``$schema`` URL of a document kind.
SCHEMA_URL = "https://delk73.github.io/synesthetic-schemas/schema/0.7.3/{kind}.schema.json"

_DROPPED = METADATA_KEYS + LINK_KEYS


def check_raw(
    raw: bytes,
    *,
    kind: str,
    source: str,
    replacing: dict[str, Any] | None = None,
    patch_path: str = "",
) -> Document:
    """Parse and validate ``raw`` as a document of ``kind``.

    Members sent as ``null`` where the schema wants a value are dropped
    (SYN-STORE-001, info), as the seed's clients write absent members that way.

    Args:
        raw: The request body.
        kind: The expected document kind (``synesthetic-asset``, ``shader``, ...).
        source: Where the body came from, for the findings (the request path).
        replacing: The stored document a PUT replaces: a body that lacks some of
            its members is refused with SYN-STORE-002, which names PATCH.
        patch_path: Where that PATCH goes, for the message.

    Raises:
        InvalidDocument: The body has error findings (422).
    """
    from synharness import pipeline

    checked = _guarded_check(lambda: pipeline.check_bytes(raw, source=source), source)
    result, data = checked.result, checked.data
    if isinstance(data, dict) and any(k in data for k in _DROPPED):
        # A GET response PUT back: its metadata is not part of the document.
        data = {k: v for k, v in data.items() if k not in _DROPPED}
        result = pipeline.check_data(data, source=source, text=checked.text).result
    if isinstance(data, dict):
        data, result = drop_refused_nulls(
            data,
            result,
            revalidate=lambda d: pipeline.check_data(d, source=source, text=checked.text).result,
        )
        if replacing is not None:
            partial = partial_replacement(
                current=replacing,
                new=data,
                findings=result.findings,
                kind=kind,
                patch_path=patch_path,
            )
            if partial is not None:
                raise InvalidDocument.from_findings((partial, *result.findings))
    return _accept(result, data, kind=kind)


def check_data(
    data: dict[str, Any], *, kind: str, source: str, implicit_envelope: bool = False
) -> Document:
    """Validate an already parsed document (after a merge patch, or an asset's part).

    Args:
        data: The document.
        kind: The expected document kind.
        source: Where the document came from, for the findings.
        implicit_envelope: ``data`` is part of an asset, which carries no ``$schema``
            of its own: validate it as ``kind`` without a missing-envelope warning.

    Raises:
        InvalidDocument: The document has error findings (422).
    """
    from synharness import pipeline

    clean = {k: v for k, v in data.items() if k not in _DROPPED}
    checked = clean
    if implicit_envelope and "$schema" not in clean:
        checked = {"$schema": SCHEMA_URL.format(kind=kind), **clean}
    result = _guarded_check(lambda: pipeline.check_data(checked, source=source), source).result
    return _accept(result, clean, kind=kind)


def _guarded_check(work: Callable[[], CheckedDocument], source: str) -> CheckedDocument:
    """The last resort: a bug in validation refuses the write with SYN-INTERNAL-001 (422)."""
    from synharness.guard import guarded
    from synharness.pipeline import CheckedDocument

    return guarded(
        work,
        source=source,
        fallback=lambda f: CheckedDocument(
            AssetResult(source=source, findings=(f,)), None, None, None
        ),
    )


def _accept(result: AssetResult, data: Any, *, kind: str) -> Document:
    findings = tuple(result.findings)
    if not isinstance(data, dict) or result.reaches(Severity.ERROR):
        raise InvalidDocument.from_findings(findings)
    if result.kind is not None and result.kind != kind:
        wrong = finding(
            "SYN-ENV-004",
            "/$schema",
            f"this collection stores {kind} documents, not {result.kind}",
        )
        raise InvalidDocument.from_findings((wrong, *findings))
    return Document(kind=kind, data=data, text=dump_json(data), findings=findings)


def parse_json(raw: bytes, *, source: str) -> dict[str, Any]:
    """Parse a JSON object strictly (a merge patch, a posted report).

    Raises:
        InvalidDocument: Malformed JSON, NaN, duplicate keys or not an object,
            as the harness loader's findings with pointer and line:column (422).
    """
    parsed = parse_document(raw)
    if parsed.data is None or parsed.findings:
        raise InvalidDocument.from_findings(
            tuple(f.model_copy(update={"file": source}) for f in parsed.findings)
        )
    return parsed.data


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply an RFC 7386 JSON merge patch to ``target`` (returns a new value)."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
