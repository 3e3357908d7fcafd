"""The fixtures of the render codes (SYN-AUDIO-*, SYN-RENDER-005..009), rendered for real.

A code's folder in ``tests/fixtures/codes`` holds ``fail.json``, ``pass.json`` and a
``render.json`` saying how the *fail* fixture is rendered: ``fail_env`` (environment
variables, e.g. no Node), ``fail_timeout`` (seconds) or ``fail_fake_node: "crash"``
(a ``node`` that dies on its first render). The idle scenario is rendered for
:data:`SECONDS`; the code must be among the fail fixture's findings and not the pass
fixture's.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from synharness.agents import builtin_scenarios
from synharness.codes import ALL_CODES
from synharness.loading import Source
from synharness.models import SynestheticAsset
from synharness.pipeline import check_source
from synharness.render.node import ToneWorker
from synharness.render.outputs import render_audio

from tests.conftest import CODE_FIXTURES
from tests.render.helpers import SECONDS, need_node

RENDERED = [c for c in ALL_CODES if (CODE_FIXTURES / c / "render.json").exists()]


def _codes(path: Path, worker: ToneWorker) -> list[str]:
    checked = check_source(Source(name=str(path), path=path))
    asset = checked.model
    assert isinstance(asset, SynestheticAsset), [f.code for f in checked.result.findings]
    (idle,) = [s for s in builtin_scenarios(asset, duration=SECONDS) if s.name == "idle"]
    return [f.code for f in render_audio(worker, asset, [idle]).findings]


def _crashing_node(tmp_path: Path) -> str:
    script = tmp_path / "node"
    script.write_text(
        "#!/bin/sh\n"
        'read line; id=$(echo "$line" | sed \'s/.*"id":\\([0-9]*\\).*/\\1/\')\n'
        'echo "{\\"id\\": $id, \\"ok\\": true, \\"tone\\": \\"fake\\"}"\n'
        "read line; exit 3\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_every_render_code_has_a_rendered_fixture() -> None:
    expected = {c for c in ALL_CODES if c.startswith("SYN-AUDIO-")}
    expected |= {f"SYN-RENDER-{n:03d}" for n in range(5, 10)}
    assert expected <= set(RENDERED)


@pytest.mark.parametrize("code", RENDERED)
def test_rendered_fail_fixture_has_code_and_pass_fixture_has_not(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tone_worker: ToneWorker
) -> None:
    folder = CODE_FIXTURES / code
    how = json.loads((folder / "render.json").read_text(encoding="utf-8"))
    passing = _codes(folder / "pass.json", tone_worker)
    assert code not in passing, f"{code} present in its pass fixture: {passing}"
    with monkeypatch.context() as patch:
        for name, value in how.get("fail_env", {}).items():
            patch.setenv(name, value)
        if how.get("fail_fake_node") == "crash":
            patch.setenv("SYNHARNESS_NODE", _crashing_node(tmp_path))
        with ToneWorker(request_timeout=how.get("fail_timeout", 60.0), lazy=True) as worker:
            failing = _codes(folder / "fail.json", worker)
    assert code in failing, f"{code} missing from its fail fixture: {failing}"


def test_render_fixtures_need_node() -> None:
    need_node()  # the parametrised test above skips (or fails under CI) through tone_worker
