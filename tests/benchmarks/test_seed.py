"""The bench's seed reference (:mod:`tests.benchmarks.seed`) and its launcher: not benchmarks.

What a reader of ``bench/results.json`` relies on: a seed that cannot run says so and why
(instead of failing the bench or measuring something else), the code measured is the
seed's own, and its tree leaves nothing behind.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks.children import launch
from tests.benchmarks.seed import SEED_COMMIT, unpacked_seed
from tests.conftest import ROOT

#: A commit id that no repository holds.
MISSING = "0123456789abcdef0123456789abcdef01234567"


def test_a_missing_commit_is_skipped_with_its_reason(tmp_path: Path) -> None:
    with unpacked_seed(MISSING) as seed:
        assert seed.root is None
        assert seed.skipped is not None
        assert MISSING in seed.skipped and "not in this clone" in seed.skipped
        # Every measurement then carries the reason instead of figures.
        assert seed.script("print('{}')") == {"skipped": seed.skipped}
        assert seed.measure(seed.cli("--help")) == {"skipped": seed.skipped}
        assert seed.describe("run").startswith(f"the seed's run (commit {MISSING}")


def test_a_repository_without_the_history_is_skipped(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    with unpacked_seed(SEED_COMMIT, repo=tmp_path) as seed:
        assert seed.root is None
        assert seed.skipped is not None and SEED_COMMIT in seed.skipped


def _has_seed() -> bool:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{SEED_COMMIT}^{{commit}}"], check=False
    )
    return done.returncode == 0


@pytest.mark.skipif(not _has_seed(), reason=f"commit {SEED_COMMIT} is not in this clone")
def test_the_seed_runs_its_own_packages_and_its_tree_is_removed() -> None:
    with unpacked_seed() as seed:
        assert seed.skipped is None and seed.root is not None
        root = seed.root
        found = seed.script(
            "import json, agents, harness, reports; print(json.dumps("
            "{m.__name__: m.__file__ for m in (agents, harness, reports)}))"
        )
        assert all(path.startswith(str(root)) for path in found.values()), found
        # The seed's own CLI (``python -m harness``).
        done = seed.measure(seed.cli("--help"))
        assert done["cpu_s"] > 0 and done["peak_rss_mib"] > 0
        failed = seed.script("import sys; sys.exit('no figures today')")
        assert failed == {"skipped": "no figures today"}
        assert seed.script("pass") == {"skipped": "printed no figures"}
    assert not root.exists()


def test_the_launcher_ends_a_child_past_its_timeout(tmp_path: Path) -> None:
    done = launch(
        [sys.executable, "-c", "import time; time.sleep(30)"],
        cwd=tmp_path,
        report_dir=tmp_path,
        timeout=0.5,
    )
    assert done.figures is None
    assert done.last_error_line() == "did not finish within 0.5 s"
    assert list(tmp_path.iterdir()) == []


def test_the_launcher_measures_the_child_and_keeps_its_exit_code(tmp_path: Path) -> None:
    done = launch(
        [sys.executable, "-c", "import sys; sys.stderr.write('bad\\nlast words\\n'); sys.exit(3)"],
        cwd=tmp_path,
        report_dir=tmp_path,
    )
    assert done.code == 3 and done.figures is not None
    assert done.last_error_line() == "last words"
    assert list(tmp_path.iterdir()) == []
