"""Reporter: turns a list of asset results into one report format on a text stream.

There is one :class:`Reporter` subclass per format, registered by name in
:data:`REPORTER_BY_NAME` (which backs ``--format``). Reporters never open files
and never read the clock or the environment: the CLI passes the stream and any
run metadata (:class:`RunInfo`), so the same results always give the same bytes.

The interface is incremental, so a run of any size streams through it:
``begin()``, then ``add(result)`` for each asset as it completes, then
``end()``. A reporter either

- overrides :meth:`Reporter.report` alone (it needs every result at once, e.g.
  a table sorted by source); the default ``begin``/``add``/``end`` collect the
  results and call ``report`` at the end; or
- overrides ``begin``/``add``/``end`` (it writes as results arrive and keeps
  only what its ending needs: JSON, JUnit, HTML); the default ``report`` calls
  them in turn.

Either way ``report(results)`` and ``begin(); add(r)...; end()`` write the
same bytes. Through the CLI's report files, a reporter that does not read
traces gets results without them (:func:`slim`), and a collecting one that
does not read metrics gets results without those too (:func:`lean`), so what
it holds until the end stays small.

A *log format* (``concise``, ``github``) is meant for a CI log rather than a
file: ``run`` prints it on stdout before its table, and "every format" (no
``--format``) writes only the file formats.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, TextIO

from synharness.findings import Finding, Severity, Verdict, sort_findings
from synharness.result import AssetResult


@dataclass(frozen=True)
class RunInfo:
    """What the CLI knows about the invocation, for formats that record it (SARIF)."""

    #: The command line as typed (``sys.argv``).
    arguments: tuple[str, ...] = ()
    #: The working directory, an absolute path: the root relative paths start from.
    working_directory: str | None = None
    #: RFC 3339 UTC times of the start and end of the work.
    start_time: str | None = None
    end_time: str | None = None
    #: The exit code the invocation ends with.
    exit_code: int | None = None


class Reporter:
    """Writes one report format."""

    #: The ``--format`` name.
    name: ClassVar[str]
    #: The file name under ``--report-dir``.
    filename: ClassVar[str]
    #: A format for CI logs (stdout of ``run``) rather than a report file.
    log: ClassVar[bool] = False
    #: Whether the reporter writes as results arrive (overrides begin/add/end) or
    #: needs them all (overrides :meth:`report`); set from the class.
    incremental: ClassVar[bool] = False
    #: Whether the reporter reads scenario traces (plots); others get results without them.
    reads_plots: ClassVar[bool] = False
    #: Whether a collecting reporter reads scenario metrics; those that do not get
    #: results without them (:func:`lean`), so what they hold until the end stays small.
    reads_metrics: ClassVar[bool] = False

    def __init__(self, *, stream: TextIO, verbosity: int = 1, info: RunInfo | None = None) -> None:
        self.stream = stream
        self.verbosity = verbosity
        #: Run metadata passed in by the CLI (never read from the environment).
        self.info = info or RunInfo()
        self._collected: list[AssetResult] = []

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.incremental = cls.add is not Reporter.add
        # A reporter must implement one side, or each would call the other forever.
        if cls.report is Reporter.report and not cls.incremental:
            raise TypeError(f"{cls.__name__} must override report() or begin()/add()/end()")

    def begin(self, *, total: int | None = None) -> None:
        """Start the report.

        Args:
            total: How many results will be added, when known (a layout hint:
                the HTML report collapses passing assets of large batches).
        """
        self._collected = []

    def add(self, result: AssetResult) -> None:
        """Take one asset's result (the caller may drop it afterwards)."""
        self._collected.append(result)

    def end(self) -> None:
        """Finish the report (write what needed every result)."""
        collected, self._collected = self._collected, []
        self.report(collected)

    def report(self, results: Sequence[AssetResult]) -> None:
        """Write the report of ``results`` to the stream (all at once)."""
        self.begin(total=len(results))
        for result in results:
            self.add(result)
        self.end()


def slim(result: AssetResult) -> AssetResult:
    """The result without its scenarios' traces (what reporters that draw no plots read)."""
    if not any(s.plot is not None for s in result.scenarios):
        return result
    return result.model_copy(
        update={"scenarios": tuple(s.model_copy(update={"plot": None}) for s in result.scenarios)}
    )


def lean(result: AssetResult) -> AssetResult:
    """The result without traces and metrics: what a collecting reporter holds per asset."""
    if not result.scenarios:
        return result
    return result.model_copy(
        update={
            "scenarios": tuple(
                s.model_copy(update={"plot": None, "metrics": {}}) for s in result.scenarios
            )
        }
    )


#: ``--format`` name -> reporter class; each format module registers itself.
REPORTER_BY_NAME: dict[str, type[Reporter]] = {}


def file_formats() -> list[str]:
    """The registered formats that make a report file ("every format" of ``--report-dir``)."""
    return sorted(name for name, cls in REPORTER_BY_NAME.items() if not cls.log)


def register(cls: type[Reporter]) -> type[Reporter]:
    """Class decorator: add a reporter to :data:`REPORTER_BY_NAME`."""
    REPORTER_BY_NAME[cls.name] = cls
    return cls


def artifact_path(source: str, root: str | None = None) -> str:
    """A source as a repository-relative path with ``/`` separators, when it can be one.

    ``./a.json`` -> ``a.json``; an absolute path inside ``root`` (the working
    directory) becomes relative to it; any other path is kept as it is.
    """
    path = source.replace("\\", "/")
    if root is not None and path.startswith("/"):
        base = root.replace("\\", "/").rstrip("/") + "/"
        if path.startswith(base):
            path = path[len(base) :]
    while path.startswith("./"):
        path = path[2:]
    return path


def location_of(finding: Finding, source: str) -> tuple[str, int, int]:
    """``(path, line, column)`` of a finding: its own file or the asset's, ``1:1`` when unplaced.

    A finding without a position is about the whole file (unreadable, too
    large), so it is reported at the file's start.
    """
    return finding.file or source, finding.line or 1, finding.column or 1


def log_findings(
    results: Sequence[AssetResult], *, verbosity: int
) -> Iterator[tuple[AssetResult, Finding]]:
    """The findings a log format shows, by source then position.

    Verbosity 0 leaves out infos, 1 leaves out the infos of passing assets
    (the default: a passing asset adds no line to a CI log), 2 shows everything.
    """
    for result in sorted(results, key=lambda r: r.source):
        passing = result.verdict is Verdict.PASS
        for item in sort_findings(result.findings):
            if item.severity is Severity.INFO and (verbosity <= 0 or (passing and verbosity < 2)):
                continue
            yield result, item


def result_fingerprint(path: str, finding: Finding, occurrence: int = 0) -> str:
    """A stable identity of one finding: its file, code and pointer, not its line.

    Lines move when a file is edited above the finding; the pointer names the
    same value. ``occurrence`` tells apart findings sharing all three.
    """
    key = "\0".join((path, finding.code, finding.pointer, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Fingerprinter:
    """Gives each finding of one report its :func:`result_fingerprint`, numbering repeats."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], int] = {}

    def __call__(self, path: str, finding: Finding) -> str:
        """The fingerprint of ``finding`` in ``path`` (call in report order)."""
        key = (path, finding.code, finding.pointer)
        occurrence = self._seen.get(key, 0)
        self._seen[key] = occurrence + 1
        return result_fingerprint(path, finding, occurrence)
