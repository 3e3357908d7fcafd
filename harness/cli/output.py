"""Writing report files: one file per format into a report directory.

Shared by ``validate``, ``run`` and ``report``; reporters render into memory and
this module is the one place that writes their files.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from synharness.cli.options import CliError
from synharness.result import AssetResult


def write_reports(
    results: Sequence[AssetResult], *, directory: Path, formats: Sequence[str]
) -> list[Path]:
    """Write one report file per format into ``directory``.

    Returns:
        The files written.

    Raises:
        CliError: The directory cannot be written (exit 2).
    """
    from synharness.reports import REPORTER_BY_NAME

    written: list[Path] = []
    # Formats sharing a file name (text and terminal) would overwrite each other:
    # the first wins, and the terminal format (meant for a screen) goes last.
    names = formats or sorted(REPORTER_BY_NAME, key=lambda n: (n == "terminal", n))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name in names:
            cls = REPORTER_BY_NAME[name]
            if directory / cls.filename in written:
                continue
            buffer = io.StringIO()
            cls(stream=buffer, verbosity=1).report(results)
            target = directory / cls.filename
            target.write_text(buffer.getvalue(), encoding="utf-8")
            written.append(target)
    except OSError as exc:
        raise CliError(f"{directory}: cannot write reports: {exc.strerror}", exit_code=2) from None
    return written
