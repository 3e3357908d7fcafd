"""``synharness run [PATH...]``: validate every asset and run every scenario, then write reports.

Each asset runs the scenario files whose ``assets`` name it (paths or globs,
relative to the scenario file) plus the three built-ins (idle, sweep, random).
A scenario file that is invalid (``SYN-SCN-002``) or names no existing asset
(``SYN-SCN-003``) is reported as a result of its own, with the scenario file as
its source; the run goes on. One file per format goes into ``--report-dir``.

With ``--from URL`` the assets come from the store instead of files: each is
validated and run through the built-in scenarios, and its result is pushed
back to the store as a report of that asset.

Exit codes as for ``validate``: 0 nothing reached ``--fail-on``, 1 something
did, 2 usage errors. Defaults: paths ``examples/*.json`` (or, without an
``examples/`` folder, the documents discovered from the working directory),
scenarios ``scenarios/``, report directory ``reports/latest/``, every file
format. Stdout: in a CI log (see :func:`synharness.cli.configuring.in_ci`) one
concise line per finding, or the log formats ``--format`` names (``concise``,
``github``), then the table and the summary (:mod:`synharness.cli.logs`).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from synharness.cli import logs
from synharness.cli.configuring import Timer, config_options, load_config
from synharness.cli.options import CliError, ReportFormat, Threshold, need_extra, strict_option
from synharness.config import DEFAULT_CONFIG, Config, apply_config
from synharness.errors import HarnessError
from synharness.findings import Finding, Severity, sort_findings
from synharness.result import AssetResult

if TYPE_CHECKING:
    from synharness.agents.scenario import Scenario
    from synharness.api.client import StoredAsset
    from synharness.pipeline import CheckedDocument
    from synharness.result import ScenarioOutcome

#: The bundled examples (not ``examples/broken/``, whose documents fail on purpose).
DEFAULT_PATHS = ("examples/*.json",)
DEFAULT_SCENARIOS = Path("scenarios")
DEFAULT_REPORT_DIR = Path("reports/latest")


@dataclass(frozen=True)
class RunOptions:
    """What each asset's job needs besides its path and scenarios (picklable)."""

    duration: float = 10.0
    keep_plot: bool = True
    #: Render each scenario's shader when a GL context can be made (``--no-render`` turns it off).
    render: bool = True
    #: Canvas side and frame rate of those renders (small: a run renders every scenario).
    render_size: int = 64
    render_fps: float = 30.0
    #: Scenarios longer than this many steps are not run (SYN-SCN-004).
    max_steps: int = 10_000_000
    #: Hear each scenario's tone with Tone.js (``--audio``): levels, audio findings,
    #: and the HTML report's player and spectrogram.
    audio: bool = False
    #: Seconds of each scenario the audio render covers (the start of it).
    audio_seconds: float = 4.0
    #: The strict severity profile (``--strict``).
    strict: bool = False


@dataclass(frozen=True)
class RunInvocation:
    """The parsed ``run`` command line."""

    paths: tuple[str, ...] = DEFAULT_PATHS
    scenarios: Path | None = None
    jobs: int = 1
    report_dir: Path = DEFAULT_REPORT_DIR
    formats: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    quiet: bool = False
    options: RunOptions = RunOptions()
    #: Verify what the store at this URL holds instead of files.
    store_url: str | None = None
    #: The merged configuration (discovery globs, finding filters).
    config: Config = DEFAULT_CONFIG
    #: ``1 + -v - --quiet``.
    verbosity: int = 1
    #: The paths are the default, not the user's (finding nothing is no error).
    implicit: bool = False


def run_asset(path: str, scenarios: Sequence[Scenario], options: RunOptions) -> AssetResult:
    """Validate one asset file and run its scenarios (a top-level function, for process pools).

    Args:
        path: The asset file.
        scenarios: Scenario files already loaded; those naming this asset run.
        options: Duration of the built-ins, whether to keep plots.

    Returns:
        The asset's result: validation findings, scenario outcomes and findings.
    """
    from synharness.guard import guarded_result
    from synharness.loading import Source
    from synharness.pipeline import ValidationOptions, check_source

    def work() -> AssetResult:
        checked = check_source(
            Source(name=path, path=Path(path)), options=ValidationOptions(strict=options.strict)
        )
        me = Path(path).resolve()
        return _simulate_checked(checked, [s for s in scenarios if me in s.asset_paths()], options)

    return guarded_result(work, source=path)


def run_stored(source: str, raw: bytes, options: RunOptions) -> AssetResult:
    """Validate one asset fetched from the store and run the built-in scenarios.

    Args:
        source: The asset's store URL (``<store>/synesthetic-assets/<id>``).
        raw: The stored document.
        options: Duration of the built-ins, whether to keep plots.
    """
    from synharness.guard import guarded_result
    from synharness.pipeline import ValidationOptions, check_bytes

    def work() -> AssetResult:
        checked = check_bytes(raw, source=source, options=ValidationOptions(strict=options.strict))
        return _simulate_checked(checked, [], options)

    return guarded_result(work, source=source)


def _simulate_checked(
    checked: CheckedDocument, mine: Sequence[Scenario], options: RunOptions
) -> AssetResult:
    from synharness.agents import builtin_scenarios, run_scenarios
    from synharness.agents.scenario import step_cap_finding
    from synharness.models import SynestheticAsset

    result = checked.result
    if not isinstance(checked.model, SynestheticAsset):
        return result
    runs = [*mine, *builtin_scenarios(checked.model, duration=options.duration)]
    outcomes, found = run_scenarios(
        checked.model, runs, keep_plot=options.keep_plot, max_steps=options.max_steps
    )
    # Only what ran has an outcome to attach its render to (see --max-steps).
    ran = [s for s in runs if step_cap_finding(s, options.max_steps) is None]
    if options.render and checked.model.shader is not None:
        outcomes, rendered = _render(checked.model, ran, outcomes, options)
        found = [*found, *rendered]
    known = {(f.code, f.pointer, f.file) for f in result.findings}
    extra = locate_findings(
        [f for f in found if (f.code, f.pointer, f.file) not in known], checked.text
    )
    simulated = result.model_copy(
        update={
            "findings": tuple(sort_findings([*result.findings, *extra])),
            "scenarios": tuple(outcomes),
        }
    )
    if options.audio and checked.model.tone is not None:
        return _hear(checked.model, checked.text, ran, simulated, options)
    return simulated


def _hear(
    asset: Any, text: str | None, ran: Sequence[Scenario], result: AssetResult, options: RunOptions
) -> AssetResult:
    """Render the tone of every scenario that ran with this process's Node worker."""
    from synharness.render.node import shared_worker
    from synharness.render.outputs import attach_audio, render_audio

    outputs = render_audio(
        shared_worker(),
        asset,
        ran,
        duration=options.audio_seconds,
        clip=options.keep_plot,
    )
    outputs.findings = locate_findings(outputs.findings, text)
    return attach_audio(result, outputs)


def _render(
    asset: Any, runs: Sequence[Scenario], outcomes: list[ScenarioOutcome], options: RunOptions
) -> tuple[list[ScenarioOutcome], list[Finding]]:
    """Render every scenario's shader; without a GL context validation filed SYN-RENDER-001."""
    from synharness.extras import has_extra

    if not has_extra("render"):
        return outcomes, []
    from synharness.render.gl import shared_runtime
    from synharness.render.shader import RenderSettings, render_asset, scenario_render

    runtime = shared_runtime()
    if isinstance(runtime, str):
        return outcomes, []
    settings = RenderSettings(
        width=options.render_size, height=options.render_size, fps=options.render_fps
    )
    renders, found = render_asset(runtime, asset, runs, settings=settings)
    with_render = [
        outcome.model_copy(
            update={
                "render": scenario_render(
                    render, profile=settings.profile, preview=options.keep_plot
                )
            }
        )
        for outcome, render in zip(outcomes, renders, strict=True)
    ]
    return with_render, found


def locate_findings(findings: list[Finding], text: str | None) -> list[Finding]:
    """Give the asset's own findings that lack one their line and column in ``text``."""
    from synharness.positions import Locator

    todo = [f for f in findings if f.file is None and f.line is None]
    if not todo or text is None:
        return findings
    where = Locator(text).regions([f.pointer for f in todo])
    out = []
    for f in findings:
        hit = where.get(f.pointer) if f.file is None and f.line is None else None
        out.append(f.located(*hit) if hit else f)
    return out


def load_scenarios(directory: Path | None) -> tuple[list[Scenario], list[AssetResult]]:
    """Load every scenario file; bad ones become results carrying their findings.

    Args:
        directory: Where the scenario files are (None: none).

    Returns:
        The valid scenarios, and one result per scenario file with findings.
    """
    from synharness.agents import ScenarioError, load_scenario, scenario_files
    from synharness.agents.scenario import asset_findings

    if directory is None:
        return [], []
    scenarios, problems = [], []
    for path in scenario_files(directory):
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            problems.append(
                AssetResult(source=str(path), kind="scenario", findings=(exc.to_finding(),))
            )
            continue
        scenarios.append(scenario)
        missing = asset_findings(scenario)
        if missing:
            problems.append(
                AssetResult(
                    source=str(path), name=scenario.name, kind="scenario", findings=tuple(missing)
                )
            )
    return scenarios, problems


def warm_up() -> None:
    """Import the pipeline and the engine and load the schema registry (once per worker)."""
    import synharness.agents  # noqa: F401
    from synharness.pipeline import check_bytes

    check_bytes(b"{}", source="<warm-up>")


def _run_path(path: str) -> AssetResult:
    """One asset file with the worker's scenarios and options (see ``worker_state``)."""
    from synharness.agents.parallel import worker_state

    state = worker_state()
    return _trimmed(run_asset(path, state["scenarios"], state["options"]), state)


def _run_fetched(item: tuple[str, bytes]) -> AssetResult:
    from synharness.agents.parallel import worker_state

    state = worker_state()
    return _trimmed(run_stored(item[0], item[1], state["options"]), state)


def _trimmed(result: AssetResult, state: dict[str, Any]) -> AssetResult:
    """Drop the traces of a passing asset of a large batch, which no report shows.

    The HTML and JSON reports of a batch over ``LARGE_BATCH`` keep traces only
    for assets that did not pass; dropping them in the worker saves sending
    them back (most of a result's bytes) and holding them.
    """
    if state.get("large") and result.verdict.value == "pass":
        from synharness.reports.base import slim

        return slim(result)
    return result


@contextmanager
def stream_results(
    invocation: RunInvocation, *, fetched: Sequence[StoredAsset] | None = None
) -> Iterator[tuple[int, Iterator[AssetResult]]]:
    """Start the workers and yield ``(total, results)``: results arrive in order as they complete.

    Scenario problems come first, then one result per asset in path order. The
    workers start on entry (each gets the scenario files once), so start
    progress bars (threads) only inside the block.

    Raises:
        CliError: A path does not exist, or the store cannot be read (exit 2).
    """
    from synharness.agents.parallel import OrderedPool

    problems: list[AssetResult] = []
    fn: Callable[[Any], AssetResult]
    items: Sequence[Any]
    state: dict[str, Any] = {"options": invocation.options}
    if invocation.store_url is not None:
        stored = fetched if fetched is not None else _fetch(invocation.store_url)
        fn, items = _run_fetched, [(a.source, a.raw) for a in stored]
    else:
        sources = logs.run_sources(invocation)
        scenarios, problems = load_scenarios(invocation.scenarios)
        state["scenarios"] = scenarios
        fn, items = _run_path, [str(s.path) for s in sources]
    from synharness.reports.html import LARGE_BATCH

    # Not with --from: the reports pushed back to the store keep their traces.
    state["large"] = invocation.store_url is None and len(problems) + len(items) > LARGE_BATCH
    jobs = invocation.jobs if len(items) > 1 else 1
    with OrderedPool(jobs=jobs, state=state, warm=warm_up) as pool:
        yield (
            len(problems) + len(items),
            itertools.chain(problems, pool.map(fn, items, total=len(items))),
        )


def execute(
    invocation: RunInvocation,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[AssetResult]:
    """Validate and simulate every asset; scenario problems come first (all results in memory).

    Args:
        invocation: The parsed command line.
        progress: Called with (done, total) after each asset.

    Returns:
        One result per asset (in path order), after one per problematic scenario file.

    Raises:
        CliError: A path does not exist (exit 2).
    """
    out: list[AssetResult] = []
    with stream_results(invocation) as (total, results):
        for result in results:
            out.append(result)
            if progress:
                progress(len(out), total)
    return out


def _keeping(results: Iterator[AssetResult], kept: list[AssetResult]) -> Iterator[AssetResult]:
    for result in results:
        kept.append(result)
        yield result


def _fetch(url: str) -> list[StoredAsset]:
    need_extra("store", what="synharness run --from")
    from synharness.api.client import fetch_stored
    from synharness.api.settings import load_settings

    try:
        return fetch_stored(url, token=load_settings().api_token)
    except HarnessError as exc:
        raise CliError.from_exception(exc) from None


def push_back(
    url: str, results: Sequence[AssetResult], *, etags: Mapping[str, str | None] | None = None
) -> str:
    """Store every result as a report of its asset; returns a one-line account.

    ``etags`` (source -> ETag fetched) make each report conditional on the
    version verified (If-Match): a report of an asset changed since is refused.

    Raises:
        CliError: The store is unreachable or refuses the writes (exit 2).
    """
    from synharness.api.client import push_results
    from synharness.api.settings import load_settings

    try:
        outcomes = push_results(url, results, token=load_settings().api_token, etags=etags)
    except HarnessError as exc:
        raise CliError.from_exception(exc) from None
    stored = sum(1 for o in outcomes if o.stored)
    return f"pushed {stored} of {len(outcomes)} reports to {url}"


def print_table(results: Sequence[AssetResult], *, quiet: bool) -> None:
    """The run's table on stdout: one row per asset (colour only on a terminal)."""
    from synharness.reports import REPORTER_BY_NAME

    REPORTER_BY_NAME["terminal"](stream=sys.stdout, verbosity=0 if quiet else 1).report(results)


def _progress_bar() -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    """A rich progress bar on stderr when it is a terminal, else nothing."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    task = bar.add_task("simulating and writing reports", total=None)
    bar.start()

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return update, bar.stop


@click.command("run")
@click.argument("paths", nargs=-1)
@click.option(
    "--scenarios",
    "scenarios_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory of scenario files [default: scenarios/ when it exists].",
)
@click.option(
    "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes."
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_REPORT_DIR,
    show_default=True,
    help="Where the report files go.",
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
    help="Least severe finding that makes the exit code 1 [default: error, or the config's].",
)
@config_options()
@click.option("--quiet", is_flag=True, help="Print only the summary line.")
@strict_option
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="More detail: infos of passing assets, skipped files, timings.",
)
@click.option(
    "--render/--no-render",
    default=True,
    show_default=True,
    help="Render each scenario's shader (when a GL context can be made).",
)
@click.option(
    "--audio/--no-audio",
    default=False,
    show_default=True,
    help="Hear each scenario's tone with Tone.js (first 4 s): levels, audio findings, "
    "the HTML report's player and spectrogram (needs Node and `make`'s npm packages).",
)
@click.option(
    "--from",
    "store_url",
    metavar="URL",
    help="Verify the assets the store at URL holds (instead of PATHs) and push the reports back.",
)
@click.option(
    "--max-steps",
    type=click.IntRange(min=1),
    default=10_000_000,
    show_default=True,
    help="Most steps one scenario may take; longer ones are not run (SYN-SCN-004).",
)
def command(
    paths: Sequence[str],
    scenarios_dir: Path | None,
    jobs: int,
    report_dir: Path,
    formats: Sequence[str],
    fail_on: Severity | None,
    quiet: bool,
    render: bool,
    audio: bool,
    strict: bool,
    verbose: int,
    store_url: str | None,
    max_steps: int,
    **flags: Any,
) -> None:
    """Validate assets and run every scenario (files plus built-ins); write the reports."""
    config = load_config(
        explicit=flags.pop("config_path"), cwd=Path.cwd(), fail_on=fail_on, **flags
    )
    scenarios_dir = scenarios_dir or config.scenarios
    if scenarios_dir is None and DEFAULT_SCENARIOS.is_dir():
        scenarios_dir = DEFAULT_SCENARIOS
    invocation = RunInvocation(
        paths=tuple(paths) or logs.default_paths(),
        scenarios=scenarios_dir,
        jobs=jobs,
        report_dir=report_dir,
        formats=tuple(formats),
        fail_on=config.fail_on or Severity.ERROR,
        quiet=quiet,
        # --strict, or the configuration's `strict` key (issue 17).
        options=RunOptions(
            strict=strict or bool(config.strict),
            render=render,
            audio=audio,
            max_steps=max_steps,
        ),
        store_url=store_url,
        config=config,
        verbosity=0 if quiet else 1 + verbose,
        implicit=not paths,
    )
    if store_url is not None and paths:
        raise click.UsageError("give PATHs or --from URL, not both")
    stored = _fetch(store_url) if store_url is not None else None
    timer = Timer()
    cwd = Path.cwd()
    kept: list[AssetResult] = []
    with stream_results(invocation, fetched=stored) as (total, results):
        update, stop = _progress_bar()
        try:
            graded: Iterator[AssetResult] = (apply_config([r], config, cwd=cwd)[0] for r in results)
            if invocation.store_url is not None:
                # The store's assets are pushed back after the run (bounded by the store).
                graded = _keeping(graded, kept)
            code = logs.stream_run(
                graded, total=total, invocation=invocation, timer=timer, progress=update
            )
        finally:
            stop()
    if invocation.store_url is not None:
        # Each report names the version it verified (If-Match): see push_back.
        etags = {a.source: a.etag for a in stored or ()}
        click.echo(push_back(invocation.store_url, kept, etags=etags), err=True)
    click.get_current_context().exit(code)
