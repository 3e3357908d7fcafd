"""Verification: validate a stored asset, run its scenarios and score it.

The result is one :class:`~harness.result.AssetResult` with findings, scenario
outcomes and score, which the store keeps as a report.
"""

from __future__ import annotations

from typing import Any

from api.errors import InvalidDocument
from api.schemas import VerifyRequest
from harness.findings import Severity
from harness.result import AssetResult


def verify_asset(raw: bytes, *, source: str, request: VerifyRequest) -> AssetResult:
    """Validate ``raw``, run the requested (default: built-in) scenarios, score it.

    Args:
        raw: The stored asset's JSON text.
        source: The asset's URL path, for the report.
        request: Which built-in scenarios to run (None: all).

    Raises:
        InvalidDocument: A requested scenario name is unknown (422).
    """
    import agents
    from harness import pipeline

    checked = pipeline.check_bytes(raw, source=source)
    result: AssetResult = checked.result
    if checked.model is None or result.reaches(Severity.ERROR):
        return result
    scenarios = list(agents.builtin_scenarios(checked.model))
    if request.scenarios is not None:
        by_name = {s.name: s for s in scenarios}
        unknown = sorted(set(request.scenarios) - set(by_name))
        if unknown:
            raise InvalidDocument(
                f"unknown scenario(s): {', '.join(unknown)}",
                details={"unknown": unknown, "available": sorted(by_name)},
            )
        scenarios = [by_name[n] for n in request.scenarios]
    if request.seed is not None:
        scenarios = [_with_seed(s, request.seed) for s in scenarios]
    run: Any = agents.run_scenarios(checked.model, scenarios)
    return _merge(result, run, checked.data)


def _with_seed(scenario: Any, seed: int) -> Any:
    return scenario.model_copy(update={"seed": seed})


def _merge(result: AssetResult, run: Any, data: Any) -> AssetResult:
    from harness import score

    outcomes = tuple(getattr(run, "outcomes", run))
    extra = tuple(getattr(run, "findings", ()))
    scored = score(data)
    value = getattr(scored, "total", scored)
    return result.model_copy(
        update={
            "scenarios": outcomes,
            "findings": result.findings + extra,
            "score": float(value) if isinstance(value, int | float) else None,
        }
    )
