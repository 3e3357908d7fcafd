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
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from synharness import __version__
from synharness.reports.base import Reporter, register
from synharness.result import REPORT_VERSION, AssetResult, summarise
from synharness.schema import DEFAULT_VERSION

TOOL_NAME = "synharness"


@register
class JsonReporter(Reporter):
    """Report version 1 as indented JSON with sorted keys."""

    name = "json"
    filename = "report.json"

    def report(self, results: Sequence[AssetResult]) -> None:
        """Write the report document of ``results``."""
        document = report_document(results)
        self.stream.write(json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False))
        self.stream.write("\n")


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
        "scenarios": [_finite(s.model_dump(mode="json")) for s in result.scenarios],
        "score": _finite(result.score),
    }


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
