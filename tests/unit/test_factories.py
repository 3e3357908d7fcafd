"""The shared test-data builders: schema-valid, clean and deterministic.

*Clean* is checked twice: by :func:`clean_problems`, an independent statement
of the rules the factories promise (so that a builder bug does not hide behind
a validator bug), and by the harness's own validation pipeline.
"""

from __future__ import annotations

import functools
import json
import math
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synharness.models import SynestheticAsset
from synharness.params import asset_parameters, resolve
from synharness.pipeline import validate_bytes

from tests.factories import (
    AXES,
    MODULATION_TYPES,
    SCALE_PROFILES,
    SCHEMA_URL,
    SYNTH_TYPES,
    WAVEFORMS,
    generate_assets,
    make_asset,
    write_asset,
)
from tests.strategies import assets, modulation_items

REPO = Path(__file__).resolve().parents[2]
SCHEMA_DIR = REPO.parent / "shared" / "ssot" / "0.7.3" / "schema"
needs_ssot = pytest.mark.skipif(not SCHEMA_DIR.is_dir(), reason="../shared/ssot is absent")

_TONE_EFFECTS = {
    "Tone.Reverb",
    "Tone.FeedbackDelay",
    "Tone.Chorus",
    "Tone.PingPongDelay",
    "Tone.Distortion",
}
_THREE_BUILTINS = {"position", "uv", "normal", "projectionMatrix", "modelViewMatrix"}
_GLSL_SHAPES = {"float": 1, "vec2": 2, "vec3": 3, "vec4": 4}


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    docs = [json.loads(p.read_text(encoding="utf-8")) for p in SCHEMA_DIR.glob("*.json")]
    registry = Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in docs)
    schema = next(d for d in docs if d["title"] == "synesthetic-asset")
    return Draft202012Validator(schema, registry=registry)


def schema_errors(asset: dict[str, Any]) -> list[str]:
    """Errors of ``asset`` against the published asset schema (``$schema`` stripped)."""
    body = {k: v for k, v in asset.items() if k != "$schema"}
    return [
        f"/{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator().iter_errors(body)
    ]


def _range_problems(where: str, lo: Any, hi: Any, step: Any, default: Any) -> list[str]:
    out = []
    if not lo < hi:
        out.append(f"{where}: min {lo} >= max {hi}")
    if not lo <= default <= hi:
        out.append(f"{where}: default {default} outside [{lo}, {hi}]")
    if step is not None and not 0 < step <= hi - lo:
        out.append(f"{where}: step {step}")
    return out


def _modulation_problems(where: str, m: Any, declared: dict[str, Any]) -> list[str]:
    target = declared.get(m.target)
    if target is None:
        return [f"{where}: target {m.target} is not a declared canonical path"]
    depth = m.amplitude * m.scale
    if m.type == "additive":
        reach = (m.offset - depth, m.offset + depth)
        swing = depth
    else:
        reach = tuple(sorted((m.offset * (1 - depth), m.offset * (1 + depth))))
        swing = abs(m.offset) * depth
    out = []
    for lo, hi, what in ((m.min, m.max, "own"), (target.min, target.max, "target")):
        if not lo <= reach[0] <= reach[1] <= hi:
            out.append(f"{where}: reach {reach} outside {what} range [{lo}, {hi}]")
    # Both readings of "depth" for multiplicative modulations must clear the step.
    if target.step and min(depth, swing) < target.step:
        out.append(f"{where}: depth {depth} / swing {swing} below step {target.step}")
    if not 0 < m.frequency <= 1000:
        out.append(f"{where}: frequency {m.frequency}")
    return out


def _glsl_problems(shader: Any) -> list[str]:
    out = []
    sources = shader.vertex_shader + "\n" + shader.fragment_shader
    decl = {n: t for t, n in re.findall(r"\buniform\s+(\w+)\s+(\w+)\s*;", sources)}
    listed = {u.name: u for u in shader.uniforms or []}
    if {n: u.type for n, u in listed.items()} != decl:
        out.append(f"GLSL uniforms {decl} differ from the list {sorted(listed)}")
    body = re.sub(r"\buniform\s+\w+\s+\w+\s*;", "", sources)
    for name, u in listed.items():
        if not re.search(rf"\b{name}\b", body):
            out.append(f"uniform {name} is never read")
        size = _GLSL_SHAPES.get(u.type)
        shape = (
            1
            if isinstance(u.default, int | float)
            else len(u.default)
            if isinstance(u.default, list)
            else None
        )
        if size != shape:
            out.append(f"uniform {name}: default {u.default!r} is not a {u.type}")
    if re.search(r"\battribute\b", shader.vertex_shader):
        out.append("vertex shader declares attributes")
    used = set(
        re.findall(
            r"\b(position|uv|normal|projectionMatrix|modelViewMatrix|\w+Matrix)\b",
            shader.vertex_shader,
        )
    )
    if not used <= _THREE_BUILTINS:
        out.append(f"vertex shader uses {sorted(used - _THREE_BUILTINS)}")
    return out


def clean_problems(raw: dict[str, Any]) -> list[str]:
    """Every way ``raw`` breaks the factories' promise of a clean asset ([] when clean)."""
    asset = SynestheticAsset.model_validate({k: v for k, v in raw.items() if k != "$schema"})
    declared = asset_parameters(asset)
    out: list[str] = []
    driven: set[str] = set()
    for path, p in declared.items():
        if p.min is not None:
            out += _range_problems(path, p.min, p.max, p.step, p.default)
    seen: set[str] = set()
    for i, c in enumerate(asset.control.control_parameters if asset.control else []):
        where, target = f"/control/control_parameters/{i}", declared.get(c.parameter)
        if resolve(c.parameter, declared).how != "exact" or target is None:
            out.append(f"{where}: {c.parameter} is not a declared canonical path")
            continue
        driven.add(c.parameter)
        if (c.min, c.max, c.step, c.default) != (
            target.min,
            target.max,
            target.step,
            target.default,
        ):
            out.append(f"{where}: range differs from {c.parameter}")
        for mp in c.mappings:
            key = json.dumps([c.parameter, mp.action.axis, mp.combo.model_dump()], sort_keys=True)
            if key in seen:
                out.append(f"{where}: duplicate binding {key}")
            seen.add(key)
    mods = asset.all_modulations()
    ids = [m.id for _, m in mods]
    if len(ids) != len(set(ids)):
        out.append(f"duplicate modulation ids {ids}")
    for where, m in mods:
        out += _modulation_problems(where, m, declared)
        driven.add(m.target)
    for rule in asset.rule_bundle.rules if asset.rule_bundle else []:
        trigger = rule.trigger or {}
        params = trigger.get("params", {})
        if trigger.get("type") != "grid_cell" or not {"gridSize", "cooldown"} <= set(params):
            out.append(f"rule {rule.id}: trigger {trigger}")
        for effect in rule.effects or []:
            op, target = effect.get("op"), effect.get("target")
            if op == "triggerAttackRelease":
                if target != "tone.synth" or asset.tone is None:
                    out.append(f"rule {rule.id}: sound op on {target}")
            elif op in ("set", "add"):
                if target not in declared:
                    out.append(f"rule {rule.id}: {op} on undeclared {target}")
                driven.add(str(target))
            else:
                out.append(f"rule {rule.id}: unknown op {op}")
    if asset.shader is not None:
        out += _glsl_problems(asset.shader)
        driven |= {f"shader.{u.name}" for u in asset.shader.uniforms or []}
    if asset.tone is not None:
        synth = asset.tone.synth
        if synth.get("type") not in SYNTH_TYPES:
            out.append(f"synth type {synth.get('type')}")
        for e in asset.tone.effects or []:
            options = e.options if hasattr(e, "options") else {}
            if getattr(e, "type", None) not in _TONE_EFFECTS or not 0 <= options.get("wet", 0) <= 1:
                out.append(f"effect {e}")
    if asset.haptic is not None:
        limits = {k: v.value for k, v in asset.haptic.device.options.items()}
        for hp in asset.haptic.input_parameters:
            limit = limits.get("max" + hp.path.rsplit(".", 1)[-1].capitalize())
            if limit is not None and hp.max is not None and hp.max > limit:
                out.append(f"{hp.path}: max {hp.max} beyond device limit {limit}")
    out += [f"{path} neither driven nor read" for path in declared if path not in driven]
    return out


def _pipeline_verdict(asset: dict[str, Any]) -> str:
    result = validate_bytes(json.dumps(asset).encode(), source="<factory>")
    above_info = [(f.code, f.pointer, f.message) for f in result.findings if f.severity != "info"]
    return f"{result.verdict} {above_info}"


# --- make_asset ----------------------------------------------------------------------------


def test_make_asset_is_clean_and_complete() -> None:
    asset = make_asset()
    assert asset["$schema"] == SCHEMA_URL
    assert clean_problems(asset) == []
    assert len(asset["modulations"]) == 2
    assert {k for k in ("shader", "tone", "haptic", "control", "rule_bundle") if k in asset} == {
        "shader",
        "tone",
        "haptic",
        "control",
        "rule_bundle",
    }
    ops = [e["op"] for e in asset["rule_bundle"]["rules"][0]["effects"]]
    assert sorted(ops) == ["add", "set", "triggerAttackRelease"]


def test_make_asset_overrides_replace_and_remove_keys() -> None:
    asset = make_asset(name="Other", rule_bundle=None)
    assert asset["name"] == "Other"
    assert "rule_bundle" not in asset
    assert make_asset() is not make_asset()


@needs_ssot
def test_make_asset_is_schema_valid() -> None:
    assert schema_errors(make_asset()) == []


def test_clean_problems_catches_what_it_promises() -> None:
    # The checker must fail on broken assets, or every "clean" assertion is hollow.
    asset = make_asset()
    asset["modulations"][0]["offset"] = 5.0
    asset["control"]["control_parameters"][0]["parameter"] = "visual.u_radius"
    asset["shader"]["uniforms"][0]["default"] = "#1a1a1a"
    asset["modulations"][1]["id"] = asset["modulations"][0]["id"]
    problems = "\n".join(clean_problems(asset))
    for fragment in ("reach", "visual.u_radius", "is not a float", "duplicate modulation ids"):
        assert fragment in problems


# --- generate_assets -------------------------------------------------------------------------


def test_generate_assets_is_deterministic_for_a_seed() -> None:
    assert generate_assets(20, seed=7) == generate_assets(20, seed=7)
    assert generate_assets(20, seed=7) != generate_assets(20, seed=8)


@pytest.mark.parametrize("modulations", [0, 1, 4, 9])
def test_generate_assets_has_exactly_the_modulations_asked(modulations: int) -> None:
    generated = generate_assets(10, seed=3, modulations=modulations)
    assert len(generated) == 10
    assert all(len(a["modulations"]) == modulations for a in generated)


def test_generated_assets_are_clean() -> None:
    for asset in generate_assets(200, seed=1):
        assert clean_problems(asset) == [], asset["name"]


def test_generated_assets_vary() -> None:
    mods = [m for a in generate_assets(300, seed=2) for m in a["modulations"]]
    assert {m["waveform"] for m in mods} == set(WAVEFORMS)
    assert {m["type"] for m in mods} == set(MODULATION_TYPES)
    assert {m["scaleProfile"] for m in mods} == set(SCALE_PROFILES)
    assert len({m["frequency"] for m in mods}) > 1000
    assert len({m["target"] for m in mods}) >= 12
    axes = {
        mp["action"]["axis"]
        for a in generate_assets(30, seed=2)
        for c in a["control"]["control_parameters"]
        for mp in c["mappings"]
    }
    assert axes == set(AXES)


def test_generate_thousand_assets_is_fast() -> None:
    # A generous bound: the benchmarks build 1,000 assets on every run.
    start = time.perf_counter()
    generate_assets(1000, seed=0)
    assert time.perf_counter() - start < 5.0


@needs_ssot
def test_generated_assets_are_schema_valid() -> None:
    for asset in generate_assets(50, seed=4):
        assert schema_errors(asset) == [], asset["name"]


def test_generated_assets_pass_the_pipeline() -> None:
    assert _pipeline_verdict(make_asset()).startswith("pass"), _pipeline_verdict(make_asset())
    for asset in generate_assets(25, seed=5):
        verdict = _pipeline_verdict(asset)
        assert verdict.startswith("pass"), (asset["name"], verdict)


def test_write_asset_round_trips(tmp_path: Path) -> None:
    asset = make_asset()
    path = write_asset(tmp_path / "nested" / "a.json", asset)
    assert json.loads(path.read_text(encoding="utf-8")) == asset


# --- strategies ------------------------------------------------------------------------------

# The examples count comes from the hypothesis profile (conftest.py; "ci" runs more).
_settings = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(assets())
def test_drawn_assets_are_clean(asset: dict[str, Any]) -> None:
    assert clean_problems(asset) == []


@needs_ssot
@_settings
@given(assets())
def test_drawn_assets_are_schema_valid(asset: dict[str, Any]) -> None:
    assert schema_errors(asset) == []


@_settings
@given(assets())
def test_drawn_assets_pass_the_pipeline(asset: dict[str, Any]) -> None:
    verdict = _pipeline_verdict(asset)
    assert verdict.startswith("pass"), verdict


@_settings
@given(
    st.sampled_from(
        [
            ("shader.u_r", 0.1, 2.0, 0.01),
            ("tone.detune", -1200.0, 1200.0, 1.0),
            ("haptic.intensity", 0.0, 1.0, 0.01),
            ("shader.u_x", -1.0, 1.0, 0.001),
        ]
    ).flatmap(lambda t: st.tuples(st.just(t), modulation_items(*t)))
)
def test_modulation_items_fit_their_target(
    drawn: tuple[tuple[str, float, float, float], dict[str, Any]],
) -> None:
    (target, lo, hi, step), item = drawn
    assert item["target"] == target
    depth = item["amplitude"] * item["scale"]
    if item["type"] == "additive":
        low, high = item["offset"] - depth, item["offset"] + depth
        assert depth >= step
    else:
        low, high = sorted((item["offset"] * (1 - depth), item["offset"] * (1 + depth)))
        assert min(depth, abs(item["offset"]) * depth) >= step
    assert lo <= low <= high <= hi
    assert 0 < item["frequency"] <= 1000 and math.isfinite(item["phase"])


def test_strategies_are_deterministic_for_a_seed() -> None:
    # derandomize: Hypothesis seeds its search from the test itself, so two
    # runs draw the same assets in the same order.
    def draw_many(n: int) -> list[str]:
        out: list[str] = []

        @settings(max_examples=n, database=None, derandomize=True)
        @given(assets())
        def collect(asset: dict[str, Any]) -> None:
            out.append(json.dumps(asset, sort_keys=True))

        collect()
        return out

    assert draw_many(15) == draw_many(15)
