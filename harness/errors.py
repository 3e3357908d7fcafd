"""Harness errors: the few situations in which the harness cannot continue.

Problems *in a document* are never raised: they are findings (see
:mod:`synharness.findings`). Exceptions are kept for what stops a whole run, such
as a path on the command line that does not exist. Each class carries the
process exit code the CLI turns it into, in exactly one place.

Exception tree::

    HarnessError            exit 2: the run cannot continue
    ├── UsageError          exit 2: the invocation is wrong
    │   ├── PathNotFoundError   a named path, or a glob, matches nothing
    │   ├── NoDocumentsError    a directory holds no ``*.json`` file
    │   └── ConfigError         a configuration file or option is invalid (names file:line:col)
    └── synharness.schema.SchemaDirError   exit 2: ``--schema-dir`` cannot be used

Exit code 1 is reserved for "a finding reached the failure threshold", which is
not an exception but a property of the results.
"""

from __future__ import annotations

from typing import ClassVar


class HarnessError(Exception):
    """Base of every harness exception: the run cannot continue."""

    #: The process exit code the CLI turns this error into.
    exit_code: ClassVar[int] = 2

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        #: The path the error is about, when there is one.
        self.path = path

    @property
    def message(self) -> str:
        """The one-line message shown to the user."""
        return str(self.args[0]) if self.args else ""


class UsageError(HarnessError):
    """The invocation itself is wrong (arguments, options)."""

    exit_code: ClassVar[int] = 2


class PathNotFoundError(UsageError):
    """A path named on the command line does not exist, or a glob matches nothing."""


class NoDocumentsError(UsageError):
    """A directory named on the command line holds no ``*.json`` file."""


class ConfigError(UsageError):
    """A configuration file (``synharness.toml``, ``[tool.synharness]``) or option is invalid."""
