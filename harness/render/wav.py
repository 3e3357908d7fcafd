"""WAV encoding (RIFF), without dependencies: 32-bit float for renders, 8-bit PCM for previews.

A render is written as IEEE float (``WAVE_FORMAT_IEEE_FLOAT``), so samples above
full scale survive for inspection instead of being clipped by the encoder; the
standard library's :mod:`wave` writes PCM only, hence the hand-made header.
"""

from __future__ import annotations

import struct

import numpy as np

_PCM, _FLOAT = 1, 3


def _riff(fmt_tag: int, channels: int, rate: int, bits: int, data: bytes, frames: int) -> bytes:
    block = channels * bits // 8
    if fmt_tag == _PCM:
        fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * block, block, bits)
        chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt
    else:
        # Non-PCM formats carry cbSize and a fact chunk (the frame count).
        fmt = struct.pack("<HHIIHHH", fmt_tag, channels, rate, rate * block, block, bits, 0)
        chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt
        chunks += b"fact" + struct.pack("<II", 4, frames)
    pad = b"\0" if len(data) % 2 else b""
    chunks += b"data" + struct.pack("<I", len(data)) + data + pad
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def float_wav(samples: np.ndarray, rate: int) -> bytes:
    """A 32-bit float WAV of ``samples`` (frames x channels); non-finite samples become 0."""
    data = np.asarray(samples, dtype=np.float32)
    if data.ndim == 1:
        data = data[:, None]
    data = np.where(np.isfinite(data), data, 0.0).astype("<f4")
    return _riff(_FLOAT, data.shape[1], rate, 32, data.tobytes(), data.shape[0])


def pcm8_wav(mono: np.ndarray, rate: int) -> bytes:
    """An 8-bit unsigned PCM mono WAV (clipped to full scale, as a DAC would)."""
    x = np.clip(np.nan_to_num(np.asarray(mono, dtype=np.float64)), -1.0, 1.0)
    data = np.round(x * 127.0 + 128.0).astype(np.uint8)
    return _riff(_PCM, 1, rate, 8, data.tobytes(), len(data))


def read_float_wav(raw: bytes) -> tuple[np.ndarray, int]:
    """Read back what :func:`float_wav` wrote: (frames x channels, rate)."""
    if raw[:4] != b"RIFF" or raw[8:12] != b"WAVE":
        raise ValueError("not a RIFF/WAVE file")
    pos, channels, rate, data = 12, 1, 0, b""
    while pos + 8 <= len(raw):
        kind, size = raw[pos : pos + 4], struct.unpack("<I", raw[pos + 4 : pos + 8])[0]
        body = raw[pos + 8 : pos + 8 + size]
        if kind == b"fmt ":
            tag, channels, rate = struct.unpack("<HHI", body[:8])
            if tag != _FLOAT:
                raise ValueError(f"format tag {tag} is not IEEE float")
        elif kind == b"data":
            data = body
        pos += 8 + size + (size % 2)
    return np.frombuffer(data, dtype="<f4").reshape(-1, channels), rate
