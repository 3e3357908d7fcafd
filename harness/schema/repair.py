"""Repair a schema-invalid document just enough to look past its schema errors.

Vocabulary:
- *repair*: a deterministic edit of the values the schema errors point at:
  an unexpected property is dropped (or renamed back, for a misnamed one, see
  :func:`synharness.schema.translate.rename_target`), a missing required one
  gets a *placeholder* (the schema's ``default``, ``const`` or first ``enum``
  value, else the plainest value of its type: ``"x"``, ``0`` or the minimum,
  ``false``, ``{}``, ``[]``), a value of the wrong type or outside its
  enumeration is replaced by a placeholder, and anything else is removed.
  Rounds repeat until the document validates (or :data:`ROUNDS` pass).

The score uses it for documents below the gate: the semantic checks of the
repaired document stand for the defects the schema errors hide, so a defect
added to a broken document still costs something. The repaired document is
never shown or stored.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from synharness.schema.backends import Engine, RawError

#: Validation rounds before giving up (each may uncover nested requirements).
ROUNDS = 6
_DELETE = object()
_TYPE_PLACEHOLDER: dict[str, Any] = {
    "string": "x",
    "number": 0,
    "integer": 0,
    "boolean": False,
    "object": {},
    "array": [],
    "null": None,
}


def repair(engine: Engine, data: Any) -> Any | None:
    """A repaired copy of ``data`` that ``engine`` accepts, or None.

    Args:
        engine: The compiled schema of the document's kind.
        data: The document (not changed).

    Returns:
        The repaired copy, or None when it is not an object or rounds ran out.
    """
    if not isinstance(data, dict):
        return None
    doc = copy.deepcopy(data)
    for _ in range(ROUNDS):
        if engine.is_valid(doc):
            return doc
        edits: dict[tuple[str | int, ...], Any] = {}
        for error in engine.errors(doc):
            for path, value in _edits(error):
                edits.setdefault(path, value)
        if not edits or () in edits:
            return None
        _apply(doc, edits)
    return doc if engine.is_valid(doc) else None


def _edits(error: RawError) -> list[tuple[tuple[str | int, ...], Any]]:
    from synharness.schema.translate import rename_target

    path = tuple(error.path)
    keyword = error.keyword
    if keyword in ("anyOf", "oneOf") and error.branches:
        live = [b for b in error.branches if b and not _type_miss(b, path)]
        if live:
            best = min(live, key=len)
            return [e for sub in best for e in _edits(sub)]
        for branch in error.branches:
            for sub in branch:
                if sub.keyword == "type":
                    return [(path, _placeholder_of_types(sub.expected))]
        return [(path, _DELETE)]
    if keyword == "required":
        name = str(error.expected)
        sub = ((error.schema or {}).get("properties") or {}).get(name, {})
        return [((*path, name), _placeholder(sub))]
    if keyword == "additionalProperties":
        allowed = sorted((error.schema or {}).get("properties", {}))
        present = error.instance.keys() if isinstance(error.instance, Mapping) else ()
        out: list[tuple[tuple[str | int, ...], Any]] = []
        for name in error.expected or ():
            target = rename_target(name, allowed, present)
            if target is not None and isinstance(error.instance, Mapping):
                out.append(((*path, target), copy.deepcopy(error.instance[name])))
            out.append(((*path, name), _DELETE))
        return out
    if keyword == "type":
        types = (error.schema or {}).get("type", error.expected)
        return [(path, _placeholder_of_types(types))]
    if keyword == "enum" and error.expected:
        return [(path, copy.deepcopy(next(iter(error.expected))))]
    if keyword == "const":
        return [(path, copy.deepcopy(error.expected))]
    if keyword == "minLength" and isinstance(error.expected, int):
        return [(path, "x" * max(1, error.expected))]
    if keyword == "format":
        return [(path, "2000-01-01T00:00:00Z" if "date" in str(error.expected) else "x")]
    return [(path, _DELETE)]


def _type_miss(branch: tuple[RawError, ...], path: tuple[str | int, ...]) -> bool:
    return all(e.keyword == "type" and tuple(e.path) == path for e in branch)


def _placeholder_of_types(types: Any) -> Any:
    names = [types] if isinstance(types, str) else list(types or ())
    for name in names:
        if name != "null" and name in _TYPE_PLACEHOLDER:
            return copy.deepcopy(_TYPE_PLACEHOLDER[name])
    return None if "null" in names else _DELETE


def _placeholder(schema: Mapping[str, Any]) -> Any:
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    if "const" in schema:
        return copy.deepcopy(schema["const"])
    if schema.get("enum"):
        return copy.deepcopy(schema["enum"][0])
    types = schema.get("type")
    if types in ("number", "integer") and isinstance(schema.get("minimum"), int | float):
        return schema["minimum"]
    if types == "string" and isinstance(schema.get("minLength"), int):
        return "x" * max(1, schema["minLength"])
    value = _placeholder_of_types(types)
    # Without a type (a $ref the error does not resolve) start from null: the
    # next round's type error says what the value must be.
    return None if value is _DELETE else value


def _apply(doc: Any, edits: dict[tuple[str | int, ...], Any]) -> None:
    """Set values first, then delete, deepest and highest indices first."""
    for path, value in edits.items():
        if value is not _DELETE:
            _set(doc, path, value)
    deletions = sorted(
        (p for p, v in edits.items() if v is _DELETE),
        key=lambda p: tuple((1, t, "") if isinstance(t, int) else (0, 0, str(t)) for t in p),
        reverse=True,
    )
    for path in deletions:
        parent = _get(doc, path[:-1])
        last = path[-1]
        if isinstance(parent, dict):
            parent.pop(last, None)
        elif isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
            del parent[last]


def _step(value: Any, token: str | int) -> tuple[bool, Any]:
    """``(found, child)`` of one path token."""
    if isinstance(value, dict):
        return (token in value, value.get(token))
    if isinstance(value, list) and isinstance(token, int) and 0 <= token < len(value):
        return True, value[token]
    return False, None


def _get(doc: Any, path: tuple[str | int, ...]) -> Any:
    for token in path:
        found, doc = _step(doc, token)
        if not found:
            return None
    return doc


def _set(doc: Any, path: tuple[str | int, ...], value: Any) -> None:
    parent = _get(doc, path[:-1])
    last = path[-1]
    if isinstance(parent, list):
        if isinstance(last, int) and 0 <= last < len(parent):
            parent[last] = value
    elif isinstance(parent, dict):
        parent[last] = value
