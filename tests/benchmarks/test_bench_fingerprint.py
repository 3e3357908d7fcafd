"""Benchmark of behaviour fingerprints and their nearest-neighbour search (``make bench``).

Measures, in one run:
- ``fingerprints_per_s``: :func:`~synharness.agents.fingerprint.fingerprint` of
  validated generated assets (three simulations each), CPU time, best of 3;
- search over ``stored`` = 100,000 fingerprints: ``STORED_REAL`` real
  fingerprints of generated assets, each repeated with small noise on its
  non-zero values (batches of a generator that collapses look like this), then
  ``QUERIES`` queries near stored ones:
  - ``usearch``: the HNSW index of :class:`~synharness.agents.neighbours.FingerprintIndex`
    (build time; per-query latency p50/p99 in ms, wall clock; recall@1
    against the exact answer);
  - ``exact_numpy``: the reference, one float32 matrix-vector product over all
    stored fingerprints per query (what the index does below ``EXACT_BELOW``);
  - ``ratio_p99_exact_vs_usearch``: how much faster the index's p99 is.
The goal is a p99 under 50 ms for 100,000 stored fingerprints. No assertion on
time: a loaded machine must not fail the suite; the figures go to the
``fingerprint`` section of ``bench/results.json``.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from synharness.agents.fingerprint import DIMENSION, fingerprint
from synharness.agents.neighbours import FingerprintIndex
from synharness.extras import has_extra
from synharness.models import SynestheticAsset
from synharness.pipeline import check_data

from tests.benchmarks.test_bench_validate import rate, write_section
from tests.factories import generate_assets

pytestmark = pytest.mark.bench

STORED = 100_000
STORED_REAL = 200
QUERIES = 1_000
K = 10


def _models(n: int) -> list[SynestheticAsset]:
    models = []
    for asset in generate_assets(n, seed=11):
        model = check_data(asset, source="bench").model
        assert isinstance(model, SynestheticAsset)
        models.append(model)
    return models


def _percentiles(samples: list[float]) -> dict[str, float]:
    ms = np.asarray(samples) * 1000.0
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p99_ms": round(float(np.percentile(ms, 99)), 3),
    }


def _stored_and_queries(models: list[SynestheticAsset]) -> tuple[np.ndarray, np.ndarray]:
    """STORED fingerprints (the real ones repeated with noise) and QUERIES near some of them."""
    real = np.stack([fingerprint(m) for m in models]).astype(np.float32)
    rng = np.random.default_rng(5)
    stored = np.repeat(real, STORED // STORED_REAL, axis=0)
    noise = rng.normal(0.0, 0.01, stored.shape).astype(np.float32) * (stored > 0)
    stored = np.clip(stored + noise, 0.0, 1.0)
    picks = rng.integers(0, STORED, QUERIES)
    queries = np.clip(
        stored[picks] + rng.normal(0.0, 0.005, (QUERIES, DIMENSION)).astype(np.float32), 0, 1
    )
    return stored, queries


@pytest.mark.skipif(not has_extra("ann"), reason="the 'ann' extra (usearch) is not installed")
def test_bench_fingerprint() -> None:
    models = _models(STORED_REAL)
    sample = models[:20]

    def work() -> None:
        for model in sample:
            fingerprint(model)

    per_s = rate(work, len(sample))
    stored, queries = _stored_and_queries(models)

    start = time.perf_counter()
    index = FingerprintIndex(exact_below=1)
    index.add(stored)
    build_s = time.perf_counter() - start
    assert index.backend == "usearch"

    unit = stored / np.linalg.norm(stored, axis=1, keepdims=True)
    ann_times, exact_times, hits = [], [], 0
    for query in queries:
        t0 = time.perf_counter()
        found = index.search(query, K)
        t1 = time.perf_counter()
        q = query / np.linalg.norm(query)
        best = int(np.argmax(unit @ q))
        t2 = time.perf_counter()
        ann_times.append(t1 - t0)
        exact_times.append(t2 - t1)
        hits += found[0][0] == best
    ann, exact = _percentiles(ann_times), _percentiles(exact_times)
    section = {
        "dimension": DIMENSION,
        "fingerprints_per_s": round(per_s, 1),
        "stored": STORED,
        "queries": QUERIES,
        "k": K,
        "usearch": {**ann, "build_s": round(build_s, 2), "recall_at_1": hits / QUERIES},
        "exact_numpy": exact,
        "ratio_p99_exact_vs_usearch": round(exact["p99_ms"] / max(ann["p99_ms"], 1e-6), 1),
        "goal_p99_ms": 50,
        "note": "2 shared cores: timings are noisy under other helpers' load",
    }
    write_section("fingerprint", section)
    print(
        f"\nfingerprint: {per_s:,.1f} fingerprints/s; search of {STORED:,} stored: usearch "
        f"p50 {ann['p50_ms']} ms p99 {ann['p99_ms']} ms (recall@1 {hits / QUERIES:.3f}, "
        f"build {build_s:.1f} s) vs exact numpy p50 {exact['p50_ms']} ms p99 {exact['p99_ms']} ms"
    )


#: Store queries timed (each runs the database's own vector search).
STORE_QUERIES = 200


@pytest.mark.skipif(not has_extra("store"), reason="the 'store' extra is not installed")
def test_bench_fingerprint_store(tmp_path: Path) -> None:
    """``GET /search/assets?like=`` 's search: 100,000 fingerprints in the store's SQLite index.

    The vectors go in through :func:`synharness.api.vector_index.put` (the path
    verification takes) in one transaction; each query is
    :func:`~synharness.api.vector_index.search` on sqlite-vec, beside exact
    numpy over the same matrix in this run.
    """
    from synharness.api import db, vector_index

    models = _models(STORED_REAL)
    stored, queries = _stored_and_queries(models)
    engine = db.make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    db.upgrade(engine)
    start = time.perf_counter()
    with db.session_factory(engine, write=True)() as session:
        for i, vector in enumerate(stored):
            vector_index.put(
                session=session,
                space=vector_index.FINGERPRINT_SPACE,
                key=str(i + 1),
                vector=vector.tolist(),
            )
        session.commit()
    load_s = time.perf_counter() - start
    unit = stored / np.linalg.norm(stored, axis=1, keepdims=True)
    store_times, exact_times, agree = [], [], 0
    with db.session_factory(engine)() as session:
        for query in queries[:STORE_QUERIES]:
            t0 = time.perf_counter()
            hits = vector_index.search(
                session=session, space=vector_index.FINGERPRINT_SPACE, vector=query.tolist(), k=K
            )
            t1 = time.perf_counter()
            best = int(np.argmax(unit @ (query / np.linalg.norm(query))))
            t2 = time.perf_counter()
            store_times.append(t1 - t0)
            exact_times.append(t2 - t1)
            agree += int(hits[0].key) == best + 1
    store, exact = _percentiles(store_times), _percentiles(exact_times)
    section = {
        "backend": "sqlite-vec (vec0, exact cosine)",
        "stored": STORED,
        "queries": STORE_QUERIES,
        "k": K,
        "load_s": round(load_s, 1),
        "store_search": store,
        "reference_exact_numpy": exact,
        "top1_equal_to_exact": agree / STORE_QUERIES,
        "goal_p99_ms": 50,
    }
    write_section("fingerprint_store", section)
    print(
        f"\nfingerprint_store: {STORED:,} stored in {load_s:.1f} s; sqlite-vec p50 {store['p50_ms']} ms "
        f"p99 {store['p99_ms']} ms vs exact numpy p50 {exact['p50_ms']} ms p99 {exact['p99_ms']} ms"
    )
