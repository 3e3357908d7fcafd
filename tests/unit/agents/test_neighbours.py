"""The fingerprint index, near-duplicate groups and batch diversity."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from synharness.agents.fingerprint import DIMENSION, fingerprint_of
from synharness.agents.neighbours import (
    FingerprintIndex,
    diversity,
    diversity_of,
)
from synharness.extras import has_extra

from tests.unit.agents.test_fingerprint import renamed, reordered

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def _random(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, DIMENSION))


def _exact(data: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    unit = data / np.linalg.norm(data, axis=1, keepdims=True)
    q = query / np.linalg.norm(query)
    return [int(i) for i in np.argsort(1.0 - unit @ q, kind="stable")[:k]]


def test_exact_search_matches_brute_force() -> None:
    data = _random(300)
    index = FingerprintIndex(approximate=False)
    assert index.add(data) == range(300)
    for query in _random(5, seed=1):
        hits = index.search(query, 5)
        assert [i for i, _ in hits] == _exact(data, query, 5)
        assert [d for _, d in hits] == sorted(d for _, d in hits)
    assert index.backend == "exact"


def test_a_stored_vector_is_its_own_nearest_at_distance_0() -> None:
    data = _random(50)
    index = FingerprintIndex(approximate=False)
    index.add(data)
    assert index.search(data[17], 1) == [(17, 0.0)]


def test_ties_go_to_the_earlier_id() -> None:
    index = FingerprintIndex(approximate=False)
    index.add(np.ones((3, DIMENSION)))
    assert [i for i, _ in index.search(np.ones(DIMENSION), 3)] == [0, 1, 2]


@pytest.mark.skipif(not has_extra("ann"), reason="the 'ann' extra (usearch) is not installed")
def test_the_approximate_index_finds_what_the_exact_one_finds() -> None:
    data = _random(2000)
    approximate = FingerprintIndex(exact_below=500)
    approximate.add(data[:400])
    assert approximate.backend == "exact"
    approximate.add(data[400:])
    assert approximate.backend == "usearch"
    agree = 0
    for i in range(0, 2000, 40):  # stored vectors: the nearest is the vector itself
        agree += approximate.search(data[i], 1) == [(i, 0.0)]
    assert agree >= 48  # of 50: HNSW may miss, rarely


def test_wrong_dimension_is_refused() -> None:
    with pytest.raises(ValueError, match="values"):
        FingerprintIndex().add(np.ones(3))


def test_groups_follow_input_order_and_cover_every_input() -> None:
    a, b = np.eye(DIMENSION)[0], np.eye(DIMENSION)[1]
    result = diversity([a, b, a * 2, None, b])
    assert result.groups == [[0, 2], [1, 4], [3]]
    assert result.duplicate_of == [None, None, 0, None, 1]
    assert (result.assets, result.distinct, result.ratio) == (5, 3, 0.6)
    assert sorted(i for g in result.groups for i in g) == list(range(5))


def test_one_hundred_copies_of_five_assets_make_five_groups() -> None:
    five = [json.loads(p.read_text(encoding="utf-8")) for p in EXAMPLES[:5]]
    batch = []
    for i in range(100):
        asset = five[i % 5]
        batch.append(
            asset if i % 3 == 0 else renamed(asset) if i % 3 == 1 else reordered(asset, seed=i)
        )
    result = diversity_of(batch)
    assert result.distinct == 5 and result.assets == 100
    assert result.groups == [list(range(k, 100, 5)) for k in range(5)]
    assert result.ratio == 0.05


def test_diversity_of_counts_documents_without_a_fingerprint_as_distinct() -> None:
    good = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    result = diversity_of([good, {"name": 3}, "not an object", good])
    assert result.groups == [[0, 3], [1], [2]]
    assert fingerprint_of(good)  # the good one has one
