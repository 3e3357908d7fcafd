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

import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
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
    from synharness.models import SynestheticAsset

    result = checked.result
    if not isinstance(checked.model, SynestheticAsset):
        return result
    runs = [*mine, *builtin_scenarios(checked.model, duration=options.duration)]
    outcomes, found = run_scenarios(checked.model, runs, keep_plot=options.keep_plot)
    if options.render and checked.model.shader is not None:
        outcomes, rendered = _render(checked.model, runs, outcomes, options)
        found = [*found, *rendered]
    known = {(f.code, f.pointer, f.file) for f in result.findings}
    extra = locate_findings(
        [f for f in found if (f.code, f.pointer, f.file) not in known], checked.text
    )
    return result.model_copy(
        update={
            "findings": tuple(sort_findings([*result.findings, *extra])),
            "scenarios": tuple(outcomes),
        }
    )


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


def execute(
    invocation: RunInvocation,
    *,
    progress: Callable[[int, int], None] | None = None,
    fetched: Sequence[tuple[str, bytes]] | None = None,
) -> list[AssetResult]:
    """Validate and simulate every asset; scenario problems come first.

    Args:
        invocation: The parsed command line.
        progress: Called with (done, total) after each asset.
        fetched: With ``--from``: the assets already fetched (else fetched here).

    Returns:
        One result per asset (in path order), after one per problematic scenario file.

    Raises:
        CliError: A path does not exist (exit 2).
    """
    if invocation.store_url is not None:
        return _run_jobs(
            run_stored,
            [
                (source, raw, invocation.options)
                for source, raw in (
                    fetched
                    if fetched is not None
                    else [(a.source, a.raw) for a in _fetch(invocation.store_url)]
                )
            ],
            jobs=invocation.jobs,
            progress=progress,
        )
    sources = logs.run_sources(invocation)
    scenarios, problems = load_scenarios(invocation.scenarios)
    jobs = [(str(s.path), scenarios, invocation.options) for s in sources]
    return [*problems, *_run_jobs(run_asset, jobs, jobs=invocation.jobs, progress=progress)]


def _run_jobs(
    work: Callable[..., AssetResult],
    arguments: Sequence[tuple[object, ...]],
    *,
    jobs: int,
    progress: Callable[[int, int], None] | None,
) -> list[AssetResult]:
    """Run ``work(*args)`` for each argument tuple, in a process pool when ``jobs > 1``."""
    results: list[AssetResult] = []
    if jobs > 1 and len(arguments) > 1:
        from synharness.render.gl import pool_context

        # No fork from a process that holds a GL context (validation made one): see pool_context.
        with ProcessPoolExecutor(max_workers=jobs, mp_context=pool_context()) as pool:
            futures = [pool.submit(work, *args) for args in arguments]
            for i, future in enumerate(futures):
                results.append(future.result())
                if progress:
                    progress(i + 1, len(arguments))
    else:
        for i, args in enumerate(arguments):
            results.append(work(*args))
            if progress:
                progress(i + 1, len(arguments))
    return results


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
    task = bar.add_task("simulating", total=None)
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
    "--from",
    "store_url",
    metavar="URL",
    help="Verify the assets the store at URL holds (instead of PATHs) and push the reports back.",
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
    strict: bool,
    verbose: int,
    store_url: str | None,
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
        options=RunOptions(strict=strict or bool(config.strict), render=render),
        store_url=store_url,
        config=config,
        verbosity=0 if quiet else 1 + verbose,
        implicit=not paths,
    )
    if store_url is not None and paths:
        raise click.UsageError("give PATHs or --from URL, not both")
    stored = _fetch(store_url) if store_url is not None else None
    timer = Timer()
    update, stop = _progress_bar()
    try:
        results = apply_config(
            execute(
                invocation,
                progress=update,
                fetched=[(a.source, a.raw) for a in stored] if stored is not None else None,
            ),
            config,
            cwd=Path.cwd(),
        )
    finally:
        stop()
    code = logs.finish_run(results, invocation=invocation, timer=timer)
    if invocation.store_url is not None:
        etags = {a.source: a.etag for a in stored or ()}
        click.echo(push_back(invocation.store_url, results, etags=etags), err=True)
    click.get_current_context().exit(code)
