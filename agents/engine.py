"""The modulation engine: every modulation in closed form, vectorised over time and assets.

Vocabulary:
- *bank*: a :class:`~synharness.agents.bank.ModulationBank`, one row per modulation (of
  any number of assets), and :class:`~synharness.agents.bank.ParameterRows`, one row per
  parameter; each modulation names its *target* row;
- *base*: the value a parameter would have without modulations (its default,
  or what controls and rules made of it), constant or one value per step;
- *block*: a contiguous run of parameter rows with their modulations, the unit
  of work of one thread; *chunk*: a run of consecutive steps evaluated at once,
  small enough that the block's buffers stay in cache;
- *reach*: the interval a modulation's value can take; rows whose reach fits
  their ranges skip clamping, rows whose values cannot overflow skip the
  finiteness check.

Why it is fast: three waveforms are piecewise linear in the cycle fraction,
and every ``sin(a·z)`` of a cycle position that grows linearly with time is
computed by angle addition from per-row tables of ``sin``/``cos`` of ``j·δ``
built once per block (:mod:`synharness.agents.kernels`), so only two of the twenty
waveform x profile pairs pay ``np.sin`` per sample. Blocks run on a thread pool (numpy releases the
GIL) and time is walked in chunks, so memory stays bounded whatever the length
of the run. Values stay float64 and agree with :mod:`synharness.agents.waveforms` to
about 1e-12.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from synharness.agents.bank import EngineTrace, ModulationBank, ParameterRows, samples_of
from synharness.agents.kernels import (
    ROTATIONS,
    SAWTOOTH,
    profile_code,
    shaped,
    table,
    waveform_code,
)
from synharness.agents.planning import Plan, plan_blocks

__all__ = [
    "DEFAULT_BLOCK",
    "DEFAULT_CHUNK",
    "WINDOW_STEPS",
    "WINDOW_VALUES",
    "BaseWindows",
    "EngineTrace",
    "ModulationBank",
    "ParameterRows",
    "evaluate",
    "profile_code",
    "samples_of",
    "waveform_code",
]

#: Steps evaluated together; 512 float64 keep a block's rows within L2.
DEFAULT_CHUNK = 512
#: Modulations per block (one thread's unit of work); big blocks amortise the per-call
#: Python overhead, which is what keeps two threads from scaling on small ones.
DEFAULT_BLOCK = 1024


def evaluate(
    mods: ModulationBank,
    params: ParameterRows,
    *,
    steps: int,
    dt: float,
    every: int = 1,
    base: np.ndarray | BaseWindows | None = None,
    threads: int = 1,
    chunk: int = DEFAULT_CHUNK,
    block: int = DEFAULT_BLOCK,
    window: int | None = None,
    out: EngineTrace | None = None,
) -> EngineTrace:
    """Evaluate every parameter at steps ``k = 0 .. steps-1`` (``t = k·dt``).

    A parameter's value is ``p = y + Σ_m (clamp_m(v_m) - y)`` clamped to its
    range, where ``y`` is its base and ``v_m`` the value of modulation ``m``
    around the centre ``offset_m + (y - default)`` (see ``docs/semantics.md``).

    Args:
        mods: The modulations.
        params: The parameters they target.
        steps: Number of steps (``N + 1`` for ``t = 0 .. N·dt``).
        dt: Step length in seconds.
        every: Record every ``every``-th step.
        base: ``None`` (every base is the default), an array of parameter
            rows x ``steps`` base values, or a callable that returns the rows x
            ``count`` base values of steps ``start .. start+count-1``, asked for
            window after window in step order (so a run need not hold them all).
        threads: Worker threads (blocks are shared out between them).
        chunk: Steps per chunk.
        block: Modulations per block.
        window: Steps per window of base values, rounded up to whole chunks so
            that every chunk sees the same times as in one pass (the values do
            not depend on it); ``None`` keeps a window within
            :data:`WINDOW_VALUES` values and :data:`WINDOW_STEPS` steps.
        out: A trace of the same shape to write into (its buffers are reused,
            counters reset), so that repeated runs do not pay for fresh memory.

    Returns:
        The recorded trace and counters.
    """
    n_p = len(params)
    n_s = samples_of(steps, every)
    if out is not None and out.values.shape == (n_p, n_s):
        out.clamped_mask[:] = False
        out.clamped[:] = 0
        out.nonfinite[:] = 0
        out = EngineTrace(out.values, out.clamped_mask, out.clamped, out.nonfinite, every, steps)
    else:
        out = EngineTrace(
            values=np.empty((n_p, n_s)),
            clamped_mask=np.zeros((n_p, n_s), dtype=bool),
            clamped=np.zeros(n_p, dtype=np.int64),
            nonfinite=np.zeros(n_p, dtype=np.int64),
            every=every,
            steps=steps,
        )
    if n_p == 0 or steps == 0:
        return out
    if base is None and len(mods) <= SMALL_BANK and steps <= chunk * 4:
        _evaluate_small(mods, params, out, steps=steps, dt=dt, every=every)
        return out
    chunk = max(1, min(chunk, steps))
    plans = plan_blocks(mods, params, varying=base is not None, block=block)
    job = _Job(mods, params, base is not None, out, steps, dt, every, chunk)
    if base is None:
        windows: list[tuple[int, int]] = [(0, steps)]
        source: BaseWindows | None = None
    else:
        size = window if window is not None else min(WINDOW_STEPS, WINDOW_VALUES // max(n_p, 1))
        size = -(-max(size, 1) // chunk) * chunk
        windows = [(w0, min(w0 + size, steps)) for w0 in range(0, steps, size)]
        source = base if callable(base) else _slices(base)
    job.windowed = len(windows) > 1
    pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 and len(plans) > 1 else None
    try:
        for w0, w1 in windows:
            y = source(w0, w1 - w0) if source is not None else None
            work = [(plan, w0, w1, y) for plan in plans]
            if pool is not None:
                for _ in pool.map(job.run, work):
                    pass
            else:
                for item in work:
                    job.run(item)
    finally:
        if pool is not None:
            pool.shutdown()
    return out


#: Base values (parameter rows x steps) per window of a scripted run: 8 MiB at most.
WINDOW_VALUES = 1 << 20
#: Steps per window at most: the caller's per-step state for a window (a scripted run's
#: timeline entries, Python objects) weighs more than the window's base values.
WINDOW_STEPS = 8192

#: ``base(start, count)``: the rows x ``count`` base values from step ``start`` on.
BaseWindows = Callable[[int, int], np.ndarray]


def _slices(base: np.ndarray) -> BaseWindows:
    def window(start: int, count: int) -> np.ndarray:
        return base[:, start : start + count]

    return window


#: Banks up to this many modulations (one asset's) take the planning-free path.
SMALL_BANK = 32


def _evaluate_small(
    mods: ModulationBank,
    params: ParameterRows,
    out: EngineTrace,
    *,
    steps: int,
    dt: float,
    every: int,
) -> None:
    """One asset's idle run: the blocked path's arithmetic without its planning overhead.

    The scoring loop runs this a thousand times a second, so it works row by row
    on Python floats where the general path would call numpy on tiny arrays.
    """
    t = np.arange(steps, dtype=np.float64) * dt
    default, p_lo, p_hi = params.default.tolist(), params.lo.tolist(), params.hi.tolist()
    by_target: dict[int, list[int]] = {}
    for m, row in enumerate(mods.target.tolist()):
        by_target.setdefault(row, []).append(m)
    values = out.values
    for row in range(len(default)):
        if row not in by_target and p_lo[row] <= default[row] <= p_hi[row]:
            values[row] = default[row]
    if not by_target:
        _small_undriven(params, out, steps=steps)
        return
    waveform, profile = mods.waveform.tolist(), mods.profile.tolist()
    f, c = mods.frequency, mods.cycle
    depth, offset = mods.depth.tolist(), mods.offset.tolist()
    mult, m_lo, m_hi = mods.multiplicative.tolist(), mods.lo.tolist(), mods.hi.tolist()
    w_buf, tmp = np.empty((1, steps)), np.empty((1, steps))
    acc = np.empty(steps)
    for row, members in by_target.items():
        y = default[row]
        mask: np.ndarray | None = None
        total: np.ndarray | None = None
        finite = True
        for m in members:
            a, b = shaped(
                waveform[m], profile[m], f[m : m + 1], c[m : m + 1], t, 0.0, w_buf, tmp, None
            )
            v = w_buf[0]
            centre = offset[m]
            gain = depth[m] * (centre if mult[m] else 1.0)
            finite = finite and math.isfinite(gain) and math.isfinite(centre)
            with np.errstate(all="ignore") if not finite else _NO_CONTEXT:
                # v = centre + gain·w' with w' = a·X + b.
                v *= gain * a
                v += centre + gain * b
            reach = abs(gain)
            if centre - reach < m_lo[m] or centre + reach > m_hi[m] or not finite:
                hit = (v < m_lo[m]) | (v > m_hi[m])
                mask = hit if mask is None else mask | hit
                np.clip(v, m_lo[m], m_hi[m], out=v)
            if total is None:
                total = acc
                np.copyto(total, v)
            else:
                total += v - y
        assert total is not None
        if not (p_lo[row] <= total.min() and total.max() <= p_hi[row]) or not finite:
            hit = (total < p_lo[row]) | (total > p_hi[row])
            mask = hit if mask is None else mask | hit
            np.clip(total, p_lo[row], p_hi[row], out=total)
        if mask is not None:
            out.clamped[row] = np.count_nonzero(mask)
            out.clamped_mask[row] = mask[::every]
        if not finite or not np.isfinite(total).all():
            out.nonfinite[row] = steps - np.count_nonzero(np.isfinite(total))
        values[row] = total[::every]
    _small_undriven(params, out, steps=steps, skip=by_target)


def _small_undriven(
    params: ParameterRows, out: EngineTrace, *, steps: int, skip: dict[int, list[int]] | None = None
) -> None:
    """Undriven parameters whose default lies outside their range: clamped at every step."""
    for row in range(len(params)):
        if skip is not None and row in skip:
            continue
        d, lo, hi = float(params.default[row]), float(params.lo[row]), float(params.hi[row])
        if not lo <= d <= hi:
            value = min(max(d, lo), hi)
            out.values[row] = value
            if value != d:
                out.clamped[row] = steps
                out.clamped_mask[row] = True
            if not math.isfinite(value):
                out.nonfinite[row] = steps


class _NoContext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NO_CONTEXT = _NoContext()


class _Job:
    """Evaluates blocks window by window; shared by the worker threads (read-only state).

    When the run comes in several windows, a block's rotation tables are built
    on its first window and kept (they depend on the block, not on the window);
    its buffers are one window's.
    """

    def __init__(
        self,
        mods: ModulationBank,
        params: ParameterRows,
        varying: bool,
        out: EngineTrace,
        steps: int,
        dt: float,
        every: int,
        chunk: int,
    ) -> None:
        self.mods, self.params, self.varying, self.out = mods, params, varying, out
        self.steps, self.dt, self.every, self.chunk = steps, dt, every, chunk
        #: Whether the run comes in several windows (then tables are kept per block).
        self.windowed = False
        self._tables: dict[int, dict[tuple[int, int, int, int], tuple[np.ndarray, np.ndarray]]] = {}

    def run(self, work: tuple[Plan, int, int, np.ndarray | None]) -> None:
        # Blocks that may overflow compute NaN and inf on purpose (SYN-SIM-001 counts
        # them); only they pay for silencing numpy's warnings.
        if work[0].check_finite:
            with np.errstate(all="ignore"):
                self._run(*work)
        else:
            self._run(*work)

    def _tables_of(
        self, plan: Plan, f: np.ndarray
    ) -> dict[tuple[int, int, int, int], tuple[np.ndarray, np.ndarray]]:
        # Tables pay off only when many chunks reuse them: the run's, not the window's.
        found = self._tables.get(id(plan))
        if found is None:
            use_tables = self.steps >= 4 * self.chunk
            found = {
                (w, p, s0, s1): table(f[s0:s1], ROTATIONS[(w, p)][0], self.dt, self.chunk)
                for w, p, s0, s1 in plan.groups
                if use_tables and (w, p) in ROTATIONS
            }
            if self.windowed:  # one pass needs them once: do not hold every block's at once
                self._tables[id(plan)] = found
        return found

    def _run(self, plan: Plan, w0: int, w1: int, base: np.ndarray | None) -> None:
        """Steps ``[w0, w1)`` of one block, around ``base`` (rows x ``w1 - w0``, or None)."""
        mods, params, chunk, dt = self.mods, self.params, self.chunk, self.dt
        rows = plan.rows
        n_m, n_p = len(rows), plan.p1 - plan.p0
        f, c = mods.frequency[rows], mods.cycle[rows]
        depth, offset = mods.depth[rows, None], mods.offset[rows, None]
        mult = mods.multiplicative[rows]
        m_lo, m_hi = mods.lo[rows, None], mods.hi[rows, None]
        local_target = mods.target[rows] - plan.p0
        default = params.default[plan.p0 : plan.p1]
        p_lo, p_hi = params.lo[plan.p0 : plan.p1, None], params.hi[plan.p0 : plan.p1, None]
        tables = self._tables_of(plan, f)
        v_buf = np.empty((n_m, chunk))
        scratch = np.empty((n_m, chunk))
        saw = any(key[0] == SAWTOOTH for key in tables)
        extra_bufs = (np.empty((n_m, chunk)), np.empty((n_m, chunk))) if saw else None
        p_buf = np.empty((n_p, chunk))
        mask_buf = np.empty((n_p, chunk), dtype=bool)
        gain = depth * np.where(mult[:, None], offset, 1.0)
        direct = (
            not self.varying
            and plan.covered
            and len(plan.slots) == 1
            and not (plan.clamp_mods or plan.clamp_params or plan.check_finite)
        )
        # Block parameter row i takes modulation row order[i] on the direct path.
        order = np.empty(n_p, dtype=np.int64)
        if direct:
            order[plan.slots[0][0]] = plan.slots[0][1]
        # Windows are whole chunks, so chunks start where they would in one pass.
        for k0 in range(w0, w1, chunk):
            n = min(chunk, w1 - k0)
            v, tmp = v_buf[:, :n], scratch[:, :n]
            t = np.arange(k0, k0 + n, dtype=np.float64) * dt
            if base is None:
                y: np.ndarray = default[:, None]
                centre: np.ndarray = offset
                gain_now = gain
            else:
                y = base[plan.p0 : plan.p1, k0 - w0 : k0 - w0 + n]
                centre = offset + (y[local_target] - default[local_target, None])
                gain_now = depth * np.where(mult[:, None], centre, 1.0)
            # v = centre + depth·w' (additive) or centre·(1 + depth·w') (multiplicative),
            # both written centre + gain·w'; with the kernel's w' = a·X + b this is one
            # multiply-add per group: v = X·(gain·a) + (centre + gain·b).
            for w, p, s0, s1 in plan.groups:
                a, b = shaped(
                    w,
                    p,
                    f[s0:s1],
                    c[s0:s1],
                    t,
                    k0 * dt,
                    v[s0:s1],
                    tmp[s0:s1],
                    tables.get((w, p, s0, s1)),
                    (extra_bufs[0][s0:s1, :n], extra_bufs[1][s0:s1, :n]) if extra_bufs else None,
                )
                g = gain_now[s0:s1]
                v[s0:s1] *= g * a
                v[s0:s1] += centre[s0:s1] + g * b
            mask = mask_buf[:, :n]
            clamping = plan.clamp_mods or plan.clamp_params
            if clamping:
                mask[:] = False
            if plan.clamp_mods:
                m_mask = (v < m_lo) | (v > m_hi)
                np.clip(v, m_lo, m_hi, out=v)
                for p_rows, m_rows in plan.slots:
                    mask[p_rows] |= m_mask[m_rows]
            if direct:
                # One modulation per parameter, nothing to clamp: write the values out as they are.
                self._record_direct(plan, k0, n, v, order)
                continue
            pv = p_buf[:, :n]
            if not plan.covered:
                pv[:] = y
            for s, (p_rows, m_rows) in enumerate(plan.slots):
                if s == 0:
                    pv[p_rows] = v[m_rows]
                else:
                    pv[p_rows] += v[m_rows] - y[p_rows]
            if plan.clamp_params:
                mask |= (pv < p_lo) | (pv > p_hi)
                np.clip(pv, p_lo, p_hi, out=pv)
            self._record(plan, k0, n, pv, mask if clamping else None)

    def _record_direct(self, plan: Plan, k0: int, n: int, v: np.ndarray, order: np.ndarray) -> None:
        out, every = self.out, self.every
        first = (-k0) % every
        if first >= n:
            return
        g0 = (k0 + first) // every
        picked = v[:, first:n:every] if every > 1 else v
        target = out.values[plan.p0 : plan.p1, g0 : g0 + picked.shape[1]]
        # A gather into a fresh block then one copy beats np.take into the strided
        # view (2.5x on this machine: take's out= loops element by element there).
        target[...] = picked[order]

    def _record(self, plan: Plan, k0: int, n: int, pv: np.ndarray, mask: np.ndarray | None) -> None:
        out, every = self.out, self.every
        rows = slice(plan.p0, plan.p1)
        if mask is not None:
            out.clamped[rows] += np.count_nonzero(mask, axis=1)
        if plan.check_finite:
            out.nonfinite[rows] += n - np.count_nonzero(np.isfinite(pv), axis=1)
        first = (-k0) % every
        if first >= n:
            return
        g0 = (k0 + first) // every
        if every == 1:
            out.values[rows, g0 : g0 + n] = pv
            if mask is not None:
                out.clamped_mask[rows, g0 : g0 + n] = mask
            return
        picked = pv[:, first:n:every]
        out.values[rows, g0 : g0 + picked.shape[1]] = picked
        if mask is not None:
            out.clamped_mask[rows, g0 : g0 + picked.shape[1]] = mask[:, first:n:every]
