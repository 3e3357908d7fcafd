"""reports/report.schema.json describes report version 1 as the JSON reporter writes it."""

from __future__ import annotations

import copy
import io
import json
import math
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from synharness.pipeline import validate_paths
from synharness.reports.json_report import JsonReporter
from synharness.result import AssetResult, ParameterMetrics

from tests.unit.reports.conftest import failing, make_scenario, passing, unloadable, warning

ROOT = Path(__file__).parents[3]
SCHEMA = json.loads((ROOT / "reports" / "report.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
SSOT = ROOT.parent / "shared" / "ssot" / "0.7.3" / "examples"


def report_of(results: list[AssetResult]) -> dict[str, Any]:
    out = io.StringIO()
    JsonReporter(stream=out).report(results)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def errors_of(document: dict[str, Any]) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def test_the_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_real_report_of_the_examples_is_valid() -> None:
    results = validate_paths([str(ROOT / "examples")])
    assert len(results) >= 6
    assert any(r.findings for r in results)  # the broken examples bring findings
    assert errors_of(report_of(results)) == []


@pytest.mark.skipif(not SSOT.is_dir(), reason="the shared SSOT corpus is not present")
def test_real_report_of_the_ssot_corpus_is_valid() -> None:
    results = validate_paths([str(SSOT)])
    assert errors_of(report_of(results)) == []


def test_report_with_scenarios_plots_and_nan_is_valid() -> None:
    nan_metrics = ParameterMetrics(
        min=math.nan, max=math.nan, mean=math.nan, clipped_fraction=0.0, nan_count=600, coverage=0.0
    )
    sick = make_scenario(name="random", plot=True)
    sick = sick.model_copy(update={"metrics": {**sick.metrics, "haptic.intensity": nan_metrics}})
    results = [
        passing(),
        warning(),
        failing(),
        unloadable(),
        failing().model_copy(update={"scenarios": (sick,)}),
    ]
    document = report_of(results)
    assert document["assets"][4]["scenarios"][0]["metrics"]["haptic.intensity"]["min"] is None
    assert errors_of(document) == []


def test_real_simulated_report_is_valid() -> None:
    agents = pytest.importorskip("synharness.agents")
    if not hasattr(agents, "run_scenarios"):
        pytest.skip("the simulation has not landed yet")
    from synharness.models import SynestheticAsset
    from synharness.pipeline import check_bytes

    results = []
    for path in sorted((ROOT / "examples").glob("*.json")):
        checked = check_bytes(path.read_bytes(), source=str(path))
        assert isinstance(checked.model, SynestheticAsset)
        scenarios = agents.builtin_scenarios(checked.model, duration=2.0)
        outcomes, found = agents.run_scenarios(checked.model, scenarios, keep_plot=True)
        results.append(
            checked.result.model_copy(
                update={
                    "scenarios": tuple(outcomes),
                    "findings": checked.result.findings + tuple(found),
                }
            )
        )
    document = report_of(results)
    assert any(s["plot"] for a in document["assets"] for s in a["scenarios"])
    assert errors_of(document) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("report_version",), 2),
        (("assets", 0, "verdict"), "ok"),
        (("assets", 0, "findings", 0, "severity"), "fatal"),
        (("assets", 0, "findings", 0, "code"), "E001"),
        (("assets", 0, "scenarios", 0, "metrics", "shader.u_r", "coverage"), 1.5),
        (("assets", 0, "scenarios", 0, "plot", "ranges", "shader.u_r"), [0.0]),
        (("assets", 0, "score"), -0.1),
        (("assets", 0, "unexpected"), 1),
    ],
)
def test_schema_rejects_tampered_reports(path: tuple[Any, ...], value: Any) -> None:
    document = report_of([failing()])
    tampered = copy.deepcopy(document)
    target: Any = tampered
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    assert errors_of(document) == []
    assert errors_of(tampered) != []


def test_report_of_synharness_run_is_valid(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from synharness.cli.main import cli

    paths = [
        str(ROOT / "examples" / "heartbeat.json"),
        str(ROOT / "examples" / "broken" / "modulation-out-of-range.json"),
    ]
    result = CliRunner().invoke(
        cli, ["run", *paths, "--format", "json", "--report-dir", str(tmp_path)]
    )
    assert result.exit_code in (0, 1), result.output
    document = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert any(s["plot"] for a in document["assets"] for s in a["scenarios"])
    assert errors_of(document) == []
