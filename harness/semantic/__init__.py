"""Semantic validation: the checks a JSON Schema cannot express.

:func:`check_document` runs every check that makes sense for a document kind
on its (schema-valid) model: all of them on a ``synesthetic-asset``; on a
component document the ones that stand alone (GLSL on a shader, Tone.js
classes on a tone, ranges, duplicates, rules...). References are resolved
only in an asset, where the declaring components are present.

Modules, one concept each: :mod:`~synharness.semantic.scope` (what is checked),
:mod:`~synharness.semantic.graph` (the parameter graph, cycles, unused
parameters), :mod:`~synharness.semantic.references`, :mod:`~synharness.semantic.ranges`,
:mod:`~synharness.semantic.duplicates`, :mod:`~synharness.semantic.controls`,
:mod:`~synharness.semantic.types`, :mod:`~synharness.semantic.modulation`,
:mod:`~synharness.semantic.glsl` (with :mod:`~synharness.semantic.glsl_parse`),
:mod:`~synharness.semantic.tone`, :mod:`~synharness.semantic.haptic`,
:mod:`~synharness.semantic.rules` (with :mod:`~synharness.semantic.vocabulary`).
"""

from __future__ import annotations

from pydantic import BaseModel
from synharness.findings import Finding
from synharness.semantic.controls import check_controls
from synharness.semantic.duplicates import check_duplicates
from synharness.semantic.glsl import CompiledUniforms, check_glsl
from synharness.semantic.graph import check_graph, parameter_graph
from synharness.semantic.haptic import check_haptic
from synharness.semantic.modulation import check_modulations
from synharness.semantic.ranges import check_ranges
from synharness.semantic.references import check_references
from synharness.semantic.rules import check_rules
from synharness.semantic.scope import Scope, scope_of
from synharness.semantic.tone import check_tone
from synharness.semantic.types import check_types

__all__ = ["check_document", "parameter_graph"]


def check_document(
    kind: str,
    model: BaseModel,
    *,
    compiled: CompiledUniforms | None = None,
    scope: Scope | None = None,
) -> list[Finding]:
    """Return the semantic findings of a schema-valid document of ``kind``.

    Args:
        kind: The document kind (``synesthetic-asset``, ``shader``, ...).
        model: Its model, from :data:`synharness.models.MODEL_BY_KIND`.
        compiled: What the GL compiler reported for its shader, when it ran.
        scope: The document's scope when the caller built it already (the
            pipeline shares one with the compile stage: building it resolves
            every declared parameter, a tenth of a document's validation).

    Returns:
        Findings with RFC 6901 pointers relative to the document root, in
        check order (the pipeline sorts them).
    """
    if scope is None:
        scope = scope_of(kind, model)
    if scope is None:
        return []
    found = check_references(scope)
    found += check_ranges(scope)
    found += check_duplicates(scope)
    found += check_controls(scope)
    found += check_types(scope)
    found += check_modulations(scope)
    found += check_glsl(scope, compiled=compiled)
    found += check_tone(scope)
    found += check_haptic(scope)
    found += check_rules(scope)
    found += check_graph(scope)
    return found
