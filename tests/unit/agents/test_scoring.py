"""The score: tiers, bands, quality components, losses, determinism and monotonicity."""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import synharness
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from synharness.agents import scoring
from synharness.agents.scoring import (
    CLEAN_FLOOR,
    FLOOR,
    GATE_PENALTY,
    MARGIN,
    WEIGHTS,
    Score,
    band,
    coverage,
    defects,
    health,
    position,
    score,
    score_bytes,
    score_parts,
)
from synharness.codes import finding, strict_findings
from synharness.findings import Verdict
from synharness.models import SynestheticAsset
from synharness.result import ParameterMetrics, ScenarioOutcome

from tests import defects as injected
from tests.defects import ALL_DEFECTS, SCHEMA_DEFECTS, chain, hacks
from tests.factories import generate_assets, make_asset
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


def test_bands_are_disjoint_with_a_margin() -> None:
    for d in range(20):
        low, high = band(d)
        assert 0 < low < high <= 1
        assert band(d + 1)[1] == pytest.approx(low)
        # The margin: the best of d + 1 defects is below the worst of d.
        assert position(d + 1, 1.0) < position(d, 0.0)
    assert band(0) == (0.5, 1.0)
    assert position(0, 1.0) == 1.0
    assert position(0, 0.0) == pytest.approx(0.5 + 0.5 * MARGIN)


def test_defects_weigh_errors_three_warnings_one_infos_nothing() -> None:
    found = [
        finding("SYN-RANGE-001", "/a", "x"),
        finding("SYN-REF-003", "/b", "y"),
        finding("SYN-GRAPH-001", "/c", "z"),
    ]
    assert defects(found) == 4


def test_a_merged_finding_costs_more_with_every_place() -> None:
    one = finding("SYN-SCHEMA-008", "/a/0/minimum", "rename")
    costs = [
        defects([one.model_copy(update={"message": f"rename [{n} places: /a/0/minimum, …]"})])
        for n in (3, 4, 10)
    ]
    assert 2 * defects([one]) < costs[0] < costs[1] < costs[2]


@pytest.mark.parametrize("code", ["SYN-LOAD-001", "SYN-LOAD-002", "SYN-LOAD-008"])
def test_what_does_not_load_scores_zero(code: str) -> None:
    s = score_parts([finding(code, "", "broken")], asset=None)
    assert s.score == 0.0 and s.verdict is Verdict.FAIL and s.components == {"validity": 0.0}
    assert [loss.cost for loss in s.losses] == [1.0]


@pytest.mark.parametrize("code", ["SYN-ENV-003", "SYN-SCHEMA-001", "SYN-SCHEMA-000"])
def test_what_fails_the_gate_unrepaired_scores_in_the_lower_tier(code: str) -> None:
    s = score_parts([finding(code, "", "broken")], asset=None, data={"name": "x"})
    assert 0.0 < s.score < FLOOR
    assert s.components["validity"] == 0.0 and s.components["repaired"] == 0.0
    assert "soundness" in s.components


def test_what_fails_the_gate_repaired_shares_the_scale_with_a_penalty() -> None:
    one = [finding("SYN-SCHEMA-003", "/name", "type")]
    s = score_parts(one, asset=None, data={"name": 3, "x": 1}, repaired=True)
    assert FLOOR < s.score < CLEAN_FLOOR
    # Worse than a passing document with the same defects, better than one more defect.
    passing = score_parts([finding("SYN-RANGE-001", "/a", "x")], asset=model())
    assert s.score < passing.score
    assert s.components["defects"] == 3.0 and GATE_PENALTY > 0
    assert any(loss.what == "gate" for loss in s.losses)


def test_soundness_is_the_share_of_each_part_the_errors_leave_alone() -> None:
    data = {"name": 3, "shader": {"a": 1, "b": 2, "c": 3, "d": 4}, "tone": {"x": 1}}
    bad = [
        finding("SYN-SCHEMA-003", "/name", "type"),
        finding("SYN-SCHEMA-003", "/shader/a", "type"),
        finding("SYN-SCHEMA-001", "/tone", "missing: names nothing there"),
    ]
    s = score_parts(bad, asset=None, data=data)
    # name: 0, shader: 3/4, tone: 1 (a missing key touches nothing present).
    assert s.components["soundness"] == pytest.approx((0 + 0.75 + 1) / 3, abs=1e-6)


def test_losses_explain_every_point() -> None:
    data = make_asset()
    data["modulations"][0]["target"] = "shader.u_nowhere"
    for doc in (make_asset(), data, {"name": 3}, {"$schema": data["$schema"], "name": "x"}):
        s = score(doc)
        assert sum(loss.cost for loss in s.losses) == pytest.approx(1 - s.score, abs=2e-5)
    broken = score(data)
    assert any(loss.what.startswith("SYN-REF-001 /modulations/0/target") for loss in broken.losses)


def test_env_warning_does_not_gate() -> None:
    # SYN-ENV-001 is an info by default and a warning under the strict profile.
    [strict] = strict_findings([finding("SYN-ENV-001", "", "no $schema")])
    s = score_parts([strict], asset=model())
    assert FLOOR + (1 - FLOOR) * band(1)[0] <= s.score <= FLOOR + (1 - FLOOR) * band(1)[1]
    s = score_parts([finding("SYN-ENV-001", "", "no $schema")], asset=model())
    assert CLEAN_FLOOR <= s.score <= 1.0


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
    # Three modalities, three kinds of driver, 7 of 8 driven parameters for full richness.
    assert s.components["substance"] == pytest.approx((1 + 1 + 7 / 8) / 3, abs=1e-6)
    expected = (
        WEIGHTS["health"] * 1.0
        + WEIGHTS["coverage"] * (0.5 / 7)
        + WEIGHTS["driven"] * 1.0
        + WEIGHTS["substance"] * (1 + 1 + 7 / 8) / 3
    )
    assert s.components["quality"] == pytest.approx(expected, abs=1e-6)
    assert s.score == pytest.approx(FLOOR + (1 - FLOOR) * position(0, expected), abs=1e-6)


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
    assert synharness.score_bytes is score_bytes
    assert synharness.score_many is scoring.score_many


def test_non_object_scores_zero() -> None:
    s = score([1, 2])  # type: ignore[arg-type]
    assert s.score == 0 and s.findings[0].code == "SYN-LOAD-008"


def test_malformed_bytes_score_zero_with_a_located_finding() -> None:
    s = score_bytes(b'{"name": "x",, }', source="<stdin>:3")
    assert s.score == 0.0
    assert s.findings[0].code == "SYN-LOAD-001" and s.findings[0].line == 1


def test_schema_violation_scores_below_the_gate_but_above_zero() -> None:
    data = make_asset(name=None)
    s = score(data, scenarios=())
    assert 0 < s.score < CLEAN_FLOOR and any(f.code.startswith("SYN-SCHEMA") for f in s.findings)


@pytest.mark.parametrize("scenarios", SCENARIO_SETS)
def test_clean_asset_scores_in_the_top_band(scenarios: tuple[str, ...]) -> None:
    s = score(make_asset(), scenarios=scenarios)
    assert s.verdict is Verdict.PASS
    assert CLEAN_FLOOR <= s.score <= 1.0
    if scenarios:
        assert s.components["coverage"] > 0  # the modulations move something under idle


@pytest.mark.parametrize("scenarios", SCENARIO_SETS)
def test_deterministic_and_json_serialisable(scenarios: tuple[str, ...]) -> None:
    a = score(make_asset(), scenarios=scenarios)
    b = score(make_asset(), scenarios=scenarios)
    assert a == b
    dumped = json.loads(a.model_dump_json())
    assert set(dumped) == {"score", "verdict", "components", "findings", "losses"}


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
    assert s.components["defects"] == pytest.approx(defects(s.findings))


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


# --- issue 10: one more defect strictly lowers; hacks never pay -----------------------------

CLEAN_EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "examples").glob("*.json"))


def _example(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


@settings(max_examples=40, deadline=None)
@given(clean=assets(), seed=st.integers(0, 2**32 - 1), length=st.integers(1, 5))
def test_one_more_defect_strictly_lowers_the_score(
    clean: dict[str, Any], seed: int, length: int
) -> None:
    docs = chain(clean, random.Random(seed), length)
    scores = [score(d).score for d in docs]
    assert all(0.0 <= s <= 1.0 for s in scores)
    for k in range(1, len(docs)):
        assert scores[k] < scores[k - 1], (k, scores, docs[k])


@pytest.mark.parametrize("defect", ALL_DEFECTS, ids=lambda d: d.__name__)
def test_every_defect_kind_lowers_the_factory_asset(defect: Any) -> None:
    base = make_asset()
    broken = copy.deepcopy(base)
    assert defect(broken, random.Random(0), set())
    assert score(broken).score < score(base).score


@pytest.mark.parametrize("schema_defect", SCHEMA_DEFECTS, ids=lambda d: d.__name__)
def test_fixing_the_last_schema_error_crosses_the_gate(schema_defect: Any) -> None:
    # Even an asset riddled with semantic defects scores above any schema-invalid one.
    riddled = generate_assets(1, seed=5, modulations=6)[0]
    used: set[tuple[str, Any]] = set()
    for semantic in (
        injected.undeclared_target,
        injected.overreach,
        injected.control_default_outside,
        injected.strobe,
    ):
        assert semantic(riddled, random.Random(1), used)
    broken = copy.deepcopy(riddled)
    assert schema_defect(broken, random.Random(2), used)
    assert score(broken).score < score(riddled).score


def test_the_hacks_score_below_every_clean_example() -> None:
    lowest = min(score(_example(p)).score for p in CLEAN_EXAMPLES)
    for path in CLEAN_EXAMPLES:
        for name, hack in hacks(_example(path)).items():
            assert score(hack).score < lowest, (path.name, name)
    # A renamed copy in the same batch is discounted and says so.
    heartbeat = _example(CLEAN_EXAMPLES[0])
    renamed = {**copy.deepcopy(heartbeat), "name": "Another name"}
    first, second = scoring.score_many([heartbeat, renamed])
    assert second.score < lowest <= first.score
    assert [f.code for f in second.findings].count("SYN-SCORE-004") == 1


def test_strobing_is_judged_against_three_flashes_per_second() -> None:
    base = _example(CLEAN_EXAMPLES[0])
    target = base["modulations"][0]["target"]

    def with_swing(hz: float) -> Score:
        doc = copy.deepcopy(base)
        doc["shader"]["input_parameters"][0]["min"] = 0.0
        p = doc["shader"]["input_parameters"][0]
        doc["modulations"].append(
            {
                "id": "swing",
                "target": "shader." + p["parameter"],
                "type": "additive",
                "waveform": "sine",
                "frequency": hz,
                "amplitude": (p["max"] - p["min"]) / 2,
                "offset": (p["max"] + p["min"]) / 2,
                "phase": 0.0,
                "min": p["min"],
                "max": p["max"],
            }
        )
        return score(doc)

    assert target  # the example has modulations to compare with
    assert "SYN-SCORE-003" not in [f.code for f in with_swing(scoring.FLASH_LIMIT_HZ).findings]
    assert "SYN-SCORE-003" in [f.code for f in with_swing(scoring.FLASH_LIMIT_HZ + 0.5).findings]


def test_a_rule_fired_by_a_fast_modulation_strobes() -> None:
    doc = make_asset()
    doc.pop("rule_bundle", None)
    doc["modulations"].append(
        {
            "id": "fast_volume",
            "target": "tone.detune",
            "type": "additive",
            "waveform": "sine",
            "frequency": 12.0,
            "amplitude": 100.0,
            "offset": 0.0,
            "phase": 0.0,
            "min": -1200.0,
            "max": 1200.0,
        }
    )

    def with_rule(target: str) -> list[str]:
        d = copy.deepcopy(doc)
        d["rule_bundle"] = {
            "name": "flash",
            "rules": [
                {
                    "id": "flash_on_detune",
                    "trigger": {
                        "type": "threshold",
                        "params": {"source": "tone.detune", "value": 0},
                    },
                    "effects": [{"op": "set", "target": target, "value": 1.0}],
                }
            ],
        }
        return [f.code for f in score(d, scenarios=()).findings]

    # A shallow detune at 12 Hz is vibrato, not a flash; the rule it fires writes brightness.
    assert "SYN-SCORE-003" in with_rule("shader.u_hue")
    assert "SYN-SCORE-003" not in with_rule("haptic.intensity")


def test_an_unusable_envelope_counts_what_the_default_schema_would_find() -> None:
    broken = make_asset()
    broken["$schema"] = broken["$schema"].replace("0.7.3", "9.9.9")
    broken["name"] = 42
    fixed_version = make_asset(name=42)
    s_broken, s_version = score(broken), score(fixed_version)
    messages = [f.message for f in s_broken.findings if f.code == "SYN-SCHEMA-003"]
    assert messages and messages[0].startswith("as synesthetic-asset 0.7.3:")
    # Fixing the version cannot reveal the schema error: it was counted already.
    assert s_broken.score < s_version.score < score(make_asset()).score


def test_semantic_defects_behind_schema_errors_still_count() -> None:
    broken = make_asset(name=42)
    worse = make_asset(name=42)
    worse["modulations"][0]["target"] = "shader.u_nowhere"
    s = score(worse)
    hidden = [f for f in s.findings if f.code == "SYN-REF-001"]
    assert hidden and hidden[0].message.startswith("behind the schema errors:")
    assert s.score < score(broken).score
