"""Benchmark of behaviour fingerprints and their nearest-neighbour search (``make bench``).

Measures, in one run:
- ``fingerprints_per_s``: :func:`~synharness.agents.fingerprint.fingerprint` of
  validated generated assets (three simulations each), CPU time, best of 3;
- ``render``: ``fingerprint(..., render=True)`` of ``RENDER_SAMPLE`` of them
  (each also rendered: the shader through GL in this process, the tone in the
  shared Node worker), once each after a warm-up, beside ``render=False`` of the
  same assets timed the same way in this run (the reference): fingerprints per
  second of CPU time (this process plus the Node worker, read from
  ``/proc``; the two overlap, so wall time is given too) and the ratio;
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
from synharness.agents.fingerprint import DIMENSION, FEATURE_NAMES, fingerprint
from synharness.agents.neighbours import FingerprintIndex
from synharness.extras import has_extra
from synharness.models import SynestheticAsset
from synharness.pipeline import check_data

from tests.benchmarks.test_bench_validate import rate, write_section
from tests.factories import generate_assets

pytestmark = pytest.mark.bench

STORED = 100_000
#: Assets fingerprinted with rendering (each takes about a second).
RENDER_SAMPLE = 8
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


def _node_cpu_s() -> float:
    """CPU seconds the shared Node worker has used so far (0 when it has none or no /proc)."""
    import os

    from synharness.render.node import _shared

    worker = _shared.get(os.getpid())
    process = worker._process if worker is not None else None
    stat = Path(f"/proc/{process.pid}/stat") if process is not None else None
    if stat is None or not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _render_rates(models: list[SynestheticAsset]) -> dict[str, object]:
    """Fingerprints per second with ``render=True`` and, as the reference, without."""
    from synharness.agents.fingerprint_render import unavailable

    reasons = unavailable()
    if reasons:
        return {"skipped": "; ".join(reasons.values())}
    flags = [FEATURE_NAMES.index(n) for n in ("render.visual.rendered", "render.audio.rendered")]
    fingerprint(models[0], render=True)  # warm: the GL context, the Node worker, the renderers

    def timed(render: bool) -> tuple[float, float, float, list[np.ndarray]]:
        wall, cpu, node = time.perf_counter(), time.process_time(), _node_cpu_s()
        vectors = [fingerprint(m, render=render) for m in models]
        return (
            time.perf_counter() - wall,
            time.process_time() - cpu,
            _node_cpu_s() - node,
            vectors,
        )

    plain_wall, plain_cpu, _, _ = timed(False)
    wall, cpu, node, vectors = timed(True)
    n = len(models)
    with_render = n / (cpu + node)
    return {
        "assets": n,
        "visual_rendered": int(sum(v[flags[0]] for v in vectors)),
        "audio_rendered": int(sum(v[flags[1]] for v in vectors)),
        "fingerprints_per_s_cpu": round(with_render, 2),
        "fingerprints_per_s_wall": round(n / wall, 2),
        "python_cpu_s_per_asset": round(cpu / n, 3),
        "node_cpu_s_per_asset": round(node / n, 3),
        "reference_render_false_per_s_cpu": round(n / plain_cpu, 1),
        "reference_render_false_per_s_wall": round(n / plain_wall, 1),
        "ratio_render_false_vs_true_cpu": round((n / plain_cpu) / with_render, 1),
    }


@pytest.mark.skipif(not has_extra("ann"), reason="the 'ann' extra (usearch) is not installed")
def test_bench_fingerprint() -> None:
    models = _models(STORED_REAL)
    sample = models[:20]

    def work() -> None:
        for model in sample:
            fingerprint(model)

    per_s = rate(work, len(sample))
    rendered = _render_rates(sample[:RENDER_SAMPLE])
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
        "render": rendered,
        "stored": STORED,
        "queries": QUERIES,
        "k": K,
        "usearch": {**ann, "build_s": round(build_s, 2), "recall_at_1": hits / QUERIES},
        "exact_numpy": exact,
        "ratio_p99_exact_vs_usearch": round(exact["p99_ms"] / max(ann["p99_ms"], 1e-6), 1),
        "goal_p99_ms": 50,
        "note": "2 shared cores: timings are noisy under other helpers' load; render CPU "
        "counts this process and the Node worker",
    }
    write_section("fingerprint", section)
    print(f"\nfingerprint render: {rendered}")
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
