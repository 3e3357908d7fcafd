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
"""

from __future__ import annotations

import json
import math
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
    return sorted(unique.values(), key=_order)


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
        for name in error.expected or ():
            yield finding(
                "SYN-SCHEMA-002",
                pointer_of(*error.path, name),
                f'additionalProperties: property "{name}" is not allowed in {_place(where)}{also}',
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
