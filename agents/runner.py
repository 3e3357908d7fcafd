"""Running scenarios against an asset: outcomes with metrics, and findings.

Findings of a run:
- ``SYN-SCN-001`` (error) for each failed expectation, pointing into the
  scenario file (``file`` is the scenario's path, with line and column);
- ``SYN-SIM-001`` (error) for a parameter that was NaN or infinite in any
  scenario, at the parameter's declaration;
- ``SYN-SIM-002`` (warning) for a parameter clamped at more than
  :data:`HEAVY_CLAMPING` of the steps of the *idle* run (modulations alone:
  clamping under scripted input is expected), at its first modulation;
- ``SYN-RULE-003`` for a rule effect whose op is unknown.

Each code is reported once per pointer, whatever the number of scenarios.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from synharness.agents.config import CompiledAsset, compile_asset
from synharness.agents.expectations import check
from synharness.agents.metrics import METRIC_VALUES
from synharness.agents.orchestration import OrchestrationAgent, SimulationResult
from synharness.agents.scenario import DEFAULT_MAX_STEPS, Scenario, step_cap_finding
from synharness.codes import finding
from synharness.findings import Finding
from synharness.models import SynestheticAsset
from synharness.result import ScenarioOutcome, TracePlot

#: Clipped fraction of an idle run above which clamping is a warning.
HEAVY_CLAMPING = 0.1
#: Points per parameter a plot keeps (pairs of bucket min and max).
PLOT_POINTS = 400
#: Clamp spans and events a plot keeps.
PLOT_SPANS = 50
PLOT_EVENTS = 200


def downsample(
    result: SimulationResult, paths: Sequence[str], *, points: int = PLOT_POINTS
) -> TracePlot:
    """A min/max-preserving downsampled trace of ``paths`` for plots.

    Args:
        result: The run.
        paths: Which parameters.
        points: At most this many points per parameter.

    Returns:
        The plot data: each bucket contributes its minimum and maximum, at the
        bucket's first and last time, so peaks survive.
    """
    index = result.index
    rows = [index[p] for p in paths if p in index]
    n = len(result.t)
    if not rows:
        # Nothing driven (an asset whose parameters nothing moves): no rows to
        # bucket, only the time axis, thinned to ``points``.
        t = result.t[:: max(1, -(-n // points))]
        picked = np.empty((0, len(t)))
    elif n <= points:
        t = result.t
        picked = result.matrix[rows]
    else:
        buckets = points // 2
        edges = np.linspace(0, n, buckets + 1).astype(np.int64)
        starts, ends = edges[:-1], edges[1:] - 1
        t = np.column_stack([result.t[starts], result.t[ends]]).ravel()
        picked = np.empty((len(rows), 2 * buckets))
        # A block of rows at a time: the copy the fancy index makes stays a block's.
        size = max(1, METRIC_VALUES // n)
        for r0 in range(0, len(rows), size):
            sub = result.matrix[rows[r0 : r0 + size]]
            with np.errstate(invalid="ignore"):
                lows = np.minimum.reduceat(sub, starts, axis=1)
                highs = np.maximum.reduceat(sub, starts, axis=1)
            picked[r0 : r0 + len(sub)] = np.stack([lows, highs], axis=2).reshape(len(sub), -1)
    return _plot(result, paths, t, picked)


def _plot(
    result: SimulationResult, paths: Sequence[str], t: np.ndarray, picked: np.ndarray
) -> TracePlot:
    index = result.index
    rows = [index[p] for p in paths if p in index]
    clamped: dict[str, tuple[tuple[float, float], ...]] = {}
    for p, r in zip([p for p in paths if p in index], rows, strict=True):
        spans = _spans(result.clamped_mask[r], result.t)
        if spans:
            clamped[p] = spans
    return TracePlot(
        t=tuple(float(x) for x in t),
        params={
            p: tuple(float(x) for x in picked[i])
            for i, p in enumerate(p for p in paths if p in index)
        },
        ranges={
            p: (_bound(result.lo[index[p]]), _bound(result.hi[index[p]]))
            for p in paths
            if p in index
        },
        clamped=clamped,
        events=tuple(result.events[:PLOT_EVENTS]),
    )


def _bound(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _spans(mask: np.ndarray, t: np.ndarray) -> tuple[tuple[float, float], ...]:
    if not mask.any():
        return ()
    padded = np.concatenate([[False], mask, [False]])
    change = np.flatnonzero(padded[1:] != padded[:-1])
    pairs = change.reshape(-1, 2)[:PLOT_SPANS]
    return tuple((float(t[a]), float(t[b - 1])) for a, b in pairs)


def _outcome(scenario: Scenario, result: SimulationResult, *, keep_plot: bool) -> ScenarioOutcome:
    outcomes = tuple(check(e, result, f"/expect/{i}") for i, e in enumerate(scenario.expect))
    return ScenarioOutcome.model_construct(
        name=scenario.name,
        source=scenario.source,
        passed=all(o.passed for o in outcomes),
        seed=scenario.seed,
        duration=scenario.duration,
        dt=scenario.dt,
        steps=result.steps,
        expectations=outcomes,
        metrics=result.metrics(),
        event_count=len(result.events),
        plot=downsample(result, result.driven) if keep_plot else None,
    )


def _run_findings(
    compiled: CompiledAsset, scenario: Scenario, result: SimulationResult, outcome: ScenarioOutcome
) -> list[Finding]:
    found: list[Finding] = list(result.findings)
    for o in outcome.expectations:
        if not o.passed:
            line, column = scenario.position(o.pointer)
            message = f"scenario {scenario.name!r}: {o.kind} failed: {o.detail}"
            f = finding("SYN-SCN-001", o.pointer, message, file=scenario.source)
            found.append(f.located(line, column))
    table = compiled.table
    for path, n in result.nonfinite.items():
        found.append(
            finding(
                "SYN-SIM-001",
                table.pointers[table.index[path]],
                f"scenario {scenario.name!r}: {path} is NaN or infinite at {n} of {result.steps} steps",
            )
        )
    if scenario.source == "builtin:idle":
        for path, n in result.clamped.items():
            fraction = n / max(result.steps, 1)
            if fraction > HEAVY_CLAMPING:
                found.append(
                    finding(
                        "SYN-SIM-002",
                        _first_modulation(compiled, path) or table.pointers[table.index[path]],
                        f"idle run: {path} is clamped at {fraction:.0%} of steps by its own or its "
                        f"modulation's range",
                    )
                )
    return found


def _first_modulation(compiled: CompiledAsset, path: str) -> str | None:
    row = compiled.table.index[path]
    hits = np.flatnonzero(compiled.modulations.target == row)
    return compiled.modulation_pointers[int(hits[0])] if len(hits) else None


def run_scenarios(
    asset: SynestheticAsset | CompiledAsset,
    scenarios: Sequence[Scenario],
    *,
    keep_plot: bool = False,
    every: int = 1,
    max_steps: int = DEFAULT_MAX_STEPS,
    on_result: Callable[[Scenario, SimulationResult], None] | None = None,
) -> tuple[list[ScenarioOutcome], list[Finding]]:
    """Run every scenario against one asset.

    Args:
        asset: The asset model (or its compiled form).
        scenarios: What to run, in order.
        keep_plot: Keep a downsampled trace per outcome (for the HTML report).
        every: Record every ``every``-th step (metrics read recorded samples).
        max_steps: Scenarios longer than this many steps are not run: each gets
            ``SYN-SCN-004`` (checked for all of them before any runs).
        on_result: Called with each scenario's full result before it is dropped
            (``simulate --trace`` writes the first one).

    Returns:
        One outcome per scenario, and the findings of all runs (each code once
        per pointer and file).
    """
    compiled = asset if isinstance(asset, CompiledAsset) else compile_asset(asset)
    outcomes: list[ScenarioOutcome] = []
    findings: list[Finding] = []
    seen: set[tuple[str, str, str | None]] = set()
    runnable = []
    for scenario in scenarios:
        over = step_cap_finding(scenario, max_steps)
        if over is None:
            runnable.append(scenario)
        elif (over.code, over.pointer, over.file) not in seen or over.file is None:
            seen.add((over.code, over.pointer, over.file))
            findings.append(over)
    for scenario in runnable:
        # Floating-point overflow in the arrays is not a warning to print: a value
        # that ends up NaN or infinite is reported as SYN-SIM-001 at its declaration.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            result = OrchestrationAgent(compiled, scenario, every=every).run()
        if on_result is not None:
            on_result(scenario, result)
        outcome = _outcome(scenario, result, keep_plot=keep_plot)
        outcomes.append(outcome)
        for f in _run_findings(compiled, scenario, result, outcome):
            key = (f.code, f.pointer, f.file)
            if key not in seen:
                seen.add(key)
                findings.append(f)
    return outcomes, findings


def outcome_rows(outcomes: Sequence[ScenarioOutcome]) -> list[dict[str, Any]]:
    """Flat rows (one per scenario and parameter) for tables and CSV."""
    return [
        {"scenario": o.name, "param": p, **m.model_dump()}
        for o in outcomes
        for p, m in o.metrics.items()
    ]
