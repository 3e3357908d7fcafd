"""Reporter: turns a list of asset results into one report format on a text stream.

There is one :class:`Reporter` subclass per format, registered by name in
:data:`REPORTER_BY_NAME` (which backs ``--format``). Reporters never open files
and never read the clock or the environment: the CLI passes the stream and any
run metadata, so the same results always give the same bytes.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import ClassVar, TextIO

from synharness.result import AssetResult


class Reporter(abc.ABC):
    """Writes one report format."""

    #: The ``--format`` name.
    name: ClassVar[str]
    #: The file name under ``--report-dir``.
    filename: ClassVar[str]

    def __init__(self, *, stream: TextIO, verbosity: int = 1) -> None:
        self.stream = stream
        self.verbosity = verbosity

    @abc.abstractmethod
    def report(self, results: Sequence[AssetResult]) -> None:
        """Write the report of ``results`` to the stream."""


#: ``--format`` name -> reporter class; each format module registers itself.
REPORTER_BY_NAME: dict[str, type[Reporter]] = {}


def register(cls: type[Reporter]) -> type[Reporter]:
    """Class decorator: add a reporter to :data:`REPORTER_BY_NAME`."""
    REPORTER_BY_NAME[cls.name] = cls
    return cls
