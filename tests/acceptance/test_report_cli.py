"""``synharness report``: a stored report.json re-renders exactly like the original results."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from synharness.cli.main import cli
from synharness.reports import REPORTER_BY_NAME
from synharness.result import AssetResult, ParameterMetrics

from tests.unit.reports.conftest import failing, make_scenario, passing, unloadable, warning

ROOT = Path(__file__).resolve().parents[2]


def _render(result: Result) -> str:
    return f"exit {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def direct(results: list[AssetResult], fmt: str) -> str:
    out = io.StringIO()
    REPORTER_BY_NAME[fmt](stream=out).report(results)
    return out.getvalue()


def sample() -> list[AssetResult]:
    sick = make_scenario(name="random", plot=True)
    nan = ParameterMetrics(
        min=math.nan, max=math.nan, mean=math.nan, clipped_fraction=0.0, nan_count=5, coverage=0.0
    )
    sick = sick.model_copy(update={"metrics": {**sick.metrics, "haptic.intensity": nan}})
    return [passing(), warning(), failing().model_copy(update={"scenarios": (sick,)}), unloadable()]


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    path = tmp_path / "report.json"
    path.write_text(direct(sample(), "json"), encoding="utf-8")
    return path


def invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["report", *args], input=stdin)


@pytest.mark.parametrize("fmt", ["html", "markdown", "junit", "sarif", "terminal", "json"])
def test_round_trip_renders_like_the_original(stored: Path, fmt: str) -> None:
    result = invoke(str(stored), "--format", fmt)
    assert result.exit_code == 0, _render(result)
    # NaN metrics were stored as null and come back as NaN: byte-identical output.
    assert result.stdout == direct(sample(), fmt)


def test_default_format_is_html_and_output_file(stored: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "page.html"
    result = invoke(str(stored), "--output", str(target))
    assert result.exit_code == 0, _render(result)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert result.stdout == ""


def test_several_formats_into_a_report_dir(stored: Path, tmp_path: Path) -> None:
    out = tmp_path / "ci"
    result = invoke(
        str(stored),
        "--format",
        "junit",
        "--format",
        "sarif",
        "--format",
        "markdown",
        "--report-dir",
        str(out),
    )
    assert result.exit_code == 0, _render(result)
    assert sorted(p.name for p in out.iterdir()) == ["junit.xml", "report.md", "report.sarif"]
    assert (out / "junit.xml").read_text(encoding="utf-8") == direct(sample(), "junit")


def test_stdin(stored: Path) -> None:
    result = invoke("-", "--format", "markdown", stdin=stored.read_text(encoding="utf-8"))
    assert result.exit_code == 0, _render(result)
    assert result.stdout == direct(sample(), "markdown")


def test_real_validate_report_re_renders(tmp_path: Path) -> None:
    runner = CliRunner()
    stored = tmp_path / "report.json"
    first = runner.invoke(
        cli, ["validate", str(ROOT / "examples"), "--format", "json", "--output", str(stored)]
    )
    assert first.exit_code in (0, 1), _render(first)
    again = invoke(str(stored), "--format", "json")
    assert again.exit_code == 0, _render(again)
    assert json.loads(again.stdout) == json.loads(stored.read_text(encoding="utf-8"))


def test_several_formats_need_a_report_dir(stored: Path) -> None:
    result = invoke(str(stored), "--format", "junit", "--format", "sarif")
    assert result.exit_code == 2
    assert "--report-dir" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "not JSON"),
        ('{"report_version": 2}', "version 1"),
        ("[]", "version 1"),
    ],
)
def test_unreadable_input_is_a_clear_error(tmp_path: Path, text: str, expected: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    result = invoke(str(bad))
    assert result.exit_code == 2, _render(result)
    assert str(bad) in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_error_names_pointer_and_line(stored: Path) -> None:
    data = json.loads(stored.read_text(encoding="utf-8"))
    data["assets"][1]["findings"][0]["severity"] = "fatal"
    stored.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = invoke(str(stored))
    assert result.exit_code == 2, _render(result)
    assert "/assets/1/findings/0/severity" in result.stderr
    assert "'fatal'" in result.stderr
    line = next(i for i, text in enumerate(stored.read_text().splitlines(), 1) if '"fatal"' in text)
    assert f"({line}:" in result.stderr


def test_missing_file(tmp_path: Path) -> None:
    result = invoke(str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "nope.json" in result.stderr and "cannot read" in result.stderr
