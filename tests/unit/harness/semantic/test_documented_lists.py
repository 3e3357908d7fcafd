"""docs/findings.md lists every name the semantic checks know, and no check knows more."""

from __future__ import annotations

import re

import pytest
from synharness.semantic.glsl import THREE_BUILTINS
from synharness.semantic.graph import RUNTIME_UNIFORMS
from synharness.semantic.tone import EFFECT_TYPES, NORMAL_OPTIONS, SYNTH_TYPES, TIME_OPTIONS
from synharness.semantic.vocabulary import INSTRUMENTS, KNOWN_OPS, TRIGGER_TYPES

from tests.conftest import ROOT

LISTS = {
    "three.js built-ins": THREE_BUILTINS,
    "runtime uniforms": RUNTIME_UNIFORMS,
    "synth types": SYNTH_TYPES,
    "effect types": EFFECT_TYPES,
    "time options": TIME_OPTIONS,
    "normal-range options": NORMAL_OPTIONS,
    "ops": KNOWN_OPS,
    "trigger types": TRIGGER_TYPES,
    "instruments": [name for names in INSTRUMENTS.values() for name in names],
}


@pytest.mark.parametrize("what", sorted(LISTS))
def test_every_known_name_is_documented(what: str) -> None:
    reference = (
        (ROOT / "docs" / "findings.md").read_text(encoding="utf-8").split("## Reference lists")[1]
    )
    documented = set(re.findall(r"`([^`]+)`", reference))
    missing = sorted(set(LISTS[what]) - documented)
    assert not missing, f"{what} missing from the reference lists of docs/findings.md: {missing}"
