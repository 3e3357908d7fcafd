"""``synharness render ASSET``: compile the shader, render it under scenarios, write the frames.

For each scenario (``--scenario FILE|NAME``, repeatable; default ``idle``; the
names are the built-ins ``idle``, ``sweep``, ``random``) the asset is
simulated and its shader rendered frame by frame (``--size WxH``, ``--fps``,
at most ``--frames N``) under the host profile ``--glsl-host``. Into
``--out DIR`` (default ``renders/<asset name>``) go, per scenario, a folder
``<scenario>/`` with every frame as ``frame-0000.png`` ..., the animated
preview ``preview.webp`` (or ``preview.png``, an APNG, where Pillow has no
WebP) and ``filmstrip.png``; and for the whole run ``metrics.json``: per
scenario the :class:`~synharness.render.visual.VisualMetrics`, and the
findings. Every output is made by one of :data:`OUTPUT_WRITERS`, so another
renderer adds its files by adding a writer: when the asset has a tone, each
scenario is also heard through Tone.js in one Node worker (docs/audio.md), its
folder gets ``tone.wav`` (32-bit float) and ``metrics.json`` its ``audio`` levels;
without Node the tone gets a SYN-RENDER-005/006 info.

Exit code 0 when no finding is an error, 1 when one is (a compile error, a
dangerous flash), 2 for usage errors (no such file, an invalid asset, no GL
context, the ``render`` extra missing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import orjson
from synharness.cli.options import CliError, need_extra
from synharness.findings import Severity, sort_findings

if TYPE_CHECKING:
    from synharness.agents.scenario import Scenario
    from synharness.render.audio import AudioRender
    from synharness.render.outputs import AudioOutputs
    from synharness.render.shader import RenderSettings, ShaderRender

_SIZE = re.compile(r"^\s*(\d+)\s*[xX]\s*(\d+)\s*$")
#: The largest side ``--size`` accepts (a frame is read back in full).
MAX_SIDE = 4096


class FrameSize(click.ParamType[tuple[int, int], Any]):
    """``WxH``: a canvas size in pixels, such as ``256x256``."""

    name = "WxH"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, int]:
        """Return (width, height), or fail with a usage error."""
        if isinstance(value, tuple):
            return value
        match = _SIZE.match(str(value))
        if match is None:
            self.fail(f"{value!r} is not a size WxH (e.g. 256x256)", param, ctx)
        width, height = int(match[1]), int(match[2])
        if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
            self.fail(f"{value!r}: each side must be 1..{MAX_SIDE} pixels", param, ctx)
        return width, height


@dataclass(frozen=True)
class RenderInvocation:
    """The parsed ``render`` command line."""

    asset: Path
    scenarios: tuple[str, ...] = ("idle",)
    frames: int | None = None
    size: tuple[int, int] = (256, 256)
    fps: float = 30.0
    out: Path | None = None
    profile: str = "three"
    duration: float = 10.0
    #: Seconds one scenario's tone render may take (SYN-RENDER-007).
    audio_timeout: float = 60.0


@dataclass
class RenderedScenario:
    """What an output writer gets: one scenario's render and where its files go."""

    asset: Path
    scenario: Scenario
    directory: Path
    settings: RenderSettings
    shader: ShaderRender | None
    #: Metrics by renderer (``shader``; others add theirs), written to metrics.json.
    metrics: dict[str, Any] = field(default_factory=dict)
    #: The tone heard through Tone.js (issue 12), when the asset has a tone.
    audio: AudioRender | None = None


#: Writes some of a scenario's files and returns their paths.
OutputWriter = Callable[[RenderedScenario], list[Path]]


def write_frames(rendered: RenderedScenario) -> list[Path]:
    """Every frame as ``frame-NNNN.png``."""
    from synharness.render.images import png_bytes

    frames = rendered.shader.frames if rendered.shader is not None else None
    if frames is None:
        return []
    paths = []
    for k, frame in enumerate(frames):
        path = rendered.directory / f"frame-{k:04d}.png"
        path.write_bytes(png_bytes(frame))
        paths.append(path)
    return paths


def write_preview(rendered: RenderedScenario) -> list[Path]:
    """The animated preview (WebP or APNG) and the filmstrip."""
    from synharness.render.images import animated_bytes, filmstrip_png

    frames = rendered.shader.frames if rendered.shader is not None else None
    if frames is None:
        return []
    data, mime = animated_bytes(frames, fps=rendered.settings.fps, quality=90)
    preview = rendered.directory / ("preview.webp" if mime == "image/webp" else "preview.png")
    preview.write_bytes(data)
    strip = rendered.directory / "filmstrip.png"
    strip.write_bytes(filmstrip_png(frames, thumb=128))
    return [preview, strip]


def write_tone(rendered: RenderedScenario) -> list[Path]:
    """The tone as heard through Tone.js: ``tone.wav`` (32-bit float; docs/audio.md)."""
    from synharness.render.wav import float_wav

    audio = rendered.audio
    if audio is None or audio.samples is None:
        return []
    path = rendered.directory / "tone.wav"
    path.write_bytes(float_wav(audio.samples, audio.sample_rate))
    return [path]


#: The writers ``render`` runs for every scenario, in order.
OUTPUT_WRITERS: list[OutputWriter] = [write_frames, write_preview, write_tone]


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "scenario"


def _scenarios(invocation: RenderInvocation, asset: Any) -> list[Scenario]:
    from synharness.agents import BUILTIN_NAMES, ScenarioError, builtin_scenarios, load_scenario

    builtins = {s.name: s for s in builtin_scenarios(asset, duration=invocation.duration)}
    chosen = []
    for item in invocation.scenarios:
        if item in BUILTIN_NAMES:
            chosen.append(builtins[item])
            continue
        path = Path(item)
        if not path.is_file():
            raise CliError(
                f"--scenario {item}: neither a file nor one of {', '.join(BUILTIN_NAMES)}",
                exit_code=2,
            )
        try:
            chosen.append(load_scenario(path))
        except ScenarioError as exc:
            raise CliError(str(exc), exit_code=2) from None
    return chosen


def _hear(asset: Any, scenarios: Sequence[Scenario], *, timeout: float) -> AudioOutputs:
    """The tone of every scenario through one Tone.js worker (no tone: nothing).

    A missing Node or renderer is a SYN-RENDER-005/006 info, never an exit.
    """
    from synharness.render.node import ToneWorker
    from synharness.render.outputs import AudioOutputs, render_audio

    if asset.tone is None:
        return AudioOutputs()
    with ToneWorker(request_timeout=timeout, lazy=True) as worker:
        return render_audio(worker, asset, scenarios, keep_samples=True)


def run_render(invocation: RenderInvocation) -> tuple[str, int]:
    """Render, write every output, and return the summary text and the exit code.

    Raises:
        CliError: The asset or a scenario cannot be used, or there is no GL context (exit 2).
    """
    from synharness.cli.run import locate_findings
    from synharness.cli.simulate import _load_asset
    from synharness.render.gl import gl_runtime
    from synharness.render.shader import RenderSettings, render_asset

    asset, findings, text = _load_asset(invocation.asset)
    if asset.shader is None:
        raise CliError(f"{invocation.asset}: the asset has no shader to render", exit_code=2)
    scenarios = _scenarios(invocation, asset)
    width, height = invocation.size
    settings = RenderSettings(
        width=width, height=height, fps=invocation.fps, frames=invocation.frames,
        profile=invocation.profile,
    )  # fmt: skip
    out = invocation.out or Path("renders") / _slug(invocation.asset.stem)
    with gl_runtime() as runtime:
        if isinstance(runtime, str):
            raise CliError(f"synharness render: no GL context: {runtime}", exit_code=2)
        renders, render_findings = render_asset(runtime, asset, scenarios, settings=settings)
    findings = [f for f in findings if f.code != "SYN-RENDER-001"]
    findings += locate_findings(render_findings, text)
    heard = _hear(asset, scenarios, timeout=invocation.audio_timeout)
    findings += locate_findings(heard.findings, text)
    tones = {r.scenario: r for r in heard.renders}
    lines, entries = [], []
    for scenario, render in zip(scenarios, renders, strict=True):
        rendered = RenderedScenario(
            asset=invocation.asset, scenario=scenario, directory=out / _slug(scenario.name),
            settings=settings, shader=render, audio=tones.get(scenario.name),
        )  # fmt: skip
        rendered.directory.mkdir(parents=True, exist_ok=True)
        if render.metrics is not None:
            rendered.metrics["shader"] = render.metrics.model_dump(mode="json")
        if scenario.name in heard.metrics:
            rendered.metrics["audio"] = heard.metrics[scenario.name].model_dump(mode="json")
        written = [p for writer in OUTPUT_WRITERS for p in writer(rendered)]
        entries.append(
            {
                "scenario": scenario.name,
                "source": scenario.source,
                "directory": str(rendered.directory),
                "files": len(written),
                "metrics": rendered.metrics,
            }
        )
        lines.append(_line(scenario.name, render, len(written), rendered.directory))
    ordered = sort_findings(findings)
    document = {
        "asset": str(invocation.asset),
        "profile": invocation.profile,
        "size": [width, height],
        "fps": invocation.fps,
        "scenarios": entries,
        "findings": [f.model_dump(mode="json") for f in ordered],
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
    lines += [f"{f.severity.value} {f.code} {f.pointer}: {f.message}" for f in ordered]
    lines.append(f"wrote {out / 'metrics.json'}")
    failed = any(f.severity is Severity.ERROR for f in findings)
    return "\n".join(lines) + "\n", 1 if failed else 0


def _line(name: str, render: ShaderRender, files: int, directory: Path) -> str:
    m = render.metrics
    if m is None:
        return f"{name}: not rendered (see the findings) -> {directory}"
    return (
        f"{name}: {m.frames} frames {m.width}x{m.height} at {m.fps:g} fps, mean luminance "
        f"{m.mean_luminance:.3f}, contrast {m.contrast:.3f}, motion {m.motion_energy:.3f}/s, "
        f"flashes {m.flashes_per_second:g}/s (red {m.red_flashes_per_second:g}/s) "
        f"-> {files} files in {directory}"
    )


@click.command("render")
@click.argument("asset", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    metavar="FILE|NAME",
    help="A scenario file, or idle, sweep, random (repeatable) [default: idle].",
)
@click.option("--frames", type=click.IntRange(min=1), help="At most N frames per scenario.")
@click.option("--size", type=FrameSize(), default="256x256", show_default=True, help="Canvas WxH.")
@click.option(
    "--fps", type=click.FloatRange(min=1, max=240), default=30.0, show_default=True,
    help="Frames per simulated second.",
)  # fmt: skip
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path),
    help="Output directory [default: renders/<asset name>].",
)  # fmt: skip
@click.option(
    "--glsl-host", "profile", type=click.Choice(["three", "webgl1", "webgl2"]), default="three",
    show_default=True, help="How the host compiles the shader (see docs/render.md).",
)  # fmt: skip
@click.option(
    "--duration", type=click.FloatRange(min=0, min_open=True, max=600), default=10.0,
    show_default=True, help="Seconds of the built-in scenarios.",
)  # fmt: skip
@click.option(
    "--audio-timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
    help="Seconds one scenario's tone render may take (SYN-RENDER-007; docs/audio.md).",
)  # fmt: skip
def command(
    asset: Path,
    scenarios: Sequence[str],
    frames: int | None,
    size: tuple[int, int],
    fps: float,
    out: Path | None,
    profile: str,
    duration: float,
    audio_timeout: float,
) -> None:
    """Render an asset's shader under scenarios: PNG frames, animated preview, metrics.json."""
    need_extra("render", what="synharness render")
    invocation = RenderInvocation(
        asset=asset, scenarios=tuple(scenarios) or ("idle",), frames=frames, size=size, fps=fps,
        out=out, profile=profile, duration=duration, audio_timeout=audio_timeout,
    )  # fmt: skip
    text, code = run_render(invocation)
    click.echo(text, nl=False)
    click.get_current_context().exit(code)


__all__ = ["OUTPUT_WRITERS", "OutputWriter", "RenderedScenario", "command", "run_render"]
