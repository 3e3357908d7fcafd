"""``synharness render ASSET`` hears the tone too: tone.wav and audio levels per scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from synharness.cli.render import RenderInvocation, run_render

from tests.conftest import ROOT
from tests.render.helpers import need_node


def test_render_writes_the_tone_beside_the_frames(tmp_path: Path) -> None:
    need_node()
    from synharness.render.gl import gl_runtime

    with gl_runtime() as runtime:
        if isinstance(runtime, str):
            pytest.skip(f"no GL context: {runtime}")
    invocation = RenderInvocation(
        asset=ROOT / "examples" / "heartbeat.json", frames=1, duration=1.0, out=tmp_path
    )
    text, _ = run_render(invocation)
    assert "idle:" in text
    assert (tmp_path / "idle" / "tone.wav").stat().st_size > 44100 * 2 * 4  # 1 s, stereo float
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    audio = metrics["scenarios"][0]["metrics"]["audio"]
    assert audio["seconds"] == 1.0 and audio["peak_dbfs"] > -70 and audio["notes"] > 0
