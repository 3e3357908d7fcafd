"""Compatibility with the seed backend's clients (its loader, frontend and generator).

Vocabulary:
- *refused null*: an object member whose value is ``null`` where the schema wants
  another type. The seed's clients post ``model_dump(mode="json")`` of generated
  pydantic models, which write every optional member they do not have as
  ``null`` (``"rule_bundle": null``, ``"step": null``, ...). Such a member means
  "absent": it is dropped and reported as ``SYN-STORE-001`` (info), and the
  document is stored without it.
- *partial replacement*: a PUT body that lacks required members of the document
  (a seed client's ``{"name": "renamed"}``). PUT replaces the whole document, so
  it is refused with ``SYN-STORE-002`` (422), which names PATCH.

The functions here are pure: they take parsed data and findings, and return data
and findings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from synharness.codes import finding
from synharness.findings import Finding, Severity
from synharness.result import AssetResult

#: Key of the asset id in the seed's responses, sent alongside ``id``.
SEED_ASSET_ID = "synesthetic_asset_id"
#: Key of the shader library id in the seed's responses.
SEED_SHADER_LIB_ID = "shaderlib_id"

_REQUIRED_CODE = "SYN-SCHEMA-001"
#: Members that are not part of the content (a PUT may leave them out).
_ENVELOPE = frozenset({"$schema", "$schemaRef"})


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _parent(data: Any, pointer: str) -> tuple[Any, str] | None:
    """The container holding ``pointer``'s value and its last token, or None."""
    if not pointer.startswith("/"):
        return None
    tokens = [_unescape(t) for t in pointer[1:].split("/")]
    node = data
    for token in tokens[:-1]:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node, tokens[-1]


def _refused_null(data: Any, f: Finding) -> bool:
    if f.severity is not Severity.ERROR:
        return False
    found = _parent(data, f.pointer)
    if found is None:
        return False
    parent, key = found
    return isinstance(parent, dict) and key in parent and parent[key] is None


def _count_nulls(data: Any) -> int:
    if isinstance(data, dict):
        return sum(1 if v is None else _count_nulls(v) for v in data.values())
    if isinstance(data, list):
        return sum(_count_nulls(v) for v in data)
    return 0


def drop_refused_nulls(
    data: dict[str, Any],
    result: AssetResult,
    *,
    revalidate: Callable[[dict[str, Any]], AssetResult],
) -> tuple[dict[str, Any], AssetResult]:
    """Drop top-level ``null`` members and nested ones the schema refuses (SYN-STORE-001).

    The validator reports some refused nulls at a time (one per ``anyOf``
    branch), so the document is validated again after each round; the rounds
    are bounded by the number of nulls in the document.

    Args:
        data: The parsed document (not modified).
        result: Its validation result.
        revalidate: Validates a changed copy of the document.

    Returns:
        The document without those members, and its result with one
        SYN-STORE-001 info finding per dropped member (``data`` and ``result``
        unchanged when nothing was dropped).
    """
    # Top-level members (the components, description, ...) sent as null are absent,
    # even where the schema would take a null: the seed wrote every one it lacked.
    top = sorted(k for k, v in data.items() if v is None)
    dropped = ["/" + k.replace("~", "~0").replace("/", "~1") for k in top]
    current: dict[str, Any] = data
    if top:
        current = {k: _deep_copy(v) for k, v in data.items() if v is not None}
        result = revalidate(current)
    budget = _count_nulls(current)
    while budget > 0:
        pointers = sorted({f.pointer for f in result.findings if _refused_null(current, f)})
        if not pointers:
            break
        if current is data:
            current = _deep_copy(data)
        for pointer in pointers:
            found = _parent(current, pointer)
            if found is not None:
                parent, key = found
                parent.pop(key, None)
        dropped.extend(pointers)
        budget -= len(pointers)
        result = revalidate(current)
    if not dropped:
        return data, result
    notes = [
        finding(
            "SYN-STORE-001",
            pointer,
            "null where the schema wants a value: treated as absent and not stored",
        )
        for pointer in dropped
    ]
    return current, result.model_copy(update={"findings": (*notes, *result.findings)})


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def partial_replacement(
    *,
    current: dict[str, Any],
    new: dict[str, Any],
    findings: Sequence[Finding] = (),
    kind: str,
    patch_path: str,
) -> Finding | None:
    """SYN-STORE-002 when a PUT body lacks members the stored document has, else None.

    PUT replaces the whole document, so a body without some of the stored
    top-level members is what the seed's clients send for a partial update
    (``{"name": "renamed"}``): refusing it keeps their components from being
    dropped silently. Required members missing from the body count too.

    Args:
        current: The stored document.
        new: The body (metadata keys removed).
        findings: The body's validation findings.
        kind: The document kind, for the message.
        patch_path: Where a PATCH changes only some members.
    """
    missing = {k for k in current if k not in new and k not in _ENVELOPE}
    missing.update(
        f.message.split('"')[1]
        for f in findings
        if f.code == _REQUIRED_CODE and f.pointer == "" and f.message.count('"') >= 2
    )
    if not missing:
        return None
    return finding(
        "SYN-STORE-002",
        "",
        f"PUT replaces the whole {kind}, and this body lacks {', '.join(sorted(missing))}; "
        f"send the whole document, or PATCH {patch_path} with a JSON merge patch "
        "(application/merge-patch+json) to change only some members (null removes one)",
    )
