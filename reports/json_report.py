"""The JSON report, version 1: the machine-readable form of a run.

Shape::

    {"report_version": 1,
     "tool": {"name": "synharness", "version": ..., "schema_version": "0.7.3"},
     "summary": {"assets": N, "pass": N, "warn": N, "fail": N},
     "assets": [{"source", "name", "kind", "schema_version", "verdict",
                 "findings": [{"code", "severity", "pointer", "line", "column", "end_line", "end_column",
                               "message", "hint", "file"}],
                 "scenarios": [...], "score": ...}]}

Keys are sorted and nothing depends on the clock, so the same results always
give the same bytes. Non-finite floats (a NaN metric) are written as ``null``:
JSON has no NaN.

Each asset's entry is written as soon as it is added (see
:mod:`synharness.reports.base`). The scenario traces (``plot``) are kept for
every asset of a batch of up to ``LARGE_BATCH`` assets (the HTML report's
threshold) and, in larger batches, for the assets that did not pass.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from synharness import __version__
from synharness.reports.base import Reporter, register, slim
from synharness.result import REPORT_VERSION, AssetResult, ScenarioOutcome, summarise
from synharness.schema import DEFAULT_VERSION

TOOL_NAME = "synharness"


@register
class JsonReporter(Reporter):
    """Report version 1 as indented JSON with sorted keys."""

    name = "json"
    filename = "report.json"
    #: The JSON report keeps the traces, so `synharness report` can draw the plots again.
    reads_plots = True

    def begin(self, *, total: int | None = None) -> None:
        """Start the document: the ``assets`` list comes first (keys are sorted)."""
        from synharness.reports.html import LARGE_BATCH

        self._verdicts = {"pass": 0, "warn": 0, "fail": 0}
        self._first = True
        # Traces are most of a report's bytes (300 kB an asset): a large batch keeps
        # them for the assets that did not pass, as its HTML report draws only those.
        self._slim_passing = total is not None and total > LARGE_BATCH

    def add(self, result: AssetResult) -> None:
        """Write the asset's entry at once, indented as inside the whole document."""
        if self._slim_passing and result.verdict.value == "pass":
            result = slim(result)
        entry = json.dumps(asset_entry(result), sort_keys=True, indent=2, ensure_ascii=False)
        self.stream.write(('{\n  "assets": [\n' if self._first else ",\n") + _indent(entry, 4))
        self._first = False
        self._verdicts[result.verdict.value] += 1

    def end(self) -> None:
        """Close the ``assets`` list and write the summary and the tool."""
        v = self._verdicts
        summary = {
            "assets": sum(v.values()),
            "pass": v["pass"],
            "warn": v["warn"],
            "fail": v["fail"],
        }
        rest = json.dumps(
            {"assets": [], **_head(summary)}, sort_keys=True, indent=2, ensure_ascii=False
        )
        # rest starts '{\n  "assets": [],\n  ...': keep what follows the empty list.
        tail = rest[rest.index('"assets": []') + len('"assets": []') :]
        self.stream.write(rest[: rest.index("]") + 1] if self._first else "\n  ]")
        self.stream.write(tail + "\n")


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line for line in text.split("\n"))


def _head(summary: dict[str, int]) -> dict[str, Any]:
    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__, "schema_version": DEFAULT_VERSION},
        "summary": summary,
    }


def report_document(results: Sequence[AssetResult]) -> dict[str, Any]:
    """Build the report version 1 document of ``results`` (plain JSON data).

    Args:
        results: The asset results of one run, in the order to report them.

    Returns:
        The document, ready for :func:`json.dumps`.
    """
    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__, "schema_version": DEFAULT_VERSION},
        "summary": summarise(list(results)).as_dict(),
        "assets": [asset_entry(result) for result in results],
    }


def asset_entry(result: AssetResult) -> dict[str, Any]:
    """One asset of the report (the ``assets`` items)."""
    return {
        "source": result.source,
        "name": result.name,
        "kind": result.kind,
        "schema_version": result.schema_version,
        "verdict": result.verdict.value,
        "findings": [f.model_dump(mode="json") for f in result.findings],
        "scenarios": [_scenario_entry(s) for s in result.scenarios],
        "score": _finite(result.score),
    }


def _scenario_entry(outcome: ScenarioOutcome) -> dict[str, Any]:
    entry: dict[str, Any] = _finite(outcome.model_dump(mode="json"))
    if outcome.audio is not None:
        entry["audio"] = _finite(outcome.audio.model_dump(mode="json"))
    return entry


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
