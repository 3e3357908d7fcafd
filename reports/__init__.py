"""Reports: one module per output format, each registering a :class:`Reporter`.

Importing this package registers every format in :data:`REPORTER_BY_NAME`,
which backs ``--format``.
"""

from __future__ import annotations

from synharness.reports import (
    concise,
    github,
    gitlab,
    html,
    json_report,
    junit,
    markdown,
    sarif,
    terminal,
    text,
)
from synharness.reports.base import REPORTER_BY_NAME, Reporter, RunInfo, file_formats, register

#: The format modules, imported for their registration.
FORMAT_MODULES = (
    concise,
    github,
    gitlab,
    html,
    json_report,
    junit,
    markdown,
    sarif,
    terminal,
    text,
)

__all__ = [
    "FORMAT_MODULES",
    "REPORTER_BY_NAME",
    "Reporter",
    "RunInfo",
    "file_formats",
    "register",
]
