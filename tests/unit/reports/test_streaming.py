"""The incremental reporter interface: begin / add / end writes what report() writes."""

from __future__ import annotations

import io
import json
from xml.etree import ElementTree as ET

import pytest
from synharness.reports.base import REPORTER_BY_NAME, Reporter, slim
from synharness.reports.json_report import report_document
from synharness.result import AssetResult

from tests.unit.reports.conftest import failing, passing


@pytest.mark.parametrize("name", sorted(REPORTER_BY_NAME))
def test_incremental_and_whole_give_the_same_bytes(name: str, results: list[AssetResult]) -> None:
    whole, parts = io.StringIO(), io.StringIO()
    REPORTER_BY_NAME[name](stream=whole).report(results)
    reporter = REPORTER_BY_NAME[name](stream=parts)
    reporter.begin(total=None)
    for r in results:
        reporter.add(r)
    reporter.end()
    assert parts.getvalue() == whole.getvalue()


def test_json_is_written_as_results_arrive(results: list[AssetResult]) -> None:
    out = io.StringIO()
    reporter = REPORTER_BY_NAME["json"](stream=out)
    reporter.begin()
    reporter.add(results[0])
    assert results[0].source in out.getvalue()  # on the stream before the end
    for r in results[1:]:
        reporter.add(r)
    reporter.end()
    expected = json.dumps(report_document(results), sort_keys=True, indent=2, ensure_ascii=False)
    assert out.getvalue() == expected + "\n"


def test_json_of_no_results_is_the_whole_document() -> None:
    out = io.StringIO()
    REPORTER_BY_NAME["json"](stream=out).report([])
    expected = json.dumps(report_document([]), sort_keys=True, indent=2, ensure_ascii=False)
    assert out.getvalue() == expected + "\n"


def test_junit_totals_add_up_over_spooled_suites(results: list[AssetResult]) -> None:
    out = io.StringIO()
    REPORTER_BY_NAME["junit"](stream=out).report(list(reversed(results)))
    root = ET.fromstring(out.getvalue())
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == sorted(r.source for r in results)
    for key in ("tests", "failures", "skipped"):
        assert int(root.get(key, "")) == sum(int(s.get(key, "")) for s in suites)


def test_a_reporter_must_implement_one_side() -> None:
    with pytest.raises(TypeError):

        class Nothing(Reporter):  # pragma: no cover - the definition itself fails
            name = "nothing"
            filename = "nothing.txt"


def test_slim_drops_traces_only() -> None:
    r = failing()
    s = slim(r)
    assert all(x.plot is None for x in s.scenarios)
    assert [x.metrics for x in s.scenarios] == [x.metrics for x in r.scenarios]
    assert slim(passing()) is passing() or slim(passing()) == passing()
