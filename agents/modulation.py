"""ModulationAgent: every modulation of an asset in closed form, via the engine.

The agent owns the asset's :class:`~synharness.agents.engine.ModulationBank`; evaluating
it for a whole run (or for many assets at once, see
:func:`evaluate_assets`) is one call into :mod:`synharness.agents.engine`, vectorised over
time blocks and over assets.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from synharness.agents.config import CompiledAsset
from synharness.agents.engine import (
    DEFAULT_CHUNK,
    BaseWindows,
    EngineTrace,
    ModulationBank,
    ParameterRows,
    evaluate,
)


class ModulationAgent:
    """Evaluates one compiled asset's modulations."""

    def __init__(self, compiled: CompiledAsset) -> None:
        self.compiled = compiled

    def evaluate(
        self,
        *,
        steps: int,
        dt: float,
        every: int = 1,
        base: np.ndarray | BaseWindows | None = None,
        threads: int = 1,
        window: int | None = None,
        chunk: int = DEFAULT_CHUNK,
    ) -> EngineTrace:
        """Values of every parameter at steps ``0 .. steps-1`` around ``base``.

        Args:
            steps: Number of steps.
            dt: Step length in seconds.
            every: Record every ``every``-th step.
            base: Parameter rows x steps base values, a callable giving them
                window by window (see :func:`~synharness.agents.engine.evaluate`),
                or None for the defaults.
            threads: Worker threads.
            window: Steps per window of base values (None: the engine's choice).
            chunk: Steps evaluated at once.

        Returns:
            The engine's trace.
        """
        return evaluate(
            self.compiled.modulations,
            self.compiled.table.rows(),
            steps=steps,
            dt=dt,
            every=every,
            base=base,
            threads=threads,
            window=window,
            chunk=chunk,
        )


def evaluate_assets(
    compiled: Sequence[CompiledAsset], *, steps: int, dt: float, every: int = 1, threads: int = 1
) -> tuple[EngineTrace, list[int]]:
    """Evaluate the idle run (modulations only) of many assets in one engine call.

    Args:
        compiled: The assets.
        steps: Number of steps.
        dt: Step length in seconds.
        every: Record every ``every``-th step.
        threads: Worker threads.

    Returns:
        The stacked trace and the first parameter row of each asset in it.
    """
    offsets, total = [], 0
    for c in compiled:
        offsets.append(total)
        total += len(c.table)
    bank = ModulationBank.concat([c.modulations for c in compiled], offsets)
    rows = ParameterRows.concat([c.table.rows() for c in compiled])
    return evaluate(bank, rows, steps=steps, dt=dt, every=every, threads=threads), offsets
