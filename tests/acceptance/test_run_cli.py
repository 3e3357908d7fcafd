"""``synharness run`` end to end: validation plus scenarios, report files, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from synharness.cli.main import cli

from tests.conftest import CODE_FIXTURES, ROOT, gl_unavailable_reason
from tests.factories import make_asset, write_asset

SCENARIOS = sorted((ROOT / "scenarios").glob("*.*"))


def render(result: Result) -> str:
    return f"exit {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["run", *args])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the bundled examples and scenarios."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    return tmp_path


def test_shipped_scenarios_cover_the_examples() -> None:
    assert len(SCENARIOS) >= 5


def test_bundled_examples_and_scenarios_pass(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    result = run()
    assert result.exit_code == 0, render(result)
    report = json.loads(
        (project / "reports" / "latest" / "report.json").read_text(encoding="utf-8")
    )
    assert report["summary"]["fail"] == 0
    names = {s["name"] for a in report["assets"] for s in a["scenarios"]}
    assert {"idle", "sweep", "random", "heartbeat at rest", "drum roll on one pad"} <= names
    files = {p.name for p in (project / "reports" / "latest").iterdir()}
    assert {"report.json", "junit.xml", "report.sarif"} <= files
    if gl_unavailable_reason() is None:  # rendered: metrics per scenario, images in the HTML
        rendered = [s["render"] for a in report["assets"] for s in a["scenarios"] if s["render"]]
        assert len(rendered) >= 25 and all(r["metrics"]["frames"] > 1 for r in rendered)
        html = (project / "reports" / "latest" / "report.html").read_text(encoding="utf-8")
        assert html.count('class="render"') == len(rendered) and "data:image/" in html


def test_jobs_give_the_same_report(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    # Rendering is covered above; here it would only double the time of two runs.
    one = run("--report-dir", "one", "--quiet", "--no-render")
    two = run("--report-dir", "two", "--quiet", "--jobs", "2", "--no-render")
    assert one.exit_code == two.exit_code == 0, render(two)
    assert one.stdout == two.stdout
    files = sorted(p.name for p in (project / "one").iterdir())
    assert "report.html" in files and "junit.xml" in files
    assert files == sorted(p.name for p in (project / "two").iterdir())
    for name in files:
        one_bytes, two_bytes = ((project / d / name).read_bytes() for d in ("one", "two"))
        if name == "report.sarif":
            # SARIF records the invocation (its start and end times): compare the rest.
            one_doc, two_doc = json.loads(one_bytes), json.loads(two_bytes)
            for doc in (one_doc, two_doc):
                for r in doc["runs"]:
                    r.pop("invocations", None)
            assert one_doc == two_doc
        else:
            assert one_bytes == two_bytes, name


def test_failed_and_invalid_scenarios_fail_the_run(tmp_path: Path) -> None:
    for code in ("SYN-SCN-001", "SYN-SCN-002", "SYN-SCN-003"):
        shutil.copy(CODE_FIXTURES / code / "fail.yaml", tmp_path / f"{code}.yaml")
    write_asset(tmp_path / "asset.json", make_asset())
    (tmp_path / "no-such-asset.json").unlink(missing_ok=True)
    result = run(
        str(tmp_path / "asset.json"),
        "--scenarios",
        str(tmp_path),
        "--report-dir",
        str(tmp_path / "r"),
        "--format",
        "json",
    )
    assert result.exit_code == 1, render(result)
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    codes = {f["code"] for a in report["assets"] for f in a["findings"]}
    assert {"SYN-SCN-001", "SYN-SCN-002", "SYN-SCN-003"} <= codes
    assert "Traceback" not in result.output


def test_warning_threshold(tmp_path: Path) -> None:
    path = tmp_path / "heavy.json"
    shutil.copy(CODE_FIXTURES / "SYN-SIM-002" / "fail.json", path)
    args = (str(path), "--report-dir", str(tmp_path / "r"), "--format", "json")
    assert run(*args).exit_code == 0
    result = run(*args, "--fail-on", "warning")
    assert result.exit_code == 1, render(result)
    assert "│ warn" in result.stdout  # the heavy-clamping asset's row of the table


def test_usage_errors(tmp_path: Path) -> None:
    assert run(str(tmp_path / "missing.json")).exit_code == 2
    assert run("--format", "nope").exit_code == 2
    assert run("--scenarios", str(tmp_path / "none")).exit_code == 2


def test_max_steps_reports_scn_004_and_the_batch_goes_on(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    result = run("--max-steps", "400", "--format", "json", "--report-dir", "r", "--quiet")
    assert result.exit_code == 1, render(result)
    report = json.loads((project / "r" / "report.json").read_text(encoding="utf-8"))
    assets = [a for a in report["assets"] if a["kind"] == "synesthetic-asset"]
    assert len(assets) == len(list((project / "examples").glob("*.json")))
    for a in assets:
        codes = [f["code"] for f in a["findings"]]
        # The built-ins (601 steps) are over the cap and were not run; a shorter file scenario was.
        assert codes.count("SYN-SCN-004") >= 3, codes
        assert all(s["steps"] <= 400 for s in a["scenarios"])
