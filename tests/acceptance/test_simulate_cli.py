"""``synharness simulate`` end to end through click's CliRunner."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from synharness.cli.main import cli

from tests.conftest import CODE_FIXTURES, ROOT
from tests.factories import make_asset, write_asset


def render(result: Result) -> str:
    return f"exit {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def simulate(*args: str) -> Result:
    return CliRunner().invoke(cli, ["simulate", *args])


@pytest.fixture
def asset_file(tmp_path: Path) -> Path:
    return write_asset(tmp_path / "asset.json", make_asset())


def test_builtins_in_text(asset_file: Path) -> None:
    result = simulate(str(asset_file), "--duration", "2")
    assert result.exit_code == 0, render(result)
    for name in ("idle", "sweep", "random"):
        assert f"scenario {name} [builtin:{name}] 121 steps" in result.stdout
    assert "shader.u_radius" in result.stdout and "coverage" in result.stdout


def test_json_output_and_trace_json(asset_file: Path, tmp_path: Path) -> None:
    trace = tmp_path / "trace.json"
    result = simulate(
        str(asset_file),
        "--duration",
        "1",
        "--every",
        "6",
        "--format",
        "json",
        "--trace",
        str(trace),
    )
    assert result.exit_code == 0, render(result)
    doc = json.loads(result.stdout)
    assert [s["name"] for s in doc["scenarios"]] == ["idle", "sweep", "random"]
    assert doc["scenarios"][0]["metrics"]["shader.u_radius"]["nan_count"] == 0
    data = json.loads(trace.read_text(encoding="utf-8"))
    assert data["t"] == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    assert len(data["params"]["shader.u_radius"]) == 11 and data["events"] == []


def test_scenario_and_csv_trace(tmp_path: Path) -> None:
    folder = CODE_FIXTURES / "SYN-SCN-001"
    trace = tmp_path / "trace.csv"
    result = simulate(
        str(folder / "asset.json"), "--scenario", str(folder / "pass.yaml"), "--trace", str(trace)
    )
    assert result.exit_code == 0, render(result)
    assert "ok   reaches /expect/1" in result.stdout
    with trace.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "t" and "shader.u_radius" in rows[0] and len(rows) == 122


def test_failed_expectation_exits_1_with_location() -> None:
    folder = CODE_FIXTURES / "SYN-SCN-001"
    result = simulate(str(folder / "asset.json"), "--scenario", str(folder / "fail.yaml"))
    assert result.exit_code == 1, render(result)
    assert f"{folder / 'fail.yaml'}:7:5 /expect/1 SYN-SCN-001 error" in result.stdout


def test_invalid_scenario_is_a_finding_without_traceback() -> None:
    folder = CODE_FIXTURES / "SYN-SCN-002"
    result = simulate(str(folder / "asset.json"), "--scenario", str(folder / "fail.yaml"))
    assert result.exit_code == 1, render(result)
    assert f"{folder / 'fail.yaml'}:5:22 /inputs/0/wheel SYN-SCN-002 error" in result.stdout
    assert "Traceback" not in result.stderr + result.stdout


def test_numbers_that_overflow_the_simulation_never_reach_it() -> None:
    # amplitude 1e308 x scale 1e10 made the trace infinite (SYN-SIM-001); the
    # numbers rule refuses it before any simulation (SYN-NUM-002), no traceback.
    result = simulate(str(CODE_FIXTURES / "SYN-SIM-001" / "fail.json"), "--duration", "1")
    assert result.exit_code == 1, render(result)
    output = result.stdout + result.stderr
    assert "SYN-NUM-002" in output and "/modulations/0/amplitude" in output
    assert "SYN-SIM-001 error" not in output
    assert "Traceback" not in result.stderr + result.stdout


def test_broken_asset_is_a_finding_and_other_kinds_a_usage_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": ', encoding="utf-8")
    result = simulate(str(broken))
    assert result.exit_code == 1, render(result)
    assert f"{broken}:1:10 / SYN-LOAD-001 error" in result.stdout
    shader = tmp_path / "shader.json"
    write_asset(shader, make_asset()["shader"])
    result = simulate(str(shader))
    assert result.exit_code == 2 and "cannot simulate" in result.stderr, render(result)


def test_validation_error_fails_the_run_and_config_can_ignore_it(tmp_path: Path) -> None:
    asset = tmp_path / "a.json"
    shutil.copy(ROOT / "examples" / "broken" / "undeclared-target.json", asset)
    result = simulate(str(asset), "--duration", "0.5")
    assert result.exit_code == 1, render(result)
    assert "SYN-REF-001 error" in result.stdout
    ignored = simulate(str(asset), "--duration", "0.5", "--ignore", "SYN-REF-001")
    assert ignored.exit_code == 0, render(ignored)
    assert "SYN-REF-001" not in ignored.stdout
    graded = simulate(str(asset), "--duration", "0.5", "--severity", "SYN-REF-001=warning")
    assert graded.exit_code == 0 and "SYN-REF-001 warning" in graded.stdout, render(graded)
    strict = simulate(
        str(asset), "--duration", "0.5", "--severity", "SYN-REF-001=warning", "--fail-on", "warning"
    )
    assert strict.exit_code == 1, render(strict)


def test_bad_options_are_usage_errors(asset_file: Path) -> None:
    assert simulate(str(asset_file), "--every", "0").exit_code == 2
    assert simulate(str(asset_file), "--dt", "-1").exit_code == 2
    assert simulate(str(ROOT / "no-such.json")).exit_code == 2
