"""Writing report files: one file per format into a report directory.

Shared by ``validate``, ``run`` and ``report``; reporters render into memory and
this module is the one place that writes their files.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from synharness.cli.options import CliError
from synharness.result import AssetResult

if TYPE_CHECKING:
    from synharness.reports.base import RunInfo


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
    from synharness.reports import REPORTER_BY_NAME, file_formats

    written: list[Path] = []
    # Formats sharing a file name (text and terminal) would overwrite each other:
    # the first wins, and the terminal format (meant for a screen) goes last.
    names = formats or sorted(file_formats(), key=lambda n: (n == "terminal", n))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name in names:
            cls = REPORTER_BY_NAME[name]
            if directory / cls.filename in written:
                continue
            buffer = io.StringIO()
            cls(stream=buffer, verbosity=1, info=info).report(results)
            target = directory / cls.filename
            target.write_text(buffer.getvalue(), encoding="utf-8")
            written.append(target)
    except OSError as exc:
        raise CliError(f"{directory}: cannot write reports: {exc.strerror}", exit_code=2) from None
    return written
