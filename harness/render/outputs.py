"""One asset's audio outputs: every scenario rendered, metered, written, and joined to its result.

Vocabulary:
- *audio outputs*: per scenario of one asset, the :class:`~synharness.result.AudioMetrics`
  (and, for the HTML report, an :class:`~synharness.result.AudioClip`), the
  WAV file written, and the audio findings (each code once per pointer, the first
  scenario's message, as :func:`synharness.agents.run_scenarios` does);
- :func:`render_audio` simulates each scenario again (cheap next to rendering)
  to get its trace and events, then renders it with the run's worker;
- :func:`write_scenario_audio` writes one render's WAV (32-bit float) and
  returns where; :func:`attach_audio` joins the outputs to an
  :class:`~synharness.result.AssetResult` (findings added, ``audio`` set on the
  scenario outcomes of the same name).

``synharness render`` calls these; so can any caller holding a worker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from synharness.agents.config import CompiledAsset, compile_asset
from synharness.agents.orchestration import simulate
from synharness.agents.scenario import Scenario
from synharness.findings import Finding, sort_findings
from synharness.models import SynestheticAsset
from synharness.render.audio import SAMPLE_RATE, AudioRender, render_scenario
from synharness.render.node import ToneWorker
from synharness.render.wav import float_wav
from synharness.result import AssetResult, AudioMetrics

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def slug(text: str) -> str:
    """A file-name-safe form of ``text`` (``'drum roll'`` -> ``drum-roll``)."""
    return _UNSAFE.sub("-", text).strip("-.") or "scenario"


def wav_path(directory: Path, stem: str, scenario: str) -> Path:
    """Where the WAV of ``scenario`` of the asset ``stem`` goes."""
    return directory / f"{slug(stem)}.{slug(scenario)}.wav"


def write_scenario_audio(render: AudioRender, *, directory: Path, stem: str) -> Path | None:
    """Write one render's WAV (32-bit float, so overs survive) into ``directory``.

    Returns:
        The file, or None when there was nothing rendered.
    """
    if render.samples is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    target = wav_path(directory, stem, render.scenario)
    target.write_bytes(float_wav(render.samples, render.sample_rate))
    return target


def metrics_of(
    render: AudioRender, *, wav: Path | None = None, clip: bool = False
) -> AudioMetrics | None:
    """The metrics of one render (with the HTML clip when ``clip``), None when nothing rendered."""
    levels = render.levels
    if levels is None or render.samples is None:
        return None
    made = None
    if clip:
        from synharness.reports.audio_clip import make_clip

        made = make_clip(render.samples, render.sample_rate)
    return AudioMetrics(
        **asdict(levels),
        notes=render.notes,
        audition=render.audition,
        render_seconds=render.render_seconds,
        wav=str(wav) if wav is not None else None,
        clip=made,
    )


@dataclass
class AudioOutputs:
    """Everything one asset's renders produced."""

    #: Scenario name -> metrics (scenarios that rendered).
    metrics: dict[str, AudioMetrics] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    renders: list[AudioRender] = field(default_factory=list)


def render_audio(
    worker: ToneWorker,
    asset: SynestheticAsset | CompiledAsset,
    scenarios: Sequence[Scenario],
    *,
    model: SynestheticAsset | None = None,
    duration: float | None = None,
    sample_rate: int = SAMPLE_RATE,
    timeout: float | None = None,
    directory: Path | None = None,
    stem: str = "asset",
    clip: bool = False,
    keep_samples: bool = False,
) -> AudioOutputs:
    """Render every scenario of one asset's tone; write WAVs when ``directory`` is given.

    Args:
        worker: The run's worker.
        asset: The asset model (or its compiled form, then pass ``model`` too).
        scenarios: The scenarios to hear (the same as the run's).
        model: The asset model when ``asset`` is compiled.
        duration: Seconds to render per scenario; default each scenario's duration.
        sample_rate: Hz.
        timeout: Seconds per render; default the worker's.
        directory: Where the WAVs go (None: no files).
        stem: The asset's file stem, for the WAV names.
        clip: Keep an HTML clip and spectrogram in each metrics.
        keep_samples: Keep the samples in :attr:`AudioOutputs.renders` (tests, benchmarks).

    Returns:
        Metrics per scenario and the findings (an asset without a tone has none).
    """
    asset_model = asset if isinstance(asset, SynestheticAsset) else model
    if asset_model is None or asset_model.tone is None:
        return AudioOutputs()
    compiled = asset if isinstance(asset, CompiledAsset) else compile_asset(asset_model)
    outputs = AudioOutputs()
    seen: set[tuple[str, str]] = set()
    for scenario in scenarios:
        result = simulate(compiled, scenario)
        render = render_scenario(
            worker,
            tone=asset_model.tone,
            result=result,
            duration=duration,
            sample_rate=sample_rate,
            timeout=timeout,
        )
        wav = write_scenario_audio(render, directory=directory, stem=stem) if directory else None
        metrics = metrics_of(render, wav=wav, clip=clip)
        if metrics is not None:
            outputs.metrics[scenario.name] = metrics
        for f in render.findings:
            if (f.code, f.pointer) not in seen:
                seen.add((f.code, f.pointer))
                outputs.findings.append(f)
        if not keep_samples:
            render.samples = None
        outputs.renders.append(render)
    return outputs


def attach_audio(result: AssetResult, outputs: AudioOutputs) -> AssetResult:
    """``result`` with the audio findings added and ``audio`` set on its scenario outcomes."""
    if not outputs.metrics and not outputs.findings:
        return result
    known = {(f.code, f.pointer, f.file) for f in result.findings}
    extra = [f for f in outputs.findings if (f.code, f.pointer, f.file) not in known]
    scenarios = tuple(
        s.model_copy(update={"audio": outputs.metrics[s.name]}) if s.name in outputs.metrics else s
        for s in result.scenarios
    )
    return result.model_copy(
        update={
            "findings": tuple(sort_findings([*result.findings, *extra])),
            "scenarios": scenarios,
        }
    )
