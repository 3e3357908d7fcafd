"""Scoring: one number in [0, 1] per asset, for ranking and as the reward of an RLHF loop.

Vocabulary:
- *gate*: an error of area LOAD, ENV or SCHEMA (the document did not load,
  names no known schema, or fails its schema or model). A document that does
  not load at all (``SYN-LOAD-*``, not an object) scores exactly **0**.
- *defects*: ``d = Σ weight * (1 + log2(places))`` over the findings, weight
  3 for an error and 1 for a warning (infos are free); *places* is how many
  places a merged finding stands for (:func:`synharness.schema.translate.places`),
  so one more place of the same mistake still costs something. Failing the
  gate adds :data:`GATE_PENALTY` defects, having no substance (SYN-SCORE-001)
  :data:`EMPTY_PENALTY` more.
- *band*: a document sits in ``[1/(D+2), 1/(D+1)]`` for ``D`` defects
  (penalty included); its *position* there is ``MARGIN + (1 - MARGIN) * q`` of
  the band's width. Bands of more defects lie wholly below (the margin keeps
  them apart), so one more finding always lowers the score and fixing one
  always raises it.
- *scale*: every document that loads scores ``FLOOR + (1 - FLOOR) *
  position`` -- except one that fails the gate and cannot be *repaired* past
  its schema errors (:mod:`synharness.schema.repair`): what fixing it would
  reveal is unknown, so it scores in the *lower tier* ``FLOOR * position``,
  below everything else that loads. For a repaired one, the semantic and
  honesty findings of the repaired copy count too (:func:`below_gate_findings`),
  so fixing the last schema error cannot reveal new cost.
- *q*: for a document that passes the gate, the *quality*, a weighted mean of
  - *health*: per traced parameter and scenario ``1 - clipped_fraction``, 0
    for any NaN;
  - *coverage*: per ranged numeric parameter the largest fraction of its
    range any scenario visited;
  - *driven*: the fraction of those parameters a control, a modulation or a
    rule effect targets;
  - *substance*: the mean of the modalities with parameters (of shader,
    tone, haptic) / 3, the kinds of driver used (control, modulation, rule) / 3
    and ``min(1, driven parameters / 8)``.
  For one that fails it, the *soundness*: per top-level part of the document,
  the share of its values no error points into, averaged.
- *losses*: ``1 - score`` split exactly into what cost it: each finding, each
  quality metric, the gate (see :func:`losses_of`).

Substance and honesty findings (``SYN-SCORE-*``) are made here, not by
validation: an asset without ranged parameters (001), with nothing driven
(002), with a modulation or rule that swings brightness or loudness over more
than half its range faster than 3 flashes per second (003, WCAG 2.3.1), and a
later duplicate in a batch (004, :mod:`synharness.agents.dedupe`).

The score is deterministic: scenarios use a fixed seed and nothing reads the
clock. See ``docs/score.md`` for the formula with worked examples.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from synharness.codes import finding
from synharness.findings import (
    Finding,
    Severity,
    Verdict,
    sort_findings,
    split_pointer,
    verdict_of,
)
from synharness.models import SynestheticAsset
from synharness.params import COMPONENTS, LEGACY_PREFIXES, DeclaredParameter, asset_parameters
from synharness.pipeline import CheckedDocument, ValidationOptions, check_bytes, check_data
from synharness.result import ScenarioOutcome
from synharness.schema.translate import places

#: The built-in scenarios the score runs by default. Idle alone (LFOs and
#: rules, no input) keeps scoring above 1,000 assets/s; pass
#: ``scenarios=("idle", "sweep", "random")`` to include the controls.
DEFAULT_SCENARIOS: tuple[str, ...] = ("idle",)
DEFAULT_DURATION = 10.0
DEFAULT_DT = 1 / 60
DEFAULT_SEED = 0
#: Weights of the quality components (they sum to 1).
WEIGHTS: dict[str, float] = {"health": 0.3, "coverage": 0.25, "driven": 0.2, "substance": 0.25}
#: How many warnings one error is worth.
ERROR_WEIGHT = 3
#: The top of the lower tier, where a document that fails the gate and cannot
#: be repaired past its schema errors scores (what fixing it reveals is unknown).
FLOOR = 0.05
#: Defects added for failing the gate (on top of its findings' own weight).
GATE_PENALTY = 1.0
#: Defects added to an asset without substance (SYN-SCORE-001, on top of its
#: weight): an empty asset ranks below a real one with any single mistake.
EMPTY_PENALTY = 2.0
#: The bottom share of each band that no position reaches, so bands never touch.
MARGIN = 0.1
#: Finding areas whose errors keep a document in the lower tier: it is not a
#: well-formed asset of a known schema (SYN-SCHEMA-000 included: the model
#: refused what the schema let through).
GATE_AREAS = frozenset({"LOAD", "ENV", "SCHEMA"})
#: WCAG 2.3.1 "Three Flashes or Below Threshold": nothing flashes more than
#: three times in any one second (https://www.w3.org/TR/WCAG22/#three-flashes-or-below-threshold).
#: A periodic swing of f Hz is f flashes (pairs of opposing changes) per second.
FLASH_LIMIT_HZ = 3.0
#: A swing over more than this share of a parameter's range counts as a flash
#: ("most of its range"; the renderers measure real luminance when installed).
FLASH_SWING = 0.5
#: Parameters whose swing reads as loudness (tone) or brightness (every shader
#: parameter can move brightness; the source does not say which do).
LOUDNESS_NAMES = frozenset({"volume", "gain", "velocity", "level", "amplitude", "loudness"})
#: Driven parameters for full richness.
RICH_PARAMETERS = 8


class Loss(BaseModel):
    """What cost some of the score: a finding (``code`` and ``pointer``) or a metric."""

    model_config = ConfigDict(frozen=True)

    #: ``SYN-REF-001 /modulations/0/target``, ``metric:coverage`` or ``gate``.
    what: str
    #: Points of the score lost to it (the losses sum to ``1 - score``).
    cost: float


class Score(BaseModel):
    """The score of one asset, with its parts and the findings behind it."""

    model_config = ConfigDict(frozen=True)

    #: In [0, 1]; higher is better.
    score: float = Field(ge=0.0, le=1.0)
    verdict: Verdict
    #: ``validity`` (0 below the gate), ``defects``, the quality metrics and
    #: ``quality`` (upper tier) or ``soundness`` (lower tier); see the module doc.
    components: dict[str, float]
    findings: list[Finding]
    #: ``1 - score`` split into its causes, largest first.
    losses: list[Loss] = Field(default_factory=list)


def _area(code: str) -> str:
    parts = code.split("-")
    return parts[1] if len(parts) >= 3 else ""


def gated(findings: Iterable[Finding]) -> bool:
    """Whether a load, envelope or schema error keeps the document below the gate."""
    return any(f.severity is Severity.ERROR and _area(f.code) in GATE_AREAS for f in findings)


def unloaded(findings: Iterable[Finding]) -> bool:
    """Whether the document did not load at all (it scores 0)."""
    return any(f.severity is Severity.ERROR and _area(f.code) == "LOAD" for f in findings)


def weight(f: Finding) -> float:
    """The defects one finding costs: 3 per error, 1 per warning, ``* (1 + log2 places)``."""
    if f.severity is Severity.INFO:
        return 0.0
    base = ERROR_WEIGHT if f.severity is Severity.ERROR else 1
    n = places(f)
    return base * (1.0 + math.log2(n)) if n > 1 else float(base)


def defects(findings: Iterable[Finding]) -> float:
    """The sum of :func:`weight` over the findings."""
    return sum(weight(f) for f in findings)


def band(defect_count: float) -> tuple[float, float]:
    """The ``(lower, upper)`` bounds of the in-tier position for ``defect_count`` defects."""
    return 1.0 / (defect_count + 2), 1.0 / (defect_count + 1)


def position(defect_count: float, q: float) -> float:
    """Where in [0, 1] a document with ``defect_count`` defects and quality ``q`` sits."""
    low, high = band(defect_count)
    return low + (high - low) * (MARGIN + (1 - MARGIN) * min(1.0, max(0.0, q)))


#: The lowest score a document without any defect can have (quality 0).
CLEAN_FLOOR = FLOOR + (1 - FLOOR) * position(0, 0.0)


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


def _control_refs(asset: SynestheticAsset) -> list[str]:
    return [] if asset.control is None else [c.parameter for c in asset.control.control_parameters]


def _modulation_refs(asset: SynestheticAsset) -> list[str]:
    return [m.target for _, m in asset.all_modulations() if isinstance(m.target, str)]


def _rule_refs(asset: SynestheticAsset) -> list[str]:
    found: list[str] = []
    if asset.rule_bundle is not None:
        for rule in asset.rule_bundle.rules:
            if rule.target:
                found.append(rule.target)
            for effect in rule.effects or []:
                target = effect.get("target")
                if isinstance(target, str):
                    found.append(target)
    return found


def references(asset: SynestheticAsset) -> list[str]:
    """Every parameter reference of controls, modulations and rule effects."""
    return _control_refs(asset) + _modulation_refs(asset) + _rule_refs(asset)


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


def drive_hits(
    asset: SynestheticAsset, declared: dict[str, DeclaredParameter]
) -> tuple[set[str], set[str], set[str]]:
    """The declared paths that controls, modulations and rules reference (each resolved)."""
    return (
        {t for r in _control_refs(asset) if (t := _target(r, declared)) is not None},
        {t for r in _modulation_refs(asset) if (t := _target(r, declared)) is not None},
        {t for r in _rule_refs(asset) if (t := _target(r, declared)) is not None},
    )


def substance(
    asset: SynestheticAsset,
    numeric: dict[str, DeclaredParameter],
    declared: dict[str, DeclaredParameter],
    *,
    hits: tuple[set[str], set[str], set[str]] | None = None,
) -> float:
    """Mean of modalities with parameters /3, kinds of driver used /3, richness."""
    modalities = len({p.component for p in numeric.values()}) / 3
    kinds = 0
    driven: set[str] = set()
    for hit in hits if hits is not None else drive_hits(asset, declared):
        mine = hit & numeric.keys()
        kinds += bool(mine)
        driven |= mine
    richness = min(1.0, len(driven) / RICH_PARAMETERS)
    return (modalities + kinds / 3 + richness) / 3


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


# --- substance and honesty findings -------------------------------------------------------


def _flash_prone(p: DeclaredParameter) -> bool:
    if p.component == "shader":
        return True
    if p.component == "tone":
        tail = p.path.rsplit(".", 1)[-1].lower()
        return tail in LOUDNESS_NAMES or any(n in tail for n in ("volume", "gain"))
    return False


def _swing(mod: Any, p: DeclaredParameter) -> float:
    """The share of ``p``'s range a modulation sweeps (within its own min/max)."""
    from synharness.semantic.modulation import reach

    low, high = reach(mod)
    lo, hi = p.min, p.max
    assert lo is not None and hi is not None  # scoreable
    if mod.min is not None and mod.max is not None and mod.min < mod.max:
        low, high = max(low, mod.min), min(high, mod.max)
    return max(0.0, min(high, hi) - max(low, lo)) / (hi - lo)


def honesty_findings(
    asset: SynestheticAsset, *, declared: dict[str, DeclaredParameter] | None = None
) -> list[Finding]:
    """``SYN-SCORE-001..003`` for one asset (see the module doc)."""
    declared = asset_parameters(asset) if declared is None else declared
    numeric = scoreable(declared)
    if not numeric:
        message = "no component declares a numeric parameter with a range: nothing to see, hear or feel change"
        return [finding("SYN-SCORE-001", "", message)]
    found: list[Finding] = []
    if not set().union(*drive_hits(asset, declared)) & numeric.keys():
        message = (
            f"no control, modulation or rule drives any of the {len(numeric)} ranged parameters"
        )
        found.append(finding("SYN-SCORE-002", "", message))
    fast: dict[str, float] = {}
    for pointer, mod in asset.all_modulations():
        path = _target(mod.target, declared) if isinstance(mod.target, str) else None
        p = numeric.get(path) if path else None
        if p is None or mod.frequency <= FLASH_LIMIT_HZ:
            continue
        swing = _swing(mod, p)
        fast[p.path] = max(fast.get(p.path, 0.0), mod.frequency)
        if _flash_prone(p) and swing > FLASH_SWING:
            message = (
                f"modulation {mod.id!r} swings {p.path} over {swing:.0%} of its range at "
                f"{mod.frequency:g} Hz, above {FLASH_LIMIT_HZ:g} flashes per second (WCAG 2.3.1)"
            )
            found.append(finding("SYN-SCORE-003", f"{pointer}/frequency", message))
    if fast and asset.rule_bundle is not None:
        found += _strobing_rules(asset, declared, numeric, fast)
    return found


def _strobing_rules(
    asset: SynestheticAsset,
    declared: dict[str, DeclaredParameter],
    numeric: dict[str, DeclaredParameter],
    fast: dict[str, float],
) -> list[Finding]:
    """Rules whose trigger reads a fast modulated parameter and that write a flash-prone one."""
    from synharness.semantic.vocabulary import trigger_source

    assert asset.rule_bundle is not None
    found: list[Finding] = []
    for i, rule in enumerate(asset.rule_bundle.rules):
        source = trigger_source(rule.trigger)
        hz = fast.get(_target(source, declared) or "") if source else None
        if hz is None:
            continue
        targets = [e.get("target") for e in rule.effects or []] + [rule.target]
        hit = [
            t
            for t in targets
            if isinstance(t, str)
            and (p := numeric.get(_target(t, declared) or ""))
            and _flash_prone(p)
        ]
        if hit:
            message = (
                f"rule {rule.id!r} fires on {source}, modulated at {hz:g} Hz, and writes "
                f"{hit[0]}: above {FLASH_LIMIT_HZ:g} flashes per second (WCAG 2.3.1)"
            )
            found.append(finding("SYN-SCORE-003", f"/rule_bundle/rules/{i}", message))
    return found


# --- the formula --------------------------------------------------------------------------


def soundness(data: Any, findings: Sequence[Finding]) -> float:
    """Per top-level part of ``data``, the share of its values no error points into; averaged.

    Findings that name something absent (a missing property) or the whole
    document touch nothing: their cost is in the defects.
    """
    if not isinstance(data, dict) or not data:
        return 0.0
    touched: dict[str, list[list[str]]] = {}
    for f in findings:
        if f.severity is not Severity.ERROR or f.code in ("SYN-SCHEMA-001", "SYN-SCHEMA-009"):
            continue
        tokens = split_pointer(f.pointer)
        if tokens:
            touched.setdefault(tokens[0], []).append(tokens[1:])
    shares = []
    for key, value in data.items():
        if key in ("$schema", "$schemaRef"):
            continue
        total = _leaves(value)
        hit = touched.get(key)
        if not hit:
            shares.append(1.0)
        elif any(not rest for rest in hit):
            shares.append(0.0)
        else:
            bad = sum(_leaves(_at(value, rest)) for rest in _outermost(hit))
            shares.append(max(0.0, 1.0 - bad / total))
    return sum(shares) / len(shares) if shares else 0.0


def _leaves(value: Any) -> int:
    if isinstance(value, dict):
        return max(1, sum(_leaves(v) for v in value.values()))
    if isinstance(value, list):
        return max(1, sum(_leaves(v) for v in value))
    return 1


def _at(value: Any, tokens: list[str]) -> Any:
    for t in tokens:
        if isinstance(value, dict) and t in value:
            value = value[t]
        elif isinstance(value, list) and t.isdigit() and int(t) < len(value):
            value = value[int(t)]
        else:
            return None  # points at something absent: one value
    return value


def _outermost(paths: list[list[str]]) -> list[list[str]]:
    """Drop paths inside another path of the list, so no value counts twice."""
    unique = sorted({tuple(p) for p in paths}, key=len)
    kept: list[tuple[str, ...]] = []
    for p in unique:
        if not any(p[: len(k)] == k for k in kept):
            kept.append(p)
    return [list(p) for p in kept]


def _tier(lower: bool) -> tuple[float, float]:
    """``(bottom, width)`` of the lower tier ``(0, FLOOR)`` or the common scale ``[FLOOR, 1]``."""
    return (0.0, FLOOR) if lower else (FLOOR, 1.0 - FLOOR)


def penalties(findings: Sequence[Finding], *, passed: bool) -> dict[str, float]:
    """Defects added on top of the findings': failing the gate, having no substance."""
    out: dict[str, float] = {}
    if not passed:
        out["gate"] = GATE_PENALTY
    empty = next((f for f in findings if f.code == "SYN-SCORE-001"), None)
    if empty is not None:
        out[f"{empty.code} {empty.pointer}".rstrip()] = EMPTY_PENALTY
    return out


def losses_of(
    findings: Sequence[Finding],
    *,
    lower: bool,
    penalty: dict[str, float],
    metrics: dict[str, float],
    weights: dict[str, float],
) -> list[Loss]:
    """Split ``1 - score`` into the gate, each finding and each quality metric.

    With the tier ``[B, B + W]`` and ``D = d + penalty``: the lower tier costs
    ``1 - B - W`` (split over the gating findings); the metrics cost
    ``W * (1 - position(0, q))``, each in proportion to ``weight * (1 - value)``;
    the defects cost ``W * (position(0, q) - position(D, q))``, each finding in
    proportion to its :func:`weight` and the gate penalty as ``gate``.
    """
    bottom, width = _tier(lower)
    q = sum(weights[k] * metrics[k] for k in weights)
    d = defects(findings)
    total = d + sum(penalty.values())
    out: dict[str, float] = {}
    gating = [f for f in findings if f.severity is Severity.ERROR and _area(f.code) in GATE_AREAS]
    tier_cost = 1.0 - bottom - width
    for f in gating if tier_cost else []:
        key = f"{f.code} {f.pointer}".rstrip()
        out[key] = out.get(key, 0.0) + tier_cost / len(gating)
    top = position(0, q)
    quality_cost = width * (1.0 - top)
    shortfall = sum(weights[k] * (1.0 - metrics[k]) for k in weights)
    for k in weights:
        if shortfall > 0:
            out[f"metric:{k}"] = quality_cost * weights[k] * (1.0 - metrics[k]) / shortfall
    defect_cost = width * (top - position(total, q))
    if total:
        for f in findings:
            w = weight(f)
            if w:
                key = f"{f.code} {f.pointer}".rstrip()
                out[key] = out.get(key, 0.0) + defect_cost * w / total
        for key, extra in penalty.items():
            out[key] = out.get(key, 0.0) + defect_cost * extra / total
    ranked = sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))
    # model_construct: the values are computed here, validating them again is waste.
    return [Loss.model_construct(what=k, cost=round(v, 6)) for k, v in ranked if round(v, 6) > 0]


def _combine(
    findings: list[Finding], *, passed: bool, repaired: bool, metrics: dict[str, float]
) -> Score:
    """The score of sorted findings and metrics (see the module doc)."""
    lower = not passed and not repaired
    penalty = penalties(findings, passed=passed)
    weights = WEIGHTS if passed else {"soundness": 1.0}
    q = sum(weights[k] * metrics[k] for k in weights)
    d = defects(findings)
    bottom, width = _tier(lower)
    value = bottom + width * position(d + sum(penalty.values()), q)
    components: dict[str, float] = {"validity": 1.0 if passed else 0.0}
    if not passed:
        components["repaired"] = 1.0 if repaired else 0.0
    components |= {"defects": d, **metrics}
    if passed:
        components["quality"] = q
    return Score(
        score=round(min(1.0, max(0.0, value)), 6),
        verdict=verdict_of(findings),
        components={k: round(v, 6) for k, v in components.items()},
        findings=findings,
        losses=losses_of(findings, lower=lower, penalty=penalty, metrics=metrics, weights=weights),
    )


def score_parts(
    findings: Sequence[Finding],
    *,
    asset: SynestheticAsset | None,
    outcomes: Sequence[ScenarioOutcome] = (),
    data: Any = None,
    repaired: bool = False,
    declared: dict[str, DeclaredParameter] | None = None,
) -> Score:
    """Combine findings and scenario outcomes into a score (the pure formula).

    Args:
        findings: Every finding of validation, simulation and the honesty checks.
        asset: The validated asset model, or None when the document is not a
            valid synesthetic asset (another kind scores low: no substance).
        outcomes: The scenario outcomes of the simulation.
        data: The parsed document, for the soundness of one that fails the
            gate (without it the soundness is 0).
        repaired: For a document that fails the gate: whether ``findings``
            include what a repair past its schema errors found
            (:func:`below_gate_findings`); only then does it share the common
            scale, else it scores in the lower tier.
        declared: The asset's declared parameters, when already known.

    Returns:
        The score with its components, losses and the findings, sorted.
    """
    ordered = sort_findings(findings)
    if unloaded(ordered) and not isinstance(data, dict):
        losses = [Loss(what=f"{f.code} {f.pointer}".rstrip(), cost=1.0) for f in ordered[:1]]
        return Score(
            score=0.0,
            verdict=verdict_of(ordered),
            components={"validity": 0.0},
            findings=ordered,
            losses=losses,
        )
    if gated(ordered):
        metrics = {"soundness": soundness(data, ordered)}
        return _combine(ordered, passed=False, repaired=repaired, metrics=metrics)
    if asset is None:
        metrics = {k: 0.0 for k in WEIGHTS}
        metrics["health"] = 1.0
    else:
        declared = asset_parameters(asset) if declared is None else declared
        numeric = scoreable(declared)
        hits = drive_hits(asset, declared)
        driven = set().union(*hits)
        metrics = {
            "health": health(outcomes),
            "coverage": coverage(outcomes, numeric),
            "driven": sum(1 for p in numeric if p in driven) / len(numeric) if numeric else 0.0,
            "substance": substance(asset, numeric, declared, hits=hits),
        }
    return _combine(ordered, passed=True, repaired=False, metrics=metrics)


def rescored(result: Score, extra: Sequence[Finding]) -> Score:
    """``result`` with ``extra`` findings added, recomputed from its components.

    Used for batch duplicates, found after an asset was scored on its own.
    """
    findings = sort_findings([*result.findings, *extra])
    c = result.components
    if "defects" not in c:  # did not load: stays 0
        return result.model_copy(update={"findings": findings, "verdict": verdict_of(findings)})
    passed = c["validity"] == 1.0
    keys = WEIGHTS if passed else {"soundness": 1.0}
    metrics = {k: c[k] for k in keys}
    return _combine(
        findings, passed=passed, repaired=c.get("repaired", 0.0) == 1.0, metrics=metrics
    )


def below_gate_findings(checked: CheckedDocument) -> tuple[list[Finding], bool]:
    """What a document below the gate would still get wrong once its schema errors are fixed.

    Two parts, both counted in its defects so that a defect added to a broken
    document still lowers its score, and fixing one never reveals hidden cost:
    - with an unusable envelope (unknown version or kind), the schema findings
      of the document validated as the default kind and version;
    - the semantic and honesty findings of the document *repaired* past its
      schema errors (:mod:`synharness.schema.repair`), messages prefixed
      ``behind the schema errors:`` (pointers as in the repaired copy, which
      may drop array items).

    Returns:
        The findings, and whether the repair succeeded (a full asset model
        was built), so that they cover what fixing the schema errors reveals.
    """
    from pydantic import ValidationError
    from synharness.envelope import DEFAULT_KIND, ENRICHMENT_KEYS, ENVELOPE_KEYS, infer_kind
    from synharness.schema import DEFAULT_VERSION, load_registry
    from synharness.schema.unwrap import wrapped_key
    from synharness.semantic import check_document

    data = checked.data
    if not isinstance(data, dict):
        return [], False
    registry = load_registry()
    stripped = {k: v for k, v in data.items() if k not in ENVELOPE_KEYS}
    kind, version = checked.result.kind, checked.result.schema_version
    found: list[Finding] = []
    if kind is None or version is None or registry.get(version) is None:
        kind, version = infer_kind(stripped), DEFAULT_VERSION
        schemas = registry.get(version)
        assert schemas is not None  # the shipped version
        found += [
            f.model_copy(update={"message": f"as {kind} {version}: {f.message}"})
            for f in schemas.validate(kind, stripped)
        ]
    else:
        schemas = registry.get(version)
        assert schemas is not None
        if any(f.code == "SYN-ENRICH-001" for f in checked.result.findings):
            stripped = {k: v for k, v in stripped.items() if k not in ENRICHMENT_KEYS}
    if kind != DEFAULT_KIND:
        return found, False
    base = ""
    key = wrapped_key(stripped)
    if key is not None:
        base = "/" + key.replace("~", "~0").replace("/", "~1")
        stripped = {k: v for k, v in stripped[key].items() if k not in ENVELOPE_KEYS}
    repaired = schemas.repaired(kind, stripped)
    if repaired is None:
        return found, False
    try:
        model = SynestheticAsset.model_validate(repaired)
    except ValidationError:
        return found, False
    hidden = [*check_document(kind, model), *honesty_findings(model)]
    return found + [
        f.model_copy(
            update={
                "pointer": base + f.pointer,
                "message": f"behind the schema errors: {f.message}",
            }
        )
        for f in hidden
    ], True


#: The renderer modules ``render=True`` asks for findings.
RENDERERS: tuple[str, ...] = ("synharness.render.shader", "synharness.render.audio")


def _renderers() -> tuple[list[Any], list[str]]:
    """The entry points of the installed renderers, and the names of the missing ones."""
    import importlib

    entries: list[Any] = []
    missing: list[str] = []
    for name in RENDERERS:
        try:
            module = importlib.import_module(name)
        except ImportError:
            missing.append(name)
            continue
        entry = getattr(module, "score_findings", None)
        if entry is None:
            missing.append(name)
        else:
            entries.append(entry)
    return entries, missing


def missing_renderers() -> list[str]:
    """The renderer modules that are not installed (or have no score entry point)."""
    return _renderers()[1]


def render_findings(asset: SynestheticAsset) -> list[Finding]:
    """Findings of the renderers (SYN-VISUAL-*, SYN-AUDIO-*, SYN-GLSL-010..019, SYN-RENDER-*).

    The seam for the render issues: each module of :data:`RENDERERS` that
    imports and has a ``score_findings(asset) -> Iterable[Finding]`` is
    called, and its findings count like any others (by severity: an error or
    warning keeps the asset out of the clean band). A missing renderer is one
    ``SYN-SCORE-005`` info. Imported lazily: renderers own a GL context or a
    Node worker.
    """
    entries, missing = _renderers()
    found: list[Finding] = []
    for entry in entries:
        found += list(entry(asset))
    if missing:
        message = f"rendering skipped: {', '.join(missing)} not installed"
        found.append(finding("SYN-SCORE-005", "", message))
    return found


def score_checked(
    checked: CheckedDocument,
    *,
    scenarios: Sequence[str] = DEFAULT_SCENARIOS,
    duration: float = DEFAULT_DURATION,
    dt: float = DEFAULT_DT,
    seed: int = DEFAULT_SEED,
    render: bool = False,
) -> Score:
    """Simulate a validated document's built-in scenarios and score it.

    Args:
        checked: The pipeline's output for one document.
        scenarios: Names of the built-in scenarios to run.
        duration: Simulated seconds per scenario.
        dt: Time step in seconds.
        seed: Seed of the scenarios' random generator.
        render: Also run the renderers, when installed (see :func:`render_findings`).

    Returns:
        The score.
    """
    findings = list(checked.result.findings)
    model = checked.model if isinstance(checked.model, SynestheticAsset) else None
    if gated(findings):
        hidden, repaired = ([], False) if unloaded(findings) else below_gate_findings(checked)
        return score_parts(findings + hidden, asset=None, data=checked.data, repaired=repaired)
    if model is None:
        kind = checked.result.kind or "document"
        message = f"a {kind} document is one component, not an asset"
        findings.append(finding("SYN-SCORE-001", "", message))
        return score_parts(findings, asset=None, data=checked.data)
    declared = asset_parameters(model)
    findings += honesty_findings(model, declared=declared)
    if render:
        findings += render_findings(model)
    if not scenarios:
        return score_parts(findings, asset=model, data=checked.data, declared=declared)
    # Imported here: the engine is the heavy part of the agents package, and
    # the formula above must stay importable (and testable) on its own.
    from synharness.agents import builtin_scenarios, run_scenarios

    wanted = set(scenarios)
    chosen = [
        s for s in builtin_scenarios(model, duration=duration, dt=dt, seed=seed) if s.name in wanted
    ]
    outcomes, sim_findings = run_scenarios(model, chosen)
    return score_parts(
        findings + _located(list(sim_findings), checked.text),
        asset=model,
        outcomes=outcomes,
        data=checked.data,
        declared=declared,
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
    render: bool = False,
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
        render: Also run the renderers, when installed.
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
    return score_checked(
        checked, scenarios=scenarios, duration=duration, dt=dt, seed=seed, render=render
    )


def score_bytes(
    raw: bytes,
    *,
    source: str,
    scenarios: Sequence[str] = DEFAULT_SCENARIOS,
    duration: float = DEFAULT_DURATION,
    dt: float = DEFAULT_DT,
    seed: int = DEFAULT_SEED,
    render: bool = False,
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
        render: Also run the renderers, when installed.
        strict: Validate with the strict severity profile.

    Returns:
        The score.
    """
    checked = check_bytes(raw, source=source, options=ValidationOptions(strict=strict))
    return score_checked(
        checked, scenarios=scenarios, duration=duration, dt=dt, seed=seed, render=render
    )


def score_many(
    documents: Sequence[dict[str, Any] | bytes | str],
    *,
    jobs: int = 1,
    sources: Sequence[str] | None = None,
    scenarios: Sequence[str] = DEFAULT_SCENARIOS,
    duration: float = DEFAULT_DURATION,
    dt: float = DEFAULT_DT,
    seed: int = DEFAULT_SEED,
    render: bool = False,
    strict: bool = False,
) -> list[Score]:
    """Score a batch: one full :class:`Score` per document, same length and order.

    A later document that behaves like an earlier one of the batch (another
    name, the same behaviour) gets ``SYN-SCORE-004`` and scores lower.

    Args:
        documents: Parsed objects, or JSON text as bytes or str.
        jobs: Worker processes; 1 scores in this process.
        sources: How findings name each document (default ``<batch>:<i>``).
        scenarios: Names of the built-in scenarios to run.
        duration: Simulated seconds per scenario.
        dt: Time step in seconds.
        seed: Seed of the scenarios' random generator.
        render: Also run the renderers, when installed.
        strict: Validate with the strict severity profile.

    Returns:
        The scores, in the order of ``documents``.
    """
    from synharness.agents.batch import score_batch

    names = (
        list(sources)
        if sources is not None
        else [f"<batch>:{i + 1}" for i in range(len(documents))]
    )
    options = {
        "scenarios": tuple(scenarios),
        "duration": duration,
        "dt": dt,
        "seed": seed,
        "render": render,
        "strict": strict,
    }
    return score_batch(list(documents), names, jobs=jobs, options=options)
