"""Verification: validate a stored asset, run its scenarios and score it.

The result is one :class:`~synharness.result.AssetResult` with findings (from
validation and simulation), scenario outcomes and score, which the store keeps
as a report.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from synharness.api.errors import InvalidDocument
from synharness.api.schemas import VerifyRequest
from synharness.findings import Severity, sort_findings
from synharness.models import SynestheticAsset
from synharness.result import AssetResult

#: The built-in scenarios a verification runs when none are named.
DEFAULT_SCENARIOS = ("idle", "sweep", "random")
DEFAULT_SEED = 0


#: Caps of the store's settings when none are given (see synharness.api.settings).
DEFAULT_MAX_STEPS = 1_000_000
DEFAULT_MAX_SCENARIOS = 16

log = logging.getLogger("synharness.api")


def verify_asset(
    raw: bytes,
    *,
    source: str,
    request: VerifyRequest,
    max_steps: int = DEFAULT_MAX_STEPS,
    max_scenarios: int = DEFAULT_MAX_SCENARIOS,
) -> AssetResult:
    """Validate ``raw``, run the requested (default: every built-in) scenario, score it.

    Args:
        raw: The stored asset's JSON text.
        source: The asset's URL path, for the report.
        request: Which scenarios to run (built-in names or scenario documents),
            with which seed.
        max_steps: Most steps (``duration / dt``) one scenario may take.
        max_scenarios: Most scenarios one request may name.

    Raises:
        InvalidDocument: A scenario name is unknown, a document is not a valid
            scenario, or the request passes a cap (422, before any simulation).
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
    if len(wanted) > max_scenarios:
        raise InvalidDocument(
            f"{len(wanted)} scenarios in one request; the store runs at most {max_scenarios}",
            details={"pointer": "/scenarios", "limit": max_scenarios},
        )
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
    # Refuse before any work: one scenario of 86,400 s at dt 1e-4 would ask numpy for ~58 GiB.
    for i, scenario in enumerate(chosen):
        if scenario.steps > max_steps:
            raise InvalidDocument(
                f"scenario {i} ({scenario.name!r}) takes {scenario.steps} steps "
                f"(duration {scenario.duration} / dt {scenario.dt}); the store runs at most "
                f"{max_steps} per scenario",
                details={"pointer": f"/scenarios/{i}", "steps": scenario.steps, "limit": max_steps},
            )
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

    The fingerprint is the one without rendering (``render=False``: its render
    block is 0): a verification must not depend on GL or Node, nor take their
    seconds, and every fingerprint of a space must be computed alike to compare.
    A space of another dimension (fingerprints of another version, in a
    database whose migrations did not run; migration 0004 empties it) is left
    alone: the verification goes on without storing, and a warning says why.
    """
    from synharness.agents.fingerprint import FINGERPRINT_DIMENSION, NotAnAssetError, fingerprint_of
    from synharness.api import vector_index
    from synharness.api.tables import VectorSpaceRow

    vector: list[float] | None = None
    if not result.reaches(Severity.ERROR):
        try:
            vector = fingerprint_of(json.loads(raw), render=False)
        except NotAnAssetError:
            vector = None
    space = session.get(VectorSpaceRow, vector_index.FINGERPRINT_SPACE)
    if vector is not None and space is not None and space.dimension != FINGERPRINT_DIMENSION:
        log.warning(
            "asset %s: fingerprint not stored: the %r space holds %d dimensions, "
            "fingerprints have %d (run `synharness db upgrade`: migration 0004 empties it)",
            asset_id,
            vector_index.FINGERPRINT_SPACE,
            space.dimension,
            FINGERPRINT_DIMENSION,
        )
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
