"""The GitHub Action: action.yml's steps run through .ci/action.sh, as the runner would run them.

The ``run`` and ``finish`` steps run against the installed ``synharness``; the
``install`` step creates its virtualenv and pip-installs this checkout into it
(``PIP_NO_DEPS=1``: the dependencies would come from the index, which is not
what is under test).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

SCRIPT = ROOT / ".ci" / "action.sh"
BIN = Path(sys.executable).parent


def action() -> dict:  # type: ignore[type-arg]
    data: dict = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))  # type: ignore[type-arg]
    return data


def step(
    name: str, workdir: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run one step of the script as the runner would, and read what it wrote to $GITHUB_OUTPUT."""
    output = workdir / "github-output"
    output.write_text("")
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(workdir),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_PATH": str(workdir / "github-path"),
        "RUNNER_TEMP": str(workdir / "runner-temp"),
        **{k: v for k, v in os.environ.items() if k.startswith("PIP_")},
        **inputs,
    }
    done = subprocess.run(
        ["bash", str(SCRIPT), name],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    values = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return done, values


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    shutil.copy(ROOT / "examples" / "style" / "bare-name.json", tmp_path / "assets" / "bare.json")
    # SYN-REF-004 is an info since issue 17; the strict profile makes it the warning used here.
    (tmp_path / "synharness.toml").write_text("strict = true\n")
    shutil.copy(ROOT / "examples" / "heartbeat.json", tmp_path / "assets" / "heartbeat.json")
    (tmp_path / "package.json").write_text('{"name": "x"}\n')
    (tmp_path / "runner-temp").mkdir()
    return tmp_path


def test_every_step_of_the_action_calls_the_script() -> None:
    steps = action()["runs"]["steps"]
    assert action()["runs"]["using"] == "composite"
    scripted = [s["run"] for s in steps if "run" in s]
    assert scripted == [
        'bash "$GITHUB_ACTION_PATH/.ci/action.sh" install',
        'bash "$GITHUB_ACTION_PATH/.ci/action.sh" run',
        'bash "$GITHUB_ACTION_PATH/.ci/action.sh" finish',
    ]
    (upload,) = [s for s in steps if "uses" in s]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    run_env = steps[1]["env"]
    for name in ("paths", "format", "fail-on", "config", "sarif", "command"):
        assert name in action()["inputs"]
        assert f"inputs.{name}" in " ".join(run_env.values())


def test_run_step_annotates_and_writes_sarif(repo: Path) -> None:
    done, outputs = step(
        "run", repo, INPUT_PATHS="assets", INPUT_SARIF="true", INPUT_FAIL_ON="warning"
    )
    assert done.returncode == 0, done.stderr
    assert outputs["exit-code"] == "1"
    lines = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert lines == [
        lines[0],
    ] and lines[0].startswith("::warning file=assets/bare.json,line=208,col=22,")
    assert "title=SYN-REF-004::" in lines[0]
    sarif = json.loads((repo / outputs["sarif"]).read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "SYN-REF-004"
    finish, _ = step("finish", repo, SYNHARNESS_EXIT_CODE=outputs["exit-code"])
    assert finish.returncode == 1


def test_validate_command_concise_and_config(repo: Path) -> None:
    (repo / "ci.toml").write_text('ignore = ["SYN-REF-004"]\n')
    done, outputs = step(
        "run", repo, INPUT_COMMAND="validate", INPUT_FORMAT="concise", INPUT_CONFIG="ci.toml"
    )
    assert done.returncode == 0, done.stderr
    assert outputs["exit-code"] == "0" and "sarif" not in outputs
    assert "SYN-REF-004" not in done.stdout
    done, outputs = step("run", repo, INPUT_COMMAND="validate", INPUT_FORMAT="concise,github")
    assert outputs["exit-code"] == "0"
    assert "assets/bare.json:208:22: SYN-REF-004 warning" in done.stdout
    assert "::warning file=assets/bare.json" in done.stdout
    finish, _ = step("finish", repo, SYNHARNESS_EXIT_CODE="0")
    assert finish.returncode == 0


def test_bad_inputs_and_a_missing_run(repo: Path) -> None:
    done, _ = step("run", repo, INPUT_FORMAT="xml")
    assert done.returncode == 2 and "::error title=synharness action::format must be" in done.stdout
    usage, outputs = step("run", repo, INPUT_PATHS="missing/")
    assert usage.returncode == 0 and outputs["exit-code"] == "2"
    finish, _ = step("finish", repo)
    assert finish.returncode == 2 and "did not run" in finish.stdout


def test_install_step_installs_this_checkout(repo: Path) -> None:
    done, _ = step("install", repo, PIP_NO_DEPS="1", INPUT_PYTHON=sys.executable)
    assert done.returncode == 0, done.stdout + done.stderr
    venv_bin = (repo / "github-path").read_text().strip()
    assert venv_bin == str(repo / "runner-temp" / "synharness-venv" / "bin")
    assert (Path(venv_bin) / "synharness").is_file()
    version = subprocess.run(
        [
            str(Path(venv_bin) / "python"),
            "-c",
            "import importlib.metadata as m; print(m.version('synharness'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    from synharness import __version__

    assert version.stdout.strip() == __version__
