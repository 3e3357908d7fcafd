"""Engine data: modulations, parameters and traces as struct-of-arrays.

Vocabulary:
- *bank*: a :class:`ModulationBank`, one row per modulation (of any number of
  assets), and :class:`ParameterRows`, one row per parameter; each modulation
  names its *target* row;
- *trace*: an :class:`EngineTrace`, the recorded values (parameter rows x
  samples, every ``every``-th step) and per-parameter counters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ModulationBank:
    """Struct of arrays: one row per modulation."""

    #: Index into :data:`synharness.agents.waveforms.WAVEFORMS`.
    waveform: np.ndarray
    #: Index into :data:`synharness.agents.waveforms.PROFILES`.
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
