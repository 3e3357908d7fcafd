"""Benchmarks of issues 16 and 18 (``make bench``): where users wait and where they batch.

Sections of ``reports/bench/results.json`` (each figure beside a reference
measured in the same run, named in the section's ``reference`` key):

- ``run``: ``synharness run`` on the bundled examples with every format, against
  the JSON-only run (CPU seconds of the child process; goal ratio <= 2) and
  the HTML report's size;
- ``parallel``: ``run`` and ``score --jsonl`` with ``--jobs 2`` against
  ``--jobs 1`` (wall seconds: parallelism is about wall time; goal >= 1.6x on an
  idle 2-core machine);
- ``startup``: ``synharness --help`` and a one-file ``validate``, against a bare
  ``python -c pass`` (wall seconds, best of 5; goal <= 0.3 s);
- ``batch``: ``run`` (default formats) and ``score`` over 1, 100 and 10,000
  assets: seconds and peak RSS per size, against the 100-asset run scaled
  linearly (goal < 500 MiB at 10,000);
- ``scenarios``: the built-ins over the examples at 10, 100, 1000 s and on an
  asset with 10, 100, 1000 controls (best of 3; growth ratios against the smallest;
  linear growth is 10x per step), a 1 h / 4 h / 24 h idle run of
  ``examples/heartbeat.json`` at 60 Hz with ``--every 3600`` (goal 24 h < 60 s and
  < 500 MB; linear within +-25%), its sweep and random runs at 1 h and 24 h (CPU
  seconds and the child's peak RSS; goal: the 24 h peak within a few MiB of the
  1 h one, memory does not grow with duration) and the idle run of 1,000
  modulated parameters for 1000 s (peak RSS over the size of its own trace;
  goal <= 1.5);
- ``stream``: ``score --jsonl`` answering one line at a time (write, wait for the
  answer): p50 and p99 per answer with 1 and 2 jobs (goal p50 within 1 ms of one job).

Timings on a shared machine are noisy: CPU time is used where one process does
the work, and every ratio compares figures taken minutes apart at most. No
assertion on time: a loaded machine must not fail the suite. Set
``SYNHARNESS_BENCH_BATCH=1,100,1000`` to bound the batch sizes.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BENCH_RESULTS, ROOT
from tests.conftest import write_bench_section as write_section

pytestmark = pytest.mark.bench

EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
SYNHARNESS = [sys.executable, "-m", "synharness"]


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


def measure(args: list[str], *, stdin: Path | None = None, cwd: Path = ROOT) -> dict[str, float]:
    """Run a child to its end: wall seconds, CPU seconds and peak RSS (MiB) of that child."""
    report = BENCH_RESULTS.parent / f".measure-{os.getpid()}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as source:
        done = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, str(report), *args],
            cwd=cwd,
            stdin=source,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
    figures = json.loads(report.read_text(encoding="utf-8"))
    report.unlink()
    assert figures["code"] in (0, 1), done.stderr[-2000:]
    return {
        "wall_s": round(figures["wall"], 3),
        "cpu_s": round(figures["cpu"], 3),
        "peak_rss_mib": round(figures["rss_kib"] / 1024, 1),
    }


def copies(folder: Path, n: int) -> Path:
    """``n`` asset files (the examples in turn) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        shutil.copyfile(EXAMPLES[i % len(EXAMPLES)], folder / f"a{i:05d}.json")
    return folder


def jsonl(path: Path, n: int) -> Path:
    lines = [json.dumps(json.loads(p.read_text(encoding="utf-8"))) for p in EXAMPLES]
    path.write_text("".join(lines[i % len(lines)] + "\n" for i in range(n)), encoding="utf-8")
    return path


def test_bench_run(tmp_path: Path) -> None:
    every = measure([*SYNHARNESS, "run", "--report-dir", str(tmp_path / "all"), "--quiet"])
    only = measure(
        [*SYNHARNESS, "run", "--format", "json", "--report-dir", str(tmp_path / "j"), "--quiet"]
    )
    html = (tmp_path / "all" / "report.html").stat().st_size
    section = {
        "assets": len(EXAMPLES),
        "all_formats": every,
        "reference_json_only": only,
        "ratio_cpu_all_vs_json_only": round(every["cpu_s"] / only["cpu_s"], 2),
        "html_bytes": html,
        "reference": "the JSON-only run of the same examples, measured in this run",
    }
    write_section("run", section)
    print(
        f"\nrun: all formats {every['cpu_s']} s CPU vs JSON only {only['cpu_s']} s "
        f"(x{section['ratio_cpu_all_vs_json_only']}), HTML {html / 1e6:.2f} MB"
    )


def test_bench_parallel(tmp_path: Path) -> None:
    assets = copies(tmp_path / "assets", 400)
    lines = jsonl(tmp_path / "in.jsonl", 2000)
    out: dict[str, Any] = {"run_assets": 400, "score_lines": 2000}
    for jobs in (1, 2):
        out[f"run_jobs{jobs}"] = measure(
            [
                *SYNHARNESS,
                "run",
                str(assets / "*.json"),
                "--format",
                "json",
                "--quiet",
                "--report-dir",
                str(tmp_path / f"r{jobs}"),
                "--jobs",
                str(jobs),
            ]
        )
        out[f"score_jobs{jobs}"] = measure(
            [*SYNHARNESS, "score", "--jsonl", "--jobs", str(jobs), "-"], stdin=lines
        )
    out["speedup_run_2_vs_1"] = round(out["run_jobs1"]["wall_s"] / out["run_jobs2"]["wall_s"], 2)
    out["speedup_score_2_vs_1"] = round(
        out["score_jobs1"]["wall_s"] / out["score_jobs2"]["wall_s"], 2
    )
    out["load_average_1min"] = os.getloadavg()[0]
    out["reference"] = "the same command with --jobs 1, measured in this run (wall seconds)"
    write_section("parallel", out)
    print(
        f"\nparallel: run x{out['speedup_run_2_vs_1']}, score x{out['speedup_score_2_vs_1']} "
        f"with 2 jobs (load average {out['load_average_1min']:.1f})"
    )


def _best(args: list[str], repeats: int = 5) -> dict[str, float]:
    runs = [measure(args) for _ in range(repeats)]
    return {"wall_s": min(r["wall_s"] for r in runs), "cpu_s": min(r["cpu_s"] for r in runs)}


def test_bench_startup() -> None:
    bare = _best([sys.executable, "-c", "pass"])
    help_ = _best([*SYNHARNESS, "--help"])
    one = _best([*SYNHARNESS, "validate", str(EXAMPLES[0])])
    section = {
        "help": help_,
        "validate_one": one,
        "reference_bare_python": bare,
        "reference": "python -c pass (interpreter start-up), best of 5 each, in this run; "
        "CPU seconds are what a loaded machine disturbs least",
    }
    write_section("startup", section)
    print(f"\nstartup: --help {help_}, validate one {one} (bare python {bare})")


def test_bench_batch(tmp_path: Path) -> None:
    sizes = [int(x) for x in os.environ.get("SYNHARNESS_BENCH_BATCH", "1,100,10000").split(",")]
    section: dict[str, Any] = {"sizes": sizes}
    for n in sizes:
        folder = copies(tmp_path / f"b{n}", n)
        section[f"run_{n}"] = measure(
            [
                *SYNHARNESS,
                "run",
                str(folder / "*.json"),
                "--quiet",
                "--report-dir",
                str(tmp_path / f"r{n}"),
            ]
        )
        section[f"score_{n}"] = measure(
            [*SYNHARNESS, "score", "--jsonl", "-"], stdin=jsonl(tmp_path / f"s{n}.jsonl", n)
        )
        shutil.rmtree(folder)
    if 100 in sizes:
        for n in sizes:
            if n > 100:
                for what in ("run", "score"):
                    section[f"{what}_{n}_time_vs_linear_from_100"] = round(
                        section[f"{what}_{n}"]["cpu_s"]
                        / (section[f"{what}_100"]["cpu_s"] * n / 100),
                        2,
                    )
    section["reference"] = (
        "the 100-asset run of this benchmark scaled linearly (CPU seconds); "
        "peak RSS is the child's own"
    )
    write_section("batch", section)
    print("\nbatch:", json.dumps(section))


def _controls_asset(n: int) -> Any:
    from synharness.models import SynestheticAsset

    data = json.loads((ROOT / "examples" / "aurora-veil.json").read_text(encoding="utf-8"))
    base = data["control"]["control_parameters"]
    controls = []
    for i in range(n):
        c = json.loads(json.dumps(base[i % len(base)]))
        # A combo of its own per control, so each sweep gesture fires one mapping.
        c["mappings"][0]["combo"]["keys"] = [f"k{i}"]
        controls.append(c)
    data["control"]["control_parameters"] = controls
    data.pop("$schema", None)  # the envelope, which the pipeline strips before the model
    return SynestheticAsset.model_validate(data)


def _cpu(work: Any, *, best_of: int = 1) -> float:
    """CPU seconds of ``work``: the least of ``best_of`` runs (other agents' load only adds)."""
    times = []
    for _ in range(best_of):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return round(min(times), 3)


#: One built-in scenario of one asset in this child: CPU seconds, the child's peak RSS, and the
#: RSS before the run (imports, the asset); argv: out, asset, scenario, duration, every.
_SCRIPTED_CHILD = """
import json, resource, sys, time
from pathlib import Path
from synharness.agents import builtin_scenarios, run_scenarios
from synharness.agents.config import compile_asset
from synharness.loading import Source
from synharness.pipeline import check_source
out, path, name, duration, every = sys.argv[1], Path(sys.argv[2]), sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
model = check_source(Source(name=str(path), path=path)).model
compiled = compile_asset(model)
chosen = [s for s in builtin_scenarios(model, duration=duration) if s.name == name]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.process_time()
outcomes, _ = run_scenarios(compiled, chosen, every=every)
cpu = time.process_time() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
Path(out).write_text(json.dumps({"cpu_s": round(cpu, 3), "peak_rss_mib": round(peak, 1),
    "rss_before_run_mib": round(before, 1), "steps": outcomes[0].steps, "events": outcomes[0].event_count}))
"""

#: The idle run of ``n`` modulated parameters for ``duration`` s in this child (every step
#: recorded): the trace's own size, the child's peak RSS and the RSS before the run.
_METRICS_CHILD = """
import json, resource, sys, time
from pathlib import Path
from synharness.agents import builtin_scenarios, run_scenarios
from synharness.agents.config import compile_asset
from synharness.models import SynestheticAsset
out, example, n, duration = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
doc = json.loads(example.read_text(encoding="utf-8"))
doc.pop("$schema", None)
waves = ("sine", "triangle", "square", "sawtooth")
for i in range(n):
    doc["shader"]["uniforms"].append({"name": f"u_m{i}", "type": "float", "stage": "fragment",
        "default": 0.5, "min": 0.0, "max": 1.0})
    # Half of them swing past their range: clamps to count and mark.
    doc["modulations"].append({"id": f"m{i}", "target": f"shader.u_m{i}", "type": "additive",
        "waveform": waves[i % 4], "frequency": 0.1 + i * 0.001, "amplitude": 0.7 if i % 2 else 0.4,
        "offset": 0.5, "phase": 0.0, "scale": 1.0, "scaleProfile": "linear", "min": 0.0, "max": 1.0})
model = SynestheticAsset.model_validate(doc)
compiled = compile_asset(model)
idle = builtin_scenarios(model, duration=duration)[0]
kept = []
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.process_time()
outcomes, _ = run_scenarios(compiled, [idle], on_result=lambda s, r: kept.append(r))
cpu = time.process_time() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
result = kept[0]
trace = (result.matrix.nbytes + result.clamped_mask.nbytes) / 2**20
Path(out).write_text(json.dumps({"parameters": len(result.paths), "samples": result.matrix.shape[1],
    "trace_mib": round(trace, 1), "peak_rss_mib": round(peak, 1), "rss_before_run_mib": round(before, 1),
    "cpu_s": round(cpu, 3), "peak_over_trace": round(peak / trace, 2),
    "run_peak_over_trace": round((peak - before) / trace, 2)}))
"""


def _child(script: str, *args: str) -> dict[str, Any]:
    """Run ``script`` in a child of the small launcher (so that its peak RSS is its own, not
    pytest's inherited across exec); the script writes its figures as JSON to its first argument."""
    report = BENCH_RESULTS.parent / f".child-{os.getpid()}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    measure([sys.executable, "-c", script, str(report), *args])
    figures: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    report.unlink()
    return figures


def test_bench_scenarios(tmp_path: Path) -> None:
    from synharness.agents import builtin_scenarios, run_scenarios
    from synharness.agents.config import compile_asset
    from synharness.loading import Source
    from synharness.pipeline import check_source

    models = [check_source(Source(name=str(p), path=p)).model for p in EXAMPLES]
    # Write the idle scenario first: the engine series below loads it too.
    idle = tmp_path / "idle.yaml"
    idle.write_text(
        f'name: idle\nassets: ["{ROOT / "examples" / "heartbeat.json"}"]\nduration: 10\n',
        encoding="utf-8",
    )
    section: dict[str, Any] = {}
    for name in ("idle", "sweep", "random"):
        times = {}
        for d in (10.0, 100.0, 1000.0):

            def work(d: float = d, name: str = name) -> None:
                for m in models:
                    chosen = [s for s in builtin_scenarios(m, duration=d) if s.name == name]
                    run_scenarios(compile_asset(m), chosen)

            times[f"{d:g}s"] = _cpu(work, best_of=3)
        section[f"{name}_duration_cpu_s"] = times
        section[f"{name}_growth_100_over_10"] = round(times["100s"] / max(times["10s"], 1e-3), 1)
        section[f"{name}_growth_1000_over_100"] = round(
            times["1000s"] / max(times["100s"], 1e-3), 1
        )
    controls = {}
    for n in (10, 100, 1000):
        asset = _controls_asset(n)
        chosen = [s for s in builtin_scenarios(asset, duration=100.0) if s.name == "sweep"]
        controls[str(n)] = _cpu(
            lambda asset=asset, chosen=chosen: run_scenarios(asset, chosen), best_of=3
        )
    section["sweep_100s_by_controls_cpu_s"] = controls
    section["sweep_growth_100_over_10_controls"] = round(controls["100"] / controls["10"], 1)
    section["sweep_growth_1000_over_100_controls"] = round(controls["1000"] / controls["100"], 1)
    long_runs = {}
    for hours in (1, 4, 24):
        long_runs[f"{hours}h"] = measure(
            [
                *SYNHARNESS,
                "simulate",
                str(ROOT / "examples" / "heartbeat.json"),
                "--scenario",
                str(idle),
                "--duration",
                str(hours * 3600),
                "--every",
                "3600",
            ]
        )
    section["heartbeat_idle_60hz_every_3600"] = long_runs
    from synharness.agents import load_scenario
    from synharness.agents.orchestration import OrchestrationAgent

    heart = compile_asset(models[[p.name for p in EXAMPLES].index("heartbeat.json")])
    base = load_scenario(idle)
    engine = {}
    for hours in (1, 4, 24):
        scenario = base.model_copy(update={"duration": hours * 3600.0})
        engine[f"{hours}h"] = _cpu(
            lambda s=scenario: OrchestrationAgent(heart, s, every=3600).run().metrics()
        )
    section["heartbeat_idle_engine_cpu_s"] = engine
    section["heartbeat_engine_growth_4h_over_1h"] = round(engine["4h"] / engine["1h"], 2)
    section["heartbeat_engine_growth_24h_over_4h"] = round(engine["24h"] / engine["4h"], 2)
    section["heartbeat_growth_4h_over_1h"] = round(
        long_runs["4h"]["cpu_s"] / long_runs["1h"]["cpu_s"], 2
    )
    section["heartbeat_growth_24h_over_4h"] = round(
        long_runs["24h"]["cpu_s"] / long_runs["4h"]["cpu_s"], 2
    )
    heartbeat = str(ROOT / "examples" / "heartbeat.json")
    for name in ("sweep", "random"):
        runs = {
            f"{hours}h": _child(_SCRIPTED_CHILD, heartbeat, name, str(hours * 3600), "3600")
            for hours in (1, 24)
        }
        section[f"heartbeat_{name}_60hz_every_3600"] = runs
        section[f"heartbeat_{name}_cpu_growth_24h_over_1h"] = round(
            runs["24h"]["cpu_s"] / runs["1h"]["cpu_s"], 1
        )
        section[f"heartbeat_{name}_peak_rss_24h_minus_1h_mib"] = round(
            runs["24h"]["peak_rss_mib"] - runs["1h"]["peak_rss_mib"], 1
        )
    section["metrics_1000_params_idle_1000s"] = _child(
        _METRICS_CHILD, str(ROOT / "examples" / "aurora-veil.json"), "1000", "1000"
    )
    section["reference"] = (
        "the smallest size of each series in this run (linear growth: 10x per 10x "
        "duration or controls; 4x and 6x for 1 h -> 4 h -> 24 h, which include start-up; "
        "24x for the scripted 1 h -> 24 h, whose peak RSS should not grow); the metrics "
        "run's peak RSS against its own trace (values and clamp mask) in the same child"
    )
    write_section("scenarios", section)
    print("\nscenarios:", json.dumps(section))


def _answer_latencies(jobs: int, lines: list[bytes]) -> list[float]:
    child = subprocess.Popen(
        [*SYNHARNESS, "score", "--jsonl", "--jobs", str(jobs), "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert child.stdin is not None and child.stdout is not None
    out = []
    for i, line in enumerate(lines):
        start = time.perf_counter()
        child.stdin.write(line + b"\n")
        child.stdin.flush()
        answer = child.stdout.readline()
        assert answer, "no answer"
        if i >= 5:  # the first answers pay the workers' first imports
            out.append((time.perf_counter() - start) * 1000)
    child.stdin.close()
    child.wait(timeout=60)
    child.stdout.close()
    return out


def test_bench_stream() -> None:
    lines = [json.dumps(json.loads(p.read_text(encoding="utf-8"))).encode() for p in EXAMPLES]
    batch = [lines[i % len(lines)] for i in range(205)]
    section: dict[str, Any] = {"answers": 200}
    for jobs in (1, 2):
        ms = sorted(_answer_latencies(jobs, batch))
        section[f"jobs{jobs}"] = {
            "p50_ms": round(statistics.median(ms), 3),
            "p99_ms": round(ms[int(len(ms) * 0.99) - 1], 3),
        }
    section["p50_2_minus_1_ms"] = round(section["jobs2"]["p50_ms"] - section["jobs1"]["p50_ms"], 3)
    section["reference"] = "the same stream with --jobs 1, in this run"
    write_section("stream", section)
    print("\nstream:", json.dumps(section))


#: Scores the lines of argv[1] on a local Ray cluster started (and warmed) before the clock.
RAY_WARM = """
import sys, time
from synharness.ray import connect, score_documents
lines = [l for l in open(sys.argv[1], 'rb').read().splitlines() if l.strip()]
connect('local', num_cpus=2, include_dashboard=False, log_to_driver=False)
score_documents(lines[:200])
start = time.perf_counter()
records = score_documents(lines)
print(time.perf_counter() - start, len(records))
"""


def _ray_warm_seconds(path: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", RAY_WARM, str(path)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seconds, count = done.stdout.split()[-2:]
    assert int(count) == len([line for line in path.read_bytes().splitlines() if line.strip()])
    return float(seconds)


def test_bench_ray(tmp_path: Path) -> None:
    try:
        import ray  # noqa: F401
    except ImportError:
        pytest.skip("ray is not installed: pip install 'synharness[ray]'")
    lines = jsonl(tmp_path / "in.jsonl", 10000)
    jobs2 = measure([*SYNHARNESS, "score", "--jsonl", "--jobs", "2", "-"], stdin=lines)
    on_ray = measure([*SYNHARNESS, "score", "--jsonl", "--ray", "local", "-"], stdin=lines)
    warm = _ray_warm_seconds(lines)
    section = {
        "lines": 10000,
        "ray_local": on_ray,
        "ray_warm_cluster_wall_s": round(warm, 3),
        "reference_jobs2": jobs2,
        "ray_speed_vs_jobs2": round(jobs2["wall_s"] / on_ray["wall_s"], 2),
        "ray_warm_speed_vs_jobs2": round(jobs2["wall_s"] / warm, 2),
        "reference": "score --jsonl --jobs 2 on the same lines, in this run (wall seconds). "
        "ray_local starts a local cluster inside the command; ray_warm_cluster scores with "
        "synharness.ray.score_documents on a cluster already running (ray.init(num_cpus=2) "
        "and one warm-up chunk before the clock), as a training loop's cluster is",
    }
    write_section("ray", section)
    print("\nray:", json.dumps(section))
