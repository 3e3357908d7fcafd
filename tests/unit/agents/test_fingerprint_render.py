"""The render block of behaviour fingerprints (issue 15 with the render issues).

Tests that render need a GL context and the Tone.js renderer: they skip with
the reason elsewhere and fail under ``CI=true`` (``require_gl``, ``need_node``).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from synharness.agents import fingerprint_render
from synharness.agents.fingerprint import (
    DIMENSION,
    FEATURE_NAMES,
    distance,
    fingerprint,
    fingerprint_of,
)
from synharness.agents.fingerprint_render import (
    AUDIO_FEATURES,
    RENDER_DECIMALS,
    RENDER_FEATURE_NAMES,
    RENDER_RUNS,
    VISUAL_FEATURES,
    level,
    squash,
)
from synharness.agents.neighbours import DEFAULT_THRESHOLD

from tests.conftest import require_gl
from tests.factories import make_asset
from tests.render.helpers import need_node
from tests.unit.agents.test_fingerprint import _load, _model, renamed, reordered

ROOT = Path(__file__).resolve().parents[3]
NAMES = np.asarray(FEATURE_NAMES)
RENDER = np.asarray([n.startswith("render.") for n in FEATURE_NAMES])
VISUAL = np.asarray([n.startswith("render.visual.") for n in FEATURE_NAMES])
AUDIO = np.asarray([n.startswith("render.audio.") for n in FEATURE_NAMES])
VISUAL_FLAG = FEATURE_NAMES.index("render.visual.rendered")
AUDIO_FLAG = FEATURE_NAMES.index("render.audio.rendered")


@pytest.fixture
def renderers() -> None:
    """GL and the Tone.js renderer (skip, or fail under CI=true, without them)."""
    require_gl()
    need_node()


def without_shader(asset: dict[str, Any]) -> dict[str, Any]:
    """``asset`` without its shader and everything that drives one."""
    doc = copy.deepcopy(asset)
    doc.pop("shader")
    doc["modulations"] = [m for m in doc["modulations"] if not m["target"].startswith("shader.")]
    doc["control"]["control_parameters"] = [
        c for c in doc["control"]["control_parameters"] if not c["parameter"].startswith("shader.")
    ]
    for rule in doc["rule_bundle"]["rules"]:
        rule["effects"] = [e for e in rule["effects"] if not e["target"].startswith("shader.")]
    return doc


def test_the_render_block_has_a_fixed_length_and_is_last() -> None:
    per_run = len(VISUAL_FEATURES) + len(AUDIO_FEATURES)
    assert len(RENDER_FEATURE_NAMES) == len(RENDER_RUNS) * per_run + 2 == 35
    assert DIMENSION == 349 + 35 == len(FEATURE_NAMES)
    assert FEATURE_NAMES[-len(RENDER_FEATURE_NAMES) :] == RENDER_FEATURE_NAMES
    assert FEATURE_NAMES[-2:] == ("render.visual.rendered", "render.audio.rendered")


def test_without_render_the_block_is_zero() -> None:
    vector = np.asarray(fingerprint_of(make_asset()))
    assert vector.shape == (DIMENSION,)
    assert not vector[RENDER].any()
    assert vector[~RENDER].any()


def test_the_squashing_functions() -> None:
    assert level(None) == 0.0 and level(-70.0) == 0.0 and level(-80.0) == 0.0
    assert level(-23.0) == pytest.approx(0.5875) and level(10.0) == 1.0 and level(20.0) == 1.0
    assert squash(3.0, 3.0) == 0.5 and squash(0.0, 3.0) == 0.0
    # a sine's crest factor, 3.01 dB, is 3.01 / 15.01
    assert round(squash(3.0103, 12.0), RENDER_DECIMALS) == 0.201


def test_a_part_that_cannot_render_is_zero_with_its_flag_zero(monkeypatch) -> None:
    # Whatever the machine: with neither part available, the block is all zeros.
    monkeypatch.setattr(
        fingerprint_render, "unavailable", lambda: {"visual": "no GL", "audio": "no Node"}
    )
    vector = np.asarray(fingerprint_of(make_asset(), render=True))
    assert not vector[RENDER].any()
    assert np.array_equal(vector, np.asarray(fingerprint_of(make_asset())))


def test_similar_render_says_in_one_line_what_it_cannot_render(monkeypatch) -> None:
    from click.testing import CliRunner
    from synharness.cli.main import cli

    monkeypatch.setattr(fingerprint_render, "unavailable", lambda: {"visual": "no GL context"})
    monkeypatch.setattr(fingerprint_render, "_audio", lambda asset, runs: None)
    path = str(ROOT / "examples" / "heartbeat.json")
    result = CliRunner().invoke(cli, ["similar", "--render", "--format", "json", path])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if "--render" in line]
    assert notes == [
        "synharness similar --render: no GL context; fingerprinting without the visual part "
        "(values and flag 0)"
    ]
    assert json.loads(result.stdout) == {"groups": [[path]]}


@pytest.mark.usefixtures("renderers")
@pytest.mark.parametrize("name", ["factory", "tide-pool.json", "heartbeat.json"])
def test_rendered_copies_are_at_distance_0_and_runs_repeat(name: str) -> None:
    asset = make_asset() if name == "factory" else _load(ROOT / "examples" / name)
    base = fingerprint_of(asset, render=True)
    assert base[VISUAL_FLAG] == 1.0 and base[AUDIO_FLAG] == 1.0
    assert np.asarray(base)[VISUAL].any() and np.asarray(base)[AUDIO].any()
    assert fingerprint_of(asset, render=True) == base  # a second run
    assert fingerprint_of(renamed(asset), render=True) == base
    assert fingerprint_of(reordered(asset), render=True) == base
    spread = json.dumps(asset, indent=7, sort_keys=True, ensure_ascii=True).encode()
    assert distance(base, fingerprint(_model(spread), render=True)) == 0.0
    # every rendered value is on the RENDER_DECIMALS grid
    block = np.asarray(base)[RENDER]
    assert np.array_equal(block, np.round(block, RENDER_DECIMALS))


@pytest.mark.usefixtures("renderers")
def test_a_brighter_shader_moves_the_visual_dimensions_only() -> None:
    asset = make_asset()
    dimmer = copy.deepcopy(asset)
    source = dimmer["shader"]["fragment_shader"]
    assert "vec3(vUv, 1.0)" in source
    dimmer["shader"]["fragment_shader"] = source.replace("vec3(vUv, 1.0)", "vec3(vUv, 0.1)")
    a, b = (np.asarray(fingerprint_of(d, render=True)) for d in (asset, dimmer))
    # the simulation cannot tell them apart; the render can
    assert np.array_equal(a[~RENDER], b[~RENDER])
    assert np.array_equal(a[AUDIO], b[AUDIO])
    moved = set(NAMES[a != b])
    assert "render.visual.idle.mean_luminance" in moved and moved <= set(NAMES[VISUAL])
    lum = FEATURE_NAMES.index("render.visual.idle.mean_luminance")
    assert b[lum] < a[lum]
    assert distance(a, b) > 0.0
    assert distance(fingerprint_of(asset), fingerprint_of(dimmer)) == 0.0  # without render


@pytest.mark.usefixtures("renderers")
def test_another_oscillator_moves_the_audio_dimensions_only() -> None:
    asset = make_asset()
    square = copy.deepcopy(asset)
    assert square["tone"]["synth"]["options"]["oscillator"]["type"] == "triangle"
    square["tone"]["synth"]["options"]["oscillator"]["type"] = "square"
    a, b = (np.asarray(fingerprint_of(d, render=True)) for d in (asset, square))
    assert np.array_equal(a[~AUDIO], b[~AUDIO])
    moved = set(NAMES[a != b])
    assert moved and moved <= set(NAMES[AUDIO])
    assert any(n.endswith((".loudness", ".crest", ".peak")) for n in moved)


@pytest.mark.usefixtures("renderers")
def test_an_asset_without_a_shader_has_visual_flag_0() -> None:
    doc = without_shader(make_asset())
    vector = np.asarray(fingerprint_of(doc, render=True))
    assert vector[VISUAL_FLAG] == 0.0 and not vector[VISUAL].any()
    assert vector[AUDIO_FLAG] == 1.0 and vector[AUDIO].any()


@pytest.mark.usefixtures("renderers")
def test_a_shader_that_does_not_compile_has_visual_flag_0() -> None:
    doc = make_asset()
    doc["shader"]["fragment_shader"] = doc["shader"]["fragment_shader"].replace(
        "gl_FragColor = ", "gl_FragColor = undeclared_function() + "
    )
    vector = np.asarray(fingerprint(_model(json.dumps(doc).encode()), render=True))
    assert vector[VISUAL_FLAG] == 0.0 and not vector[VISUAL].any()
    assert vector[AUDIO_FLAG] == 1.0


@pytest.mark.usefixtures("renderers")
def test_rendered_bundled_examples_stay_far_apart() -> None:
    from itertools import combinations

    paths = sorted((ROOT / "examples").glob("*.json"))[:5]
    vectors = {p.name: fingerprint_of(_load(p), render=True) for p in paths}
    closest = min(distance(vectors[a], vectors[b]) for a, b in combinations(vectors, 2))
    assert closest > 10 * DEFAULT_THRESHOLD


#: docs/fingerprint.md's worked example: a grey canvas and a sine arpeggio.
GREY = {
    "name": "grey",
    "shader": {
        "name": "grey",
        "vertex_shader": "void main() { gl_Position = vec4(position, 1.0); }",
        "fragment_shader": "void main() { gl_FragColor = vec4(0.5, 0.5, 0.5, 1.0); }",
    },
    "tone": {
        "name": "sine",
        "synth": {
            "type": "Tone.Synth",
            "options": {
                "oscillator": {"type": "sine"},
                "envelope": {"attack": 0.01, "decay": 0.1, "sustain": 0.7, "release": 0.2},
                "volume": -12,
            },
        },
    },
}


#: The example's levels (docs/fingerprint.md): integrated -18.37 LUFS, sample peak
#: -12.01 dBFS, crest factor 8.60 dB, DC offset 5e-7, squashed and rounded.
GREY_AUDIO = {"loudness": 0.645, "peak": 0.725, "crest": 0.418, "dc_offset": 0.0, "nonfinite": 0.0}


@pytest.mark.usefixtures("renderers")
def test_pinned_example_grey_canvas_and_sine_arpeggio() -> None:
    vector = dict(zip(FEATURE_NAMES, fingerprint_of(GREY, render=True), strict=True))
    for run in RENDER_RUNS:
        # 0.5 is written as 8-bit 128; sRGB 128/255 is linear 0.2158605
        assert vector[f"render.visual.{run}.mean_luminance"] == 0.216
        for feature in ("contrast", "motion_energy", "flashes", "red_flashes", "nonfinite"):
            assert vector[f"render.visual.{run}.{feature}"] == 0.0
    assert vector["render.visual.rendered"] == 1.0
    # Every run hears the audition arpeggio (nothing drives the tone): the same levels.
    for run in RENDER_RUNS:
        got = {f: vector[f"render.audio.{run}.{f}"] for f in AUDIO_FEATURES}
        assert got == GREY_AUDIO, run
    assert vector["render.audio.rendered"] == 1.0


def _pale(asset: dict[str, Any]) -> dict[str, Any]:
    """The factory asset with a pale, low-contrast canvas instead of its dark coloured rings."""
    doc = copy.deepcopy(asset)
    source = doc["shader"]["fragment_shader"]
    assert "vec3(ring) * vec3(vUv, 1.0)" in source
    doc["shader"]["fragment_shader"] = source.replace(
        "vec3(ring) * vec3(vUv, 1.0)", "vec3(0.9 - 0.1 * ring)"
    )
    return doc


@pytest.mark.usefixtures("renderers")
def test_similar_and_score_tell_a_repainted_copy_apart_only_with_render(tmp_path: Path) -> None:
    # Measured: distance 0.0107 with render (over the 0.005 default), 0 without.
    from click.testing import CliRunner
    from synharness.cli.main import cli

    asset = make_asset()
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    paths[0].write_text(json.dumps(asset), encoding="utf-8")
    paths[1].write_text(json.dumps(_pale(asset)), encoding="utf-8")
    files = [str(p) for p in paths]
    runner = CliRunner()
    for extra, groups in (([], [files]), (["--render"], [[f] for f in files])):
        result = runner.invoke(cli, ["similar", "--format", "json", *extra, *files])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"groups": groups}, extra
    for extra, duplicate in (([], files[0]), (["--render"], None)):
        result = runner.invoke(cli, ["score", "--diversity", *extra, *files])
        assert result.exit_code == 0, result.output
        records = [json.loads(line) for line in result.stdout.splitlines()]
        assert records[1]["diversity"]["duplicate_of"] == duplicate, extra


@pytest.mark.usefixtures("renderers")
def test_diversity_of_counts_a_repainted_copy_only_with_render() -> None:
    from synharness.agents.neighbours import diversity_of

    batch = [make_asset(), _pale(make_asset())]
    assert diversity_of(batch).distinct == 1
    assert diversity_of(batch, render=True).distinct == 2


@pytest.mark.usefixtures("renderers")
def test_score_diversity_render_says_in_one_line_what_it_cannot_render(monkeypatch) -> None:
    from click.testing import CliRunner
    from synharness.cli.main import cli

    monkeypatch.setattr(fingerprint_render, "unavailable", lambda: {"audio": "no Node here"})
    path = str(ROOT / "examples" / "heartbeat.json")
    result = CliRunner().invoke(cli, ["score", "--diversity", "--render", path])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if "--render" in line]
    assert notes == [
        "synharness score --diversity --render: no Node here; fingerprinting without the "
        "audio part (values and flag 0)"
    ]
    assert json.loads(result.stdout)["diversity"]["distinct"] == 1
