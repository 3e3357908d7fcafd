"""The ``$schema`` envelope: which schema version and document kind a document claims.

Vocabulary:
- *envelope*: the top-level ``$schema`` key (or the legacy ``$schemaRef``),
  which is not part of the document: the asset schema does not list it, so it
  is read here and stripped before validation;
- *kind*: the stem of a schema file (``synesthetic-asset``, ``shader``, ...);
- *version*: the schema version (``0.7.3``), taken from the versioned URL.

Accepted spellings of ``$schema``:
- ``https://delk73.github.io/synesthetic-schemas/schema/<version>/<kind>.schema.json``;
- ``jsonschema/<kind>.schema.json`` (the published examples) and bare
  ``<kind>.schema.json``: no version, so the default is assumed (``SYN-ENV-005``).

A fragment (``...schema.json#/SynestheticAsset``, a trailing ``#``) is ignored:
it names a part of the schema, not another schema. An absolute URL on another
host than the canonical one is read the same way but warned about
(``SYN-ENV-007``): the document claims a schema nobody publishes there.

*Enriched draft*: ``0.7.4`` is the draft the generator loop writes, 0.7.3 plus
the enrichment keys ``asset_id``, ``prompt``, ``timestamp``, ``seed``,
``parameter_index`` (and ``provenance``). When the registry has no 0.7.4 of its
own, such a document is validated as 0.7.3 with the enrichment set aside for
:mod:`synharness.enrichment` (``SYN-ENRICH-001`` says so).

Without an envelope the kind is inferred from the document's keys (``SYN-ENV-001``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from synharness.codes import finding
from synharness.findings import Finding

if TYPE_CHECKING:
    from synharness.schema import SchemaRegistry

#: The kind assumed when nothing says otherwise.
DEFAULT_KIND = "synesthetic-asset"
#: Keys that hold the envelope and are stripped before validation.
ENVELOPE_KEYS = ("$schema", "$schemaRef")

#: ``[.../][<version>/]<kind>.schema.json``; searched, so the leftmost slash that
#: leads to a version wins over a shorter match of the kind alone.
_REFERENCE = re.compile(
    r"(?:^|/)(?:(?P<version>\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)/)?"
    r"(?P<kind>[A-Za-z0-9_-]+)\.schema\.json$"
)
#: Where the published schemas live; any other absolute URL is SYN-ENV-007.
CANONICAL_BASE = "https://delk73.github.io/synesthetic-schemas/schema/"
#: Enriched drafts -> the version they extend.
ENRICHED_DRAFTS: dict[str, str] = {"0.7.4": "0.7.3"}
#: The top-level keys an enriched draft adds to its base version.
ENRICHMENT_KEYS: tuple[str, ...] = (
    "asset_id",
    "prompt",
    "timestamp",
    "seed",
    "parameter_index",
    "provenance",
)
_ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
#: Keys only a full asset has at its top level.
_ASSET_KEYS = frozenset({"shader", "tone", "haptic", "control", "rule_bundle", "modulation"})


@dataclass(frozen=True)
class Envelope:
    """What the envelope says, and the document without it."""

    #: The document kind, or None when it cannot be validated (see the findings).
    kind: str | None
    #: The schema version, or None when it is unknown (see the findings).
    version: str | None
    findings: tuple[Finding, ...]
    #: The document without ``$schema`` / ``$schemaRef`` (and without the
    #: enrichment keys of an enriched draft).
    stripped_data: dict[str, Any]
    #: The enrichment keys of an enriched draft (present ones only), else None.
    enrichment: dict[str, Any] | None = None
    #: The version the document named when it is an enriched draft (``0.7.4``).
    draft: str | None = None

    @property
    def usable(self) -> bool:
        """Whether kind and version are known, so that validation can go on."""
        return self.kind is not None and self.version is not None


def read_envelope(
    data: dict[str, Any], registry: SchemaRegistry, *, default_version: str | None = None
) -> Envelope:
    """Read the envelope of a parsed document.

    Args:
        data: The document's top-level object.
        registry: The schema versions known, to check the version and kind.
        default_version: The version assumed when none is named (default:
            :data:`synharness.schema.DEFAULT_VERSION`).

    Returns:
        The envelope; ``kind`` or ``version`` is None when an error finding
        says why the document cannot be validated.
    """
    if default_version is None:
        from synharness.schema import DEFAULT_VERSION

        default_version = DEFAULT_VERSION
    if "$schema" not in data and "$schemaRef" not in data:
        kind = infer_kind(data)
        message = f"the document has no $schema; validating it as {kind} {default_version}"
        return _checked(
            kind, default_version, [finding("SYN-ENV-001", "", message)], data, registry
        )
    stripped = {k: v for k, v in data.items() if k not in ENVELOPE_KEYS}
    findings: list[Finding] = []
    key = "$schema" if "$schema" in data else "$schemaRef"
    if "$schemaRef" in data:
        findings.append(
            finding("SYN-ENV-002", "/$schemaRef", "$schemaRef is the legacy name of $schema")
        )
    value = data[key]
    pointer = "/" + key
    if not isinstance(value, str):
        message = f"{key} is {_describe(value)}, not a string"
        return Envelope(None, None, (*findings, finding("SYN-ENV-006", pointer, message)), stripped)
    # A fragment names a part of the schema (#/SynestheticAsset), not another file.
    reference = value.strip().split("#", 1)[0]
    match = _REFERENCE.search(reference)
    if match is None:
        message = f"{key} {value!r} names no schema file (<kind>.schema.json)"
        return Envelope(None, None, (*findings, finding("SYN-ENV-004", pointer, message)), stripped)
    if _ABSOLUTE_URL.match(reference) and not reference.startswith(CANONICAL_BASE):
        host = reference.split("://", 1)[1].split("/", 1)[0]
        message = (
            f"{key} names the schema on {host!r}, not on the canonical "
            f"{CANONICAL_BASE}; validating against the shipped schemas"
        )
        findings.append(finding("SYN-ENV-007", pointer, message))
    version = match["version"]
    if version is None:
        version = default_version
        message = f"{key} {value!r} names no schema version; assuming {default_version}"
        findings.append(finding("SYN-ENV-005", pointer, message))
    return _checked(match["kind"], version, findings, stripped, registry, pointer=pointer)


def _checked(
    kind: str,
    version: str,
    findings: list[Finding],
    stripped: dict[str, Any],
    registry: SchemaRegistry,
    *,
    pointer: str = "",
) -> Envelope:
    schemas = registry.get(version)
    base = ENRICHED_DRAFTS.get(version)
    if schemas is None and base is not None and registry.get(base) is not None:
        return _enriched(kind, version, base, findings, stripped, registry, pointer=pointer)
    if schemas is None:
        known = ", ".join(registry.versions) or "none"
        message = f"schema version {version} is unknown (known: {known})"
        return Envelope(kind, None, (*findings, finding("SYN-ENV-003", pointer, message)), stripped)
    if kind not in schemas.kinds:
        known = ", ".join(sorted(schemas.kinds))
        message = f"{kind!r} is not a document kind of schema {version} (known: {known})"
        return Envelope(
            None, version, (*findings, finding("SYN-ENV-004", pointer, message)), stripped
        )
    return Envelope(kind, version, tuple(findings), stripped)


def _enriched(
    kind: str,
    draft: str,
    base: str,
    findings: list[Finding],
    stripped: dict[str, Any],
    registry: SchemaRegistry,
    *,
    pointer: str,
) -> Envelope:
    """Validate an enriched draft as its base version, the enrichment set aside."""
    # Only a full asset is enriched; a component keeps its keys (and its schema errors).
    enrichment = (
        {k: stripped[k] for k in ENRICHMENT_KEYS if k in stripped} if kind == DEFAULT_KIND else {}
    )
    rest = {k: v for k, v in stripped.items() if k not in enrichment}
    message = (
        f"{draft} is the enriched draft of {base} ({', '.join(ENRICHMENT_KEYS)}): "
        f"validated as {base} plus checks of its enrichment"
    )
    envelope = _checked(
        kind, base, [*findings, finding("SYN-ENRICH-001", pointer, message)], rest, registry
    )
    return Envelope(
        envelope.kind,
        envelope.version,
        envelope.findings,
        envelope.stripped_data,
        enrichment=enrichment if kind == DEFAULT_KIND else None,
        draft=draft,
    )


def infer_kind(data: Mapping[str, Any]) -> str:
    """Guess the kind of a document without ``$schema`` from its keys.

    A full asset is the default; a component is recognised only when its
    required keys make it obvious.

    Args:
        data: The document's top-level object.

    Returns:
        A document kind.
    """
    keys = data.keys()
    if _ASSET_KEYS.intersection(keys):
        return DEFAULT_KIND
    if "vertex_shader" in keys and "fragment_shader" in keys:
        return "shader"
    if "control_parameters" in keys:
        return "control-bundle"
    if "rules" in keys:
        return "rule-bundle"
    if "modulations" in keys:
        return "modulation"
    if "device" in keys:
        return "haptic"
    if "synth" in keys:
        return "tone"
    if "parameter" in keys and "mappings" in keys:
        return "control"
    if "id" in keys and ("trigger" in keys or "effects" in keys):
        return "rule"
    return DEFAULT_KIND


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    return "an object"
