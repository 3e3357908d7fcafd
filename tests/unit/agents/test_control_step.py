"""ControlAgent.step writes out move_control and set_point: the same numbers, bit for bit."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import cast

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from synharness.agents.config import CompiledAsset, ControlMapping
from synharness.agents.control import ControlAgent, ControlState, move_control, set_point

bounds = st.one_of(st.floats(-50, 50), st.just(math.inf), st.just(-math.inf))


@st.composite
def mappings(draw: st.DrawFn, row: int) -> ControlMapping:
    lo, hi = sorted((draw(bounds), draw(bounds)))
    return ControlMapping(
        row=row,
        pointer=f"/control/{row}",
        axis="mouse.x",
        gain=draw(st.one_of(st.floats(-2, 2), st.just(5e-324))),
        curve=draw(st.sampled_from(["linear", "exponential", "sine", "discrete", "odd"])),
        keys=frozenset(),
        buttons=frozenset(),
        strict=False,
        lo=lo,
        hi=hi,
        step=draw(st.sampled_from([0.0, -1.0, 0.25, 1e-300, 3.0])),
    )


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_step_equals_move_control_then_set_point(data: st.DataObject) -> None:
    # Two mappings on one row, one on another: the second reads what the first wrote.
    maps = [data.draw(mappings(0)), data.draw(mappings(0)), data.draw(mappings(1))]
    start = np.array([data.draw(st.floats(-60, 60)) for _ in range(2)])
    state = ControlState.at_rest(start)
    agent = ControlAgent(cast(CompiledAsset, SimpleNamespace(controls=tuple(maps))), state)
    raw, target = start.copy(), start.copy()
    for _ in range(3):
        amount = data.draw(st.floats(-500, 500))
        agent.step("mouse.x", amount, frozenset(), frozenset())
        for m in maps:
            raw[m.row] = move_control(m, float(raw[m.row]), amount)
            target[m.row] = set_point(m, float(raw[m.row]))
        assert state.raw.tobytes() == raw.tobytes()
        assert state.target.tobytes() == target.tobytes()
