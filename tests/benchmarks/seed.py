"""The seed (the first version of this project) as a reference of ``make bench``.

Vocabulary:
- *seed*: the tree of commit :data:`SEED_COMMIT` in this repository's history, whose
  packages are the top-level ``harness``, ``agents``, ``reports`` and ``api`` (no
  ``synharness`` mapping; its CLI is ``python -m harness``);
- *seed tree*: those packages (and the ``scenarios/`` and ``examples/`` its ``run``
  reads by default) unpacked by ``git archive | tar -x`` into a temporary directory,
  once per bench session (:func:`unpacked_seed`), removed at its end;
- *skipped*: why the seed could not be measured (the commit is not in a shallow
  clone, a module it imports is not installed: the last line of the child's stderr),
  given in the section in place of the figures.

The seed runs in child processes whose ``PYTHONPATH`` is the seed tree, in that tree
(so nothing it writes by default lands in the work tree), with matplotlib's cache
in the tree too. Its commands measured here read files and write reports where they
are told: none opens a connection.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.benchmarks.children import launch
from tests.conftest import ROOT

#: The first version of synharness, before the performance issues.
SEED_COMMIT = "ddb5807"
#: What the seed's commands import (its four packages) and read by default (``run``).
SEED_TREES = ("harness", "agents", "reports", "api", "scenarios", "examples")
#: Longest a seed child may run before it is ended (a safety net: callers cap their sizes).
SEED_TIMEOUT_S = 600.0

#: Compiles the seed tree (so that no measured run pays for byte-compiling it, as ours
#: does not), checks that its packages are the ones imported, and warms matplotlib's font
#: cache (the seed's plots; built once, as on any machine that used it before).
_PROBE = """
import compileall, io, json, sys
root = sys.argv[1]
compileall.compile_dir(root, quiet=2)
import agents, harness, harness.cli.main, reports
wrong = [m.__name__ for m in (agents, harness, reports) if not m.__file__.startswith(root)]
if wrong:
    raise SystemExit(f"imported {wrong} from outside the seed tree")
try:
    import matplotlib
except ImportError:  # then the seed's run says so itself, where it needs it
    pass
else:
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    Figure().savefig(io.BytesIO(), format="svg")
print(json.dumps({"probed": root}))
"""


@dataclass(frozen=True)
class Seed:
    """The unpacked seed tree, or why there is none (then every measurement is ``skipped``)."""

    commit: str
    root: Path | None
    skipped: str | None = None

    def describe(self, what: str) -> str:
        """``what`` of the seed, named for a section's ``reference``."""
        return (
            f"the seed's {what} (commit {self.commit}, the first version of this project: "
            "git archive into a temporary directory, run in a child process with "
            "PYTHONPATH there)"
        )

    def env(self) -> dict[str, str]:
        """The environment of a seed child: this one's, with the seed tree as its packages."""
        assert self.root is not None
        # PYTHONPATH replaced, not extended: nothing of ours may shadow the seed's packages.
        return {**os.environ, "PYTHONPATH": str(self.root), "MPLCONFIGDIR": str(self.root / ".mpl")}

    def cli(self, *args: str) -> list[str]:
        """The seed's ``synharness`` command line (``python -m harness``)."""
        return [sys.executable, "-m", "harness", *args]

    def script(self, source: str, *args: str, timeout: float = SEED_TIMEOUT_S) -> dict[str, Any]:
        """Run ``source`` with the seed's packages; the JSON object of its last stdout line.

        Returns ``{"skipped": reason}`` when the seed is not there or the script fails.
        """
        if self.root is None:
            return {"skipped": self.skipped}
        try:
            done = subprocess.run(
                [sys.executable, "-c", source, *args],
                cwd=self.root,
                env=self.env(),
                capture_output=True,
                text=True,
                check=False,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return {"skipped": f"did not finish within {timeout:g} s"}
        if done.returncode != 0:
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            return {"skipped": lines[-1].strip() if lines else f"exit code {done.returncode}"}
        printed = done.stdout.strip().splitlines()
        if not printed:
            return {"skipped": "printed no figures"}
        figures: dict[str, Any] = json.loads(printed[-1])
        return figures

    def measure(
        self, args: list[str], *, stdin: Path | None = None, timeout: float = SEED_TIMEOUT_S
    ) -> dict[str, Any]:
        """Wall and CPU seconds and peak RSS of the seed's command ``args`` (from :meth:`cli`),
        measured as ours are (:func:`tests.benchmarks.children.launch`); exit codes 0 and 1
        (findings) count as done, anything else is ``skipped`` with stderr's last line."""
        if self.root is None:
            return {"skipped": self.skipped}
        done = launch(
            args, stdin=stdin, cwd=self.root, report_dir=self.root, env=self.env(), timeout=timeout
        )
        if done.figures is None or done.code not in (0, 1):
            return {"skipped": done.last_error_line()}
        return done.figures


def _unpack(commit: str, repo: Path, into: Path) -> str | None:
    """Unpack the seed's trees of ``commit`` into ``into``; why not, or None when done."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(repo), "archive", commit, *SEED_TREES],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        last = detail.decode(errors="replace").strip().splitlines()[-1:] or [str(exc)]
        return f"the seed commit {commit} is not in this clone (a shallow one?): {last[0]}"
    # git's own archive of its own tree: tar unpacks it (tarfile's safe filter needs 3.11.4).
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return None


@contextmanager
def unpacked_seed(commit: str = SEED_COMMIT, repo: Path = ROOT) -> Iterator[Seed]:
    """The seed tree of ``commit`` for the time of the ``with`` block, then removed.

    Yields a :class:`Seed` whose ``skipped`` says why it cannot run when the commit is
    missing or its packages do not import here.
    """
    with tempfile.TemporaryDirectory(prefix="synharness-seed-") as tmp:
        root = Path(tmp).resolve()
        why = _unpack(commit, repo, root)
        if why is not None:
            yield Seed(commit=commit, root=None, skipped=why)
            return
        seed = Seed(commit=commit, root=root)
        probe = seed.script(_PROBE, str(root))
        if "skipped" in probe:
            yield Seed(
                commit=commit, root=None, skipped=f"the seed does not start: {probe['skipped']}"
            )
            return
        yield seed
