"""Scenario files: loading YAML and JSON, positions, errors with file, pointer, line and column;
the timeline; the state mirror; built-ins; the package's public surface."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from synharness import agents
from synharness.agents import (
    Scenario,
    ScenarioError,
    StateMirrorAgent,
    builtin_scenarios,
    load_scenario,
    parse_scenario,
    run_scenarios,
)
from synharness.agents.metrics import coverage
from synharness.agents.timeline import build_timeline
from synharness.models import SynestheticAsset

from tests.factories import make_asset

GOOD = """\
name: ok
assets: [a.json]
duration: 1
inputs:
  - {at: 0.5, hold: {keys: [Shift]}, move: {axis: mouse.x, delta: 10}}
expect:
  - within_bounds: {param: shader.u_radius}
  - event: {op: triggerAttackRelease}
"""


def test_yaml_scenario_loads_with_positions(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(GOOD, encoding="utf-8")
    s = load_scenario(path)
    assert s.source == str(path) and s.steps == 61 and s.dt == pytest.approx(1 / 60)
    assert [e.kind for e in s.expect] == ["within_bounds", "event"]
    assert s.position("/expect/1") == (8, 5)
    assert s.position("/expect/1/event/op") == (8, 17)
    assert s.position("/nothing/here") == (1, 1)


def test_json_scenario_loads_with_positions(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"name": "j", "duration": 2,\n "expect": [{"finite": {}}]}', encoding="utf-8")
    s = load_scenario(path)
    assert s.expect[0].kind == "finite" and s.position("/expect/0") == (2, 13)


@pytest.mark.parametrize(
    ("text", "pointer", "line", "column", "words"),
    [
        ("name: x\nduration: -1\n", "/duration", 2, 11, "greater than 0"),
        ("name: x\nduration: 1\nexpect:\n  - sometimes: {}\n", "/expect/0/sometimes", 4, 16, "unknown expectation"),
        ("name: x\nduration: 1\nexpect:\n  - reaches: {param: a}\n", "/expect/0/reaches", 4, 14, "needs value, at"),
        ("name: x\nduration: 1\ninputs:\n  - {at: 1, wheel: 2, grid: {cell: [0, 0]}}\n", "/inputs/0", 4, 5, "does one thing"),
        ("name: x\nduration: 1\nbogus: 2\n", "/bogus", 3, 8, "Extra inputs"),
        ("name: x\nduration: [1\n", "", 3, 1, "not valid YAML"),
        ("- 1\n- 2\n", "", 1, 1, "a scenario is a mapping"),
    ],
)  # fmt: skip
def test_bad_scenarios_say_where(
    text: str, pointer: str, line: int, column: int, words: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, path="bad.yaml")
    err = caught.value
    assert (err.pointer, err.line, err.column) == (pointer, line, column)
    assert words in err.message
    assert str(err).startswith(f"bad.yaml:{line}:{column}: invalid scenario")
    f = err.to_finding()
    assert (f.code, f.file, f.line) == ("SYN-SCN-002", "bad.yaml", line)


def test_bad_json_scenario_says_where() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario('{"name": "x",\n "duration": "long"}', path="bad.json", kind="json")
    assert (caught.value.pointer, caught.value.line, caught.value.column) == ("/duration", 2, 14)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario('{"name": ', path="bad.json", kind="json")
    assert caught.value.line == 1


def test_unreadable_scenario(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "missing.yaml")


def test_asset_globs_are_relative_to_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    for name in ("one.json", "two.json"):
        (tmp_path / "assets" / name).write_text("{}", encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: g\nduration: 1\nassets: ['assets/*.json', assets/one.json]\n", encoding="utf-8"
    )
    found = load_scenario(path).asset_paths()
    assert [p.name for p in found] == ["one.json", "two.json", "one.json"]


def test_timeline_spreads_moves_and_unions_holds() -> None:
    s = Scenario(
        name="t", duration=1, dt=0.1,
        inputs=[
            {"at": 0.0, "duration": 1.0, "hold": {"keys": ["Alt"]}},
            {"at": 0.2, "duration": 0.2, "move": {"axis": "mouse.y", "delta": 10}, "hold": {"buttons": ["left"]}},
            {"at": 0.55, "grid": {"cell": [1, 2], "pressure": 0.3}},
        ],
    )  # fmt: skip
    timeline = build_timeline(s)
    moves = {k: a.moves for k, a in timeline.items() if a.moves}
    assert sorted(moves) == [3, 4]
    assert sum(m[0][1] for m in moves.values()) == pytest.approx(10.0)
    assert moves[3][0][2] == frozenset({"alt"}) and moves[3][0][3] == frozenset({"left"})
    assert timeline[6].presses == [((1, 2), 0.3)]


def test_mirror_tells_subscribers_only_changes() -> None:
    mirror = StateMirrorAgent(("a", "b"), np.array([0.0, 1.0]), every=2)
    calls: list[tuple[int, float, dict[str, float]]] = []
    mirror.subscribe(["a"], lambda k, t, changed: calls.append((k, t, dict(changed))))
    trace = np.array([[0.0, 0.0, 2.0, 2.0], [1.0, 5.0, 5.0, 6.0]])
    mirror.record(trace, 0.5)
    assert calls == [(4, 2.0, {"a": 2.0})]
    assert mirror["b"] == 6.0
    with pytest.raises(KeyError):
        mirror.subscribe(["nope"], lambda *_: None)


def test_coverage_counts_visited_bins() -> None:
    values = np.array([np.linspace(0, 1, 1000), np.full(1000, 0.5), [np.nan] * 1000])
    got = coverage(values, np.zeros(3), np.ones(3))
    assert got.tolist() == [1.0, 1 / 64, 0.0]
    assert coverage(values[:1], np.array([-np.inf]), np.array([1.0])).tolist() == [0.0]


def test_builtins_idle_sweep_random() -> None:
    asset = SynestheticAsset.model_validate(
        {k: v for k, v in make_asset().items() if k != "$schema"}
    )
    scenarios = builtin_scenarios(asset, duration=4.0, seed=3)
    assert [s.name for s in scenarios] == ["idle", "sweep", "random"]
    assert scenarios[0].timeline_inputs() == ()
    outcomes, findings = run_scenarios(asset, scenarios, keep_plot=True)
    assert findings == []
    idle, sweep, random = outcomes
    assert idle.metrics["shader.u_radius"].coverage < 0.5
    # The sweep visits the whole range of every control (one bin missing at most).
    for path, m in sweep.metrics.items():
        assert m.coverage >= 0.2, path
    assert sweep.metrics["shader.u_hue"].min == pytest.approx(0.0, abs=0.02)
    assert random.event_count > 0 and random.seed == 3
    assert idle.plot is not None and len(idle.plot.t) <= 400
    assert set(idle.plot.params) == set(idle.metrics)


def test_public_surface_is_complete_and_sorted() -> None:
    exported = agents.__all__
    assert list(exported) == sorted(exported)
    public = {
        n
        for n in dir(agents)
        if not n.startswith("_") and not isinstance(getattr(agents, n), type(agents))
    }
    public -= {"annotations"}
    assert public == set(exported)
