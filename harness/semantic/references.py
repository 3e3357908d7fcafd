"""References to parameters: controls, modulations and rule effects (SYN-REF-*).

A reference resolves exactly (fine), through a legacy namespace (SYN-REF-003),
as a bare name (SYN-REF-004), or not at all (SYN-REF-001, with a suggestion).
Sound and haptic ops name an instrument instead (SYN-REF-002). Declarations
written without their component prefix are reported once each (SYN-REF-005).
"""

from __future__ import annotations

from synharness.codes import CATALOGUE, finding
from synharness.findings import Finding
from synharness.semantic.scope import Scope
from synharness.semantic.vocabulary import PARAMETER_OPS, instrument_of, op_component


def _reference(scope: Scope, reference: str, pointer: str, what: str) -> list[Finding]:
    path, how = scope.lookup(reference)
    if how == "exact":
        return []
    if how == "legacy":
        return [
            finding(
                "SYN-REF-003",
                pointer,
                f"{what} {reference!r} uses a legacy namespace; it resolves to {path!r}",
                hint=f"Write {path!r}: legacy prefixes (visual., audio.) only resolve by translation.",
            )
        ]
    if how == "bare":
        return [
            finding(
                "SYN-REF-004",
                pointer,
                f"{what} {reference!r} has no component prefix; it resolves to {path!r}",
                hint=f"Write {path!r}.",
            )
        ]
    suggestion = scope.suggestion(reference)  # the costly search, only for a finding
    hint = CATALOGUE["SYN-REF-001"].hint
    if suggestion:
        hint = f"Did you mean {suggestion!r}? " + hint
    return [
        finding(
            "SYN-REF-001",
            pointer,
            f"{what} {reference!r} names no declared parameter",
            hint=hint,
        )
    ]


def _instrument(scope: Scope, target: str, op: str, pointer: str) -> list[Finding]:
    component = op_component(op)
    if component is None:
        return []
    names, legacy = instrument_of(target, component)
    present = (scope.tone if component == "tone" else scope.haptic) is not None
    if names and present:
        if legacy:
            return [
                finding(
                    "SYN-REF-003",
                    pointer,
                    f"{op} targets {target!r}, a legacy audio. name for the tone's synth",
                    hint="Write 'tone.synth': legacy audio. names only resolve by translation.",
                )
            ]
        return []
    why = "names no instrument" if not names else f"but the asset has no {component}"
    expected = "tone.synth" if component == "tone" else "haptic"
    return [
        finding(
            "SYN-REF-002",
            pointer,
            f"{op} targets {target!r}, which {why}",
            hint=f"Target {expected!r} (a {op} plays the {component}).",
        )
    ]


def check_references(scope: Scope) -> list[Finding]:
    """SYN-REF-001..005 for a resolving scope (an asset)."""
    if not scope.resolving:
        return []
    found: list[Finding] = []
    for path, p in scope.declared.items():
        if p.prefixless:
            found.append(
                finding(
                    "SYN-REF-005",
                    f"{p.pointer}/path",
                    f"{p.component} parameter declared as {path.split('.', 1)[1]!r} without its "
                    f"prefix; it is known as {path!r}",
                    hint=f"Write {path!r} in the declaration.",
                )
            )
    lookup = scope.lookup
    # Pointers and labels are formatted only for a reference that does not resolve exactly;
    # references are read from the instance dicts (pydantic's __getattr__ keeps attribute
    # loads unspecialised).
    for pointer, control in scope.controls:
        reference = control.__dict__["parameter"]
        if lookup(reference)[1] != "exact":
            found += _reference(scope, reference, f"{pointer}/parameter", "Control parameter")
    for pointer, mod in scope.modulations:
        reference = mod.__dict__["target"]
        if lookup(reference)[1] != "exact":
            found += _reference(
                scope, reference, f"{pointer}/target", f"Modulation {mod.id!r} target"
            )
    for pointer, rule in scope.rules:
        for j, effect in enumerate(rule.effects or []):
            op, target = effect.get("op"), effect.get("target")
            if not isinstance(op, str) or not isinstance(target, str) or not target:
                continue  # SYN-RULE-005
            where = f"{pointer}/effects/{j}/target"
            if op in PARAMETER_OPS:
                found += _reference(scope, target, where, f"Rule {rule.id!r} {op} effect target")
            else:
                found += _instrument(scope, target, op, where)
    return found
