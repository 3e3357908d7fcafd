"""The worked examples of docs/score.md, computed: the numbers in the doc are current."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from synharness.agents.scoring import score, score_many

from tests.defects import hacks

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "score.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def heartbeat() -> dict[str, Any]:
    return dict(json.loads((ROOT / "examples" / "heartbeat.json").read_text(encoding="utf-8")))


def test_clean_example() -> None:
    s = score(heartbeat())
    for value in (s.score, s.components["coverage"], s.components["substance"]):
        assert f"= {value:.6f}" in DOC
        assert f"= {value:.6f}" in README
    assert f"{s.components['quality']:.6f}" in DOC
    costs = {loss.what: loss.cost for loss in s.losses}
    assert f"metric:coverage {costs['metric:coverage']}" in DOC
    assert f"metric:substance {costs['metric:substance']}" in DOC


def test_one_warning_and_the_renamed_copy() -> None:
    doc = heartbeat()
    doc.pop("$schema")
    assert score(doc).score == score(heartbeat()).score  # SYN-ENV-001 is an info
    s = score(doc, strict=True)
    assert f"**{s.score:.6f}**" in DOC and f"{s.score:.6f}" in README
    assert f"costs {s.losses[0].cost}" in DOC
    mirror = heartbeat()
    mirror["$schema"] = "https://mirror.example/0.7.3/synesthetic-asset.schema.json"
    assert score(mirror).score == s.score
    renamed = {**heartbeat(), "name": "Another Heart"}
    assert score_many([heartbeat(), renamed])[1].score == s.score


def test_below_the_gate() -> None:
    doc = heartbeat()
    doc["asset_id"] = "hb-1"
    s = score(doc)
    assert s.components["repaired"] == 1.0 and s.components["defects"] == 3.0
    assert f"**{s.score:.6f}**" in DOC
    assert f"soundness = 8/9 = {s.components['soundness']:.6f}" in DOC
    for loss in s.losses:
        assert str(loss.cost) in DOC, loss
    draft = copy.deepcopy(doc)
    draft["$schema"] = draft["$schema"].replace("/0.7.3/", "/0.7.4/")
    assert score(draft).score == score(heartbeat()).score


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("empty", lambda: {"$schema": heartbeat()["$schema"], "name": "x"}),
        ("strobing", lambda: hacks(heartbeat())["sweep_everything_15hz"]),
    ],
)
def test_hacks(name: str, build: Any) -> None:
    assert f"**{score(build()).score:.6f}**" in DOC, name
