"""Translate raw schema errors into ``SYN-SCHEMA-*`` findings.

Vocabulary:
- *keyword code*: each JSON Schema keyword has one code: ``required`` 001,
  ``additionalProperties`` 002, ``type`` 003, ``enum``/``const`` 004,
  ``minLength`` 005, ``format`` 006, ``anyOf``/``oneOf`` 007, any other 000;
- *type miss*: an ``anyOf`` branch that fails only because the value has
  another type than the branch (the ``null`` branch of ``[<shape>, null]``
  for an object, say). Such branches say nothing about what is wrong, so they
  are dropped: when one branch is left its own errors are reported (the most
  specific ones: what is wrong inside the shader, not "the shader is not an
  object or null"); otherwise the ``anyOf`` itself is reported, naming the
  types its branches allow when the value's type matches none of them.

Pointers are RFC 6901: a missing property points at the object that lacks it,
an unexpected property at the property itself.

One finding per cause:
- *rename*: an unexpected property whose intended name the object allows and
  lacks (a known mistake such as ``minimum`` for ``min``, ``meta`` for
  ``meta_info``, or a close spelling) is one ``SYN-SCHEMA-008`` finding that
  names the rename, instead of "not allowed" plus "missing";
- *same cause, many places*: findings of one code whose pointers differ only
  in array indices and whose messages differ only there (the same rename in
  every input parameter, the same missing key in every control) are merged
  into the first one, whose message ends with ``[N places: ...]``
  (:func:`places` reads the count back, for the score).
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from synharness.codes import finding
from synharness.findings import Finding, pointer_of, split_pointer
from synharness.schema.backends import RawError

#: The code of each JSON Schema keyword; other keywords get SYN-SCHEMA-000.
CODE_BY_KEYWORD: dict[str, str] = {
    "required": "SYN-SCHEMA-001",
    "additionalProperties": "SYN-SCHEMA-002",
    "type": "SYN-SCHEMA-003",
    "enum": "SYN-SCHEMA-004",
    "const": "SYN-SCHEMA-004",
    "minLength": "SYN-SCHEMA-005",
    "format": "SYN-SCHEMA-006",
    "anyOf": "SYN-SCHEMA-007",
    "oneOf": "SYN-SCHEMA-007",
}
OTHER_CODE = "SYN-SCHEMA-000"

#: Longest rendering of a value inside a message.
MAX_VALUE_CHARS = 60

_JSON_TYPE = {
    type(None): "null",
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    tuple: "array",
    dict: "object",
}

#: Unexpected property -> the name the schema has for it (the common mistakes).
RENAMES: dict[str, str] = {
    "minimum": "min",
    "maximum": "max",
    "min_value": "min",
    "max_value": "max",
    "meta": "meta_info",
    "metadata": "meta_info",
    "default_value": "default",
    "defaultValue": "default",
    "smoothing_time": "smoothingTime",
    "smoothing": "smoothingTime",
    "fragment": "fragment_shader",
    "vertex": "vertex_shader",
    "fragmentShader": "fragment_shader",
    "vertexShader": "vertex_shader",
    "ruleBundle": "rule_bundle",
    "rules_bundle": "rule_bundle",
    "controls": "control",
    "modulation_list": "modulations",
    "inputs": "input_parameters",
    "inputParameters": "input_parameters",
    "params": "input_parameters",
    "parameters": "input_parameters",
    "freq": "frequency",
    "amp": "amplitude",
}
#: Top-level keys of the 0.7.4 enriched draft (see synharness.envelope).
_ENRICHMENT = ("asset_id", "prompt", "timestamp", "seed", "parameter_index", "provenance")
#: Findings of one cause in at least this many places merge into one.
MERGE_AT = 3
#: Pointers a merged finding lists before "…".
_LISTED = 4
_PLACES = re.compile(r" \[(\d+) places: [^\]]*\]$")
_INDEX = re.compile(r"/\d+(?=/|$|\s|\)|,|;)")
_RENAMED = re.compile(r'^rename: property "(?P<old>.*)" should be "(?P<new>.*)" in ')

_FORMAT_EXAMPLE = {
    "date-time": "RFC 3339, e.g. 2025-01-31T12:00:00Z",
    "date": "RFC 3339 full-date, e.g. 2025-01-31",
    "time": "RFC 3339 full-time, e.g. 12:00:00Z",
}


def to_findings(errors: Iterable[RawError]) -> list[Finding]:
    """Turn raw errors into findings, deduplicated, in document order.

    Args:
        errors: The errors of one validation, from either backend.

    Returns:
        ``SYN-SCHEMA-*`` findings, sorted by pointer (array indices
        numerically), then code, then message.
    """
    unique: dict[tuple[str, str, str], Finding] = {}
    for error in errors:
        for f in _translate(error):
            pointer, message = printable(f.pointer), printable(f.message)
            if (pointer, message) != (f.pointer, f.message):
                f = f.model_copy(update={"pointer": pointer, "message": message})
            unique.setdefault((f.pointer, f.code, f.message), f)
    found = sorted(unique.values(), key=_order)
    if len(found) > 1:
        found = _merge(_renames_explain_missing(found))
    return found


def places(f: Finding) -> int:
    """How many places a (merged) finding stands for: 1, or the N of ``[N places: ...]``."""
    hit = _PLACES.search(f.message)
    return int(hit[1]) if hit else 1


def _renames_explain_missing(found: list[Finding]) -> list[Finding]:
    """Drop "X is missing" where a rename finding at the same object supplies X."""
    supplied: set[tuple[str, str]] = set()
    for f in found:
        if f.code == "SYN-SCHEMA-008" and (hit := _RENAMED.match(f.message)):
            supplied.add((f.pointer.rsplit("/", 1)[0], hit["new"]))
    if not supplied:
        return found
    return [
        f
        for f in found
        if not (f.code == "SYN-SCHEMA-001" and (f.pointer, _missing_name(f.message)) in supplied)
    ]


def _missing_name(message: str) -> str:
    head = 'required: property "'
    return message[len(head) :].split('"', 1)[0] if message.startswith(head) else ""


def _merge(found: list[Finding]) -> list[Finding]:
    """Merge findings of one cause that differ only in array indices (see the module doc)."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in found:
        key = (f.code, _INDEX.sub("/*", f.pointer), _INDEX.sub("/*", f.message))
        groups.setdefault(key, []).append(f)
    if all(len(g) < MERGE_AT for g in groups.values()):
        return found
    merged: list[Finding] = []
    for group in groups.values():
        if len(group) < MERGE_AT:
            merged.extend(group)
            continue
        first = group[0]
        listed = ", ".join(f.pointer or "/" for f in group[:_LISTED])
        more = ", …" if len(group) > _LISTED else ""
        message = f"{first.message} [{len(group)} places: {listed}{more}]"
        merged.append(first.model_copy(update={"message": message}))
    return sorted(merged, key=_order)


def show(value: Any) -> str:
    """Render ``value`` as compact JSON, cut to :data:`MAX_VALUE_CHARS`."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    except (TypeError, ValueError):  # pragma: no cover - circular data cannot come from JSON
        text = repr(value)
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 1] + "…"
    return printable(text)


def printable(text: str) -> str:
    """Escape lone surrogates (``\\ud800``) so that the text encodes as UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def json_type(value: Any) -> str:
    """The JSON type name of a Python value (``integer`` for ``3``, ``object`` for a dict)."""
    if isinstance(value, Mapping):
        return "object"
    return _JSON_TYPE.get(type(value), type(value).__name__)


def _translate(error: RawError) -> Iterator[Finding]:
    keyword = error.keyword
    where = pointer_of(*error.path)
    if keyword in ("anyOf", "oneOf") and error.branches:
        yield from _collapse(error, where)
    elif keyword == "required":
        yield finding(
            "SYN-SCHEMA-001",
            where,
            f'required: property "{error.expected}" is missing from {_place(where)}',
        )
    elif keyword == "additionalProperties":
        allowed = sorted((error.schema or {}).get("properties", {}))
        also = f"; allowed here: {', '.join(allowed)}" if allowed else ""
        present = error.instance.keys() if isinstance(error.instance, Mapping) else ()
        for name in error.expected or ():
            renamed = rename_target(name, allowed, present)
            if renamed is not None:
                yield finding(
                    "SYN-SCHEMA-008",
                    pointer_of(*error.path, name),
                    f'rename: property "{name}" should be "{renamed}" in {_place(where)}',
                    hint=f'Rename "{name}" to "{renamed}" (the value can stay).',
                )
                continue
            hint = None
            if not error.path and name in _ENRICHMENT:
                hint = (
                    f'"{name}" belongs to the 0.7.4 enriched draft: remove it, or name '
                    "the draft in $schema (.../schema/0.7.4/synesthetic-asset.schema.json)."
                )
            yield finding(
                "SYN-SCHEMA-002",
                pointer_of(*error.path, name),
                f'additionalProperties: property "{name}" is not allowed in {_place(where)}{also}',
                hint=hint,
            )
    elif keyword == "type":
        yield _type_finding(where, error.instance, _types_of(error))
    elif keyword == "enum":
        options = ", ".join(show(v) for v in error.expected or ())
        yield finding(
            "SYN-SCHEMA-004",
            where,
            f"enum: {show(error.instance)} is not one of {options}",
        )
    elif keyword == "const":
        yield finding(
            "SYN-SCHEMA-004",
            where,
            f"const: {show(error.instance)} is not the expected {show(error.expected)}",
        )
    elif keyword == "minLength":
        yield finding(
            "SYN-SCHEMA-005",
            where,
            f"minLength: {show(error.instance)} is shorter than {error.expected} character(s)",
        )
    elif keyword == "format":
        fmt = str(error.expected)
        example = _FORMAT_EXAMPLE.get(fmt)
        yield finding(
            "SYN-SCHEMA-006",
            where,
            f"format: {show(error.instance)} is not a valid {fmt}"
            + (f" ({example})" if example else ""),
        )
    elif keyword in ("anyOf", "oneOf"):
        yield _alternatives_finding(error, where)
    else:
        yield finding(
            CODE_BY_KEYWORD.get(keyword, OTHER_CODE),
            where,
            f"{keyword}: {error.message or show(error.instance)}",
        )


def rename_target(name: str, allowed: list[str], present: Iterable[str]) -> str | None:
    """The allowed, absent property that ``name`` was probably meant to be."""
    if not allowed:
        return None
    absent = [a for a in allowed if a not in set(present)]
    known = RENAMES.get(name)
    if known is not None and known in absent:
        return known
    close = difflib.get_close_matches(name, absent, n=1, cutoff=0.75)
    return close[0] if close else None


def _collapse(error: RawError, where: str) -> Iterator[Finding]:
    branches = error.branches or ()
    live = [b for b in branches if not _type_miss(b, error.path)]
    if any(not b for b in branches):
        # A branch without errors passed: a oneOf that more than one branch passes.
        yield _alternatives_finding(error, where)
    elif not live:
        types: list[str] = []
        for branch in branches:
            for e in branch:
                types.extend(t for t in _types_of(e) if t not in types)
        yield finding(
            "SYN-SCHEMA-007",
            where,
            f"{error.keyword}: {_got(error.instance)}, expected {_either(types)}",
        )
    elif len(live) == 1:
        for e in live[0]:
            yield from _translate(e)
    else:
        yield _alternatives_finding(error, where)


def _type_miss(branch: tuple[RawError, ...], path: tuple[str | int, ...]) -> bool:
    return bool(branch) and all(e.keyword == "type" and e.path == path for e in branch)


def _types_of(error: RawError) -> tuple[str, ...]:
    # Schema order reads as the author wrote it ("string or null"); the rust
    # engine reports the names sorted.
    declared = (error.schema or {}).get("type")
    if isinstance(declared, str):
        return (declared,)
    if isinstance(declared, list) and all(isinstance(t, str) for t in declared):
        return tuple(declared)
    return tuple(error.expected or ())


def _type_finding(where: str, instance: Any, types: Iterable[str]) -> Finding:
    if isinstance(instance, float) and math.isinf(instance):
        # A literal such as 1e999 parses to infinity: the JSON text is the
        # problem, not the type, so say so (the schema only sees "not a number").
        return finding(
            "SYN-LOAD-004",
            where,
            "a number literal overflows to infinity (beyond ±1.8e308)",
            hint="Use a finite number within the range of a double.",
        )
    return finding("SYN-SCHEMA-003", where, f"type: {_got(instance)}, expected {_either(types)}")


def _got(instance: Any) -> str:
    return "null" if instance is None else f"{show(instance)} is {_article(json_type(instance))}"


def _either(types: Iterable[str]) -> str:
    names = list(types)
    if len(names) <= 2:
        return " or ".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _alternatives_finding(error: RawError, where: str) -> Finding:
    count = len(error.branches or ())
    if error.keyword == "oneOf" and (not error.branches or any(not b for b in error.branches)):
        text = f"oneOf: {show(error.instance)} matches more than one of the allowed shapes"
    else:
        shapes = f"the {count} allowed shapes" if count else "the allowed shapes"
        text = f"{error.keyword}: {show(error.instance)} matches none of {shapes}"
    return finding("SYN-SCHEMA-007", where, text)


def _place(pointer: str) -> str:
    return f"the object at {pointer}" if pointer else "the document"


def _article(type_name: str) -> str:
    return ("an " if type_name[:1] in "aeiou" else "a ") + type_name


def _order(f: Finding) -> tuple[tuple[tuple[int, int, str], ...], str, str]:
    tokens = tuple(
        (0, int(t), "") if t.isascii() and t.isdigit() else (1, 0, t)
        for t in split_pointer(f.pointer)
    )
    return tokens, f.code, f.message
