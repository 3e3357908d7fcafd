"""The Node worker's lifetime: one process, time-outs and crashes restart it, missing runtimes are findings."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from synharness.render.node import ToneWorker, WorkerCrashed, WorkerTimeout, WorkerUnavailable

from tests.render.helpers import asset_doc, codes, need_node, plain_tone, render_idle


def test_one_process_serves_many_renders(tone_worker: ToneWorker) -> None:
    before = tone_worker.starts
    for _ in range(3):
        assert codes(render_idle(tone_worker, asset_doc(plain_tone()), seconds=0.5)) == []
    assert tone_worker.starts == before
    assert tone_worker.versions["tone"].startswith("15.")


def test_time_out_kills_and_the_next_render_restarts() -> None:
    need_node()
    with ToneWorker() as worker:
        with pytest.raises(WorkerTimeout):
            worker.request(
                {"op": "render", "duration": 30, "tone": {"synth": {"type": "Synth"}}}, timeout=0.01
            )
        assert not worker.alive
        render = render_idle(worker, asset_doc(plain_tone()), seconds=0.5)
        assert codes(render) == [] and worker.starts == 2


def test_time_out_is_a_finding() -> None:
    need_node()
    with ToneWorker(request_timeout=0.01) as worker:
        render = render_idle(worker, asset_doc(plain_tone()), seconds=3.0)
    assert codes(render) == ["SYN-RENDER-007"]


def _fake_node(tmp_path: Path, body: str) -> str:
    script = tmp_path / "node"
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_crash_is_a_finding_and_the_worker_restarts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_node()
    # Answers the start-up ping, then dies on the first render.
    fake = _fake_node(
        tmp_path,
        'read line; id=$(echo "$line" | sed \'s/.*"id":\\([0-9]*\\).*/\\1/\')\n'
        'echo "{\\"id\\": $id, \\"ok\\": true, \\"tone\\": \\"fake\\"}"\n'
        "read line; echo boom >&2; exit 3\n",
    )
    monkeypatch.setenv("SYNHARNESS_NODE", fake)
    with ToneWorker() as worker:
        render = render_idle(worker, asset_doc(plain_tone()), seconds=0.5)
        assert codes(render) == ["SYN-RENDER-009"]
        assert "status 3" in render.findings[0].message and "boom" in render.findings[0].message
        with pytest.raises(WorkerCrashed):
            worker.request({"op": "render"})
        assert worker.starts == 2


def test_missing_node_is_a_finding(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SYNHARNESS_NODE", str(tmp_path / "no-such-node"))
    with pytest.raises(WorkerUnavailable) as raised:
        ToneWorker().start()
    assert raised.value.code == "SYN-RENDER-005"
    render = render_idle(ToneWorker(lazy=True), asset_doc(plain_tone()), seconds=0.5)
    assert codes(render) == ["SYN-RENDER-005"]
    assert "Node.js was not found" in render.findings[0].message


def test_missing_packages_are_a_finding(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if not os.environ.get("SYNHARNESS_NODE") and not shutil.which("node"):
        monkeypatch.setenv("SYNHARNESS_NODE", _fake_node(tmp_path, "exit 0\n"))
    monkeypatch.setenv("SYNHARNESS_TONE_DIR", str(tmp_path / "empty"))
    render = render_idle(ToneWorker(lazy=True), asset_doc(plain_tone()), seconds=0.5)
    assert codes(render) == ["SYN-RENDER-006"]
    assert "python -m synharness.render.tone install" in render.findings[0].message
