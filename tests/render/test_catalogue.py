"""The checked-in Tone.js option catalogue is what the installed Tone.js reports."""

from __future__ import annotations

from synharness.render.node import ToneWorker
from synharness.semantic.tone_catalogue import CATALOGUE_PATH, catalogue_bytes, diff_catalogues


def test_regenerated_catalogue_equals_the_checked_in_file(tone_worker: ToneWorker) -> None:
    fresh = tone_worker.request({"op": "catalogue"})["catalogue"]
    differences = diff_catalogues(CATALOGUE_PATH.read_bytes(), fresh)
    assert differences == [], (
        "regenerate with `python -m synharness.render.tone catalogue`:\n"
        + "\n".join(differences[:20])
    )
    assert catalogue_bytes(fresh) == CATALOGUE_PATH.read_bytes()
    assert fresh["tone"] == tone_worker.versions["tone"]


def test_catalogue_knows_the_classes_and_options_of_the_corpus(tone_worker: ToneWorker) -> None:
    classes = tone_worker.request({"op": "catalogue"})["catalogue"]["classes"]
    assert classes["FMSynth"]["kind"] == "synth" and classes["FMSynth"]["voice"] is True
    assert classes["PolySynth"]["voice"] is False and classes["PluckSynth"]["voice"] is False
    assert classes["Reverb"] == {
        "kind": "effect",
        "options": {"decay": 1.5, "preDelay": 0.01, "wet": 1},
    }
    assert classes["Filter"]["kind"] == "component"
    assert "release" in classes["Synth"]["options"]["envelope"]
    assert "context" not in classes["Synth"]["options"]  # not an option of the sound


def test_diff_names_what_changed() -> None:
    old = catalogue_bytes({"tone": "1", "classes": {"A": {"kind": "synth", "options": {"x": 1}}}})
    new = {"tone": "2", "classes": {"A": {"kind": "synth", "options": {"x": 2, "y": 0}}}}
    assert diff_catalogues(old, new) == [
        "+ /classes/A/options/y: 0",
        "~ /classes/A/options/x: 1 -> 2",
        "~ /tone: '1' -> '2'",
    ]
