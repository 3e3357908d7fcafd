"""Kernels: the shaped waveform ``w'`` of one waveform x profile group, over a chunk of steps.

Vocabulary: *cycle position* ``z = f·t + c`` and its fraction ``y`` (see
:mod:`synharness.agents.waveforms`); a *rotation* computes ``sin(a·z)`` (or ``cos``) for a
chunk by angle addition from per-row tables of ``sin``/``cos`` of ``j·a·f·dt``,
where a direct ``np.sin`` would cost a transcendental per sample.

Three waveforms are piecewise linear in ``y``; the sine waveform and the sine
and cosine profiles of the triangle (``|sin πz|``, ``1 - |cos πz|``) and of the
sawtooth (``|sin|``/``|cos|`` of ``πz/2`` chosen by the parity of ``floor z``)
are rotations. Only the remaining pairs (sine and cosine profiles of the sine
wave) pay ``np.sin`` per sample; ``log10`` is vectorised and cheap.
"""

from __future__ import annotations

import math

import numpy as np
from synharness.agents.waveforms import PROFILES, WAVEFORMS

N_PROFILES = len(PROFILES)
SINE, TRIANGLE, SQUARE, SAWTOOTH = range(4)
LINEAR, EXPONENTIAL, LOGARITHMIC, PSINE, PCOSINE = range(5)
#: (a, period) of the continuous sin(a·z) some waveform x profile pairs reduce to.
ROTATIONS: dict[tuple[int, int], tuple[float, float]] = {
    **{(SINE, p): (2.0 * math.pi, 1.0) for p in range(N_PROFILES)},
    (TRIANGLE, PSINE): (math.pi, 2.0),
    (TRIANGLE, PCOSINE): (math.pi, 2.0),
    (SAWTOOTH, PSINE): (math.pi / 2.0, 4.0),
    (SAWTOOTH, PCOSINE): (math.pi / 2.0, 4.0),
}


def table(f: np.ndarray, alpha: float, dt: float, chunk: int) -> tuple[np.ndarray, np.ndarray]:
    """sin and cos of ``j·a·f·dt`` for ``j < chunk``: the per-row rotation steps."""
    angle = np.multiply.outer(alpha * f * dt, np.arange(chunk, dtype=np.float64))
    return np.sin(angle), np.cos(angle)


def rotation(
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


#: ``(a, b)``: the kernel left ``X`` in its output, and ``w' = a·X + b``. The
#: engine folds this affine map into the modulation's own ``centre + gain·w'``,
#: which saves two passes over every sample.
Affine = tuple[float, float]
_UP: Affine = (2.0, -1.0)  # w' = 2X - 1
_DOWN: Affine = (-2.0, 1.0)  # w' = 1 - 2X


def sawtooth_rotated(
    p: int,
    f: np.ndarray,
    c: np.ndarray,
    t: np.ndarray,
    t0: float,
    table: tuple[np.ndarray, np.ndarray],
    out: np.ndarray,
    tmp: np.ndarray,
    extra: tuple[np.ndarray, np.ndarray],
) -> Affine:
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
    rotation(math.pi / 2.0, 4.0, f, c, t0, n, table, out, tmp)
    rotation(math.pi / 2.0, 4.0, f, c, t0, n, table, cos_half, tmp, cosine=True)
    np.abs(out, out=out)
    np.abs(cos_half, out=cos_half)
    if p == PSINE:  # X = sin(πy/2), w' = 2X - 1
        np.copyto(out, cos_half, where=odd)
        return _UP
    # X = cos(πy/2), w' = 2·(1 - X) - 1 = 1 - 2X
    np.copyto(cos_half, out, where=odd)
    np.copyto(out, cos_half)
    return _DOWN


def fraction(f: np.ndarray, c: np.ndarray, t: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> None:
    """``y = frac(f·t + c)``, with the same operations as the scalar reference."""
    np.multiply.outer(f, t, out=out)
    out += c[:, None]
    np.floor(out, out=tmp)
    out -= tmp


def shaped(
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
) -> Affine:
    """Evaluate one waveform x profile group into ``out``.

    Returns:
        ``(a, b)`` with ``w' = a·out + b`` (see :data:`Affine`).
    """
    n = len(t)
    if table is not None:
        alpha, period = ROTATIONS[(w, p)]
        if w == SAWTOOTH:
            assert extra is not None
            return sawtooth_rotated(p, f, c, t, t0, table, out, tmp, extra)
        if w == TRIANGLE:
            # sin(π·q/2) = |sin πz| and cos(π·q/2) = |cos πz| for the folded triangle.
            rotation(alpha, period, f, c, t0, n, table, out, tmp, cosine=p == PCOSINE)
            np.abs(out, out=out)
            return _UP if p == PSINE else _DOWN
        rotation(alpha, period, f, c, t0, n, table, out, tmp)
        return profile_of_wave(p, out)
    if w == SINE:  # no table: small runs evaluate sin directly
        fraction(f, c, t, out, tmp)
        out *= 2.0 * math.pi
        np.sin(out, out=out)
        return profile_of_wave(p, out)
    fraction(f, c, t, out, tmp)
    if w == SQUARE:
        # Every profile maps q = 0 to 0 and q = 1 to 1: the square stays ±1.
        np.greater(out, 0.5, out=out)  # X = 1 where the square is -1
        return _DOWN
    if w == TRIANGLE:
        out -= 0.5
        np.abs(out, out=out)  # X = |y - ½|, q = 1 - 2X
        if p == LINEAR:
            return (-4.0, 1.0)  # w' = 2q - 1 = 1 - 4X
        out *= -2.0
        out += 1.0
    # Sawtooth: q = y already.
    return profile_of_q(p, out)


def profile_of_wave(p: int, out: np.ndarray) -> Affine:
    """Shape a waveform value w in place: ``w' = 2·P((w + 1)/2) - 1``."""
    if p == LINEAR:
        return (1.0, 0.0)
    out += 1.0
    out *= 0.5
    return profile_of_q(p, out)


def profile_of_q(p: int, out: np.ndarray) -> Affine:
    """``P(q)`` in place, from q in [0, 1]: ``w' = 2·P(q) - 1``."""
    if p == EXPONENTIAL:
        out *= out
    elif p == LOGARITHMIC:
        out *= 9.0
        out += 1.0
        np.log10(out, out=out)
    elif p == PSINE:
        out *= math.pi / 2.0
        np.sin(out, out=out)
    elif p == PCOSINE:  # P = 1 - cos: keep X = cos and flip the affine map
        out *= math.pi / 2.0
        np.cos(out, out=out)
        return _DOWN
    return _UP


def wave_of(affine: Affine, out: np.ndarray) -> None:
    """Turn a kernel's ``X`` into ``w'`` in place (for callers that need ``w'`` itself)."""
    a, b = affine
    if (a, b) != (1.0, 0.0):
        out *= a
        out += b


def waveform_code(name: str) -> int:
    """Index of a waveform name."""
    return WAVEFORMS.index(name)


def profile_code(name: str | None) -> int:
    """Index of a scale profile name (absent means linear)."""
    return PROFILES.index(name or "linear")
