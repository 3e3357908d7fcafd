"""Expectations: checking a scenario's ``expect`` list against a simulation result.

Kinds (the fields each uses are in :class:`synharness.agents.scenario.Expectation`):
- ``within_bounds``: every sample of ``param`` in the window lies in
  ``[min, max]`` (default: the declared range), to ``tolerance`` (1e-9);
- ``reaches``: the sample nearest to ``at`` is ``value`` to ``tolerance`` (1e-6);
- ``changes`` / ``constant``: max - min over the window is above / at most
  ``tolerance`` (1e-12);
- ``finite``: no NaN or infinity in ``param`` (or in any parameter);
- ``clipped_below``: the clipped fraction of ``param`` is below ``limit``;
- ``event``: events of ``op`` (and ``target``) in the window number exactly
  ``count``, or between ``min`` and ``max``, or at least one.

Parameter names resolve like targets do (canonical, legacy or bare).
"""

from __future__ import annotations

import numpy as np
from synharness.agents.orchestration import SimulationResult
from synharness.agents.scenario import Expectation
from synharness.params import resolve
from synharness.result import ExpectationOutcome

_EPS = 1e-9


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _window(e: Expectation, result: SimulationResult) -> np.ndarray:
    if e.window is None:
        return np.ones(len(result.t), dtype=bool)
    return (result.t >= e.window[0] - _EPS) & (result.t <= e.window[1] + _EPS)


def check(e: Expectation, result: SimulationResult, pointer: str) -> ExpectationOutcome:
    """Check one expectation.

    Args:
        e: The expectation.
        result: The run.
        pointer: JSON pointer of the expectation in its scenario file.

    Returns:
        Whether it held, and what was expected and observed.
    """
    passed, detail = _check(e, result)
    return ExpectationOutcome(kind=e.kind, pointer=pointer, passed=passed, detail=detail)


def _check(e: Expectation, result: SimulationResult) -> tuple[bool, str]:
    if e.kind == "event":
        return _event(e, result)
    index = result.index
    if e.param is None:  # finite over every parameter
        bad = {p: n for p, n in result.nonfinite.items() if n}
        if bad:
            return False, "NaN or infinity in " + ", ".join(
                f"{p} ({n} steps)" for p, n in sorted(bad.items())
            )
        return True, "every parameter stayed finite"
    path = resolve(e.param, index).path
    if path is None:
        return False, f"{e.param!r} names no simulated parameter"
    row = index[path]
    values = result.matrix[row][_window(e, result)]
    finite = values[np.isfinite(values)]
    if e.kind == "finite":
        n = result.nonfinite.get(path, 0)
        return n == 0, f"{path}: {n} steps NaN or infinite"
    if e.kind == "clipped_below":
        fraction = result.clamped.get(path, 0) / max(result.steps, 1)
        assert e.limit is not None
        return (
            fraction < e.limit,
            f"{path} clipped at {fraction:.1%} of steps (limit {e.limit:.1%})",
        )
    if len(finite) < len(values):
        return False, f"{path} is NaN or infinite at {len(values) - len(finite)} samples"
    if len(values) == 0:
        return False, "no sample falls in the window"
    low, high = float(finite.min()), float(finite.max())
    if e.kind == "within_bounds":
        lo = e.min if e.min is not None else float(result.lo[row])
        hi = e.max if e.max is not None else float(result.hi[row])
        tol = _EPS if e.tolerance is None else e.tolerance
        ok = low >= lo - tol and high <= hi + tol
        return (
            ok,
            f"{path} expected within [{_fmt(lo)}, {_fmt(hi)}], observed [{_fmt(low)}, {_fmt(high)}]",
        )
    if e.kind in ("changes", "constant"):
        tol = 1e-12 if e.tolerance is None else e.tolerance
        spread = high - low
        if e.kind == "changes":
            return spread > tol, f"{path} varied by {_fmt(spread)} (must exceed {_fmt(tol)})"
        return spread <= tol, f"{path} varied by {_fmt(spread)} (at most {_fmt(tol)} allowed)"
    # reaches
    assert e.at is not None and e.value is not None
    sample_dt = result.every * result.scenario.dt
    sample = round(e.at / sample_dt)
    if sample >= len(result.t):
        return False, f"t = {_fmt(e.at)} s is after the end of the run"
    got = float(result.matrix[row, sample])
    tol = 1e-6 if e.tolerance is None else e.tolerance
    ok = bool(np.isfinite(got)) and abs(got - e.value) <= tol
    return ok, (
        f"{path} expected {_fmt(e.value)} ± {_fmt(tol)} at t = {_fmt(float(result.t[sample]))} s, "
        f"observed {_fmt(got)}"
    )


def _event(e: Expectation, result: SimulationResult) -> tuple[bool, str]:
    t0, t1 = e.window if e.window is not None else (-np.inf, np.inf)
    hits = [
        ev
        for ev in result.events
        if ev["kind"] == e.op
        and t0 - _EPS <= ev["t"] <= t1 + _EPS
        and (e.target is None or ev["target"] == e.target)
    ]
    n = len(hits)
    what = f"{e.op}" + (f" on {e.target}" if e.target else "")
    if e.count is not None:
        return n == e.count, f"{what}: expected {e.count} events, observed {n}"
    lo = int(e.min) if e.min is not None else 1
    hi = e.max if e.max is not None else float("inf")
    return lo <= n <= hi, f"{what}: expected between {lo} and {_fmt(hi)} events, observed {n}"
