"""Every reporter on real results: the pipeline and the simulation on the bundled examples."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from synharness.models import SynestheticAsset
from synharness.pipeline import check_bytes
from synharness.positions import locate_all
from synharness.reports import REPORTER_BY_NAME
from synharness.result import AssetResult

from tests.unit.reports.test_html import Structure
from tests.unit.reports.test_sarif import SCHEMA as SARIF_SCHEMA

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = ROOT / "tests" / "fixtures" / "schemas"
#: Clean and broken examples: every stage's findings, kept small because the
#: HTML report draws one plot per traced parameter per scenario.
FILES = [
    ROOT / "examples" / name
    for name in (
        "heartbeat.json",
        "grid-drum-pad.json",
        "broken/modulation-out-of-range.json",
        "broken/legacy-namespaces.json",
        "broken/malformed-json.json",
        "broken/missing-required.json",
        "broken/duplicate-key.json",
    )
]


@pytest.fixture(scope="module")
def real_results() -> list[AssetResult]:
    agents = pytest.importorskip("synharness.agents")
    results = []
    for path in FILES:
        checked = check_bytes(path.read_bytes(), source=str(path.relative_to(ROOT)))
        result = checked.result
        if isinstance(checked.model, SynestheticAsset):
            scenarios = agents.builtin_scenarios(checked.model, duration=1.0)
            outcomes, found = agents.run_scenarios(checked.model, scenarios, keep_plot=True)
            # As `synharness run` does: simulation findings get their position too.
            assert checked.text is not None
            where = locate_all(checked.text, [f.pointer for f in found])
            placed = tuple(f.located(*hit) if (hit := where.get(f.pointer)) else f for f in found)
            result = result.model_copy(
                update={"scenarios": tuple(outcomes), "findings": result.findings + placed}
            )
        results.append(result)
    assert any(r.scenarios for r in results) and any(r.findings for r in results)
    return results


def render(fmt: str, results: list[AssetResult]) -> str:
    out = io.StringIO()
    REPORTER_BY_NAME[fmt](stream=out).report(results)
    return out.getvalue()


def test_junit_is_valid(real_results: list[AssetResult]) -> None:
    xmlschema.XMLSchema(SCHEMAS / "junit.xsd").validate(render("junit", real_results))


def test_sarif_is_valid_and_located(real_results: list[AssetResult]) -> None:
    log = json.loads(render("sarif", real_results))
    jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(
        log
    )
    results = log["runs"][0]["results"]
    assert results
    # Every finding of these files has a position, so every result has a region.
    assert all("region" in r["locations"][0]["physicalLocation"] for r in results)


def test_html_is_well_formed_with_a_plot_per_traced_parameter(
    real_results: list[AssetResult],
) -> None:
    page = render("html", real_results)
    parser = Structure()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    traced = sum(len(s.plot.params) for r in real_results for s in r.scenarios if s.plot)
    assert traced > 0 and page.count('<figure class="plot"') == traced


@pytest.mark.parametrize("fmt", ["markdown", "terminal"])
def test_text_formats_mention_every_asset(fmt: str, real_results: list[AssetResult]) -> None:
    text = render(fmt, real_results)
    for r in real_results:
        assert r.source in text
