"""The modulation engine: every modulation in closed form, vectorised over time and assets.

Vocabulary:
- *bank*: a :class:`ModulationBank`, one row per modulation (of any number of
  assets), and :class:`ParameterRows`, one row per parameter; each modulation
  names its *target* row;
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
built once per block, so only five of the twenty waveform x profile pairs pay
a transcendental per sample. Blocks run on a thread pool (numpy releases the
GIL) and time is walked in chunks, so memory stays bounded whatever the length
of the run. Values stay float64 and agree with :mod:`agents.waveforms` to
about 1e-12.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from agents.waveforms import PROFILES, WAVEFORMS

#: Steps evaluated together; 512 float64 keep a block's rows within L2.
DEFAULT_CHUNK = 512
#: Modulations per block (one thread's unit of work).
DEFAULT_BLOCK = 384
_N_PROFILES = len(PROFILES)
_SINE, _TRIANGLE, _SQUARE, _SAWTOOTH = range(4)
_LINEAR, _EXPONENTIAL, _LOGARITHMIC, _PSINE, _PCOSINE = range(5)
#: (a, period) of the continuous sin(a·z) some waveform x profile pairs reduce to.
_ROTATIONS: dict[tuple[int, int], tuple[float, float]] = {
    **{(_SINE, p): (2.0 * math.pi, 1.0) for p in range(_N_PROFILES)},
    (_TRIANGLE, _PSINE): (math.pi, 2.0),
    (_TRIANGLE, _PCOSINE): (math.pi, 2.0),
    (_SAWTOOTH, _PSINE): (math.pi / 2.0, 4.0),
    (_SAWTOOTH, _PCOSINE): (math.pi / 2.0, 4.0),
}
_HUGE = 1e300


@dataclass(frozen=True)
class ModulationBank:
    """Struct of arrays: one row per modulation."""

    #: Index into :data:`agents.waveforms.WAVEFORMS`.
    waveform: np.ndarray
    #: Index into :data:`agents.waveforms.PROFILES`.
    profile: np.ndarray
    frequency: np.ndarray
    #: ``c`` of the cycle position ``u = f·t + c``.
    cycle: np.ndarray
    #: ``amplitude · scale``.
    depth: np.ndarray
    offset: np.ndarray
    multiplicative: np.ndarray
    #: The modulation's own range (±inf when absent).
    lo: np.ndarray
    hi: np.ndarray
    #: Row of the target in :class:`ParameterRows`.
    target: np.ndarray

    def __len__(self) -> int:
        return len(self.target)

    @classmethod
    def concat(cls, banks: Sequence[ModulationBank], offsets: Sequence[int]) -> ModulationBank:
        """Stack banks, shifting each one's targets by its parameter offset."""
        fields = {
            name: np.concatenate([getattr(b, name) for b in banks]) if banks else np.empty(0)
            for name in cls.__dataclass_fields__
            if name != "target"
        }
        target = (
            np.concatenate([b.target + off for b, off in zip(banks, offsets, strict=True)])
            if banks
            else np.empty(0, dtype=np.int64)
        )
        return cls(**fields, target=target.astype(np.int64))


@dataclass(frozen=True)
class ParameterRows:
    """Struct of arrays: one row per parameter (default and declared range)."""

    default: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    def __len__(self) -> int:
        return len(self.default)

    @classmethod
    def concat(cls, rows: Sequence[ParameterRows]) -> ParameterRows:
        """Stack parameter rows."""
        return cls(
            *(np.concatenate([getattr(r, n) for r in rows]) for n in ("default", "lo", "hi"))
        )


@dataclass(frozen=True)
class EngineTrace:
    """What the engine computed: recorded values and per-parameter counters."""

    #: Parameter rows x recorded samples (steps ``0, every, 2·every, ...``).
    values: np.ndarray
    #: Same shape: whether a clamp changed the value at that sample.
    clamped_mask: np.ndarray
    #: Per parameter: steps (all steps, not only recorded ones) at which a clamp acted.
    clamped: np.ndarray
    #: Per parameter: steps with a NaN or infinite value.
    nonfinite: np.ndarray
    every: int
    steps: int


def samples_of(steps: int, every: int) -> int:
    """How many samples recording every ``every``-th of ``steps`` steps keeps."""
    return (steps - 1) // every + 1 if steps > 0 else 0


def evaluate(
    mods: ModulationBank,
    params: ParameterRows,
    *,
    steps: int,
    dt: float,
    every: int = 1,
    base: np.ndarray | None = None,
    threads: int = 1,
    chunk: int = DEFAULT_CHUNK,
    block: int = DEFAULT_BLOCK,
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
        base: ``None`` (every base is the default) or an array of parameter
            rows x ``steps`` base values.
        threads: Worker threads (blocks are shared out between them).
        chunk: Steps per chunk.
        block: Modulations per block.
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
    plans = _plan_blocks(mods, params, base=base, block=block)
    job = _Job(mods, params, base, out, steps, dt, every, max(1, min(chunk, steps)))
    if threads > 1 and len(plans) > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for _ in pool.map(job.run, plans):
                pass
    else:
        for plan in plans:
            job.run(plan)
    return out


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
            _shaped(waveform[m], profile[m], f[m : m + 1], c[m : m + 1], t, 0.0, w_buf, tmp, None)
            v = w_buf[0]
            centre = offset[m]
            gain = depth[m] * (centre if mult[m] else 1.0)
            finite = finite and math.isfinite(gain) and math.isfinite(centre)
            with np.errstate(all="ignore") if not finite else _NO_CONTEXT:
                v *= gain
                v += centre
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


@dataclass(frozen=True)
class _Plan:
    """One block: parameter rows ``[p0, p1)`` and its modulations, grouped by kind."""

    p0: int
    p1: int
    #: Global modulation rows, sorted by waveform x profile.
    rows: np.ndarray
    #: (waveform, profile, start, stop) slices of ``rows``.
    groups: tuple[tuple[int, int, int, int], ...]
    #: Per slot: (local parameter rows, local modulation rows).
    slots: tuple[tuple[np.ndarray, np.ndarray], ...]
    #: Whether slot 0 covers every parameter of the block.
    covered: bool
    clamp_mods: bool
    clamp_params: bool
    check_finite: bool


def _plan_blocks(
    mods: ModulationBank, params: ParameterRows, *, base: np.ndarray | None, block: int
) -> list[_Plan]:
    n_p = len(params)
    order = np.argsort(mods.target, kind="stable")
    counts = np.bincount(mods.target, minlength=n_p) if len(mods) else np.zeros(n_p, np.int64)
    ends = np.cumsum(counts)
    # Cut parameter rows so that each block holds about `block` modulations.
    cuts = [0] if len(mods) > block else [0, n_p]
    while cuts[-1] < n_p:
        start_mods = ends[cuts[-1] - 1] if cuts[-1] > 0 else 0
        nxt = int(np.searchsorted(ends, start_mods + block, side="right"))
        cuts.append(min(n_p, max(nxt, cuts[-1] + 1)))
    reach_lo, reach_hi = _reach(mods, params)
    varying = base is not None
    plans = []
    for p0, p1 in itertools.pairwise(cuts):
        m0 = int(ends[p0 - 1]) if p0 > 0 else 0
        m1 = int(ends[p1 - 1])
        rows = order[m0:m1]
        combo = mods.waveform[rows].astype(np.int64) * _N_PROFILES + mods.profile[rows]
        by_combo = np.argsort(combo, kind="stable")
        rows = rows[by_combo]
        combo = combo[by_combo]
        groups = []
        combos = combo.tolist()
        start = 0
        for i in range(1, len(combos) + 1):
            if i == len(combos) or combos[i] != combos[start]:
                groups.append((combos[start] // _N_PROFILES, combos[start] % _N_PROFILES, start, i))
                start = i
        local_target = mods.target[rows] - p0
        slot = _slot_of(local_target)
        slots = tuple(
            (local_target[slot == s], np.flatnonzero(slot == s))
            for s in range(int(slot.max(initial=-1)) + 1)
        )
        covered = bool(slots) and len(slots[0][0]) == p1 - p0
        clamp_mods = varying or bool(
            np.any((reach_lo[rows] < mods.lo[rows]) | (reach_hi[rows] > mods.hi[rows]))
        )
        p_lo, p_hi = _param_reach(mods, params, rows, p0, p1, reach_lo, reach_hi)
        clamp_params = varying or bool(
            np.any((p_lo < params.lo[p0:p1]) | (p_hi > params.hi[p0:p1]))
        )
        finite = (
            np.isfinite(p_lo) & np.isfinite(p_hi) & (np.abs(p_lo) < _HUGE) & (np.abs(p_hi) < _HUGE)
        )
        check_finite = varying or not bool(np.all(finite))
        plans.append(
            _Plan(
                p0, p1, rows, tuple(groups), slots, covered, clamp_mods, clamp_params, check_finite
            )
        )
    return plans


def _slot_of(target: np.ndarray) -> np.ndarray:
    """Rank of each modulation among those with the same target (0 for the first)."""
    slot = np.zeros(len(target), dtype=np.int64)
    seen: dict[int, int] = {}
    for i, p in enumerate(target.tolist()):
        slot[i] = seen.get(p, 0)
        seen[p] = slot[i] + 1
    return slot


def _reach(mods: ModulationBank, params: ParameterRows) -> tuple[np.ndarray, np.ndarray]:
    """Interval each modulation's unclamped value can take around a constant base."""
    centre, depth = mods.offset, np.abs(mods.depth)
    if not (np.isfinite(centre).all() and np.isfinite(depth).all()):
        # Non-finite banks are rare (and findings): give them the safe, checked path.
        inf = np.full(len(mods), np.inf)
        return -inf, inf
    lo, hi = centre - depth, centre + depth
    if mods.multiplicative.any():
        a, b = centre * (1.0 - depth), centre * (1.0 + depth)
        lo = np.where(mods.multiplicative, np.minimum(a, b), lo)
        hi = np.where(mods.multiplicative, np.maximum(a, b), hi)
    # A margin keeps borderline rows on the clamping path: rounding may cross the bound.
    pad = 1e-9 * (np.abs(lo) + np.abs(hi) + 1.0)
    return lo - pad, hi + pad


def _param_reach(
    mods: ModulationBank,
    params: ParameterRows,
    rows: np.ndarray,
    p0: int,
    p1: int,
    reach_lo: np.ndarray,
    reach_hi: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    y = params.default[p0:p1]
    lo, hi = y.copy(), y.copy()
    target = mods.target[rows] - p0
    # Clamping is monotone: the clamped reach is the reach's ends clamped.
    m_lo = np.minimum(np.maximum(reach_lo[rows], mods.lo[rows]), mods.hi[rows]) - y[target]
    m_hi = np.minimum(np.maximum(reach_hi[rows], mods.lo[rows]), mods.hi[rows]) - y[target]
    if np.isfinite(m_lo).all() and np.isfinite(m_hi).all():
        np.add.at(lo, target, m_lo)
        np.add.at(hi, target, m_hi)
        return lo, hi
    inf = np.full(p1 - p0, np.inf)
    return -inf, inf


class _Job:
    """Evaluates blocks; one instance is shared by the worker threads (read-only state)."""

    def __init__(
        self,
        mods: ModulationBank,
        params: ParameterRows,
        base: np.ndarray | None,
        out: EngineTrace,
        steps: int,
        dt: float,
        every: int,
        chunk: int,
    ) -> None:
        self.mods, self.params, self.base, self.out = mods, params, base, out
        self.steps, self.dt, self.every, self.chunk = steps, dt, every, chunk

    def run(self, plan: _Plan) -> None:
        # Blocks that may overflow compute NaN and inf on purpose (SYN-SIM-001 counts
        # them); only they pay for silencing numpy's warnings.
        if plan.check_finite:
            with np.errstate(all="ignore"):
                self._run(plan)
        else:
            self._run(plan)

    def _run(self, plan: _Plan) -> None:
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
        # Tables pay off only when many chunks reuse them.
        use_tables = self.steps >= 4 * chunk
        tables = {
            (w, p, s0, s1): _table(f[s0:s1], _ROTATIONS[(w, p)][0], dt, chunk)
            for w, p, s0, s1 in plan.groups
            if use_tables and (w, p) in _ROTATIONS
        }
        v_buf = np.empty((n_m, chunk))
        scratch = np.empty((n_m, chunk))
        saw = any(key[0] == _SAWTOOTH for key in tables)
        extra_bufs = (np.empty((n_m, chunk)), np.empty((n_m, chunk))) if saw else None
        p_buf = np.empty((n_p, chunk))
        mask_buf = np.empty((n_p, chunk), dtype=bool)
        gain = depth * np.where(mult[:, None], offset, 1.0)
        direct = (
            self.base is None
            and plan.covered
            and len(plan.slots) == 1
            and not (plan.clamp_mods or plan.clamp_params or plan.check_finite)
        )
        # Block parameter row i takes modulation row order[i] on the direct path.
        order = np.empty(n_p, dtype=np.int64)
        if direct:
            order[plan.slots[0][0]] = plan.slots[0][1]
        for k0 in range(0, self.steps, chunk):
            n = min(chunk, self.steps - k0)
            v, tmp = v_buf[:, :n], scratch[:, :n]
            t = np.arange(k0, k0 + n, dtype=np.float64) * dt
            for w, p, s0, s1 in plan.groups:
                _shaped(
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
            if self.base is None:
                y: np.ndarray = default[:, None]
                centre: np.ndarray = offset
            else:
                y = self.base[plan.p0 : plan.p1, k0 : k0 + n]
                centre = offset + (y[local_target] - default[local_target, None])
            # v ← centre + depth·w' (additive) or centre·(1 + depth·w') (multiplicative),
            # both written centre + gain·w' so that one multiply-add serves every row.
            if self.base is None:
                v *= gain
            else:
                v *= depth * np.where(mult[:, None], centre, 1.0)
            v += centre
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

    def _record_direct(
        self, plan: _Plan, k0: int, n: int, v: np.ndarray, order: np.ndarray
    ) -> None:
        out, every = self.out, self.every
        first = (-k0) % every
        if first >= n:
            return
        g0 = (k0 + first) // every
        picked = v[:, first:n:every] if every > 1 else v
        target = out.values[plan.p0 : plan.p1, g0 : g0 + picked.shape[1]]
        # mode="clip" writes straight into the strided view (the indices are valid).
        np.take(picked, order, axis=0, out=target, mode="clip")

    def _record(
        self, plan: _Plan, k0: int, n: int, pv: np.ndarray, mask: np.ndarray | None
    ) -> None:
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


def _table(f: np.ndarray, alpha: float, dt: float, chunk: int) -> tuple[np.ndarray, np.ndarray]:
    """sin and cos of ``j·a·f·dt`` for ``j < chunk``: the per-row rotation steps."""
    angle = np.multiply.outer(alpha * f * dt, np.arange(chunk, dtype=np.float64))
    return np.sin(angle), np.cos(angle)


def _rotation(
    alpha: float,
    period: float,
    f: np.ndarray,
    c: np.ndarray,
    t0: float,
    n: int,
    table: tuple[np.ndarray, np.ndarray],
    out: np.ndarray,
    tmp: np.ndarray,
    *,
    cosine: bool = False,
) -> None:
    """``sin(a·z)`` (or ``cos``) for ``z = f·t + c`` over a chunk, by angle addition."""
    z0 = f * t0 + c
    theta0 = alpha * (z0 - period * np.floor(z0 / period))
    s0, c0 = np.sin(theta0)[:, None], np.cos(theta0)[:, None]
    sin_j, cos_j = table[0][:, :n], table[1][:, :n]
    if cosine:  # cos(a + b) = cos a cos b - sin a sin b
        np.multiply(cos_j, c0, out=out)
        np.multiply(sin_j, s0, out=tmp)
        out -= tmp
    else:  # sin(a + b) = sin a cos b + cos a sin b
        np.multiply(cos_j, s0, out=out)
        np.multiply(sin_j, c0, out=tmp)
        out += tmp


def _sawtooth_rotated(
    p: int,
    f: np.ndarray,
    c: np.ndarray,
    t: np.ndarray,
    t0: float,
    table: tuple[np.ndarray, np.ndarray],
    out: np.ndarray,
    tmp: np.ndarray,
    extra: tuple[np.ndarray, np.ndarray],
) -> None:
    """Sine and cosine profiles of the sawtooth without a transcendental per sample.

    With ``y = z - n`` (``n = floor z``), ``sin(πy/2)`` is ``|sin(πz/2)|`` for even
    ``n`` and ``|cos(πz/2)|`` for odd ``n`` (and the other way round for cos), so
    the rotation tables of ``πz/2`` and the parity of ``n`` give both exactly.
    """
    n = len(t)
    parity, cos_half = extra
    np.multiply.outer(f, t, out=parity)
    parity += c[:, None]
    np.floor(parity, out=parity)
    # n is odd when n/2 has a fraction (np.fmod is a libm call per element: 30 ns).
    parity *= 0.5
    np.floor(parity, out=cos_half)
    odd = parity != cos_half
    _rotation(math.pi / 2.0, 4.0, f, c, t0, n, table, out, tmp)
    _rotation(math.pi / 2.0, 4.0, f, c, t0, n, table, cos_half, tmp, cosine=True)
    np.abs(out, out=out)
    np.abs(cos_half, out=cos_half)
    if p == _PSINE:  # w' = 2·sin(πy/2) - 1
        np.copyto(out, cos_half, where=odd)
        out *= 2.0
        out -= 1.0
    else:  # w' = 2·(1 - cos(πy/2)) - 1 = 1 - 2·cos(πy/2)
        np.copyto(cos_half, out, where=odd)
        np.multiply(cos_half, -2.0, out=out)
        out += 1.0


def _fraction(
    f: np.ndarray, c: np.ndarray, t: np.ndarray, out: np.ndarray, tmp: np.ndarray
) -> None:
    """``y = frac(f·t + c)``, with the same operations as the scalar reference."""
    np.multiply.outer(f, t, out=out)
    out += c[:, None]
    np.floor(out, out=tmp)
    out -= tmp


def _shaped(
    w: int,
    p: int,
    f: np.ndarray,
    c: np.ndarray,
    t: np.ndarray,
    t0: float,
    out: np.ndarray,
    tmp: np.ndarray,
    table: tuple[np.ndarray, np.ndarray] | None,
    extra: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """Write ``w'`` (shaped waveform) of one waveform x profile group into ``out``."""
    n = len(t)
    if table is not None:
        alpha, period = _ROTATIONS[(w, p)]
        if w == _SAWTOOTH:
            assert extra is not None
            _sawtooth_rotated(p, f, c, t, t0, table, out, tmp, extra)
            return
        if w == _TRIANGLE:
            # sin(π·q/2) = |sin πz| and cos(π·q/2) = |cos πz| for the folded triangle.
            _rotation(alpha, period, f, c, t0, n, table, out, tmp, cosine=p == _PCOSINE)
            np.abs(out, out=out)
            if p == _PSINE:
                out *= 2.0
                out -= 1.0
            else:
                out *= -2.0
                out += 1.0
            return
        _rotation(alpha, period, f, c, t0, n, table, out, tmp)
        _profile_of_wave(p, out)
        return
    if w == _SINE:  # no table: small runs evaluate sin directly
        _fraction(f, c, t, out, tmp)
        out *= 2.0 * math.pi
        np.sin(out, out=out)
        _profile_of_wave(p, out)
        return
    _fraction(f, c, t, out, tmp)
    if w == _SQUARE:
        # Every profile maps q = 0 to 0 and q = 1 to 1: the square stays ±1.
        np.greater(out, 0.5, out=tmp)
        np.multiply(tmp, -2.0, out=out)
        out += 1.0
        return
    if w == _TRIANGLE:
        out -= 0.5
        np.abs(out, out=out)
        out *= -2.0
        out += 1.0  # q = 1 - 2|y - ½|
    # Sawtooth: q = y already.
    _profile_of_q(p, out)


def _profile_of_wave(p: int, out: np.ndarray) -> None:
    """Shape a waveform value w in place: w' = 2·P((w + 1)/2) - 1."""
    if p == _LINEAR:
        return
    out += 1.0
    out *= 0.5
    _profile_of_q(p, out)


def _profile_of_q(p: int, out: np.ndarray) -> None:
    """w' = 2·P(q) - 1 in place, from q in [0, 1]."""
    if p == _EXPONENTIAL:
        out *= out
    elif p == _LOGARITHMIC:
        out *= 9.0
        out += 1.0
        np.log10(out, out=out)
    elif p == _PSINE:
        out *= math.pi / 2.0
        np.sin(out, out=out)
    elif p == _PCOSINE:
        out *= math.pi / 2.0
        np.cos(out, out=out)
        out *= -1.0
        out += 1.0
    out *= 2.0
    out -= 1.0


def waveform_code(name: str) -> int:
    """Index of a waveform name."""
    return WAVEFORMS.index(name)


def profile_code(name: str | None) -> int:
    """Index of a scale profile name (absent means linear)."""
    return PROFILES.index(name or "linear")
