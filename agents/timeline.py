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

import heapq
import math
from collections import Counter, defaultdict
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
    #: (step, order, axis, amount, own keys, own buttons): the held sets are added by
    #: one sweep over the moves in step order, after every input is spread.
    moves: list[tuple[int, int, str, float, frozenset[str], frozenset[str]]] = []
    holds = [
        (
            i,
            frozenset(normalise_key(k) for k in i.hold.keys),
            frozenset(b.lower() for b in i.hold.buttons),
        )
        for i in inputs
        if i.hold.keys or i.hold.buttons
    ]

    held = _HeldSets(holds)

    for item in inputs:
        if item.move is not None or item.wheel is not None:
            axis = item.move.axis if item.move is not None else "mouse.wheel"
            total = item.move.delta if item.move is not None else float(item.wheel or 0.0)
            own_keys = frozenset(normalise_key(x) for x in item.hold.keys)
            own_buttons = frozenset(b.lower() for b in item.hold.buttons)
            for k, amount in _spread(item, total, dt, steps):
                moves.append((k, len(moves), axis, amount, own_keys, own_buttons))
        elif item.grid is not None:
            times = [item.at]
            if item.grid.every is not None and item.duration > 0:
                count = math.floor(item.duration / item.grid.every + _EPS)
                times = [item.at + n * item.grid.every for n in range(count + 1)]
            for at in times:
                k = first_step(at, dt)
                if k < steps:
                    timeline[k].presses.append((item.grid.cell, item.grid.pressure))
    moves.sort(key=lambda m: (m[0], m[1]))
    # Unions repeat (the held set changes only at span ends): build each once.
    unions: dict[tuple[frozenset[str], frozenset[str]], frozenset[str]] = {}
    for k, _, move_axis, amount, own_keys, own_buttons in moves:
        keys, buttons = held.at(k * dt)
        # The input's own hold counts even on the step just after its span.
        if own_keys:
            keys = unions.get((keys, own_keys)) or unions.setdefault(
                (keys, own_keys), keys | own_keys
            )
        if own_buttons:
            pair = (buttons, own_buttons)
            buttons = unions.get(pair) or unions.setdefault(pair, buttons | own_buttons)
        timeline[k].moves.append((move_axis, amount, keys, buttons))
    return dict(timeline)


class _HeldSets:
    """The held set at non-decreasing times, by a sweep line over the sorted spans.

    ``at(t)`` must be called with non-decreasing ``t``; each span enters once
    (when ``t`` reaches its start) and leaves once (when ``t`` passes its end),
    so a run costs O(n log n) in the inputs plus O(1) per query while the set
    is unchanged, instead of a scan of every input per query. Coverage is
    :func:`_covers`'s: ``at - ε <= t <= at + duration + ε``.
    """

    def __init__(self, holds: list[tuple[Input, frozenset[str], frozenset[str]]]) -> None:
        self._starts = sorted(
            ((item.at - _EPS, n) for n, (item, _, _) in enumerate(holds)), reverse=True
        )
        self._ends: list[tuple[float, int]] = []
        self._holds = holds
        self._keys: Counter[str] = Counter()
        self._buttons: Counter[str] = Counter()
        self._current: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
        self._dirty = False

    def at(self, t: float) -> tuple[frozenset[str], frozenset[str]]:
        starts, ends = self._starts, self._ends
        while starts and starts[-1][0] <= t:
            _, n = starts.pop()
            item, keys, buttons = self._holds[n]
            end = item.at + item.duration + _EPS
            if t <= end:
                heapq.heappush(ends, (end, n))
                self._keys.update(keys)
                self._buttons.update(buttons)
                self._dirty = True
        while ends and ends[0][0] < t:
            _, n = heapq.heappop(ends)
            _, keys, buttons = self._holds[n]
            self._keys.subtract(keys)
            self._buttons.subtract(buttons)
            self._dirty = True
        if self._dirty:
            self._current = (
                frozenset(k for k, c in self._keys.items() if c > 0),
                frozenset(b for b, c in self._buttons.items() if c > 0),
            )
            self._dirty = False
        return self._current
