"""Declared ranges, defaults and steps (SYN-RANGE-*).

Checked on controls, on every component input parameter (shader, tone,
haptic) and on modulations' own ``[min, max]``. A broken range (min >= max)
is reported alone: default and step cannot be judged against it.
"""

from __future__ import annotations

from typing import Any

from synharness.codes import finding
from synharness.findings import Finding
from synharness.semantic.scope import Scope, number

#: Relative tolerance for comparing float bounds written in JSON.
_EPS = 1e-9


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _EPS * max(1.0, abs(a), abs(b))


def _g(value: float | None) -> str:
    return "unbounded" if value is None else f"{value:g}"


def check_range(
    low: Any, high: Any, default: Any, step: Any, pointer: str, what: str
) -> list[Finding]:
    """SYN-RANGE-001..003 for one declaration's raw min / max / default / step.

    Non-numbers (absent bounds, string defaults, ``{value, unit}`` objects are
    unwrapped) are skipped: the schema already judged their types.
    """
    lo, hi, d, st = number(low), number(high), number(default), number(step)
    # The common case, a sound declaration, leaves without building anything.
    if (
        lo is not None
        and hi is not None
        and lo < hi
        and (d is None or lo <= d <= hi)
        and (st is None or 0 < st <= hi - lo)
    ):
        return []
    if lo is not None and hi is not None and lo >= hi:
        return [
            finding("SYN-RANGE-002", f"{pointer}/min", f"{what}: min {low} is not below max {high}")
        ]
    found: list[Finding] = []
    if d is not None and (
        (lo is not None and d < lo and not _close(d, lo))
        or (hi is not None and d > hi and not _close(d, hi))
    ):
        found.append(
            finding(
                "SYN-RANGE-001",
                f"{pointer}/default",
                f"{what}: default {default} lies outside [{low}, {high}]",
            )
        )
    if st is not None:
        span = hi - lo if lo is not None and hi is not None else None
        if st <= 0 or (span is not None and st > span and not _close(st, span)):
            found.append(
                finding(
                    "SYN-RANGE-003",
                    f"{pointer}/step",
                    f"{what}: step {step} is "
                    + ("not above 0" if st <= 0 else f"larger than max - min = {span:g}"),
                )
            )
    return found


def _sound(low: Any, high: Any, default: Any, step: Any) -> bool:
    """Whether :func:`check_range` has nothing to say: its early return, without building anything.

    Floats, the usual case, are taken as they are; anything else goes through
    :func:`~synharness.semantic.scope.number` as in ``check_range``.
    """
    lo = low if type(low) is float else number(low)
    hi = high if type(high) is float else number(high)
    if lo is None or hi is None or not lo < hi:
        return False
    d = default if type(default) is float else number(default)
    st = step if type(step) is float else number(step)
    return (d is None or lo <= d <= hi) and (st is None or 0 < st <= hi - lo)


def _input_parameters(scope: Scope) -> list[tuple[Any, Any, Any, Any, str, int, Any]]:
    """(min, max, default, step, component pointer, index, name) of every input parameter.

    Pointers and labels are formatted only for the declarations that have a finding.
    """
    items: list[tuple[Any, Any, Any, Any, str, int, Any]] = []
    if scope.shader is not None:
        ptr = scope.shader_ptr
        for i, sp in enumerate(scope.shader.input_parameters or ()):
            items.append((sp.min, sp.max, sp.default, sp.step, ptr, i, sp.path))
    if scope.tone is not None:
        ptr = scope.tone_ptr
        for i, tp in enumerate(scope.tone.input_parameters):
            if isinstance(tp, dict):
                raw = (tp.get("min"), tp.get("max"), tp.get("default"), tp.get("step"))
                items.append((*raw, ptr, i, tp.get("path")))
            else:
                items.append((tp.min, tp.max, tp.default, tp.step, ptr, i, tp.path))
    if scope.haptic is not None:
        ptr = scope.haptic_ptr
        for i, hp in enumerate(scope.haptic.input_parameters):
            items.append((hp.min, hp.max, hp.default, hp.step, ptr, i, hp.path))
    return items


def check_ranges(scope: Scope) -> list[Finding]:
    """SYN-RANGE-001..003 on controls, input parameters and modulations; SYN-RANGE-004."""
    found: list[Finding] = []
    for pointer, c in scope.controls:
        if not _sound(c.min, c.max, c.default, c.step):
            found += check_range(
                c.min, c.max, c.default, c.step, pointer, f"Control {c.parameter!r}"
            )
    for low, high, default, step, ptr, i, name in _input_parameters(scope):
        if not _sound(low, high, default, step):
            found += check_range(
                low,
                high,
                default,
                step,
                f"{ptr}/input_parameters/{i}",
                f"Input parameter {str(name)!r}",
            )
    for pointer, mod in scope.modulations:
        if mod.min is not None and mod.max is not None and mod.min >= mod.max:
            found.append(
                finding(
                    "SYN-RANGE-002",
                    f"{pointer}/min",
                    f"Modulation {mod.id!r}: min {mod.min:g} is not below max {mod.max:g}",
                )
            )
    if scope.resolving:
        found += _control_agreement(scope)
    return found


def _control_agreement(scope: Scope) -> list[Finding]:
    # A control may cover part of its target's range (a deliberate restriction);
    # one that reaches beyond it has dead travel where the runtime clamps. A
    # different default is not reported: the control's default is where the
    # control starts, which an author may well choose apart from the target's.
    found: list[Finding] = []
    for pointer, control in scope.controls:
        path = scope.lookup(control.parameter)[0]
        target = scope.declared.get(path) if path else None
        if target is None or not target.is_numeric:
            continue
        # Floats, the usual values, skip the call to number().
        low = control.min if type(control.min) is float else number(control.min)
        high = control.max if type(control.max) is float else number(control.max)
        problems: list[str] = []
        if (
            low is not None
            and target.min is not None
            and low < target.min
            and not _close(low, target.min)
        ):
            problems.append(f"min {low:g} is below the target's min {target.min:g}")
        if (
            high is not None
            and target.max is not None
            and high > target.max
            and not _close(high, target.max)
        ):
            problems.append(f"max {high:g} is above the target's max {target.max:g}")
        if problems:
            found.append(
                finding(
                    "SYN-RANGE-004",
                    pointer,
                    f"Control {control.parameter!r} disagrees with {path!r}: "
                    + "; ".join(problems)
                    + " (that part of the control's travel is clamped and does nothing)",
                    hint=f"Keep the control within the range [{_g(target.min)}, {_g(target.max)}] "
                    f"of {path!r}, or widen the target's range.",
                )
            )
    return found
