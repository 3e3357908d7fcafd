"""Hypothesis strategies for synesthetic assets.

:func:`assets` draws clean, schema-valid assets of varied shape (see
:mod:`tests.factories` for what *clean* means); :func:`modulation_items` draws
clean modulations of one target. Both build on the factory builders, so drawn
and generated assets obey the same rules.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.factories import (
    AXES,
    CURVES,
    MODULATION_TYPES,
    SCALE_PROFILES,
    SCHEMA_URL,
    SYNTH_TYPES,
    WAVEFORMS,
    ParamSpec,
    control,
    control_bundle,
    fit_modulation,
    generated_fragment_body,
    grid_rule_bundle,
    haptic,
    shader,
    tone,
    uniform,
)

_SHADER_NAMES = ("u_radius", "u_glow", "u_hue", "u_speed", "u_warp", "u_density", "u_twist")
_TONE_NAMES = ("volume", "detune", "envelope.attack", "envelope.release", "portamento")
#: Parts of the unit range; a range of ``width`` gets a step of ``width / divisions``.
_DIVISIONS = (20, 50, 100, 200, 1000)
_WIDTHS = (0.5, 1.0, 2.0, 5.0, 10.0, 100.0, 2400.0)

_unit = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)


@st.composite
def _spec(draw: st.DrawFn, path: str) -> ParamSpec:
    lo = draw(st.integers(-50, 50)) / 10
    width = draw(st.sampled_from(_WIDTHS))
    step = width / draw(st.sampled_from(_DIVISIONS))
    default = lo + step * draw(st.integers(0, round(width / step)))
    return ParamSpec(path, lo, round(lo + width, 6), round(step, 6), round(default, 6))


@st.composite
def _haptic_spec(draw: st.DrawFn, name: str) -> ParamSpec:
    # Within the factory device's limits: intensity <= 1, frequency <= 250 Hz.
    if name == "intensity":
        hi = draw(st.sampled_from((0.5, 0.8, 1.0)))
        return ParamSpec("haptic.intensity", 0.0, hi, 0.01, round(hi * draw(_unit), 2))
    lo = draw(st.sampled_from((10.0, 20.0, 40.0)))
    hi = draw(st.sampled_from((120.0, 200.0, 250.0)))
    return ParamSpec("haptic.frequency", lo, hi, 1.0, lo + draw(st.integers(0, int(hi - lo))), "Hz")


@st.composite
def modulation_items(
    draw: st.DrawFn, target: str, lo: float, hi: float, step: float, *, id_: str | None = None
) -> dict[str, Any]:
    """A clean modulation of ``target`` (range ``[lo, hi]``, step ``step``).

    Any waveform, scale profile and scale; the type is multiplicative when
    drawn and the range admits a multiplicative swing of at least one step,
    additive otherwise. The range must hold a depth of a few steps
    (``step <= (hi - lo) / 5``).
    """
    spec = ParamSpec(target, lo, hi, step, lo)
    return fit_modulation(
        id_ or f"mod_{draw(st.integers(0, 9999))}",
        spec,
        draw(st.lists(_unit, min_size=4, max_size=4)),
        waveform=draw(st.sampled_from(WAVEFORMS)),
        type_=draw(st.sampled_from(MODULATION_TYPES)),
        profile=draw(st.sampled_from(SCALE_PROFILES)),
        scale=draw(st.sampled_from((1.0, 0.5, 2.0, 0.1))),
    )


@st.composite
def _control(draw: st.DrawFn, spec: ParamSpec) -> dict[str, Any]:
    return control(
        spec,
        axis=draw(st.sampled_from(AXES)),
        keys=draw(st.lists(st.sampled_from(("Shift", "Alt", "Control")), unique=True, max_size=2)),
        buttons=draw(st.sampled_from((("left",), ("right",), None))),
        strict=draw(st.booleans()),
        curve=draw(st.sampled_from(CURVES)),
    )


@st.composite
def assets(draw: st.DrawFn) -> dict[str, Any]:
    """A clean, schema-valid asset of varied shape.

    0..3 shader parameters (with a shader present when any), an optional tone
    (0..3 parameters) and haptic (0..2 parameters), one control per parameter
    with any axis and combo, 0..6 modulations over those parameters, and an
    optional grid rule bundle when there is a tone and two parameters to write.
    """
    shader_names = draw(st.lists(st.sampled_from(_SHADER_NAMES), unique=True, max_size=3))
    shader_specs = [draw(_spec(f"shader.{n}")) for n in shader_names]
    with_tone = draw(st.booleans())
    tone_names = (
        draw(st.lists(st.sampled_from(_TONE_NAMES), unique=True, max_size=3)) if with_tone else []
    )
    tone_specs = [draw(_spec(f"tone.{n}")) for n in tone_names]
    with_haptic = draw(st.booleans())
    haptic_names = (
        draw(st.lists(st.sampled_from(("intensity", "frequency")), unique=True, max_size=2))
        if with_haptic
        else []
    )
    haptic_specs = [draw(_haptic_spec(n)) for n in haptic_names]
    specs = [*shader_specs, *tone_specs, *haptic_specs]

    asset: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "name": f"Drawn {draw(st.integers(0, 9999))}",
    }
    with_shader = bool(shader_specs) or draw(st.booleans())
    if with_shader:
        extra = [uniform("u_time", "float", 0.0), uniform("u_resolution", "vec2", [800.0, 600.0])]
        asset["shader"] = shader(
            "Drawn Shader", shader_specs, extra=extra, body=generated_fragment_body(shader_specs)
        )
    if with_tone:
        asset["tone"] = tone(
            "Drawn Tone",
            tone_specs,
            synth_type=draw(st.sampled_from(SYNTH_TYPES)),
            oscillator=draw(st.sampled_from(WAVEFORMS)),
        )
    if with_haptic:
        asset["haptic"] = haptic("Drawn Haptic", haptic_specs)
    if specs:
        asset["control"] = control_bundle("Drawn Controls", [draw(_control(s)) for s in specs])
        n_mods = draw(st.integers(0, 6))
        asset["modulations"] = [
            draw(modulation_items(s.path, s.lo, s.hi, s.step, id_=f"mod_{k}"))
            for k, s in enumerate(
                draw(st.lists(st.sampled_from(specs), min_size=n_mods, max_size=n_mods))
            )
        ]
    if with_tone and len(specs) >= 2 and draw(st.booleans()):
        add, set_ = draw(st.permutations(specs))[:2]
        asset["rule_bundle"] = grid_rule_bundle(
            add=add, set_=set_, grid_size=draw(st.integers(2, 16))
        )
    return asset
