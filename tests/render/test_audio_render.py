"""Real renders through Tone.js: silent, clipping, unknown-option and normal tones, and the examples."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from synharness.agents import builtin_scenarios, load_scenario, scenario_files
from synharness.loading import Source
from synharness.models import SynestheticAsset
from synharness.pipeline import check_data, check_source
from synharness.render.loudness import LOUDNESS_RANGE, SILENT_DBFS
from synharness.render.node import ToneWorker
from synharness.render.outputs import render_audio

from tests.conftest import ROOT
from tests.render.helpers import SECONDS, asset_doc, codes, plain_tone, render_idle

AUDIO_OR_RENDER = ("SYN-AUDIO-", "SYN-RENDER-")
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
#: Seconds per example scenario (the PluckSynth's worklet is slow on a loaded machine).
EXAMPLE_SECONDS = 1.0


def test_normal_tone_is_heard_within_the_stated_loudness(tone_worker: ToneWorker) -> None:
    render = render_idle(tone_worker, asset_doc(plain_tone()))
    assert render.samples is not None and render.levels is not None
    assert render.samples.shape == (round(SECONDS * 44100), 2)
    assert codes(render) == []
    levels = render.levels
    assert levels.integrated_lufs is not None
    assert LOUDNESS_RANGE[0] <= levels.integrated_lufs <= LOUDNESS_RANGE[1]
    # A sine at -12 dB through a 0.7 sustain: the peak is near -12 dBFS, never above it.
    assert levels.peak_dbfs is not None and -16.0 < levels.peak_dbfs < -11.0
    assert levels.crest_factor_db is not None and levels.crest_factor_db > 3.0
    assert render.audition and render.notes > 0


def test_zero_gain_is_silent(tone_worker: ToneWorker) -> None:
    tone = plain_tone()
    tone["effects"] = [{"type": "Tone.Gain", "options": {"gain": 0}, "order": 0}]
    render = render_idle(tone_worker, asset_doc(tone))
    assert "SYN-AUDIO-001" in codes(render)
    assert render.levels is not None and render.levels.peak_dbfs is None


def test_volume_far_below_zero_is_silent(tone_worker: ToneWorker) -> None:
    # JSON has no -Infinity (SYN-LOAD-004): the schema's way to mute is a very low volume.
    render = render_idle(tone_worker, asset_doc(plain_tone(volume=-200)))
    assert codes(render) == ["SYN-AUDIO-001"]
    assert render.levels is not None
    assert render.levels.peak_dbfs is None or render.levels.peak_dbfs < SILENT_DBFS


def test_volume_plus_40_db_clips(tone_worker: ToneWorker) -> None:
    render = render_idle(tone_worker, asset_doc(plain_tone(volume=40)))
    assert "SYN-AUDIO-002" in codes(render)
    assert "SYN-AUDIO-003" in codes(render)  # and far too loud
    assert render.levels is not None and render.levels.peak_dbfs is not None
    assert render.levels.peak_dbfs > 20.0


def test_unknown_option_is_a_finding_and_the_tone_still_plays(tone_worker: ToneWorker) -> None:
    doc = asset_doc(plain_tone(envelop={"attack": 0.1}))
    checked = check_data(doc, source="unknown-option.json")
    unknown = [f for f in checked.result.findings if f.code == "SYN-TONE-004"]
    assert [f.pointer for f in unknown] == ["/tone/synth/options/envelop"]
    assert unknown[0].hint == "Did you mean 'envelope'?"
    render = render_idle(tone_worker, doc)
    assert codes(render) == []  # Tone.js ignores the option, as the finding says


def test_tone_js_refusing_the_tone_is_an_error_not_a_crash(tone_worker: ToneWorker) -> None:
    tone = plain_tone()
    tone["effects"] = [{"type": "Tone.Distortion", "options": {"oversample": "3x"}, "order": 0}]
    render = render_idle(tone_worker, asset_doc(tone))
    assert codes(render) == ["SYN-RENDER-008"]
    assert render.samples is None
    assert codes(render_idle(tone_worker, asset_doc(plain_tone()))) == []  # the worker lives on


def test_rule_events_play_at_their_times(tone_worker: ToneWorker) -> None:
    doc = asset_doc()
    doc["tone"] = plain_tone()
    doc["rule_bundle"] = {
        "name": "pads",
        "rules": [
            {
                "id": "hit",
                "trigger": {"type": "grid_cell", "params": {"gridSize": 4, "cooldown": 100}},
                "effects": [
                    {
                        "op": "triggerAttackRelease",
                        "target": "tone.synth",
                        "value": {"note": "<grid.note>", "duration": "16n", "velocity": 0.8},
                    }
                ],
            }
        ],
    }
    asset = SynestheticAsset.model_validate(doc)
    from synharness.agents import parse_scenario, simulate
    from synharness.render.audio import render_scenario

    scenario = parse_scenario(
        json.dumps(
            {
                "name": "one press",
                "duration": 1.5,
                "inputs": [{"at": 0.8, "grid": {"cell": [0, 0], "pressure": 1.0}}],
            }
        ),
        path="inline.json",
        kind="json",
    )
    assert asset.tone is not None
    render = render_scenario(tone_worker, tone=asset.tone, result=simulate(asset, scenario))
    assert not render.audition and render.notes == 1
    assert render.samples is not None
    mono = np.abs(render.samples).max(axis=1)
    onset = int(np.argmax(mono > 1e-3)) / 44100
    assert 0.79 <= onset <= 0.82  # silent until the press, then the note


def test_modulated_volume_is_automated(tone_worker: ToneWorker) -> None:
    tone = plain_tone()
    tone["synth"]["options"]["envelope"] = {
        "attack": 0.01,
        "decay": 0.01,
        "sustain": 1.0,
        "release": 0.01,
    }
    tone["input_parameters"] = [
        {"name": "Volume", "parameter": "volume", "path": "tone.volume", "type": "float",
         "default": -30.0, "min": -60.0, "max": 0.0, "step": 0.1, "smoothingTime": 0.0},
    ]  # fmt: skip
    doc = asset_doc(tone)
    doc["modulations"] = [
        {"id": "swell", "target": "tone.volume", "type": "additive", "waveform": "sawtooth",
         "frequency": 0.5, "amplitude": 10.0, "offset": -30.0, "phase": 0.0, "scale": 1.0},
    ]  # fmt: skip
    render = render_idle(tone_worker, doc, seconds=1.0)
    assert render.samples is not None and codes(render) == []

    # The audition notes start at 0 and 0.5 s; the sawtooth has moved the volume from about
    # -29.4 dB (mean over 0.05-0.2 s) to about -24.4 dB (0.55-0.7 s): 5 dB louder.
    def rms_db(start: float, stop: float) -> float:
        assert render.samples is not None
        part = render.samples[int(start * 44100) : int(stop * 44100), 0]
        return float(20 * np.log10(np.sqrt(np.mean(part.astype(np.float64) ** 2))))

    rise = rms_db(0.55, 0.7) - rms_db(0.05, 0.2)
    assert 4.5 < rise < 5.5, rise


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_sounds_under_its_scenarios(tone_worker: ToneWorker, path: Path) -> None:
    checked = check_source(Source(name=str(path), path=path))
    asset = checked.model
    assert isinstance(asset, SynestheticAsset) and asset.tone is not None
    me = path.resolve()
    files = [load_scenario(p) for p in scenario_files(ROOT / "scenarios")]
    # Scenario files play their events when they script them: render up to 2 s of them
    # (a 1 s cut would judge a window before the drum roll's first press); built-ins briefly.
    runs = [s for s in files if me in s.asset_paths()]
    builtins = builtin_scenarios(asset, duration=EXAMPLE_SECONDS)
    outputs = render_audio(tone_worker, asset, builtins)
    for scenario in runs:
        more = render_audio(tone_worker, asset, [scenario], duration=min(scenario.duration, 2.0))
        outputs.metrics.update(more.metrics)
        outputs.findings += more.findings
    runs += builtins
    assert set(outputs.metrics) == {s.name for s in runs}
    bad = [f.code for f in outputs.findings if f.code in ("SYN-AUDIO-001", "SYN-AUDIO-005")]
    assert not bad and not [f for f in outputs.findings if f.code.startswith("SYN-RENDER-")]
    for name, metrics in outputs.metrics.items():
        assert metrics.peak_dbfs is not None and metrics.peak_dbfs > SILENT_DBFS, name
        assert metrics.integrated_lufs is not None and math.isfinite(metrics.integrated_lufs)
        assert metrics.nonfinite == 0
