"""Duplicate ids, names and bindings (SYN-DUP-*).

The first occurrence wins; every later one is reported at its own pointer,
naming the pointer of the first.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from harness.codes import finding
from harness.findings import Finding
from harness.models import Combo
from harness.semantic.scope import Scope


def _repeats(items: Iterable[tuple[Hashable, str]]) -> list[tuple[Hashable, str, str]]:
    """(key, pointer, first pointer) for every item whose key was seen before."""
    first: dict[Hashable, str] = {}
    repeats: list[tuple[Hashable, str, str]] = []
    for key, pointer in items:
        if key in first:
            repeats.append((key, pointer, first[key]))
        else:
            first[key] = pointer
    return repeats


def _combo_key(combo: Combo) -> tuple[frozenset[str], frozenset[str], bool, bool]:
    # Order of keys and buttons does not matter to the runtime; absent == empty.
    return (
        frozenset(combo.keys or ()),
        frozenset(combo.mouseButtons or ()),
        bool(combo.wheel),
        combo.strict,
    )


def _combo_text(combo: Combo) -> str:
    held = sorted(combo.keys or ()) + [f"mouse:{b}" for b in sorted(combo.mouseButtons or ())]
    if combo.wheel:
        held.append("wheel")
    return "+".join(held) or "no keys"


def check_duplicates(scope: Scope) -> list[Finding]:
    """SYN-DUP-001..005."""
    found: list[Finding] = []
    for key, pointer, first in _repeats((m.id, f"{p}/id") for p, m in scope.modulations):
        found.append(
            finding("SYN-DUP-001", pointer, f"Modulation id {key!r} is already used at {first}")
        )
    for key, pointer, first in _repeats((r.id, f"{p}/id") for p, r in scope.rules):
        found.append(finding("SYN-DUP-002", pointer, f"Rule id {key!r} is already used at {first}"))
    if scope.shader is not None:
        uniforms = (
            (u.name, f"{scope.shader_ptr}/uniforms/{i}/name")
            for i, u in enumerate(scope.shader.uniforms or [])
        )
        for key, pointer, first in _repeats(uniforms):
            found.append(
                finding("SYN-DUP-003", pointer, f"Uniform {key!r} is already listed at {first}")
            )
    bindings: list[tuple[Hashable, str]] = []
    combos: dict[str, Combo] = {}
    for pointer, control in scope.controls:
        target = scope.target(control.parameter)
        if target is None:
            continue  # SYN-REF-001 says it already
        for j, mapping in enumerate(control.mappings):
            where = f"{pointer}/mappings/{j}"
            combos[where] = mapping.combo
            bindings.append(((target, mapping.action.axis, _combo_key(mapping.combo)), where))
    for key, pointer, first in _repeats(bindings):
        target, axis = key[0], key[1]  # type: ignore[index]
        found.append(
            finding(
                "SYN-DUP-004",
                pointer,
                f"{axis} with {_combo_text(combos[pointer])} already drives {target!r} at {first}",
            )
        )
    found += _duplicate_paths(scope)
    return found


def _duplicate_paths(scope: Scope) -> list[Finding]:
    found: list[Finding] = []
    for component, ptr in ((scope.tone, scope.tone_ptr), (scope.haptic, scope.haptic_ptr)):
        if component is None:
            continue
        paths = (
            (
                item.get("path") if isinstance(item, dict) else item.path,
                f"{ptr}/input_parameters/{i}/path",
            )
            for i, item in enumerate(component.input_parameters)
        )
        for key, pointer, first in _repeats((k, p) for k, p in paths if isinstance(k, str)):
            found.append(
                finding(
                    "SYN-DUP-005",
                    pointer,
                    f"Input parameter path {key!r} is already declared at {first}; "
                    "references reach only the first",
                )
            )
    if scope.shader is not None:
        paths = (
            (ip.path, f"{scope.shader_ptr}/input_parameters/{i}/path")
            for i, ip in enumerate(scope.shader.input_parameters or [])
        )
        for key, pointer, first in _repeats(paths):
            found.append(
                finding(
                    "SYN-DUP-005",
                    pointer,
                    f"Input parameter path {key!r} is already declared at {first}; "
                    "references reach only the first",
                )
            )
    return found
