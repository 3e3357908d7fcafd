"""GitHub Actions workflow commands: one annotation per finding.

A line ``::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=CODE::MESSAGE``
on a step's output becomes an annotation on the file in the run's summary and
on the pull request's diff. Errors are ``::error``, warnings ``::warning``,
infos ``::notice``. Escaping follows GitHub's toolkit (``@actions/core``):
in the message ``%``, CR and LF become ``%25``, ``%0D``, ``%0A``; in a
property also ``:`` and ``,`` become ``%3A`` and ``%2C``, since they delimit
properties. ``endColumn`` is given only for a value on one line (GitHub draws
columns within one line); it is inclusive, the value's last character.
Which findings are shown follows :func:`~synharness.reports.base.log_findings`.
"""

from __future__ import annotations

from collections.abc import Sequence

from synharness.findings import Finding, Severity
from synharness.reports.base import Reporter, artifact_path, location_of, log_findings, register
from synharness.result import AssetResult

#: Severity -> workflow command.
COMMAND_OF: dict[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, source: str, *, root: str | None = None) -> str:
    """The workflow command of one finding."""
    path, line, column = location_of(finding, source)
    properties = [("file", artifact_path(path, root)), ("line", str(line)), ("col", str(column))]
    if finding.end_line is not None and finding.end_column is not None:
        properties.append(("endLine", str(finding.end_line)))
        if finding.end_line == line and finding.end_column > column:
            properties.append(("endColumn", str(finding.end_column - 1)))
    properties.append(("title", finding.code))
    message = finding.message
    if finding.pointer:
        message += f" (at {finding.pointer})"
    if finding.hint:
        message += f"\nHint: {finding.hint}"
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMAND_OF[finding.severity]} {props}::{escape_data(message)}"


@register
class GithubReporter(Reporter):
    """Workflow commands that GitHub Actions turns into annotations."""

    name = "github"
    filename = "annotations.txt"
    log = True

    def report(self, results: Sequence[AssetResult]) -> None:
        """Write one workflow command per shown finding."""
        root = self.info.working_directory
        for result, item in log_findings(results, verbosity=self.verbosity):
            self.stream.write(annotation(item, result.source, root=root) + "\n")
