"""The bundled examples: every clean asset passes, every broken one fails as documented.

Files are the test cases: the tests parametrize over the directory listing, so a
new example is tested by being added. ``examples/broken/EXPECTED.json`` maps
each broken file to the codes it must produce (at least those).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
BROKEN = EXAMPLES / "broken"
EXPECTED: dict[str, list[str]] = json.loads((BROKEN / "EXPECTED.json").read_text(encoding="utf-8"))
CLEAN_FILES = sorted(EXAMPLES.glob("*.json"))
BROKEN_FILES = sorted(p for p in BROKEN.glob("*.json") if p.name != "EXPECTED.json")

pipeline = pytest.importorskip("harness.pipeline")


def _render(result: Result) -> str:
    return f"exit {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def test_there_are_enough_examples() -> None:
    assert len(CLEAN_FILES) >= 6
    assert len(BROKEN_FILES) >= 8


def test_expected_lists_every_broken_file_and_nothing_else() -> None:
    assert sorted(EXPECTED) == [p.name for p in BROKEN_FILES]
    assert all(codes for codes in EXPECTED.values())


def test_expected_codes_are_catalogued() -> None:
    from harness.codes import CATALOGUE

    assert {c for codes in EXPECTED.values() for c in codes} <= set(CATALOGUE)


@pytest.mark.parametrize("path", CLEAN_FILES, ids=lambda p: p.name)
def test_clean_example_passes(path: Path) -> None:
    result = pipeline.validate_bytes(path.read_bytes(), source=str(path))
    above_info = [(f.code, f.pointer, f.message) for f in result.findings if f.severity != "info"]
    assert result.verdict == "pass", above_info
    assert result.kind == "synesthetic-asset"


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.name)
def test_broken_example_produces_its_codes(path: Path) -> None:
    result = pipeline.validate_bytes(path.read_bytes(), source=str(path))
    codes = {f.code for f in result.findings}
    missing = set(EXPECTED[path.name]) - codes
    assert not missing, f"{path.name}: missing {sorted(missing)}, got {sorted(codes)}"
    assert result.verdict != "pass"


def test_validate_paths_walks_the_folder() -> None:
    results = pipeline.validate_paths([str(EXAMPLES)])
    names = sorted(Path(r.source).name for r in results)
    # The folder's own files, whether or not the walk descends into broken/.
    assert {p.name for p in CLEAN_FILES} <= set(names)
    by_name = {Path(r.source).name: r for r in results}
    assert all(by_name[p.name].verdict == "pass" for p in CLEAN_FILES)


def test_cli_validates_clean_examples_with_exit_0() -> None:
    from harness.cli.main import cli

    result = CliRunner().invoke(cli, ["validate", *map(str, CLEAN_FILES)])
    assert result.exit_code == 0, _render(result)


def test_cli_validates_the_examples_glob_with_exit_0() -> None:
    # A glob, not the folder: a directory is walked recursively and would take
    # in examples/broken/ as well.
    from harness.cli.main import cli

    result = CliRunner().invoke(cli, ["validate", str(EXAMPLES / "*.json")])
    assert result.exit_code == 0, _render(result)


def test_cli_validates_the_broken_folder_with_exit_1() -> None:
    from harness.cli.main import cli

    result = CliRunner().invoke(cli, ["validate", str(BROKEN)])
    assert result.exit_code == 1, _render(result)
    # A finding report, not a traceback.
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.name)
def test_cli_fails_each_broken_example(path: Path) -> None:
    from harness.cli.main import cli

    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1, _render(result)
