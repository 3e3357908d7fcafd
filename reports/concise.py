"""The concise format: one line per finding, ``path:line:col: CODE severity message``.

The shape compilers and linters print, which editors, ``grep`` and CI problem
matchers read. Lines are sorted by file, then position; a finding about the
whole file without a position (an unreadable file) is reported at ``1:1``.
Verbosity 1 (the default) leaves out the infos of passing assets, 0 every
info, 2 shows everything (see :func:`~synharness.reports.base.log_findings`).
It is a *log format*: ``synharness run`` prints it before its table.
"""

from __future__ import annotations

from collections.abc import Sequence

from synharness.findings import Finding
from synharness.reports.base import Reporter, location_of, log_findings, register
from synharness.result import AssetResult


def concise_line(finding: Finding, source: str) -> str:
    """``path:line:col: CODE severity message`` of one finding."""
    path, line, column = location_of(finding, source)
    message = " ".join(finding.message.split())  # one finding, one line
    return f"{path}:{line}:{column}: {finding.code} {finding.severity.value} {message}"


@register
class ConciseReporter(Reporter):
    """One line per finding, for logs and editors."""

    name = "concise"
    filename = "findings.txt"
    log = True

    def report(self, results: Sequence[AssetResult]) -> None:
        """Write one line per shown finding."""
        for result, item in log_findings(results, verbosity=self.verbosity):
            self.stream.write(concise_line(item, result.source) + "\n")
