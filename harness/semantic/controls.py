"""Controls as a whole (SYN-CTRL-*).

SYN-CTRL-002: a control that drives a shader uniform the shader lists but
neither GLSL source declares moves nothing on screen. Listing such a uniform
is only a note (SYN-GLSL-002: the backend wants its reserved uniforms listed);
driving it with a control is the defect.

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
from synharness.semantic.glsl import THREE_BUILTINS
from synharness.semantic.glsl_parse import parse_pair
from synharness.semantic.scope import Scope


def check_controls(scope: Scope) -> list[Finding]:
    """SYN-CTRL-001 and SYN-CTRL-002 for the scope's controls."""
    return _shared_parameters(scope) + _undeclared_uniforms(scope)


def _undeclared_uniforms(scope: Scope) -> list[Finding]:
    shader = scope.shader
    if shader is None or not scope.resolving or not scope.controls or not shader.uniforms:
        return []
    pair = parse_pair(shader.vertex_shader, shader.fragment_shader)
    if pair.vertex.includes or pair.fragment.includes:
        return []  # what three.js chunks declare is unknown here
    listed = {u.__dict__["name"] for u in shader.uniforms}
    found: list[Finding] = []
    for (pointer, control), path in zip(scope.controls, scope.control_targets(), strict=True):
        if path is None or not path.startswith("shader."):
            continue
        name = path[7:]  # without "shader."
        # Not listed at all is SYN-GLSL-007's case (the input parameter names no uniform).
        if name in listed and name not in pair.uniforms and name not in THREE_BUILTINS:
            found.append(
                finding(
                    "SYN-CTRL-002",
                    f"{pointer}/parameter",
                    f"Control {control.parameter!r} drives the uniform {name!r}, which the shader "
                    "lists but neither GLSL source declares: moving it changes nothing on screen",
                )
            )
    return found


def _shared_parameters(scope: Scope) -> list[Finding]:
    """SYN-CTRL-001 for every control after the first one on a parameter.

    A pair that shares a gesture is left to SYN-DUP-004, which names the
    gesture; merging the two controls fixes both.
    """
    first_of: dict[str, int] = {}
    found: list[Finding] = []
    for index, target in enumerate(scope.control_targets()):
        if target is None:
            continue  # SYN-REF-001 says it already
        if target not in first_of:
            first_of[target] = index
            continue
        pointer, control = scope.controls[index]
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
