"""Benchmark: seconds of audio rendered per second of wall time, and the worker's start-up.

Workload: every bundled example (examples/*.json) under its three built-in
scenarios, :data:`SECONDS` s each, rendered by one worker (one render first
warms Tone.js' code paths and is not counted). Figures:

- *real-time factor*: rendered audio seconds / wall seconds of the renders
  (request to decoded samples, metering excluded), goal >= 20x on this machine;
- the same for a reference measured in the same run: the issue's FMSynth with an
  LFO on ``detune`` (no effects), so a slow machine shows in both;
- *CPU real-time factor*: audio seconds per CPU second of the worker process (all
  threads, from /proc), which a loaded machine does not inflate;
- *start-up*: spawning Node, importing Tone.js and answering a ping, median of
  :data:`STARTS` fresh workers, against the reference of starting ``node -e 0``.

Writes section ``"audio"`` of ``bench/results.json``; asserts correctness only
(every render has sound), never a time.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path

import pytest
from synharness.agents import builtin_scenarios, simulate
from synharness.loading import Source
from synharness.models import SynestheticAsset
from synharness.pipeline import check_source
from synharness.render.audio import build_request, decode_channels
from synharness.render.node import ToneWorker
from synharness.render.tone import node_executable

from tests.conftest import ROOT, write_bench_section
from tests.render.helpers import need_node

SECONDS = 2.0
STARTS = 3
GOAL = 20.0

REFERENCE = {
    "op": "render",
    "duration": SECONDS,
    "sampleRate": 44100,
    "channels": 2,
    "tone": {
        "synth": {"type": "FMSynth", "options": {}},
        "effects": [],
        "automation": [{"path": "detune", "t": [i * 0.05 for i in range(81)],
                        "v": [100.0 * ((i % 20) / 10 - 1) for i in range(81)]}],
        "notes": [{"t": 0.0, "kind": "triggerAttackRelease", "note": "C4", "duration": 3.5, "velocity": 1}],
    },
}  # fmt: skip


def _cpu_seconds(worker: ToneWorker) -> float | None:
    """User + system CPU seconds of the worker process so far (Linux /proc), else None."""
    process = worker._process
    stat = Path(f"/proc/{process.pid}/stat") if process is not None else None
    if stat is None or not stat.exists():
        return None
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(worker: ToneWorker, payload: dict[str, object]) -> tuple[float, float]:
    began = time.perf_counter()
    # Generous: the comb filters' worklets crawl on a loaded machine (see the note).
    answer = worker.request(payload, timeout=900)
    wall = time.perf_counter() - began
    samples = decode_channels(answer)
    assert samples.shape[0] > 0 and float(abs(samples).max()) > 1e-4  # sound, not silence
    return samples.shape[0] / int(answer["sampleRate"]), wall


@pytest.mark.bench
def test_bench_audio() -> None:
    need_node()
    requests = []
    for path in sorted((ROOT / "examples").glob("*.json")):
        asset = check_source(Source(name=str(path), path=path)).model
        assert isinstance(asset, SynestheticAsset) and asset.tone is not None
        for scenario in builtin_scenarios(asset, duration=SECONDS):
            requests.append(
                (path.stem, build_request(asset.tone, simulate(asset, scenario)).payload)
            )
    with ToneWorker() as worker:
        _timed(worker, requests[0][1])  # warm Tone.js' code paths once
        audio = wall = cpu = 0.0
        per_asset: dict[str, list[float]] = {}
        for stem, payload in requests:
            before = _cpu_seconds(worker)
            a, w = _timed(worker, payload)
            after = _cpu_seconds(worker)
            audio, wall = audio + a, wall + w
            cpu += (after - before) if before is not None and after is not None else 0.0
            totals = per_asset.setdefault(stem, [0.0, 0.0])
            totals[0] += a
            totals[1] += w
        _timed(worker, REFERENCE)
        ref = [_timed(worker, REFERENCE) for _ in range(3)]
        ref_factor = sum(a for a, _ in ref) / sum(w for _, w in ref)
    starts = []
    for _ in range(STARTS):
        with ToneWorker() as fresh:
            assert fresh.startup_seconds is not None
            starts.append(fresh.startup_seconds)
    node = node_executable()
    assert node is not None
    bare = []
    for _ in range(STARTS):
        began = time.perf_counter()
        subprocess.run([node, "-e", "0"], check=True)
        bare.append(time.perf_counter() - began)
    factor = audio / wall
    section = {
        "workload": f"{len(requests)} renders (examples x built-in scenarios) of {SECONDS:g} s",
        "audio_seconds": round(audio, 2),
        "wall_seconds": round(wall, 3),
        "realtime_factor": round(factor, 1),
        "realtime_goal": GOAL,
        "reference": "FMSynth + LFO-like detune ramps, no effects (the issue's measurement)",
        "reference_realtime_factor": round(ref_factor, 1),
        "ratio_to_reference": round(factor / ref_factor, 3),
        "startup_seconds_median": round(statistics.median(starts), 3),
        "node_bare_startup_seconds_median": round(statistics.median(bare), 3),
        "startup_ratio_to_bare_node": round(statistics.median(starts) / statistics.median(bare), 1),
        # CPU seconds of the worker (all its threads): what the renders cost without the
        # waiting a loaded machine adds to the wall clock.
        "worker_cpu_seconds": round(cpu, 3),
        "realtime_factor_cpu": round(audio / cpu, 1) if cpu > 0 else None,
        "realtime_factor_per_example": {k: round(a / w, 1) for k, (a, w) in per_asset.items()},
        "load_average_1min": round(os.getloadavg()[0], 2),
        "note": (
            "wall-clock on a shared 2-core machine: noisy. Tone.js' comb filters (PluckSynth) run "
            "as AudioWorklets in a worker thread, one hand-over per 128-sample block, so they "
            "slow down most under load"
        ),
    }
    write_bench_section("audio", section)
    print(
        f"\naudio: {factor:.1f}x real time on the examples (goal >= {GOAL:g}x; "
        f"{audio / cpu if cpu else float('nan'):.1f}x per worker CPU second), "
        f"reference FMSynth {ref_factor:.1f}x; worker start-up {statistics.median(starts):.2f} s "
        f"(bare node {statistics.median(bare):.2f} s)"
    )
