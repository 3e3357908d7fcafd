"""OrchestrationAgent: runs one scenario against one compiled asset.

Order within step ``k`` (``t_k = k·dt``, ``k = 0 .. N``), fixed:

1. **ControlAgent** applies the step's mouse and wheel input to the set points;
2. **RuleAgent** handles the step's grid presses (set points, pulses, events);
3. **ControlAgent** smooths: ``y_k = y_{k-1} + (x_k - y_{k-1})(1 - e^(-dt/τ))``;
4. **ModulationAgent** evaluates every modulation around the smoothed base,
   clamps and combines;
5. **StateMirrorAgent** records the step (every ``every``-th) and tells subscribers.

Steps 1-3 run only at steps where the timeline has input; between them the
filter is advanced in closed form (``y = x + (y₀ - x)·a^j``, the same numbers
as stepping it), and steps 4-5 run vectorised over the whole run. The model
owns the random generator (``numpy.random.default_rng(seed)``); agents draw
only from it. The engine does no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from synharness.agents.config import CompiledAsset, compile_asset
from synharness.agents.control import ControlAgent, ControlState, smoothing_factor
from synharness.agents.engine import EngineTrace
from synharness.agents.mirror import StateMirrorAgent
from synharness.agents.modulation import ModulationAgent
from synharness.agents.rules import RuleAgent
from synharness.agents.scenario import Scenario
from synharness.agents.timeline import build_timeline
from synharness.findings import Finding
from synharness.models import SynestheticAsset


@dataclass
class SimulationResult:
    """The trace, counters and event log of one run."""

    scenario: Scenario
    #: Times of the recorded samples.
    t: np.ndarray
    #: Parameter paths, in row order of :attr:`matrix`.
    paths: tuple[str, ...]
    #: Parameter rows x recorded samples.
    matrix: np.ndarray
    #: Same shape: whether a clamp acted at that sample.
    clamped_mask: np.ndarray
    #: Path -> steps at which a clamp acted (every step counted, not only recorded ones).
    clamped: dict[str, int]
    #: Path -> steps with a NaN or infinite value.
    nonfinite: dict[str, int]
    events: list[dict[str, Any]]
    steps: int
    every: int
    seed: int
    lo: np.ndarray
    hi: np.ndarray
    #: Paths something drives (controls, modulations, rules).
    driven: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)

    @property
    def index(self) -> dict[str, int]:
        """Path -> row of :attr:`matrix`."""
        return {p: i for i, p in enumerate(self.paths)}

    @property
    def values(self) -> dict[str, np.ndarray]:
        """Path -> recorded values (views into :attr:`matrix`)."""
        return {p: self.matrix[i] for i, p in enumerate(self.paths)}

    def metrics(self, paths: tuple[str, ...] | None = None) -> dict[str, Any]:
        """Per-parameter metrics (see :func:`synharness.agents.metrics.parameter_metrics`)."""
        from synharness.agents.metrics import parameter_metrics

        return parameter_metrics(self, self.driven if paths is None else paths)


class OrchestrationAgent:
    """Runs scenarios; the model that owns time and randomness for one run."""

    def __init__(
        self, compiled: CompiledAsset, scenario: Scenario, *, every: int = 1, threads: int = 1
    ) -> None:
        self.compiled = compiled
        self.scenario = scenario
        self.every = max(1, every)
        self.threads = threads
        self._rng: np.random.Generator | None = None
        table = compiled.table
        self.state = ControlState.at_rest(table.default)
        self.controls = ControlAgent(compiled, self.state)
        self.rules = RuleAgent(compiled, self.state)
        self.modulation = ModulationAgent(compiled)
        self.mirror = StateMirrorAgent(table.paths, table.default, every=self.every)
        #: Step counter and time, moved only by :meth:`run`.
        self.step_index = 0
        self.time = 0.0

    @property
    def rng(self) -> np.random.Generator:
        """The run's only source of randomness, seeded with the scenario's seed.

        Built on first use: most runs draw nothing, and building a generator
        costs more than an idle run of a small asset.
        """
        if self._rng is None:
            self._rng = np.random.default_rng(self.scenario.seed)
        return self._rng

    def _base(self) -> np.ndarray | None:
        """Smoothed base per row and step, or None when no input ever moves it."""
        scenario, table, state = self.scenario, self.compiled.table, self.state
        timeline = build_timeline(scenario)
        if not timeline:
            return None
        steps, dt = scenario.steps, scenario.dt
        alpha = smoothing_factor(table.smoothing, dt)
        base = np.empty((len(table), steps))
        done = 0
        for k in sorted(timeline):
            if k > done:
                self._relax(base, done, k, alpha)
            self.step_index, self.time = k, k * dt
            actions = timeline[k]
            for axis, amount, keys, buttons in actions.moves:
                self.controls.step(axis, amount, keys, buttons)
            for cell, pressure in actions.presses:
                self.rules.step(k * dt, cell, pressure)
            ControlAgent.smooth(state, alpha)
            base[:, k] = state.smoothed
            done = k + 1
        self._relax(base, done, steps, alpha)
        return base

    def _relax(self, base: np.ndarray, start: int, stop: int, alpha: np.ndarray) -> None:
        """Fill steps ``[start, stop)`` with the filter relaxing towards the set points."""
        if stop <= start:
            return
        state = self.state
        target = state.target[:, None]
        # After a^j < 1e-18 the filter has settled to far below any tolerance: the
        # rest of a long quiet stretch is the set point (memory stays one block).
        top = float(alpha.max(initial=0.0))
        if top <= 0.0:
            settle = 1
        elif top >= 1.0:  # τ so long against dt that e^(-dt/τ) rounds to 1: it never settles
            settle = stop - start
        else:
            settle = min(int(np.ceil(np.log(1e-18) / np.log(top))) + 1, stop - start)
        n = min(stop - start, settle)
        powers = alpha[:, None] ** np.arange(1, n + 1)[None, :]
        base[:, start : start + n] = target + (state.smoothed[:, None] - target) * powers
        if n < stop - start:
            base[:, start + n : stop] = target
        state.smoothed = base[:, stop - 1].copy()

    def run(self) -> SimulationResult:
        """Run the scenario to its end and return the result."""
        scenario, table = self.scenario, self.compiled.table
        base = self._base()
        trace: EngineTrace = self.modulation.evaluate(
            steps=scenario.steps, dt=scenario.dt, every=self.every, base=base, threads=self.threads
        )
        self.mirror.record(trace.values, scenario.dt)
        self.step_index = scenario.steps - 1
        self.time = self.step_index * scenario.dt
        samples = trace.values.shape[1]
        return SimulationResult(
            scenario=scenario,
            t=np.arange(samples, dtype=np.float64) * (self.every * scenario.dt),
            paths=table.paths,
            matrix=trace.values,
            clamped_mask=trace.clamped_mask,
            clamped={p: int(c) for p, c in zip(table.paths, trace.clamped, strict=True) if c},
            nonfinite={p: int(c) for p, c in zip(table.paths, trace.nonfinite, strict=True) if c},
            events=self.rules.events,
            steps=scenario.steps,
            every=self.every,
            seed=scenario.seed,
            lo=table.lo,
            hi=table.hi,
            driven=table.driven,
            findings=list(self.rules.findings),
        )


def simulate(
    asset: SynestheticAsset | CompiledAsset, scenario: Scenario, *, every: int = 1
) -> SimulationResult:
    """Run ``scenario`` against ``asset``.

    Args:
        asset: The asset model, or an asset :func:`~synharness.agents.config.compile_asset` compiled.
        scenario: What to run.
        every: Record every ``every``-th step.

    Returns:
        The trace, counters and event log.
    """
    compiled = asset if isinstance(asset, CompiledAsset) else compile_asset(asset)
    return OrchestrationAgent(compiled, scenario, every=every).run()
