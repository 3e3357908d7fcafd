"""ControlAgent: scripted mouse and keyboard input through the asset's control mappings.

Vocabulary:
- *held set*: the keys and mouse buttons held at a step (the union of the
  ``hold`` of every input whose span covers the step);
- *combo match*: a ``strict`` combo matches when exactly its keys and buttons
  are held, any other when at least they are;
- *set point* ``x``: where controls and rules want a parameter; the *raw*
  value ``r`` is the unquantised set point (so that slow movements still add
  up); the *smoothed* value ``y`` follows ``x`` with the one-pole filter
  ``y += (x - y)(1 - e^(-dt/τ))``.

A movement of ``delta`` pixels (or wheel notches) moves the control by
``delta · sensitivity · scale`` parameter units along its curve: ``linear``
moves the value; ``exponential`` (``s²``), ``sine`` (``sin(πs/2)``) move the
position ``s`` in [0, 1] whose image ``lo + (hi - lo)·C(s)`` is the value;
``discrete`` moves linearly and snaps to the step (or to whole numbers). Then
the value is clamped to the control's range and quantised to its step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from synharness.agents.config import CompiledAsset, ControlMapping

_CURVES: dict[str, tuple[Callable[[float], float], Callable[[float], float]]] = {
    "exponential": (lambda s: s * s, lambda v: math.sqrt(max(v, 0.0))),
    "sine": (
        lambda s: math.sin(math.pi * s / 2.0),
        lambda v: 2.0 / math.pi * math.asin(min(max(v, 0.0), 1.0)),
    ),
}


@dataclass
class ControlState:
    """Per parameter row: raw value, set point and smoothed value."""

    raw: np.ndarray
    target: np.ndarray
    smoothed: np.ndarray

    @classmethod
    def at_rest(cls, default: np.ndarray) -> ControlState:
        """Everything at the defaults."""
        return cls(default.copy(), default.copy(), default.copy())


def quantise(value: float, lo: float, step: float) -> float:
    """Snap ``value`` to the grid ``lo + n·step`` (no-op without a step)."""
    if step <= 0 or not math.isfinite(lo):
        return value
    notches = (value - lo) / step
    if not math.isfinite(notches):  # a step so small (4e-324) that the grid is no grid
        return value
    return lo + round(notches) * step


def move_control(mapping: ControlMapping, raw: float, amount: float) -> float:
    """New raw value of a parameter after ``amount`` pixels or notches on ``mapping``."""
    delta = amount * mapping.gain
    lo, hi = mapping.lo, mapping.hi
    bounded = math.isfinite(lo) and math.isfinite(hi) and hi > lo
    if bounded and mapping.curve in _CURVES:
        forward, inverse = _CURVES[mapping.curve]
        position = inverse((min(max(raw, lo), hi) - lo) / (hi - lo))
        position = min(max(position + delta / (hi - lo), 0.0), 1.0)
        return lo + (hi - lo) * forward(position)
    return min(max(raw + delta, lo), hi)


def set_point(mapping: ControlMapping, raw: float) -> float:
    """The set point a raw value gives: quantised to the step, clamped to the range."""
    step = mapping.step if mapping.step > 0 else (1.0 if mapping.curve == "discrete" else 0.0)
    return min(max(quantise(raw, mapping.lo, step), mapping.lo), mapping.hi)


def combo_matches(mapping: ControlMapping, keys: frozenset[str], buttons: frozenset[str]) -> bool:
    """Whether the held keys and buttons fire ``mapping``."""
    if mapping.strict:
        return mapping.keys == keys and mapping.buttons == buttons
    return mapping.keys <= keys and mapping.buttons <= buttons


#: What a move needs of one mapping, worked out once: (row, gain, lo, hi, the curve's
#: forward and inverse or None, the quantisation step or 0).
_Plan = tuple[
    int,
    float,
    float,
    float,
    tuple[Callable[[float], float], Callable[[float], float]] | None,
    float,
]


def _plan(mapping: ControlMapping) -> _Plan:
    """:func:`move_control` and :func:`set_point`'s tests of ``mapping``, done once."""
    lo, hi = mapping.lo, mapping.hi
    bounded = math.isfinite(lo) and math.isfinite(hi) and hi > lo
    curve = _CURVES.get(mapping.curve) if bounded else None
    step = mapping.step if mapping.step > 0 else (1.0 if mapping.curve == "discrete" else 0.0)
    return mapping.row, mapping.gain, lo, hi, curve, step if step > 0 and math.isfinite(lo) else 0.0


class ControlAgent:
    """Applies scripted input to the set points of the parameters controls drive."""

    def __init__(self, compiled: CompiledAsset, state: ControlState) -> None:
        self.compiled = compiled
        self.state = state
        self._by_axis: dict[str, list[ControlMapping]] = {}
        for mapping in compiled.controls:
            self._by_axis.setdefault(mapping.axis, []).append(mapping)
        #: (axis, keys, buttons) -> the mappings that combination fires, so a move
        #: costs the mappings it moves, not every mapping of the axis.
        self._fired: dict[tuple[str, frozenset[str], frozenset[str]], list[ControlMapping]] = {}
        self._plans: dict[tuple[str, frozenset[str], frozenset[str]], list[_Plan]] = {}

    def fired(
        self, axis: str, keys: frozenset[str], buttons: frozenset[str]
    ) -> list[ControlMapping]:
        """The mappings of ``axis`` whose combo the held ``keys`` and ``buttons`` match."""
        key = (axis, keys, buttons)
        hit = self._fired.get(key)
        if hit is None:
            hit = [m for m in self._by_axis.get(axis, ()) if combo_matches(m, keys, buttons)]
            self._fired[key] = hit
        return hit

    def step(self, axis: str, amount: float, keys: frozenset[str], buttons: frozenset[str]) -> None:
        """Apply ``amount`` pixels (or notches) on ``axis`` with ``keys`` and ``buttons`` held.

        Each fired mapping moves as :func:`move_control` then :func:`set_point` say, the
        same operations written out (a scripted run makes this call at every step).
        """
        key = (axis, keys, buttons)
        plans = self._plans.get(key)
        if plans is None:
            plans = self._plans[key] = [_plan(m) for m in self.fired(axis, keys, buttons)]
        raws, targets = self.state.raw, self.state.target
        for row, gain, lo, hi, curve, grid in plans:
            raw = raws.item(row)
            delta = amount * gain
            if curve is None:
                raw = min(max(raw + delta, lo), hi)
            else:
                forward, inverse = curve
                position = inverse((min(max(raw, lo), hi) - lo) / (hi - lo))
                position = min(max(position + delta / (hi - lo), 0.0), 1.0)
                raw = lo + (hi - lo) * forward(position)
            raws[row] = raw
            value = raw
            if grid:
                notches = (raw - lo) / grid
                if math.isfinite(notches):
                    value = lo + round(notches) * grid
            targets[row] = min(max(value, lo), hi)

    @staticmethod
    def smooth(state: ControlState, alpha: np.ndarray) -> None:
        """One step of the one-pole filter: ``y += (x - y)(1 - a)``, ``a = e^(-dt/τ)``."""
        state.smoothed += (state.target - state.smoothed) * (1.0 - alpha)


def smoothing_factor(tau: np.ndarray, dt: float) -> np.ndarray:
    """``a = e^(-dt/τ)`` per row (0 where τ = 0: no smoothing)."""
    with np.errstate(divide="ignore"):
        return np.where(tau > 0, np.exp(-dt / np.where(tau > 0, tau, 1.0)), 0.0)
