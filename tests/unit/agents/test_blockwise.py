"""Scripted runs walk time in windows: the same numbers as one window over the whole run.

A window of the smoothed base (timeline, controls, rules, filter) may cut a
gesture, a held key, a quiet stretch or a cooldown anywhere; the engine's
chunks stay where one pass puts them (windows are whole chunks). So a run in
windows of 1, 7 or 1000 steps gives bit for bit the trace, clamp mask and
counters, event log, findings, end state and metrics of the run in one window
with the same chunk, and windows of whole default chunks those of the
default run.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synharness.agents import builtin_scenarios, compile_asset, load_scenario
from synharness.agents import metrics as metrics_module
from synharness.agents.builtin import random_inputs, random_stream
from synharness.agents.config import CompiledAsset
from synharness.agents.engine import WINDOW_STEPS, evaluate
from synharness.agents.orchestration import OrchestrationAgent, SimulationResult
from synharness.agents.scenario import Scenario
from synharness.agents.timeline import Timeline, build_timeline
from synharness.loading import Source
from synharness.models import SynestheticAsset
from synharness.pipeline import check_source

from tests.conftest import ROOT
from tests.strategies import assets
from tests.unit.agents.test_engine_properties import _scenario

#: Examples with grid rules (events, cooldowns), wheel and mouse controls, holds and clamps.
EXAMPLES = ("grid-drum-pad.json", "sawtooth-storm.json", "aurora-veil.json", "heartbeat.json")


def _model(name: str) -> SynestheticAsset:
    path = ROOT / "examples" / name
    model = check_source(Source(name=str(path), path=path)).model
    assert model is not None
    return model


def _run(
    compiled: CompiledAsset, scenario: Scenario, *, window: int | None, chunk: int, every: int
) -> tuple[SimulationResult, OrchestrationAgent]:
    agent = OrchestrationAgent(compiled, scenario, every=every, window=window, chunk=chunk)
    with np.errstate(all="ignore"):
        return agent.run(), agent


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _assert_same_run(
    compiled: CompiledAsset, scenario: Scenario, *, window: int, chunk: int, every: int
) -> SimulationResult:
    whole, whole_agent = _run(compiled, scenario, window=scenario.steps, chunk=chunk, every=every)
    cut, cut_agent = _run(compiled, scenario, window=window, chunk=chunk, every=every)
    assert _same_bits(cut.matrix, whole.matrix)
    assert _same_bits(cut.clamped_mask, whole.clamped_mask)
    assert cut.clamped == whole.clamped and cut.nonfinite == whole.nonfinite
    assert cut.events == whole.events
    assert [f.model_dump() for f in cut.findings] == [f.model_dump() for f in whole.findings]
    for name in ("raw", "target", "smoothed"):
        assert _same_bits(getattr(cut_agent.state, name), getattr(whole_agent.state, name))
    assert {p: m.model_dump() for p, m in cut.metrics().items()} == {
        p: m.model_dump() for p, m in whole.metrics().items()
    }
    return whole


def _scripted() -> list[tuple[str, SynestheticAsset, Scenario]]:
    runs = []
    for name in EXAMPLES:
        model = _model(name)
        for scenario in builtin_scenarios(model, duration=6.0, seed=5):
            runs.append((name, model, scenario))
    for path in sorted((ROOT / "scenarios").iterdir()):
        scenario = load_scenario(path)
        for asset in scenario.asset_paths():
            runs.append((path.name, _model(asset.name), scenario))
    return runs


SCRIPTED = _scripted()


@pytest.mark.parametrize(("window", "chunk"), [(1, 1), (7, 7), (1000, 8)])
@pytest.mark.parametrize(("label", "model", "scenario"), SCRIPTED, ids=lambda x: str(x)[:40])
def test_windows_of_any_size_give_the_one_window_run(
    label: str, model: SynestheticAsset, scenario: Scenario, window: int, chunk: int
) -> None:
    every = 3 if window == 7 else 1
    _assert_same_run(compile_asset(model), scenario, window=window, chunk=chunk, every=every)


@pytest.mark.parametrize("window", [512, 1000, 2048])
def test_windows_of_whole_default_chunks_give_the_default_run(window: int) -> None:
    # 40 s: several default windows, rotation tables in use (steps >= 4 chunks).
    model = _model("grid-drum-pad.json")
    compiled = compile_asset(model)
    for scenario in builtin_scenarios(model, duration=40.0, seed=2)[1:]:
        default, _ = _run(compiled, scenario, window=None, chunk=512, every=1)
        cut, _ = _run(compiled, scenario, window=window, chunk=512, every=1)
        assert _same_bits(cut.matrix, default.matrix) and cut.events == default.events
        assert cut.clamped == default.clamped


def test_the_comparison_sees_events_clamps_and_holds() -> None:
    """The runs compared above are not trivial: they fire rules, clamp and hold keys."""
    runs = {(label, s.name): (m, s) for label, m, s in SCRIPTED}
    model, scenario = runs[("grid-drum-pad.json", "random")]
    result = _assert_same_run(compile_asset(model), scenario, window=7, chunk=7, every=1)
    assert len(result.events) > 5
    clamps = [
        _run(compile_asset(m), s, window=None, chunk=512, every=1)[0] for m, s in runs.values()
    ]
    assert sum(sum(r.clamped.values()) for r in clamps) > 0
    assert any(a.hold.keys for _, s in runs.values() for a in s.timeline_inputs())


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_windows_on_generated_assets_and_scenarios(data: st.DataObject) -> None:
    doc = data.draw(assets())
    doc.pop("$schema", None)
    asset = SynestheticAsset.model_validate(doc)
    scenario = _scenario(data.draw, doc, data.draw(st.floats(0.2, 2.0)), 1 / 60)
    window = data.draw(st.sampled_from([1, 2, 7, 13]))
    _assert_same_run(
        compile_asset(asset),
        scenario,
        window=window,
        chunk=window,
        every=data.draw(st.integers(1, 4)),
    )


@pytest.mark.parametrize("size", [1, 7, 1000])
def test_timeline_windows_add_up_to_the_whole(size: int) -> None:
    for _, _, scenario in SCRIPTED:
        timeline = Timeline(scenario)
        got = {}
        for start in range(0, scenario.steps, size):
            got.update(timeline.actions(start, start + size))
        assert got == build_timeline(scenario)


def test_timeline_windows_must_follow_each_other() -> None:
    scenario = builtin_scenarios(_model("heartbeat.json"), duration=2.0)[1]
    timeline = Timeline(scenario)
    timeline.actions(0, 10)
    with pytest.raises(ValueError, match="follow each other"):
        timeline.actions(20, 30)


@pytest.mark.parametrize("name", ["grid-drum-pad.json", "aurora-veil.json"])
def test_random_stream_is_random_inputs_in_order_of_start(name: str) -> None:
    model = _model(name)
    listed = random_inputs(model, 30.0, np.random.default_rng(9))
    ordered = [i for _, i in sorted(enumerate(listed), key=lambda p: (p[1].at, p[0]))]
    streamed = list(random_stream(model, 30.0, 9))
    assert [i for _, i in streamed] == ordered
    ranks = [r for r, _ in streamed]
    # Ranks order the inputs as the list does (the timeline's tie-break within a step).
    assert sorted(range(len(ranks)), key=lambda n: ranks[n]) == sorted(
        range(len(ordered)), key=lambda n: listed.index(ordered[n])
    )


def test_the_engine_asks_for_bounded_windows_in_order() -> None:
    compiled = compile_asset(_model("aurora-veil.json"))
    rows, mods = compiled.table.rows(), compiled.modulations
    steps = 3 * WINDOW_STEPS + 17
    rng = np.random.default_rng(1)
    base = rows.default[:, None] + rng.normal(0, 0.1, (len(rows), steps))
    asked: list[tuple[int, int]] = []

    def windows(start: int, count: int) -> np.ndarray:
        asked.append((start, count))
        return base[:, start : start + count]

    whole = evaluate(mods, rows, steps=steps, dt=1 / 60, every=5, base=base, window=steps)
    cut = evaluate(mods, rows, steps=steps, dt=1 / 60, every=5, base=windows)
    assert _same_bits(cut.values, whole.values) and _same_bits(cut.clamped, whole.clamped)
    # Blocks of one modulation on two threads, each window shared out between them.
    threaded = evaluate(mods, rows, steps=steps, dt=1 / 60, every=5, base=base, threads=2, block=1)
    assert _same_bits(threaded.values, whole.values)
    assert _same_bits(threaded.clamped_mask, whole.clamped_mask)
    assert all(count <= WINDOW_STEPS for _, count in asked)
    assert [s for s, _ in asked] == list(range(0, steps, asked[0][1]))
    assert sum(c for _, c in asked) == steps


def test_metrics_in_blocks_of_rows_equal_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _model("sawtooth-storm.json")
    result, _ = _run(
        compile_asset(model),
        builtin_scenarios(model, duration=5.0)[2],
        window=None,
        chunk=512,
        every=1,
    )
    # Non-finite samples take the other branch of the metrics: put some in one block.
    moving = int(np.argmax(np.ptp(result.matrix, axis=1)))
    result.matrix[moving, ::7] = np.nan
    result.matrix[moving, 3] = np.inf
    paths = result.paths
    one: dict[str, Any] = {p: m.model_dump() for p, m in result.metrics(paths).items()}
    samples = result.matrix.shape[1]
    for values in (1, 2 * samples, 3 * samples + 1):
        monkeypatch.setattr(metrics_module, "METRIC_VALUES", values)
        assert {p: m.model_dump() for p, m in result.metrics(paths).items()} == one
    assert one[paths[moving]]["mean"] != 0.0 and one[paths[moving]]["coverage"] > 0


def test_scenario_assets_resolve() -> None:
    """The scenario files above run against real assets (the list is not empty by accident)."""
    assert sum(1 for _, _, s in SCRIPTED if not s.source.startswith("builtin:")) >= 6


def test_plots_in_blocks_of_rows_equal_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    from synharness.agents import runner

    model = _model("grid-drum-pad.json")
    scenario = builtin_scenarios(model, duration=20.0)[2]
    result, _ = _run(compile_asset(model), scenario, window=None, chunk=512, every=1)
    one = runner.downsample(result, result.paths)
    monkeypatch.setattr(runner, "METRIC_VALUES", 1)
    rowwise = runner.downsample(result, result.paths)
    assert rowwise == one
    assert len(one.t) == runner.PLOT_POINTS and len(set(one.params[result.driven[0]])) > 2
