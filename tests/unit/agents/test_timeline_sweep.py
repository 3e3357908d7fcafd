"""The timeline's held sets by sweep line equal those of the scan over every input it replaced."""

from __future__ import annotations

import numpy as np
from synharness.agents.config import normalise_key
from synharness.agents.scenario import Hold, Input, Move, Scenario
from synharness.agents.timeline import _covers, _spread, build_timeline


def _reference_moves(
    scenario: Scenario,
) -> dict[int, list[tuple[str, float, frozenset[str], frozenset[str]]]]:
    """The former quadratic construction: each move scans every input for its held set."""
    dt, steps, inputs = scenario.dt, scenario.steps, scenario.timeline_inputs()
    out: dict[int, list[tuple[str, float, frozenset[str], frozenset[str]]]] = {}
    for item in inputs:
        assert item.move is not None
        for k, amount in _spread(item, item.move.delta, dt, steps):
            keys = {normalise_key(x) for i in inputs if _covers(i, k * dt) for x in i.hold.keys}
            buttons = {b.lower() for i in inputs if _covers(i, k * dt) for b in i.hold.buttons}
            keys |= {normalise_key(x) for x in item.hold.keys}
            buttons |= {b.lower() for b in item.hold.buttons}
            out.setdefault(k, []).append(
                (item.move.axis, amount, frozenset(keys), frozenset(buttons))
            )
    return out


def test_sweep_line_equals_the_scan_on_random_overlapping_spans() -> None:
    rng = np.random.default_rng(7)
    inputs = []
    for _ in range(80):
        size = int(rng.integers(0, 3))
        keys = tuple(
            str(k) for k in rng.choice(["Shift", "a", "b", "Control"], size=size, replace=False)
        )
        buttons = ("Left",) if rng.random() < 0.3 else ()
        axis = "mouse.x" if rng.random() < 0.5 else "mouse.y"
        inputs.append(
            Input(
                at=round(float(rng.uniform(0, 5)), 2),
                duration=float(rng.choice([0.0, 0.1, 0.5, 1.5])),
                hold=Hold(keys=keys, buttons=buttons),
                move=Move(axis=axis, delta=float(rng.uniform(-50, 50))),
            )
        )
    scenario = Scenario(name="s", duration=6.0, inputs=tuple(inputs))
    timeline = build_timeline(scenario)
    got = {k: a.moves for k, a in timeline.items() if a.moves}
    assert got == _reference_moves(scenario)
    assert sum(len(m) for m in got.values()) > 500
