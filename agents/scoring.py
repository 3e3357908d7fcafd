"""Scoring: one number in [0, 1] per asset, for ranking and for the RLHF loop.

Vocabulary:
- *gate*: a document that did not load, has no known envelope or fails its
  schema (or model) scores 0; nothing else is looked at.
- *defects*: ``3 * errors + warnings`` among the findings of validation and
  simulation (infos are free). Each defect moves the asset down one *band*.
- *band*: the interval ``[1 / (d + 2), 1 / (d + 1)]`` for ``d`` defects: a
  clean asset scores in [1/2, 1], one warning in [1/3, 1/2], one error in
  [1/5, 1/4]. Bands do not overlap, so removing a finding never lowers the
  score, whatever the fix does to the simulation.
- *quality*: where the asset sits inside its band, a weighted mean of
  - *health*: per traced parameter and scenario, ``1 - clipped_fraction``,
    and 0 if any value was NaN;
  - *coverage*: per declared numeric parameter with a range, the largest
    fraction of that range any scenario visited (0 when never traced);
  - *driven*: the fraction of declared numeric parameters that a control, a
    modulation or a rule effect targets.

``score = lower + (upper - lower) * quality``; see ``docs/score.md`` for the
formula with a worked example. The score is deterministic: scenarios use a
fixed seed and nothing reads the clock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from synharness.codes import finding
from synharness.findings import Finding, Severity, Verdict, sort_findings, verdict_of
from synharness.models import SynestheticAsset
from synharness.params import COMPONENTS, LEGACY_PREFIXES, DeclaredParameter, asset_parameters
from synharness.pipeline import CheckedDocument, ValidationOptions, check_bytes, check_data
from synharness.result import ScenarioOutcome

#: The built-in scenarios the score runs by default. Idle alone (LFOs and
#: rules, no input) keeps scoring above 1,000 assets/s; pass
#: ``scenarios=("idle", "sweep", "random")`` to include the controls.
DEFAULT_SCENARIOS: tuple[str, ...] = ("idle",)
DEFAULT_DURATION = 10.0
DEFAULT_DT = 1 / 60
DEFAULT_SEED = 0
#: Weights of the quality components (they sum to 1).
WEIGHTS: dict[str, float] = {"health": 0.4, "coverage": 0.35, "driven": 0.25}
#: How many warnings one error is worth.
ERROR_WEIGHT = 3
#: Finding areas whose errors gate the score to 0: the document is not a
#: well-formed asset of a known schema, so nothing else is meaningful. This
#: includes SYN-SCHEMA-000, the model refusing what the schema let through.
GATE_AREAS = frozenset({"LOAD", "ENV", "SCHEMA"})


class Score(BaseModel):
    """The score of one asset, with its parts and the findings behind it."""

    model_config = ConfigDict(frozen=True)

    #: In [0, 1]; higher is better.
    score: float = Field(ge=0.0, le=1.0)
    verdict: Verdict
    #: ``validity``, ``defects``, ``health``, ``coverage``, ``driven``, ``quality``.
    components: dict[str, float]
    findings: list[Finding]


def _area(code: str) -> str:
    parts = code.split("-")
    return parts[1] if len(parts) >= 3 else ""


def gated(findings: Iterable[Finding]) -> bool:
    """Whether a load, envelope or schema error keeps the score at 0."""
    return any(f.severity is Severity.ERROR and _area(f.code) in GATE_AREAS for f in findings)


def defects(findings: Iterable[Finding]) -> int:
    """``3 * errors + warnings``; infos do not count."""
    return sum(
        ERROR_WEIGHT if f.severity is Severity.ERROR else 1
        for f in findings
        if f.severity is not Severity.INFO
    )


def band(defect_count: int) -> tuple[float, float]:
    """The ``(lower, upper)`` bounds of the score for ``defect_count`` defects."""
    return 1.0 / (defect_count + 2), 1.0 / (defect_count + 1)


def scoreable(parameters: dict[str, DeclaredParameter]) -> dict[str, DeclaredParameter]:
    """Declared numeric parameters with a finite, non-empty range."""
    return {
        path: p
        for path, p in parameters.items()
        if p.is_numeric
        and p.min is not None
        and p.max is not None
        and math.isfinite(p.min)
        and math.isfinite(p.max)
        and p.max > p.min
    }


def references(asset: SynestheticAsset) -> list[str]:
    """Every parameter reference of controls, modulations and rule effects."""
    found: list[str] = []
    if asset.control is not None:
        found += [c.parameter for c in asset.control.control_parameters]
    found += [m.target for _, m in asset.all_modulations() if isinstance(m.target, str)]
    if asset.rule_bundle is not None:
        for rule in asset.rule_bundle.rules:
            if rule.target:
                found.append(rule.target)
            for effect in rule.effects or []:
                target = effect.get("target")
                if isinstance(target, str):
                    found.append(target)
    return found


def _target(reference: str, declared: dict[str, DeclaredParameter]) -> str | None:
    """The declared path a reference names, as :func:`synharness.params.resolve` finds it.

    The same order (exact, legacy namespace, bare name in one component) but
    without the "did you mean" suggestion: difflib made the suggestion of
    instrument targets (``tone.synth``) a fifth of the scoring time.
    """
    if reference in declared:
        return reference
    head, _, rest = reference.partition(".")
    if rest and head in LEGACY_PREFIXES:
        translated = f"{LEGACY_PREFIXES[head]}.{rest}"
        return translated if translated in declared else None
    if head not in COMPONENTS:
        hits = [f"{c}.{reference}" for c in COMPONENTS if f"{c}.{reference}" in declared]
        if len(hits) == 1:
            return hits[0]
    return None


def driven_fraction(
    asset: SynestheticAsset,
    parameters: dict[str, DeclaredParameter],
    *,
    declared: dict[str, DeclaredParameter] | None = None,
) -> float:
    """The fraction of ``parameters`` that some reference resolves to (0 if none).

    Args:
        asset: The asset whose controls, modulations and rules are read.
        parameters: The parameters to count (the scoreable ones).
        declared: Every declared parameter of the asset, when already known.

    Returns:
        A fraction in [0, 1].
    """
    if not parameters:
        return 0.0
    known = asset_parameters(asset) if declared is None else declared
    hit = {_target(ref, known) for ref in references(asset)}
    return sum(1 for path in parameters if path in hit) / len(parameters)


def health(outcomes: Sequence[ScenarioOutcome]) -> float:
    """Mean of ``1 - clipped_fraction`` over traced parameters, 0 for any NaN.

    Nothing traced is nothing unhealthy: 1.
    """
    values = [
        0.0 if m.nan_count else max(0.0, 1.0 - m.clipped_fraction)
        for o in outcomes
        for m in o.metrics.values()
    ]
    return sum(values) / len(values) if values else 1.0


def coverage(outcomes: Sequence[ScenarioOutcome], parameters: Iterable[str]) -> float:
    """Mean over ``parameters`` of the best coverage any scenario reached (0 if none)."""
    paths = list(parameters)
    if not paths:
        return 0.0
    best = [
        max((o.metrics[p].coverage for o in outcomes if p in o.metrics), default=0.0) for p in paths
    ]
    return sum(min(1.0, max(0.0, b)) for b in best) / len(paths)


def score_parts(
    findings: Sequence[Finding],
    *,
    asset: SynestheticAsset | None,
    outcomes: Sequence[ScenarioOutcome] = (),
) -> Score:
    """Combine findings and scenario outcomes into a score (the pure formula).

    Args:
        findings: Every finding of validation and simulation.
        asset: The validated asset model, or None when the document is not a
            valid synesthetic asset (another kind scores its band's floor).
        outcomes: The scenario outcomes of the simulation.

    Returns:
        The score with its components and the findings, sorted.
    """
    ordered = sort_findings(findings)
    verdict = verdict_of(ordered)
    if gated(ordered):
        components = {"validity": 0.0}
        return Score(score=0.0, verdict=verdict, components=components, findings=ordered)
    d = defects(ordered)
    lower, upper = band(d)
    if asset is None:
        parts = {"health": 0.0, "coverage": 0.0, "driven": 0.0}
    else:
        declared = asset_parameters(asset)
        numeric = scoreable(declared)
        parts = {
            "health": health(outcomes),
            "coverage": coverage(outcomes, numeric),
            "driven": driven_fraction(asset, numeric, declared=declared),
        }
    quality = sum(WEIGHTS[k] * v for k, v in parts.items())
    value = lower + (upper - lower) * quality
    components = {"validity": 1.0, "defects": float(d), **parts, "quality": quality}
    return Score(
        score=round(min(1.0, max(0.0, value)), 6),
        verdict=verdict,
        components={k: round(v, 6) for k, v in components.items()},
        findings=ordered,
    )


def score_checked(
    checked: CheckedDocument,
    *,
    scenarios: Sequence[str] = DEFAULT_SCENARIOS,
    duration: float = DEFAULT_DURATION,
    dt: float = DEFAULT_DT,
    seed: int = DEFAULT_SEED,
) -> Score:
    """Simulate a validated document's built-in scenarios and score it.

    Args:
        checked: The pipeline's output for one document.
        scenarios: Names of the built-in scenarios to run.
        duration: Simulated seconds per scenario.
        dt: Time step in seconds.
        seed: Seed of the scenarios' random generator.

    Returns:
        The score.
    """
    findings = list(checked.result.findings)
    model = checked.model if isinstance(checked.model, SynestheticAsset) else None
    if gated(findings) or model is None or not scenarios:
        return score_parts(findings, asset=model)
    # Imported here: the engine is the heavy part of the agents package, and
    # the formula above must stay importable (and testable) on its own.
    from synharness.agents import builtin_scenarios, run_scenarios

    wanted = set(scenarios)
    chosen = [
        s for s in builtin_scenarios(model, duration=duration, dt=dt, seed=seed) if s.name in wanted
    ]
    outcomes, sim_findings = run_scenarios(model, chosen)
    return score_parts(
        findings + _located(list(sim_findings), checked.text), asset=model, outcomes=outcomes
    )


def _located(findings: list[Finding], text: str | None) -> list[Finding]:
    """Give simulation findings the line and column of their pointer, when the text is known."""
    todo = [f.pointer for f in findings if f.file is None and f.line is None]
    if not todo or text is None:
        return findings
    from synharness.positions import locate_all

    where = locate_all(text, todo)
    return [
        f.located(*hit)
        if f.file is None and f.line is None and (hit := where.get(f.pointer))
        else f
        for f in findings
    ]


def score(
    asset: dict[str, Any],
    *,
    source: str = "<asset>",
    scenarios: Sequence[str] = DEFAULT_SCENARIOS,
    duration: float = DEFAULT_DURATION,
    dt: float = DEFAULT_DT,
    seed: int = DEFAULT_SEED,
    strict: bool = False,
) -> Score:
    """Validate, simulate and score one asset document.

    Args:
        asset: The document as parsed JSON (with its ``$schema``).
        source: How findings name the document.
        scenarios: Names of the built-in scenarios to run.
        duration: Simulated seconds per scenario.
        dt: Time step in seconds.
        seed: Seed of the scenarios' random generator.
        strict: Validate with the strict severity profile
            (:attr:`~synharness.pipeline.ValidationOptions.strict`).

    Returns:
        The score; a document that is not a JSON object scores 0 with a
        ``SYN-LOAD-008`` finding.
    """
    if not isinstance(asset, dict):
        top = finding(
            "SYN-LOAD-008", "", f"the document is a {type(asset).__name__}, not an object"
        )
        return score_parts([top], asset=None)
    checked = check_data(asset, source=source, options=ValidationOptions(strict=strict))
    return score_checked(checked, scenarios=scenarios, duration=duration, dt=dt, seed=seed)


def score_bytes(
    raw: bytes,
    *,
    source: str,
    scenarios: Sequence[str] = DEFAULT_SCENARIOS,
    duration: float = DEFAULT_DURATION,
    dt: float = DEFAULT_DT,
    seed: int = DEFAULT_SEED,
    strict: bool = False,
) -> Score:
    """Parse, validate, simulate and score one document's bytes.

    Malformed input is never an exception: it scores 0 with its load finding.

    Args:
        raw: The document's bytes (one JSON Lines line, or a whole file).
        source: How findings name the document (``<stdin>:3``, a path).
        scenarios: Names of the built-in scenarios to run.
        duration: Simulated seconds per scenario.
        dt: Time step in seconds.
        seed: Seed of the scenarios' random generator.
        strict: Validate with the strict severity profile.

    Returns:
        The score.
    """
    checked = check_bytes(raw, source=source, options=ValidationOptions(strict=strict))
    return score_checked(checked, scenarios=scenarios, duration=duration, dt=dt, seed=seed)
