"""The built distribution: one import package, lean base install, clean contents.

Builds the wheel from the work tree, lists its files, installs it (base only,
non-editable) in a fresh virtual environment and runs the commands a new user
runs from a directory whose decoy ``agents/``, ``api/``, ``reports/`` and
``harness/`` packages come first on ``PYTHONPATH`` and refuse to import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: The owner's folders and the import names they are installed under.
FOLDERS = {
    "harness": "synharness",
    "agents": "synharness.agents",
    "api": "synharness.api",
    "reports": "synharness.reports",
}
#: The README states this goal for the base install's site-packages.
BASE_SIZE_GOAL_MB = 120


def _package_dirs() -> set[str]:
    names = set()
    for folder, name in FOLDERS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            names.add(".".join((name, *rel)))
    return names


def test_pyproject_lists_every_package_folder() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    tool = config["tool"]["setuptools"]
    assert set(tool["packages"]) == _package_dirs()
    assert tool["package-dir"] == {name: folder for folder, name in FOLDERS.items()}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (found,) = out.glob("synharness-*.whl")
    return found


def test_wheel_holds_only_the_package_and_its_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/", 1)[0] for n in names}
    dist_info = {t for t in tops if t.endswith(".dist-info")}
    assert tops - dist_info == {"synharness"}, sorted(tops)
    allowed_suffixes = (
        ".py",
        ".schema.json",
        "py.typed",
        ".mako",
        # The store's protobuf message and the stubs of its generated module.
        ".proto",
        ".pyi",
        # The Tone.js option catalogue and the Node renderer (issue 12).
        "semantic/tone_catalogue.json",
        "render/tone/worker.mjs",
        "render/tone/package.json",
        "render/tone/package-lock.json",
    )
    strays = [n for n in names if n.startswith("synharness/") and not n.endswith(allowed_suffixes)]
    assert strays == [], strays
    assert not any("/latest/" in n or "__pycache__" in n or "node_modules" in n for n in names)
    assert "synharness/render/tone/package-lock.json" in names
    assert "synharness/py.typed" in names
    assert "synharness/reports/report.schema.json" in names
    assert any(n.startswith("synharness/schema/0.7.3/") for n in names)
    assert "synharness/api/proto/synesthetic_asset.proto" in names
    (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    meta = zipfile.ZipFile(wheel).read(meta_name).decode()
    assert "License-Expression: MIT" in meta
    assert "Classifier: Typing :: Typed" in meta and "Project-URL:" in meta
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def _site_packages_mb(env: Path) -> float:
    (site,) = env.glob("lib/python*/site-packages")
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file() and not p.is_symlink())
    return total / 2**20


def test_base_install_runs_beside_decoy_packages(wheel: Path, tmp_path: Path) -> None:
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    # What the install adds: the new venv's own pip and setuptools are not ours.
    before = _site_packages_mb(env)
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    size = _site_packages_mb(env) - before
    print(f"\nbase install: site-packages grew by {size:.1f} MB (goal < {BASE_SIZE_GOAL_MB} MB)")
    assert size < BASE_SIZE_GOAL_MB

    decoys = tmp_path / "work"
    for name in ("agents", "api", "reports", "harness"):
        (decoys / name).mkdir(parents=True)
        (decoys / name / "__init__.py").write_text(
            f"raise ImportError('decoy {name} was imported')\n"
        )
    example = ROOT / "examples" / "heartbeat.json"
    run_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run_env["PYTHONPATH"] = str(decoys)
    bin_dir = env / "bin"

    def run(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(argv),
            cwd=decoys,
            env=run_env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )

    validated = run(str(bin_dir / "synharness"), "validate", str(example))
    assert validated.returncode == 0, validated.stdout + validated.stderr
    scored = run(
        str(bin_dir / "synharness"),
        "score",
        "--jsonl",
        stdin=example.read_text().replace("\n", " ") + "\n",
    )
    assert scored.returncode == 0, scored.stdout + scored.stderr
    assert 0.0 < json.loads(scored.stdout.splitlines()[0])["score"] <= 1.0
    version = run(str(python), "-m", "synharness", "--version")
    assert version.returncode == 0 and "synharness" in version.stdout, version.stderr
    api = run(
        str(python),
        "-c",
        "import json, sys, synharness; "
        f"s = synharness.score(json.load(open({str(example)!r}))); "
        "assert 0 < s.score <= 1; print(s.score)",
    )
    assert api.returncode == 0, api.stdout + api.stderr

    # The store is an extra: the base install names it in one line, exit 2.
    served = run(str(bin_dir / "synharness"), "serve")
    assert served.returncode == 2
    assert "synharness[store]" in served.stderr and "Traceback" not in served.stderr
    assert len(served.stderr.strip().splitlines()) == 1
