"""Builders of test data: clean synesthetic assets as plain JSON-ready dicts.

Vocabulary:
- *spec*: a :class:`ParamSpec`, one numeric parameter under its canonical path
  (``shader.u_glow``, ``tone.volume``, ``haptic.intensity``) with its range.
  Builders turn specs into component declarations, controls and modulations,
  so the three always agree.
- *clean*: schema-valid against the published 0.7.3 schemas and free of
  semantic findings above info: every target names a declared parameter by its
  canonical path, controls copy the range of the parameter they drive, each
  modulation's reach (``offset ± amplitude·scale``, multiplicative
  ``offset·(1 ± amplitude·scale)``) fits its own and its target's range with a
  depth of at least one step, no modulation swings its target over more than
  half its range faster than 3 Hz, and the GLSL declares and reads exactly the
  listed uniforms.

:func:`make_asset` gives one small fixed asset, :func:`generate_assets` many
varied ones for the benchmarks (deterministic for a seed).
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

SCHEMA_URL = (
    "https://delk73.github.io/synesthetic-schemas/schema/0.7.3/synesthetic-asset.schema.json"
)
WAVEFORMS: tuple[str, ...] = ("sine", "triangle", "square", "sawtooth")
MODULATION_TYPES: tuple[str, ...] = ("additive", "multiplicative")
SCALE_PROFILES: tuple[str, ...] = ("linear", "exponential", "logarithmic", "sine", "cosine")
AXES: tuple[str, ...] = ("mouse.x", "mouse.y", "mouse.wheel")
CURVES: tuple[str, ...] = ("linear", "exponential", "sine")
SYNTH_TYPES: tuple[str, ...] = (
    "Tone.Synth",
    "Tone.PolySynth",
    "Tone.MonoSynth",
    "Tone.FMSynth",
    "Tone.AMSynth",
    "Tone.DuoSynth",
    "Tone.MembraneSynth",
    "Tone.MetalSynth",
    "Tone.PluckSynth",
)
#: Only three.js built-ins reach the vertex shader, so no attribute needs declaring.
VERTEX_SHADER = (
    "varying vec2 vUv;\n"
    "void main() {\n"
    "  vUv = uv;\n"
    "  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);\n"
    "}\n"
)
#: The haptic device every built asset uses; parameter ranges stay within it.
HAPTIC_DEVICE: dict[str, Any] = {
    "type": "generic",
    "options": {
        "maxFrequency": {"value": 250.0, "unit": "Hz"},
        "maxIntensity": {"value": 1.0, "unit": "linear"},
    },
}


class ParamSpec(NamedTuple):
    """One numeric parameter: canonical path, range, step, default and unit."""

    path: str
    lo: float
    hi: float
    step: float
    default: float
    unit: str = "linear"

    @property
    def component(self) -> str:
        """``shader``, ``tone`` or ``haptic``."""
        return self.path.partition(".")[0]

    @property
    def name(self) -> str:
        """The path without its component prefix (``u_glow``, ``envelope.attack``)."""
        return self.path.partition(".")[2]


def _r(x: float) -> float:
    # Six decimals keep the JSON readable; every margin below is far wider.
    return round(float(x), 6)


def _label(spec: ParamSpec) -> str:
    words = spec.name.removeprefix("u_").replace(".", " ").replace("_", " ")
    return words.title()


# --- components ------------------------------------------------------------------------------


def uniform(name: str, type_: str, default: Any, *, stage: str = "fragment") -> dict[str, Any]:
    """A shader uniform definition."""
    return {"name": name, "type": type_, "stage": stage, "default": default}


def fragment_shader(uniforms: Sequence[dict[str, Any]], body: str) -> str:
    """GLSL fragment source declaring exactly ``uniforms`` in front of ``body``."""
    decls = "".join(f"uniform {u['type']} {u['name']};\n" for u in uniforms)
    return f"varying vec2 vUv;\n{decls}{body}"


def shader(
    name: str, specs: Sequence[ParamSpec], *, extra: Sequence[dict[str, Any]] = (), body: str
) -> dict[str, Any]:
    """A shader whose float uniforms are the ``specs`` plus the ``extra`` uniforms.

    Input parameters follow the corpus convention of writing shader paths
    without the ``shader.`` prefix.
    """
    # Copy the extras: callers share module-level uniforms between assets.
    uniforms = [*copy.deepcopy(list(extra)), *(uniform(s.name, "float", s.default) for s in specs)]
    return {
        "name": name,
        "vertex_shader": VERTEX_SHADER,
        "fragment_shader": fragment_shader(uniforms, body),
        "uniforms": uniforms,
        "input_parameters": [
            {
                "name": _label(s),
                "parameter": s.name,
                "path": s.name,
                "type": "float",
                "default": s.default,
                "min": s.lo,
                "max": s.hi,
                "step": s.step,
                "smoothingTime": 0.05,
            }
            for s in specs
        ],
    }


def generated_fragment_body(specs: Sequence[ParamSpec]) -> str:
    """A fragment ``main`` that reads ``u_time``, ``u_resolution`` and every spec."""
    terms = " + ".join(f"{s.name} * {0.1 * (i + 1):.1f}" for i, s in enumerate(specs)) or "0.0"
    return (
        "void main() {\n"
        "  vec2 st = gl_FragCoord.xy / u_resolution;\n"
        f"  float v = {terms};\n"
        "  float ring = 0.5 + 0.5 * sin(length(st - 0.5) * 20.0 - u_time + v);\n"
        "  gl_FragColor = vec4(vec3(ring) * vec3(vUv, 1.0), 1.0);\n"
        "}\n"
    )


def parameter(spec: ParamSpec) -> dict[str, Any]:
    """A tone or haptic input parameter (path with its component prefix)."""
    item: dict[str, Any] = {
        "name": _label(spec),
        "parameter": spec.path if spec.component == "haptic" else spec.name,
        "path": spec.path,
        "type": "float",
        "unit": spec.unit,
        "default": spec.default,
        "min": spec.lo,
        "max": spec.hi,
        "step": spec.step,
        "smoothingTime": 0.05,
    }
    return item


def tone(
    name: str,
    specs: Sequence[ParamSpec],
    *,
    synth_type: str = "Tone.Synth",
    oscillator: str = "triangle",
    effects: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A Tone.js instrument exposing ``specs`` as input parameters.

    The options are those the synth class has (SYN-TONE-004 reports the others):
    a DuoSynth takes the oscillator and envelope per voice; a MetalSynth has no
    oscillator, a PluckSynth neither oscillator nor envelope.
    """
    from synharness.semantic.tone_catalogue import defaults

    voice = {
        "oscillator": {"type": oscillator},
        "envelope": {"attack": 0.02, "decay": 0.3, "sustain": 0.4, "release": 1.2},
    }
    wanted: dict[str, Any] = {**voice, "voice0": voice, "voice1": voice, "volume": -12}
    known = defaults(synth_type.removeprefix("Tone.")) or {}
    if synth_type.removeprefix("Tone.") == "PolySynth":
        known = {**(defaults("Synth") or {}), **known}
    options = {k: copy.deepcopy(v) for k, v in wanted.items() if k in known}
    return {
        "name": name,
        "synth": {"type": synth_type, "options": options},
        "effects": [dict(copy.deepcopy(e), order=i) for i, e in enumerate(effects)],
        "input_parameters": [parameter(s) for s in specs],
    }


def haptic(name: str, specs: Sequence[ParamSpec]) -> dict[str, Any]:
    """A haptic pattern on :data:`HAPTIC_DEVICE`."""
    return {
        "name": name,
        "device": copy.deepcopy(HAPTIC_DEVICE),
        "input_parameters": [parameter(s) for s in specs],
    }


def control(
    spec: ParamSpec,
    *,
    axis: str = "mouse.x",
    keys: Sequence[str] | None = None,
    buttons: Sequence[str] | None = ("left",),
    strict: bool = True,
    curve: str = "linear",
    label: str | None = None,
) -> dict[str, Any]:
    """A control with the range and default of the parameter it drives.

    The sensitivity sweeps the whole range in about 500 pixels (or 50 wheel
    notches), inverted on ``mouse.y`` because screen y grows downwards.
    """
    span = spec.hi - spec.lo
    sensitivity = span / (50 if axis == "mouse.wheel" else 500)
    combo: dict[str, Any] = {"strict": strict}
    if keys:
        combo["keys"] = list(keys)
    if axis == "mouse.wheel":
        combo["wheel"] = True
    elif buttons:
        combo["mouseButtons"] = list(buttons)
    return {
        "parameter": spec.path,
        "label": label or _label(spec),
        "type": "float",
        "unit": spec.unit,
        "default": spec.default,
        "min": spec.lo,
        "max": spec.hi,
        "step": spec.step,
        "smoothingTime": 0.05,
        "mappings": [
            {
                "combo": combo,
                "action": {
                    "axis": axis,
                    "curve": curve,
                    "scale": 1.0,
                    "sensitivity": _r(-sensitivity if axis == "mouse.y" else sensitivity),
                },
            }
        ],
    }


def control_bundle(name: str, controls: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A control bundle."""
    return {"name": name, "control_parameters": list(controls)}


# --- modulations -----------------------------------------------------------------------------


def modulation(
    id_: str,
    spec: ParamSpec,
    *,
    waveform: str,
    type_: str,
    frequency: float,
    depth: float,
    offset: float,
    scale: float = 1.0,
    profile: str = "linear",
    phase: float = 0.0,
) -> dict[str, Any]:
    """A modulation of ``spec`` with ``amplitude = depth / scale``.

    For ``additive`` the reach is ``offset ± depth``; for ``multiplicative``
    ``offset·(1 ± depth)``. The modulation's own range is the target's.
    """
    return {
        "id": id_,
        "target": spec.path,
        "type": type_,
        "waveform": waveform,
        "frequency": _r(frequency),
        "amplitude": _r(depth / scale),
        "offset": _r(offset),
        "phase": _r(phase),
        "scale": scale,
        "scaleProfile": profile,
        "min": spec.lo,
        "max": spec.hi,
    }


def _calm(frequency: float, swing: float, span: float) -> float:
    # Clean means not strobing either (the score's SYN-SCORE-003, after WCAG
    # 2.3.1): a swing over half the range stays at or below 3 Hz.
    return min(frequency, 3.0) if swing > 0.5 * span else frequency


def fit_modulation(
    id_: str,
    spec: ParamSpec,
    u: Sequence[float],
    *,
    waveform: str,
    type_: str,
    profile: str,
    scale: float = 1.0,
) -> dict[str, Any]:
    """A clean modulation of ``spec`` placed by four uniform draws ``u`` in [0, 1).

    The reach keeps a 5 % margin of its depth inside the range so that
    rounding to six decimals never pushes it out. A multiplicative modulation
    that cannot fit (range too narrow for a swing of one step) falls back to
    additive.
    """
    span = spec.hi - spec.lo
    frequency = 10 ** (-2 + 3.3 * u[2])  # 0.01 .. 20 Hz, log-uniform
    phase = 2 * math.pi * u[3]
    if type_ == "multiplicative" and spec.hi > 0:
        ratio = 0.1 + 0.3 * u[0]  # relative swing, >= every step we use
        lower = max(spec.lo / (1 - ratio) if spec.lo > 0 else 0.0, 1.2 * spec.step / ratio)
        upper = spec.hi / (1 + ratio)
        if ratio >= spec.step and lower * 1.05 < upper * 0.95:
            offset = lower * 1.05 + (upper * 0.95 - lower * 1.05) * u[1]
            return modulation(
                id_,
                spec,
                waveform=waveform,
                type_="multiplicative",
                frequency=_calm(frequency, 2 * offset * ratio, span),
                depth=ratio,
                offset=offset,
                scale=scale,
                profile=profile,
                phase=phase,
            )
    depth = 1.2 * spec.step + (0.25 * span - 1.2 * spec.step) * u[0]
    offset = spec.lo + 1.05 * depth + (span - 2.1 * depth) * u[1]
    return modulation(
        id_,
        spec,
        waveform=waveform,
        type_="additive",
        frequency=_calm(frequency, 2 * depth, span),
        depth=depth,
        offset=offset,
        scale=scale,
        profile=profile,
        phase=phase,
    )


# --- rules -----------------------------------------------------------------------------------


def grid_rule_bundle(*, add: ParamSpec, set_: ParamSpec, grid_size: int = 8) -> dict[str, Any]:
    """A rule bundle: touching a grid cell plays a note, sets one parameter, nudges another."""
    return {
        "name": "Grid Touch",
        "meta_info": {"category": "rule_bundle", "complexity": "low", "tags": ["grid"]},
        "rules": [
            {
                "id": "grid_touch",
                "execution": "client",
                "trigger": {
                    "type": "grid_cell",
                    "params": {"gridSize": grid_size, "cooldown": 120},
                },
                "effects": [
                    {
                        "channel": "audioTrigger",
                        "op": "triggerAttackRelease",
                        "target": "tone.synth",
                        "value": {"note": "<grid.note>", "duration": "8n", "velocity": 0.8},
                    },
                    {
                        "channel": "setLevel",
                        "op": "set",
                        "target": set_.path,
                        "value": {"source": "grid.pressure", "scale": 1.0},
                    },
                    {
                        "channel": "nudge",
                        "op": "add",
                        "target": add.path,
                        "value": {"source": "grid.pressure", "scale": _r(add.step * 5)},
                    },
                ],
            }
        ],
    }


# --- whole assets ----------------------------------------------------------------------------

_RESOLUTION = uniform("u_resolution", "vec2", [800.0, 600.0])
_TIME = uniform("u_time", "float", 0.0)


def make_asset(**overrides: Any) -> dict[str, Any]:
    """A small clean asset with every component kind.

    Three shader, two tone and two haptic parameters, one control each, two
    modulations (additive sine, multiplicative triangle) and one grid rule
    whose effects are ``triggerAttackRelease``, ``set`` and ``add``.

    Args:
        **overrides: Top-level keys to replace; a value of ``None`` removes the key.

    Returns:
        A fresh dict (callers may mutate it).
    """
    radius = ParamSpec("shader.u_radius", 0.05, 1.0, 0.01, 0.4)
    hue = ParamSpec("shader.u_hue", 0.0, 1.0, 0.01, 0.6)
    speed = ParamSpec("shader.u_speed", 0.1, 4.0, 0.01, 1.0)
    volume = ParamSpec("tone.volume", -60.0, 0.0, 0.5, -12.0, "dB")
    detune = ParamSpec("tone.detune", -1200.0, 1200.0, 1.0, 0.0, "cents")
    intensity = ParamSpec("haptic.intensity", 0.0, 1.0, 0.01, 0.5)
    frequency = ParamSpec("haptic.frequency", 20.0, 250.0, 1.0, 120.0, "Hz")
    shader_specs = [radius, hue, speed]
    asset: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "name": "Factory Pulse",
        "description": "A ring that breathes and shifts hue over a soft triangle tone.",
        "shader": shader(
            "Pulse Ring",
            shader_specs,
            extra=[_TIME, _RESOLUTION],
            body=generated_fragment_body(shader_specs),
        ),
        "tone": tone(
            "Soft Triangle",
            [volume, detune],
            effects=[
                {"type": "Tone.Reverb", "options": {"decay": 2.5, "preDelay": 0.01, "wet": 0.3}}
            ],
        ),
        "haptic": haptic("Gentle Buzz", [intensity, frequency]),
        "control": control_bundle(
            "Pulse Controls",
            [
                control(radius, axis="mouse.x"),
                control(hue, axis="mouse.y"),
                control(speed, axis="mouse.wheel"),
                control(volume, axis="mouse.y", keys=["Shift"]),
                control(detune, axis="mouse.x", keys=["Shift"]),
                control(intensity, axis="mouse.y", keys=["Alt"], strict=False),
                control(frequency, axis="mouse.x", keys=["Alt"], strict=False),
            ],
        ),
        "modulations": [
            modulation(
                "radius_breath",
                radius,
                waveform="sine",
                type_="additive",
                frequency=0.25,
                depth=0.1,
                offset=0.4,
            ),
            modulation(
                "hue_drift",
                hue,
                waveform="triangle",
                type_="multiplicative",
                frequency=0.05,
                depth=0.2,
                offset=0.5,
                scale=0.5,
                profile="sine",
            ),
        ],
        "rule_bundle": grid_rule_bundle(add=speed, set_=intensity),
    }
    for key, value in overrides.items():
        if value is None:
            asset.pop(key, None)
        else:
            asset[key] = value
    return asset


# Pools the generator draws from: (name, lo, hi, step, unit).
_SHADER_POOL: tuple[tuple[str, float, float, float, str], ...] = (
    ("u_radius", 0.05, 1.0, 0.01, "linear"),
    ("u_glow", 0.0, 2.0, 0.01, "linear"),
    ("u_hue", 0.0, 1.0, 0.005, "linear"),
    ("u_speed", 0.1, 8.0, 0.05, "linear"),
    ("u_warp", -1.0, 1.0, 0.01, "linear"),
    ("u_density", 1.0, 64.0, 1.0, "count"),
    ("u_twist", 0.0, 6.283, 0.01, "rad"),
)
_TONE_POOL: tuple[tuple[str, float, float, float, str], ...] = (
    ("volume", -48.0, 0.0, 0.5, "dB"),
    ("detune", -1200.0, 1200.0, 1.0, "cents"),
    ("envelope.attack", 0.005, 2.0, 0.005, "s"),
    ("envelope.release", 0.05, 5.0, 0.01, "s"),
    ("portamento", 0.0, 1.0, 0.01, "s"),
)
_HAPTIC_POOL: tuple[tuple[str, float, float, float, str], ...] = (
    ("intensity", 0.0, 1.0, 0.01, "linear"),
    ("frequency", 20.0, 250.0, 1.0, "Hz"),
)


def _spec(component: str, row: tuple[str, float, float, float, str], u: float) -> ParamSpec:
    name, lo, hi, step, unit = row
    # Snap the default to the step grid so that it reads like a hand-set value.
    default = lo + round((hi - lo) * (0.2 + 0.6 * u) / step) * step
    return ParamSpec(f"{component}.{name}", lo, hi, step, _r(default), unit)


def _generated(index: int, rng: np.random.Generator, modulations: int) -> dict[str, Any]:
    u = rng.random(16 + 4 * modulations)
    n_shader = 2 + int(u[0] * 2)  # 2..3
    picks = rng.permutation(len(_SHADER_POOL))[:n_shader]
    shader_specs = [_spec("shader", _SHADER_POOL[p], u[1 + i]) for i, p in enumerate(picks)]
    n_tone = 1 + int(u[4] * 3)  # 1..3
    tone_picks = rng.permutation(len(_TONE_POOL))[:n_tone]
    tone_specs = [_spec("tone", _TONE_POOL[p], u[5 + i]) for i, p in enumerate(tone_picks)]
    haptic_specs = [_spec("haptic", row, u[8 + i]) for i, row in enumerate(_HAPTIC_POOL)]
    specs = [*shader_specs, *tone_specs, *haptic_specs]
    order = rng.permutation(len(specs))
    mods = []
    for k in range(modulations):
        spec = specs[int(order[k % len(specs)])]
        w = u[16 + 4 * k : 20 + 4 * k].tolist()
        choice = rng.integers(0, [4, 2, 5, 4])
        mods.append(
            fit_modulation(
                f"mod_{k}_{spec.name.replace('.', '_')}",
                spec,
                w,
                waveform=WAVEFORMS[choice[0]],
                type_=MODULATION_TYPES[choice[1]],
                profile=SCALE_PROFILES[choice[2]],
                scale=(1.0, 0.5, 2.0, 0.25)[choice[3]],
            )
        )
    controls = [
        control(
            s,
            axis=AXES[(index + i) % 3],
            keys=[("Shift", "Alt", "Control")[i % 3]],
            strict=bool((index + i) % 2),
            curve=CURVES[i % 3],
        )
        for i, s in enumerate(specs)
    ]
    synth = SYNTH_TYPES[int(u[10] * len(SYNTH_TYPES))]
    return {
        "$schema": SCHEMA_URL,
        "name": f"Generated {index:05d}",
        "shader": shader(
            f"Rings {index}",
            shader_specs,
            extra=[_TIME, _RESOLUTION],
            body=generated_fragment_body(shader_specs),
        ),
        "tone": tone(
            f"Voice {index}",
            tone_specs,
            synth_type=synth,
            oscillator=WAVEFORMS[int(u[11] * 4)],
            effects=[
                {
                    "type": "Tone.Reverb",
                    "options": {"decay": _r(1 + 4 * u[12]), "wet": _r(0.6 * u[13])},
                }
            ],
        ),
        "haptic": haptic(f"Buzz {index}", haptic_specs),
        "control": control_bundle(f"Controls {index}", controls),
        "modulations": mods,
        "rule_bundle": grid_rule_bundle(
            add=shader_specs[0], set_=haptic_specs[0], grid_size=4 + int(u[14] * 13)
        ),
    }


def generate_assets(n: int, *, seed: int = 0, modulations: int = 4) -> list[dict[str, Any]]:
    """Generate ``n`` clean assets with exactly ``modulations`` modulations each.

    Waveforms, modulation types, scale profiles, frequencies, ranges, synth
    types, axes and combos vary from asset to asset. Modulations spread over
    distinct targets while there are enough parameters (5 to 7 per asset).

    Args:
        n: How many assets.
        seed: Seed of ``numpy.random.default_rng``; the same seed gives the same list.
        modulations: Modulations per asset.

    Returns:
        Fresh JSON-ready dicts.
    """
    rng = np.random.default_rng(seed)
    return [_generated(i, rng, modulations) for i in range(n)]


def write_asset(path: Path | str, asset: dict[str, Any]) -> Path:
    """Write ``asset`` as indented JSON to ``path`` (parents created) and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(asset, indent=2) + "\n", encoding="utf-8")
    return target
