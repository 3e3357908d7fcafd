"""Rendering a shader under a scenario: frames, metrics and findings per scenario.

A *render* draws a full-screen quad the way a three.js ``ShaderMaterial`` on a
``PlaneGeometry(2, 2)`` seen through identity matrices would: attributes
``position`` (the quad's corners, z = 0), ``uv`` (0..1, so the usual
``vUv = uv`` varying covers the canvas) and ``normal`` (0, 0, 1); the
material's built-in uniforms are identities (``modelViewMatrix``,
``projectionMatrix``, ...), ``cameraPosition`` is (0, 0, 1). Each frame sets
the asset's uniforms from the simulation (:mod:`synharness.render.uniforms`),
draws into a floating-point target (so that NaN and infinity survive to be
counted) and reads the colour back; colours are clamped to [0, 1] as a canvas
would, and alpha is ignored (an opaque canvas).

:func:`render_scenario` renders one simulation run; :func:`render_asset`
simulates and renders every scenario of an asset and returns per scenario a
:class:`ShaderRender` (frames, :class:`~synharness.render.visual.VisualMetrics`)
and, for the asset, the findings (each code once, naming the first scenario
that showed it). GL failures become SYN-RENDER-002 findings, never exceptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from synharness.codes import finding
from synharness.findings import Finding, Severity
from synharness.render.compiler import ProgramInfo, compile_pair, linked_program
from synharness.render.records import RenderPreview, ScenarioRender, VisualMetrics
from synharness.render.uniforms import frame_times, frame_uniforms, varying_uniforms
from synharness.render.visual import MAX_FLASHES, analyse
from synharness.semantic.glsl import THREE_BUILTINS

if TYPE_CHECKING:
    from synharness.agents.orchestration import SimulationResult
    from synharness.agents.scenario import Scenario
    from synharness.models import Shader, SynestheticAsset
    from synharness.render.gl import GlRuntime


@dataclass(frozen=True)
class RenderSettings:
    """How to render: canvas size, frame rate, frame budget and host profile."""

    width: int = 256
    height: int = 256
    fps: float = 30.0
    #: At most this many frames per scenario (None: the whole run at ``fps``).
    frames: int | None = None
    profile: str = "three"


@dataclass
class ShaderRender:
    """One scenario rendered: its frames and what they show."""

    scenario: str
    source: str
    #: ``frames x height x width x 3`` uint8, top row first; None when nothing was drawn.
    frames: np.ndarray | None
    times: np.ndarray
    metrics: VisualMetrics | None
    #: This scenario's findings (before the asset-level de-duplication).
    findings: list[Finding] = field(default_factory=list)
    #: Uniforms that changed between frames.
    varying: tuple[str, ...] = ()


_IDENTITY4 = np.eye(4, dtype="f4").tobytes()
_IDENTITY3 = np.eye(3, dtype="f4").tobytes()
_HOST_VALUES: dict[str, bytes] = {
    "modelMatrix": _IDENTITY4,
    "modelViewMatrix": _IDENTITY4,
    "projectionMatrix": _IDENTITY4,
    "viewMatrix": _IDENTITY4,
    "normalMatrix": _IDENTITY3,
    "cameraPosition": np.array([0.0, 0.0, 1.0], dtype="f4").tobytes(),
    "isOrthographic": np.array([1], dtype="i4").tobytes(),
}
#: The quad as a triangle strip: position xyz, uv, normal xyz per corner.
_CORNERS = np.array(
    [[-1, -1, 0, 0, 0], [1, -1, 0, 1, 0], [-1, 1, 0, 0, 1], [1, 1, 0, 1, 1]], dtype="f4"
)


def _quad(runtime: GlRuntime, program: Any, attributes: Sequence[str]) -> tuple[Any, list[Any]]:
    """The quad's vertex array and the buffers it reads (the caller releases all of them:
    moderngl frees a GL object only when told, and releasing the array leaves its buffers)."""
    ctx = runtime.ctx
    content = []
    if "position" in attributes:
        content.append(
            (ctx.buffer(np.ascontiguousarray(_CORNERS[:, :3]).tobytes()), "3f", "position")
        )
    if "uv" in attributes:
        content.append((ctx.buffer(np.ascontiguousarray(_CORNERS[:, 3:]).tobytes()), "2f", "uv"))
    if "normal" in attributes:
        normals = np.tile(np.array([0, 0, 1], dtype="f4"), (4, 1))
        content.append((ctx.buffer(normals.tobytes()), "3f", "normal"))
    buffers = [buffer for buffer, _, _ in content]
    try:
        return ctx.vertex_array(program, content), buffers
    except BaseException:
        for buffer in buffers:
            buffer.release()
        raise


def draw(
    runtime: GlRuntime,
    info: ProgramInfo,
    values: dict[str, np.ndarray],
    *,
    frames: int,
    width: int,
    height: int,
) -> tuple[np.ndarray, int]:
    """Draw ``frames`` frames, setting the uniforms from ``values``, and read the colours back.

    Args:
        runtime: The GL runtime the program was linked in.
        info: A linked program's info.
        values: Uniform name -> ``frames x components`` (see :func:`frame_uniforms`).
        frames: How many frames.
        width: Canvas width.
        height: Canvas height.

    Returns:
        ``frames x height x width x 3`` uint8 (top row first), and the number of
        NaN or infinite pixels.

    Raises:
        moderngl.Error: The driver refused something (the caller files SYN-RENDER-002).
    """
    import moderngl

    ctx = runtime.ctx
    program = linked_program(runtime, info)
    n = frames
    target = ctx.renderbuffer((width, height), components=4, dtype="f4")
    fbo = ctx.framebuffer(color_attachments=[target])
    vao, buffers = _quad(runtime, program, list(info.attributes))
    try:
        for name, raw in _HOST_VALUES.items():
            if name in info.uniforms:
                program[name].write(raw)
        rows = [
            (program[name], np.ascontiguousarray(v, dtype=_dtype(info.uniforms.get(name, ""))))
            for name, v in values.items()
        ]
        out = np.empty((n, height, width, 3), dtype=np.uint8)
        pixels = np.empty((height, width, 4), dtype="f4")
        scratch = np.empty((height, width, 3), dtype="f4")
        nonfinite = 0
        fbo.use()
        for k in range(n):
            for uniform, column in rows:
                uniform.write(column[k])
            fbo.clear(0.0, 0.0, 0.0, 1.0)
            vao.render(moderngl.TRIANGLE_STRIP, vertices=4)
            fbo.read_into(pixels, components=4, dtype="f4")
            rgb = pixels[::-1, :, :3]  # GL's first row is the bottom one
            # One float64 sum is finite exactly when every (float32) value is: the
            # per-pixel mask is built only for a frame that has NaN or infinity.
            if not np.isfinite(rgb.sum(dtype=np.float64)):
                bad = ~np.isfinite(rgb)
                nonfinite += int(bad.any(axis=2).sum())
                rgb = np.where(bad, 0.0, rgb)
            np.clip(rgb, 0.0, 1.0, out=scratch)
            scratch *= 255.0
            scratch += 0.5
            out[k] = scratch
        return out, nonfinite
    finally:
        vao.release()
        for buffer in buffers:
            buffer.release()
        fbo.release()
        target.release()


_INTEGER_TYPES = ("int", "ivec", "uint", "uvec", "bool", "bvec", "sampler", "isampler", "usampler")


def _dtype(glsl_type: str) -> str:
    # moderngl writes raw bytes: integer and boolean uniforms take 32-bit ints.
    return "i4" if glsl_type.startswith(_INTEGER_TYPES) else "f4"


def _trace_of(result: SimulationResult | None) -> tuple[np.ndarray | None, dict[str, np.ndarray]]:
    if result is None:
        return None, {}
    trace = {
        path.removeprefix("shader."): result.matrix[i]
        for i, path in enumerate(result.paths)
        if path.startswith("shader.")
    }
    return result.t, trace


def render_scenario(
    runtime: GlRuntime,
    shader: Shader,
    scenario: Scenario,
    *,
    result: SimulationResult | None = None,
    settings: RenderSettings = RenderSettings(),
    base: str = "/shader",
    info: ProgramInfo | None = None,
) -> ShaderRender:
    """Render one scenario of a shader.

    Args:
        runtime: The GL runtime.
        shader: The shader model.
        scenario: The scenario (duration, inputs for the pointer).
        result: The simulation run of the scenario (uniform traces); None: defaults only.
        settings: Size, frame rate, budget, profile.
        base: Pointer of the shader in the document.
        info: The compiled pair (compiled here when not given).

    Returns:
        Frames, metrics and this scenario's findings (none when the shader does
        not compile: the compile findings say why).
    """
    if info is None:
        info = compile_pair(
            runtime, shader.vertex_shader, shader.fragment_shader, profile=settings.profile
        )
    times = frame_times(scenario.duration, fps=settings.fps, frames=settings.frames)
    if not info.ok:
        return ShaderRender(scenario.name, scenario.source, None, times, None)
    trace_t, trace = _trace_of(result)
    values = frame_uniforms(
        info.uniforms,
        times=times,
        width=settings.width,
        height=settings.height,
        trace_t=trace_t,
        trace=trace,
        defaults={u.name: u.default for u in shader.uniforms or []},
        inputs=scenario.timeline_inputs(),
        skip=THREE_BUILTINS,
    )
    import moderngl

    try:
        frames, nonfinite = draw(
            runtime, info, values, frames=len(times), width=settings.width, height=settings.height
        )
    except (moderngl.Error, LookupError, MemoryError) as exc:
        failed = finding(
            "SYN-RENDER-002",
            f"{base}/fragment_shader",
            f"scenario {scenario.name!r}: rendering failed: {exc}",
        )
        return ShaderRender(scenario.name, scenario.source, None, times, None, [failed])
    metrics = analyse(frames, fps=settings.fps, nonfinite=nonfinite)
    varying = tuple(varying_uniforms(values))
    return ShaderRender(
        scenario.name,
        scenario.source,
        frames,
        times,
        metrics,
        visual_findings(
            metrics, scenario=scenario.name, varying=varying, base=base, source=scenario.source
        ),
        varying,
    )


#: Built-in scenarios whose input is synthetic (machine-speed gestures): a flash
#: they provoke is a warning, since no author scripted it; under the idle run
#: (modulations alone) and the author's own scenarios it is an error.
SYNTHETIC_SOURCES = frozenset({"builtin:sweep", "builtin:random"})


def visual_findings(
    metrics: VisualMetrics,
    *,
    scenario: str,
    varying: Sequence[str],
    base: str = "/shader",
    source: str = "",
) -> list[Finding]:
    """SYN-VISUAL-001..005 for one scenario's metrics.

    Args:
        metrics: What the frames show.
        scenario: The scenario's name, for the messages.
        varying: Uniforms whose value changed between frames.
        base: Pointer of the shader.
        source: The scenario's source (``builtin:...`` or its file), for the flash severity.
    """
    synthetic = source in SYNTHETIC_SOURCES
    pointer = f"{base}/fragment_shader"
    found: list[Finding] = []
    if metrics.constant:
        found.append(
            finding(
                "SYN-VISUAL-001",
                pointer,
                f"scenario {scenario!r}: all {metrics.frames} frames are one colour",
            )
        )
    elif metrics.static and varying:
        found.append(
            finding(
                "SYN-VISUAL-002",
                pointer,
                f"scenario {scenario!r}: no pixel changes in {metrics.frames} frames while "
                f"{', '.join(varying)} change",
            )
        )
    if metrics.nonfinite_pixels:
        found.append(
            finding(
                "SYN-VISUAL-003",
                pointer,
                f"scenario {scenario!r}: {metrics.nonfinite_pixels} pixels are NaN or infinite "
                f"over {metrics.frames} frames",
            )
        )
    for code, rate, kind in (
        ("SYN-VISUAL-004", metrics.flashes_per_second, "general"),
        ("SYN-VISUAL-005", metrics.red_flashes_per_second, "red"),
    ):
        if rate > MAX_FLASHES:
            found.append(
                finding(
                    code,
                    pointer,
                    f"scenario {scenario!r}: {rate:g} {kind} flashes in one second over a large "
                    f"area (WCAG 2.x allows at most {MAX_FLASHES})"
                    + (" under the built-in's synthetic input" if synthetic else ""),
                    severity=Severity.WARNING if synthetic else None,
                )
            )
    return found


def frame_step(scenario: Scenario, fps: float) -> int:
    """Record every n-th simulation step: about one sample per frame, never fewer."""
    return max(1, int(np.floor((1.0 / fps) / scenario.dt + 1e-9)))


def render_asset(
    runtime: GlRuntime,
    asset: SynestheticAsset,
    scenarios: Sequence[Scenario],
    *,
    settings: RenderSettings = RenderSettings(),
) -> tuple[list[ShaderRender], list[Finding]]:
    """Simulate and render every scenario of an asset that has a shader.

    Args:
        runtime: The GL runtime.
        asset: The asset.
        scenarios: What to run, in order.
        settings: Size, frame rate, budget, profile.

    Returns:
        One render per scenario (none without a shader), and the findings: each
        code once per asset, from the first scenario that showed it at its
        worst severity.
    """
    shader = asset.shader
    if shader is None:
        return [], []
    from synharness.agents.config import compile_asset
    from synharness.agents.orchestration import OrchestrationAgent

    info = compile_pair(
        runtime, shader.vertex_shader, shader.fragment_shader, profile=settings.profile
    )
    compiled = compile_asset(asset)
    renders: list[ShaderRender] = []
    worst: dict[str, Finding] = {}
    for scenario in scenarios:
        result = None
        if info.ok:
            result = OrchestrationAgent(
                compiled, scenario, every=frame_step(scenario, settings.fps)
            ).run()
        render = render_scenario(
            runtime, shader, scenario, result=result, settings=settings, info=info
        )
        renders.append(render)
        for f in render.findings:
            known = worst.get(f.code)
            if known is None or f.severity.rank > known.severity.rank:
                worst[f.code] = f
    return renders, list(worst.values())


def scenario_render(
    render: ShaderRender,
    *,
    profile: str,
    preview: bool = True,
    thumb: int = 56,
    animation_size: int = 64,
    animation_frames: int = 40,
) -> ScenarioRender:
    """The result-model form of a render, with small preview images when asked.

    Args:
        render: The render.
        profile: The host profile it was compiled under.
        preview: Encode the filmstrip and the animation (needs Pillow).
        thumb: Largest side of a filmstrip thumbnail.
        animation_size: Largest side of the animation.
        animation_frames: At most this many animation frames (evenly spaced).
    """
    images = None
    if preview and render.frames is not None and render.metrics is not None:
        from synharness.render.images import animated_bytes, filmstrip_png, image_mime

        animation, mime = animated_bytes(
            render.frames,
            fps=render.metrics.fps,
            size=animation_size,
            max_frames=animation_frames,
            quality=45,
        )
        strip = filmstrip_png(render.frames, thumb=thumb, quality=60)
        images = RenderPreview(
            filmstrip=strip,
            filmstrip_mime=image_mime(strip),
            animation=animation,
            animation_mime=mime,
        )
    return ScenarioRender(
        profile=profile,
        metrics=render.metrics,
        codes=tuple(sorted({f.code for f in render.findings})),
        preview=images,
    )


#: What the score renders (``score(..., render=True)``): small and short, since a
#: training loop scores thousands of assets; flashes and frozen output do not
#: need a large canvas to be seen.
SCORE_SETTINGS = RenderSettings(width=64, height=64, fps=30.0)


def score_findings(asset: SynestheticAsset) -> list[Finding]:
    """The render findings the score counts (the seam of ``score(..., render=True)``).

    Renders the score's own scenarios (:data:`synharness.agents.scoring.DEFAULT_SCENARIOS`,
    at the score's duration and seed) at :data:`SCORE_SETTINGS` with this
    thread's shared GL runtime. Without a GL context the validation stage has
    already filed SYN-RENDER-001, so nothing more is said here.

    Args:
        asset: The validated asset.

    Returns:
        Each visual code once, at its worst severity.
    """
    if asset.shader is None:
        return []
    from synharness.agents import builtin_scenarios
    from synharness.agents.scoring import DEFAULT_DURATION, DEFAULT_SCENARIOS
    from synharness.render.gl import shared_runtime

    runtime = shared_runtime()
    if isinstance(runtime, str):
        return []
    scenarios = [
        s
        for s in builtin_scenarios(asset, duration=DEFAULT_DURATION)
        if s.name in DEFAULT_SCENARIOS
    ]
    _, found = render_asset(runtime, asset, scenarios, settings=SCORE_SETTINGS)
    return found
