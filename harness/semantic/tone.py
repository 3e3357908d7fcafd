"""Tone.js synth, effects and options (SYN-TONE-*).

The tone schema lets any object through as a synth or an effect, so the class
names and the option values are checked here against what Tone.js accepts.
Options may be plain numbers or ``{"value": n, "unit": u}`` objects, both in
the synth (``synth.envelope`` or ``synth.options.envelope``) and in effects.
A class is written ``Tone.Synth``; the bare ``Synth`` is accepted too.
"""

from __future__ import annotations

import difflib
from typing import Any

from synharness.codes import finding
from synharness.findings import Finding, escape_pointer_token
from synharness.semantic.scope import Scope, number

SYNTH_TYPES: tuple[str, ...] = (
    "Synth", "PolySynth", "MonoSynth", "FMSynth", "AMSynth", "DuoSynth",
    "MembraneSynth", "MetalSynth", "PluckSynth",
)  # fmt: skip
#: PolySynth voices must be monophonic synths: not PolySynth, not PluckSynth.
VOICE_TYPES: tuple[str, ...] = tuple(t for t in SYNTH_TYPES if t not in ("PolySynth", "PluckSynth"))
EFFECT_TYPES: tuple[str, ...] = (
    # Tone.js effects
    "AutoFilter", "AutoPanner", "AutoWah", "BitCrusher", "Chebyshev", "Chorus", "Distortion",
    "FeedbackDelay", "Freeverb", "FrequencyShifter", "JCReverb", "Phaser", "PingPongDelay",
    "PitchShift", "Reverb", "StereoWidener", "Tremolo", "Vibrato",
    # components commonly chained as effects
    "Filter", "Compressor", "Limiter", "MultibandCompressor", "EQ3", "Gate", "Panner",
    "Panner3D", "Volume", "Gain", "Mono", "Convolver", "Delay", "LowpassCombFilter",
    "FeedbackCombFilter", "OnePoleFilter", "MidSideCompressor",
)  # fmt: skip
#: Options in seconds (or ms for Chorus.delayTime): Tone.js rejects negative times.
TIME_OPTIONS: frozenset[str] = frozenset(
    {"attack", "decay", "release", "delayTime", "preDelay", "predelay", "portamento", "maxDelay"}
)
#: Options of NormalRange type: Tone.js asserts 0 <= x <= 1.
NORMAL_OPTIONS: frozenset[str] = frozenset({"wet", "sustain", "feedback", "depth"})
_CHECKED_OPTIONS = TIME_OPTIONS | NORMAL_OPTIONS


def _class(name: Any) -> str | None:
    return name.removeprefix("Tone.") if isinstance(name, str) else None


def _unknown(what: str, name: Any, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(_class(name) or ""), known, n=1, cutoff=0.6)
    guess = f" (did you mean 'Tone.{close[0]}'?)" if close else ""
    return f"{what} {name!r} is not a Tone.js class{guess}"


def _option_findings(options: Any, pointer: str, owner: str, effect: str | None) -> list[Finding]:
    """SYN-TONE-003 for every option below ``options``; ``{value, unit}`` counts as a leaf."""
    if not isinstance(options, dict):
        return []
    found: list[Finding] = []
    # An explicit stack: option trees are small but checked for every asset.
    stack: list[tuple[dict[str, Any], tuple[str, ...]]] = [(options, ())]
    while stack:
        node, path = stack.pop()
        for key, raw in node.items():
            if type(raw) is dict and "value" not in raw:
                stack.append((raw, (*path, key)))
                continue
            if key not in _CHECKED_OPTIONS:
                continue  # no rule for this option: skip reading its value
            value = number(raw)
            if value is None:
                continue  # "8n" and other Tone.js time strings
            problem = None
            if key in TIME_OPTIONS:
                if effect == "Reverb" and key == "decay":
                    if value <= 0:
                        problem = f"Reverb decay {value:g} s must be above 0"
                elif value < 0:
                    problem = f"{key} {value:g} is a negative time"
            elif key in NORMAL_OPTIONS and not 0 <= value <= 1:
                problem = f"{key} {value:g} is outside [0, 1]"
            if problem:
                where = pointer + "".join(f"/{escape_pointer_token(t)}" for t in (*path, key))
                found.append(finding("SYN-TONE-003", where, f"{owner}: {problem}"))
    return found


def check_tone(scope: Scope) -> list[Finding]:
    """SYN-TONE-001..003 for the scope's tone."""
    tone = scope.tone
    if tone is None:
        return []
    base = scope.tone_ptr
    found: list[Finding] = []
    synth = tone.synth
    kind = _class(synth.get("type"))
    if kind not in SYNTH_TYPES:
        message = (
            "The synth has no type"
            if "type" not in synth
            else _unknown("Synth type", synth.get("type"), SYNTH_TYPES)
        )
        found.append(
            finding(
                "SYN-TONE-001",
                f"{base}/synth/type" if "type" in synth else f"{base}/synth",
                message,
                hint="Use one of: " + ", ".join(f"Tone.{t}" for t in SYNTH_TYPES) + ".",
            )
        )
    options = synth.get("options")
    if (
        kind == "PolySynth"
        and isinstance(options, dict)
        and "voice" in options
        and _class(options["voice"]) not in VOICE_TYPES
    ):
        found.append(
            finding(
                "SYN-TONE-001",
                f"{base}/synth/options/voice",
                _unknown("PolySynth voice", options["voice"], VOICE_TYPES)
                + "; a voice must be a monophonic synth",
                hint="Use one of: " + ", ".join(f"Tone.{t}" for t in VOICE_TYPES) + ".",
            )
        )
    found += _option_findings(
        {k: v for k, v in synth.items() if k not in ("type", "options")},
        f"{base}/synth",
        "Synth",
        None,
    )
    found += _option_findings(options, f"{base}/synth/options", "Synth", None)
    for i, effect in enumerate(tone.effects or []):
        raw = effect if isinstance(effect, dict) else effect.model_dump(exclude_unset=True)
        name = _class(raw.get("type"))
        if name not in EFFECT_TYPES:
            found.append(
                finding(
                    "SYN-TONE-002",
                    f"{base}/effects/{i}" + ("/type" if "type" in raw else ""),
                    "The effect has no type"
                    if "type" not in raw
                    else _unknown("Effect type", raw.get("type"), EFFECT_TYPES),
                )
            )
        found += _option_findings(
            raw.get("options"), f"{base}/effects/{i}/options", f"Effect {raw.get('type')}", name
        )
    return found
