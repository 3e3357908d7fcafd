"""The meters against known signals (ITU-R BS.1770-4), and the findings they raise (no Node needed)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from synharness.render.loudness import audio_findings, measure, true_peak
from synharness.render.wav import float_wav, pcm8_wav, read_float_wav

RATE = 48000


def sine(freq: float, amplitude: float, seconds: float = 3.0, phase: float = 0.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return amplitude * np.sin(2 * np.pi * freq * t + phase)


def codes(samples: np.ndarray) -> list[str]:
    return [f.code for f in audio_findings(measure(samples, RATE), pointer="/tone", scenario="s")]


def test_997_hz_full_scale_sine_reads_minus_3_01_lkfs_on_one_channel() -> None:
    # BS.1770-4 §2.1: a 0 dB FS 997 Hz sine in one channel reads -3.01 LKFS.
    levels = measure(sine(997, 1.0)[:, None], RATE)
    assert levels.integrated_lufs == pytest.approx(-3.01, abs=0.05)


def test_loudness_follows_the_level_in_stereo() -> None:
    quiet = measure(np.column_stack([sine(997, 0.1)] * 2), RATE)
    loud = measure(np.column_stack([sine(997, 0.2)] * 2), RATE)
    assert quiet.integrated_lufs is not None and loud.integrated_lufs is not None
    assert loud.integrated_lufs - quiet.integrated_lufs == pytest.approx(
        20 * math.log10(2), abs=0.01
    )


def test_true_peak_sees_the_peak_between_samples() -> None:
    # A sine at fs/4 sampled 45 degrees off its crest: every sample is at ±0.707.
    x = sine(RATE / 4, 1.0, seconds=0.5, phase=math.pi / 4)[:, None]
    assert float(np.max(np.abs(x))) == pytest.approx(math.sqrt(0.5), abs=1e-6)
    assert true_peak(x) == pytest.approx(1.0, abs=0.02)
    levels = measure(x, RATE)
    assert levels.peak_dbfs == pytest.approx(-3.01, abs=0.01)
    assert levels.true_peak_dbtp is not None and levels.true_peak_dbtp > -1.0
    assert "SYN-AUDIO-002" in codes(x)  # under 0 dBFS per sample, over -1 dBTP between them


def test_crest_factor_of_a_sine_is_3_db() -> None:
    levels = measure(sine(440, 0.5)[:, None], RATE)
    assert levels.crest_factor_db == pytest.approx(3.01, abs=0.01)


def test_findings_of_known_signals() -> None:
    assert codes(sine(440, 0.1)[:, None]) == []
    assert codes(np.zeros((RATE, 2))) == ["SYN-AUDIO-001"]
    assert codes(sine(440, 1e-5)[:, None]) == ["SYN-AUDIO-001"]  # -100 dBFS
    assert codes(sine(440, 1.5)[:, None]) == ["SYN-AUDIO-002", "SYN-AUDIO-003"]
    assert codes(sine(440, 0.001)[:, None]) == ["SYN-AUDIO-003"]  # -60 dBFS: too quiet
    assert codes((sine(440, 0.1) + 0.05)[:, None]) == ["SYN-AUDIO-004"]
    broken = sine(440, 0.1)[:, None].copy()
    broken[100] = np.nan
    assert codes(broken) == ["SYN-AUDIO-005"]
    assert measure(broken, RATE).nonfinite == 1


def test_a_render_shorter_than_a_gating_block_has_no_loudness() -> None:
    levels = measure(sine(440, 0.1, seconds=0.2)[:, None], RATE)
    assert levels.integrated_lufs is None and levels.peak_dbfs is not None


def test_float_wav_round_trips_overs() -> None:
    x = np.column_stack([sine(440, 1.5, seconds=0.1), sine(220, 0.5, seconds=0.1)]).astype(
        np.float32
    )
    back, rate = read_float_wav(float_wav(x, RATE))
    assert rate == RATE and np.array_equal(back, x)


def test_pcm8_wav_is_a_standard_wave_file() -> None:
    import io
    import wave

    raw = pcm8_wav(sine(440, 2.0, seconds=0.5), 11025)
    with wave.open(io.BytesIO(raw)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 1, 11025)
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.uint8)
    assert data.max() == 255 and data.min() == 1  # clipped, as a DAC would


def test_audible_but_under_the_absolute_gate_is_too_quiet() -> None:
    x = sine(440, 10 ** (-68 / 20))[:, None]  # peak -68 dBFS: not silent, loudness -71.7 LUFS
    levels = measure(x, RATE)
    assert levels.integrated_lufs is None and levels.peak_dbfs is not None
    assert codes(x) == ["SYN-AUDIO-003"]
