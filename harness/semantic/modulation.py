"""Modulation reach, depth and frequency (SYN-MOD-*).

*Depth* (SYN-MOD-003): a modulation whose depth is below its target's step is
reported only when its sweep is also imperceptible (:func:`_imperceptible`):
the step quantises what a control sets, not what a modulation adds.

*Reach*: the interval a modulation sweeps. The waveform and the scale profile
map onto [-1, 1] at their extremes, so with depth ``d = amplitude · scale``
an additive modulation reaches ``offset ± d`` and a multiplicative one
``offset · (1 ± d)``. The reach is compared with the modulation's own
``[min, max]`` and with the range its target declares.
"""

from __future__ import annotations

from synharness.codes import finding
from synharness.findings import Finding
from synharness.models import ModulationItem
from synharness.semantic.scope import Scope

#: Above this an LFO is audio-rate: the control-rate runtime aliases it.
MAX_FREQUENCY_HZ = 1000.0
#: A sweep whose peak-to-peak is below this fraction of the target's range is
#: imperceptible (SYN-MOD-003): one part in a thousand is finer than an 8-bit
#: colour channel (1/256), a pixel of a 1000-pixel travel, and the loudness
#: (about 1 dB of a 60 dB range) or pitch (about 5 cents of 2,400) difference
#: listeners notice.
JND_FRACTION = 1e-3
#: float32 (uniforms, Web Audio AudioParams) resolves about 2^-24 of a value.
FLOAT32_RESOLUTION = 2.0**-24
_EPS = 1e-9


def _imperceptible(
    depth: float, offset: float, low: float | None, high: float | None
) -> str | None:
    """Why a sweep of ``±depth`` around ``offset`` cannot be seen or heard, or None.

    A step quantises controls, not modulations, so the step alone says
    nothing; the measure is the sweep against the target's range, or against
    float32 resolution where the range is unknown.
    """
    if depth * 2 < FLOAT32_RESOLUTION * max(1.0, abs(offset)):
        return "the sweep is below float32 resolution"
    if (
        low is not None
        and high is not None
        and high > low
        and depth * 2 < JND_FRACTION * (high - low)
    ):
        return (
            f"its peak-to-peak {depth * 2:g} is under 1/1000 of the range "
            f"[{low:g}, {high:g}] (imperceptible)"
        )
    return None


def reach(mod: ModulationItem) -> tuple[float, float]:
    """The (low, high) interval the modulation sweeps."""
    return _swept(mod.offset, abs(mod.amplitude * mod.scale), mod.type == "multiplicative")


def _swept(offset: float, depth: float, multiplicative: bool) -> tuple[float, float]:
    """:func:`reach` from the fields: ``offset ± depth``, or ``offset·(1 ± depth)``."""
    if multiplicative:
        a, b = offset * (1 - depth), offset * (1 + depth)
        return (a, b) if a <= b else (b, a)
    return offset - depth, offset + depth


def _outside(low: float, high: float, lo: float, hi: float) -> str | None:
    """'wholly', 'partly' or None: how [low, high] leaves [lo, hi]."""
    tol = _EPS * max(1.0, abs(lo), abs(hi))
    if high < lo - tol or low > hi + tol:
        return "wholly"
    if low < lo - tol or high > hi + tol:
        return "partly"
    return None


def check_modulations(scope: Scope) -> list[Finding]:
    """SYN-MOD-001..004 for every modulation of the scope."""
    found: list[Finding] = []
    targets = scope.modulation_targets() if scope.resolving else None
    declared = scope.declared
    for index, (pointer, mod) in enumerate(scope.modulations):
        # Fields from the instance dict: pydantic models define __getattr__,
        # which keeps attribute loads unspecialised.
        fields = mod.__dict__
        frequency = fields["frequency"]
        if not 0 < frequency <= MAX_FREQUENCY_HZ:
            found.append(
                finding(
                    "SYN-MOD-004",
                    f"{pointer}/frequency",
                    f"Modulation {mod.id!r}: frequency {frequency:g} Hz is outside (0, 1000]",
                )
            )
        amplitude, scale, offset = fields["amplitude"], fields["scale"], fields["offset"]
        multiplicative = fields["type"] == "multiplicative"
        depth = abs(amplitude * scale)
        low, high = _swept(offset, depth, multiplicative)
        path = targets[index] if targets is not None else None
        target = declared.get(path) if path else None
        # (how, name, lo, hi) for each range the sweep leaves: its own, its target's.
        verdicts: list[tuple[str, str, float, float]] = []
        own_min, own_max = fields["min"], fields["max"]
        if (
            own_min is not None
            and own_max is not None
            and own_min < own_max
            and (how := _outside(low, high, own_min, own_max))
        ):
            verdicts.append((how, "its own range", own_min, own_max))
        if (
            target is not None
            and target.min is not None
            and target.max is not None
            and target.min < target.max
            and (how := _outside(low, high, target.min, target.max))
        ):
            verdicts.append((how, f"the range of {path!r}", target.min, target.max))
        if verdicts:
            # Formatted only for a finding: most modulations stay in range.
            wholly = [v for v in verdicts if v[0] == "wholly"]
            worst = wholly or verdicts
            formula = f"{offset:g}·(1 ± {depth:g})" if multiplicative else f"{offset:g} ± {depth:g}"
            code = "SYN-MOD-002" if wholly else "SYN-MOD-001"
            where = " and ".join(f"{name} [{lo:g}, {hi:g}]" for _, name, lo, hi in worst)
            found.append(
                finding(
                    code,
                    f"{pointer}/offset" if wholly else f"{pointer}/amplitude",
                    f"Modulation {mod.id!r} reaches [{low:g}, {high:g}] ({formula}), "
                    f"{worst[0][0]} outside {where}",
                )
            )
        if target is None or target.step is None:
            continue
        if multiplicative:
            depth *= abs(offset)
        if depth < target.step and (why := _imperceptible(depth, offset, target.min, target.max)):
            found.append(
                finding(
                    "SYN-MOD-003",
                    f"{pointer}/amplitude",
                    f"Modulation {mod.id!r}: depth {depth:g} is below the step {target.step:g} "
                    f"of {path!r}, and {why}",
                )
            )
    return found
