"""The Tone.js option catalogue: every class's ``getDefaults()``, generated from the real Tone.js.

Vocabulary:
- *catalogue*: ``tone_catalogue.json`` beside this module, ``{"tone": version,
  "classes": {Name: {"kind", "options", "voice"?}}}``; *kind* is ``synth``
  (an Instrument), ``effect`` (an Effect or StereoEffect), ``source`` or
  ``component`` (any other audio node); ``voice`` says whether a synth is
  monophonic (a PolySynth voice). ``options`` is the default option tree;
  values that are not JSON (callbacks, the context) are left out;
- *regenerate*: ``python -m synharness.render.tone catalogue`` asks the installed
  Tone.js through the Node worker and rewrites the file; the test
  ``tests/render/test_catalogue.py`` regenerates it and diffs.

Only reading the file happens here (once per process); generating it needs Node.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import orjson

CATALOGUE_PATH = Path(__file__).with_name("tone_catalogue.json")


@cache
def load_catalogue() -> dict[str, Any]:
    """The checked-in catalogue."""
    data: dict[str, Any] = orjson.loads(CATALOGUE_PATH.read_bytes())
    return data


def classes(*kinds: str) -> tuple[str, ...]:
    """Class names of the given kinds, sorted."""
    found = load_catalogue()["classes"]
    return tuple(sorted(n for n, c in found.items() if c["kind"] in kinds))


def voices() -> tuple[str, ...]:
    """Synths a PolySynth can use as its voice (the monophonic ones)."""
    found = load_catalogue()["classes"]
    return tuple(sorted(n for n, c in found.items() if c["kind"] == "synth" and c.get("voice")))


def defaults(name: str) -> dict[str, Any] | None:
    """The default option tree of class ``name``, or None when it is not catalogued."""
    entry = load_catalogue()["classes"].get(name)
    return entry["options"] if entry else None


def catalogue_bytes(catalogue: dict[str, Any]) -> bytes:
    """The file's bytes: sorted keys, two-space indent, one trailing newline (diffable)."""
    return orjson.dumps(catalogue, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            _flatten(inner, f"{prefix}/{key}", out)
    else:
        out[prefix or "/"] = value


def diff_catalogues(checked_in: bytes, fresh: dict[str, Any]) -> list[str]:
    """Differences between the checked-in file and a fresh catalogue, one line each."""
    if checked_in == catalogue_bytes(fresh):
        return []
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    _flatten(orjson.loads(checked_in), "", old)
    _flatten(fresh, "", new)
    lines = [f"- {k}: {old[k]!r}" for k in sorted(old.keys() - new.keys())]
    lines += [f"+ {k}: {new[k]!r}" for k in sorted(new.keys() - old.keys())]
    lines += [
        f"~ {k}: {old[k]!r} -> {new[k]!r}"
        for k in sorted(old.keys() & new.keys())
        if old[k] != new[k]
    ]
    return lines or ["the files differ in formatting only: regenerate it"]
