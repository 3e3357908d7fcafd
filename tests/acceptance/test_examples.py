"""The bundled examples: every clean asset passes, every broken one fails as documented.

Files are the test cases: the tests parametrize over the directory listing, so a
new example is tested by being added. ``examples/broken/EXPECTED.json`` maps
each broken file to the codes it must produce (at least those).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from synharness import pipeline

from tests.factories import SCHEMA_URL, SYNTH_TYPES

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
BROKEN = EXAMPLES / "broken"
EXPECTED: dict[str, list[str]] = json.loads((BROKEN / "EXPECTED.json").read_text(encoding="utf-8"))
CLEAN_FILES = sorted(EXAMPLES.glob("*.json"))
BROKEN_FILES = sorted(p for p in BROKEN.glob("*.json") if p.name != "EXPECTED.json")
STYLE = EXAMPLES / "style"
STYLE_EXPECTED: dict[str, list[str]] = json.loads(
    (STYLE / "EXPECTED.json").read_text(encoding="utf-8")
)
STYLE_FILES = sorted(p for p in STYLE.glob("*.json") if p.name != "EXPECTED.json")


def _render(result: Result) -> str:
    return f"exit {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def _has_error(codes: list[str]) -> bool:
    from synharness.codes import CATALOGUE

    return any(CATALOGUE[c].severity == "error" for c in codes)


def test_there_are_enough_examples() -> None:
    assert len(CLEAN_FILES) >= 6
    assert len(BROKEN_FILES) >= 8


def test_expected_lists_every_broken_file_and_nothing_else() -> None:
    assert sorted(EXPECTED) == [p.name for p in BROKEN_FILES]
    assert all(codes for codes in EXPECTED.values())


def test_expected_codes_are_catalogued() -> None:
    from synharness.codes import CATALOGUE

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


def test_style_expected_lists_every_style_file() -> None:
    assert sorted(STYLE_EXPECTED) == [p.name for p in STYLE_FILES] != []


@pytest.mark.parametrize("path", STYLE_FILES, ids=lambda p: p.name)
def test_style_example_passes_and_warns_under_strict(path: Path) -> None:
    result = pipeline.validate_bytes(path.read_bytes(), source=str(path))
    assert result.verdict == "pass"
    infos = {f.code for f in result.findings if f.severity == "info"}
    assert set(STYLE_EXPECTED[path.name]) <= infos
    strict = pipeline.validate_bytes(
        path.read_bytes(), source=str(path), options=pipeline.ValidationOptions(strict=True)
    )
    assert strict.verdict == "warn"
    assert set(STYLE_EXPECTED[path.name]) <= {
        f.code for f in strict.findings if f.severity == "warning"
    }


def test_validate_paths_walks_the_folder() -> None:
    results = pipeline.validate_paths([str(EXAMPLES)])
    names = sorted(Path(r.source).name for r in results)
    # The folder's own files, whether or not the walk descends into broken/.
    assert {p.name for p in CLEAN_FILES} <= set(names)
    by_name = {Path(r.source).name: r for r in results}
    assert all(by_name[p.name].verdict == "pass" for p in CLEAN_FILES)


def test_cli_validates_clean_examples_with_exit_0() -> None:
    from synharness.cli.main import cli

    result = CliRunner().invoke(cli, ["validate", *map(str, CLEAN_FILES)])
    assert result.exit_code == 0, _render(result)


def test_cli_validates_the_examples_glob_with_exit_0() -> None:
    # A glob, not the folder: a directory is walked recursively and would take
    # in examples/broken/ as well.
    from synharness.cli.main import cli

    result = CliRunner().invoke(cli, ["validate", str(EXAMPLES / "*.json")])
    assert result.exit_code == 0, _render(result)


def test_cli_validates_the_broken_folder_with_exit_1() -> None:
    from synharness.cli.main import cli

    result = CliRunner().invoke(cli, ["validate", str(BROKEN)])
    assert result.exit_code == 1, _render(result)
    # A finding report, not a traceback.
    assert "Traceback" not in result.stdout + result.stderr
    # The walk also takes in EXPECTED.json (not an asset, so it fails too):
    # check that every broken asset failed on its own account.
    report = CliRunner().invoke(cli, ["validate", "--format", "json", str(BROKEN)])
    verdicts = {Path(a["source"]).name: a["verdict"] for a in json.loads(report.stdout)["assets"]}
    assert {n: verdicts.get(n) for n in EXPECTED} == {
        n: "fail" if _has_error(codes) else "warn" for n, codes in EXPECTED.items()
    }


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.name)
def test_cli_fails_each_broken_example(path: Path) -> None:
    from synharness.cli.main import cli

    strict = CliRunner().invoke(cli, ["validate", "--fail-on", "warning", str(path)])
    assert strict.exit_code == 1, _render(strict)
    # Each broken file carries one kind of defect: with the default --fail-on
    # error it fails exactly when that defect is an error.
    has_error = _has_error(EXPECTED[path.name])
    default = CliRunner().invoke(cli, ["validate", str(path)])
    assert default.exit_code == int(has_error), _render(default)


def _clean_assets() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in CLEAN_FILES]


def test_clean_examples_cover_the_format() -> None:
    assets = _clean_assets()
    assert all(a["$schema"] == SCHEMA_URL for a in assets)
    mods = [m for a in assets for m in a.get("modulations") or []]
    mods += [m for a in assets if a.get("modulation") for m in a["modulation"]["modulations"]]
    assert {m["waveform"] for m in mods} == {"sine", "triangle", "square", "sawtooth"}
    assert {m["type"] for m in mods} == {"additive", "multiplicative"}
    assert {m["scaleProfile"] for m in mods} == {
        "linear",
        "exponential",
        "logarithmic",
        "sine",
        "cosine",
    }
    assert any(a.get("modulation") for a in assets), "no asset uses the modulation set object"
    for kind in ("shader", "tone", "haptic", "control", "modulations", "rule_bundle"):
        assert any(a.get(kind) for a in assets), kind
    mappings = [
        mp for a in assets for c in a["control"]["control_parameters"] for mp in c["mappings"]
    ]
    assert {mp["action"]["axis"] for mp in mappings} == {"mouse.x", "mouse.y", "mouse.wheel"}
    assert {mp["combo"].get("strict", False) for mp in mappings} == {True, False}
    rules = [r for a in assets if a.get("rule_bundle") for r in a["rule_bundle"]["rules"]]
    grid = [r for r in rules if r["trigger"]["type"] == "grid_cell"]
    assert grid and all({"gridSize", "cooldown"} <= set(r["trigger"]["params"]) for r in grid)
    ops = {e["op"] for r in grid for e in r["effects"]}
    assert {"set", "add", "triggerAttackRelease"} <= ops
    assert {a["tone"]["synth"]["type"] for a in assets if a.get("tone")} == set(SYNTH_TYPES)
    names = [a["name"] for a in assets]
    assert len(set(names)) == len(names)


def test_clean_examples_use_numbers_for_vector_defaults() -> None:
    for asset in _clean_assets():
        for u in asset.get("shader", {}).get("uniforms", []):
            if u["type"].startswith("vec"):
                size = int(u["type"][3])
                assert isinstance(u["default"], list) and len(u["default"]) == size, u
                assert all(isinstance(x, int | float) for x in u["default"]), u
