"""Metrics of a trace: per parameter min, max, mean, clipped fraction, NaN count, coverage.

Vocabulary:
- *clipped fraction*: steps at which a clamp changed the value, over all
  steps (recorded or not);
- *NaN count*: steps with a NaN or infinite value, over all steps;
- *coverage*: the fraction of the declared range the recorded samples
  visited, in :data:`COVERAGE_BINS` equal bins (0 when the range is not finite).

Min, max, mean and coverage read the recorded samples (every ``every``-th
step); ignore non-finite samples; and are 0 when no sample is finite.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from synharness.result import ParameterMetrics

if TYPE_CHECKING:
    from synharness.agents.orchestration import SimulationResult

COVERAGE_BINS = 64


def coverage(
    values: np.ndarray, lo: np.ndarray, hi: np.ndarray, *, all_finite: bool | None = None
) -> np.ndarray:
    """Fraction of ``[lo, hi]`` bins visited, per row of ``values`` (rows x samples).

    Non-finite samples visit nothing; a value at or beyond a bound visits the
    bin at that end.

    Args:
        values: Rows x samples.
        lo: Lower bound per row.
        hi: Upper bound per row.
        all_finite: Whether every value is finite, when the caller knows.

    Returns:
        Coverage per row; 0 for rows whose range is not finite.
    """
    rows, samples = values.shape
    width = hi - lo
    ok = np.isfinite(width) & (width > 0)
    every_row = bool(ok.all())
    if samples == 0 or not (every_row or ok.any()):
        return np.zeros(rows)
    v = values if every_row else values[ok]
    low = (lo if every_row else lo[ok])[:, None]
    scale = (COVERAGE_BINS / (width if every_row else width[ok]))[:, None]
    finite = np.isfinite(v) if all_finite is not True else None
    if finite is not None and finite.all():
        finite = None
    position = (v - low) if finite is None else (np.where(finite, v, low) - low)
    position *= scale
    np.clip(position, 0, COVERAGE_BINS - 1, out=position)
    bins = position.astype(np.int64)
    bins += np.arange(0, v.shape[0] * COVERAGE_BINS, COVERAGE_BINS)[:, None]
    hits = np.bincount(
        bins.ravel() if finite is None else bins[finite], minlength=v.shape[0] * COVERAGE_BINS
    )
    found: np.ndarray = np.count_nonzero(hits.reshape(-1, COVERAGE_BINS), axis=1) / COVERAGE_BINS
    if every_row:
        return found
    out = np.zeros(rows)
    out[ok] = found
    return out


def _metrics(**values: float) -> ParameterMetrics:
    # The numbers are computed here; validating them again (even model_construct's
    # bookkeeping) costs more than the idle run of a small asset.
    m = ParameterMetrics.__new__(ParameterMetrics)
    object.__setattr__(m, "__dict__", values)
    object.__setattr__(m, "__pydantic_fields_set__", set(values))
    object.__setattr__(m, "__pydantic_extra__", None)
    object.__setattr__(m, "__pydantic_private__", None)
    return m


#: Samples (rows x recorded steps) whose metrics are computed at once: 8 MiB of float64.
METRIC_VALUES = 1 << 20


def _block_metrics(
    sub: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Min, max, mean and coverage of each row of ``sub`` (rows x samples)."""
    all_finite = True
    if sub.shape[1] == 0:
        lows = highs = means = np.zeros(len(sub))
    elif all_finite := bool(np.isfinite(sub).all()):
        lows, highs, means = sub.min(axis=1), sub.max(axis=1), sub.mean(axis=1)
    else:
        finite = np.isfinite(sub)
        count = finite.sum(axis=1)
        lows = np.where(finite, sub, np.inf).min(axis=1)
        highs = np.where(finite, sub, -np.inf).max(axis=1)
        means = np.where(finite, sub, 0.0).sum(axis=1) / np.maximum(count, 1)
        lows, highs = np.where(count > 0, lows, 0.0), np.where(count > 0, highs, 0.0)
    return lows, highs, means, coverage(sub, lo, hi, all_finite=all_finite)


def parameter_metrics(
    result: SimulationResult, paths: Sequence[str]
) -> dict[str, ParameterMetrics]:
    """Metrics of ``paths`` in ``result`` (unknown paths are skipped).

    Args:
        result: A simulation result.
        paths: Which parameters.

    Returns:
        Path -> metrics, in the order of ``paths``.
    """
    index = result.index
    known = [p for p in paths if p in index]
    if not known:
        return {}
    rows = np.array([index[p] for p in known], dtype=np.int64)
    steps = max(result.steps, 1)
    lows, highs, means, cover = (np.zeros(len(rows)) for _ in range(4))
    # Rows are independent and each is reduced whole, so blocks of rows give the
    # same numbers as one pass while the temporaries stay a block's.
    samples = result.matrix.shape[1]
    size = max(1, METRIC_VALUES // max(samples, 1))
    for r0 in range(0, len(rows), size):
        picked = rows[r0 : r0 + size]
        part = slice(r0, r0 + len(picked))
        lows[part], highs[part], means[part], cover[part] = _block_metrics(
            result.matrix[picked], result.lo[picked], result.hi[picked]
        )
    out = {}
    for i, path in enumerate(known):
        out[path] = _metrics(
            min=float(lows[i]),
            max=float(highs[i]),
            mean=float(means[i]),
            clipped_fraction=result.clamped.get(path, 0) / steps,
            nan_count=result.nonfinite.get(path, 0),
            coverage=float(cover[i]),
        )
    return out
