"""Levels of a rendered tone and the findings they raise (``SYN-AUDIO-*``), as pure functions.

Vocabulary (samples are float, full scale 1.0, frames x channels):
- *sample peak*: ``20·log10(max |x|)`` in dBFS;
- *true peak*: the peak of the signal between samples, estimated by 4x
  oversampling with a polyphase low-pass FIR, in dBTP (ITU-R BS.1770-4 Annex 2);
- *integrated loudness*: ITU-R BS.1770-4 K-weighted, gated loudness in LUFS
  (``pyloudnorm``; 400 ms blocks, absolute gate -70 LUFS, relative gate -10 LU);
  None when no block passes the absolute gate or the render is shorter than a block;
- *crest factor*: sample peak over RMS, in dB;
- *DC offset*: the largest per-channel mean.

The thresholds and where they come from are in ``docs/audio.md``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from synharness.codes import finding
from synharness.findings import Finding

#: A render whose sample peak is below this is silent: BS.1770's absolute gate level.
SILENT_DBFS = -70.0
#: EBU R128 / AES TD1004 maximum true peak: above it a codec or DAC will clip.
MAX_TRUE_PEAK_DBTP = -1.0
#: The stated integrated-loudness range (LUFS): from 20 LU below EBU R128's -23 LUFS
#: programme target to 5 LU above the loudest streaming normalisation target (-14 LUFS).
LOUDNESS_RANGE = (-43.0, -9.0)
#: Largest per-channel mean (-40 dBFS) before it is reported as DC offset.
DC_LIMIT = 0.01
#: BS.1770-4 gating block: renders shorter than this have no integrated loudness.
GATE_BLOCK_SECONDS = 0.4
#: Oversampling factor of the true-peak meter (BS.1770-4 Annex 2).
TRUE_PEAK_OVERSAMPLING = 4


@dataclass(frozen=True)
class Levels:
    """What the meters read on one render (None where a level is minus infinity)."""

    sample_rate: int
    seconds: float
    peak_dbfs: float | None
    true_peak_dbtp: float | None
    integrated_lufs: float | None
    rms_dbfs: float | None
    crest_factor_db: float | None
    dc_offset: float
    nonfinite: int


def _db(x: float) -> float | None:
    return 20.0 * math.log10(x) if x > 0.0 else None


def true_peak(samples: np.ndarray) -> float:
    """The largest absolute value of ``samples`` oversampled 4x (linear, not dB).

    Args:
        samples: Finite float samples, frames x channels.
    """
    from scipy.signal import resample_poly

    if samples.shape[0] < 2:
        return float(np.max(np.abs(samples), initial=0.0))
    up = resample_poly(samples.astype(np.float64), TRUE_PEAK_OVERSAMPLING, 1, axis=0)
    return float(max(np.max(np.abs(up)), np.max(np.abs(samples))))


def integrated_loudness(samples: np.ndarray, rate: int) -> float | None:
    """BS.1770-4 integrated loudness in LUFS; None when it is minus infinity or undefined."""
    import pyloudnorm

    meter = pyloudnorm.Meter(rate)
    if samples.shape[0] < int(meter.block_size * rate) + 1:
        return None
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")  # log10(0) of silent blocks: the gate drops them
        value = float(meter.integrated_loudness(samples.astype(np.float64)))
    return value if math.isfinite(value) else None


def measure(samples: np.ndarray, rate: int) -> Levels:
    """Meter one render.

    Args:
        samples: Float samples, frames x channels (non-finite samples are counted,
            then read as 0 by the meters).
        rate: Sample rate in Hz.
    """
    data = np.asarray(samples, dtype=np.float64)
    if data.ndim == 1:
        data = data[:, None]
    finite = np.isfinite(data)
    nonfinite = int(data.size - np.count_nonzero(finite))
    if nonfinite:
        data = np.where(finite, data, 0.0)
    peak = float(np.max(np.abs(data), initial=0.0))
    rms = float(np.sqrt(np.mean(data * data))) if data.size else 0.0
    peak_db, rms_db = _db(peak), _db(rms)
    return Levels(
        sample_rate=rate,
        seconds=data.shape[0] / rate,
        peak_dbfs=peak_db,
        true_peak_dbtp=_db(true_peak(data)) if peak > 0 else None,
        integrated_lufs=integrated_loudness(data, rate) if peak > 0 else None,
        rms_dbfs=rms_db,
        crest_factor_db=peak_db - rms_db if peak_db is not None and rms_db is not None else None,
        dc_offset=float(np.max(np.abs(np.mean(data, axis=0)), initial=0.0)) if data.size else 0.0,
        nonfinite=nonfinite,
    )


def _fmt(value: float | None, unit: str) -> str:
    return "-inf " + unit if value is None else f"{value:.1f} {unit}"


def audio_findings(levels: Levels, *, pointer: str, scenario: str) -> list[Finding]:
    """SYN-AUDIO-001..005 for one render of one scenario.

    Args:
        levels: What :func:`measure` read.
        pointer: Where to point (the asset's tone).
        scenario: The scenario's name, for the message.
    """
    found: list[Finding] = []
    where = f"scenario {scenario!r}"
    if levels.nonfinite:
        found.append(
            finding(
                "SYN-AUDIO-005",
                pointer,
                f"{where}: {levels.nonfinite} rendered samples are NaN or infinite",
            )
        )
    silent = levels.peak_dbfs is None or levels.peak_dbfs < SILENT_DBFS
    if silent:
        found.append(
            finding(
                "SYN-AUDIO-001",
                pointer,
                f"{where}: the tone is silent (sample peak {_fmt(levels.peak_dbfs, 'dBFS')}, "
                f"below {SILENT_DBFS:g} dBFS over {levels.seconds:g} s)",
            )
        )
        return found
    peak, tp = levels.peak_dbfs, levels.true_peak_dbtp
    if (peak is not None and peak >= 0.0) or (tp is not None and tp > MAX_TRUE_PEAK_DBTP):
        found.append(
            finding(
                "SYN-AUDIO-002",
                pointer,
                f"{where}: the tone clips: sample peak {_fmt(peak, 'dBFS')} (limit below 0 dBFS), "
                f"true peak {_fmt(tp, 'dBTP')} (limit {MAX_TRUE_PEAK_DBTP:g} dBTP)",
            )
        )
    low, high = LOUDNESS_RANGE
    lufs = levels.integrated_lufs
    if lufs is None and levels.seconds >= GATE_BLOCK_SECONDS:
        # Audible samples, yet no 400 ms block reaches the absolute gate: far too quiet.
        found.append(
            finding(
                "SYN-AUDIO-003",
                pointer,
                f"{where}: no 400 ms block reaches the -70 LUFS absolute gate of ITU-R BS.1770-4 "
                f"(sample peak {_fmt(peak, 'dBFS')}): too quiet (stated range {low:g} to {high:g} LUFS)",
            )
        )
    elif lufs is not None and not low <= lufs <= high:
        side = "quiet" if lufs < low else "loud"
        found.append(
            finding(
                "SYN-AUDIO-003",
                pointer,
                f"{where}: integrated loudness {lufs:.1f} LUFS is too {side} "
                f"(stated range {low:g} to {high:g} LUFS, ITU-R BS.1770-4)",
            )
        )
    if levels.dc_offset > DC_LIMIT:
        found.append(
            finding(
                "SYN-AUDIO-004",
                pointer,
                f"{where}: DC offset {levels.dc_offset:.4f} of full scale "
                f"({_fmt(_db(levels.dc_offset), 'dBFS')}, limit {_fmt(_db(DC_LIMIT), 'dBFS')})",
            )
        )
    return found
