"""Behaviour fingerprints (issue 15): invariance, sensitivity, separation, determinism."""

from __future__ import annotations

import copy
import json
import random
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from synharness.agents.fingerprint import (
    DIMENSION,
    FEATURE_NAMES,
    NotAnAssetError,
    distance,
    fingerprint,
    fingerprint_of,
)
from synharness.agents.neighbours import DEFAULT_THRESHOLD
from synharness.models import SynestheticAsset
from synharness.pipeline import check_bytes

from tests.factories import make_asset
from tests.strategies import assets

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def renamed(asset: dict[str, Any]) -> dict[str, Any]:
    """Every name, id, label and description changed; nothing that runs."""
    copy_ = copy.deepcopy(asset)
    copy_["name"] = "A different name"
    copy_["description"] = "generated for prompt 17, seed 4"
    copy_["meta_info"] = {"prompt": "anything", "seed": 4, "timestamp": "2026-12-01T00:00:00Z"}
    for i, m in enumerate(copy_.get("modulations") or []):
        m["id"] = f"mod_{i}_renamed"
    for i, r in enumerate((copy_.get("rule_bundle") or {}).get("rules") or []):
        r["id"] = f"rule_{i}_renamed"
    for c in (copy_.get("control") or {}).get("control_parameters") or []:
        c["label"] = "Renamed control"
    for component in ("shader", "tone", "haptic"):
        if copy_.get(component):
            copy_[component]["name"] = f"{component} renamed"
            for i, p in enumerate(copy_[component].get("input_parameters") or []):
                p["name"] = f"Parameter {i}"
    return copy_


def reordered(asset: dict[str, Any], *, seed: int = 3) -> dict[str, Any]:
    """Keys shuffled everywhere; controls, modulations, parameters and uniforms reversed."""
    rng = random.Random(seed)

    def shuffle(value: Any) -> Any:
        if isinstance(value, dict):
            keys = list(value)
            rng.shuffle(keys)
            return {k: shuffle(value[k]) for k in keys}
        if isinstance(value, list):
            return [shuffle(v) for v in value]
        return value

    copy_ = shuffle(copy.deepcopy(asset))
    if copy_.get("modulations"):
        copy_["modulations"].reverse()
    if copy_.get("control"):
        copy_["control"]["control_parameters"].reverse()
    for component in ("shader", "tone", "haptic"):
        for key in ("input_parameters", "uniforms"):
            if copy_.get(component) and copy_[component].get(key):
                copy_[component][key].reverse()
    return copy_  # type: ignore[no-any-return]


def _model(raw: bytes) -> SynestheticAsset:
    checked = check_bytes(raw, source="<test>")
    assert isinstance(checked.model, SynestheticAsset), checked.result.findings
    return checked.model


def test_names_and_dimension_agree() -> None:
    assert len(FEATURE_NAMES) == DIMENSION == len(set(FEATURE_NAMES))
    vector = fingerprint_of(make_asset())
    assert len(vector) == DIMENSION
    assert all(0.0 <= v <= 1.0 for v in vector)


def test_fingerprints_are_deterministic() -> None:
    asset = make_asset()
    assert fingerprint_of(asset) == fingerprint_of(copy.deepcopy(asset))


@pytest.mark.parametrize("path", [*EXAMPLES[:4], None], ids=lambda p: p.name if p else "factory")
def test_renamed_reordered_and_reformatted_copies_are_at_distance_0(path: Path | None) -> None:
    asset = make_asset() if path is None else _load(path)
    base = fingerprint_of(asset)
    assert distance(base, fingerprint_of(renamed(asset))) == 0.0
    assert distance(base, fingerprint_of(reordered(asset))) == 0.0
    compact = json.dumps(asset, separators=(",", ":")).encode()
    spread = json.dumps(asset, indent=7, sort_keys=True, ensure_ascii=True).encode()
    for raw in (compact, spread):
        assert distance(base, fingerprint(_model(raw)).tolist()) == 0.0
    assert fingerprint_of(reordered(renamed(asset))) == base


def test_one_modulation_frequency_moves_the_fingerprint() -> None:
    asset = make_asset()
    faster = copy.deepcopy(asset)
    faster["modulations"][0]["frequency"] = 1.0  # 0.25 Hz before
    moved = distance(fingerprint_of(asset), fingerprint_of(faster))
    assert moved > DEFAULT_THRESHOLD
    names = np.asarray(FEATURE_NAMES)
    diff = np.abs(np.asarray(fingerprint_of(asset)) - np.asarray(fingerprint_of(faster))) > 0
    assert any("idle.band" in n or "idle.peak_hz" in n for n in names[diff])


def test_distinct_bundled_examples_are_far_apart() -> None:
    vectors = {p.name: fingerprint_of(_load(p)) for p in EXAMPLES}
    closest = min(
        (distance(vectors[a], vectors[b]), a, b) for a, b in combinations(sorted(vectors), 2)
    )
    # Ten times the near-duplicate threshold at least (measured: about 0.097).
    assert closest[0] > 10 * DEFAULT_THRESHOLD, closest


def test_a_document_that_is_no_valid_asset_has_no_fingerprint() -> None:
    broken = make_asset()
    broken["name"] = 42
    with pytest.raises(NotAnAssetError) as caught:
        fingerprint_of(broken)
    assert caught.value.findings and "SYN-SCHEMA-003" in str(caught.value)


def test_distance_is_cosine() -> None:
    assert distance([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert distance([1.0, 0.0], [0.0, 1.0]) == pytest.approx(1.0)
    assert distance([1.0, 1.0], [2.0, 2.0]) == pytest.approx(0.0, abs=1e-12)
    assert distance([0.0, 0.0], [0.0, 0.0]) == 0.0


def test_every_dimension_is_documented() -> None:
    import synharness.agents.fingerprint as module

    doc = (ROOT / "docs" / "fingerprint.md").read_text(encoding="utf-8")
    assert f"**{DIMENSION}**" in doc
    for name in (*module.PARAMETER_FEATURES, *module.COMPONENT_FEATURES, *module.EVENT_FEATURES):
        assert f"`{name}`" in doc or name.startswith("idle.band"), name
    for kind in (*module._NODE_KINDS, *module._EDGE_KINDS):
        assert kind in doc, kind
    for name in ("graph.max_in_degree", "graph.contended", "graph.cycles", "empty"):
        assert f"`{name}`" in doc, name
    from synharness.agents import fingerprint_render as render

    for name in (*render.VISUAL_FEATURES, *render.AUDIO_FEATURES, *render.RENDER_FLAGS):
        assert f"`{name}`" in doc, name
    for run in render.RENDER_RUNS:
        assert f"`{run}`" in doc, run


@settings(max_examples=25)
@given(asset=assets())
def test_any_valid_asset_has_a_finite_fingerprint_in_the_unit_cube(asset: dict[str, Any]) -> None:
    vector = fingerprint_of(asset)
    assert len(vector) == DIMENSION
    assert all(np.isfinite(vector)) and min(vector) >= 0.0 and max(vector) <= 1.0
    assert fingerprint_of(renamed(asset)) == vector
