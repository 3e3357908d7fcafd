"""Waveforms and scale profiles: the reference semantics of one modulation sample.

Vocabulary (see ``docs/semantics.md``):
- *cycle position* ``u = f·t + c`` with ``c = phase/2π + shift``, where the
  *shift* is 0 for sine and square, 1/4 for triangle and 1/2 for sawtooth; its
  *fraction* ``y = u - floor(u)`` lies in [0, 1);
- *waveform* ``w(y)`` in [-1, 1]: sine ``sin 2πy``, triangle ``1 - 4|y - ½|``,
  square ``+1`` for ``y <= ½`` else ``-1``, sawtooth ``2y - 1``; these equal
  ``sin θ``, ``(2/π)·asin(sin θ)``, ``sign⁺(sin θ)`` and ``2·frac(θ/2π + ½) - 1``
  with ``θ = 2πft + phase``;
- *scale profile* ``P`` shapes ``w`` through ``q = (w + 1)/2``:
  ``w' = 2·P(q) - 1``.

The functions here are scalar and written for clarity: the per-step reference
that the vectorised engine (:mod:`synharness.agents.engine`) is tested against. Both
compute the cycle position with the same floating-point operations, so that
the discontinuities of square and sawtooth fall on the same steps.
"""

from __future__ import annotations

import math

#: Waveform names in code order (the engine stores the index).
WAVEFORMS: tuple[str, ...] = ("sine", "triangle", "square", "sawtooth")
#: Scale profile names in code order.
PROFILES: tuple[str, ...] = ("linear", "exponential", "logarithmic", "sine", "cosine")
#: Cycle shift per waveform, so that every waveform is written in y = frac(u).
SHIFTS: tuple[float, ...] = (0.0, 0.25, 0.0, 0.5)

TWO_PI = 2.0 * math.pi


def cycle_offset(waveform: str, phase: float) -> float:
    """The constant ``c`` of the cycle position ``u = f·t + c`` (phase in radians)."""
    return phase / TWO_PI + SHIFTS[WAVEFORMS.index(waveform)]


def wave(waveform: str, y: float) -> float:
    """The waveform at cycle fraction ``y`` in [0, 1)."""
    if waveform == "sine":
        return math.sin(TWO_PI * y)
    if waveform == "triangle":
        return 1.0 - 4.0 * abs(y - 0.5)
    if waveform == "square":
        return 1.0 if y <= 0.5 else -1.0
    if waveform == "sawtooth":
        return 2.0 * y - 1.0
    raise ValueError(f"unknown waveform {waveform!r}")


def shape(profile: str, w: float) -> float:
    """Apply a scale profile to a waveform value in [-1, 1]."""
    q = (w + 1.0) / 2.0
    if profile == "linear":
        p = q
    elif profile == "exponential":
        p = q * q
    elif profile == "logarithmic":
        p = math.log10(1.0 + 9.0 * q)
    elif profile == "sine":
        p = math.sin(math.pi * q / 2.0)
    elif profile == "cosine":
        p = 1.0 - math.cos(math.pi * q / 2.0)
    else:
        raise ValueError(f"unknown scale profile {profile!r}")
    return 2.0 * p - 1.0


def shaped_wave(waveform: str, profile: str, frequency: float, c: float, t: float) -> float:
    """``w'`` at time ``t``: the shaped waveform of one modulation."""
    u = frequency * t + c
    return shape(profile, wave(waveform, u - math.floor(u)))
