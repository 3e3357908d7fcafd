"""Reporter: turns asset results, one at a time, into one report format on a text stream.

There is one :class:`Reporter` subclass per format, registered by name in
:data:`REPORTER_BY_NAME` (which backs ``--format``). Reporters never open files
and never read the clock or the environment: the CLI passes the stream and any
run metadata, so the same results always give the same bytes.

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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, TextIO

from synharness.result import AssetResult


class Reporter:
    """Writes one report format."""

    #: The ``--format`` name.
    name: ClassVar[str]
    #: The file name under ``--report-dir``.
    filename: ClassVar[str]
    #: Whether the reporter writes as results arrive (overrides begin/add/end) or
    #: needs them all (overrides :meth:`report`).
    incremental: ClassVar[bool] = False
    #: Whether the reporter reads scenario traces (plots); others get results without them.
    reads_plots: ClassVar[bool] = False
    #: Whether a collecting reporter reads scenario metrics; those that do not get
    #: results without them (:func:`lean`), so what they hold until the end stays small.
    reads_metrics: ClassVar[bool] = False

    def __init__(self, *, stream: TextIO, verbosity: int = 1) -> None:
        self.stream = stream
        self.verbosity = verbosity
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


def register(cls: type[Reporter]) -> type[Reporter]:
    """Class decorator: add a reporter to :data:`REPORTER_BY_NAME`."""
    REPORTER_BY_NAME[cls.name] = cls
    return cls
