"""Each SIM and SCN code: its ``fail`` fixture raises it, its ``pass`` fixture does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from synharness.agents import ScenarioError, builtin_scenarios, load_scenario, run_scenarios
from synharness.agents.scenario import asset_findings
from synharness.codes import ALL_CODES
from synharness.findings import Finding
from synharness.loading import Source
from synharness.models import SynestheticAsset
from synharness.pipeline import check_source

from tests.conftest import CODE_FIXTURES

SIM_CODES = [c for c in ALL_CODES if c.split("-")[1] in ("SIM", "SCN")]


def _asset(path: Path) -> SynestheticAsset:
    checked = check_source(Source(name=str(path), path=path))
    model = checked.model
    if model is None and checked.data is not None and checked.result.findings:
        # SYN-SIM-001's asset overflows the simulation's arithmetic, which the
        # pipeline refuses (SYN-NUM-002). A model built in code skips the
        # pipeline, and the simulation's own net must still report the overflow.
        assert {f.code for f in checked.result.findings} == {"SYN-NUM-002"}, checked.result
        data = {k: v for k, v in checked.data.items() if k != "$schema"}
        model = SynestheticAsset.model_validate(data)
    assert isinstance(model, SynestheticAsset), f"{path} does not validate into an asset"
    return model


def _findings(code: str, kind: str) -> list[Finding]:
    folder = CODE_FIXTURES / code
    (path,) = sorted(folder.glob(f"{kind}.*"))
    if path.suffix == ".json":  # an asset: run the built-in scenarios
        return run_scenarios(_asset(path), builtin_scenarios(_asset(path), duration=2.0))[1]
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        return [exc.to_finding()]
    found = asset_findings(scenario)
    for asset_path in scenario.asset_paths():
        found += run_scenarios(_asset(asset_path), [scenario])[1]
    return found


def test_every_sim_and_scn_code_is_covered_here() -> None:
    assert {"SYN-SIM-001", "SYN-SIM-002", "SYN-SCN-001", "SYN-SCN-002", "SYN-SCN-003"} <= set(
        SIM_CODES
    )


@pytest.mark.parametrize("code", SIM_CODES)
def test_fail_fixture_raises_the_code(code: str) -> None:
    found = _findings(code, "fail")
    assert code in [f.code for f in found], found


@pytest.mark.parametrize("code", SIM_CODES)
def test_pass_fixture_does_not(code: str) -> None:
    found = _findings(code, "pass")
    assert code not in [f.code for f in found], found


def test_scenario_findings_point_into_the_scenario_file() -> None:
    found = _findings("SYN-SCN-001", "fail")
    (f,) = [f for f in found if f.code == "SYN-SCN-001"]
    assert f.file is not None and f.file.endswith("SYN-SCN-001/fail.yaml")
    assert (f.pointer, f.line, f.column) == ("/expect/1", 7, 5)
    assert "observed 0.5" in f.message


def test_invalid_scenario_names_pointer_line_and_column() -> None:
    (f,) = _findings("SYN-SCN-002", "fail")
    assert (f.pointer, f.line, f.column) == ("/inputs/0/wheel", 5, 22)
    assert f.file is not None and f.file.endswith("fail.yaml")


def test_nan_finding_names_the_parameter_declaration() -> None:
    (f,) = [f for f in _findings("SYN-SIM-001", "fail") if f.code == "SYN-SIM-001"]
    assert f.pointer == "/shader/input_parameters/0"
    assert "shader.u_radius" in f.message


def test_heavy_clamping_points_at_the_modulation() -> None:
    (f,) = [f for f in _findings("SYN-SIM-002", "fail") if f.code == "SYN-SIM-002"]
    assert f.pointer == "/modulations/0" and "shader.u_radius" in f.message
