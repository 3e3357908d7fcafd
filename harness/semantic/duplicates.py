"""Duplicate ids, names, paths and bindings (SYN-DUP-*).

The first occurrence wins; every later one is reported at its own pointer,
naming the pointer of the first.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from synharness.codes import finding
from synharness.findings import Finding
from synharness.models import Combo
from synharness.semantic.scope import Scope


def _repeats(keys: Sequence[Hashable]) -> list[tuple[int, int]]:
    """(index, index of the first occurrence) of every key seen before."""
    if len(set(keys)) == len(keys):
        return []  # the common case: pointers are built only for findings
    first: dict[Hashable, int] = {}
    repeats: list[tuple[int, int]] = []
    for i, key in enumerate(keys):
        if key in first:
            repeats.append((i, first[key]))
        else:
            first[key] = i
    return repeats


_NONE: frozenset[str] = frozenset()


def _combo_key(combo: Combo) -> tuple[frozenset[str], frozenset[str], bool, bool]:
    # Order of keys and buttons does not matter to the runtime; absent == empty.
    # Fields from the instance dict: pydantic models define __getattr__, which
    # keeps attribute loads unspecialised (this runs for every mapping).
    fields = combo.__dict__
    keys, buttons = fields["keys"], fields["mouseButtons"]
    return (
        frozenset(keys) if keys else _NONE,
        frozenset(buttons) if buttons else _NONE,
        bool(fields["wheel"]),
        fields["strict"],
    )


def _combo_text(combo: Combo) -> str:
    held = sorted(combo.keys or ()) + [f"mouse:{b}" for b in sorted(combo.mouseButtons or ())]
    if combo.wheel:
        held.append("wheel")
    return "+".join(held) or "no keys"


def check_duplicates(scope: Scope) -> list[Finding]:
    """SYN-DUP-001..006."""
    found: list[Finding] = []
    mods = scope.modulations
    for i, first in _repeats([m.id for _, m in mods]):
        found.append(
            finding(
                "SYN-DUP-001",
                f"{mods[i][0]}/id",
                f"Modulation id {mods[i][1].id!r} is already used at {mods[first][0]}/id",
            )
        )
    rules = scope.rules
    for i, first in _repeats([r.id for _, r in rules]):
        found.append(
            finding(
                "SYN-DUP-002",
                f"{rules[i][0]}/id",
                f"Rule id {rules[i][1].id!r} is already used at {rules[first][0]}/id",
            )
        )
    if scope.shader is not None and scope.shader.uniforms:
        uniforms = scope.shader.uniforms
        at = f"{scope.shader_ptr}/uniforms"
        for i, first in _repeats([u.name for u in uniforms]):
            found.append(
                finding(
                    "SYN-DUP-003",
                    f"{at}/{i}/name",
                    f"Uniform {uniforms[i].name!r} is already listed at {at}/{first}/name",
                )
            )
    found += _duplicate_bindings(scope)
    found += _duplicate_paths(scope)
    return found


def _duplicate_bindings(scope: Scope) -> list[Finding]:
    keys: list[tuple[str, str, tuple[frozenset[str], frozenset[str], bool, bool]]] = []
    #: (control index, mapping index) of each key; the rest is looked up for a finding.
    owners: list[tuple[int, int]] = []
    for index, ((_, control), target) in enumerate(
        zip(scope.controls, scope.control_targets(), strict=True)
    ):
        if target is None:
            continue  # SYN-REF-001 says it already
        for j, mapping in enumerate(control.__dict__["mappings"]):
            fields = mapping.__dict__
            keys.append((target, fields["action"].__dict__["axis"], _combo_key(fields["combo"])))
            owners.append((index, j))
    found: list[Finding] = []
    for i, first in _repeats(keys):
        index, j = owners[i]
        pointer, control = scope.controls[index]
        mapping = control.mappings[j]
        first_pointer, first_j = scope.controls[owners[first][0]][0], owners[first][1]
        found.append(
            finding(
                "SYN-DUP-004",
                f"{pointer}/mappings/{j}",
                f"{mapping.action.axis} with {_combo_text(mapping.combo)} already drives "
                f"{keys[i][0]!r} at {first_pointer}/mappings/{first_j}",
            )
        )
    return found


def _duplicate_paths(scope: Scope) -> list[Finding]:
    found: list[Finding] = []
    for ptr, items in scope.input_parameter_lists():
        # Names label the parameters in a host's UI (and key them in some hosts).
        # A raw tone item may carry any name and path (the schema's anyOf lets
        # objects through); a non-string is unique, never a duplicate.
        names: list[Hashable] = []
        paths: list[Hashable] = []
        for item in items:
            if type(item) is dict:
                name, path = item.get("name"), item.get("path")
            else:
                fields = item.__dict__
                name, path = fields["name"], fields["path"]
            names.append(name if isinstance(name, str) and name else object())
            paths.append(path if isinstance(path, str) else object())
        for i, first in _repeats(names):
            found.append(
                finding(
                    "SYN-DUP-006",
                    f"{ptr}/input_parameters/{i}/name",
                    f"Input parameter name {names[i]!r} is already used at "
                    f"{ptr}/input_parameters/{first}/name",
                )
            )
        for i, first in _repeats(paths):
            found.append(
                finding(
                    "SYN-DUP-005",
                    f"{ptr}/input_parameters/{i}/path",
                    f"Input parameter path {paths[i]!r} is already declared at "
                    f"{ptr}/input_parameters/{first}/path; references reach only the first",
                )
            )
    return found
