"""Golden tests: one or more per rule of docs/semantics.md, with the worked examples' numbers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from synharness.agents import Scenario, compile_asset, run_scenarios, simulate
from synharness.agents.waveforms import cycle_offset, shape, shaped_wave, wave
from synharness.models import SynestheticAsset

VERTEX = "void main() { gl_Position = vec4(position, 1.0); }"


def asset(
    *,
    mods: list[dict[str, Any]] = (),  # type: ignore[assignment]
    controls: list[dict[str, Any]] | None = None,
    rules: list[dict[str, Any]] | None = None,
    lo: float = 0.0,
    hi: float = 10.0,
    default: float = 5.0,
    smoothing: float | None = None,
    step: float | None = None,
) -> SynestheticAsset:
    """One shader parameter ``shader.u_x`` in [lo, hi] plus the given drivers."""
    param: dict[str, Any] = {
        "name": "x",
        "parameter": "u_x",
        "path": "u_x",
        "type": "float",
        "default": default,
        "min": lo,
        "max": hi,
    }
    if smoothing is not None:
        param["smoothingTime"] = smoothing
    if step is not None:
        param["step"] = step
    doc: dict[str, Any] = {
        "name": "golden",
        "shader": {
            "name": "s",
            "vertex_shader": VERTEX,
            "fragment_shader": "uniform float u_x; void main() { gl_FragColor = vec4(u_x); }",
            "uniforms": [{"name": "u_x", "type": "float", "stage": "fragment", "default": default}],
            "input_parameters": [param],
        },
        "modulations": list(mods),
    }
    if controls is not None:
        doc["control"] = {"name": "c", "control_parameters": controls}
    if rules is not None:
        doc["rule_bundle"] = {"name": "r", "rules": rules}
    return SynestheticAsset.model_validate(doc)


def mod(**over: Any) -> dict[str, Any]:
    base = {
        "id": "m",
        "target": "shader.u_x",
        "type": "additive",
        "waveform": "sine",
        "frequency": 1.0,
        "amplitude": 2.0,
        "offset": 5.0,
        "phase": 0.0,
        "scale": 1.0,
        "scaleProfile": "linear",
    }
    return {**base, **over}


def at(result: Any, t: float, path: str = "shader.u_x") -> float:
    k = round(t / (result.scenario.dt * result.every))
    return float(result.values[path][k])


def run(a: SynestheticAsset, *, duration: float = 1.0, dt: float = 1 / 60, **kw: Any) -> Any:
    return simulate(a, Scenario(name="g", duration=duration, dt=dt, **kw))


# --- the pinned example ---------------------------------------------------------------------


def test_pinned_example_additive_sine() -> None:
    r = run(asset(mods=[mod()]), dt=1 / 100)
    assert at(r, 0.25) == pytest.approx(7.0, abs=1e-12)
    assert at(r, 0.75) == pytest.approx(3.0, abs=1e-12)
    assert at(r, 0.0) == pytest.approx(5.0, abs=1e-12)


# --- waveforms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waveform", "theta_over_2pi", "expected"),
    [
        ("sine", 0.0, 0.0), ("sine", 0.25, 1.0), ("sine", 0.75, -1.0),
        ("triangle", 0.0, 0.0), ("triangle", 0.125, 0.5), ("triangle", 0.25, 1.0),
        ("triangle", 0.5, 0.0), ("triangle", 0.75, -1.0),
        ("square", 0.0, 1.0), ("square", 0.25, 1.0), ("square", 0.5, 1.0), ("square", 0.75, -1.0),
        ("sawtooth", 0.0, 0.0), ("sawtooth", 0.25, 0.5), ("sawtooth", 0.49, 0.98),
        ("sawtooth", 0.5, -1.0), ("sawtooth", 0.75, -0.5),
    ],
)  # fmt: skip
def test_waveforms_rise_through_zero_at_theta_zero(
    waveform: str, theta_over_2pi: float, expected: float
) -> None:
    # f = 1 Hz, phase 0: theta/2pi = t.
    assert shaped_wave(
        waveform, "linear", 1.0, cycle_offset(waveform, 0.0), theta_over_2pi
    ) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("theta", np.linspace(-7.0, 7.0, 57))
def test_waveforms_match_their_trigonometric_definitions(theta: float) -> None:
    t = theta / (2 * math.pi)  # f = 1 Hz
    s = math.sin(theta)
    assert shaped_wave("sine", "linear", 1.0, 0.0, t) == pytest.approx(s, abs=1e-12)
    assert shaped_wave("triangle", "linear", 1.0, 0.25, t) == pytest.approx(
        2 / math.pi * math.asin(s), abs=1e-9
    )
    frac = theta / (2 * math.pi) + 0.5 - math.floor(theta / (2 * math.pi) + 0.5)
    assert shaped_wave("sawtooth", "linear", 1.0, 0.5, t) == pytest.approx(2 * frac - 1, abs=1e-12)
    if abs(s) > 1e-9:
        assert shaped_wave("square", "linear", 1.0, 0.0, t) == (1.0 if s >= 0 else -1.0)


def test_phase_is_in_radians() -> None:
    # phase pi/2 turns sine into cosine.
    c = cycle_offset("sine", math.pi / 2)
    assert shaped_wave("sine", "linear", 1.0, c, 0.0) == pytest.approx(1.0)


# --- scale profiles ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "w", "expected"),
    [
        ("linear", 0.0, 0.0), ("linear", 0.5, 0.5),
        ("exponential", 0.0, -0.5), ("exponential", 1.0, 1.0), ("exponential", -1.0, -1.0),
        ("logarithmic", 0.0, 2 * math.log10(5.5) - 1), ("logarithmic", 1.0, 1.0), ("logarithmic", -1.0, -1.0),
        ("sine", 0.0, 2 * math.sin(math.pi / 4) - 1), ("sine", 1.0, 1.0),
        ("cosine", 0.0, 1 - 2 * math.cos(math.pi / 4)), ("cosine", -1.0, -1.0),
    ],
)  # fmt: skip
def test_scale_profiles(profile: str, w: float, expected: float) -> None:
    assert shape(profile, w) == pytest.approx(expected, abs=1e-12)


def test_exponential_profile_in_a_run() -> None:
    # Worked example: sine at t = 0 gives w = 0, u = 1/2, P = 1/4, w' = -1/2: p = 5 + 2(-1/2) = 4.
    r = run(asset(mods=[mod(scaleProfile="exponential")]))
    assert at(r, 0.0) == pytest.approx(4.0)
    assert at(r, 0.25) == pytest.approx(7.0)


# --- combination and clamping ----------------------------------------------------------------


def test_multiplicative() -> None:
    # p = c (1 + a s w'): 4 (1 + 0.5 * 1) = 6 at the crest, 4 (1 - 0.5) = 2 at the trough.
    r = run(
        asset(mods=[mod(type="multiplicative", offset=4.0, amplitude=0.25, scale=2.0)]), dt=0.01
    )
    assert at(r, 0.25) == pytest.approx(6.0)
    assert at(r, 0.75) == pytest.approx(2.0)


def test_several_modulations_add_their_deviations() -> None:
    # Two modulations around offset 5 (= default): deviations 2 sin and 1 square add.
    mods = [mod(id="a"), mod(id="b", waveform="square", amplitude=1.0)]
    r = run(asset(mods=mods), dt=0.01)
    assert at(r, 0.25) == pytest.approx(8.0)
    assert at(r, 0.75) == pytest.approx(2.0)


def test_offset_away_from_default_shifts_the_centre() -> None:
    r = run(asset(mods=[mod(offset=6.0)]), dt=0.01)
    assert at(r, 0.0) == pytest.approx(6.0)
    assert at(r, 0.25) == pytest.approx(8.0)


def test_clamp_to_modulation_range_then_parameter_range_and_count() -> None:
    # 5 + 4 sin: the modulation's own max 8 cuts the crest, the parameter's min 2 the trough.
    a = asset(mods=[mod(amplitude=4.0, max=8.0)], lo=2.0)
    r = run(a, dt=0.01)
    assert at(r, 0.25) == pytest.approx(8.0)
    assert at(r, 0.75) == pytest.approx(2.0)
    values = r.values["shader.u_x"]
    assert values.max() == pytest.approx(8.0) and values.min() == pytest.approx(2.0)
    expected = int(
        np.count_nonzero(
            (5 + 4 * np.sin(2 * np.pi * r.t) > 8) | (5 + 4 * np.sin(2 * np.pi * r.t) < 2)
        )
    )
    assert r.clamped["shader.u_x"] == expected


# --- controls --------------------------------------------------------------------------------


def control(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "parameter": "shader.u_x", "label": "X", "type": "float", "unit": "linear",
        "default": 5.0, "min": 0.0, "max": 10.0, "smoothingTime": 0.0,
        "mappings": [{"combo": {"mouseButtons": ["left"], "strict": True},
                      "action": {"axis": "mouse.x", "sensitivity": 0.01, "scale": 1.0, "curve": "linear"}}],
    }  # fmt: skip
    return {**base, **over}


def drag(
    at_: float,
    delta: float,
    *,
    keys: tuple[str, ...] = (),
    buttons: tuple[str, ...] = ("left",),
    axis: str = "mouse.x",
) -> dict[str, Any]:
    return {
        "at": at_,
        "move": {"axis": axis, "delta": delta},
        "hold": {"keys": list(keys), "buttons": list(buttons)},
    }


def test_control_moves_by_delta_times_sensitivity_times_scale() -> None:
    c = control()
    c["mappings"][0]["action"]["scale"] = 2.0
    r = run(asset(controls=[c]), inputs=[drag(0.5, 100)])
    assert at(r, 0.4) == 5.0
    assert at(r, 0.5) == pytest.approx(7.0)  # 100 px * 0.01 * 2


def test_strict_combo_needs_exactly_its_keys() -> None:
    r = run(asset(controls=[control()]), inputs=[drag(0.5, 100, keys=("Shift",))])
    assert at(r, 1.0) == 5.0
    loose = control()
    loose["mappings"][0]["combo"]["strict"] = False
    r = run(asset(controls=[loose]), inputs=[drag(0.5, 100, keys=("Shift",))])
    assert at(r, 1.0) == pytest.approx(6.0)


def test_key_aliases_and_wheel() -> None:
    c = control()
    c["mappings"][0] = {"combo": {"keys": ["Control"], "wheel": True, "strict": True},
                        "action": {"axis": "mouse.wheel", "sensitivity": 0.5, "scale": 1.0}}  # fmt: skip
    r = run(asset(controls=[c]), inputs=[{"at": 0.5, "wheel": 3, "hold": {"keys": ["Ctrl"]}}])
    assert at(r, 1.0) == pytest.approx(6.5)


def test_control_clamps_and_quantises() -> None:
    c = control(step=0.5)
    r = run(asset(controls=[c]), inputs=[drag(0.2, 123), drag(0.6, 1000)])
    assert at(r, 0.4) == pytest.approx(6.0)  # 5 + 1.23 -> 6.23 -> step 0.5 -> 6.0
    assert at(r, 0.8) == pytest.approx(10.0)  # clamped to max


def test_exponential_curve_moves_the_position() -> None:
    c = control()
    c["mappings"][0]["action"]["curve"] = "exponential"
    # default 5 on [0, 10] sits at s = sqrt(0.5); +100 px * 0.01 = +1 -> s + 0.1.
    r = run(asset(controls=[c]), inputs=[drag(0.5, 100)])
    s = math.sqrt(0.5) + 0.1
    assert at(r, 1.0) == pytest.approx(10 * s * s)


def test_smoothing_is_a_one_pole_filter() -> None:
    tau, dt = 0.1, 0.01
    r = run(asset(controls=[control(smoothingTime=tau)]), dt=dt, inputs=[drag(0.0, 100)])
    alpha = math.exp(-dt / tau)
    for k in (0, 1, 5, 20):
        assert at(r, k * dt) == pytest.approx(6.0 - 1.0 * alpha ** (k + 1), abs=1e-12)


def test_spread_movement_adds_up_exactly() -> None:
    r = run(asset(controls=[control()]), inputs=[{**drag(0.1, 300), "duration": 0.5}])
    assert at(r, 0.35) == pytest.approx(5.0 + 1.5, abs=0.06)
    assert at(r, 0.9) == pytest.approx(8.0, abs=1e-12)


# --- rules -----------------------------------------------------------------------------------


def rule(effects: list[dict[str, Any]], *, cooldown: float = 100, grid: int = 4) -> dict[str, Any]:
    return {"id": "r", "trigger": {"type": "grid_cell", "params": {"gridSize": grid, "cooldown": cooldown}},
            "effects": effects}  # fmt: skip


def press(
    at_: float, cell: tuple[int, int] = (1, 1), pressure: float = 0.5, **kw: Any
) -> dict[str, Any]:
    return {"at": at_, "grid": {"cell": list(cell), "pressure": pressure, **kw}}


def test_set_and_add_through_source_scale() -> None:
    effects = [
        {"op": "set", "target": "shader.u_x", "value": {"source": "grid.pressure", "scale": 10}}
    ]
    r = run(asset(rules=[rule(effects)]), inputs=[press(0.5, pressure=0.3)])
    assert at(r, 0.4) == 5.0 and at(r, 0.5) == pytest.approx(3.0)
    effects = [
        {
            "op": "add",
            "target": "u_x",
            "value": {"source": "grid.pressure", "scale": 2, "curve": "exp"},
        }
    ]
    r = run(asset(rules=[rule(effects)]), inputs=[press(0.5, pressure=0.5)])
    assert at(r, 0.5) == pytest.approx(5.5)  # 0.5^2 * 2


def test_multiply_scale_and_toggle() -> None:
    for op in ("multiply", "scale"):
        effects = [{"op": op, "target": "shader.u_x", "value": 1.5}]
        r = run(asset(rules=[rule(effects)]), inputs=[press(0.5, pressure=0.3)])
        assert at(r, 0.4) == 5.0 and at(r, 0.5) == pytest.approx(7.5), op  # 5 x 1.5
    effects = [{"op": "toggle", "target": "shader.u_x", "value": 1}]
    r = run(asset(rules=[rule(effects)]), inputs=[press(0.5), press(0.8)])
    assert at(r, 0.5) == 0.0  # 5 is not below the middle of [0, 10]: flips to the min
    assert at(r, 0.9) == 10.0  # and back to the max


def test_threshold_and_cell_overrides() -> None:
    value = {"source": "grid.pressure", "scale": 1, "threshold": 0.2,
             "cell_overrides": [{"coord": [0, 0], "scale": 4}]}  # fmt: skip
    effects = [{"op": "add", "target": "shader.u_x", "value": value}]
    r = run(
        asset(rules=[rule(effects)]),
        inputs=[press(0.1, pressure=0.1), press(0.3, (0, 0), 0.5), press(0.6, (2, 2), 0.5)],
    )
    assert at(r, 0.2) == 5.0  # below the threshold
    assert at(r, 0.4) == pytest.approx(7.0)  # override scale 4
    assert at(r, 0.7) == pytest.approx(7.5)


def test_cooldown_is_per_cell_in_milliseconds() -> None:
    effects = [
        {
            "op": "triggerAttackRelease",
            "target": "tone.synth",
            "value": {"note": "<grid.note>", "duration": "8n"},
        }
    ]
    presses = [press(0.0, every=0.05, cell=(0, 0)), press(0.0, (1, 0))]
    presses[0]["duration"] = 0.5
    r = run(asset(rules=[rule(effects, cooldown=200)]), inputs=presses, dt=0.01)
    times = [e["t"] for e in r.events if e["cell"] == [0, 0]]
    assert times == pytest.approx([0.0, 0.2, 0.4])
    assert len([e for e in r.events if e["cell"] == [1, 0]]) == 1
    assert r.events[0]["value"]["note"] == "C3"


def test_press_outside_the_grid_does_nothing() -> None:
    effects = [{"op": "set", "target": "shader.u_x", "value": 1.0}]
    r = run(asset(rules=[rule(effects, grid=2)]), inputs=[press(0.5, (2, 0))])
    assert r.events == [] and at(r, 1.0) == 5.0


def test_add_pulse_relaxes_back() -> None:
    effects = [
        {
            "op": "add_pulse",
            "target": "shader.u_x",
            "value": {"source": "grid.pressure", "scale": 2},
        }
    ]
    r = run(asset(rules=[rule(effects)], smoothing=0.1), dt=0.01, inputs=[press(0.5, pressure=1.0)])
    assert at(r, 0.5) == pytest.approx(5.0 + 2.0 * math.exp(-0.1), abs=1e-9)
    assert at(r, 1.0) == pytest.approx(5.0, abs=0.02)


def test_unknown_op_is_a_finding_not_a_crash() -> None:
    effects = [{"op": "explode", "target": "shader.u_x", "value": 1}]
    outcomes, findings = run_scenarios(
        asset(rules=[rule(effects)]), [Scenario(name="p", duration=0.5, inputs=[press(0.1)])]
    )
    assert outcomes[0].passed
    assert [(f.code, f.pointer) for f in findings] == [
        ("SYN-RULE-003", "/rule_bundle/rules/0/effects/0/op")
    ]


def test_compile_resolves_legacy_and_bare_targets() -> None:
    a = asset(
        mods=[
            mod(id="a", target="u_x"),
            mod(id="b", target="visual.u_x"),
            mod(id="c", target="nope"),
        ]
    )
    compiled = compile_asset(a)
    assert compiled.modulations.target.tolist() == [0, 0]
    assert compiled.modulation_pointers == ("/modulations/0", "/modulations/1")


def test_wave_rejects_unknown_names() -> None:
    with pytest.raises(ValueError):
        wave("noise", 0.0)
    with pytest.raises(ValueError):
        shape("cubic", 0.0)
