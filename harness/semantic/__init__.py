"""Semantic validation: the checks a JSON Schema cannot express.

:func:`check_document` runs every check that makes sense for a document kind
on its (schema-valid) model: all of them on a ``synesthetic-asset``; on a
component document the ones that stand alone (GLSL on a shader, Tone.js
classes on a tone, ranges, duplicates, rules...). References are resolved
only in an asset, where the declaring components are present.

Modules, one concept each: :mod:`~harness.semantic.scope` (what is checked),
:mod:`~harness.semantic.graph` (the parameter graph, cycles, unused
parameters), :mod:`~harness.semantic.references`, :mod:`~harness.semantic.ranges`,
:mod:`~harness.semantic.duplicates`, :mod:`~harness.semantic.modulation`,
:mod:`~harness.semantic.glsl` (with :mod:`~harness.semantic.glsl_parse`),
:mod:`~harness.semantic.tone`, :mod:`~harness.semantic.haptic`,
:mod:`~harness.semantic.rules` (with :mod:`~harness.semantic.vocabulary`).
"""

from __future__ import annotations

from pydantic import BaseModel

from harness.findings import Finding
from harness.semantic.duplicates import check_duplicates
from harness.semantic.glsl import check_glsl
from harness.semantic.graph import check_cycles, check_unused, collect_graph, parameter_graph
from harness.semantic.haptic import check_haptic
from harness.semantic.modulation import check_modulations
from harness.semantic.ranges import check_ranges
from harness.semantic.references import check_references
from harness.semantic.rules import check_rules
from harness.semantic.scope import scope_of
from harness.semantic.tone import check_tone

__all__ = ["check_document", "parameter_graph"]


def check_document(kind: str, model: BaseModel) -> list[Finding]:
    """Return the semantic findings of a schema-valid document of ``kind``.

    Args:
        kind: The document kind (``synesthetic-asset``, ``shader``, ...).
        model: Its model, from :data:`harness.models.MODEL_BY_KIND`.

    Returns:
        Findings with RFC 6901 pointers relative to the document root, in
        check order (the pipeline sorts them).
    """
    scope = scope_of(kind, model)
    if scope is None:
        return []
    found = check_references(scope)
    found += check_ranges(scope)
    found += check_duplicates(scope)
    found += check_modulations(scope)
    found += check_glsl(scope)
    found += check_tone(scope)
    found += check_haptic(scope)
    found += check_rules(scope)
    if scope.rules or scope.resolving:
        graph = collect_graph(scope)
        found += check_cycles(scope, graph)
        found += check_unused(scope, graph)
    return found
