"""Terminal reporter: a rich table per run, one row per asset.

Vocabulary:
- *table*: verdict, findings by severity, scenarios passed and score, one row
  per asset.
- *summary line*: the verdict counts, always printed.

Colour appears only when the stream is a terminal; anywhere else (a file, a
pipe, a test's ``StringIO``) the output is plain text at a fixed width, so it
is reproducible. Verbosity 0 (``--quiet``) prints the summary line only, 1 the
table and the summary, 2 also each asset's findings. The progress bar of long
runs belongs to the ``run`` command, which knows when work starts and ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from synharness.findings import Severity, Verdict, sort_findings
from synharness.reports.base import Reporter, register
from synharness.result import AssetResult, summarise

if TYPE_CHECKING:
    # rich is imported when a table is drawn: it is a tenth of the CLI's start-up.
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

#: Width used when the stream is not a terminal (no terminal to measure).
PLAIN_WIDTH = 120

STYLE: dict[Verdict, str] = {
    Verdict.PASS: "green",
    Verdict.WARN: "yellow",
    Verdict.FAIL: "bold red",
}
SEVERITY_STYLE: dict[Severity, str] = {
    Severity.ERROR: "red",
    Severity.WARNING: "yellow",
    Severity.INFO: "cyan",
}


def _is_tty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:  # a closed stream
        return False


@register
class TerminalReporter(Reporter):
    """Writes a rich table of the run."""

    name = "terminal"
    filename = "report.txt"

    def report(self, results: Sequence[AssetResult]) -> None:
        """Write the table and summary of ``results`` to the stream."""
        from rich.console import Console
        from rich.text import Text

        tty = _is_tty(self.stream)
        # Pass force_terminal and width explicitly: rich would otherwise read
        # FORCE_COLOR and COLUMNS from the environment, and a report must not
        # depend on it.
        console = Console(
            file=self.stream,
            force_terminal=tty,
            width=None if tty else PLAIN_WIDTH,
            highlight=False,
            emoji=False,
            soft_wrap=False,
        )
        ordered = sorted(results, key=lambda r: r.source)
        if self.verbosity >= 1 and ordered:
            console.print(self._table(ordered))
        if self.verbosity >= 2:
            for r in ordered:
                self._findings(console, r)
        s = summarise(ordered)
        line = Text()
        line.append(f"{s.assets} asset{'s' if s.assets != 1 else ''}: ")
        line.append(f"{s.pass_} pass", style=STYLE[Verdict.PASS])
        line.append(", ")
        line.append(f"{s.warn} warn", style=STYLE[Verdict.WARN])
        line.append(", ")
        line.append(f"{s.fail} fail", style=STYLE[Verdict.FAIL])
        console.print(line)

    def _table(self, results: Sequence[AssetResult]) -> Table:
        from rich.table import Table
        from rich.text import Text

        table = Table(title="synharness", title_justify="left", show_lines=False)
        table.add_column("Asset", overflow="fold")
        table.add_column("Verdict")
        table.add_column("Errors", justify="right")
        table.add_column("Warnings", justify="right")
        table.add_column("Info", justify="right")
        table.add_column("Scenarios", justify="right")
        scored = any(r.score is not None for r in results)
        if scored:
            table.add_column("Score", justify="right")
        for r in results:
            passed = sum(1 for s in r.scenarios if s.passed)
            score = ["-" if r.score is None else f"{r.score:.3f}"] if scored else []
            table.add_row(
                r.source if not r.name else f"{r.source} ({r.name})",
                Text(r.verdict.value, style=STYLE[r.verdict]),
                _count(r.count(Severity.ERROR), Severity.ERROR),
                _count(r.count(Severity.WARNING), Severity.WARNING),
                _count(r.count(Severity.INFO), Severity.INFO),
                f"{passed}/{len(r.scenarios)}" if r.scenarios else "-",
                *score,
            )
        return table

    def _findings(self, console: Console, result: AssetResult) -> None:
        from rich.text import Text

        findings = sort_findings(result.findings)
        if not findings:
            return
        console.print(Text(result.source, style="bold"))
        for f in findings:
            line = Text("  ")
            line.append(f"{f.severity.value:<7}", style=SEVERITY_STYLE[f.severity])
            where = f.pointer or "/"
            if f.line is not None:
                where += f" ({f.line}:{f.column or 1})"
            line.append(f" {f.code} {where}: {f.message}")
            console.print(line)
            if f.hint:
                console.print(Text(f"          hint: {f.hint}", style="dim"))


def _count(n: int, severity: Severity) -> Text:
    from rich.text import Text

    return Text(str(n), style=SEVERITY_STYLE[severity] if n else "")
