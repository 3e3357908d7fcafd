"""Checks of the enrichment of the ``0.7.4`` draft (``SYN-ENRICH-*``).

Vocabulary:
- *enrichment*: the top-level keys the generator loop's draft adds to a 0.7.3
  asset (see :data:`synharness.envelope.ENRICHMENT_KEYS`). The envelope sets
  them aside so that the rest validates as 0.7.3; this module checks them:
  - ``asset_id``: a non-empty string;
  - ``prompt``: a string;
  - ``timestamp``: an RFC 3339 date-time string (``2025-10-06T12:00:00Z``);
  - ``seed``: an integer, or null;
  - ``provenance``: an object;
  - ``parameter_index``: an array of strings that names exactly the asset's
    declared input parameters (each entry resolved like a control's target:
    canonical path, legacy namespace or bare name) or exactly all of its
    declared parameters (uniforms included).

Wrong types are ``SYN-ENRICH-003`` (one per key); a ``parameter_index`` that
names other parameters than the declared ones is ``SYN-ENRICH-002``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from synharness.codes import finding
from synharness.findings import Finding
from synharness.models import SynestheticAsset
from synharness.params import asset_parameters, resolve

_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$"
)
#: How many names a SYN-ENRICH-002 message lists of each side.
_LISTED = 5


def _type_problem(key: str, value: Any) -> str | None:
    """What is wrong with the type of one enrichment value, or None."""
    if key == "asset_id":
        return None if isinstance(value, str) and value.strip() else "a non-empty string"
    if key == "prompt":
        return None if isinstance(value, str) else "a string"
    if key == "timestamp":
        ok = isinstance(value, str) and _DATE_TIME.match(value) is not None
        return None if ok else "an RFC 3339 date-time string (e.g. 2025-10-06T12:00:00Z)"
    if key == "seed":
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
        return None if ok else "an integer or null"
    if key == "provenance":
        return None if isinstance(value, Mapping) else "an object"
    if key == "parameter_index":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else "an array of parameter paths (strings)"
    return None


def check_enrichment(
    enrichment: Mapping[str, Any], model: SynestheticAsset | None, *, draft: str
) -> list[Finding]:
    """Check the enrichment keys of an enriched draft.

    Args:
        enrichment: The enrichment keys the document carries.
        model: The validated asset, or None when its 0.7.3 part failed
            (then ``parameter_index`` is only type-checked).
        draft: The draft's version, for messages.

    Returns:
        ``SYN-ENRICH-002`` and ``SYN-ENRICH-003`` findings.
    """
    found: list[Finding] = []
    for key, value in enrichment.items():
        expected = _type_problem(key, value)
        if expected is not None:
            message = f"{key} of the {draft} draft is {_describe(value)}, expected {expected}"
            found.append(finding("SYN-ENRICH-003", f"/{key}", message))
    index = enrichment.get("parameter_index")
    if model is not None and isinstance(index, list) and all(isinstance(v, str) for v in index):
        mismatch = _index_mismatch(index, model)
        if mismatch is not None:
            found.append(finding("SYN-ENRICH-002", "/parameter_index", mismatch))
    return found


def _index_mismatch(index: list[str], model: SynestheticAsset) -> str | None:
    declared = asset_parameters(model)
    named = {resolve(entry, declared).path or entry for entry in index}
    inputs = {path for path, p in declared.items() if "/input_parameters/" in p.pointer}
    if named in (inputs, set(declared)):
        return None
    missing = sorted(inputs - named)
    unknown = sorted(named - set(declared))
    parts = []
    if missing:
        parts.append(f"omits {_names(missing)}")
    if unknown:
        parts.append(f"names {_names(unknown)}, which the asset does not declare")
    if not parts:  # the same parameters, but not exactly either set (uniforms in part)
        parts.append("names some uniforms without an input parameter but not all of them")
    return f"parameter_index {' and '.join(parts)}"


def _names(paths: list[str]) -> str:
    shown = ", ".join(paths[:_LISTED])
    more = len(paths) - _LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    if isinstance(value, list):
        return "an array"
    return "an object"
