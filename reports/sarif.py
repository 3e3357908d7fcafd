"""SARIF 2.1.0 reporter: findings as code-scanning annotations.

Vocabulary (SARIF's own):
- *log*: the document; one *run* per invocation of the harness.
- *rule* (``reportingDescriptor``): one per finding code that occurs, with the
  catalogue's title as short description and its hint as help text.
- *result*: one per finding, with a *level* (``error``/``warning``/``note``)
  and a *physical location*: the file and the region of the value the
  finding's JSON pointer names (start and exclusive end line:column). The
  pointer itself travels as a *logical location*, so tools without line
  numbers still know where to look.

What GitHub code scanning uses: each rule's ``helpUri`` is the code's section
of docs/findings.md (:func:`synharness.codes.help_uri`); each result carries
``partialFingerprints`` (``synharness/v1``: file, code and pointer, not the
line, so a result survives edits above it); artifact URIs are relative to
``%SRCROOT%`` (the working directory, given in ``originalUriBaseIds`` when
the CLI passes it), so they match the checkout; ``invocations`` records the
command line, times and exit code the CLI passes in (just
``executionSuccessful`` without them, keeping the output deterministic).

Scenario failures are filed as findings by the simulation, so they appear here
like any other finding.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from synharness import __version__
from synharness.codes import CATALOGUE, help_uri
from synharness.findings import Finding, Severity, sort_findings
from synharness.reports.base import Fingerprinter, Reporter, RunInfo, artifact_path, register
from synharness.result import AssetResult

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: The base of relative artifact URIs: the root of the checkout.
SRCROOT = "%SRCROOT%"
#: The key of synharness's own fingerprint in ``partialFingerprints``.
FINGERPRINT_KEY = "synharness/v1"

#: The project's home page (the driver's ``informationUri``).
DOCS_URL_ROOT = "https://github.com/synharness/synharness"

#: Severity -> SARIF ``level``.
LEVEL_OF: dict[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}


def artifact_uri(source: str) -> str:
    """A relative URI reference for a source path (``<stdin>`` -> ``%3Cstdin%3E``).

    Windows separators become ``/`` and characters that a URI cannot carry are
    percent-encoded, so code scanning can match the path against the checkout.
    """
    return quote(source.replace("\\", "/"), safe="/:@!$&'()*+,;=-._~")


def _rule(code: str) -> dict[str, Any]:
    info = CATALOGUE.get(code)
    if info is None:
        # Not catalogued (a finding from a newer harness read back from a
        # stored report): still a valid rule, with what the finding tells.
        return {
            "id": code,
            "name": code,
            "shortDescription": {"text": code},
            "helpUri": help_uri(code),
        }
    return {
        "id": code,
        "helpUri": help_uri(code),
        "name": "".join(w.capitalize() for w in info.title.replace("$", "").split()),
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": f"{info.title}. {info.hint}"},
        "help": {"text": info.hint, "markdown": f"**{info.title}**\n\n{info.hint}"},
        "defaultConfiguration": {"level": LEVEL_OF[info.severity]},
        "properties": {"tags": ["synharness", code.split("-")[1].lower()]},
    }


def _location(path: str, root: str | None) -> dict[str, Any]:
    relative = artifact_path(path, root)
    if relative.startswith("/"):
        return {"uri": "file://" + artifact_uri(relative)}
    return {"uri": artifact_uri(relative), "uriBaseId": SRCROOT}


def _region(finding: Finding) -> dict[str, int] | None:
    if finding.line is None:
        return None
    region = {"startLine": finding.line, "startColumn": finding.column or 1}
    if finding.end_line is not None and finding.end_column is not None:
        region["endLine"] = finding.end_line
        region["endColumn"] = finding.end_column
    return region


def _result(
    finding: Finding, source: str, rule_index: int, *, root: str | None, fingerprint: str
) -> dict[str, Any]:
    text = finding.message
    if finding.hint:
        text += f" Hint: {finding.hint}"
    physical: dict[str, Any] = {"artifactLocation": _location(finding.file or source, root)}
    region = _region(finding)
    if region is not None:
        physical["region"] = region
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVEL_OF[finding.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [
                    {"fullyQualifiedName": finding.pointer or "/", "kind": "element"}
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"pointer": finding.pointer},
    }


def _invocation(info: RunInfo) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if info.arguments:
        invocation["commandLine"] = " ".join(info.arguments)
        invocation["arguments"] = list(info.arguments)
    if info.start_time is not None:
        invocation["startTimeUtc"] = info.start_time
    if info.end_time is not None:
        invocation["endTimeUtc"] = info.end_time
    if info.exit_code is not None:
        invocation["exitCode"] = info.exit_code
    if info.working_directory is not None:
        invocation["workingDirectory"] = {"uri": _directory_uri(info.working_directory)}
    return invocation


def _directory_uri(path: str) -> str:
    path = path.replace("\\", "/")
    if not path.startswith("/"):
        path = "/" + path  # a Windows drive: file:///C:/...
    return "file://" + artifact_uri(path.rstrip("/") + "/")


def sarif_log(results: Sequence[AssetResult], *, info: RunInfo | None = None) -> dict[str, Any]:
    """Build the SARIF log of ``results`` as plain data.

    Args:
        results: The asset results of one run.
        info: What the CLI knows of the invocation (command line, working
            directory, times, exit code); without it only the results are recorded.

    Returns:
        A SARIF 2.1.0 log with one run, rules sorted by code and results sorted
        by source, then by location.
    """
    info = info or RunInfo()
    root = info.working_directory
    ordered = sorted(results, key=lambda r: r.source)
    codes = sorted({f.code for r in ordered for f in r.findings})
    index = {code: i for i, code in enumerate(codes)}
    fingerprint = Fingerprinter()
    sarif_results = []
    for r in ordered:
        for f in sort_findings(r.findings):
            path = artifact_path(f.file or r.source, root)
            sarif_results.append(
                _result(f, r.source, index[f.code], root=root, fingerprint=fingerprint(path, f))
            )
    locations = {
        json.dumps(_location(f.file or r.source, root), sort_keys=True)
        for r in ordered
        for f in r.findings
    } | {json.dumps(_location(r.source, root), sort_keys=True) for r in ordered}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "synharness",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": DOCS_URL_ROOT,
                "rules": [_rule(code) for code in codes],
            }
        },
        "invocations": [_invocation(info)],
        "artifacts": [{"location": json.loads(loc)} for loc in sorted(locations)],
        # Lines and columns come from the JSON reader, which counts
        # code points, not UTF-16 units.
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
    }
    if root is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": _directory_uri(root)}}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


@register
class SarifReporter(Reporter):
    """Writes one SARIF 2.1.0 log per run."""

    name = "sarif"
    filename = "report.sarif"

    def report(self, results: Sequence[AssetResult]) -> None:
        """Write the SARIF log of ``results`` to the stream."""
        json.dump(sarif_log(results, info=self.info), self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")
