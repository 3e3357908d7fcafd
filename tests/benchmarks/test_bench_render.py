"""Benchmark: rendering shaders at 256x256, and ``run`` with rendering on.

- *frames/s*: every bundled example's shader drawn at 256x256 with its idle
  run's uniforms, read back (RGBA32F) and quantised (:func:`synharness.render.shader.draw`),
  best of a few windows; and the same with the visual analysis
  (:func:`~synharness.render.shader.render_scenario`).
- *reference*: a bare moderngl loop in the same context, clear + read back of
  a 256x256 RGBA32F target, the floor any renderer that reads its frames pays.
- *run*: assets/s of ``run``'s per-asset work (validate, simulate, render every
  scenario, as ``synharness run`` does) over the bundled examples, with
  rendering on and off.

Times are wall clock (the GL driver runs its own threads), best of REPEATS
windows, so the least disturbed window of a shared machine is kept. Writes
section ``"render"`` of ``bench/results.json``; asserts correctness only.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
from synharness.agents import builtin_scenarios
from synharness.cli.run import RunOptions, load_scenarios, run_asset
from synharness.models import SynestheticAsset
from synharness.pipeline import check_bytes
from synharness.render.compiler import compile_pair
from synharness.render.gl import GlRuntime, shared_runtime
from synharness.render.shader import RenderSettings, draw, render_scenario
from synharness.render.uniforms import frame_times, frame_uniforms
from synharness.semantic.glsl import THREE_BUILTINS

from tests.benchmarks.test_bench_validate import write_section
from tests.conftest import ROOT, require_gl

pytestmark = pytest.mark.bench

EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
SIZE = 256
FRAMES = 120
WINDOW = 1.0
REPEATS = 3


def best_rate(work: Callable[[], int]) -> float:
    """Items per second of ``work`` (which returns how many it handled), best of REPEATS windows."""
    work()
    best = 0.0
    for _ in range(REPEATS):
        items = 0
        start = time.perf_counter()
        while (elapsed := time.perf_counter() - start) < WINDOW:
            items += work()
        best = max(best, items / elapsed)
    return best


def reference_fps(runtime: GlRuntime) -> float:
    ctx = runtime.ctx
    target = ctx.renderbuffer((SIZE, SIZE), components=4, dtype="f4")
    fbo = ctx.framebuffer(color_attachments=[target])
    pixels = np.empty((SIZE, SIZE, 4), dtype="f4")

    def loop() -> int:
        fbo.use()
        for k in range(FRAMES):
            fbo.clear(k / FRAMES, 0.0, 0.0, 1.0)
            fbo.read_into(pixels, components=4, dtype="f4")
        return FRAMES

    try:
        return best_rate(loop)
    finally:
        fbo.release()
        target.release()


def test_bench_render() -> None:
    require_gl()
    runtime = shared_runtime()
    assert not isinstance(runtime, str)
    jobs = []
    for path in EXAMPLES:
        checked = check_bytes(path.read_bytes(), source=str(path))
        asset = checked.model
        assert isinstance(asset, SynestheticAsset)
        if asset.shader is None:
            continue
        shader = asset.shader
        info = compile_pair(runtime, shader.vertex_shader, shader.fragment_shader)
        assert info.ok, path
        idle = builtin_scenarios(asset, duration=FRAMES / 30.0)[0]
        times = frame_times(idle.duration, fps=30.0, frames=FRAMES)
        values = frame_uniforms(
            info.uniforms, times=times, width=SIZE, height=SIZE,
            defaults={u.name: u.default for u in shader.uniforms or []}, skip=THREE_BUILTINS,
        )  # fmt: skip
        jobs.append((path.stem, shader, idle, info, values, len(times)))
    reference = reference_fps(runtime)
    per_shader = {}
    for name, _, _, info, values, n in jobs:

        def one(info=info, values=values, n=n) -> int:  # type: ignore[no-untyped-def]
            frames, _ = draw(runtime, info, values, frames=n, width=SIZE, height=SIZE)
            assert frames.shape == (n, SIZE, SIZE, 3)
            return n

        per_shader[name] = round(best_rate(one), 1)
    settings = RenderSettings(width=SIZE, height=SIZE, frames=FRAMES)

    def analysed() -> int:
        done = 0
        for _, shader, idle, info, _, n in jobs:
            render = render_scenario(runtime, shader, idle, settings=settings, info=info)
            assert render.metrics is not None and render.metrics.frames == n
            done += n
        return done

    with_analysis = best_rate(analysed)
    scenarios, _ = load_scenarios(ROOT / "scenarios")
    paths = [str(p) for p in EXAMPLES]

    def run_all(render: bool) -> Callable[[], int]:
        def work() -> int:
            for path in paths:
                result = run_asset(path, scenarios, RunOptions(render=render))
                assert result.scenarios
            return len(paths)

        return work

    run_rendering = best_rate(run_all(True))
    run_plain = best_rate(run_all(False))
    mean_fps = float(np.mean(list(per_shader.values())))
    section = {
        "size": f"{SIZE}x{SIZE}",
        "frames_per_s": round(mean_fps, 1),
        "frames_per_s_by_shader": per_shader,
        "frames_per_s_with_analysis": round(with_analysis, 1),
        "reference_clear_readback_frames_per_s": round(reference, 1),
        "ratio": round(mean_fps / reference, 3),
        "run_assets_per_s_render": round(run_rendering, 2),
        "run_assets_per_s_no_render": round(run_plain, 2),
        "goal_frames_per_s": 500,
    }
    write_section("render", section)
    print(
        f"\nrender: {mean_fps:.0f} frames/s at {SIZE}x{SIZE} (mean over {len(jobs)} shaders; "
        f"{with_analysis:.0f}/s with analysis), reference clear+readback {reference:.0f}/s, "
        f"ratio {mean_fps / reference:.2f}; run {run_rendering:.2f} assets/s rendering, "
        f"{run_plain:.2f} without; by shader {per_shader}"
    )
