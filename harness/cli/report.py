"""``synharness report RESULT.json``: re-render a stored report in any format.

Vocabulary:
- *stored report*: a ``report.json`` of report version 1 (``--format json``
  of ``validate`` or ``run``), described by ``reports/report.schema.json``.
- *re-rendering*: reading the asset results back and handing them to the
  reporters of ``--format``; nothing is validated or simulated again, so the
  output shows exactly what the stored run found.

One ``--format`` writes to ``--output`` or stdout; several need
``--report-dir``, where each reporter writes its own file name. Exit code 0
when every report was written, 2 when the input is not a readable report
(the message names the file, the JSON pointer and its line:column).
"""

from __future__ import annotations

import io
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import click
from synharness.cli.options import ReportFormat, verbosity_of
from synharness.findings import pointer_of
from synharness.result import REPORT_VERSION, AssetResult


class ReportInputError(click.ClickException):
    """The stored report cannot be read back; exit code 2, one line on stderr."""

    exit_code = 2


@dataclass(frozen=True)
class ReportInvocation:
    """The parsed ``report`` command line."""

    source: str
    formats: tuple[str, ...] = ("html",)
    output: Path | None = None
    report_dir: Path | None = None
    verbosity: int = 1


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema of report version 1, shipped with the reporters."""
    text = (
        resources.files("synharness.reports")
        .joinpath("report.schema.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def _where(source: str, text: str, pointer: str) -> str:
    from synharness.positions import Locator

    try:
        position = Locator(text, unique_keys=False).locate(pointer)
    except Exception:  # a position is a courtesy; never hide the real message
        position = None
    at = f" ({position[0]}:{position[1]})" if position else ""
    return f"{source}: {pointer or '/'}{at}"


def _nan_for_null(scenario: dict[str, Any]) -> dict[str, Any]:
    """Undo the JSON report's ``null`` for non-finite floats in metrics and traces."""
    restored = dict(scenario)
    metrics = restored.get("metrics")
    if isinstance(metrics, dict):
        restored["metrics"] = {
            path: {k: (math.nan if v is None and k != "nan_count" else v) for k, v in m.items()}
            if isinstance(m, dict)
            else m
            for path, m in metrics.items()
        }
    plot = restored.get("plot")
    if isinstance(plot, dict) and isinstance(plot.get("params"), dict):
        restored["plot"] = {
            **plot,
            "params": {
                path: [math.nan if v is None else v for v in values]
                if isinstance(values, list)
                else values
                for path, values in plot["params"].items()
            },
        }
    return restored


def load_report(text: str, *, source: str) -> list[AssetResult]:
    """Read the asset results of a stored report.

    Args:
        text: The report's JSON text.
        source: The report's name, for messages.

    Returns:
        The asset results, in the report's order.

    Raises:
        ReportInputError: Not JSON, not report version 1, or not valid against
            the report schema.
    """
    import jsonschema

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportInputError(
            f"{source}: not JSON ({exc.msg} at {exc.lineno}:{exc.colno})"
        ) from None
    if not isinstance(data, dict) or data.get("report_version") != REPORT_VERSION:
        found = data.get("report_version") if isinstance(data, dict) else None
        raise ReportInputError(
            f"{source}: not a synharness report of version {REPORT_VERSION} "
            f"(report_version is {found!r})"
        )
    validator = jsonschema.Draft202012Validator(report_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = _where(source, text, pointer_of(*error.absolute_path))
        raise ReportInputError(f"{where}: {error.message}")
    results: list[AssetResult] = []
    for i, entry in enumerate(data["assets"]):
        entry = dict(entry)
        entry.pop("verdict", None)  # computed from the findings
        entry["scenarios"] = [_nan_for_null(s) for s in entry.get("scenarios", [])]
        try:
            results.append(AssetResult.model_validate(entry))
        except ValueError as exc:
            where = _where(source, text, pointer_of("assets", i))
            raise ReportInputError(f"{where}: {exc}") from None
    return results


def render(results: Sequence[AssetResult], name: str, *, verbosity: int) -> str:
    """Render results with the reporter registered as ``name``."""
    from synharness.reports import REPORTER_BY_NAME

    buffer = io.StringIO()
    REPORTER_BY_NAME[name](stream=buffer, verbosity=verbosity).report(results)
    return buffer.getvalue()


def run(invocation: ReportInvocation, *, stdin_text: str | None = None) -> int:
    """Read the stored report and write every requested format.

    Args:
        invocation: The parsed command line.
        stdin_text: The report text when the source is ``-``.

    Returns:
        The exit code, 0.

    Raises:
        ReportInputError: The input cannot be read or is not a report.
        click.UsageError: Several formats without ``--report-dir``, or both
            ``--output`` and ``--report-dir``.
        click.ClickException: A report file cannot be written.
    """
    from synharness.reports import REPORTER_BY_NAME

    if len(invocation.formats) > 1 and invocation.report_dir is None:
        raise click.UsageError("several --format options need --report-dir")
    if invocation.output is not None and invocation.report_dir is not None:
        raise click.UsageError("use --output or --report-dir, not both")
    if invocation.source == "-":
        text, name = stdin_text or "", "<stdin>"
    else:
        try:
            text = Path(invocation.source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise ReportInputError(f"{invocation.source}: cannot read: {reason}") from None
        name = invocation.source
    results = load_report(text, source=name)
    for fmt in invocation.formats:
        output = render(results, fmt, verbosity=invocation.verbosity)
        if invocation.report_dir is not None:
            target: Path | None = invocation.report_dir / REPORTER_BY_NAME[fmt].filename
        else:
            target = invocation.output
        if target is None:
            click.echo(output, nl=False)
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(output, encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"{target}: cannot write: {exc.strerror}") from None
        click.echo(f"wrote {target}", err=True)
    return 0


@click.command("report")
@click.argument("result", metavar="RESULT.json")
@click.option(
    "--format",
    "formats",
    type=ReportFormat(),
    multiple=True,
    help="Output format (repeatable with --report-dir): html, markdown, junit, sarif, ...",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the (single) report to FILE instead of stdout.",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each format to DIR/<its file name> (report.html, junit.xml, ...).",
)
@click.option("-v", "--verbose", count=True, help="More detail (repeatable).")
@click.option("-q", "--quiet", count=True, help="Less detail.")
def command(
    result: str,
    formats: Sequence[str],
    output: Path | None,
    report_dir: Path | None,
    verbose: int,
    quiet: int,
) -> None:
    """Re-render a stored report.json (report version 1) in other formats."""
    invocation = ReportInvocation(
        source=result,
        formats=tuple(dict.fromkeys(formats)) or ("html",),
        output=output,
        report_dir=report_dir,
        verbosity=verbosity_of(verbose, quiet),
    )
    stdin_text = sys.stdin.read() if result == "-" else None
    click.get_current_context().exit(run(invocation, stdin_text=stdin_text))
