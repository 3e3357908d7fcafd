"""Markdown reporter: a summary fit for a pull-request comment.

Vocabulary:
- *headline*: one line with the verdict counts, readable in a notification.
- *summary table*: one row per asset (verdict, findings by severity,
  scenarios passed, score).
- *details*: per asset with findings, a collapsed ``<details>`` block listing
  them, so a long report does not flood the conversation.

Verbosity: 0 prints the headline and the table; 1 (the default) adds the
details of assets that warn or fail, errors and warnings only; 2 adds infos,
passing assets and each scenario's expectations.
"""

from __future__ import annotations

from collections.abc import Sequence

from synharness.findings import Finding, Severity, Verdict, sort_findings
from synharness.reports.base import Reporter, register
from synharness.result import AssetResult, summarise

ICON: dict[Verdict, str] = {Verdict.PASS: "✅", Verdict.WARN: "⚠️", Verdict.FAIL: "❌"}
SEVERITY_ICON: dict[Severity, str] = {
    Severity.ERROR: "❌",
    Severity.WARNING: "⚠️",
    Severity.INFO: "ℹ️",  # noqa: RUF001 (the information emoji, on purpose)
}
#: Findings listed per asset before the rest is summarised in one line; a PR
#: comment has a size limit (65,536 characters on GitHub).
MAX_FINDINGS_PER_ASSET = 50


def cell(text: str) -> str:
    """Escape text for a Markdown table cell (pipes, newlines, HTML brackets).

    GitHub renders raw HTML in comments, so ``<names>`` would vanish as an
    unknown tag unless its bracket is escaped.
    """
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "<br>")
    )


def code_span(text: str) -> str:
    """Wrap text in a code span that survives backticks inside it."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def scenarios_cell(result: AssetResult) -> str:
    """``passed/total`` scenarios, or an em dash when nothing was simulated."""
    if not result.scenarios:
        return "—"
    passed = sum(1 for s in result.scenarios if s.passed)
    return f"{passed}/{len(result.scenarios)}"


def _location(finding: Finding) -> str:
    where = code_span(finding.pointer or "/")
    if finding.file:
        where = f"{code_span(finding.file)} {where}"
    if finding.line is not None:
        where += f" {finding.line}:{finding.column or 1}"
    return where


@register
class MarkdownReporter(Reporter):
    """Writes a GitHub-flavoured Markdown summary."""

    name = "markdown"
    filename = "report.md"

    def report(self, results: Sequence[AssetResult]) -> None:
        """Write the Markdown summary of ``results`` to the stream."""
        ordered = sorted(results, key=lambda r: r.source)
        s = summarise(ordered)
        w = self.stream.write
        w(
            f"## synharness: {s.assets} asset{'s' if s.assets != 1 else ''} — "
            f"{ICON[Verdict.PASS]} {s.pass_} pass · {ICON[Verdict.WARN]} {s.warn} warn · "
            f"{ICON[Verdict.FAIL]} {s.fail} fail\n\n"
        )
        if not ordered:
            w("No assets were checked.\n")
            return
        # The score column only when something was scored (``validate`` and
        # ``run`` do not score).
        scored = any(r.score is not None for r in ordered)
        header = ["Asset", "Verdict", "Errors", "Warnings", "Info", "Scenarios"]
        align = ["---", "---", "--:", "--:", "--:", "--:"]
        if scored:
            header, align = [*header, "Score"], [*align, "--:"]
        w("| " + " | ".join(header) + " |\n|" + "|".join(align) + "|\n")
        for r in ordered:
            label = code_span(r.source) + (f" ({cell(r.name)})" if r.name else "")
            row = [
                label,
                f"{ICON[r.verdict]} {r.verdict.value}",
                str(r.count(Severity.ERROR)),
                str(r.count(Severity.WARNING)),
                str(r.count(Severity.INFO)),
                scenarios_cell(r),
            ]
            if scored:
                row.append("—" if r.score is None else f"{r.score:.3f}")
            w("| " + " | ".join(row) + " |\n")
        if self.verbosity >= 1:
            for r in ordered:
                self._details(r)

    def _details(self, result: AssetResult) -> None:
        threshold = Severity.INFO if self.verbosity >= 2 else Severity.WARNING
        findings = [f for f in sort_findings(result.findings) if f.severity.rank >= threshold.rank]
        failed = [s for s in result.scenarios if not s.passed]
        show_scenarios = result.scenarios and (self.verbosity >= 2 or failed)
        if not findings and not show_scenarios:
            return
        w = self.stream.write
        w(
            f"\n<details><summary>{ICON[result.verdict]} <code>{_html(result.source)}</code>"
            f" — {len(findings)} finding{'s' if len(findings) != 1 else ''}</summary>\n\n"
        )
        if findings:
            w("| | Code | Location | Message | Hint |\n|---|---|---|---|---|\n")
            for f in findings[:MAX_FINDINGS_PER_ASSET]:
                w(
                    f"| {SEVERITY_ICON[f.severity]} | {f.code} | {cell(_location(f))} "
                    f"| {cell(f.message)} | {cell(f.hint)} |\n"
                )
            rest = len(findings) - MAX_FINDINGS_PER_ASSET
            if rest > 0:
                w(f"\n…and {rest} more; see the JSON or HTML report.\n")
        if show_scenarios:
            w("\n| Scenario | Result | Expectations |\n|---|---|---|\n")
            for s in result.scenarios:
                held = sum(1 for e in s.expectations if e.passed)
                w(
                    f"| {cell(s.name)} | {'✅ passed' if s.passed else '❌ failed'} "
                    f"| {held}/{len(s.expectations)} |\n"
                )
            for s in result.scenarios:
                for e in s.expectations:
                    if not e.passed or self.verbosity >= 2:
                        mark = "✅" if e.passed else "❌"
                        w(f"\n- {mark} **{cell(s.name)}** `{e.kind}`: {cell(e.detail)}")
            w("\n")
        w("\n</details>\n")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
