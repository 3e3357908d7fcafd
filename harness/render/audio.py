"""Hearing a tone as the runtime would: the render request, the render, its findings and metrics.

Vocabulary:
- *request*: what the Node worker (:mod:`synharness.render.node`) builds and
  plays: the synth class from ``synth.type`` with its options, the effects in
  ``order``, *automation* and *notes* (see ``docs/audio.md``);
- *automation*: per tone parameter of the simulation trace (``tone.detune``
  -> ``detune``), times and values; the worker ramps signals linearly from step
  to step (``setValueAtTime`` then ``linearRampToValueAtTime``) and sets plain
  properties (an envelope's ``release``) at each note. Parameters nothing drives
  are held at their input parameter's default;
- *notes*: the simulation's sound events (``triggerAttackRelease`` and the
  other sound ops of rules, ``<grid.note>`` already named) at their times, or,
  in a scenario without any, the *audition pattern* (:func:`audition_notes`).

:func:`build_request` is pure; :func:`render_scenario` sends one request and
returns an :class:`AudioRender` (samples, levels, findings), never raising for
an asset's fault or a missing runtime.
"""

from __future__ import annotations

import base64
import math
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from synharness.agents.orchestration import SimulationResult
from synharness.codes import finding
from synharness.findings import Finding
from synharness.models import Tone, ToneEffect
from synharness.render.loudness import Levels, audio_findings, measure
from synharness.render.node import ToneWorker, WorkerError
from synharness.semantic.vocabulary import SOUND_OPS

#: The runtime's sample rate (Web Audio's usual 44.1 kHz), stereo.
SAMPLE_RATE = 44100
CHANNELS = 2
#: Tone.js' default transport: 120 BPM in 4/4, so a quarter note is 0.5 s.
BPM = 120.0
#: The audition pattern without patterns in the tone: a C major arpeggio.
AUDITION_NOTES = ("C4", "E4", "G4", "C5")
AUDITION_INTERVAL = "4n"
AUDITION_DURATION = "8n"
#: Relative tolerance under which a trace point on a straight line is dropped.
_LINEAR_TOLERANCE = 1e-9

_TIME = re.compile(r"^(\d+(?:\.\d+)?)([nmt])(\.?)$")
_BARS = re.compile(r"^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$")


def tone_seconds(value: Any, *, bpm: float = BPM) -> float | None:
    """Seconds of a Tone.js time (``"4n"``, ``"8n."``, ``"8t"``, ``"2m"``, ``"1:2:0"``, 0.25).

    Returns:
        The duration at ``bpm`` in 4/4, or None when it is not a time.
    """
    beat = 60.0 / bpm
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) and value >= 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _TIME.match(text)
    if match:
        n, unit, dot = float(match[1]), match[2], match[3]
        if n <= 0:
            return None
        seconds = n * 4 * beat if unit == "m" else 4 * beat / n * (2 / 3 if unit == "t" else 1)
        return seconds * (1.5 if dot else 1)
    match = _BARS.match(text)
    if match:
        bars, beats, sixteenths = float(match[1]), float(match[2]), float(match[3] or 0)
        return (bars * 4 + beats + sixteenths / 4) * beat
    try:
        seconds = float(text)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def class_name(name: Any) -> str:
    """``Tone.FMSynth`` -> ``FMSynth``."""
    return name.removeprefix("Tone.") if isinstance(name, str) else ""


def unwrap(options: Any) -> Any:
    """Options as Tone.js takes them: ``{"value": n, "unit": u}`` becomes ``n``."""
    if isinstance(options, dict):
        if "value" in options and set(options) <= {"value", "unit"}:
            return unwrap(options["value"])
        return {k: unwrap(v) for k, v in options.items()}
    if isinstance(options, list):
        return [unwrap(v) for v in options]
    return options


def synth_spec(tone: Tone) -> dict[str, Any]:
    """The synth class and options: ``synth.options`` over the synth's other keys.

    A PolySynth's options other than its own (``maxPolyphony``, ``volume``) are
    its voice's, as the runtime passes them (``new PolySynth(Voice, options)``).
    """
    synth = tone.synth
    kind = class_name(synth.get("type"))
    options: dict[str, Any] = {k: v for k, v in synth.items() if k not in ("type", "options")}
    if isinstance(synth.get("options"), dict):
        options.update(synth["options"])
    options = unwrap(options)
    if kind == "PolySynth":
        own = {k: options.pop(k) for k in ("maxPolyphony", "volume") if k in options}
        voice = class_name(options.pop("voice", "Tone.Synth")) or "Synth"
        nested = options.pop("options", {})
        voice_options = {**options, **(nested if isinstance(nested, dict) else {})}
        return {"type": kind, "options": {**own, "voice": voice, "options": voice_options}}
    return {"type": kind, "options": options}


def effects_spec(tone: Tone) -> list[dict[str, Any]]:
    """The effects chain, in ``order`` (then listing order)."""
    items: list[tuple[float, int, dict[str, Any]]] = []
    for i, effect in enumerate(tone.effects or []):
        raw = effect.model_dump() if isinstance(effect, ToneEffect) else dict(effect)
        order = raw.get("order")
        key = float(order) if isinstance(order, int | float) and not isinstance(order, bool) else i
        options = raw.get("options")
        items.append(
            (
                key,
                i,
                {
                    "type": class_name(raw.get("type")),
                    "options": unwrap(options) if isinstance(options, dict) else {},
                },
            )
        )
    return [spec for _, _, spec in sorted(items, key=lambda x: (x[0], x[1]))]


def _thin(t: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop the points that lie on the straight line between their neighbours."""
    if len(v) <= 2:
        return t, v
    curvature = np.abs(v[:-2] - 2.0 * v[1:-1] + v[2:])
    scale = max(float(np.max(np.abs(v))), 1.0)
    keep = np.concatenate([[True], curvature > _LINEAR_TOLERANCE * scale, [True]])
    return t[keep], v[keep]


def automation(result: SimulationResult, *, duration: float) -> list[dict[str, Any]]:
    """Tone parameters of the trace as curves ``{"path", "t", "v"}`` up to ``duration``.

    Parameters nothing drives are constant in the trace (their default): one point.
    Non-finite samples are left out (the simulation reports them, SYN-SIM-001).
    """
    curves: list[dict[str, Any]] = []
    inside = result.t <= duration + 1e-9
    t = result.t[inside]
    driven = set(result.driven)
    for row, path in enumerate(result.paths):
        if not path.startswith("tone."):
            continue
        values = result.matrix[row, : len(t)]
        ok = np.isfinite(values)
        if not ok.any():
            continue
        times, vals = t[ok], values[ok]
        if path not in driven or float(np.ptp(vals)) == 0.0:
            times, vals = times[:1], vals[:1]
        else:
            times, vals = _thin(times, vals)
        curves.append(
            {
                "path": path.removeprefix("tone."),
                "t": [float(x) for x in times],
                "v": [float(x) for x in vals],
            }
        )
    return curves


def _velocity(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(min(max(value, 0.0), 1.0))
    return 1.0


def sound_notes(events: Sequence[Mapping[str, Any]], *, duration: float) -> list[dict[str, Any]]:
    """The sound events of the simulation's event log that target the tone, as notes."""
    notes: list[dict[str, Any]] = []
    for event in events:
        kind, target = event.get("kind"), str(event.get("target") or "")
        if kind not in SOUND_OPS or not target.startswith(("tone", "audio")):
            continue
        t = float(event.get("t", 0.0))
        if t >= duration:
            continue  # at or after the end of the render: it cannot sound
        value = event.get("value")
        spec = value if isinstance(value, dict) else {}
        note = spec.get("note", value if isinstance(value, str) else "C4")
        length = tone_seconds(spec.get("duration", AUDITION_DURATION))
        notes.append(
            {
                "t": t,
                "kind": kind,
                "note": note if isinstance(note, str | int | float) else "C4",
                "duration": length if length is not None else tone_seconds(AUDITION_DURATION),
                "velocity": _velocity(spec.get("velocity", 1.0)),
            }
        )
    return notes


_ORDERS = {
    "down": lambda v: v[::-1],
    "upDown": lambda v: v + v[-2:0:-1],
    "downUp": lambda v: v[::-1] + v[1:-1],
}


def _pattern_cycle(pattern: Mapping[str, Any]) -> tuple[list[Any], float] | None:
    options = pattern.get("options")
    if not isinstance(options, dict):
        return None
    kind = class_name(pattern.get("type"))
    if kind == "Sequence" or "events" in options:
        events = options.get("events")
        step = tone_seconds(options.get("subdivision", "8n"))
        if isinstance(events, list) and events and step:
            return list(events), step
        return None
    values = options.get("values")
    step = tone_seconds(options.get("interval", "4n"))
    if not isinstance(values, list) or not values or not step:
        return None
    order = _ORDERS.get(str(options.get("pattern", "up")))
    cycle = order(list(values)) if order and len(values) > 1 else list(values)
    return cycle, step


def audition_notes(tone: Tone, *, duration: float) -> list[dict[str, Any]]:
    """The audition pattern of a scenario without sound events (see ``docs/audio.md``).

    The tone's first pattern (the one its first part names, else the first
    listed) loops from 0 s: a ``Tone.Pattern`` plays its values in its order
    (``up``, ``down``, ``upDown``, ``downUp``; random orders play ``up``, so
    renders are reproducible) one per ``interval``, a ``Tone.Sequence`` its
    events one per ``subdivision`` (``null`` rests), each note lasting its step.
    A tone without a usable pattern plays C4 E4 G4 C5 in quarter notes, each an
    eighth note long.
    """
    patterns = [p for p in tone.patterns or [] if isinstance(p, dict)]
    wanted = next(
        (p.get("pattern") for p in tone.parts or [] if isinstance(p, dict) and p.get("pattern")),
        None,
    )
    ordered = sorted(patterns, key=lambda p: p.get("id") != wanted)
    cycle = next((c for c in map(_pattern_cycle, ordered) if c), None)
    if cycle is None:
        values, step = list(AUDITION_NOTES), float(tone_seconds(AUDITION_INTERVAL) or 0.5)
        length = float(tone_seconds(AUDITION_DURATION) or 0.25)
    else:
        values, step = cycle
        length = step
    notes: list[dict[str, Any]] = []
    k = 0
    while k * step < duration and len(notes) < 10_000:
        note = values[k % len(values)]
        if isinstance(note, str | int | float) and not isinstance(note, bool):
            notes.append(
                {
                    "t": k * step,
                    "kind": "triggerAttackRelease",
                    "note": note,
                    "duration": length,
                    "velocity": 1.0,
                }
            )
        k += 1
    return notes


@dataclass(frozen=True)
class AudioRequest:
    """One render request and how its notes were chosen."""

    payload: dict[str, Any]
    #: True when the notes are the audition pattern (no sound events in the scenario).
    audition: bool
    duration: float


def build_request(
    tone: Tone,
    result: SimulationResult,
    *,
    duration: float | None = None,
    sample_rate: int = SAMPLE_RATE,
) -> AudioRequest:
    """The render request of one scenario's run (pure).

    Args:
        tone: The asset's tone.
        result: The simulation run of the scenario.
        duration: Seconds to render; default the scenario's duration.
        sample_rate: Hz.
    """
    seconds = float(result.scenario.duration if duration is None else duration)
    notes = sound_notes(result.events, duration=seconds)
    audition = not notes
    if audition:
        notes = audition_notes(tone, duration=seconds)
    payload = {
        "op": "render",
        "duration": seconds,
        "sampleRate": sample_rate,
        "channels": CHANNELS,
        "tone": {
            "synth": synth_spec(tone),
            "effects": effects_spec(tone),
            "automation": automation(result, duration=seconds),
            "notes": notes,
        },
    }
    return AudioRequest(payload=payload, audition=audition, duration=seconds)


@dataclass
class AudioRender:
    """One scenario heard: samples (frames x channels, float32), levels and findings."""

    scenario: str
    sample_rate: int
    samples: np.ndarray | None
    levels: Levels | None
    findings: list[Finding] = field(default_factory=list)
    audition: bool = False
    notes: int = 0
    #: Wall-clock seconds of the worker's render (None when nothing was rendered).
    render_seconds: float | None = None


def decode_channels(answer: Mapping[str, Any]) -> np.ndarray:
    """The worker's base64 float32 channels as frames x channels."""
    channels = [np.frombuffer(base64.b64decode(c), dtype="<f4") for c in answer["channels"]]
    return np.stack(channels, axis=1) if channels else np.zeros((0, 1), dtype=np.float32)


def render_scenario(
    worker: ToneWorker,
    *,
    tone: Tone,
    result: SimulationResult,
    tone_pointer: str = "/tone",
    duration: float | None = None,
    sample_rate: int = SAMPLE_RATE,
    timeout: float | None = None,
) -> AudioRender:
    """Render one scenario's tone and meter it.

    Args:
        worker: The run's Node worker.
        tone: The asset's tone.
        result: The simulation of the scenario.
        tone_pointer: JSON pointer of the tone in the asset (findings point there).
        duration: Seconds to render; default the scenario's.
        sample_rate: Hz.
        timeout: Seconds for this render; default the worker's.

    Returns:
        The render; a render the worker could not make carries one
        ``SYN-RENDER-005..009`` finding and no samples.
    """
    name = result.scenario.name
    request = build_request(tone, result, duration=duration, sample_rate=sample_rate)
    began = time.perf_counter()
    try:
        answer = worker.request(request.payload, timeout=timeout)
    except WorkerError as error:
        return AudioRender(
            scenario=name,
            sample_rate=sample_rate,
            samples=None,
            levels=None,
            findings=[finding(error.code, tone_pointer, f"scenario {name!r}: {error}")],
            audition=request.audition,
        )
    elapsed = time.perf_counter() - began
    samples = decode_channels(answer)
    rate = int(answer.get("sampleRate", sample_rate))
    levels = measure(samples, rate)
    return AudioRender(
        scenario=name,
        sample_rate=rate,
        samples=samples,
        levels=levels,
        findings=audio_findings(levels, pointer=tone_pointer, scenario=name),
        audition=request.audition,
        notes=int(answer.get("notes", 0)),
        render_seconds=elapsed,
    )
