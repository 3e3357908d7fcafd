"""The audio fragment of the HTML report: a short player and a spectrogram, per scenario.

Vocabulary:
- *clip*: the first :data:`CLIP_SECONDS` of a render, mixed to mono, at
  11,025 Hz in 8-bit PCM, as a ``data:`` URI (about 11 kB a second), so the page
  stays self-contained and small;
- *spectrogram*: magnitude of a 1024-point Hann-windowed STFT of the whole render
  (mono), in dB from -100 to 0 dBFS, frequency on a logarithmic axis from 40 Hz
  to Nyquist,
  drawn with numpy and encoded as PNG by Pillow (no matplotlib).

:func:`make_clip` builds the data (needs the ``render`` extra: Pillow, scipy);
:func:`fragment` turns an outcome's clip and levels into HTML.
"""

from __future__ import annotations

import base64
import io
from html import escape
from typing import TYPE_CHECKING

from synharness.result import AudioClip, AudioMetrics, ScenarioOutcome

if TYPE_CHECKING:
    import numpy as np

CLIP_SECONDS = 4.0
CLIP_RATE = 11025
SPECTROGRAM_SIZE = (480, 160)
_FFT = 1024
_FLOOR_DB = -100.0
_LOW_HZ = 40.0
# A dark-to-bright colour ramp (black, purple, orange, pale yellow) for the magnitudes.
_STOPS = ((0, 0, 4), (80, 18, 123), (182, 54, 121), (251, 136, 97), (252, 253, 191))


def _mono(samples: np.ndarray) -> np.ndarray:
    import numpy as np

    data = np.nan_to_num(np.asarray(samples, dtype=np.float64))
    return data.mean(axis=1) if data.ndim == 2 else data


def clip_wav(samples: np.ndarray, rate: int, *, seconds: float = CLIP_SECONDS) -> bytes:
    """The clip as 8-bit 11,025 Hz mono WAV bytes."""
    from scipy.signal import resample_poly
    from synharness.render.wav import pcm8_wav

    mono = _mono(samples)[: int(seconds * rate)]
    if len(mono) and rate != CLIP_RATE:
        mono = resample_poly(mono, CLIP_RATE, rate)
    return pcm8_wav(mono, CLIP_RATE)


def spectrogram_png(samples: np.ndarray, rate: int) -> bytes:
    """The spectrogram of the whole render as PNG bytes."""
    import numpy as np
    from PIL import Image

    stops = np.array(_STOPS, dtype=np.float64)
    mono = _mono(samples)
    width, height = SPECTROGRAM_SIZE
    hop = max(len(mono) // width, 1)
    if len(mono) < _FFT:
        mono = np.pad(mono, (0, _FFT - len(mono)))
    starts = np.arange(0, len(mono) - _FFT + 1, hop)[:width]
    frames = mono[starts[:, None] + np.arange(_FFT)[None, :]] * np.hanning(_FFT)
    magnitude = np.abs(np.fft.rfft(frames, axis=1)) / (_FFT / 4)  # full-scale sine -> ~0 dB
    with np.errstate(divide="ignore"):
        db = 20.0 * np.log10(np.maximum(magnitude, 1e-12))
    # Rows on a logarithmic frequency axis from 40 Hz to Nyquist (as pitch is heard),
    # interpolated between FFT bins; low frequencies at the bottom.
    bins = np.geomspace(_LOW_HZ, rate / 2, height) / (rate / _FFT)
    below = np.clip(np.floor(bins).astype(int), 0, db.shape[1] - 2)
    weight = np.clip(bins - below, 0.0, 1.0)
    rows = db[:, below] * (1 - weight) + db[:, below + 1] * weight
    level = np.clip((rows - _FLOOR_DB) / -_FLOOR_DB, 0.0, 1.0).T[::-1]
    position = level * (len(stops) - 1)
    low = np.floor(position).astype(int).clip(0, len(stops) - 2)
    frac = (position - low)[..., None]
    rgb = (stops[low] * (1 - frac) + stops[low + 1] * frac).astype(np.uint8)
    image = Image.fromarray(rgb, "RGB")
    if image.size != (width, height):  # a render shorter than one column per pixel
        image = image.resize((width, height), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def make_clip(samples: np.ndarray, rate: int) -> AudioClip:
    """Player and spectrogram data of one render."""
    wav = clip_wav(samples, rate)
    png = spectrogram_png(samples, rate)
    return AudioClip(
        wav_data_uri="data:audio/wav;base64," + base64.b64encode(wav).decode("ascii"),
        spectrogram_data_uri="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        seconds=min(CLIP_SECONDS, samples.shape[0] / rate),
    )


def _level(value: float | None, unit: str) -> str:
    return "-inf " + unit if value is None else f"{value:.1f} {unit}"


def _levels(audio: AudioMetrics) -> str:
    notes = f"{audio.notes} note(s)" + (" (audition pattern)" if audio.audition else "")
    return (
        f"loudness {_level(audio.integrated_lufs, 'LUFS')} · peak {_level(audio.peak_dbfs, 'dBFS')}"
        f" · true peak {_level(audio.true_peak_dbtp, 'dBTP')}"
        f" · crest {_level(audio.crest_factor_db, 'dB')} · DC {audio.dc_offset:.4f} · {notes}"
    )


def fragment(outcome: ScenarioOutcome) -> str:
    """The HTML of an outcome's audio (empty when the scenario was not rendered)."""
    audio = outcome.audio
    if audio is None:
        return ""
    parts = [f'<figure class="audio">\n<figcaption class="meta">tone: {escape(_levels(audio))}']
    if audio.wav:
        parts.append(f" · <code>{escape(audio.wav)}</code>")
    parts.append("</figcaption>\n")
    clip = audio.clip
    if clip is not None:
        parts.append(
            f'<audio controls preload="none" src="{clip.wav_data_uri}"></audio> '
            f'<span class="meta">first {clip.seconds:g} s, 8-bit 11 kHz preview</span><br>\n'
            f'<img class="spectrogram" alt="spectrogram of the tone" width="{SPECTROGRAM_SIZE[0]}" '
            f'height="{SPECTROGRAM_SIZE[1]}" src="{clip.spectrogram_data_uri}">\n'
        )
    parts.append("</figure>\n")
    return "".join(parts)
