"""Benchmark of the reward (``make bench``): does the score carry signal? (section ``reward``).

Defect injection on random clean bases (``generate_assets`` with 2 to 8
modulations, seeds drawn from one generator, plus every clean example):
for each base, :data:`CHAINS` chains of up to :data:`LENGTH` defects of
random kinds at random places (:mod:`tests.defects`: envelope, schema,
references, ranges, duplicates, modulation reach, rules, uniforms, strobing).

Measured, in one run:
- ``spearman_rho``: per base, Spearman's rank correlation between the
  number of defects and the score over all its chains' documents; the
  ``mean``, ``worst`` and share of bases at or below the goal (<= -0.85);
- ``strictly_lower_share``: of all "one more defect" pairs, the share whose
  score is strictly lower (goal >= 95 %);
- ``hacks``: the highest score of any reward hack built around any clean
  example (:func:`tests.defects.hacks`), against the lowest clean example;
- ``assets_per_s``: the default :func:`synharness.score` on 1,000 generated
  clean assets in one process (goal >= 1,000/s on one core), with
  ``reference_validate_per_s`` (validation alone, same assets, same run) and
  their ratio; and the same for the injected (mostly broken) documents.

No assertion on time; the assertions check the signal goals, which are
properties of the formula, not of the machine.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import pytest
from synharness.agents.scoring import score
from synharness.pipeline import check_data

from tests.benchmarks.test_bench_score import best_rate, write_section
from tests.defects import ALL_DEFECTS, chain, hacks
from tests.factories import generate_assets

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parents[2]
BASES = 40
CHAINS = 8
LENGTH = 5
RHO_GOAL = -0.85
STRICT_GOAL = 0.95
N_SPEED = 1000


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rho with average ranks for ties (Pearson on the ranks)."""
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy) if vx and vy else 0.0


def _bases(rng: random.Random) -> list[dict[str, Any]]:
    generated = [
        generate_assets(1, seed=rng.randrange(2**31), modulations=rng.randint(2, 8))[0]
        for _ in range(BASES)
    ]
    examples = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "examples").glob("*.json"))
    ]
    return generated + examples


def test_bench_reward() -> None:
    rng = random.Random(20261201)
    bases = _bases(rng)
    rhos: list[float] = []
    pairs = lower = 0
    injected: list[dict[str, Any]] = []
    for base in bases:
        counts: list[float] = []
        scores: list[float] = []
        for _ in range(CHAINS):
            docs = chain(base, rng, LENGTH)
            values = [score(d).score for d in docs]
            counts += [float(k) for k in range(len(docs))]
            scores += values
            injected += docs[1:]
            for k in range(1, len(values)):
                pairs += 1
                lower += values[k] < values[k - 1]
        rhos.append(spearman(counts, scores))

    examples = bases[BASES:]
    clean_scores = [score(e).score for e in examples]
    lowest_clean = min(clean_scores)
    hack_scores = {
        f"{e.get('name')}/{name}": score(h).score for e in examples for name, h in hacks(e).items()
    }
    highest_hack = max(hack_scores.values())

    speed_assets = generate_assets(N_SPEED, seed=0)
    for a in speed_assets[:20]:
        score(a)

    def score_clean() -> None:
        for a in speed_assets:
            score(a)

    def validate_clean() -> None:
        for a in speed_assets:
            check_data(a, source="bench")

    broken = injected[:N_SPEED]

    def score_broken() -> None:
        for a in broken:
            score(a)

    def validate_broken() -> None:
        for a in broken:
            check_data(a, source="bench")

    per_s = best_rate(score_clean, len(speed_assets))
    cpu_start = time.process_time()
    score_clean()
    per_cpu_s = len(speed_assets) / (time.process_time() - cpu_start)
    reference = best_rate(validate_clean, len(speed_assets))
    broken_per_s = best_rate(score_broken, len(broken))
    broken_reference = best_rate(validate_broken, len(broken))

    rho_mean = sum(rhos) / len(rhos)
    strict = lower / pairs
    section = {
        "bases": len(bases),
        "chains_per_base": CHAINS,
        "max_defects": LENGTH,
        "defect_kinds": len(ALL_DEFECTS),
        "pairs": pairs,
        "spearman_rho": {
            "mean": round(rho_mean, 4),
            "worst": round(max(rhos), 4),
            "share_at_goal": round(sum(r <= RHO_GOAL for r in rhos) / len(rhos), 4),
            "goal": RHO_GOAL,
        },
        "strictly_lower_share": round(strict, 4),
        "strictly_lower_goal": STRICT_GOAL,
        "lowest_clean_example": lowest_clean,
        "highest_hack": highest_hack,
        "hacks": dict(sorted(hack_scores.items())),
        "assets_per_s": round(per_s, 1),
        "assets_per_cpu_s": round(per_cpu_s, 1),
        "reference_validate_per_s": round(reference, 1),
        "ratio_to_reference": round(per_s / reference, 3),
        "injected_per_s": round(broken_per_s, 1),
        "injected_reference_validate_per_s": round(broken_reference, 1),
        "injected_ratio_to_reference": round(broken_per_s / broken_reference, 3),
        "targets": {"assets_per_s": 1000.0},
    }
    write_section("reward", section)
    print(
        f"\nreward: rho mean {rho_mean:.3f} (worst {max(rhos):.3f}, goal <= {RHO_GOAL}); "
        f"{strict:.1%} of {pairs} one-more-defect pairs strictly lower (goal >= {STRICT_GOAL:.0%}); "
        f"highest hack {highest_hack:.6f} < lowest clean example {lowest_clean:.6f}\n"
        f"speed: {per_s:,.0f} clean assets/s ({per_cpu_s:,.0f} per CPU s; validation alone "
        f"{reference:,.0f}/s, ratio {per_s / reference:.2f}); injected {broken_per_s:,.0f}/s "
        f"(validation {broken_reference:,.0f}/s)"
    )
    assert rho_mean <= RHO_GOAL
    assert strict >= STRICT_GOAL
    assert highest_hack < lowest_clean
    assert all(0.0 <= s <= 1.0 for s in clean_scores)
