"""The score: gate, bands, quality components, determinism and monotonicity."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from typing import Any

import pytest
import synharness
from hypothesis import assume, given
from hypothesis import strategies as st
from synharness.agents import scoring
from synharness.agents.scoring import (
    Score,
    band,
    coverage,
    defects,
    health,
    score,
    score_bytes,
    score_parts,
)
from synharness.codes import finding, strict_findings
from synharness.findings import Verdict
from synharness.models import SynestheticAsset
from synharness.result import ParameterMetrics, ScenarioOutcome

from tests.factories import make_asset
from tests.strategies import assets

try:
    from synharness.agents import builtin_scenarios, run_scenarios  # noqa: F401

    SIMULATION = True
except ImportError:  # the engine lands separately; the formula is tested without it
    SIMULATION = False

needs_simulation = pytest.mark.skipif(not SIMULATION, reason="the simulation has not landed yet")
#: Scenario sets the properties run with: none (validation only) and, once the
#: engine exists, the default (idle).
SCENARIO_SETS: list[tuple[str, ...]] = [(), *([scoring.DEFAULT_SCENARIOS] if SIMULATION else [])]


def metrics(*, clipped: float = 0.0, nan: int = 0, cov: float = 1.0) -> ParameterMetrics:
    return ParameterMetrics(
        min=0, max=1, mean=0.5, clipped_fraction=clipped, nan_count=nan, coverage=cov
    )


def outcome(**by_path: ParameterMetrics) -> ScenarioOutcome:
    return ScenarioOutcome(
        name="idle",
        source="builtin:idle",
        passed=True,
        seed=0,
        duration=1,
        dt=0.1,
        steps=10,
        metrics=by_path,
    )


def model() -> SynestheticAsset:
    data = make_asset()
    data.pop("$schema")
    return SynestheticAsset.model_validate(data)


# --- the pure formula ---------------------------------------------------------------------


def test_bands_do_not_overlap_and_shrink() -> None:
    for d in range(20):
        low, high = band(d)
        assert 0 < low < high <= 1
        assert band(d + 1)[1] == pytest.approx(low)
    assert band(0) == (0.5, 1.0)


def test_defects_weigh_errors_three_warnings_one_infos_nothing() -> None:
    found = [
        finding("SYN-RANGE-001", "/a", "x"),
        finding("SYN-REF-003", "/b", "y"),
        finding("SYN-GRAPH-001", "/c", "z"),
    ]
    assert defects(found) == 4


@pytest.mark.parametrize(
    "code", ["SYN-LOAD-001", "SYN-ENV-003", "SYN-SCHEMA-001", "SYN-SCHEMA-000"]
)
def test_gate_errors_score_zero(code: str) -> None:
    s = score_parts([finding(code, "", "broken")], asset=None)
    assert s.score == 0.0 and s.verdict is Verdict.FAIL and s.components == {"validity": 0.0}


def test_env_warning_does_not_gate() -> None:
    # SYN-ENV-001 is an info by default and a warning under the strict profile.
    [strict] = strict_findings([finding("SYN-ENV-001", "", "no $schema")])
    s = score_parts([strict], asset=model())
    assert band(1)[0] <= s.score <= band(1)[1]
    s = score_parts([finding("SYN-ENV-001", "", "no $schema")], asset=model())
    assert band(0)[0] <= s.score <= band(0)[1]


def test_health_penalises_clamping_and_nan() -> None:
    assert health([]) == 1.0
    assert health([outcome(a=metrics(clipped=0.25))]) == pytest.approx(0.75)
    assert health([outcome(a=metrics(), b=metrics(nan=3))]) == pytest.approx(0.5)


def test_coverage_takes_the_best_scenario_and_zero_for_untraced() -> None:
    outs = [outcome(a=metrics(cov=0.2)), outcome(a=metrics(cov=0.8), b=metrics(cov=0.4))]
    assert coverage(outs, ["a", "b", "c"]) == pytest.approx((0.8 + 0.4 + 0.0) / 3)
    assert coverage(outs, []) == 0.0


def test_clean_asset_components() -> None:
    asset = model()
    s = score_parts([], asset=asset, outcomes=[outcome(**{"shader.u_radius": metrics(cov=0.5)})])
    assert s.components["validity"] == 1.0 and s.components["defects"] == 0.0
    # make_asset drives every numeric parameter with a control.
    assert s.components["driven"] == 1.0
    assert s.components["health"] == 1.0
    assert s.components["coverage"] == pytest.approx(0.5 / 7, abs=1e-6)  # 7 ranged parameters
    expected = 0.4 * 1.0 + 0.35 * (0.5 / 7) + 0.25 * 1.0
    assert s.components["quality"] == pytest.approx(expected, abs=1e-6)
    assert s.score == pytest.approx(0.5 + 0.5 * expected, abs=1e-6)


@pytest.mark.parametrize(
    "reference",
    ["shader.u_radius", "visual.u_radius", "u_radius", "tone.synth", "audio.nothing", "x.y"],
)
def test_target_agrees_with_resolve(reference: str) -> None:
    from synharness.params import asset_parameters, resolve

    declared = asset_parameters(model())
    assert scoring._target(reference, declared) == resolve(reference, declared).path


def test_undriven_parameters_lower_driven() -> None:
    data = make_asset()
    data.pop("$schema")
    data["control"]["control_parameters"] = data["control"]["control_parameters"][:2]
    asset = SynestheticAsset.model_validate(data)
    s = score_parts([], asset=asset)
    # Two controls plus two modulations (one on an already controlled radius)
    # and the rule's set/add effects: fewer than all seven parameters.
    assert 0 < s.components["driven"] < 1


# --- through the pipeline -----------------------------------------------------------------


def test_public_api_exports_score() -> None:
    assert synharness.score is score


def test_non_object_scores_zero() -> None:
    s = score([1, 2])  # type: ignore[arg-type]
    assert s.score == 0 and s.findings[0].code == "SYN-LOAD-008"


def test_malformed_bytes_score_zero_with_a_located_finding() -> None:
    s = score_bytes(b'{"name": "x",, }', source="<stdin>:3")
    assert s.score == 0.0
    assert s.findings[0].code == "SYN-LOAD-001" and s.findings[0].line == 1


def test_schema_violation_scores_zero() -> None:
    data = make_asset(name=None)
    s = score(data, scenarios=())
    assert s.score == 0 and any(f.code.startswith("SYN-SCHEMA") for f in s.findings)


@pytest.mark.parametrize("scenarios", SCENARIO_SETS)
def test_clean_asset_scores_in_the_top_band(scenarios: tuple[str, ...]) -> None:
    s = score(make_asset(), scenarios=scenarios)
    assert s.verdict is Verdict.PASS
    assert 0.5 <= s.score <= 1.0
    if scenarios:
        assert s.components["coverage"] > 0  # the modulations move something under idle


@pytest.mark.parametrize("scenarios", SCENARIO_SETS)
def test_deterministic_and_json_serialisable(scenarios: tuple[str, ...]) -> None:
    a = score(make_asset(), scenarios=scenarios)
    b = score(make_asset(), scenarios=scenarios)
    assert a == b
    dumped = json.loads(a.model_dump_json())
    assert set(dumped) == {"score", "verdict", "components", "findings"}


# --- monotonicity: fixing a defect never lowers the score --------------------------------

Defect = Callable[[dict[str, Any]], bool]


def _mods(a: dict[str, Any]) -> list[dict[str, Any]]:
    return a.get("modulations") or []


def _controls(a: dict[str, Any]) -> list[dict[str, Any]]:
    return (a.get("control") or {}).get("control_parameters") or []


def undeclared_target(a: dict[str, Any]) -> bool:
    if not _mods(a):
        return False
    _mods(a)[0]["target"] = "shader.u_nowhere_declared"
    return True


def duplicate_modulation_id(a: dict[str, Any]) -> bool:
    if len(_mods(a)) < 2:
        return False
    _mods(a)[1]["id"] = _mods(a)[0]["id"]
    return True


def overreach(a: dict[str, Any]) -> bool:
    if not _mods(a):
        return False
    m = _mods(a)[0]
    m["amplitude"] = (m["max"] - m["min"]) * 4 / (m.get("scale") or 1.0)
    return True


def legacy_namespace(a: dict[str, Any]) -> bool:
    for c in _controls(a):
        if c["parameter"].startswith("shader."):
            c["parameter"] = "visual." + c["parameter"][len("shader.") :]
            return True
    return False


def control_default_outside(a: dict[str, Any]) -> bool:
    if not _controls(a):
        return False
    c = _controls(a)[0]
    c["default"] = c["max"] + (c["max"] - c["min"])
    return True


def unknown_rule_op(a: dict[str, Any]) -> bool:
    rules = (a.get("rule_bundle") or {}).get("rules") or []
    if not rules or not rules[0].get("effects"):
        return False
    rules[0]["effects"][0]["op"] = "teleport"
    return True


def empty_rule_effects(a: dict[str, Any]) -> bool:
    # A warning (SYN-RULE-006), not a gate: the asset drops one band. (A
    # missing $schema used to serve here; it is an info since issue 17.)
    bundle = a.setdefault("rule_bundle", {"name": "rules", "rules": []})
    bundle.setdefault("rules", []).append({"id": "does_nothing", "effects": []})
    return True


def wrong_type(a: dict[str, Any]) -> bool:
    a["name"] = 42
    return True


DEFECTS: list[Defect] = [
    empty_rule_effects,
    wrong_type,
    undeclared_target,
    duplicate_modulation_id,
    overreach,
    legacy_namespace,
    control_default_outside,
    unknown_rule_op,
]


def _codes(s: Score) -> set[str]:
    return {f"{f.code}{f.pointer}" for f in s.findings if f.severity.rank >= 1}


@pytest.mark.parametrize("scenarios", SCENARIO_SETS)
@given(clean=assets(), defect=st.sampled_from(DEFECTS))
def test_fixing_a_defect_never_lowers_the_score(
    scenarios: tuple[str, ...], clean: dict[str, Any], defect: Defect
) -> None:
    broken = copy.deepcopy(clean)
    assume(defect(broken))  # this drawn asset has something the defect applies to
    fixed_score = score(clean, scenarios=scenarios)
    broken_score = score(broken, scenarios=scenarios)
    # Only a defect that causes a finding is in scope ("fixing a defect" means
    # removing what a finding points at); the first two always do.
    assume(_codes(broken_score) - _codes(fixed_score))
    assert broken_score.score <= fixed_score.score, (defect.__name__, broken_score, fixed_score)
    assert not math.isnan(broken_score.score)


@pytest.mark.parametrize("defect", [empty_rule_effects, wrong_type])
def test_defects_that_always_cause_findings_lower_the_score(defect: Defect) -> None:
    broken = make_asset()
    defect(broken)
    assert score(broken, scenarios=()).score < score(make_asset(), scenarios=()).score


def test_a_missing_schema_costs_a_band_only_under_the_strict_profile() -> None:
    clean = make_asset()
    bare = make_asset()
    bare.pop("$schema")
    assert score(bare, scenarios=()).score == score(clean, scenarios=()).score
    strict = score(bare, scenarios=(), strict=True)
    assert strict.components["defects"] == 1.0
    assert strict.score < score(clean, scenarios=(), strict=True).score


@needs_simulation
def test_simulation_findings_count_as_defects() -> None:
    s = score(make_asset())
    assert s.components["defects"] == float(defects(s.findings))


@needs_simulation
def test_worked_example_in_the_docs_is_current() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    doc = (root / "docs" / "score.md").read_text(encoding="utf-8")
    heartbeat = json.loads((root / "examples" / "heartbeat.json").read_text(encoding="utf-8"))
    clean = score(heartbeat)
    assert f"= {clean.score:.6f}" in doc
    assert f"= {clean.components['coverage']:.6f}" in doc
    no_schema = dict(heartbeat)
    no_schema.pop("$schema")
    assert score(no_schema).score == clean.score  # SYN-ENV-001 is an info
    assert f"= {score(no_schema, strict=True).score:.6f}" in doc
    overshoot = copy.deepcopy(heartbeat)
    overshoot["modulations"][0]["amplitude"] *= 10
    assert f"**{score(overshoot).score:.6f}**" in doc
    # The score is the band's lower bound plus its width times the quality.
    low, high = band(int(clean.components["defects"]))
    assert clean.score == pytest.approx(low + (high - low) * clean.components["quality"], abs=1e-6)


@needs_simulation
def test_simulation_findings_are_located_when_the_text_is_known() -> None:
    data = make_asset()
    data["modulations"][0]["amplitude"] = 1000.0
    s = score_bytes(json.dumps(data, indent=2).encode(), source="a.json")
    sim = [f for f in s.findings if f.code.startswith("SYN-SIM")]
    assert sim and all(f.line is not None and f.column is not None for f in sim)


@pytest.mark.parametrize("scenarios", SCENARIO_SETS)
@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.__name__)
def test_every_defect_costs_score_on_the_factory_asset(
    scenarios: tuple[str, ...], defect: Defect
) -> None:
    # make_asset has modulations, controls and a rule bundle, so every defect
    # applies and must raise a finding (drawn assets often lack a rule bundle).
    clean, broken = make_asset(), make_asset()
    assert defect(broken)
    fixed_score, broken_score = (
        score(clean, scenarios=scenarios),
        score(broken, scenarios=scenarios),
    )
    assert _codes(broken_score) - _codes(fixed_score), defect.__name__
    assert broken_score.score < fixed_score.score


def test_importing_the_core_does_not_import_agents() -> None:
    import subprocess
    import sys

    code = "import sys, synharness; assert not any(m == 'synharness.agents' or m.startswith('synharness.agents.') for m in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
