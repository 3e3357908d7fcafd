"""An asset wrapped in another object (``{"asset": {...}}``): one finding, not dozens.

Vocabulary:
- *wrapper*: a top-level object whose own keys are not asset keys, one of
  whose values is an object that looks like an asset (it has a ``name`` and a
  component, or two components). Validated as an asset, the wrapper yields
  "name is missing" and "asset is not allowed"; the cause is the wrapping.

:func:`unwrapped_findings` replaces those findings with one ``SYN-SCHEMA-009``
at the wrapper key, followed by the findings of the inner object validated on
its own (their pointers under the wrapper key), so the author sees what else
to fix once unwrapped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from synharness.codes import finding
from synharness.findings import Finding, escape_pointer_token

_COMPONENTS = frozenset({"shader", "tone", "haptic", "control", "rule_bundle", "modulations"})
_ASSET_KEYS = _COMPONENTS | {"name", "description", "meta_info", "modulation"}
_ENVELOPE = ("$schema", "$schemaRef")


def wrapped_key(data: dict[str, Any]) -> str | None:
    """The key whose value is the asset, when ``data`` only wraps one."""
    if _ASSET_KEYS.intersection(data):
        return None
    for key, value in data.items():
        if not isinstance(value, dict):
            continue
        parts = _COMPONENTS.intersection(value)
        if len(parts) >= 2 or (parts and isinstance(value.get("name"), str)):
            return key
    return None


def unwrapped_findings(
    data: dict[str, Any],
    findings: list[Finding],
    *,
    validate: Callable[[str, Any], list[Finding]],
) -> list[Finding]:
    """The findings of a document, with a wrapper reported as its one cause.

    Args:
        data: The document without its envelope.
        findings: Its schema findings as a synesthetic asset.
        validate: The schema set's ``validate(kind, data)``.

    Returns:
        ``findings`` unchanged when ``data`` is no wrapper; otherwise one
        ``SYN-SCHEMA-009`` and the inner object's own findings.
    """
    key = wrapped_key(data)
    if key is None:
        return findings
    inner = {k: v for k, v in data[key].items() if k not in _ENVELOPE}
    base = "/" + escape_pointer_token(key)
    others = [k for k in data if k != key]
    extra = f" (besides {', '.join(repr(k) for k in others)})" if others else ""
    top = finding(
        "SYN-SCHEMA-009",
        base,
        f"the asset is wrapped in {{{key!r}: ...}}{extra}: the top-level object must be the asset",
        hint=f"Write the value of {key!r} as the document itself.",
    )
    inside = [
        f.model_copy(update={"pointer": base + f.pointer})
        for f in validate("synesthetic-asset", inner)
    ]
    return [top, *inside]
