"""Planning: how the engine shares parameter rows out into blocks, and what each block may skip.

Vocabulary: a *block* is a contiguous run of parameter rows with all their
modulations (one thread's unit of work), grouped by waveform x profile; a
*slot* is the rank of a modulation among those with the same target; the
*reach* of a modulation is the interval its value can take around a constant
base, so that blocks whose reach fits their ranges skip clamping and blocks
whose values cannot overflow skip the finiteness check.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from synharness.agents.bank import ModulationBank, ParameterRows
from synharness.agents.kernels import N_PROFILES

_HUGE = 1e300


@dataclass(frozen=True)
class Plan:
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


def plan_blocks(
    mods: ModulationBank, params: ParameterRows, *, varying: bool, block: int
) -> list[Plan]:
    """Blocks of about ``block`` modulations; ``varying``: whether the base moves (then clamp)."""
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
    plans = []
    for p0, p1 in itertools.pairwise(cuts):
        m0 = int(ends[p0 - 1]) if p0 > 0 else 0
        m1 = int(ends[p1 - 1])
        rows = order[m0:m1]
        combo = mods.waveform[rows].astype(np.int64) * N_PROFILES + mods.profile[rows]
        by_combo = np.argsort(combo, kind="stable")
        rows = rows[by_combo]
        combo = combo[by_combo]
        groups = []
        combos = combo.tolist()
        start = 0
        for i in range(1, len(combos) + 1):
            if i == len(combos) or combos[i] != combos[start]:
                groups.append((combos[start] // N_PROFILES, combos[start] % N_PROFILES, start, i))
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
            Plan(
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
