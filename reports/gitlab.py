"""GitLab Code Quality report: the findings as the merge-request widget reads them.

A JSON array of issues (the subset of the Code Climate format GitLab uses)::

    [{"description": "...", "check_name": "SYN-REF-001", "fingerprint": "<hex>",
      "severity": "major", "location": {"path": "assets/a.json", "lines": {"begin": 12}}}]

Severities map error -> ``major``, warning -> ``minor``, info -> ``info``.
``location.path`` is relative to the repository (the working directory of the
job); the fingerprint identifies a finding by file, code and pointer, so it
survives edits that move lines. Every finding is listed, whatever the verbosity.
Publish it with ``artifacts: reports: codequality:`` (see docs/ci.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from synharness.findings import Severity, sort_findings
from synharness.reports.base import (
    Fingerprinter,
    Reporter,
    artifact_path,
    location_of,
    register,
)
from synharness.result import AssetResult

#: Severity -> Code Quality severity (info, minor, major, critical, blocker).
SEVERITY_OF: dict[Severity, str] = {
    Severity.ERROR: "major",
    Severity.WARNING: "minor",
    Severity.INFO: "info",
}


def code_quality(
    results: Sequence[AssetResult], *, root: str | None = None
) -> list[dict[str, Any]]:
    """The Code Quality issues of ``results``, by file then position."""
    fingerprint = Fingerprinter()
    issues: list[dict[str, Any]] = []
    for result in sorted(results, key=lambda r: r.source):
        for item in sort_findings(result.findings):
            path, line, _ = location_of(item, result.source)
            path = artifact_path(path, root)
            description = f"{item.code}: {item.message}"
            if item.pointer:
                description += f" (at {item.pointer})"
            issues.append(
                {
                    "type": "issue",
                    "description": description,
                    "check_name": item.code,
                    "fingerprint": fingerprint(path, item),
                    "severity": SEVERITY_OF[item.severity],
                    "location": {"path": path, "lines": {"begin": line}},
                }
            )
    return issues


@register
class GitlabReporter(Reporter):
    """GitLab's Code Quality JSON (``gl-code-quality-report.json``)."""

    name = "gitlab"
    filename = "gl-code-quality-report.json"

    def report(self, results: Sequence[AssetResult]) -> None:
        """Write the issues as a JSON array."""
        issues = code_quality(results, root=self.info.working_directory)
        json.dump(issues, self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")
