"""Verification: validate a stored asset, run its scenarios and score it.

The result is one :class:`~synharness.result.AssetResult` with findings (from
validation and simulation), scenario outcomes and score, which the store keeps
as a report.
"""

from __future__ import annotations

import json
from typing import Any

from synharness.api.errors import InvalidDocument
from synharness.api.schemas import VerifyRequest
from synharness.findings import Severity, sort_findings
from synharness.models import SynestheticAsset
from synharness.result import AssetResult

#: The built-in scenarios a verification runs when none are named.
DEFAULT_SCENARIOS = ("idle", "sweep", "random")
DEFAULT_SEED = 0


def verify_asset(raw: bytes, *, source: str, request: VerifyRequest) -> AssetResult:
    """Validate ``raw``, run the requested (default: every built-in) scenario, score it.

    Args:
        raw: The stored asset's JSON text.
        source: The asset's URL path, for the report.
        request: Which scenarios to run (built-in names or scenario documents),
            with which seed.

    Raises:
        InvalidDocument: A scenario name is unknown, or a document is not a
            valid scenario (422).
    """
    from synharness import pipeline
    from synharness.agents import builtin_scenarios, run_scenarios
    from synharness.agents.scoring import score_parts

    checked = pipeline.check_bytes(raw, source=source)
    result = checked.result
    model = checked.model
    if not isinstance(model, SynestheticAsset) or result.reaches(Severity.ERROR):
        # Stored assets validated when written; the rules may have grown since.
        scored = score_parts(list(result.findings), asset=None)
        return result.model_copy(update={"score": scored.score})
    seed = request.seed if request.seed is not None else DEFAULT_SEED
    available = {s.name: s for s in builtin_scenarios(model, seed=seed)}
    wanted = list(request.scenarios) if request.scenarios is not None else list(DEFAULT_SCENARIOS)
    unknown = sorted(w for w in wanted if isinstance(w, str) and w not in available)
    if unknown:
        raise InvalidDocument(
            f"unknown scenario(s): {', '.join(unknown)}",
            details={"unknown": unknown, "available": sorted(available)},
        )
    chosen = [
        available[w] if isinstance(w, str) else _inline(w, index=i, seed=request.seed)
        for i, w in enumerate(wanted)
    ]
    # Keep the downsampled traces: the HTML view of the report plots them.
    outcomes, sim_findings = run_scenarios(model, chosen, keep_plot=True)
    findings = sort_findings([*result.findings, *sim_findings])
    scored = score_parts(findings, asset=model, outcomes=outcomes)
    return result.model_copy(
        update={"findings": tuple(findings), "scenarios": tuple(outcomes), "score": scored.score}
    )


def store_fingerprint(*, session: Any, asset_id: int, raw: bytes, result: AssetResult) -> None:
    """Keep the behaviour fingerprint of a verified asset in the ``fingerprint`` vector space.

    ``GET /search/assets?like={id}`` searches it. An asset with error findings
    has no meaningful behaviour and gets none (an earlier one is removed); a
    database without vector support keeps verifying without fingerprints.
    """
    from synharness.agents.fingerprint import NotAnAssetError, fingerprint_of
    from synharness.api import vector_index

    vector: list[float] | None = None
    if not result.reaches(Severity.ERROR):
        try:
            vector = fingerprint_of(json.loads(raw))
        except NotAnAssetError:
            vector = None
    try:
        if vector is None:
            vector_index.remove(
                session=session,
                space=vector_index.FINGERPRINT_SPACE,
                key=str(asset_id),
                missing_ok=True,
            )
        else:
            vector_index.put(
                session=session,
                space=vector_index.FINGERPRINT_SPACE,
                key=str(asset_id),
                vector=vector,
            )
    except vector_index.VectorIndexUnavailable:
        return


def _inline(document: dict[str, Any], *, index: int, seed: int | None) -> Any:
    """A scenario document of the request, parsed as a scenario file would be.

    Raises:
        InvalidDocument: The document is not a valid scenario (422, with pointer).
    """
    from synharness.agents import ScenarioError, parse_scenario

    path = f"verify#/scenarios/{index}"
    try:
        scenario = parse_scenario(json.dumps(document, indent=2), path=path, kind="json")
    except ScenarioError as exc:
        raise InvalidDocument(
            f"scenario {index} is invalid: {exc}",
            details={
                "pointer": f"/scenarios/{index}{exc.pointer}",
                "line": exc.line,
                "column": exc.column,
                "message": exc.message,
            },
        ) from None
    return scenario.model_copy(update={"seed": seed}) if seed is not None else scenario
