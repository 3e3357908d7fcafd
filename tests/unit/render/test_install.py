"""Installing the Node renderer (`python -m synharness.render.tone install`) without a network."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from synharness.render import tone
from synharness.render.tone.__main__ import main


def _fake_npm(tmp_path: Path, body: str) -> str:
    script = tmp_path / "npm"
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_install_copies_the_renderer_and_runs_npm_ci(tmp_path: Path) -> None:
    # A stand-in for `npm ci`: checks its argument and lays out the two packages.
    npm = _fake_npm(
        tmp_path,
        '[ "$1" = ci ] || exit 9\n'
        "for p in tone node-web-audio-api; do mkdir -p node_modules/$p; echo '{}' > node_modules/$p/package.json; done\n",
    )
    target = tmp_path / "renderer"
    done = tone.install(folder=target, npm=npm)
    assert done.ok, done.message
    assert tone.is_installed(target)
    for name in tone.FILES:
        assert (target / name).read_bytes() == (tone.PACKAGE_DIR / name).read_bytes()


def test_a_failing_npm_is_reported_with_its_output(tmp_path: Path) -> None:
    npm = _fake_npm(tmp_path, "echo 'npm ERR! network down' >&2; exit 1\n")
    done = tone.install(folder=tmp_path / "renderer", npm=npm)
    assert not done.ok and "network down" in done.message


def test_without_npm_the_command_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm on it
    assert main(["install", "--dir", str(tmp_path / "renderer")]) == 2
    assert "npm not found" in capsys.readouterr().err


def test_locate_prefers_the_environment_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(tone.ENV_DIR, str(tmp_path))
    assert tone.candidates() == [tmp_path]
    assert tone.locate() is None  # nothing installed there
