"""The checks added or narrowed by the severity calibration (issue 17).

SYN-CTRL-001 (two controls on one parameter), SYN-RULE-006 (a rule without
effects), SYN-DUP-006 (duplicate parameter names), SYN-TYPE-001/002 (values
against declared types), and SYN-MOD-003's imperceptibility measure.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from synharness.findings import Finding
from synharness.models import MODEL_BY_KIND
from synharness.semantic import check_document
from synharness.semantic.types import fits

from tests.factories import make_asset


def _check(data: dict[str, Any], kind: str = "synesthetic-asset") -> list[Finding]:
    data = {k: v for k, v in data.items() if k != "$schema"}
    return check_document(kind, MODEL_BY_KIND[kind].model_validate(data))


def _only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def _second_control(a: dict[str, Any], index: int, combo: dict[str, Any]) -> None:
    controls = a["control"]["control_parameters"]
    extra = copy.deepcopy(controls[index])
    extra["mappings"][0]["combo"] = combo
    controls.append(extra)


def test_a_second_control_on_a_parameter_is_reported_once_at_the_later_one() -> None:
    a = make_asset()
    _second_control(a, 0, {"strict": True, "keys": ["Alt"], "mouseButtons": ["right"]})
    a["control"]["control_parameters"][-1]["smoothingTime"] = 0.5
    [f] = _only(_check(a), "SYN-CTRL-001")
    assert f.pointer == "/control/control_parameters/7"
    assert "/control/control_parameters/0" in f.message and "smoothingTime" in f.message


def test_a_legacy_name_for_the_same_parameter_is_the_same_parameter() -> None:
    a = make_asset()
    _second_control(a, 0, {"strict": True, "keys": ["Alt"], "mouseButtons": ["right"]})
    a["control"]["control_parameters"][-1]["parameter"] = "visual.u_radius"
    assert [f.pointer for f in _only(_check(a), "SYN-CTRL-001")] == [
        "/control/control_parameters/7"
    ]


def test_two_controls_sharing_a_gesture_are_left_to_dup_004() -> None:
    a = make_asset()
    _second_control(a, 0, {"strict": True, "mouseButtons": ["left"]})
    found = _check(a)
    assert _only(found, "SYN-CTRL-001") == []
    assert [f.pointer for f in _only(found, "SYN-DUP-004")] == [
        "/control/control_parameters/7/mappings/0"
    ]


def test_one_control_with_two_mappings_is_fine() -> None:
    a = make_asset()
    first = a["control"]["control_parameters"][0]
    first["mappings"].append(
        {**copy.deepcopy(first["mappings"][0]), "combo": {"strict": True, "keys": ["Alt"]}}
    )
    assert _only(_check(a), "SYN-CTRL-001") == []


def test_controls_in_a_lone_bundle_compare_raw_names() -> None:
    a = make_asset()
    _second_control(a, 0, {"strict": True, "keys": ["Alt"], "mouseButtons": ["right"]})
    bundle = a["control"]
    assert [f.pointer for f in _only(_check(bundle, "control-bundle"), "SYN-CTRL-001")] == [
        "/control_parameters/7"
    ]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"id": "r", "effects": []}, ["/rules/0/effects"]),
        ({"id": "r"}, ["/rules/0"]),
        ({"id": "r", "effects": None}, ["/rules/0"]),
        # An expression rule acts through its expression.
        ({"id": "r", "expr": "u_r > 0.5", "effects": []}, []),
        ({"id": "r", "effects": [{"op": "set", "target": "tone.volume", "value": -6}]}, []),
    ],
)
def test_a_rule_without_effects(rule: dict[str, Any], expected: list[str]) -> None:
    bundle = {"name": "b", "rules": [rule]}
    assert [f.pointer for f in _only(_check(bundle, "rule-bundle"), "SYN-RULE-006")] == expected


def test_duplicate_names_in_each_component_but_not_across_components() -> None:
    a = make_asset()
    a["haptic"]["input_parameters"][1]["name"] = "Intensity"
    a["tone"]["input_parameters"][1]["name"] = "Volume"
    a["shader"]["input_parameters"][0]["name"] = "Volume"  # another component: fine
    found = _only(_check(a), "SYN-DUP-006")
    assert [f.pointer for f in found] == [
        "/tone/input_parameters/1/name",
        "/haptic/input_parameters/1/name",
    ]


@pytest.mark.parametrize(
    ("value", "kind", "default", "ok"),
    [
        ("sine", "string", False, True),
        (3, "string", False, False),
        (True, "string", False, False),
        (0.5, "float", False, True),
        ("0.25", "float", False, True),  # the control schema makes options strings
        ("fast", "float", False, False),
        (True, "float", True, False),
        ("nan", "float", False, False),
        (4, "int", False, True),
        (4.0, "int", False, True),
        (4.5, "int", True, False),
        ("8", "int", False, True),
        (True, "bool", False, True),
        ("false", "bool", False, True),
        (1, "bool", False, False),
        (1, "bool", True, True),
        ({"value": 0.5, "unit": "s"}, "float", True, True),
    ],
)
def test_fits(value: Any, kind: str, default: bool, ok: bool) -> None:
    assert fits(value, kind, default=default) is ok


def test_option_and_default_types_on_controls_and_every_component() -> None:
    a = make_asset()
    a["control"]["control_parameters"][0]["options"] = ["0.1", "wide"]
    a["tone"]["input_parameters"].append(
        {"name": "Wave", "path": "tone.oscillator.type", "type": "string", "default": 2,
         "options": ["sine", 2]}
    )  # fmt: skip
    a["haptic"]["input_parameters"][0]["type"] = "int"
    found = _check(a)
    assert [f.pointer for f in _only(found, "SYN-TYPE-001")] == [
        "/control/control_parameters/0/options/1",
        "/tone/input_parameters/2/options/1",
    ]
    assert [f.pointer for f in _only(found, "SYN-TYPE-002")] == [
        "/tone/input_parameters/2/default",
        "/haptic/input_parameters/0/default",  # 0.5 is no int
    ]


def test_unknown_types_are_not_judged() -> None:
    a = make_asset()
    a["tone"]["input_parameters"].append(
        {"name": "Colour", "path": "tone.colour", "type": "vec3", "default": "#ff0000",
         "options": [1, 2]}
    )  # fmt: skip
    found = _check(a)
    assert _only(found, "SYN-TYPE-001") == _only(found, "SYN-TYPE-002") == []


@pytest.mark.parametrize(
    ("amplitude", "reported"),
    [
        (0.0001, True),  # peak-to-peak 0.0002 of a 0.95 range: under 1/1000
        (0.0004, True),  # 0.0008 < 0.00095
        (0.0005, False),  # 0.001 > 0.00095: below the step 0.01, but perceptible
        (0.004, False),
    ],
)
def test_mod_003_needs_an_imperceptible_sweep_not_just_a_sub_step_depth(
    amplitude: float, reported: bool
) -> None:
    a = make_asset()
    a["modulations"][0]["amplitude"] = amplitude
    found = _only(_check(a), "SYN-MOD-003")
    assert bool(found) is reported
    if reported:
        assert "under 1/1000 of the range" in found[0].message


def test_mod_003_below_float32_resolution() -> None:
    from synharness.semantic.modulation import _imperceptible

    assert _imperceptible(1e-9, 100.0, None, None) == "the sweep is below float32 resolution"
    assert _imperceptible(1e-3, 100.0, None, None) is None


def test_a_control_on_an_undeclared_uniform_warns_but_listing_alone_is_a_note() -> None:
    from tests.fixtures.codes.make_semantic_fixtures import build

    failing, passing = build("SYN-CTRL-002")
    found = _check(failing)
    [f] = _only(found, "SYN-CTRL-002")
    assert f.pointer == "/control/control_parameters/7/parameter"
    [listed] = _only(found, "SYN-GLSL-002")
    assert listed.severity == "info"
    assert _only(_check(passing), "SYN-CTRL-002") == []
    # Not listed at all: the input parameter names no uniform (SYN-GLSL-007), not CTRL-002.
    failing["shader"]["uniforms"] = [
        u for u in failing["shader"]["uniforms"] if u["name"] != "u_glow"
    ]
    found = _check(failing)
    assert _only(found, "SYN-CTRL-002") == [] and _only(found, "SYN-GLSL-007")
