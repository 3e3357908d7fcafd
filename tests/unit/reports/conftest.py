"""Hand-built asset results for the reporter tests (independent of the pipeline)."""

from __future__ import annotations

import math

import pytest
from synharness.codes import finding
from synharness.findings import Severity
from synharness.result import (
    AssetResult,
    ExpectationOutcome,
    ParameterMetrics,
    ScenarioOutcome,
    TracePlot,
)


def make_plot() -> TracePlot:
    """A small trace with a range, a clamped span and events."""
    t = tuple(i * 0.1 for i in range(101))
    return TracePlot(
        t=t,
        params={
            "shader.u_r": tuple(min(1.0, 1.4 * math.sin(x)) for x in t),
            "tone.detune": tuple(40.0 * x for x in t),
        },
        ranges={"shader.u_r": (-1.0, 1.0), "tone.detune": (0.0, 444.0)},
        clamped={"shader.u_r": ((0.8, 2.3), (7.1, 8.6))},
        events=(
            {"t": 2.0, "kind": "set", "target": "shader.u_r"},
            {"t": 5.5, "kind": "set", "target": "tone.detune"},
        ),
    )


def make_scenario(
    *, name: str = "idle", passed: bool = True, plot: bool = False
) -> ScenarioOutcome:
    """A scenario outcome with one expectation and metrics for two parameters."""
    return ScenarioOutcome(
        name=name,
        source=f"builtin:{name}",
        passed=passed,
        seed=0,
        duration=10.0,
        dt=0.1,
        steps=100,
        expectations=(
            ExpectationOutcome(
                kind="within_bounds",
                pointer="/expect/0",
                passed=passed,
                detail="shader.u_r stays in [-1, 1]" + ("" if passed else ": reached 1.4 at t=1.1"),
            ),
        ),
        metrics={
            "shader.u_r": ParameterMetrics(
                min=-1.0, max=1.0, mean=0.1, clipped_fraction=0.3, nan_count=0, coverage=1.0
            ),
            "tone.detune": ParameterMetrics(
                min=0.0, max=400.0, mean=200.0, clipped_fraction=0.0, nan_count=0, coverage=0.9
            ),
        },
        event_count=2,
        plot=make_plot() if plot else None,
    )


def passing() -> AssetResult:
    """A clean asset with a passing scenario."""
    return AssetResult(
        source="examples/clean.json",
        name="Clean",
        kind="synesthetic-asset",
        schema_version="0.7.3",
        scenarios=(make_scenario(),),
        score=0.95,
    )


def warning() -> AssetResult:
    """An asset with a warning and an info."""
    return AssetResult(
        source="examples/legacy.json",
        name="Legacy <names> & | pipes",
        kind="synesthetic-asset",
        schema_version="0.7.3",
        findings=(
            finding(
                "SYN-REF-003", "/control/control_parameters/0/parameter", "visual.u_r is legacy"
            ).located(12, 20),
            finding(
                "SYN-GRAPH-001", "/shader/uniforms/2", "u_time is neither driven nor read"
            ).located(40, 9),
        ),
        score=0.7,
    )


def failing() -> AssetResult:
    """An asset with errors in two areas and a failed scenario with a plot."""
    return AssetResult(
        source="examples/broken.json",
        name="Broken",
        kind="synesthetic-asset",
        schema_version="0.7.3",
        findings=(
            finding(
                "SYN-RANGE-001", "/tone/input_parameters/0/default", "default 5 outside [0, 1]"
            ).located(30, 18),
            finding(
                "SYN-REF-001",
                "/modulations/0/target",
                "shader.u_q names nothing declared",
                hint="did you mean shader.u_r?",
            ).located(50, 17),
            # A warning as the strict profile reports it (an info by default).
            finding("SYN-ENV-001", "", "missing $schema", severity=Severity.WARNING).located(1, 1),
        ),
        scenarios=(make_scenario(name="sweep", passed=False, plot=True), make_scenario()),
        score=0.0,
    )


def unloadable() -> AssetResult:
    """A file that did not parse."""
    return AssetResult(
        source="<stdin>",
        findings=(finding("SYN-LOAD-001", "", "Expecting ',' delimiter").located(3, 7),),
        score=0.0,
    )


@pytest.fixture
def results() -> list[AssetResult]:
    """One result of each verdict plus an unloadable document, in unsorted order."""
    return [warning(), failing(), unloadable(), passing()]
