"""Fixes: the safe mechanical repairs that findings already describe, as text edits.

Vocabulary:
- *fix*: one repair of one finding: a text *edit* (replace the characters
  ``[start, end)`` of the document) and the same change as an RFC 6902
  operation, so that ``--diff`` can show it and a test can check both agree;
- *plan*: the fixes of one document, from its findings;
- *verified*: the edited text validates with fewer findings and no new one
  (a finding is identified by its code and pointer), and the patch applied to
  the parsed original gives the parsed result. A plan that fails either check
  is refused, never applied.

The fixes (each only when it is unambiguous):

- ``SYN-ENV-002``: ``$schemaRef`` -> ``$schema`` (when there is no ``$schema``);
- ``$schema`` without a version (``SYN-ENV-005``) or as a relative path -> the
  versioned URL of its kind (``https://delk73.github.io/synesthetic-schemas/schema/0.7.3/<kind>.schema.json``);
- ``SYN-REF-003``: a legacy ``visual.``/``audio.`` target -> the canonical path it
  resolves to (``audio.<x>`` naming the synth of a sound op -> ``tone.synth``);
- ``SYN-REF-004``: a bare name -> the one prefixed path it resolves to;
- ``SYN-REF-005``: a declared path without its prefix -> ``<component>.<path>``;
- ``SYN-GLSL-005``: a hex colour default of a ``vec3`` -> the numeric vector
  (each channel / 255, four decimals).

Edits change only the characters of the values and keys they repair, so the
file keeps its indentation, key order, line endings and final newline; a new
array is laid out like the file's (one element per line when the file's arrays
are, with its indent unit).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synharness.findings import Finding, split_pointer
from synharness.positions import Locator

if TYPE_CHECKING:
    from synharness.config import Config
    from synharness.pipeline import ValidationOptions

#: Codes a fix exists for.
FIXABLE = (
    "SYN-ENV-002",
    "SYN-ENV-005",
    "SYN-REF-003",
    "SYN-REF-004",
    "SYN-REF-005",
    "SYN-GLSL-005",
)
SCHEMA_BASE = "https://delk73.github.io/synesthetic-schemas/schema"
_REFERENCE = re.compile(
    r"(?:^|/)(?:(?P<version>\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)/)?"
    r"(?P<kind>[A-Za-z0-9_-]+)\.schema\.json$"
)
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


@dataclass(frozen=True)
class Edit:
    """One repair: replace ``text[start:end]`` by ``replacement``; ``operation`` says it in RFC 6902."""

    start: int
    end: int
    replacement: str
    operation: dict[str, Any]
    #: The finding this repairs (code and pointer), or None for a ``$schema`` spelling.
    code: str | None = None
    pointer: str | None = None


@dataclass(frozen=True)
class FixOutcome:
    """What fixing one document did (or would do)."""

    source: str
    #: The document's text after the fixes (the original when nothing changed or it was refused).
    text: str
    #: The RFC 6902 patch from the original to the fixed document.
    patch: tuple[dict[str, Any], ...] = ()
    #: ``(code, pointer)`` of the findings the fixes remove.
    fixed: tuple[tuple[str, str], ...] = ()
    #: Why the plan was not applied (new findings, a patch mismatch), or None.
    refused: str | None = None
    before: tuple[Finding, ...] = field(default=(), repr=False)
    after: tuple[Finding, ...] = field(default=(), repr=False)

    @property
    def changed(self) -> bool:
        """Whether the document is (or would be) rewritten."""
        return bool(self.patch) and self.refused is None


def canonical_schema(value: str, *, default_version: str, known: Iterable[str]) -> str | None:
    """The versioned URL a ``$schema`` value means, or None when it is not a schema reference."""
    match = _REFERENCE.search(value.strip())
    if match is None or match["kind"] not in known:
        return None
    version = match["version"] or default_version
    return f"{SCHEMA_BASE}/{version}/{match['kind']}.schema.json"


def _value_at(data: Any, pointer: str) -> Any:
    node = data
    for token in split_pointer(pointer):
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _hex_vector(value: str) -> list[float]:
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return [round(int(digits[i : i + 2], 16) / 255, 4) for i in (0, 2, 4)]


def _layout(text: str, start: int, values: list[float]) -> str:
    """A JSON array of ``values`` laid out as the file lays out its arrays."""
    items = [json.dumps(v) for v in values]
    if "[\n" not in text and "[\r\n" not in text:
        return "[" + ", ".join(items) + "]"
    newline = "\r\n" if "\r\n" in text else "\n"
    line_start = text.rfind("\n", 0, start) + 1
    indent = re.match(r"[ \t]*", text[line_start:])
    base = indent.group() if indent else ""
    units = [len(m) for m in re.findall(r"\n([ \t]+)\S", text)]
    unit = (" " * min(units)) if units else "  "
    if units and text[line_start] == "\t":
        unit = "\t"
    inner = base + unit
    return "[" + newline + ("," + newline).join(inner + i for i in items) + newline + base + "]"


def plan_fixes(
    text: str,
    data: dict[str, Any],
    findings: Iterable[Finding],
    *,
    scope: Any = None,
    default_version: str,
    kinds: Iterable[str],
) -> list[Edit]:
    """The edits that repair the fixable findings of one parsed document.

    Args:
        text: The document's text (without BOM), which ``data`` was parsed from.
        data: The parsed document (with its envelope).
        findings: Its findings (already filtered by the configuration).
        scope: The document's :class:`~synharness.semantic.scope.Scope`, for
            references (None: reference fixes are left out).
        default_version: The schema version an unversioned ``$schema`` means.
        kinds: The document kinds of the known schema versions.

    Returns:
        Non-overlapping edits, in text order.
    """
    locator = Locator(text)
    known = set(kinds)
    codes = {(f.code, f.pointer) for f in findings}
    edits: list[Edit] = []
    envelope = "$schemaRef" if "$schemaRef" in data and "$schema" not in data else "$schema"
    if ("SYN-ENV-002", "/$schemaRef") in codes and envelope == "$schemaRef":
        span = locator.span("/$schemaRef")
        key_at = text.rfind('"$schemaRef"', 0, span[0]) if span else -1
        if key_at >= 0:
            edits.append(
                Edit(
                    key_at,
                    key_at + len('"$schemaRef"'),
                    '"$schema"',
                    {"op": "move", "from": "/$schemaRef", "path": "/$schema"},
                    "SYN-ENV-002",
                    "/$schemaRef",
                )
            )
    value = data.get(envelope)
    span = locator.span("/" + envelope)
    if isinstance(value, str) and span is not None:
        match = _REFERENCE.search(value.strip())
        url = canonical_schema(value, default_version=default_version, known=known)
        unversioned = match is not None and match["version"] is None
        # An unversioned $schema is fixed only when its finding is selected; a
        # relative one that names its version is a spelling, fixed always.
        wanted = ("SYN-ENV-005", "/" + envelope) in codes if unversioned else True
        if url is not None and url != value and wanted:
            edits.append(
                Edit(
                    *span,
                    json.dumps(url),
                    {"op": "replace", "path": "/$schema", "value": url},  # after any move
                    "SYN-ENV-005" if unversioned else None,
                    "/" + envelope,
                )
            )
    for item in findings:
        edit = _reference_edit(item, text, data, locator, scope)
        if edit is not None:
            edits.append(edit)
    edits.sort(key=lambda e: e.start)
    # Two findings on one value (rare) would make overlapping edits: keep the first.
    out: list[Edit] = []
    for edit in edits:
        if out and edit.start < out[-1].end:
            continue
        out.append(edit)
    return out


def _reference_edit(
    item: Finding, text: str, data: dict[str, Any], locator: Locator, scope: Any
) -> Edit | None:
    if item.code not in ("SYN-REF-003", "SYN-REF-004", "SYN-REF-005", "SYN-GLSL-005"):
        return None
    if item.file is not None:
        return None
    try:
        current = _value_at(data, item.pointer)
    except (KeyError, IndexError, ValueError, TypeError):
        return None
    span = locator.span(item.pointer)
    if span is None or not isinstance(current, str):
        return None
    new: Any = None
    if item.code == "SYN-GLSL-005" and _HEX.fullmatch(current):
        new = _hex_vector(current)
        return Edit(
            *span,
            _layout(text, span[0], new),
            {"op": "replace", "path": item.pointer, "value": new},
            item.code,
            item.pointer,
        )
    if item.code == "SYN-REF-005":
        component = split_pointer(item.pointer)[0] if item.pointer else ""
        if component in ("shader", "tone", "haptic") and "." not in current:
            new = f"{component}.{current}"
    elif scope is not None:
        path, how = scope.lookup(current)
        if (item.code == "SYN-REF-003" and how == "legacy") or (
            item.code == "SYN-REF-004" and how == "bare"
        ):
            new = path
        elif item.code == "SYN-REF-003" and current.startswith("audio."):
            new = "tone.synth"  # a sound op naming the synth by a legacy audio. name
    if not isinstance(new, str) or new == current:
        return None
    return Edit(
        *span,
        json.dumps(new, ensure_ascii=False),
        {"op": "replace", "path": item.pointer, "value": new},
        item.code,
        item.pointer,
    )


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """The text with every edit applied (edits must not overlap)."""
    out = text
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        out = out[: edit.start] + edit.replacement + out[edit.end :]
    return out


def patch_of(edits: Iterable[Edit]) -> list[dict[str, Any]]:
    """The RFC 6902 patch of ``edits``: the key move first, then replacements in text order."""
    ordered = sorted(edits, key=lambda e: (e.operation["op"] != "move", e.start))
    return [e.operation for e in ordered]


def identity(item: Finding) -> tuple[str, str]:
    """How findings are matched before and after a fix: code and pointer (``$schemaRef`` as ``$schema``)."""
    pointer = item.pointer
    if pointer == "/$schemaRef":
        pointer = "/$schema"
    return item.code, pointer


def verify(
    before: Iterable[Finding], after: Iterable[Finding]
) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """``(fixed, refusal)``: the findings gone, and why the result is refused (None: accepted).

    A result is refused when it has a finding the original did not have.
    """
    old = {identity(f) for f in before}
    new = {identity(f) for f in after}
    added = sorted(new - old)
    fixed = tuple(sorted(old - new))
    if added:
        listed = ", ".join(f"{code} at {pointer or '/'}" for code, pointer in added[:3])
        return fixed, f"the fix would add findings: {listed}"
    return fixed, None


def fix_document(
    raw: bytes,
    *,
    source: str,
    options: ValidationOptions | None = None,
    config: Config | None = None,
    cwd: Path | None = None,
) -> FixOutcome:
    """Plan, apply and verify the fixes of one document's bytes.

    Args:
        raw: The document's bytes (a UTF-8 BOM is kept).
        source: How messages name the document (its path).
        options: :class:`~synharness.pipeline.ValidationOptions` (default: the defaults).
        config: A :class:`~synharness.config.Config`: only the findings it keeps
            are fixed (its ``select``, ``ignore`` and ``per-file-ignores``).
        cwd: The directory ``source`` is relative to (for ``per-file-ignores``).

    Returns:
        The outcome; its text is the original unless the fixes were verified.
    """
    import jsonpatch
    from synharness.config import apply_config
    from synharness.pipeline import DEFAULT_OPTIONS, check_bytes
    from synharness.result import AssetResult
    from synharness.schema import DEFAULT_VERSION
    from synharness.semantic.scope import scope_of

    options = options or DEFAULT_OPTIONS
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    body = raw[len(bom) :]
    checked = check_bytes(body, source=source, options=options)
    text, data = checked.text, checked.data
    if text is None or data is None:
        return FixOutcome(source, text or "", before=checked.result.findings)
    kept = checked.result.findings
    if config is not None and cwd is not None:
        (kept_result,) = apply_config([AssetResult(source=source, findings=kept)], config, cwd=cwd)
        kept = kept_result.findings
    registry = options.registry()
    kinds = {
        kind
        for version in registry.versions
        for kind in getattr(registry.get(version), "kinds", ())
    }
    scope = (
        scope_of(checked.result.kind, checked.model)
        if checked.model is not None and checked.result.kind
        else None
    )
    edits = plan_fixes(text, data, kept, scope=scope, default_version=DEFAULT_VERSION, kinds=kinds)
    before = checked.result.findings
    if not edits:
        return FixOutcome(source, text, before=before, after=before)
    fixed_text = apply_edits(text, edits)
    patch = patch_of(edits)
    after = check_bytes(fixed_text.encode("utf-8"), source=source, options=options)
    fixed, refusal = verify(before, after.result.findings)
    if refusal is None:
        expected = jsonpatch.apply_patch(data, patch)
        if after.data is None or expected != after.data:
            refusal = "the edited text does not match its patch (a bug: please report it)"
    if refusal is not None:
        return FixOutcome(source, text, tuple(patch), fixed, refusal, before, after.result.findings)
    return FixOutcome(source, fixed_text, tuple(patch), fixed, None, before, after.result.findings)
