"""Writing report files: one file per format into a report directory.

Shared by ``validate``, ``run`` and ``report``; this module is the one place
that opens report files. :class:`ReportFiles` streams: each result goes to
every reporter as it arrives (``begin`` / ``add`` / ``end``, see
:mod:`synharness.reports.base`) and can then be dropped by the caller;
reporters that draw no plots get the result without its traces.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from synharness.cli.options import CliError
from synharness.result import AssetResult

if TYPE_CHECKING:
    from synharness.reports.base import RunInfo


def report_names(formats: Sequence[str]) -> list[str]:
    """The formats to write, in writing order (every file format when none is given).

    Without ``formats`` the log formats (``concise``, ``github``), which belong
    on stdout, are left out.
    """
    from synharness.reports import file_formats

    # Formats sharing a file name (text and terminal) would overwrite each other:
    # the first wins, and the terminal format (meant for a screen) goes last.
    return list(formats) or sorted(file_formats(), key=lambda n: (n == "terminal", n))


class ReportFiles:
    """One open report file per format, fed one result at a time.

    Use as a context manager: ``begin`` on entry, :meth:`add` per result,
    ``end`` and close on a normal exit (files are closed, unfinished, when an
    exception leaves the block). :attr:`info`, the run metadata some formats
    record (SARIF's invocation, with its end time and exit code), may be set
    inside the block: reporters read it when they end.
    """

    def __init__(
        self,
        *,
        directory: Path,
        formats: Sequence[str],
        total: int | None = None,
        info: RunInfo | None = None,
    ) -> None:
        self.directory = directory
        self.formats = formats
        self.total = total
        self.info = info
        self.written: list[Path] = []
        self._open: list[tuple[object, TextIO]] = []

    def _fail(self, exc: OSError) -> CliError:
        return CliError(f"{self.directory}: cannot write reports: {exc.strerror}", exit_code=2)

    def __enter__(self) -> ReportFiles:
        from synharness.reports import REPORTER_BY_NAME

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for name in report_names(self.formats):
                cls = REPORTER_BY_NAME[name]
                target = self.directory / cls.filename
                if target in self.written:
                    continue
                handle = open(target, "w", encoding="utf-8")
                reporter = cls(stream=handle, verbosity=1, info=self.info)
                self._open.append((reporter, handle))
                self.written.append(target)
                reporter.begin(total=self.total)
        except OSError as exc:
            self._close()
            raise self._fail(exc) from None
        return self

    def add(self, result: AssetResult) -> AssetResult:
        """Give ``result`` to every reporter (without traces to those that draw none).

        Returns:
            The result without traces and metrics (:func:`~synharness.reports.base.lean`),
            the one the collecting reporters hold, for the caller to keep instead.
        """
        from synharness.reports.base import Reporter, lean, slim

        slimmed: AssetResult | None = None
        leaner: AssetResult | None = None
        try:
            for reporter, _ in self._open:
                assert isinstance(reporter, Reporter)
                if reporter.reads_plots:
                    reporter.add(result)
                elif reporter.incremental or reporter.reads_metrics:
                    slimmed = slimmed or slim(result)
                    reporter.add(slimmed)
                else:
                    leaner = leaner or lean(result)
                    reporter.add(leaner)
        except OSError as exc:
            self._close()
            raise self._fail(exc) from None
        return leaner or lean(result)

    def _close(self) -> None:
        for _, handle in self._open:
            handle.close()
        self._open = []

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        from synharness.reports.base import Reporter

        if kind is not None:
            self._close()
            return
        try:
            for reporter, _ in self._open:
                assert isinstance(reporter, Reporter)
                if self.info is not None:
                    reporter.info = self.info
                reporter.end()
        except OSError as exc_:
            self._close()
            raise self._fail(exc_) from None
        self._close()


def write_reports(
    results: Sequence[AssetResult],
    *,
    directory: Path,
    formats: Sequence[str],
    info: RunInfo | None = None,
) -> list[Path]:
    """Write one report file per format into ``directory``.

    Without ``formats`` every file format is written (not the log formats,
    ``concise`` and ``github``, which belong on stdout). ``info`` is the run
    metadata some formats record (SARIF's invocation).

    Returns:
        The files written.

    Raises:
        CliError: The directory cannot be written (exit 2).
    """
    with ReportFiles(directory=directory, formats=formats, total=len(results), info=info) as files:
        for result in results:
            files.add(result)
    return files.written
