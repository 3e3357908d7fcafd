"""Controls as a whole (SYN-CTRL-*).

A *control* (one entry of ``control_parameters``) keeps its own value, range,
step and smoothing: a host builds one control object per entry. Two entries
that drive the same parameter therefore hold two values for it, and whichever
moves last makes the parameter jump from where the other left it. One entry
with several mappings shares one value among its gestures (the published
Example2 binds the wheel and a drag to ``u_initial_r`` that way).
"""

from __future__ import annotations

from synharness.codes import finding
from synharness.findings import Finding
from synharness.semantic.duplicates import _combo_key
from synharness.semantic.scope import Scope


def check_controls(scope: Scope) -> list[Finding]:
    """SYN-CTRL-001 for every control after the first one on a parameter.

    A pair that shares a gesture is left to SYN-DUP-004, which names the
    gesture; merging the two controls fixes both.
    """
    first_of: dict[str, int] = {}
    found: list[Finding] = []
    for index, (pointer, control) in enumerate(scope.controls):
        target = scope.target(control.parameter)
        if target is None:
            continue  # SYN-REF-001 says it already
        if target not in first_of:
            first_of[target] = index
            continue
        first_pointer, first = scope.controls[first_of[target]]
        gestures = {(m.action.axis, _combo_key(m.combo)) for m in first.mappings}
        if any((m.action.axis, _combo_key(m.combo)) in gestures for m in control.mappings):
            continue
        differs = [
            name
            for name in ("min", "max", "default", "step", "smoothingTime")
            if getattr(control, name) != getattr(first, name)
        ]
        found.append(
            finding(
                "SYN-CTRL-001",
                pointer,
                f"Control {control.parameter!r} drives {target!r} like the control at "
                f"{first_pointer}, each with its own value"
                + (f" (and its own {', '.join(differs)})" if differs else "")
                + ": the parameter jumps when the gestures alternate",
                hint=f"Move the mappings of {pointer} into {first_pointer}/mappings and remove "
                "this control, so that the gestures share one value.",
            )
        )
    return found
