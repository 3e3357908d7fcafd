"""The timeline's cost is linear in the run, and a window is a few Python objects, not a few per step.

Counted, not timed: :attr:`Timeline.visits` counts each input pulled, each
visit a window pays to an input under way and each change of the held set;
a window's objects are counted by the garbage collector's own list. Both
failed before the windows became flat arrays (tens of thousands of tuples
per window, which the collector promoted and re-scanned on every full pass,
so that a 1000 s run cost more than ten 100 s ones).
"""

from __future__ import annotations

import gc
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synharness.agents import builtin_scenarios
from synharness.agents.engine import WINDOW_STEPS
from synharness.agents.scenario import Hold, Input, Scenario
from synharness.agents.timeline import Timeline, _covers, _held_steps
from synharness.loading import Source
from synharness.models import SynestheticAsset
from synharness.pipeline import check_source

from tests.conftest import ROOT


def _model(name: str) -> SynestheticAsset:
    path = ROOT / "examples" / name
    model = check_source(Source(name=str(path), path=path)).model
    assert model is not None
    return model


def _walk(scenario: Scenario, window: int) -> tuple[int, int]:
    """Visits and moves of the whole run read in windows of ``window`` steps."""
    timeline = Timeline(scenario)
    moves = 0
    for start in range(0, scenario.steps, window):
        moves += timeline.window(start, start + window).move_step.size
    return timeline.visits, moves


@pytest.mark.parametrize("name", ["grid-drum-pad.json", "heartbeat.json"])
@pytest.mark.parametrize("kind", ["sweep", "random"])
def test_timeline_work_grows_linearly_with_duration(name: str, kind: str) -> None:
    model = _model(name)
    runs = {}
    for duration in (40.0, 400.0):
        (scenario,) = [s for s in builtin_scenarios(model, duration=duration) if s.name == kind]
        # Windows of 500 steps: 5 and 49 of them, so per-window work shows.
        runs[duration] = (*_walk(scenario, 500), len(scenario.timeline_inputs()))
    (short, short_moves, short_inputs), (long, long_moves, long_inputs) = runs[40.0], runs[400.0]
    # The counter counts the work there is: every input at least once.
    assert short >= short_inputs > 0 and long >= long_inputs
    # Ten times the duration, about ten times the moves, and at most about ten times the work
    # (a sweep's few long spans cost their windows, not their inputs).
    assert 9.5 * short_moves <= long_moves <= 10.5 * short_moves
    assert long <= 10.5 * short


def test_a_window_is_a_few_python_objects() -> None:
    # A sweep's spans are long: most steps of the window move (four fifths of each slot).
    (scenario,) = [
        s for s in builtin_scenarios(_model("heartbeat.json"), duration=1000.0) if s.name == "sweep"
    ]
    timeline = Timeline(scenario)
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        actions = timeline.window(0, WINDOW_STEPS)
        grown = len(gc.get_objects()) - before
    finally:
        gc.enable()
    assert actions.move_step.size > WINDOW_STEPS * 3 // 4
    # Objects per input and per window (a few dozen), none per step.
    assert grown < 100


@settings(max_examples=300, deadline=None)
@given(
    at=st.one_of(st.floats(0, 5), st.integers(0, 300).map(lambda n: n / 60)),
    duration=st.one_of(st.floats(0, 3), st.integers(0, 120).map(lambda n: n / 60)),
    dt=st.sampled_from([1 / 60, 0.1, 0.25, 1 / 3, 0.05]),
)
def test_held_steps_are_the_steps_the_hold_covers(at: float, duration: float, dt: float) -> None:
    item = Input(at=at, duration=duration, hold=Hold(keys=("a",)))
    steps = math.ceil(8.5 / dt)
    first, last = _held_steps(item, dt, steps)
    covered = [k for k in range(steps) if _covers(item, k * dt)]
    assert [k for k in range(steps) if first <= k <= last] == covered
