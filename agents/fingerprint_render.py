"""The render block of behaviour fingerprints: what the shader shows and the tone sounds like.

Vocabulary:
- *render block*: :data:`RENDER_FEATURE_NAMES`, the last dimensions of every
  fingerprint (:mod:`synharness.agents.fingerprint`): per fingerprint run
  (``idle``, ``sweep``, ``grid``) the shader renderer's visual metrics
  (:func:`synharness.render.visual.analyse`) and the Tone.js renderer's levels
  (:func:`synharness.render.loudness.measure`), each squashed into [0, 1] and
  rounded to :data:`RENDER_DECIMALS` places, then two *flags*;
- *flag*: ``render.visual.rendered`` / ``render.audio.rendered`` is 1 when every
  run of that part was rendered. Without a shader (a tone), without GL (Node)
  or the ``render`` extra, when the shader does not compile, or when any run
  fails to render, that part's values are all 0 and its flag is 0: a part is
  all or nothing, so a fingerprint never mixes rendered and missing runs;
- *squashing*: :func:`level` for decibels, ``x / (x + half)`` for rates, a
  share for counts (``docs/fingerprint.md`` gives each mapping).

The metrics are the renderers' own (nothing is measured twice); the runs are
the fingerprint's simulations, so their traces drive the uniforms and the tone.
The GL renders run in this thread while the Node worker renders the tone in
another process (one helper thread waits for it), so the two overlap. The
worker is the process's shared one, which answers one request at a time: the
tone renders of concurrent fingerprints take turns (:data:`_WORKER_TURN`).

Imports of the renderers are lazy: the fingerprint module imports this one
without numpy-heavy or GL modules, and ``render=False`` never touches them.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from synharness.agents.orchestration import SimulationResult
    from synharness.agents.scenario import Scenario
    from synharness.models import SynestheticAsset

#: The fingerprint's runs that are rendered, in block order.
RENDER_RUNS: tuple[str, ...] = ("idle", "sweep", "grid")
#: Per run, what the frames show.
VISUAL_FEATURES: tuple[str, ...] = (
    "mean_luminance",
    "contrast",
    "motion_energy",
    "flashes",
    "red_flashes",
    "nonfinite",
)
#: Per run, what the tone's render reads on the meters.
AUDIO_FEATURES: tuple[str, ...] = ("loudness", "peak", "crest", "dc_offset", "nonfinite")
#: The two flags, after the values.
RENDER_FLAGS: tuple[str, ...] = ("render.visual.rendered", "render.audio.rendered")
#: Every dimension of the render block, in order.
RENDER_FEATURE_NAMES: tuple[str, ...] = (
    *(f"render.visual.{run}.{feature}" for run in RENDER_RUNS for feature in VISUAL_FEATURES),
    *(f"render.audio.{run}.{feature}" for run in RENDER_RUNS for feature in AUDIO_FEATURES),
    *RENDER_FLAGS,
)
#: Decimal places of every rendered value (after squashing): coarser than the
#: simulation's 6, since another GL driver or CPU may differ in the last bits.
RENDER_DECIMALS = 3
#: Canvas and frame rate of the visual renders (the analysis grid's own size).
RENDER_WIDTH = RENDER_HEIGHT = 64
RENDER_FPS = 30.0
#: Seconds of each run the tone is rendered for (from 0): the score listens as long.
AUDIO_SECONDS = 4.0
#: The dB scale of :func:`level`: LEVEL_FLOOR maps to 0, LEVEL_CEILING to 1.
LEVEL_FLOOR_DB, LEVEL_CEILING_DB = -70.0, 10.0
#: Half-points of the ``x / (x + half)`` squashes.
MOTION_HALF = 0.5  # mean |Δ luminance| per cell per second
FLASH_HALF = 3.0  # flashes per second: WCAG's limit maps to 0.5
CREST_HALF_DB = 12.0
DC_HALF = 0.01  # the SYN-AUDIO-004 limit maps to 0.5
#: Held while one fingerprint's tone renders: the shared worker is not for two threads at once.
_WORKER_TURN = threading.Lock()


def squash(x: float, half: float) -> float:
    """``x / (x + half)`` for ``x > 0``, else 0: ``half`` maps to 0.5."""
    return x / (x + half) if x > 0 else 0.0


def level(db: float | None) -> float:
    """A level in dB (LUFS, dBFS) on [0, 1]: -70 dB (BS.1770's gate) is 0, +10 dB is 1, linear.

    None (minus infinity: silence) is 0.
    """
    if db is None or not math.isfinite(db):
        return 0.0
    return min(1.0, max(0.0, (db - LEVEL_FLOOR_DB) / (LEVEL_CEILING_DB - LEVEL_FLOOR_DB)))


def visual_values(metrics: Any) -> list[float]:
    """:data:`VISUAL_FEATURES` of one run's :class:`~synharness.render.VisualMetrics`."""
    pixels = max(1, metrics.frames * metrics.width * metrics.height)
    return [
        min(1.0, max(0.0, metrics.mean_luminance)),
        min(1.0, 2.0 * metrics.contrast),  # RMS contrast of values in [0, 1] is at most 0.5
        squash(metrics.motion_energy, MOTION_HALF),
        squash(metrics.flashes_per_second, FLASH_HALF),
        squash(metrics.red_flashes_per_second, FLASH_HALF),
        min(1.0, metrics.nonfinite_pixels / pixels),
    ]


def audio_values(levels: Any, samples: int) -> list[float]:
    """:data:`AUDIO_FEATURES` of one run's :class:`~synharness.render.loudness.Levels`."""
    return [
        level(levels.integrated_lufs),
        level(levels.peak_dbfs),
        squash(levels.crest_factor_db or 0.0, CREST_HALF_DB),
        squash(levels.dc_offset, DC_HALF),
        min(1.0, levels.nonfinite / max(1, samples)),
    ]


@dataclass(frozen=True)
class RenderRun:
    """One fingerprint run as the renderers need it."""

    scenario: Scenario
    result: SimulationResult


def unavailable() -> dict[str, str]:
    """Why a part cannot be rendered here: ``{"visual": reason, "audio": reason}``, absent when it can.

    Opens this thread's GL runtime (kept for later renders) and checks for Node
    and the Tone.js packages without starting a worker.
    """
    from synharness.extras import missing_modules

    missing = missing_modules("render")
    if missing:
        reason = f"the render extra is missing ({', '.join(missing)})"
        return {"visual": reason, "audio": reason}
    from synharness.render.gl import shared_runtime
    from synharness.render.node import WorkerUnavailable, check_available

    reasons: dict[str, str] = {}
    runtime = shared_runtime()
    if isinstance(runtime, str):
        reasons["visual"] = f"no GL context ({runtime})"
    try:
        check_available()
    except WorkerUnavailable as exc:
        reasons["audio"] = str(exc)
    return reasons


def _visual(asset: SynestheticAsset, runs: Mapping[str, RenderRun]) -> list[float] | None:
    shader = asset.shader
    if shader is None:
        return None
    from synharness.render.compiler import compile_pair
    from synharness.render.gl import shared_runtime
    from synharness.render.shader import RenderSettings, render_scenario

    runtime = shared_runtime()
    if isinstance(runtime, str):
        return None
    settings = RenderSettings(width=RENDER_WIDTH, height=RENDER_HEIGHT, fps=RENDER_FPS)
    info = compile_pair(
        runtime, shader.vertex_shader, shader.fragment_shader, profile=settings.profile
    )
    if not info.ok:
        return None
    values: list[float] = []
    for name in RENDER_RUNS:
        run = runs[name]
        render = render_scenario(
            runtime, shader, run.scenario, result=run.result, settings=settings, info=info
        )
        if render.metrics is None:
            return None
        values += visual_values(render.metrics)
    return values


def _audio(asset: SynestheticAsset, runs: Mapping[str, RenderRun]) -> list[float] | None:
    tone = asset.tone
    if tone is None:
        return None
    from synharness.render.audio import render_scenario
    from synharness.render.node import shared_worker

    values: list[float] = []
    with _WORKER_TURN:
        worker = shared_worker()
        for name in RENDER_RUNS:
            render = render_scenario(
                worker, tone=tone, result=runs[name].result, duration=AUDIO_SECONDS
            )
            if render.levels is None or render.samples is None:
                return None
            values += audio_values(render.levels, int(render.samples.size))
    return values


def render_block(
    asset: SynestheticAsset, runs: Mapping[str, RenderRun], *, render: bool
) -> list[float]:
    """The :data:`RENDER_FEATURE_NAMES` values of an asset (all 0 when ``render`` is False).

    Args:
        asset: The validated asset.
        runs: The fingerprint's runs by name (every one of :data:`RENDER_RUNS`).
        render: Render at all; False gives zeros and flags 0 without importing a renderer.

    Returns:
        ``len(RENDER_FEATURE_NAMES)`` floats in [0, 1], rounded to :data:`RENDER_DECIMALS`.
    """
    visual: list[float] | None = None
    audio: list[float] | None = None
    if render:
        reasons = unavailable()
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The tone renders in Node while this thread draws frames.
            pending = pool.submit(_audio, asset, runs) if "audio" not in reasons else None
            if "visual" not in reasons:
                visual = _visual(asset, runs)
            audio = pending.result() if pending is not None else None
    values = [
        *(visual or [0.0] * (len(RENDER_RUNS) * len(VISUAL_FEATURES))),
        *(audio or [0.0] * (len(RENDER_RUNS) * len(AUDIO_FEATURES))),
        float(visual is not None),
        float(audio is not None),
    ]
    return [round(v, RENDER_DECIMALS) for v in values]


def unavailable_line(what: str) -> str | None:
    """One line saying what ``what`` (a command and option) cannot render here, or None.

    The command goes on: the parts it cannot render stay 0 with their flags 0.
    """
    from synharness.extras import MissingExtraError, require_extra

    try:
        require_extra("render", what=what)
    except MissingExtraError as exc:
        return f"{exc}; fingerprinting without the render block"
    reasons = unavailable()
    if not reasons:
        return None
    parts = " and ".join(p for p in ("visual", "audio") if p in reasons)
    why = "; ".join(reasons[p] for p in ("visual", "audio") if p in reasons)
    return f"{what}: {why}; fingerprinting without the {parts} part (values and flag 0)"
