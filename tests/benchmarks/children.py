"""Child processes measured from outside: wall and CPU seconds and the child's own peak RSS.

One launcher for every benchmark that times a command (ours or the seed's), so that
both sides of a comparison are measured the same way.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: Runs its arguments in a child and reports that child's own resource use: forked
#: from this small launcher (not from pytest), the child's peak RSS is its own.
_LAUNCHER = """
import json, os, sys, time
out, args = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(args[0], args)
_, status, usage = os.wait4(pid, 0)
with open(out, "w") as handle:
    json.dump({"wall": time.perf_counter() - start, "code": os.waitstatus_to_exitcode(status),
               "cpu": usage.ru_utime + usage.ru_stime, "rss_kib": usage.ru_maxrss}, handle)
"""


@dataclass(frozen=True)
class Launched:
    """What one launched child did: its figures (None when it did not finish) and stderr."""

    figures: dict[str, float] | None
    code: int | None
    stderr: bytes

    def last_error_line(self) -> str:
        """The last non-blank line of stderr (an exception's one-line summary), or the code."""
        lines = [line for line in self.stderr.decode(errors="replace").splitlines() if line.strip()]
        return lines[-1].strip() if lines else f"exit code {self.code}"


def launch(
    args: list[str],
    *,
    stdin: Path | None = None,
    cwd: Path,
    report_dir: Path,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Launched:
    """Run ``args`` to its end from the launcher: wall, CPU seconds and peak RSS (MiB).

    The launcher and its child get a process group of their own, so that a child still
    running at ``timeout`` is ended with its whole group (and nothing else).
    """
    report = report_dir / f".measure-{os.getpid()}.json"
    report_dir.mkdir(parents=True, exist_ok=True)
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as source:
        child = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(report), *args],
            cwd=cwd,
            env=None if env is None else dict(env),
            stdin=source,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, stderr = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            _, stderr = child.communicate()
            report.unlink(missing_ok=True)
            return Launched(None, None, stderr + f"\ndid not finish within {timeout:g} s".encode())
    if not report.exists():  # the launcher itself failed
        return Launched(None, child.returncode, stderr)
    raw = json.loads(report.read_text(encoding="utf-8"))
    report.unlink()
    figures = {
        "wall_s": round(raw["wall"], 3),
        "cpu_s": round(raw["cpu"], 3),
        "peak_rss_mib": round(raw["rss_kib"] / 1024, 1),
    }
    return Launched(figures, int(raw["code"]), stderr)
