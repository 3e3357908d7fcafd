"""``synharness render ASSET`` hears the tone too: tone.wav and audio levels per scenario."""

from __future__ import annotations

import json
import shutil
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


def test_run_audio_embeds_a_player_and_the_levels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``run --audio``: levels in the JSON report, a player and a spectrogram in the HTML."""
    need_node()
    from click.testing import CliRunner
    from synharness.cli.main import cli

    shutil.copy(ROOT / "examples" / "heartbeat.json", tmp_path / "heartbeat.json")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "heartbeat.json",
            "--audio",
            "--no-render",
            "--format",
            "json",
            "--format",
            "html",
            "--report-dir",
            "r",
            "--quiet",
        ],
    )
    assert result.exit_code in (0, 1), result.output
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    (asset,) = report["assets"]
    heard = [s for s in asset["scenarios"] if s.get("audio")]
    assert heard and all(s["audio"]["peak_dbfs"] > -70 for s in heard)
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert html.count("<audio") == len(heard)
    assert "data:audio/wav;base64," in html and "data:image/png;base64," in html
