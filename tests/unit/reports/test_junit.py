"""JUnit reporter: schema-valid, one suite per asset, errors fail, warnings do not."""

from __future__ import annotations

import io
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from synharness.reports.base import REPORTER_BY_NAME
from synharness.reports.junit import JUnitReporter, check_areas, check_name, class_name
from synharness.result import AssetResult

from tests.unit.reports.conftest import failing, passing, unloadable, warning

XSD = Path(__file__).parents[2] / "fixtures" / "schemas" / "junit.xsd"


def render(results: list[AssetResult], verbosity: int = 1) -> str:
    out = io.StringIO()
    JUnitReporter(stream=out, verbosity=verbosity).report(results)
    return out.getvalue()


def suite(root: ET.Element, source: str) -> ET.Element:
    found = root.find(f"testsuite[@name='{source}']")
    assert found is not None, source
    return found


def test_registered() -> None:
    assert REPORTER_BY_NAME["junit"] is JUnitReporter
    assert JUnitReporter.filename == "junit.xml"


def test_valid_against_the_common_junit_xsd(results: list[AssetResult]) -> None:
    schema = xmlschema.XMLSchema(XSD)
    text = render(results)
    schema.validate(text)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')


def test_empty_run_is_valid() -> None:
    text = render([])
    xmlschema.XMLSchema(XSD).validate(text)
    root = ET.fromstring(text)
    assert root.get("tests") == "0" and len(root) == 0


def test_invalid_document_is_rejected_by_the_xsd() -> None:
    # The XSD is not a rubber stamp: a testcase without a name is refused.
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        xmlschema.XMLSchema(XSD).validate(
            '<testsuites><testsuite name="a" tests="1"><testcase/></testsuite></testsuites>'
        )


def test_one_suite_per_asset_one_case_per_check_and_scenario(results: list[AssetResult]) -> None:
    root = ET.fromstring(render(results))
    assert [s.get("name") for s in root] == sorted(r.source for r in results)
    clean = suite(root, "examples/clean.json")
    names = [c.get("name") for c in clean.findall("testcase")]
    static = [check_name(a) for a in check_areas() if a not in ("SIM", "SCN")]
    assert names == [*static, "scenario: idle"]
    assert clean.get("failures") == "0" and clean.get("tests") == str(len(names))


def test_errors_are_failures_in_their_check(results: list[AssetResult]) -> None:
    root = ET.fromstring(render(results))
    broken = suite(root, "examples/broken.json")
    failed = {
        c.get("name"): c.find("failure")
        for c in broken.findall("testcase")
        if c.find("failure") is not None
    }
    assert set(failed) == {"ranges", "references", "scenario: sweep"}
    ref = failed["references"]
    assert ref is not None and ref.get("type") == "SYN-REF-001"
    assert "shader.u_q names nothing declared" in (ref.text or "")
    assert "did you mean shader.u_r?" in (ref.text or "")
    sweep = failed["scenario: sweep"]
    assert sweep is not None and "reached 1.4" in (sweep.text or "")
    assert broken.get("failures") == "3" and broken.get("errors") == "0"
    assert root.get("failures") == "4"  # three here, one for the unloadable document


def test_warnings_are_properties_and_system_out_without_failing(results: list[AssetResult]) -> None:
    root = ET.fromstring(render(results))
    legacy = suite(root, "examples/legacy.json")
    assert legacy.get("failures") == "0"
    props = {p.get("name"): p.get("value") for p in legacy.iter("property")}
    assert props["verdict"] == "warn"
    assert "SYN-REF-003" in (props["warning.1"] or "")
    assert "SYN-GRAPH-001" in (props["info.2"] or "")
    out = legacy.find("system-out")
    assert out is not None and "visual.u_r is legacy" in (out.text or "")
    refs = legacy.find("testcase[@name='references']")
    assert refs is not None and refs.find("failure") is None
    case_out = refs.find("system-out")
    assert case_out is not None and "SYN-REF-003" in (case_out.text or "")


def test_unloadable_document_skips_later_checks() -> None:
    root = ET.fromstring(render([unloadable()]))
    s = suite(root, "<stdin>")
    load = s.find("testcase[@name='load']")
    assert load is not None and load.find("failure") is not None
    assert s.get("skipped") == str(len(s.findall("testcase")) - 1)


def test_deterministic_and_order_independent() -> None:
    a = render([warning(), failing(), passing()])
    b = render([passing(), warning(), failing()])
    assert a == b


def test_escapes_markup_in_messages() -> None:
    text = render([warning()])
    xmlschema.XMLSchema(XSD).validate(text)
    root = ET.fromstring(text)
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["name"] == "Legacy <names> & | pipes"


@pytest.mark.parametrize(
    ("source", "name"),
    [("examples/broken/x.json", "examples.broken.x"), ("<stdin>", "<stdin>"), ("a\\b.json", "a.b")],
)
def test_class_name(source: str, name: str) -> None:
    assert class_name(source) == name


def test_cases_are_classed_by_file_not_by_asset_name() -> None:
    root = ET.fromstring(
        render([failing(), failing().model_copy(update={"source": "other/broken.json"})])
    )
    classes = {c.get("classname") for c in root.iter("testcase")}
    assert classes == {"examples.broken", "other.broken"}
