"""What ``synharness run`` prints on stdout, and which files it takes.

Stdout of ``run``, in order:

1. the findings in a *log format*: the ``concise`` or ``github`` formats that
   ``--format`` names; when it names none, ``concise`` when the output goes
   to a CI log (:func:`~synharness.cli.configuring.in_ci`: the ``CI``
   variable is set, as every CI service does, or stdout is not a terminal),
   nothing on a terminal, where the table is read;
2. the table of assets (left out with ``--quiet``);
3. the summary line.

``-v`` adds the infos of passing assets to the log lines; ``--quiet`` leaves
out infos and the table. The paths ``run`` takes without arguments are
``examples/*.json`` when there is an ``examples/`` folder, else every
synesthetic document discovered from the working directory.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
from synharness.cli.configuring import Timer, find_sources, in_ci, run_info
from synharness.cli.options import exit_code_of
from synharness.cli.output import ReportFiles
from synharness.loading import Source
from synharness.result import AssetResult

if TYPE_CHECKING:
    from synharness.cli.run import RunInvocation
    from synharness.reports.base import RunInfo

#: The bundled examples (not ``examples/broken/``, whose documents fail on purpose).
EXAMPLES = "examples/*.json"


def default_paths(cwd: Path | None = None) -> tuple[str, ...]:
    """``examples/*.json`` when ``examples/`` holds any, else the working directory."""
    base = cwd or Path.cwd()
    if (base / "examples").is_dir() and any((base / "examples").glob("*.json")):
        return (EXAMPLES,)
    return (".",)


def is_log_format(name: str) -> bool:
    """Whether ``name`` is a log format (printed on stdout rather than written to a file)."""
    from synharness.reports import REPORTER_BY_NAME

    return REPORTER_BY_NAME[name].log


def run_sources(invocation: RunInvocation) -> list[Source]:
    """The asset files of a run, by the discovery rules (files only: ``run`` reads no stdin)."""
    sources = find_sources(
        list(invocation.paths),
        config=invocation.config,
        cwd=Path.cwd(),
        verbosity=invocation.verbosity,
        implicit=invocation.implicit,
    )
    if not sources and invocation.implicit:
        where = ", ".join(invocation.paths)
        click.echo(f"no synesthetic documents found in {where}", err=True)
    return [s for s in sources if s.path is not None]


def print_run(
    results: Sequence[AssetResult], *, invocation: RunInvocation, info: RunInfo | None = None
) -> None:
    """Write the log lines, the table and the summary of a run to stdout."""
    from synharness.reports import REPORTER_BY_NAME

    named = [f for f in invocation.formats if is_log_format(f)]
    shown = named or (["concise"] if in_ci() else [])
    for name in dict.fromkeys(shown):
        REPORTER_BY_NAME[name](stream=sys.stdout, verbosity=invocation.verbosity, info=info).report(
            results
        )
    # The table lists counts; with findings printed above, -v does not repeat them in it.
    table = 0 if invocation.quiet else 1 if shown else min(invocation.verbosity, 2)
    REPORTER_BY_NAME["terminal"](stream=sys.stdout, verbosity=table).report(results)


def finish_run(results: Sequence[AssetResult], *, invocation: RunInvocation, timer: Timer) -> int:
    """Write the report files, print the log lines, table and summary; return the exit code.

    The file formats of ``--format`` (all of them without ``--format``) go to
    the report directory; the log formats to stdout (:func:`print_run`).
    """
    return stream_run(results, total=len(results), invocation=invocation, timer=timer)


def stream_run(
    results: Iterable[AssetResult],
    *,
    total: int | None,
    invocation: RunInvocation,
    timer: Timer,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """:func:`finish_run` for results as they complete: each goes to the report files at once.

    Only what the table and the log lines need is kept of each result
    (findings and scenario verdicts, :func:`~synharness.reports.base.lean`),
    so memory does not grow with the traces of the batch.

    Args:
        results: The run's results, in report order, as they complete.
        total: How many there will be (layout hint for large batches, progress).
        invocation: The parsed command line.
        timer: Started when the work started.
        progress: Called with (done, total) after each result is written.

    Returns:
        The exit code.
    """
    from synharness.reports.base import lean

    files = [f for f in invocation.formats if not is_log_format(f)]
    writing = bool(files or not invocation.formats)
    rows: list[AssetResult] = []
    written: list[Path] = []
    if writing:
        with ReportFiles(directory=invocation.report_dir, formats=files, total=total) as out:
            for result in results:
                rows.append(out.add(result))
                if progress:
                    progress(len(rows), total or len(rows))
            code = exit_code_of(rows, fail_on=invocation.fail_on)
            info = run_info(timer, exit_code=code)
            out.info = info
        written = out.written
    else:
        for result in results:
            rows.append(lean(result))
            if progress:
                progress(len(rows), total or len(rows))
        code = exit_code_of(rows, fail_on=invocation.fail_on)
        info = run_info(timer, exit_code=code)
    print_run(rows, invocation=invocation, info=info)
    timer.report("ran", len(rows), verbosity=invocation.verbosity)
    if written:
        click.echo(f"reports: {', '.join(str(p) for p in written)}", err=True)
    return code
