"""SARIF 2.1.0 reporter: findings as code-scanning annotations.

Vocabulary (SARIF's own):
- *log*: the document; one *run* per invocation of the harness.
- *rule* (``reportingDescriptor``): one per finding code that occurs, with the
  catalogue's title as short description and its hint as help text.
- *result*: one per finding, with a *level* (``error``/``warning``/``note``)
  and a *physical location*: the file and the line:column of the value the
  finding's JSON pointer names. The pointer itself travels as a *logical
  location*, so tools without line numbers still know where to look.

Scenario failures are filed as findings by the simulation, so they appear here
like any other finding.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from synharness import __version__
from synharness.codes import CATALOGUE
from synharness.findings import Finding, Severity, sort_findings
from synharness.reports.base import Reporter, register
from synharness.result import AssetResult

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

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
        return {"id": code, "name": code, "shortDescription": {"text": code}}
    return {
        "id": code,
        "name": "".join(w.capitalize() for w in info.title.replace("$", "").split()),
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": f"{info.title}. {info.hint}"},
        "help": {"text": info.hint, "markdown": f"**{info.title}**\n\n{info.hint}"},
        "defaultConfiguration": {"level": LEVEL_OF[info.severity]},
        "properties": {"tags": ["synharness", code.split("-")[1].lower()]},
    }


def _result(finding: Finding, source: str, rule_index: int) -> dict[str, Any]:
    text = finding.message
    if finding.hint:
        text += f" Hint: {finding.hint}"
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(finding.file or source)}}
    if finding.line is not None:
        physical["region"] = {"startLine": finding.line, "startColumn": finding.column or 1}
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
        "properties": {"pointer": finding.pointer},
    }


def sarif_log(results: Sequence[AssetResult]) -> dict[str, Any]:
    """Build the SARIF log of ``results`` as plain data.

    Args:
        results: The asset results of one run.

    Returns:
        A SARIF 2.1.0 log with one run, rules sorted by code and results sorted
        by source, then by location.
    """
    ordered = sorted(results, key=lambda r: r.source)
    codes = sorted({f.code for r in ordered for f in r.findings})
    index = {code: i for i, code in enumerate(codes)}
    sarif_results = [
        _result(f, r.source, index[f.code]) for r in ordered for f in sort_findings(r.findings)
    ]
    artifacts = sorted(
        {artifact_uri(f.file or r.source) for r in ordered for f in r.findings}
        | {artifact_uri(r.source) for r in ordered}
    )
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "synharness",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(code) for code in codes],
                    }
                },
                "artifacts": [{"location": {"uri": uri}} for uri in artifacts],
                # Lines and columns come from the JSON reader, which counts
                # code points, not UTF-16 units.
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }


@register
class SarifReporter(Reporter):
    """Writes one SARIF 2.1.0 log per run."""

    name = "sarif"
    filename = "report.sarif"

    def report(self, results: Sequence[AssetResult]) -> None:
        """Write the SARIF log of ``results`` to the stream."""
        json.dump(sarif_log(results), self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")
