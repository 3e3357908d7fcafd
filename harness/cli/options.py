"""Shared pieces of the CLI: parameter types, the failure threshold, error mapping.

Vocabulary:
- *invocation*: the parsed command line as a plain frozen object, built by the
  click command and run by a function that knows no click (parse → build →
  run → exit);
- *threshold*: ``--fail-on``, the least severe finding that makes the exit
  code 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import click
from synharness.errors import HarnessError
from synharness.findings import Severity
from synharness.result import AssetResult

_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_UNIT = {"": 1, "b": 1, "k": 1000, "m": 1000**2, "g": 1000**3}


class ByteSize(click.ParamType[int, Any]):
    """A positive number of bytes: ``5242880``, ``512k``, ``5MiB``, ``10MB``."""

    name = "bytes"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        """Return the number of bytes, or fail with a usage error."""
        if isinstance(value, int):
            size = value
        else:
            match = _SIZE.match(str(value))
            if match is None:
                self.fail(f"{value!r} is not a size (e.g. 5242880, 512k, 5MiB)", param, ctx)
            unit = (match[2] or "").lower()
            base = 1024 if "i" in unit else 1000
            size = int(match[1]) * (
                _UNIT[unit[:1]] if base == 1000 else base ** "bkmg".index(unit[0])
            )
        if size <= 0:
            self.fail(f"{value!r} must be more than 0 bytes", param, ctx)
        return size


class Threshold(click.ParamType[Severity, Any]):
    """``--fail-on``: ``error`` or ``warning``."""

    name = "severity"
    choices = ("error", "warning")

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """Show the choices in ``--help``."""
        return "[" + "|".join(self.choices) + "]"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Severity:
        """Return the severity, or fail with a usage error."""
        if isinstance(value, Severity):
            return value
        text = str(value).strip().lower()
        if text not in self.choices:
            self.fail(f"{value!r} is not one of {', '.join(self.choices)}", param, ctx)
        return Severity(text)


class ReportFormat(click.ParamType[str, Any]):
    """A registered report format; ``reports`` is imported only when one is named.

    Importing every reporter (matplotlib for HTML) on each start would slow down
    every command, ``--help`` included.
    """

    name = "format"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """Name the format without importing every reporter."""
        return "FORMAT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """Return the format name, or fail listing the known ones."""
        from synharness.reports import REPORTER_BY_NAME

        if value not in REPORTER_BY_NAME:
            self.fail(f"{value!r} is not one of {', '.join(sorted(REPORTER_BY_NAME))}", param, ctx)
        return str(value)


class CliError(click.ClickException):
    """A harness error on its way out: one line on stderr, the class's exit code."""

    def __init__(self, message: str, *, exit_code: int) -> None:
        super().__init__(message)
        # click reads the exit code from the instance; it varies with the wrapped error.
        self.exit_code = exit_code  # type: ignore[misc]

    @classmethod
    def from_exception(cls, exc: HarnessError) -> CliError:
        """Wrap a harness error, keeping its message and exit code."""
        return cls(exc.message, exit_code=exc.exit_code)


def strict_option(function: Any) -> Any:
    """The ``--strict`` flag (config key ``strict``): the strict severity profile."""
    return click.option(
        "--strict",
        is_flag=True,
        help="Strict profile: report style and legacy notes (SYN-ENV-001, SYN-GLSL-005, ...) "
        "as warnings; see docs/findings.md.",
    )(function)


def need_extra(extra: str, *, what: str) -> None:
    """Stop with exit 2 and one line naming ``extra`` when it is not installed."""
    from synharness.extras import MissingExtraError, require_extra

    try:
        require_extra(extra, what=what)
    except MissingExtraError as exc:
        raise CliError.from_exception(exc) from None


def exit_code_of(results: Iterable[AssetResult], *, fail_on: Severity) -> int:
    """1 when any finding reaches ``fail_on``, else 0.

    Args:
        results: The asset results of the run.
        fail_on: The least severe finding that fails the run.

    Returns:
        The process exit code.
    """
    return 1 if any(r.reaches(fail_on) for r in results) else 0


def verbosity_of(verbose: int, quiet: int) -> int:
    """One verbosity number: ``1 + -v - -q``."""
    return 1 + verbose - quiet
