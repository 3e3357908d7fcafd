"""Modulations (``modulation`` schema): LFOs that move a target parameter over time.

A *modulation item* is a periodic waveform of ``frequency`` Hz and ``phase``
radians, shaped by ``scaleProfile``, applied around ``offset`` with depth
``amplitude · scale``, either added (``additive``) or as a relative change
(``multiplicative``), optionally clamped to its own ``[min, max]``.
"""

from __future__ import annotations

from typing import Literal

from synharness.models._base import Closed, JSONObject, Open

ModulationType = Literal["additive", "multiplicative"]


Waveform = Literal["sine", "triangle", "square", "sawtooth"]


ScaleProfile = Literal["linear", "exponential", "logarithmic", "sine", "cosine"]


class ModulationItem(Open):
    """One LFO on one target."""

    id: str
    target: str
    type: ModulationType
    waveform: Waveform
    frequency: float
    amplitude: float
    offset: float
    phase: float
    min: float | None = None
    max: float | None = None
    scale: float = 1
    #: Absent means linear.
    scaleProfile: ScaleProfile | None = None


class ModulationSet(Closed):
    """A named list of modulations (the ``modulation`` document kind)."""

    name: str
    modulations: list[ModulationItem]
    description: str | None = None
    meta_info: JSONObject | None = None
