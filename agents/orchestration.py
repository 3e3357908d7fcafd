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
as stepping it), and steps 4-5 run vectorised. A run with input walks time in
windows (:class:`_SmoothedBase` hands the engine one window of base values at
a time, the timeline streams its inputs), so memory is the recorded trace, the
event log and one window, whatever the duration; the numbers are those of one
window over the whole run. The model
owns the random generator (``numpy.random.default_rng(seed)``); agents draw
only from it. The engine does no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from synharness.agents.config import CompiledAsset, compile_asset
from synharness.agents.control import ControlAgent, ControlState, smoothing_factor
from synharness.agents.engine import DEFAULT_CHUNK, EngineTrace
from synharness.agents.mirror import StateMirrorAgent
from synharness.agents.modulation import ModulationAgent
from synharness.agents.rules import RuleAgent
from synharness.agents.scenario import Scenario
from synharness.agents.timeline import AXES, Timeline
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
        self,
        compiled: CompiledAsset,
        scenario: Scenario,
        *,
        every: int = 1,
        threads: int = 1,
        window: int | None = None,
        chunk: int = DEFAULT_CHUNK,
    ) -> None:
        self.compiled = compiled
        self.scenario = scenario
        self.every = max(1, every)
        self.threads = threads
        #: Steps per window of a scripted run (None: the engine's choice); tests vary it.
        self.window = window
        #: Steps the engine evaluates at once.
        self.chunk = chunk
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

    def _base(self) -> _SmoothedBase | None:
        """The smoothed base, window by window, or None when no input ever moves it."""
        timeline = Timeline(self.scenario)
        if timeline.empty:
            return None
        return _SmoothedBase(self, timeline)

    def run(self) -> SimulationResult:
        """Run the scenario to its end and return the result."""
        scenario, table = self.scenario, self.compiled.table
        base = self._base()
        trace: EngineTrace = self.modulation.evaluate(
            steps=scenario.steps,
            dt=scenario.dt,
            every=self.every,
            base=base,
            threads=self.threads,
            window=self.window,
            chunk=self.chunk,
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


class _SmoothedBase:
    """The smoothed base of a scripted run, one window of steps at a time.

    The engine asks for windows in step order (``base(start, count)`` -> rows x
    count); the timeline, controls, rules and filter carry their state from one
    window to the next, so memory is one window whatever the duration. A quiet
    stretch relaxes from where it started (``y = x + (y₀ - x)·a^j``, ``j``
    counted from its first step), so its numbers do not depend on where
    windows cut it: they are those of a single window over the whole run.
    """

    def __init__(self, agent: OrchestrationAgent, timeline: Timeline) -> None:
        self.agent, self.timeline = agent, timeline
        self.state = agent.state
        self.dt = agent.scenario.dt
        self.alpha = smoothing_factor(agent.compiled.table.smoothing, self.dt)
        # After a^j < 1e-18 the filter has settled to far below any tolerance: the
        # rest of a long quiet stretch is the set point.
        top = float(self.alpha.max(initial=0.0))
        if top <= 0.0:
            self.settle: int | None = 1
        elif top >= 1.0:  # τ so long against dt that e^(-dt/τ) rounds to 1: it never settles
            self.settle = None
        else:
            self.settle = int(np.ceil(np.log(1e-18) / np.log(top))) + 1
        self._next = 0
        # The quiet stretch under way: its first step, start value and set point; and
        # whether the next one is still to begin (after input, or at the start).
        self._quiet = (0, self.state.smoothed, self.state.target)
        self._fresh = True
        self._buffer = np.empty((len(self.alpha), 0))
        #: ``1 - a``, as ControlAgent.smooth computes it each step, and room for one step.
        self.beta = 1.0 - self.alpha
        self._scratch = np.empty(len(self.alpha))

    def __call__(self, start: int, count: int) -> np.ndarray:
        if start != self._next:
            raise ValueError(f"base windows must follow each other: {start} after {self._next}")
        stop = start + count
        self._next = stop
        if self._buffer.shape[1] < count:
            self._buffer = np.empty((len(self.alpha), count))
        base = self._buffer[:, :count]
        agent, state, dt = self.agent, self.state, self.dt
        step_controls, step_rules = agent.controls.step, agent.rules.step
        beta, scratch = self.beta, self._scratch
        actions = self.timeline.window(start, stop)
        steps = actions.steps.tolist()
        # Flat lists of numbers, walked by index: a step's own objects die with it.
        move_end = np.searchsorted(actions.move_step, actions.steps, side="right").tolist()
        press_end = np.searchsorted(actions.press_step, actions.steps, side="right").tolist()
        axis, amount = actions.move_axis.tolist(), actions.move_amount.tolist()
        combo, source = actions.move_combo.tolist(), actions.press_source.tolist()
        combos, sources = actions.combos, actions.sources
        done = start
        m = p = 0
        for i, k in enumerate(steps):
            if k > done:
                self._relax(base, start, done, k)
                state.smoothed = base[:, k - 1 - start].copy()
            self._fresh = True
            agent.step_index, agent.time = k, k * dt
            for j in range(m, move_end[i]):
                keys, buttons = combos[combo[j]]
                step_controls(AXES[axis[j]], amount[j], keys, buttons)
            m = move_end[i]
            for j in range(p, press_end[i]):
                cell, pressure = sources[source[j]]
                step_rules(k * dt, cell, pressure)
            p = press_end[i]
            # ControlAgent.smooth's y += (x - y)(1 - a), the same operations, into a buffer.
            np.subtract(state.target, state.smoothed, out=scratch)
            scratch *= beta
            state.smoothed += scratch
            base[:, k - start] = state.smoothed
            done = k + 1
        if stop > done:
            self._relax(base, start, done, stop)
        state.smoothed = base[:, count - 1].copy()
        return base

    def _relax(self, base: np.ndarray, offset: int, start: int, stop: int) -> None:
        """Fill steps ``[start, stop)`` (columns from ``offset``) of the quiet stretch under way."""
        if self._fresh:  # a stretch begins: the state is the last input step's
            self._quiet = (start, self.state.smoothed.copy(), self.state.target.copy())
            self._fresh = False
        first, y0, x = self._quiet
        j0, j1 = start - first + 1, stop - first + 1
        settled = j1 if self.settle is None else min(j1, max(j0, self.settle + 1))
        into = base[:, start - offset : stop - offset]
        if settled > j0:
            powers = self.alpha[:, None] ** np.arange(j0, settled)[None, :]
            into[:, : settled - j0] = x[:, None] + (y0 - x)[:, None] * powers
        if settled < j1:
            into[:, settled - j0 :] = x[:, None]


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
