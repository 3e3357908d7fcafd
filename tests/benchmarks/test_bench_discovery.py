"""Benchmark of discovery (``make bench``): how much deciding "is this a synesthetic document" costs.

A generated tree holds 400 asset files and 400 other JSON files (``package.json``
style, 100 of them 200 KB without a ``$schema``, which discovery reads further
than the first 64 KiB). Measured, in one run:

- ``files_per_s``: :func:`synharness.discovery.discover` over the whole tree;
- ``reference_expansion_files_per_s``: :func:`synharness.loading.iter_sources`,
  the plain expansion that takes every ``*.json`` without reading any, the reference;
- ``ratio``: ``files_per_s / reference_expansion_files_per_s``;
- ``validate_assets_per_s``: validating the 400 assets discovery yields, for
  scale (discovery must cost a small fraction of validation).

Writes the ``discovery`` section of ``bench/results.json``. Rates use wall-clock
time (the work is file-system bound); no assertion on time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from synharness.discovery import discover
from synharness.loading import iter_sources
from synharness.pipeline import validate_bytes

from tests.benchmarks.test_bench_score import best_rate as score_best_rate
from tests.conftest import BENCH_RESULTS, ROOT
from tests.conftest import write_bench_section as write_section

pytestmark = pytest.mark.bench

RESULTS = BENCH_RESULTS


def best_rate(work: Callable[[], object], items: int) -> float:
    """:func:`tests.benchmarks.test_bench_score.best_rate` after one run that warms the page cache."""
    work()
    return score_best_rate(work, items)


def test_bench_discovery(tmp_path: Path) -> None:
    asset = (ROOT / "examples" / "heartbeat.json").read_bytes()
    big = json.dumps({"name": "data", "rows": ["x" * 100] * 2000}).encode()
    for i in range(400):
        folder = tmp_path / "assets" / f"g{i % 20}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"a{i}.json").write_bytes(asset)
        other = tmp_path / "web" / f"p{i % 20}"
        other.mkdir(parents=True, exist_ok=True)
        body = big if i % 4 == 0 else b'{"name": "pkg", "version": "1.0.0"}\n'
        (other / f"package{i}.json").write_bytes(body)
    found = discover(["."], cwd=tmp_path)
    assert len(found.sources) == 400 and len(found.skipped) == 400
    files = 800
    rate = best_rate(lambda: discover(["."], cwd=tmp_path), files)
    reference = best_rate(lambda: list(iter_sources([str(tmp_path)])), files)
    paths = [tmp_path / s.name for s in found.sources]
    validate = best_rate(
        lambda: [validate_bytes(p.read_bytes(), source=str(p)) for p in paths], len(paths)
    )
    section = {
        "files": files,
        "files_per_s": round(rate),
        "reference_expansion_files_per_s": round(reference),
        "ratio": round(rate / reference, 3),
        "validate_assets_per_s": round(validate),
    }
    print(json.dumps(section, indent=2))
    write_section("discovery", section)
