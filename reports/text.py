"""The plain-text report: one line per asset, its findings beneath, a summary line.

Layout (verbosity 1)::

    FAIL  assets/bad.json  (Circle Harmony)
      error SYN-REF-001 /control/control_parameters/0/parameter 12:5 names nothing declared
        hint: Point the target at a declared parameter ...
    1 passed, 0 warned, 1 failed

Verbosity 0 lists only the assets that did not pass, without hints or info
findings; verbosity 2 and more is the same as 1. The pointer of the whole
document is written ``<root>``, since ``/`` would name the key ``""``.
"""

from __future__ import annotations

from collections.abc import Sequence

from synharness.findings import Finding, Severity, Verdict
from synharness.reports.base import Reporter, register
from synharness.result import AssetResult, summarise


@register
class TextReporter(Reporter):
    """Plain text for people and logs, one asset per line."""

    name = "text"
    filename = "report.txt"

    def report(self, results: Sequence[AssetResult]) -> None:
        """Write every asset's verdict and findings, then the summary line."""
        lines: list[str] = []
        for result in results:
            if self.verbosity <= 0 and result.verdict is Verdict.PASS:
                continue
            lines.append(asset_line(result))
            for item in result.findings:
                if self.verbosity <= 0 and item.severity is Severity.INFO:
                    continue
                lines.append("  " + finding_line(item))
                if self.verbosity >= 1 and item.hint:
                    lines.append(f"    hint: {item.hint}")
        lines.append(summary_line(results))
        self.stream.write("\n".join(lines) + "\n")


def asset_line(result: AssetResult) -> str:
    """``PASS  <source>  (<name>)``; the name is left out when there is none."""
    line = f"{result.verdict.value.upper():<4}  {result.source}"
    return f"{line}  ({result.name})" if result.name else line


def finding_line(item: Finding) -> str:
    """``error SYN-REF-001 /pointer 12:5 message`` (position only when known)."""
    parts = [item.severity.value, item.code]
    if item.file:
        parts.append(item.file)
    parts.append(item.pointer or "<root>")
    if item.line is not None:
        parts.append(f"{item.line}:{item.column or 1}")
    parts.append(item.message)
    return " ".join(parts)


def summary_line(results: Sequence[AssetResult]) -> str:
    """``N passed, N warned, N failed``."""
    summary = summarise(list(results))
    return f"{summary.pass_} passed, {summary.warn} warned, {summary.fail} failed"
