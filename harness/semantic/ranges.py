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
    kind = type(low)
    lo = low if kind is float else float(low) if kind is int else number(low)
    kind = type(high)
    hi = high if kind is float else float(high) if kind is int else number(high)
    if lo is None or hi is None or not lo < hi:
        return False
    kind = type(default)
    d = default if kind is float else float(default) if kind is int else number(default)
    if d is not None and not lo <= d <= hi:
        return False
    if step is None:
        return True
    st = step if type(step) is float else number(step)
    return st is None or 0 < st <= hi - lo


def _name(item: Any) -> str:
    """How a finding names an input parameter: its path."""
    return str(item.get("path") if type(item) is dict else item.path)


def check_ranges(scope: Scope) -> list[Finding]:
    """SYN-RANGE-001..003 on controls, input parameters and modulations; SYN-RANGE-004."""
    found: list[Finding] = []
    # Model fields are read from the instance dicts: pydantic models define
    # __getattr__, which keeps attribute loads unspecialised.
    for pointer, c in scope.controls:
        fields = c.__dict__
        low, high, default, step = fields["min"], fields["max"], fields["default"], fields["step"]
        if not _sound(low, high, default, step):
            found += check_range(
                low, high, default, step, pointer, f"Control {fields['parameter']!r}"
            )
    for ptr, items in scope.input_parameter_lists():
        for i, item in enumerate(items):
            if type(item) is dict:  # a raw tone object: any key may be missing
                get = item.get
                low, high, default, step = get("min"), get("max"), get("default"), get("step")
            else:
                fields = item.__dict__
                low, high = fields["min"], fields["max"]
                default, step = fields["default"], fields["step"]
            if not _sound(low, high, default, step):
                # Pointer and label formatted only for a finding.
                found += check_range(
                    low,
                    high,
                    default,
                    step,
                    f"{ptr}/input_parameters/{i}",
                    f"Input parameter {_name(item)!r}",
                )
    for pointer, mod in scope.modulations:
        fields = mod.__dict__
        low, high = fields["min"], fields["max"]
        if low is not None and high is not None and low >= high:
            found.append(
                finding(
                    "SYN-RANGE-002",
                    f"{pointer}/min",
                    f"Modulation {mod.id!r}: min {low:g} is not below max {high:g}",
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
    declared = scope.declared
    for (pointer, control), path in zip(scope.controls, scope.control_targets(), strict=True):
        target = declared.get(path) if path else None
        if target is None:
            continue
        fields = control.__dict__
        # Floats, the usual values, skip the call to number().
        low, high = fields["min"], fields["max"]
        if type(low) is not float:
            low = number(low)
        if type(high) is not float:
            high = number(high)
        target_min, target_max = target.min, target.max
        if (low is None or target_min is None or low >= target_min or _close(low, target_min)) and (
            high is None or target_max is None or high <= target_max or _close(high, target_max)
        ):
            continue  # the usual case: within the target's range
        if not target.is_numeric:
            continue
        problems: list[str] = []
        if (
            low is not None
            and target_min is not None
            and low < target_min
            and not _close(low, target_min)
        ):
            problems.append(f"min {low:g} is below the target's min {target_min:g}")
        if (
            high is not None
            and target_max is not None
            and high > target_max
            and not _close(high, target_max)
        ):
            problems.append(f"max {high:g} is above the target's max {target_max:g}")
        if problems:
            found.append(
                finding(
                    "SYN-RANGE-004",
                    pointer,
                    f"Control {control.parameter!r} disagrees with {path!r}: "
                    + "; ".join(problems)
                    + " (that part of the control's travel is clamped and does nothing)",
                    hint=f"Keep the control within the range [{_g(target_min)}, {_g(target_max)}] "
                    f"of {path!r}, or widen the target's range.",
                )
            )
    return found
