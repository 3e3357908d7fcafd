"""The CLI's side of configuration and discovery: files, flags, and what ``-v`` shows.

Precedence: command-line flags > the configuration file > defaults. The file
is the one ``--config`` names, else the first ``synharness.toml`` or
``pyproject.toml`` with a ``[tool.synharness]`` table found walking up from
the working directory (in each directory ``synharness.toml`` wins). A flag
replaces the file's value of its key (``--ignore`` does not add to the file's
``ignore``). Globs of flags are relative to the configuration's root, which
is the working directory without a file.

Commands use :func:`config_options` for the flags, :func:`load_config` to
build the merged :class:`~synharness.config.Config` once, then
:func:`~synharness.config.apply_config` (the one place findings are filtered
and re-graded) and :func:`find_sources` (discovery, with ``-v`` listing the
skipped files on stderr).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import click
from synharness.cli.options import CliError
from synharness.config import (
    CONFIG_FILE,
    PYPROJECT_FILE,
    Config,
    key_position,
    parse_config,
    selector_problem,
)
from synharness.errors import HarnessError
from synharness.findings import Severity
from synharness.loading import Source

F = TypeVar("F", bound=Callable[..., Any])


def find_config_file(start: Path) -> Path | None:
    """The first ``synharness.toml``, or ``pyproject.toml`` with ``[tool.synharness]``, from ``start`` up."""
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = directory / PYPROJECT_FILE
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "synharness" in text and _has_table(text, str(pyproject)):
                return pyproject
    return None


def _has_table(text: str, source: str) -> bool:
    try:
        return parse_config(text, source=source, pyproject=True) is not None
    except HarnessError:
        return True  # a broken table is still the configuration: report it


def read_config(path: Path) -> Config:
    """Read one configuration file.

    Raises:
        CliError: The file cannot be read or is invalid (exit 2, file:line:col).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise CliError(f"{path}: cannot read the configuration: {reason}", exit_code=2) from None
    pyproject = path.name == PYPROJECT_FILE
    try:
        config = parse_config(text, source=str(path), pyproject=pyproject)
    except HarnessError as exc:
        raise CliError.from_exception(exc) from None
    if config is None:
        raise CliError(f"{path}: has no [tool.synharness] table", exit_code=2)
    return config


def _selectors(values: Sequence[str], option: str) -> tuple[str, ...] | None:
    if not values:
        return None
    out = tuple(s.strip() for v in values for s in v.split(",") if s.strip())
    for selector in out:
        problem = selector_problem(selector)
        if problem:
            raise click.BadParameter(problem, param_hint=option)
    return out


def _per_file(values: Sequence[str]) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    if not values:
        return None
    out = []
    for value in values:
        glob, sep, codes = value.rpartition(":")
        if not sep or not glob:
            raise click.BadParameter(
                f"{value!r} is not GLOB:CODE[,CODE]", param_hint="--per-file-ignores"
            )
        out.append((glob, _selectors([codes], "--per-file-ignores") or ()))
    return tuple(out)


def _severities(values: Sequence[str]) -> tuple[tuple[str, Severity], ...] | None:
    if not values:
        return None
    out = []
    for value in (s for v in values for s in v.split(",") if s.strip()):
        selector, sep, level = value.strip().partition("=")
        if not sep or level not in ("error", "warning", "info"):
            raise click.BadParameter(
                f"{value!r} is not CODE=error|warning|info", param_hint="--severity"
            )
        out.append(((_selectors([selector], "--severity") or ("",))[0], Severity(level)))
    return tuple(out)


def load_config(
    *,
    explicit: Path | None,
    cwd: Path,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    per_file_ignores: Sequence[str] = (),
    severity: Sequence[str] = (),
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    fail_on: Severity | None = None,
    scenarios: Path | None = None,
) -> Config:
    """The configuration file (named or found) with the flags laid over it.

    Raises:
        CliError: The file is invalid (exit 2).
        click.BadParameter: A flag's value is invalid (exit 2).
    """
    path = explicit if explicit is not None else find_config_file(cwd)
    base = read_config(path) if path is not None else Config(root=cwd)
    if path is not None and base.scenarios is not None and not base.scenarios.is_dir():
        text = path.read_text(encoding="utf-8")
        prefix = ("tool", "synharness") if path.name == PYPROJECT_FILE else ()
        at = key_position(text, (*prefix, "scenarios"))
        where = f"{path}:{at[0]}:{at[1]}" if at else str(path)
        raise CliError(f"{where}: scenarios {base.scenarios} is not a directory", exit_code=2)
    flags: dict[str, Any] = {
        "select": _selectors(select, "--select"),
        "ignore": _selectors(ignore, "--ignore"),
        "per_file_ignores": _per_file(per_file_ignores),
        "severity": _severities(severity),
        "include": tuple(include) or None,
        "exclude": tuple(exclude) or None,
        "fail_on": fail_on,
        "scenarios": scenarios,
    }
    return dataclasses.replace(base, **{k: v for k, v in flags.items() if v is not None})


def config_options(*, discovery: bool = True) -> Callable[[F], F]:
    """The configuration flags (``--config``, ``--select``, ...) as one decorator."""

    def decorate(f: F) -> F:
        options = [
            click.option(
                "--config",
                "config_path",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help="Configuration file [default: the first synharness.toml or pyproject.toml "
                "with [tool.synharness] from here up].",
            ),
            click.option(
                "--select",
                multiple=True,
                metavar="CODES",
                help="Only these codes or prefixes (comma-separated, repeatable).",
            ),
            click.option(
                "--ignore",
                multiple=True,
                metavar="CODES",
                help="Never these codes or prefixes (comma-separated, repeatable).",
            ),
            click.option(
                "--per-file-ignores",
                multiple=True,
                metavar="GLOB:CODES",
                help="Ignore CODES in files matching GLOB (repeatable).",
            ),
            click.option(
                "--severity",
                multiple=True,
                metavar="CODE=LEVEL",
                help="Report CODE (or a prefix) as error, warning or info (repeatable).",
            ),
        ]
        if discovery:
            options += [
                click.option(
                    "--include",
                    multiple=True,
                    metavar="GLOB",
                    help="Also take JSON files matching GLOB from folders (repeatable).",
                ),
                click.option(
                    "--exclude",
                    multiple=True,
                    metavar="GLOB",
                    help="Never take files matching GLOB from folders (repeatable).",
                ),
            ]
        for option in reversed(options):
            f = option(f)
        return f

    return decorate


def find_sources(
    paths: Sequence[str],
    *,
    config: Config,
    cwd: Path,
    verbosity: int,
    stdin: BinaryIO | None = None,
    filter_named: bool = False,
    implicit: bool = False,
) -> list[Source]:
    """Discover the documents the paths name; skipped files are listed on stderr with ``-v``.

    Without ``-v`` one line counts the skipped files, so that an asset that
    lost its ``$schema`` does not vanish from a run unnoticed.

    Raises:
        CliError: A path does not exist or a named folder holds no document (exit 2).
    """
    from synharness.discovery import discover

    try:
        found = discover(
            paths,
            config=config,
            cwd=cwd,
            stdin=stdin,
            filter_named=filter_named,
            implicit=implicit,
        )
    except HarnessError as exc:
        raise CliError.from_exception(exc) from None
    if found.skipped and verbosity >= 2:
        for path, reason in found.skipped:
            click.echo(f"skipped {path}: {reason}", err=True)
    elif found.skipped and verbosity >= 1:
        n = len(found.skipped)
        click.echo(
            f"skipped {n} JSON file{'s' if n != 1 else ''} that name no synesthetic-schemas "
            "$schema (-v lists them; `include` takes them)",
            err=True,
        )
    return list(found.sources)


def with_config_options(options: Any, config: Config) -> Any:
    """Validation options with the configuration's pass-through keys (``glsl-host``, ``strict``).

    A key is passed only when this build's validation options have the field
    and it still holds its default (so a command-line flag wins).
    """
    names = {f.name: f for f in dataclasses.fields(options)}
    update: dict[str, Any] = {}
    for key, value in (("glsl_host", config.glsl_host), ("strict", config.strict)):
        field = names.get(key)
        if value is None or field is None:
            continue
        if getattr(options, key) == field.default:
            update[key] = value
    return dataclasses.replace(options, **update) if update else options


def utc_now() -> str:
    """The current time as RFC 3339 UTC (for SARIF's invocation times)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Timer:
    """Wall-clock of a command for ``-v`` (stderr only: reports never hold times)."""

    def __init__(self) -> None:
        self.started = utc_now()
        self._t0 = time.perf_counter()

    def elapsed(self) -> float:
        """Seconds since the start."""
        return time.perf_counter() - self._t0

    def report(self, what: str, count: int, *, verbosity: int) -> None:
        """One ``-v`` line: how many, how long, how many per second."""
        if verbosity < 2:
            return
        seconds = self.elapsed()
        rate = f", {count / seconds:,.0f}/s" if seconds > 0 and count else ""
        click.echo(f"{what}: {count} in {seconds:.2f} s{rate}", err=True)


def run_info(timer: Timer, *, exit_code: int) -> Any:
    """The run metadata reporters record (SARIF ``invocations``)."""
    from synharness.reports.base import RunInfo

    return RunInfo(
        arguments=tuple(sys.argv),
        working_directory=os.getcwd(),
        start_time=timer.started,
        end_time=utc_now(),
        exit_code=exit_code,
    )


def in_ci(environ: dict[str, str] | None = None, *, stdout_tty: bool | None = None) -> bool:
    """Whether output goes to a CI log: ``CI`` is set (and not ``false``/``0``), or stdout is no terminal."""
    env = os.environ if environ is None else environ
    flag = env.get("CI", "").strip().lower()
    if flag and flag not in ("0", "false", "no"):
        return True
    tty = sys.stdout.isatty() if stdout_tty is None else stdout_tty
    return not tty
