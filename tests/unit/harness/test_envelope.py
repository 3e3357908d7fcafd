"""The $schema envelope: version and kind, stripped before validation."""

from __future__ import annotations

from typing import Any

import pytest
from synharness.envelope import infer_kind, read_envelope
from synharness.findings import Severity
from synharness.schema import DEFAULT_VERSION, load_registry

URL = "https://delk73.github.io/synesthetic-schemas/schema/{version}/{kind}.schema.json"


def envelope_of(data: dict[str, Any]) -> tuple[str | None, str | None, list[str]]:
    envelope = read_envelope(data, load_registry())
    return envelope.kind, envelope.version, [f.code for f in envelope.findings]


@pytest.mark.parametrize(
    "kind",
    [
        "synesthetic-asset",
        "shader",
        "tone",
        "haptic",
        "control-bundle",
        "control",
        "modulation",
        "rule-bundle",
        "rule",
    ],
)
def test_versioned_url_names_version_and_kind(kind: str) -> None:
    data = {"$schema": URL.format(version=DEFAULT_VERSION, kind=kind), "name": "x"}
    assert envelope_of(data) == (kind, DEFAULT_VERSION, [])


@pytest.mark.parametrize(
    "value", ["jsonschema/shader.schema.json", "shader.schema.json", "./schemas/shader.schema.json"]
)
def test_unversioned_reference_assumes_the_default_version(value: str) -> None:
    envelope = read_envelope({"$schema": value}, load_registry())
    assert (envelope.kind, envelope.version) == ("shader", DEFAULT_VERSION)
    (found,) = envelope.findings
    assert (found.code, found.severity, found.pointer) == ("SYN-ENV-005", Severity.INFO, "/$schema")


def test_envelope_keys_are_stripped_and_the_input_kept() -> None:
    data = {
        "$schema": URL.format(version=DEFAULT_VERSION, kind="tone"),
        "$schemaRef": "x",
        "name": "n",
    }
    envelope = read_envelope(data, load_registry())
    assert envelope.stripped_data == {"name": "n"}
    assert "$schema" in data and "$schemaRef" in data


def test_legacy_schema_ref_is_accepted_with_a_warning() -> None:
    data = {"$schemaRef": URL.format(version=DEFAULT_VERSION, kind="haptic")}
    assert envelope_of(data) == ("haptic", DEFAULT_VERSION, ["SYN-ENV-002"])


def test_unknown_version_names_the_known_ones() -> None:
    envelope = read_envelope(
        {"$schema": URL.format(version="9.9.9", kind="shader")}, load_registry()
    )
    assert envelope.version is None and not envelope.usable
    (found,) = envelope.findings
    assert found.code == "SYN-ENV-003" and found.severity is Severity.ERROR
    assert "9.9.9" in found.message and DEFAULT_VERSION in found.message


@pytest.mark.parametrize(
    "value",
    [
        URL.format(version=DEFAULT_VERSION, kind="widget"),
        "http://json-schema.org/draft/2020-12/schema",
        "",
    ],
)
def test_unknown_kind(value: str) -> None:
    kind, _, found = envelope_of({"$schema": value})
    assert kind is None and found == ["SYN-ENV-004"]


@pytest.mark.parametrize("value", [42, None, ["a"], {"$ref": "x"}, True])
def test_non_string_schema(value: Any) -> None:
    envelope = read_envelope({"$schema": value, "name": "x"}, load_registry())
    assert not envelope.usable
    assert [f.code for f in envelope.findings] == ["SYN-ENV-006"]
    assert envelope.stripped_data == {"name": "x"}


@pytest.mark.parametrize(
    ("keys", "kind"),
    [
        ({"name"}, "synesthetic-asset"),
        ({"name", "shader", "modulations"}, "synesthetic-asset"),
        ({"name", "control", "haptic", "modulations"}, "synesthetic-asset"),
        ({"name", "vertex_shader", "fragment_shader"}, "shader"),
        ({"name", "control_parameters"}, "control-bundle"),
        ({"name", "rules"}, "rule-bundle"),
        ({"name", "modulations"}, "modulation"),
        ({"name", "device", "input_parameters"}, "haptic"),
        ({"name", "synth"}, "tone"),
        ({"parameter", "label", "mappings"}, "control"),
        ({"id", "trigger", "effects"}, "rule"),
    ],
)
def test_missing_schema_infers_the_kind(keys: set[str], kind: str) -> None:
    data = dict.fromkeys(keys, None)
    assert infer_kind(data) == kind
    envelope = read_envelope(data, load_registry())
    assert (envelope.kind, envelope.version) == (kind, DEFAULT_VERSION)
    (found,) = envelope.findings
    assert found.code == "SYN-ENV-001" and found.severity is Severity.INFO
    assert kind in found.message
