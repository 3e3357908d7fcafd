"""Helpers of the audio render tests: the Node check, tone-bearing assets, short renders."""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest
from synharness.agents import builtin_scenarios, simulate
from synharness.models import SynestheticAsset
from synharness.render.audio import AudioRender, render_scenario
from synharness.render.node import ToneWorker, WorkerUnavailable, check_available

from tests.conftest import ROOT

#: Seconds rendered per test scenario: short keeps the suite fast.
SECONDS = 1.5
BASE_ASSET = ROOT / "examples" / "metronome-tap.json"


def need_node() -> None:
    """Skip (or fail under CI=true) when Node or the renderer's packages are missing."""
    try:
        check_available()
    except WorkerUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and the Tone.js renderer is unavailable: {exc}")
        pytest.skip(f"Tone.js renderer unavailable: {exc}")


def asset_doc(tone: dict[str, Any] | None = None) -> dict[str, Any]:
    """The metronome example (no ``$schema``), with ``tone`` replaced when given."""
    doc: dict[str, Any] = json.loads(BASE_ASSET.read_text(encoding="utf-8"))
    doc.pop("$schema", None)
    if tone is not None:
        doc["tone"] = copy.deepcopy(tone)
        # Modulations and controls of the example target its own tone parameters.
        doc["modulations"] = [
            m
            for m in doc.get("modulations") or []
            if not str(m.get("target", "")).startswith("tone.")
        ]
    return doc


def plain_tone(**options: Any) -> dict[str, Any]:
    """A Tone.Synth (sine) with ``options`` merged in, no effects, no input parameters."""
    return {
        "name": "test tone",
        "synth": {
            "type": "Tone.Synth",
            "options": {
                "oscillator": {"type": "sine"},
                "envelope": {"attack": 0.01, "decay": 0.1, "sustain": 0.7, "release": 0.2},
                "volume": -12,
                **options,
            },
        },
        "effects": [],
        "input_parameters": [],
    }


def render_idle(
    worker: ToneWorker, doc: dict[str, Any], *, seconds: float = SECONDS
) -> AudioRender:
    """Render the idle built-in scenario of ``doc`` for ``seconds``."""
    asset = SynestheticAsset.model_validate(doc)
    (idle,) = [s for s in builtin_scenarios(asset, duration=seconds) if s.name == "idle"]
    assert asset.tone is not None
    return render_scenario(worker, tone=asset.tone, result=simulate(asset, idle))


def codes(render: AudioRender) -> list[str]:
    return [f.code for f in render.findings]
