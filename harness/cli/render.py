"""``synharness render [PATH...]``: run every scenario, hear each tone with Tone.js, write WAVs and reports.

Each asset is validated and run through its scenario files and the built-ins
as ``synharness run`` does; then one Node worker for the whole command renders
each scenario's tone (``synharness.render``), writes
``<out>/<asset>.<scenario>.wav`` (32-bit float) and adds the audio findings
(``SYN-AUDIO-*``, ``SYN-RENDER-005..009``) and levels to the results. The
reports (``--report-dir``) carry the levels, and the HTML report a short player
and a spectrogram per scenario.

Without Node or the renderer's packages every asset with a tone gets one
``SYN-RENDER-005``/``006`` info and the rest of the run goes on. Exit codes as
for ``run``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click
from synharness.cli.options import CliError, ReportFormat, Threshold, exit_code_of, need_extra
from synharness.cli.output import write_reports
from synharness.cli.run import (
    DEFAULT_PATHS,
    DEFAULT_REPORT_DIR,
    DEFAULT_SCENARIOS,
    RunOptions,
    load_scenarios,
    locate_findings,
    print_table,
    run_asset,
)
from synharness.errors import HarnessError
from synharness.findings import Severity
from synharness.result import AssetResult

DEFAULT_OUT = DEFAULT_REPORT_DIR / "render"


def render_paths(
    paths: Sequence[str],
    *,
    scenarios_dir: Path | None,
    out: Path,
    duration: float,
    audio_seconds: float | None,
    audio_timeout: float,
) -> list[AssetResult]:
    """Validate, simulate and render every asset; one result per asset (after scenario problems)."""
    from synharness.agents import builtin_scenarios
    from synharness.loading import Source, iter_sources
    from synharness.models import SynestheticAsset
    from synharness.pipeline import check_source
    from synharness.render.node import ToneWorker
    from synharness.render.outputs import attach_audio, render_audio

    try:
        sources = [s for s in iter_sources(list(paths)) if s.path is not None]
    except HarnessError as exc:
        raise CliError.from_exception(exc) from None
    scenarios, problems = load_scenarios(scenarios_dir)
    options = RunOptions(duration=duration, keep_plot=True)
    results: list[AssetResult] = list(problems)
    # One worker for the whole command; a missing Node or package is a finding per asset
    # (render_scenario reports it), never an exception.
    with ToneWorker(request_timeout=audio_timeout, lazy=True) as worker:
        for source in sources:
            path = str(source.path)
            result = run_asset(path, scenarios, options)
            checked = check_source(Source(name=path, path=Path(path)))
            model = checked.model
            if not isinstance(model, SynestheticAsset) or model.tone is None:
                results.append(result)
                continue
            me = Path(path).resolve()
            runs = [
                *(s for s in scenarios if me in s.asset_paths()),
                *builtin_scenarios(model, duration=duration),
            ]
            outputs = render_audio(
                worker,
                model,
                runs,
                duration=audio_seconds,
                directory=out,
                stem=Path(path).stem,
                clip=True,
            )
            outputs.findings = locate_findings(outputs.findings, checked.text)
            results.append(attach_audio(result, outputs))
    return results


@click.command("render")
@click.argument("paths", nargs=-1)
@click.option(
    "--scenarios",
    "scenarios_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory of scenario files [default: scenarios/ when it exists].",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Where the WAV files go (<asset>.<scenario>.wav).",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_REPORT_DIR,
    show_default=True,
    help="Where the report files go.",
)
@click.option(
    "--duration",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds of the built-in scenarios.",
)
@click.option(
    "--audio-seconds",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Render at most this many seconds of each scenario [default: all of it].",
)
@click.option(
    "--audio-timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds one scenario's render may take before it is abandoned (SYN-RENDER-007).",
)
@click.option(
    "--format",
    "formats",
    type=ReportFormat(),
    multiple=True,
    help="Report format (repeatable) [default: every format].",
)
@click.option(
    "--fail-on",
    type=Threshold(),
    default="error",
    show_default=True,
    help="Least severe finding that makes the exit code 1.",
)
@click.option("--quiet", is_flag=True, help="Print only the summary line.")
def command(
    paths: Sequence[str],
    scenarios_dir: Path | None,
    out: Path,
    report_dir: Path,
    duration: float,
    audio_seconds: float | None,
    audio_timeout: float,
    formats: Sequence[str],
    fail_on: Severity,
    quiet: bool,
) -> None:
    """Run every scenario, hear each tone through Tone.js, write WAVs and the reports."""
    need_extra("render", what="synharness render")
    if scenarios_dir is None and DEFAULT_SCENARIOS.is_dir():
        scenarios_dir = DEFAULT_SCENARIOS
    results = render_paths(
        tuple(paths) or DEFAULT_PATHS,
        scenarios_dir=scenarios_dir,
        out=out,
        duration=duration,
        audio_seconds=audio_seconds,
        audio_timeout=audio_timeout,
    )
    written = write_reports(results, directory=report_dir, formats=tuple(formats))
    print_table(results, quiet=quiet)
    click.echo(f"reports: {', '.join(str(p) for p in written)}; WAVs: {out}", err=True)
    click.get_current_context().exit(exit_code_of(results, fail_on=fail_on))
