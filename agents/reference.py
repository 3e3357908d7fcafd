"""The per-step reference: the simulation written the plain way, for tests and benchmarks.

It runs the same agents for input (controls, rules) but advances the
smoothing filter one step at a time and evaluates every modulation sample by
sample with the scalar functions of :mod:`synharness.agents.waveforms`, exactly as
``docs/semantics.md`` states them. The vectorised engine must agree with it
to 1e-9; it is far too slow for anything else.
"""

from __future__ import annotations

import math

import numpy as np
from synharness.agents.config import CompiledAsset
from synharness.agents.control import ControlAgent, ControlState, smoothing_factor
from synharness.agents.rules import RuleAgent
from synharness.agents.scenario import Scenario
from synharness.agents.timeline import build_timeline
from synharness.agents.waveforms import PROFILES, WAVEFORMS, shaped_wave


def modulation_value(
    waveform: str,
    profile: str,
    *,
    frequency: float,
    cycle: float,
    depth: float,
    offset: float,
    multiplicative: bool,
    lo: float,
    hi: float,
    t: float,
    shift: float = 0.0,
) -> float:
    """One modulation's clamped value at ``t`` around ``offset + shift``."""
    w = shaped_wave(waveform, profile, frequency, cycle, t)
    centre = offset + shift
    v = centre * (1.0 + depth * w) if multiplicative else centre + depth * w
    return min(max(v, lo), hi)


def reference_trace(compiled: CompiledAsset, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Every parameter at every step, and the clamped-step counts, computed step by step.

    Args:
        compiled: The asset.
        scenario: The run.

    Returns:
        (parameter rows x steps values, clamped steps per row).
    """
    table, bank = compiled.table, compiled.modulations
    steps, dt = scenario.steps, scenario.dt
    state = ControlState.at_rest(table.default)
    controls, rules = ControlAgent(compiled, state), RuleAgent(compiled, state)
    timeline = build_timeline(scenario)
    alpha = smoothing_factor(table.smoothing, dt).tolist()
    by_target: dict[int, list[int]] = {}
    for m, row in enumerate(bank.target.tolist()):
        by_target.setdefault(row, []).append(m)
    out = np.empty((len(table), steps))
    clamped = np.zeros(len(table), dtype=np.int64)
    default, lo, hi = table.default.tolist(), table.lo.tolist(), table.hi.tolist()
    for k in range(steps):
        t = k * dt
        actions = timeline.get(k)
        if actions is not None:
            for axis, amount, keys, buttons in actions.moves:
                controls.step(axis, amount, keys, buttons)
            for cell, pressure in actions.presses:
                rules.step(t, cell, pressure)
        for row in range(len(table)):
            y = float(state.smoothed[row])
            y = y + (float(state.target[row]) - y) * (1.0 - alpha[row])
            state.smoothed[row] = y
            value, hit = y, False
            for m in by_target.get(row, ()):
                raw = modulation_value(
                    WAVEFORMS[bank.waveform[m]],
                    PROFILES[bank.profile[m]],
                    frequency=float(bank.frequency[m]),
                    cycle=float(bank.cycle[m]),
                    depth=float(bank.depth[m]),
                    offset=float(bank.offset[m]),
                    multiplicative=bool(bank.multiplicative[m]),
                    lo=-math.inf,
                    hi=math.inf,
                    t=t,
                    shift=y - default[row],
                )
                v = min(max(raw, float(bank.lo[m])), float(bank.hi[m]))
                hit = hit or v != raw
                value += v - y
            final = min(max(value, lo[row]), hi[row])
            hit = hit or final != value
            clamped[row] += hit
            out[row, k] = final
    return out, clamped
