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

Verbosity 0 leaves the plots out (for very large runs); 1 and 2 include them.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from synharness import __version__
from synharness.extras import has_extra
from synharness.findings import Severity, sort_findings
from synharness.reports.base import Reporter, register
from synharness.reports.filmstrip import CSS as RENDER_CSS
from synharness.reports.filmstrip import render_fragment
from synharness.result import AssetResult, ScenarioOutcome, summarise

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
"""
    + RENDER_CSS
)

_VERDICT_CLASS = {"pass": "pass", "warn": "warn", "fail": "fail"}


def _anchor(index: int) -> str:
    return f"asset-{index}"


def _verdict(value: str) -> str:
    return f'<span class="verdict {_VERDICT_CLASS[value]}">{escape(value)}</span>'


@register
class HtmlReporter(Reporter):
    """Writes one self-contained HTML page."""

    name = "html"
    filename = "report.html"

    def report(self, results: Sequence[AssetResult]) -> None:
        """Write the HTML page of ``results`` to the stream."""
        ordered = sorted(results, key=lambda r: r.source)
        s = summarise(ordered)
        w = self.stream.write
        w('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
        w('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
        w(f"<title>synharness report: {s.fail} fail, {s.warn} warn, {s.pass_} pass</title>\n")
        w(f"<style>{CSS}</style>\n</head>\n<body>\n")
        w("<h1>synharness report</h1>\n")
        w(
            f'<p class="meta">synharness {escape(__version__)} · {s.assets} asset(s): '
            f"{_verdict('pass')} {s.pass_} {_verdict('warn')} {s.warn} "
            f"{_verdict('fail')} {s.fail}</p>\n"
        )
        if ordered:
            self._summary(ordered)
        for i, r in enumerate(ordered):
            self._asset(i, r)
        w("</body>\n</html>\n")

    def _summary(self, results: Sequence[AssetResult]) -> None:
        w = self.stream.write
        w('<table id="summary">\n<thead><tr><th>Asset</th><th>Name</th><th>Verdict</th>')
        scored = any(r.score is not None for r in results)
        w("<th>Errors</th><th>Warnings</th><th>Info</th><th>Scenarios</th>")
        w(("<th>Score</th>" if scored else "") + "</tr></thead>\n<tbody>\n")
        for i, r in enumerate(results):
            passed = sum(1 for x in r.scenarios if x.passed)
            scen = f"{passed}/{len(r.scenarios)}" if r.scenarios else "—"
            score = "—" if r.score is None else f"{r.score:.3f}"
            score_cell = f'<td class="num">{score}</td>' if scored else ""
            w(
                f'<tr><td><a href="#{_anchor(i)}"><code>{escape(r.source)}</code></a></td>'
                f"<td>{escape(r.name or '')}</td><td>{_verdict(r.verdict.value)}</td>"
                f'<td class="num">{r.count(Severity.ERROR)}</td>'
                f'<td class="num">{r.count(Severity.WARNING)}</td>'
                f'<td class="num">{r.count(Severity.INFO)}</td>'
                f'<td class="num">{scen}</td>{score_cell}</tr>\n'
            )
        w("</tbody>\n</table>\n")

    def _asset(self, index: int, result: AssetResult) -> None:
        w = self.stream.write
        w(
            f'<section class="asset" id="{_anchor(index)}">\n'
            f"<h2>{_verdict(result.verdict.value)} <code>{escape(result.source)}</code></h2>\n"
        )
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
        findings = sort_findings(result.findings)
        if findings:
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
        else:
            w("<p>No findings.</p>\n")
        for j, outcome in enumerate(result.scenarios):
            self._scenario(f"a{index}s{j}p", outcome)
        w("</section>\n")

    def _scenario(self, id_prefix: str, outcome: ScenarioOutcome) -> None:
        w = self.stream.write
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
        w(render_fragment(outcome.render, images=self.verbosity >= 1))
        if outcome.plot is not None and self.verbosity >= 1 and not has_extra("plots"):
            w(
                '<p class="note">Plots need the <code>plots</code> extra: '
                "<code>pip install 'synharness[plots]'</code>.</p>\n"
            )
        elif outcome.plot is not None and self.verbosity >= 1:
            # matplotlib costs ~0.4 s to import: only pay it when there is a plot.
            from synharness.reports.plots import scenario_svgs

            for path, svg in scenario_svgs(outcome.plot, id_prefix=id_prefix).items():
                w(f'<figure class="plot" data-parameter="{escape(path)}">\n{svg}\n</figure>\n')
