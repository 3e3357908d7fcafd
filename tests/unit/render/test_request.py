"""The render request built from an asset and its simulation (pure: no Node needed)."""

from __future__ import annotations

import json

import pytest
from synharness.agents import builtin_scenarios, parse_scenario, simulate
from synharness.models import SynestheticAsset, Tone
from synharness.render.audio import audition_notes, build_request, synth_spec, tone_seconds
from synharness.reports.audio_clip import fragment, make_clip
from synharness.result import AudioMetrics, ScenarioOutcome

from tests.conftest import ROOT


def example(name: str) -> SynestheticAsset:
    doc = json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))
    doc.pop("$schema", None)
    return SynestheticAsset.model_validate(doc)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("4n", 0.5), ("8n", 0.25), ("8n.", 0.375), ("8t", 0.25 * 2 / 3), ("1m", 2.0), ("2m", 4.0),
     ("1:2:0", 3.0), ("0:0:2", 0.25), (0.3, 0.3), ("0.75", 0.75), ("soon", None), (-1, None)],
)  # fmt: skip
def test_tone_times_at_120_bpm(value: object, seconds: float | None) -> None:
    got = tone_seconds(value)
    assert got == (pytest.approx(seconds) if seconds is not None else None)


def test_synth_spec_unwraps_units_and_shapes_polysynth_options() -> None:
    tone = Tone.model_validate(
        {
            "name": "t",
            "synth": {
                "type": "Tone.PolySynth",
                "options": {
                    "voice": "Tone.MonoSynth",
                    "maxPolyphony": 4,
                    "volume": -6,
                    "oscillator": {"type": "sawtooth", "frequency": {"value": 220, "unit": "Hz"}},
                },
            },
        }
    )
    assert synth_spec(tone) == {
        "type": "PolySynth",
        "options": {
            "maxPolyphony": 4,
            "volume": -6,
            "voice": "MonoSynth",
            "options": {"oscillator": {"type": "sawtooth", "frequency": 220}},
        },
    }


def test_trace_becomes_automation_and_defaults_hold() -> None:
    asset = example("sawtooth-storm")
    (idle,) = [s for s in builtin_scenarios(asset, duration=2.0) if s.name == "idle"]
    request = build_request(asset.tone, simulate(asset, idle))  # type: ignore[arg-type]
    curves = {c["path"]: c for c in request.payload["tone"]["automation"]}
    assert curves["volume"]["v"] == [-14.0] and curves["volume"]["t"] == [0.0]  # not driven
    detune = curves["detune"]  # modulated: many points, inside its declared range
    assert len(detune["t"]) > 10 and detune["t"] == sorted(detune["t"])
    assert all(-1200 <= v <= 1200 for v in detune["v"]) and max(detune["t"]) <= 2.0
    assert [e["type"] for e in request.payload["tone"]["effects"]] == [
        "Distortion", "FeedbackDelay", "Reverb"
    ]  # fmt: skip


def test_rule_events_become_notes_and_replace_the_audition() -> None:
    asset = example("grid-drum-pad")
    scenario = parse_scenario(
        json.dumps(
            {
                "name": "two pads",
                "duration": 1.0,
                "inputs": [
                    {"at": 0.25, "grid": {"cell": [1, 0], "pressure": 0.9}},
                    {"at": 0.5, "grid": {"cell": [0, 1], "pressure": 0.01}},
                    {"at": 0.75, "grid": {"cell": [3, 3], "pressure": 0.5}},
                ],
            }
        ),
        path="s.json",
        kind="json",
    )
    request = build_request(asset.tone, simulate(asset, scenario))  # type: ignore[arg-type]
    notes = request.payload["tone"]["notes"]
    assert not request.audition
    # Cell (1, 0) is C#3; pressure 0.01 is under the velocity threshold 0.02: no note;
    # cell (3, 3) of a 4-grid is 48 + 3 + 12 = 63, D#4.
    assert [(n["t"], n["note"], n["velocity"]) for n in notes] == [
        (0.25, "C#3", pytest.approx(0.9)),
        (0.75, "D#4", pytest.approx(0.5)),
    ]
    assert notes[0]["duration"] == pytest.approx(0.125)  # "16n"


def test_audition_plays_the_tone_pattern_or_the_arpeggio() -> None:
    aurora = example("aurora-veil").tone
    assert aurora is not None
    notes = audition_notes(aurora, duration=6.0)  # values C3 G3 D4 A4, upDown, every "2n"
    assert [n["note"] for n in notes] == ["C3", "G3", "D4", "A4", "D4", "G3"]
    assert [n["t"] for n in notes] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    heart = example("heartbeat").tone
    assert heart is not None
    beats = audition_notes(heart, duration=1.0)  # Sequence C1 G0 rest rest, "8n"
    assert [(n["t"], n["note"]) for n in beats] == [(0.0, "C1"), (0.25, "G0")]
    plain = Tone.model_validate({"name": "p", "synth": {"type": "Tone.Synth"}})
    arpeggio = audition_notes(plain, duration=2.0)
    assert [n["note"] for n in arpeggio] == ["C4", "E4", "G4", "C5"]
    assert {n["duration"] for n in arpeggio} == {0.25}


def test_html_fragment_embeds_a_small_player_and_a_spectrogram() -> None:
    import numpy as np

    t = np.arange(44100 * 6) / 44100
    samples = np.column_stack([0.3 * np.sin(2 * np.pi * 440 * t)] * 2)
    clip = make_clip(samples, 44100)
    assert clip.seconds == 4.0
    assert clip.wav_data_uri.startswith("data:audio/wav;base64,")
    assert len(clip.wav_data_uri) < 70_000  # 4 s of 8-bit 11 kHz: ~44 kB, base64 ~59 kB
    assert clip.spectrogram_data_uri.startswith("data:image/png;base64,iVBOR")
    metrics = AudioMetrics(
        sample_rate=44100, seconds=6.0, integrated_lufs=-13.5, peak_dbfs=-10.5,
        true_peak_dbtp=-10.5, rms_dbfs=-13.5, crest_factor_db=3.0, dc_offset=0.0,
        nonfinite=0, notes=4, audition=True, clip=clip,
    )  # fmt: skip
    outcome = ScenarioOutcome(
        name="idle", source="builtin:idle", passed=True, seed=0, duration=6.0, dt=1 / 60,
        steps=360, audio=metrics,
    )  # fmt: skip
    html = fragment(outcome)
    assert "<audio controls" in html and '<img class="spectrogram"' in html
    assert "-13.5 LUFS" in html and "audition pattern" in html
    assert fragment(outcome.model_copy(update={"audio": None})) == ""
    assert "clip" not in outcome.model_dump(mode="json").get("audio", {})


def test_json_report_carries_audio_levels_valid_against_the_report_schema() -> None:
    import io

    import jsonschema
    from synharness.reports.json_report import JsonReporter
    from synharness.result import AssetResult

    schema = json.loads((ROOT / "reports" / "report.schema.json").read_text(encoding="utf-8"))
    metrics = AudioMetrics(
        sample_rate=44100, seconds=2.0, integrated_lufs=None, peak_dbfs=None,
        true_peak_dbtp=None, rms_dbfs=None, crest_factor_db=None, dc_offset=0.0,
        nonfinite=0, notes=3, audition=False, render_seconds=0.1, wav="out/a.idle.wav",
    )  # fmt: skip
    rendered = ScenarioOutcome(
        name="idle", source="builtin:idle", passed=True, seed=0, duration=2.0, dt=1 / 60,
        steps=120, audio=metrics,
    )  # fmt: skip
    plain = rendered.model_copy(update={"audio": None, "name": "sweep"})
    out = io.StringIO()
    JsonReporter(stream=out).report([AssetResult(source="a.json", scenarios=(rendered, plain))])
    report = json.loads(out.getvalue())
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(report)]
    assert errors == []
    first, second = report["assets"][0]["scenarios"]
    assert first["audio"]["integrated_lufs"] is None and first["audio"]["notes"] == 3
    assert "audio" not in second  # reports without renders keep their shape


def test_spectrogram_puts_a_tone_at_its_pitch_on_a_log_axis() -> None:
    import io
    import math

    import numpy as np
    from PIL import Image
    from synharness.reports.audio_clip import SPECTROGRAM_SIZE, spectrogram_png

    t = np.arange(44100 * 2) / 44100
    samples = np.column_stack([0.1 * np.sin(2 * np.pi * 3000 * t)] * 2)
    image = np.asarray(Image.open(io.BytesIO(spectrogram_png(samples, 44100))).convert("L"))
    assert image.shape == (SPECTROGRAM_SIZE[1], SPECTROGRAM_SIZE[0])
    height = SPECTROGRAM_SIZE[1]
    # 3 kHz sits at log(3000/40)/log(22050/40) of the height above the bottom row.
    expected = height - 1 - round((height - 1) * math.log(3000 / 40) / math.log(22050 / 40))
    assert abs(int(np.argmax(image[:, 100])) - expected) <= 2
