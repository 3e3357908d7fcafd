"""HTML reporter: one self-contained page per run, with plots.

Vocabulary:
- *page*: one HTML document holding everything inline (CSS in a ``<style>``
  element, plots as inline SVG); it loads nothing from the network, so it can
  be archived as a CI artefact and opened offline.
- *summary*: the verdict counts and a table with one row per asset.
- *asset section*: the asset's findings, then per scenario its expectations,
  its metrics, its render (filmstrip and animated preview, see
  :mod:`synharness.reports.filmstrip`) and one plot per traced parameter (see
  :mod:`synharness.reports.plots`).

Verbosity 0 leaves the plots out; 1 and 2 include them. The page is written as
results arrive (:meth:`HtmlReporter.add` renders a section into a temporary
spool file and keeps only its summary row), so memory does not grow with the
batch. Batches of more than :data:`LARGE_BATCH` assets show failing and warning
assets in full and passing ones collapsed; the page draws at most
:data:`PLOT_BUDGET` plots. The only script is the plots' hover read-out,
inline.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import IO

from synharness import __version__
from synharness.findings import Severity, sort_findings
from synharness.reports.audio_clip import fragment as audio_fragment
from synharness.reports.base import Reporter, register
from synharness.reports.filmstrip import CSS as RENDER_CSS
from synharness.reports.filmstrip import render_fragment
from synharness.reports.plots import HOVER_SCRIPT, scenario_svgs
from synharness.result import AssetResult, ScenarioOutcome

CSS = (
    """
:root { --pass: #1a7f37; --warn: #9a6700; --fail: #cf222e; --muted: #57606a; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 70rem; padding: 0 1rem; color: #1f2328; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2.5rem;
     border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; }
h3 { font-size: 1.05rem; margin-top: 1.5rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
td code { white-space: nowrap; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .85em; }
.verdict { font-weight: 600; text-transform: uppercase; font-size: .8rem; padding: .1rem .4rem;
           border-radius: .3rem; color: #fff; }
.pass { background: var(--pass); } .warn { background: var(--warn); } .fail { background: var(--fail); }
.sev-error { color: var(--fail); font-weight: 600; } .sev-warning { color: var(--warn); font-weight: 600; }
.sev-info { color: var(--muted); }
.hint { color: var(--muted); font-size: .85rem; }
.plot svg { width: 100%; height: auto; max-width: 52rem; display: block; }
.meta { color: var(--muted); font-size: .85rem; }
details.asset { margin: .3rem 0; } details.asset summary { cursor: pointer; }
.plot svg text { font-family: system-ui, sans-serif; }
"""
    + RENDER_CSS
)

_VERDICT_CLASS = {"pass": "pass", "warn": "warn", "fail": "fail"}

#: Batches of more assets than this show passing assets collapsed (no metrics, no plots).
LARGE_BATCH = 50
#: Most plots one page draws; later scenarios say their plots were left out.
PLOT_BUDGET = 2000


def anchor_of(source: str, seen: dict[str, int]) -> str:
    """A stable element id for an asset: a hash of its source (and its repeat count)."""
    n = seen.get(source, 0)
    seen[source] = n + 1
    digest = hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=5).hexdigest()
    return f"asset-{digest}" + (f"-{n}" if n else "")


def _verdict(value: str) -> str:
    return f'<span class="verdict {_VERDICT_CLASS[value]}">{escape(value)}</span>'


@dataclass(frozen=True)
class _Row:
    """What the summary table needs of one asset (kept while its section is spooled)."""

    source: str
    anchor: str
    name: str
    verdict: str
    errors: int
    warnings: int
    infos: int
    scenarios: str
    score: float | None
    #: Where the asset's section lies in the spool: byte offset and length.
    offset: int
    length: int


@register
class HtmlReporter(Reporter):
    """Writes one self-contained HTML page; sections are spooled to a temporary file.

    Size bound: each asset costs its findings and metrics tables (about 1-3 kB;
    a passing asset of a batch over :data:`LARGE_BATCH` only its findings), and
    the page draws at most :data:`PLOT_BUDGET` plots of at most about 5 kB each
    (400 trace points; 25 kB with the most events), so a page of 10,000 assets
    stays in the tens of megabytes whatever their traces.
    """

    name = "html"
    filename = "report.html"
    reads_plots = True

    def begin(self, *, total: int | None = None) -> None:
        """Start a page; ``total`` above :data:`LARGE_BATCH` collapses passing assets."""
        self._spool: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by end()
        self._rows: list[_Row] = []
        self._seen: dict[str, int] = {}
        self._large = total is not None and total > LARGE_BATCH
        self._plots_left = PLOT_BUDGET
        self._drew = False
        self._parts: list[str] = []

    def add(self, result: AssetResult) -> None:
        """Render the asset's section into the spool; keep its summary row."""
        anchor = anchor_of(result.source, self._seen)
        self._parts = []
        collapsed = self._large and result.verdict.value == "pass"
        self._asset(anchor, result, collapsed=collapsed)
        data = "".join(self._parts).encode("utf-8", "surrogateescape")
        self._parts = []
        offset = self._spool.tell()
        self._spool.write(data)
        passed = sum(1 for x in result.scenarios if x.passed)
        self._rows.append(
            _Row(
                source=result.source,
                anchor=anchor,
                name=result.name or "",
                verdict=result.verdict.value,
                errors=result.count(Severity.ERROR),
                warnings=result.count(Severity.WARNING),
                infos=result.count(Severity.INFO),
                scenarios=f"{passed}/{len(result.scenarios)}" if result.scenarios else "—",
                score=result.score,
                offset=offset,
                length=len(data),
            )
        )

    def end(self) -> None:
        """Write the page: head, summary, then the sections in source order."""
        rows = sorted(self._rows, key=lambda r: r.source)
        counts = {v: sum(1 for r in rows if r.verdict == v) for v in ("pass", "warn", "fail")}
        w = self.stream.write
        w('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
        w('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
        w(
            f"<title>synharness report: {counts['fail']} fail, {counts['warn']} warn, "
            f"{counts['pass']} pass</title>\n"
        )
        w(f"<style>{CSS}</style>\n</head>\n<body>\n")
        w("<h1>synharness report</h1>\n")
        w(
            f'<p class="meta">synharness {escape(__version__)} · {len(rows)} asset(s): '
            f"{_verdict('pass')} {counts['pass']} {_verdict('warn')} {counts['warn']} "
            f"{_verdict('fail')} {counts['fail']}</p>\n"
        )
        if self._large:
            w(
                f'<p class="meta">{len(rows)} assets: failing and warning assets in full, '
                "passing ones collapsed.</p>\n"
            )
        if rows:
            self._summary(rows)
        spool = self._spool
        for row in rows:
            spool.seek(row.offset)
            w(spool.read(row.length).decode("utf-8", "surrogateescape"))
        spool.close()
        if self._drew:
            w(f"<script>{HOVER_SCRIPT}</script>\n")
        w("</body>\n</html>\n")

    def _summary(self, rows: Sequence[_Row]) -> None:
        w = self.stream.write
        w('<table id="summary">\n<thead><tr><th>Asset</th><th>Name</th><th>Verdict</th>')
        scored = any(r.score is not None for r in rows)
        w("<th>Errors</th><th>Warnings</th><th>Info</th><th>Scenarios</th>")
        w(("<th>Score</th>" if scored else "") + "</tr></thead>\n<tbody>\n")
        for r in rows:
            score = "—" if r.score is None else f"{r.score:.3f}"
            score_cell = f'<td class="num">{score}</td>' if scored else ""
            w(
                f'<tr><td><a href="#{r.anchor}"><code>{escape(r.source)}</code></a></td>'
                f"<td>{escape(r.name)}</td><td>{_verdict(r.verdict)}</td>"
                f'<td class="num">{r.errors}</td>'
                f'<td class="num">{r.warnings}</td>'
                f'<td class="num">{r.infos}</td>'
                f'<td class="num">{r.scenarios}</td>{score_cell}</tr>\n'
            )
        w("</tbody>\n</table>\n")

    def _asset(self, anchor: str, result: AssetResult, *, collapsed: bool) -> None:
        w = self._parts.append
        heading = f"{_verdict(result.verdict.value)} <code>{escape(result.source)}</code>"
        if collapsed:
            passed = sum(1 for x in result.scenarios if x.passed)
            scen = (
                f" · {passed}/{len(result.scenarios)} scenarios passed" if result.scenarios else ""
            )
            w(
                f'<details class="asset collapsed" id="{anchor}">\n'
                f"<summary>{heading}{escape(scen)}</summary>\n"
            )
        else:
            w(f'<section class="asset" id="{anchor}">\n<h2>{heading}</h2>\n')
        facts = [
            f"{label}: {escape(str(value))}"
            for label, value in (
                ("name", result.name),
                ("kind", result.kind),
                ("schema", result.schema_version),
                ("score", None if result.score is None else f"{result.score:.3f}"),
            )
            if value is not None
        ]
        if facts:
            w(f'<p class="meta">{" · ".join(facts)}</p>\n')
        self._findings(result)
        if not collapsed:
            for j, outcome in enumerate(result.scenarios):
                self._scenario(f"{anchor}s{j}p", outcome)
        w("</details>\n" if collapsed else "</section>\n")

    def _findings(self, result: AssetResult) -> None:
        w = self._parts.append
        findings = sort_findings(result.findings)
        if not findings:
            w("<p>No findings.</p>\n")
            return
        w('<table class="findings">\n<thead><tr><th>Severity</th><th>Code</th>')
        w("<th>Location</th><th>Message</th></tr></thead>\n<tbody>\n")
        for f in findings:
            where = f"<code>{escape(f.pointer or '/')}</code>"
            if f.file:
                where = f"<code>{escape(f.file)}</code> {where}"
            if f.line is not None:
                where += f" {f.line}:{f.column or 1}"
            hint = f'<div class="hint">{escape(f.hint)}</div>' if f.hint else ""
            w(
                f'<tr><td class="sev-{f.severity.value}">{f.severity.value}</td>'
                f"<td><code>{escape(f.code)}</code></td><td>{where}</td>"
                f"<td>{escape(f.message)}{hint}</td></tr>\n"
            )
        w("</tbody>\n</table>\n")

    def _scenario(self, id_prefix: str, outcome: ScenarioOutcome) -> None:
        """One scenario: its expectations, metrics, media fragments and plots."""
        w = self._parts.append
        status = _verdict("pass") if outcome.passed else _verdict("fail")
        w(
            f"<h3>{status} scenario <code>{escape(outcome.name)}</code></h3>\n"
            f'<p class="meta">{escape(outcome.source)} · seed {outcome.seed} · '
            f"{outcome.steps} steps of {outcome.dt:.4g} s ({outcome.duration:g} s) · "
            f"{outcome.event_count} event(s)</p>\n"
        )
        if outcome.expectations:
            w('<ul class="expectations">\n')
            for e in outcome.expectations:
                mark = "✔" if e.passed else "✘"
                cls = "sev-info" if e.passed else "sev-error"
                w(
                    f'<li><span class="{cls}">{mark}</span> <code>{escape(e.kind)}</code> '
                    f"{escape(e.detail)}</li>\n"
                )
            w("</ul>\n")
        if outcome.metrics:
            w('<table class="metrics">\n<thead><tr><th>Parameter</th><th>min</th><th>max</th>')
            w("<th>mean</th><th>clipped</th><th>coverage</th><th>NaN</th></tr></thead>\n<tbody>\n")
            for path in sorted(outcome.metrics):
                m = outcome.metrics[path]
                w(
                    f"<tr><td><code>{escape(path)}</code></td>"
                    f'<td class="num">{m.min:.4g}</td><td class="num">{m.max:.4g}</td>'
                    f'<td class="num">{m.mean:.4g}</td>'
                    f'<td class="num">{m.clipped_fraction:.1%}</td>'
                    f'<td class="num">{m.coverage:.1%}</td><td class="num">{m.nan_count}</td></tr>\n'
                )
            w("</tbody>\n</table>\n")
        # Per-scenario media (rendered frames, audio): each area adds one call here,
        # writing its fragment with w(...), from its own module under reports/.
        w(render_fragment(outcome.render, images=self.verbosity >= 1))
        w(audio_fragment(outcome) if self.verbosity >= 1 else "")
        if outcome.plot is None or self.verbosity < 1:
            return
        if len(outcome.plot.params) > self._plots_left:
            w(
                f'<p class="note">Plots left out: this page already draws {PLOT_BUDGET} '
                "(re-render this asset alone with <code>synharness report</code>).</p>\n"
            )
            return
        self._plots_left -= len(outcome.plot.params)
        for path, svg in scenario_svgs(outcome.plot, id_prefix=id_prefix).items():
            self._drew = True
            w(f'<figure class="plot" data-parameter="{escape(path)}">\n{svg}\n</figure>\n')
