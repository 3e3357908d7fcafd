"""``synharness.reward`` and ``synharness.score_many``: the API a training loop calls.

The reward is shaped like TRL's ``GRPOTrainer(reward_funcs=...)`` functions:
``f(prompts=..., completions=..., **columns) -> list[float]``, completions as
strings or conversational message lists; it never raises.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import synharness
from synharness.agents.batch import CHUNK
from synharness.agents.reward import completion_text, extract_document
from synharness.agents.scoring import score

from tests.factories import generate_assets, make_asset


def _text(asset: dict[str, Any]) -> str:
    return json.dumps(asset, indent=2)


def test_exports_are_lazy_and_public() -> None:
    from synharness.agents.reward import reward
    from synharness.agents.scoring import score_many

    assert synharness.reward is reward and synharness.score_many is score_many


@pytest.mark.parametrize(
    "wrap",
    [
        lambda t: t,
        lambda t: f"Here is your asset:\n```json\n{t}\n```\nEnjoy!",
        lambda t: f"```\n{t}\n```",
        lambda t: f"Sure. {t} Let me know if you want changes.",
        lambda t: f"<think>a {{plan}} first</think>\n```json\n{t}\n```",
    ],
    ids=["bare", "json-fence", "bare-fence", "prose", "braces-in-prose-first"],
)
def test_json_is_extracted_from_model_text(wrap: Any) -> None:
    asset = make_asset()
    expected = score(asset).score
    assert synharness.reward([wrap(_text(asset))]) == [expected]


def test_conversational_completions_and_parts() -> None:
    asset = make_asset()
    expected = score(asset).score
    messages = [{"role": "assistant", "content": "```json\n" + _text(asset) + "\n```"}]
    parts = [{"role": "assistant", "content": [{"type": "text", "text": _text(asset)}]}]
    assert completion_text(messages).startswith("```json")
    # Distinct calls: within one call the second copy would be a duplicate.
    assert synharness.reward([messages]) == [expected]
    assert synharness.reward([parts]) == [expected]


def test_same_length_and_order_every_shape_never_raises() -> None:
    good = make_asset()
    other = generate_assets(1, seed=4)[0]
    completions: list[Any] = [
        _text(good),
        json.dumps(other).encode(),
        other | {"name": "dict form"},
        "no json here at all",
        "",
        None,
        42,
        [{"role": "user"}],
        b"\xff\xfe not utf-8",
        "{" * 200,
    ]
    rewards = synharness.reward(
        completions,
        prompts=["p"] * len(completions),
        completion_ids=[[1, 2]] * len(completions),
        trainer_state=object(),
    )
    assert len(rewards) == len(completions)
    assert all(isinstance(r, float) and 0.0 <= r <= 1.0 for r in rewards)
    assert rewards[0] == score(good).score
    # The dict form of ``other`` is a renamed copy of the bytes form: discounted.
    assert rewards[2] < rewards[1]
    assert rewards[3:] == [0.0] * 7


def test_extraction_keeps_what_it_cannot_read() -> None:
    assert extract_document("plain words") == "plain words"
    assert extract_document(b"{}") == b"{}"
    assert extract_document({"a": 1}) == {"a": 1}
    assert extract_document('say {"a": 1} and {"b": 2}') == '{"a": 1}'


def test_score_many_returns_full_results_in_order_whatever_the_jobs() -> None:
    assets = generate_assets(CHUNK + 6, seed=11)
    assets[-1] = {**assets[3], "name": "copy"}  # a later duplicate
    one = synharness.score_many(assets, jobs=1)
    two = synharness.score_many(assets, jobs=2)
    assert one == two and len(one) == len(assets)
    assert one[0] == score(assets[0], source="<batch>:1")
    assert "SYN-SCORE-004" in [f.code for f in one[-1].findings]
    assert one[-1].score < one[3].score


def test_score_many_accepts_text_bytes_and_objects() -> None:
    asset = make_asset()
    other = generate_assets(2, seed=1)
    results = synharness.score_many(
        [json.dumps(asset), json.dumps(other[0]).encode(), other[1], [1, 2], "{,"],
        sources=["a", "b", "c", "d", "e"],
    )
    assert [r.findings[0].code for r in results[3:]] == ["SYN-LOAD-008", "SYN-LOAD-001"]
    assert results[0].score == score(asset).score
    assert all(r.score == 0 for r in results[3:])
