"""Tone.js synth, effects and options (SYN-TONE-*).

The tone schema lets any object through as a synth or an effect, so the class
names, option names and option values are checked here against what Tone.js
accepts. Class and option names come from the option catalogue generated from
the real Tone.js (:mod:`synharness.semantic.tone_catalogue`): a synth is an
Instrument class, an effect any other audio-node class (Tone.js effects and
the components chained like them: Filter, Compressor, Gain, ...), and an
option must be a key of the class's ``getDefaults()`` at its depth
(SYN-TONE-004). Options may be plain numbers or ``{"value": n, "unit": u}``
objects, both in the synth (``synth.envelope`` or ``synth.options.envelope``)
and in effects. A class is written ``Tone.Synth``; the bare ``Synth`` is
accepted too.
"""

from __future__ import annotations

from typing import Any

from synharness.codes import finding
from synharness.findings import Finding, escape_pointer_token
from synharness.semantic import tone_catalogue
from synharness.semantic.scope import Scope, number
from synharness.semantic.spelling import closest

#: Tone.js Instrument classes (from the catalogue).
SYNTH_TYPES: tuple[str, ...] = tone_catalogue.classes("synth")
#: PolySynth voices must be monophonic synths (the catalogue's ``voice`` flag).
VOICE_TYPES: tuple[str, ...] = tone_catalogue.voices()
#: Tone.js effects, then every other audio-node class that can sit in a chain.
EFFECT_TYPES: tuple[str, ...] = tone_catalogue.classes("effect") + tone_catalogue.classes(
    "component"
)
#: Options in seconds (or ms for Chorus.delayTime): Tone.js rejects negative times.
TIME_OPTIONS: frozenset[str] = frozenset(
    {"attack", "decay", "release", "delayTime", "preDelay", "predelay", "portamento", "maxDelay"}
)
#: Options of NormalRange type: Tone.js asserts 0 <= x <= 1.
NORMAL_OPTIONS: frozenset[str] = frozenset({"wet", "sustain", "feedback", "depth"})
_CHECKED_OPTIONS = TIME_OPTIONS | NORMAL_OPTIONS
# The class lists as sets, for the membership tests of every asset.
_SYNTHS, _VOICES, _EFFECTS = frozenset(SYNTH_TYPES), frozenset(VOICE_TYPES), frozenset(EFFECT_TYPES)


def _class(name: Any) -> str | None:
    return name.removeprefix("Tone.") if isinstance(name, str) else None


def _unknown(what: str, name: Any, known: tuple[str, ...]) -> str:
    close = closest(str(_class(name) or ""), known)
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


def _unknown_options(
    options: Any, known: dict[str, Any] | None, pointer: str, owner: str
) -> list[Finding]:
    """SYN-TONE-004 for every option below ``options`` that ``known`` (defaults) lacks."""
    if not isinstance(options, dict) or not known:
        return []
    found: list[Finding] = []
    stack: list[tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]] = [(options, known, ())]
    while stack:
        node, reference, path = stack.pop()
        for key, raw in node.items():
            if key not in reference:
                close = closest(key, reference)
                where = pointer + "".join(f"/{escape_pointer_token(t)}" for t in (*path, key))
                dotted = ".".join((*path, key))
                found.append(
                    finding(
                        "SYN-TONE-004",
                        where,
                        f"{owner} has no option {dotted!r}; Tone.js ignores it",
                        hint=f"Did you mean {'.'.join((*path, close[0]))!r}?" if close else None,
                    )
                )
                continue
            inner = reference[key]
            # An empty default tree ({} in PolySynth.options, partials) accepts any key.
            # A {value, unit} object is a leaf, as in _option_findings.
            if type(raw) is dict and "value" not in raw and isinstance(inner, dict) and inner:
                stack.append((raw, inner, (*path, key)))
    return found


def _synth_option_findings(
    kind: str | None, synth: dict[str, Any], flat: dict[str, Any], base: str
) -> list[Finding]:
    """SYN-TONE-004 for the synth's options (``synth.<key>`` (``flat``) and ``synth.options.<key>``)."""
    known = tone_catalogue.defaults(kind) if kind else None
    if known is None:
        return []
    options = synth.get("options")
    if kind == "PolySynth":
        # The runtime passes the flat options to the voice: both trees are known.
        voice = _class(options.get("voice")) if isinstance(options, dict) else None
        if voice is not None and voice not in _VOICES:
            return []  # SYN-TONE-001 reports the voice; its options cannot be known
        voice_known = tone_catalogue.defaults(voice or "Synth") or {}
        known = {**voice_known, **known, "voice": None, "options": voice_known}
    owner = f"Tone.{kind}"
    found = _unknown_options(flat, known, base, owner)
    found += _unknown_options(options, known, f"{base}/options", owner)
    return found


def check_tone(scope: Scope) -> list[Finding]:
    """SYN-TONE-001..004 for the scope's tone."""
    tone = scope.tone
    if tone is None:
        return []
    base = scope.tone_ptr
    found: list[Finding] = []
    synth = tone.synth
    kind = _class(synth.get("type"))
    if kind not in _SYNTHS:
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
        and _class(options["voice"]) not in _VOICES
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
    flat = {k: v for k, v in synth.items() if k not in ("type", "options")}
    found += _option_findings(flat, f"{base}/synth", "Synth", None)
    found += _option_findings(options, f"{base}/synth/options", "Synth", None)
    found += _synth_option_findings(kind if kind in _SYNTHS else None, synth, flat, f"{base}/synth")
    for i, effect in enumerate(tone.effects or []):
        if isinstance(effect, dict):
            has_type, type_, effect_options = (
                "type" in effect,
                effect.get("type"),
                effect.get("options"),
            )
        else:
            # A typed effect: its type and options are required fields (what
            # model_dump(exclude_unset=True) would give, without the dump).
            fields = effect.__dict__
            has_type, type_, effect_options = True, fields["type"], fields["options"]
        name = _class(type_)
        if name not in _EFFECTS:
            found.append(
                finding(
                    "SYN-TONE-002",
                    f"{base}/effects/{i}" + ("/type" if has_type else ""),
                    "The effect has no type"
                    if not has_type
                    else _unknown("Effect type", type_, EFFECT_TYPES),
                )
            )
        found += _option_findings(
            effect_options, f"{base}/effects/{i}/options", f"Effect {type_}", name
        )
        if name in _EFFECTS:
            found += _unknown_options(
                effect_options,
                tone_catalogue.defaults(name),
                f"{base}/effects/{i}/options",
                f"Tone.{name}",
            )
    return found
