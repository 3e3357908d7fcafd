"""RuleAgent: fires rule triggers and applies their effects.

Vocabulary:
- *trigger*: ``grid_cell`` (the only type the corpus uses) fires on a press
  of a cell inside the ``gridSize`` x ``gridSize`` grid, at most once per
  ``cooldown`` milliseconds *per cell*; other trigger types never fire here
  (the validator reports unknown ones);
- *value*: a number, or ``{"source": "grid.pressure", "scale", "curve",
  "threshold", "cell_overrides"}``: the press's pressure, ignored below the
  threshold, shaped by the curve (``linear``; ``exp``/``exponential`` v²;
  ``log``/``logarithmic`` log10(1 + 9v); ``sine`` sin(πv/2); ``sigmoid``
  1/(1 + e^(-12(v - ½)))), times the scale; an override whose ``coord`` is
  the pressed cell replaces any of threshold, scale and curve;
- *parameter ops*: ``set`` (set point := value), ``add`` (set point += value),
  ``multiply`` or its alias ``scale`` (set point x= value), ``toggle`` (the set
  point flips between the parameter's min and max) and ``add_pulse`` (the
  smoothed value jumps by the value and relaxes back with the parameter's
  smoothing time); the op vocabulary is :mod:`synharness.semantic.vocabulary`'s;
- *event ops*: ``triggerAttackRelease`` and the other sound and haptic ops
  become entries of the event log, with ``<grid.note>`` resolved to a note.

An unknown op is a ``SYN-RULE-003`` finding, never an exception.
"""

from __future__ import annotations

import math
from typing import Any

from synharness.agents.config import EVENT_OPS, CompiledAsset, CompiledEffect
from synharness.agents.control import ControlState
from synharness.codes import finding
from synharness.findings import Finding
from synharness.semantic.vocabulary import PARAMETER_OPS

_NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
#: The note of cell (0, 0); cells count up in semitones, row by row.
BASE_NOTE = 48


def grid_note(cell: tuple[int, int], grid_size: int) -> str:
    """Note name of a cell: C3 at (0, 0), one semitone per column, one grid row per row."""
    midi = min(127, BASE_NOTE + cell[0] + cell[1] * grid_size)
    return f"{_NOTE_NAMES[midi % 12]}{midi // 12 - 1}"


def _curve(name: str, v: float) -> float:
    if name in ("exp", "exponential"):
        return v * v
    if name in ("log", "logarithmic"):
        return math.log10(1.0 + 9.0 * v)
    if name == "sine":
        return math.sin(math.pi * v / 2.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + math.exp(-12.0 * (v - 0.5)))
    return v


def source_value(spec: dict[str, Any], pressure: float, cell: tuple[int, int]) -> float | None:
    """Evaluate a ``{"source": ...}`` value for a press; None below the threshold."""
    scale, curve, threshold = (
        spec.get("scale", 1.0),
        spec.get("curve", "linear"),
        spec.get("threshold", 0.0),
    )
    for override in spec.get("cell_overrides") or []:
        if isinstance(override, dict) and list(override.get("coord", [])) == list(cell):
            scale = override.get("scale", scale)
            curve = override.get("curve", curve)
            threshold = override.get("threshold", threshold)
    v = pressure
    if isinstance(threshold, int | float) and v < threshold:
        return None
    return _curve(str(curve), v) * (float(scale) if isinstance(scale, int | float) else 1.0)


def resolve_value(value: Any, pressure: float, cell: tuple[int, int], grid_size: int) -> Any:
    """Resolve a value for a press: numbers stay, sources are evaluated, ``<grid.note>`` named."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return grid_note(cell, grid_size) if value == "<grid.note>" else value
    if isinstance(value, dict):
        if "source" in value:
            return source_value(value, pressure, cell)
        return {k: resolve_value(v, pressure, cell, grid_size) for k, v in value.items()}
    return value


class RuleAgent:
    """Fires rules on grid presses and applies their effects to the control state."""

    def __init__(self, compiled: CompiledAsset, state: ControlState) -> None:
        self.compiled = compiled
        self.state = state
        self.table = compiled.table
        #: (rule index, cell) -> time of the last firing.
        self._last: dict[tuple[int, tuple[int, int]], float] = {}
        #: The event log: one dict per sound, haptic or parameter effect applied.
        self.events: list[dict[str, Any]] = []
        self.findings: list[Finding] = []
        self._reported: set[str] = set()

    def step(self, t: float, cell: tuple[int, int], pressure: float) -> None:
        """Handle one press of ``cell`` with ``pressure`` at time ``t``."""
        for i, rule in enumerate(self.compiled.rules):
            if rule.trigger != "grid_cell" or rule.grid_size <= 0:
                continue
            if not (0 <= cell[0] < rule.grid_size and 0 <= cell[1] < rule.grid_size):
                continue
            last = self._last.get((i, cell))
            # A tolerance of a microsecond keeps "exactly one cooldown later" firing.
            if last is not None and t - last < rule.cooldown - 1e-6:
                continue
            self._last[(i, cell)] = t
            for effect in rule.effects:
                self._apply(rule.id, rule.grid_size, effect, t, cell, pressure)

    def _apply(
        self,
        rule_id: str,
        grid_size: int,
        effect: CompiledEffect,
        t: float,
        cell: tuple[int, int],
        pressure: float,
    ) -> None:
        value = resolve_value(effect.value, pressure, cell, grid_size)
        entry = {
            "t": t,
            "kind": effect.op,
            "target": effect.target,
            "rule": rule_id,
            "channel": effect.channel,
            "cell": list(cell),
            "value": value,
        }
        if effect.op in EVENT_OPS:
            if isinstance(value, dict) and "velocity" in value and value["velocity"] is None:
                return  # velocity below its threshold: no note
            self.events.append(entry)
            return
        if effect.op not in PARAMETER_OPS:
            if effect.pointer not in self._reported:
                self._reported.add(effect.pointer)
                self.findings.append(
                    finding(
                        "SYN-RULE-003",
                        effect.pointer + "/op",
                        f"rule {rule_id!r}: unknown op {effect.op!r}; the simulation ignores the effect",
                    )
                )
            return
        if not isinstance(value, float) or effect.row is None:
            return
        row, state = effect.row, self.state
        lo, hi = self.table.lo[row], self.table.hi[row]
        if effect.op == "add_pulse":
            state.smoothed[row] = min(max(state.smoothed[row] + value, lo), hi)
        else:
            if effect.op == "set":
                raw = value
            elif effect.op == "add":
                raw = state.raw[row] + value
            elif effect.op == "toggle":
                # A bool parameter is 0/1 (its min/max): flip to the other end.
                raw = hi if state.raw[row] < (lo + hi) / 2 else lo
            else:  # multiply, or its alias scale
                raw = state.raw[row] * value
            state.raw[row] = state.target[row] = min(max(raw, lo), hi)
        self.events.append(entry)
