"""Each SCORE code: the score raises it on its ``fail`` fixture and not on its ``pass`` fixture.

SCORE codes come from the score, not from validation: a fixture is one asset
(scored with :func:`synharness.score`) or, for the batch duplicate, a JSON
array of assets (scored together with :func:`synharness.score_many`).
SYN-SCORE-005 (renderers not installed) is raised with ``render=True`` and
renderer modules that cannot exist, and not without ``render``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from synharness.agents import scoring
from synharness.agents.scoring import score, score_many
from synharness.codes import ALL_CODES

from tests.conftest import CODE_FIXTURES

SCORE_CODES = [c for c in ALL_CODES if c.split("-")[1] == "SCORE"]


def _codes(code: str, kind: str, *, render: bool = False) -> list[str]:
    doc: Any = json.loads((CODE_FIXTURES / code / f"{kind}.json").read_text(encoding="utf-8"))
    if isinstance(doc, list):
        return [f.code for s in score_many(doc, render=render) for f in s.findings]
    return [f.code for f in score(doc, render=render).findings]


def test_every_score_code_is_covered_here() -> None:
    assert {f"SYN-SCORE-00{i}" for i in range(1, 6)} <= set(SCORE_CODES)


@pytest.mark.parametrize("code", [c for c in SCORE_CODES if c != "SYN-SCORE-005"])
def test_fail_fixture_raises_the_code_and_pass_fixture_does_not(code: str) -> None:
    assert code in _codes(code, "fail")
    assert code not in _codes(code, "pass")


def test_missing_renderers_are_one_info(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scoring, "RENDERERS", ("synharness.render.no_such_renderer",))
    failing = _codes("SYN-SCORE-005", "fail", render=True)
    assert failing.count("SYN-SCORE-005") == 1
    assert "SYN-SCORE-005" not in _codes("SYN-SCORE-005", "pass")
    assert scoring.missing_renderers() == ["synharness.render.no_such_renderer"]


def test_installed_renderer_findings_count_by_severity(monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in renderer module: its warning must keep the asset out of the clean band.
    import sys
    import types

    from synharness.codes import finding

    module = types.ModuleType("synharness_test_renderer")
    module.score_findings = lambda asset: [  # type: ignore[attr-defined]
        finding("SYN-SIM-002", "/shader", "draws nothing (stand-in for a SYN-VISUAL warning)")
    ]
    monkeypatch.setitem(sys.modules, "synharness_test_renderer", module)
    monkeypatch.setattr(scoring, "RENDERERS", ("synharness_test_renderer",))
    doc = json.loads((CODE_FIXTURES / "SYN-SCORE-005" / "fail.json").read_text(encoding="utf-8"))
    plain, rendered = score(doc), score(doc, render=True)
    assert "SYN-SCORE-005" not in [f.code for f in rendered.findings]
    assert rendered.score < scoring.CLEAN_FLOOR <= plain.score
