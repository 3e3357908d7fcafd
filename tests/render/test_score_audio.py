"""``score(..., render=True)`` hears the tone: a silent or clipping asset leaves the clean band."""

from __future__ import annotations

import json

import pytest
from synharness.agents.scoring import score

from tests.conftest import CODE_FIXTURES
from tests.render.helpers import need_node


@pytest.mark.parametrize("code", ["SYN-AUDIO-001", "SYN-AUDIO-002"])
def test_the_score_counts_what_the_tone_sounds_like(code: str) -> None:
    need_node()
    failing = json.loads((CODE_FIXTURES / code / "fail.json").read_text(encoding="utf-8"))
    plain, rendered = score(failing), score(failing, render=True)
    assert code in {f.code for f in rendered.findings}
    assert rendered.score < plain.score and rendered.verdict != "pass"
    passing = json.loads((CODE_FIXTURES / code / "pass.json").read_text(encoding="utf-8"))
    heard = score(passing, render=True)
    assert code not in {f.code for f in heard.findings}
    assert not any(f.code.startswith("SYN-AUDIO") for f in heard.findings)
