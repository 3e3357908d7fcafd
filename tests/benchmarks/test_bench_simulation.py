"""Benchmark: the modulation engine against the seed's naive per-step loop, measured in one run.

Workload: 1,000 generated assets x 4 modulations x 10,000 steps (parameter-steps
= modulated parameters x steps). The reference is the seed's design: pure
Python, for every step and every parameter one dict update and one copy of the
whole state into the log; it runs on a subset and is normalised per
parameter-step. The engine reuses its output buffers after a warm-up run (the
first touch of a fresh 320 MB trace costs page faults, not simulation) and
records every step. A subprocess measures the peak memory of 10,000 assets x
100,000 steps recorded every 100th step.

Writes section ``"simulation"`` of ``bench/results.json``; asserts correctness
only, never a time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import numpy as np
import pytest
from synharness.agents.config import CompiledAsset, compile_asset
from synharness.agents.engine import ModulationBank, ParameterRows, evaluate
from synharness.agents.reference import modulation_value
from synharness.agents.waveforms import PROFILES, WAVEFORMS
from synharness.models import SynestheticAsset

from tests.conftest import BENCH_RESULTS, ROOT, write_bench_section
from tests.factories import generate_assets

RESULTS = BENCH_RESULTS
STEPS = 10_000
DT = 1 / 60


def modulated_bank(compiled: list[CompiledAsset]) -> tuple[ModulationBank, ParameterRows]:
    """The modulations of many assets and only the parameters they target."""
    banks, rows, offsets, total = [], [], [], 0
    for c in compiled:
        targets = np.unique(c.modulations.target)
        remap = np.full(len(c.table), -1)
        remap[targets] = np.arange(len(targets))
        b = c.modulations
        banks.append(
            ModulationBank(
                b.waveform, b.profile, b.frequency, b.cycle, b.depth, b.offset,
                b.multiplicative, b.lo, b.hi, remap[b.target],
            )
        )  # fmt: skip
        r = c.table.rows()
        rows.append(ParameterRows(r.default[targets], r.lo[targets], r.hi[targets]))
        offsets.append(total)
        total += len(targets)
    return ModulationBank.concat(banks, offsets), ParameterRows.concat(rows)


def compile_docs(docs: list[dict[str, Any]]) -> list[CompiledAsset]:
    out = []
    for doc in docs:
        doc.pop("$schema", None)
        out.append(compile_asset(SynestheticAsset.model_validate(doc)))
    return out


def naive_reference(
    compiled: list[CompiledAsset], steps: int
) -> tuple[int, float, dict[str, list[float]]]:
    """The seed's loop; returns parameter-steps, seconds and the last asset's trace."""
    param_steps = 0
    start = time.perf_counter()
    last: dict[str, list[float]] = {}
    for c in compiled:
        bank, table = c.modulations, c.table
        mods = [
            (
                table.paths[int(bank.target[m])], WAVEFORMS[bank.waveform[m]], PROFILES[bank.profile[m]],
                float(bank.frequency[m]), float(bank.cycle[m]), float(bank.depth[m]), float(bank.offset[m]),
                bool(bank.multiplicative[m]), float(bank.lo[m]), float(bank.hi[m]),
            )
            for m in range(len(bank))
        ]  # fmt: skip
        state = {p: float(v) for p, v in zip(table.paths, table.default, strict=True)}
        log: list[dict[str, float]] = []
        for k in range(steps):
            t = k * DT
            for path, w, p, f, cyc, depth, offset, mult, lo, hi in mods:
                state[path] = modulation_value(
                    w, p, frequency=f, cycle=cyc, depth=depth, offset=offset, multiplicative=mult,
                    lo=lo, hi=hi, t=t,
                )  # fmt: skip
                log.append(dict(state))  # the seed copied the whole state on every update
        param_steps += len(mods) * steps
        last = {
            path: [entry[path] for entry in log[len(mods) - 1 :: len(mods)]] for path, *_ in mods
        }
    return param_steps, time.perf_counter() - start, last


_RSS_SCRIPT = """
import json, resource, sys, time
import numpy as np
sys.path.insert(0, sys.argv[1])
from tests.benchmarks.test_bench_simulation import compile_docs, modulated_bank
from tests.factories import generate_assets
from synharness.agents.engine import ModulationBank, ParameterRows, evaluate
banks, rows, offset = [], [], 0
for batch in range(10):  # 10 x 1,000 assets, compiled batch by batch to keep only arrays
    bank, params = modulated_bank(compile_docs(generate_assets(1000, seed=batch, modulations=4)))
    banks.append(bank); rows.append(params); offset += 0
offsets = np.cumsum([0] + [len(r) for r in rows[:-1]]).tolist()
bank, params = ModulationBank.concat(banks, offsets), ParameterRows.concat(rows)
del banks, rows
start = time.perf_counter()
trace = evaluate(bank, params, steps=100_001, dt=1 / 60, every=100, threads=int(sys.argv[2]))
elapsed = time.perf_counter() - start
print(json.dumps({"params": len(params), "samples": trace.values.shape[1], "seconds": elapsed,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@pytest.mark.bench
def test_bench_simulation() -> None:
    threads = min(2, os.cpu_count() or 1)
    compiled = compile_docs(generate_assets(1000, seed=0, modulations=4))
    bank, params = modulated_bank(compiled)

    # Reference: the naive loop on a subset, normalised per parameter-step; best of
    # three like the engine, so that a busy machine penalises both alike.
    ref_steps, ref_seconds, ref_trace = naive_reference(compiled[:20], 1000)
    for _ in range(2):
        ref_seconds = min(ref_seconds, naive_reference(compiled[:20], 1000)[1])
    reference_rate = ref_steps / ref_seconds

    warm = evaluate(bank, params, steps=STEPS, dt=DT, threads=threads)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        trace = evaluate(bank, params, steps=STEPS, dt=DT, threads=threads, out=warm)
        best = min(best, time.perf_counter() - start)
    engine_rate = len(params) * STEPS / best

    # The engine's numbers are the reference's (the last asset of the subset).
    last = compiled[19]
    first_row = sum(len(np.unique(c.modulations.target)) for c in compiled[:19])
    targets = np.unique(last.modulations.target)
    for i, row in enumerate(targets):
        want = np.array(ref_trace[last.table.paths[int(row)]])
        np.testing.assert_allclose(trace.values[first_row + i, :1000], want, rtol=1e-9, atol=1e-9)

    probe = subprocess.run(
        [sys.executable, "-c", _RSS_SCRIPT, str(ROOT), str(threads)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    big = json.loads(probe.stdout.strip().splitlines()[-1])
    section = {
        "reference_param_steps_per_s": round(reference_rate),
        "engine_param_steps_per_s": round(engine_rate),
        "ratio": round(engine_rate / reference_rate, 1),
        "peak_rss_mib": round(big["peak_rss_mib"], 1),
        "threads": threads,
        "workload": "1000 assets x 4 modulations x 10000 steps, every step recorded",
        "large_run": f"{big['params']} params x 100001 steps every 100: {big['seconds']:.1f} s",
    }
    write_bench_section("simulation", section)
    print(
        f"\nsimulation: reference {reference_rate / 1e6:.2f} M param-steps/s, engine "
        f"{engine_rate / 1e6:.1f} M/s ({threads} threads), ratio {engine_rate / reference_rate:.0f}x; "
        f"10k assets x 100k steps (--every 100): {big['seconds']:.1f} s, peak RSS {big['peak_rss_mib']:.0f} MiB"
    )
    assert big["samples"] == 1001
