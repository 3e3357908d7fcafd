"""JUnit XML reporter: the common Jenkins/Ant format that every CI server reads.

Vocabulary:
- *test suite*: one asset (named by its source).
- *check*: one area of the finding catalogue (``load``, ``schema``,
  ``references``, ...); every asset gets one *test case* per check, which
  fails when the asset has an error finding in that area.
- *scenario test case*: one per scenario outcome, failing when any of its
  expectations did not hold.

Errors become ``<failure>`` elements (never ``<error>``, which CI servers read
as "the test harness crashed"). Warnings and infos do not fail anything: they
appear as ``<property>`` elements of the suite and in the ``<system-out>`` of
the test case they belong to, so CI shows them without going red. Times are
``0``: reporters never read the clock, and the output must be reproducible.
"""

from __future__ import annotations

import tempfile
from typing import IO
from xml.etree import ElementTree as ET

from synharness.codes import CATALOGUE
from synharness.findings import Finding, Severity, sort_findings
from synharness.reports.base import Reporter, register
from synharness.result import AssetResult, ScenarioOutcome

#: Catalogue area -> check name, in the order the pipeline runs them. Areas
#: that appear later in the catalogue and are not listed here are appended in
#: sorted order, lower-cased, so a new area never disappears from the report.
CHECK_NAMES: dict[str, str] = {
    "LOAD": "load",
    "ENV": "envelope",
    "SCHEMA": "schema",
    "REF": "references",
    "RANGE": "ranges",
    "DUP": "duplicates",
    "MOD": "modulations",
    "GLSL": "glsl",
    "TONE": "tone",
    "HAPTIC": "haptic",
    "RULE": "rules",
    "GRAPH": "graph",
    "SIM": "simulation",
    "SCN": "scenarios",
}


def area_of(code: str) -> str:
    """Return the catalogue area of a code: ``SYN-REF-001`` -> ``REF``."""
    parts = code.split("-")
    return parts[1] if len(parts) >= 3 else code


def check_areas() -> list[str]:
    """Every catalogue area, known ones first in pipeline order."""
    present = {area_of(code) for code in CATALOGUE}
    known = [a for a in CHECK_NAMES if a in present or a in ("SIM", "SCN")]
    return known + sorted(present - set(CHECK_NAMES))


def check_name(area: str) -> str:
    """The test case name of an area."""
    return CHECK_NAMES.get(area, area.lower())


def class_name(source: str) -> str:
    """The test case class name of a source: ``examples/a.json`` -> ``examples.a``.

    CI servers split a class name at its last dot into package and class, so
    the path's directories become the package and the file the class; the
    asset's own name is not used because two files may share it.
    """
    stem = source[: -len(".json")] if source.endswith(".json") else source
    return stem.replace("\\", "/").strip("/").replace("/", ".") or "document"


def describe(finding: Finding) -> str:
    """One line for a finding: ``severity CODE at pointer (line:col): message``."""
    where = finding.pointer or "/"
    if finding.file:
        where = f"{finding.file}#{where}"
    if finding.line is not None:
        where += f" ({finding.line}:{finding.column or 1})"
    text = f"{finding.severity.value} {finding.code} at {where}: {finding.message}"
    if finding.hint:
        text += f"\n    hint: {finding.hint}"
    return text


@register
class JUnitReporter(Reporter):
    """Writes one ``<testsuite>`` per asset into a ``<testsuites>`` document."""

    name = "junit"
    filename = "junit.xml"

    def begin(self, *, total: int | None = None) -> None:
        """Start the document; suites are spooled to a temporary file as they arrive."""
        self._spool: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by end()
        #: (source, offset, length, tests, failures, skipped) per suite.
        self._index: list[tuple[str, int, int, int, int, int]] = []

    def add(self, result: AssetResult) -> None:
        """Render the asset's ``<testsuite>`` into the spool."""
        suite = self._suite(result)
        # Indented as the second level of the document, exactly as ET.indent of the whole tree.
        ET.indent(suite, space="  ", level=1)
        data = ET.tostring(suite, encoding="unicode").encode("utf-8", "surrogateescape")
        offset = self._spool.tell()
        self._spool.write(data)
        tests, failures, skipped = (
            int(suite.get(k, "0")) for k in ("tests", "failures", "skipped")
        )
        self._index.append((result.source, offset, len(data), tests, failures, skipped))

    def end(self) -> None:
        """Write the ``<testsuites>`` document with its totals, suites in source order."""
        index = sorted(self._index, key=lambda e: e[0])
        root = ET.Element("testsuites", name="synharness")
        root.set("tests", str(sum(e[3] for e in index)))
        root.set("failures", str(sum(e[4] for e in index)))
        root.set("errors", "0")
        root.set("skipped", str(sum(e[5] for e in index)))
        root.set("time", "0")
        w = self.stream.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n')
        if not index:
            w(ET.tostring(root, encoding="unicode") + "\n")
            self._spool.close()
            return
        opening = ET.tostring(root, encoding="unicode")
        # "<testsuites .../>" -> "<testsuites ...>": the attributes as ET writes them.
        w(opening[: -len(" />")] + ">")
        for _source, offset, length, *_ in index:
            self._spool.seek(offset)
            w("\n  " + self._spool.read(length).decode("utf-8", "surrogateescape"))
        w("\n</testsuites>\n")
        self._spool.close()

    def _suite(self, result: AssetResult) -> ET.Element:
        suite = ET.Element("testsuite", name=result.source)
        properties = ET.SubElement(suite, "properties")
        _property(properties, "verdict", result.verdict.value)
        for key in ("name", "kind", "schema_version"):
            value = getattr(result, key)
            if value is not None:
                _property(properties, key, str(value))
        if result.score is not None:
            _property(properties, "score", f"{result.score:.4f}")
        findings = sort_findings(result.findings)
        notes = [f for f in findings if f.severity is not Severity.ERROR]
        for i, note in enumerate(notes, start=1):
            _property(properties, f"{note.severity.value}.{i}", describe(note))

        by_area: dict[str, list[Finding]] = {}
        for f in findings:
            by_area.setdefault(area_of(f.code), []).append(f)
        # A document that did not load was never checked further: say so with
        # <skipped> rather than claiming that the later checks passed.
        unloaded = any(f.severity is Severity.ERROR and area_of(f.code) == "LOAD" for f in findings)
        classname = class_name(result.source)
        cases: list[ET.Element] = []
        for area in check_areas():
            area_findings = by_area.get(area, [])
            if area in ("SIM", "SCN") and not area_findings:
                # Simulation checks only exist when something was simulated.
                continue
            skip = unloaded and area != "LOAD" and not area_findings
            cases.append(_check_case(classname, check_name(area), area_findings, skipped=skip))
        for outcome in result.scenarios:
            cases.append(_scenario_case(classname, outcome))
        suite.extend(cases)

        failures = sum(1 for c in cases if c.find("failure") is not None)
        skipped = sum(1 for c in cases if c.find("skipped") is not None)
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        suite.set("time", "0")
        if notes:
            out = ET.SubElement(suite, "system-out")
            out.text = "\n".join(describe(f) for f in notes) + "\n"
        return suite


def _property(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, "property", name=name, value=value)


def _check_case(classname: str, name: str, findings: list[Finding], *, skipped: bool) -> ET.Element:
    case = ET.Element("testcase", name=name, classname=classname, time="0")
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if skipped:
        ET.SubElement(case, "skipped", message="not run: the document did not load")
    elif errors:
        first = errors[0]
        message = f"{len(errors)} error(s); first: {first.code} at {first.pointer or '/'}: {first.message}"
        failure = ET.SubElement(case, "failure", message=message, type=first.code)
        failure.text = "\n".join(describe(f) for f in errors) + "\n"
    notes = [f for f in findings if f.severity is not Severity.ERROR]
    if notes:
        out = ET.SubElement(case, "system-out")
        out.text = "\n".join(describe(f) for f in notes) + "\n"
    return case


def _scenario_case(classname: str, outcome: ScenarioOutcome) -> ET.Element:
    case = ET.Element("testcase", name=f"scenario: {outcome.name}", classname=classname, time="0")
    lines = [
        f"{'ok  ' if e.passed else 'FAIL'} {e.kind} ({e.pointer or '/'}): {e.detail}"
        for e in outcome.expectations
    ]
    if not outcome.passed:
        failed = [e for e in outcome.expectations if not e.passed]
        message = (
            f"{len(failed)} of {len(outcome.expectations)} expectation(s) failed"
            if failed
            else "scenario failed"
        )
        failure = ET.SubElement(case, "failure", message=message, type="scenario")
        failure.text = "\n".join(lines) + "\n" if lines else message + "\n"
    summary = [
        f"source: {outcome.source}, seed {outcome.seed}, {outcome.steps} steps of "
        f"{outcome.dt:.4g} s ({outcome.duration:g} s), {outcome.event_count} event(s)"
    ]
    for path in sorted(outcome.metrics):
        m = outcome.metrics[path]
        summary.append(
            f"{path}: min {m.min:g} max {m.max:g} mean {m.mean:g} "
            f"clipped {m.clipped_fraction:.1%} coverage {m.coverage:.1%} NaN {m.nan_count}"
        )
    out = ET.SubElement(case, "system-out")
    out.text = "\n".join(summary + (lines if outcome.passed else [])) + "\n"
    return case
