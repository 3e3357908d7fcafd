"""Timeline: a scenario's inputs turned into what happens at which step.

Vocabulary:
- *step* ``k`` happens at ``t_k = k·dt``; an instant ``at`` belongs to the
  first step at or after it;
- a *span* ``[at, at + duration]`` spreads a movement evenly: step ``k``
  receives ``D·(F(t_k) - F(t_{k-1}))`` of a total ``D``, with
  ``F(t) = clamp((t - at)/duration, 0, 1)``, so the parts add up to ``D``
  exactly once the span is over;
- *held set* at a step: the keys and buttons of every input whose span covers it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from synharness.agents.config import normalise_key
from synharness.agents.scenario import Input, Scenario

#: Slack for times that should fall exactly on a step.
_EPS = 1e-9


@dataclass
class StepActions:
    """What the inputs do at one step."""

    #: (axis, amount, keys, buttons): ``mouse.x``/``mouse.y`` pixels or ``mouse.wheel`` notches.
    moves: list[tuple[str, float, frozenset[str], frozenset[str]]] = field(default_factory=list)
    #: (cell, pressure).
    presses: list[tuple[tuple[int, int], float]] = field(default_factory=list)


def first_step(at: float, dt: float) -> int:
    """The first step at or after time ``at``."""
    return max(0, math.ceil(at / dt - _EPS))


def _covers(item: Input, t: float) -> bool:
    return item.at - _EPS <= t <= item.at + item.duration + _EPS


def _spread(item: Input, total: float, dt: float, steps: int) -> list[tuple[int, float]]:
    if item.duration <= 0:
        k = first_step(item.at, dt)
        return [(k, total)] if k < steps else []
    k0 = first_step(item.at, dt)
    k1 = min(steps - 1, math.ceil((item.at + item.duration) / dt + _EPS))
    if k0 > k1:
        return []
    ks = np.arange(k0, k1 + 1)
    now = np.clip((ks * dt - item.at) / item.duration, 0.0, 1.0)
    before = np.clip(((ks - 1) * dt - item.at) / item.duration, 0.0, 1.0)
    parts = total * (now - before)
    return [(int(k), float(p)) for k, p in zip(ks, parts, strict=True) if p != 0.0]


def build_timeline(scenario: Scenario) -> dict[int, StepActions]:
    """Map each step at which something happens to what happens there.

    Args:
        scenario: The scenario whose inputs to schedule.

    Returns:
        Step -> actions, for steps ``0 .. scenario.steps - 1`` only.
    """
    dt, steps = scenario.dt, scenario.steps
    inputs = scenario.timeline_inputs()
    timeline: dict[int, StepActions] = defaultdict(StepActions)
    holds = [
        (
            i,
            frozenset(normalise_key(k) for k in i.hold.keys),
            frozenset(b.lower() for b in i.hold.buttons),
        )
        for i in inputs
        if i.hold.keys or i.hold.buttons
    ]

    def held(t: float) -> tuple[frozenset[str], frozenset[str]]:
        keys: set[str] = set()
        buttons: set[str] = set()
        for item, k, b in holds:
            if _covers(item, t):
                keys |= k
                buttons |= b
        return frozenset(keys), frozenset(buttons)

    for item in inputs:
        if item.move is not None or item.wheel is not None:
            axis = item.move.axis if item.move is not None else "mouse.wheel"
            total = item.move.delta if item.move is not None else float(item.wheel or 0.0)
            for k, amount in _spread(item, total, dt, steps):
                # The input's own hold counts even on the step just after its span.
                keys, buttons = held(k * dt)
                keys |= frozenset(normalise_key(x) for x in item.hold.keys)
                buttons |= frozenset(b.lower() for b in item.hold.buttons)
                timeline[k].moves.append((axis, amount, keys, buttons))
        elif item.grid is not None:
            times = [item.at]
            if item.grid.every is not None and item.duration > 0:
                count = math.floor(item.duration / item.grid.every + _EPS)
                times = [item.at + n * item.grid.every for n in range(count + 1)]
            for at in times:
                k = first_step(at, dt)
                if k < steps:
                    timeline[k].presses.append((item.grid.cell, item.grid.pressure))
    return dict(timeline)
