"""Tests of synharness.schema: the shipped schemas, findings, schema directories."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
import synharness.schema
from synharness.codes import CATALOGUE
from synharness.errors import HarnessError
from synharness.schema import (
    DEFAULT_VERSION,
    KINDS,
    SchemaDirError,
    SchemaRegistry,
    SchemaSet,
    load_registry,
)
from synharness.schema.backends import RawError
from synharness.schema.translate import MAX_VALUE_CHARS, to_findings

from tests.factories import make_asset

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "codes"
SCHEMA_CODES = sorted(c for c in CATALOGUE if c.startswith("SYN-SCHEMA-"))
BACKENDS = ("rust", "python")
OWN_ID = "https://synharness.dev/schema/0.7.3/{kind}.schema.json"


def _set(backend: str = "rust", schema_dir: Path | None = None) -> SchemaSet:
    schemas = load_registry(schema_dir, backend=backend).get(DEFAULT_VERSION)  # type: ignore[arg-type]
    assert schemas is not None
    return schemas


def _asset(**changes: Any) -> dict[str, Any]:
    asset = make_asset()
    asset.pop("$schema")
    asset.update(changes)
    return asset


def _codes(findings: list[Any]) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in findings]


# --- public surface and shipped files ----------------------------------------------------


def test_all_is_complete_and_sorted() -> None:
    public = {n for n in vars(synharness.schema) if not n.startswith("_")} - {
        "annotations",
        "backends",
        "registry",
        "translate",
        "unwrap",
        "repair",
    }
    assert synharness.schema.__all__ == sorted(synharness.schema.__all__)
    assert set(synharness.schema.__all__) == public


def test_the_shipped_schemas_are_package_data() -> None:
    folder = resources.files("synharness.schema").joinpath(DEFAULT_VERSION)
    names = sorted(f.name for f in folder.iterdir() if f.name.endswith(".schema.json"))
    assert names == sorted(f"{kind}.schema.json" for kind in KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_shipped_schema_is_a_clean_draft_2020_12_schema(kind: str) -> None:
    schema = dict(_set().schema(kind))
    jsonschema_rs.meta.validate(schema)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == OWN_ID.format(kind=kind)
    assert schema["x-schema-version"] == DEFAULT_VERSION
    text = json.dumps(schema)
    assert '"title"' not in text and '"examples"' not in text


def test_the_shipped_asset_schema_does_not_list_the_envelope() -> None:
    """The caller strips $schema; the schema would refuse it (SYN-SCHEMA-002)."""
    findings = _set().validate("synesthetic-asset", make_asset())
    assert _codes(findings) == [("SYN-SCHEMA-002", "/$schema")]


def test_registry_surface() -> None:
    registry = load_registry()
    assert isinstance(registry, SchemaRegistry)
    assert registry.versions == (DEFAULT_VERSION,)
    assert registry.get("9.9.9") is None
    schemas = registry.get(DEFAULT_VERSION)
    assert schemas is not None and schemas.version == DEFAULT_VERSION
    assert schemas.kinds == KINDS


def test_load_registry_is_cached_per_directory(tmp_path: Path, monkeypatch: Any) -> None:
    assert load_registry() is load_registry(None)
    _write_version(tmp_path / "0.7.4")
    monkeypatch.chdir(tmp_path)
    assert load_registry(Path(".")) is load_registry(tmp_path)
    assert load_registry(tmp_path) is not load_registry()


def test_unknown_kind_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="no kind 'scenario'"):
        _set().validate("scenario", {})


# --- fixtures: one failing and one passing asset per code ------------------------------------


def test_every_schema_code_has_fixtures() -> None:
    assert sorted(p.name for p in FIXTURES.glob("SYN-SCHEMA-*")) == SCHEMA_CODES


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("code", SCHEMA_CODES)
def test_fixture_fail_triggers_its_code_and_pass_does_not(code: str, backend: str) -> None:
    folder = FIXTURES / code
    # SYN-SCHEMA-000 (a keyword the shipped schemas do not use) needs the
    # stricter schema that ships with its fixture, as a --schema-dir.
    schema_dir = folder / "schemas" if (folder / "schemas").is_dir() else None
    schemas = _set(backend, schema_dir)
    documents = {}
    for name in ("fail", "pass"):
        data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        assert data.pop("$schema").endswith("/0.7.3/synesthetic-asset.schema.json")
        documents[name] = schemas.validate("synesthetic-asset", data)
    assert {f.code for f in documents["fail"]} == {code}
    assert documents["pass"] == []


# --- findings: codes, pointers, messages ----------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_required_points_at_the_object_and_names_the_property(backend: str) -> None:
    asset = _asset()
    del asset["tone"]["synth"]
    [f] = _set(backend).validate("synesthetic-asset", asset)
    assert (f.code, f.pointer) == ("SYN-SCHEMA-001", "/tone")
    assert '"synth"' in f.message and "required" in f.message
    assert f.hint == CATALOGUE["SYN-SCHEMA-001"].hint


@pytest.mark.parametrize("backend", BACKENDS)
def test_additional_property_points_at_the_property(backend: str) -> None:
    asset = _asset()
    asset["control"]["control_parameters"][0]["a/b~c"] = 1
    asset["control"]["colour"] = "red"
    findings = _set(backend).validate("synesthetic-asset", asset)
    assert _codes(findings) == [
        ("SYN-SCHEMA-002", "/control/colour"),
        ("SYN-SCHEMA-002", "/control/control_parameters/0/a~1b~0c"),
    ]
    assert "allowed here: control_parameters, description, meta_info, name" in findings[0].message


@pytest.mark.parametrize("backend", BACKENDS)
def test_nullability_follows_the_published_schema(backend: str) -> None:
    schemas = _set(backend)
    for key in ("shader", "tone", "haptic", "control", "modulation", "modulations"):
        assert schemas.validate("synesthetic-asset", _asset(**{key: None})) == [], key
    [f] = schemas.validate("synesthetic-asset", _asset(rule_bundle=None))
    assert (f.code, f.pointer, f.message) == (
        "SYN-SCHEMA-003",
        "/rule_bundle",
        "type: null, expected object",
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_any_of_reports_the_inner_errors_not_the_alternatives(backend: str) -> None:
    asset = _asset()
    asset["shader"]["name"] = 5
    del asset["haptic"]["device"]
    findings = _set(backend).validate("synesthetic-asset", asset)
    assert _codes(findings) == [("SYN-SCHEMA-001", "/haptic"), ("SYN-SCHEMA-003", "/shader/name")]
    assert findings[1].message == "type: 5 is an integer, expected string"


@pytest.mark.parametrize("backend", BACKENDS)
def test_any_of_with_no_matching_type_is_reported_once(backend: str) -> None:
    [f] = _set(backend).validate("synesthetic-asset", _asset(shader=[1, 2]))
    assert (f.code, f.pointer) == ("SYN-SCHEMA-007", "/shader")
    assert f.message == "anyOf: [1, 2] is an array, expected object or null"


@pytest.mark.parametrize("backend", BACKENDS)
def test_enum_min_length_and_format(backend: str) -> None:
    asset = _asset(created_at="2025-02-30T10:00:00Z", updated_at="2025-01-31T12:00:00Z")
    asset["control"]["control_parameters"][0]["type"] = "double"
    asset["control"]["control_parameters"][0]["unit"] = ""
    asset["rule_bundle"]["created_at"] = "yesterday"
    asset["rule_bundle"]["updated_at"] = None
    findings = _set(backend).validate("synesthetic-asset", asset)
    assert [(f.code, f.pointer, f.message) for f in findings] == [
        (
            "SYN-SCHEMA-004",
            "/control/control_parameters/0/type",
            'enum: "double" is not one of "float", "int", "bool", "string"',
        ),
        (
            "SYN-SCHEMA-005",
            "/control/control_parameters/0/unit",
            'minLength: "" is shorter than 1 character(s)',
        ),
        (
            "SYN-SCHEMA-006",
            "/created_at",
            'format: "2025-02-30T10:00:00Z" is not a valid date-time (RFC 3339, e.g. 2025-01-31T12:00:00Z)',
        ),
        (
            "SYN-SCHEMA-006",
            "/rule_bundle/created_at",
            'format: "yesterday" is not a valid date-time (RFC 3339, e.g. 2025-01-31T12:00:00Z)',
        ),
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_findings_come_in_document_order(backend: str) -> None:
    asset = _asset()
    controls = asset["control"]["control_parameters"]
    while len(controls) < 12:
        controls.append(copy.deepcopy(controls[0]))
    controls[11]["label"] = ""
    controls[2]["label"] = ""
    asset["name"] = ""
    findings = _set(backend).validate("synesthetic-asset", asset)
    assert [f.pointer for f in findings] == [
        "/control/control_parameters/2/label",
        "/control/control_parameters/11/label",
        "/name",
    ]
    assert findings == _set(backend).validate("synesthetic-asset", asset)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_document_that_is_not_an_object(backend: str) -> None:
    [f] = _set(backend).validate("synesthetic-asset", ["not", "an", "object"])
    assert (f.code, f.pointer) == ("SYN-SCHEMA-003", "")
    assert f.message == 'type: ["not", "an", "object"] is an array, expected object'


def test_long_values_are_truncated_in_messages() -> None:
    asset = _asset()
    asset["shader"]["fragment_shader"] = ["x" * 500]
    [f] = _set().validate("synesthetic-asset", asset)
    shown = f.message.split(" is an array")[0].removeprefix("type: ")
    assert len(shown) == MAX_VALUE_CHARS and shown.endswith("…")


def test_other_keywords_map_to_schema_000() -> None:
    errors = [RawError("maximum", ("a", 0), 11, 10, "11 is greater than the maximum of 10")]
    [f] = to_findings(errors)
    assert (f.code, f.pointer, f.message) == (
        "SYN-SCHEMA-000",
        "/a/0",
        "maximum: 11 is greater than the maximum of 10",
    )


def _broken_documents() -> list[dict[str, Any]]:
    out = []
    mutations: tuple[Callable[[dict[str, Any]], None], ...] = (
        lambda a: a.update(name=3, descripton="", created_at="now", rule_bundle=None),
        lambda a: a["shader"].update(uniforms=[{"name": 1}], input_parameters="none"),
        lambda a: a["tone"].update(synth=None, effects=[1], name=None),
        lambda a: a["haptic"]["device"]["options"].update(bad={"value": "1"}),
        lambda a: a["modulations"][0].update(type="sub", scaleProfile=0, min="0"),
        lambda a: a["control"]["control_parameters"][0]["mappings"][0].update(
            combo={"keys": "a", "wheel": 1}, action={"axis": "x"}
        ),
        lambda a: a["rule_bundle"].update(id="7", meta_info=None, rules=[{"expr": 1, "x": 0}]),
        lambda a: a.update(modulation={"name": "m", "modulations": [{}]}),
    )
    for mutate in mutations:
        asset = _asset()
        mutate(asset)
        out.append(asset)
    return out


@pytest.mark.parametrize("index", range(len(_broken_documents())))
def test_both_backends_give_the_same_findings(index: int) -> None:
    asset = _broken_documents()[index]
    rust = _set("rust").validate("synesthetic-asset", asset)
    python = _set("python").validate("synesthetic-asset", asset)
    assert rust and rust == python


# --- schema directories ----------------------------------------------------------------------


def _shipped_files() -> dict[str, dict[str, Any]]:
    return {kind: copy.deepcopy(dict(_set().schema(kind))) for kind in KINDS}


def _write_version(folder: Path, version: str | None = None, *, stamp: bool = True) -> Path:
    """Write the shipped schemas as version ``version`` (default: the folder name)."""
    version = version or folder.name
    folder.mkdir(parents=True, exist_ok=True)
    for kind, schema in _shipped_files().items():
        text = json.dumps(schema).replace("/0.7.3/", f"/{version}/")
        schema = json.loads(text)
        if stamp:
            schema["x-schema-version"] = version
        else:
            schema.pop("x-schema-version")
        (folder / f"{kind}.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "layout", ["<version>/schema", "<version>", "flat: x-schema-version", "flat: $id"]
)
def test_schema_dir_layouts(tmp_path: Path, layout: str) -> None:
    if layout == "<version>/schema":
        _write_version(tmp_path / "0.8.0" / "schema", "0.8.0")
        (tmp_path / "README.md").write_text("not a schema")
    elif layout == "<version>":
        _write_version(tmp_path / "0.8.0")
    else:
        _write_version(tmp_path, "0.8.0", stamp=layout.endswith("x-schema-version"))
    registry = load_registry(tmp_path)
    assert registry.versions == (DEFAULT_VERSION, "0.8.0")
    schemas = registry.get("0.8.0")
    assert schemas is not None and schemas.kinds == KINDS
    assert schemas.validate("synesthetic-asset", _asset()) == []
    assert _codes(schemas.validate("synesthetic-asset", _asset(rule_bundle=None))) == [
        ("SYN-SCHEMA-003", "/rule_bundle")
    ]


def test_a_version_folder_of_the_corpus_is_accepted(tmp_path: Path) -> None:
    _write_version(tmp_path / "0.9.1" / "schema", "0.9.1", stamp=False)
    assert load_registry(tmp_path / "0.9.1").versions == (DEFAULT_VERSION, "0.9.1")


def test_versions_are_sorted_numerically(tmp_path: Path) -> None:
    for version in ("0.10.0", "0.9.0"):
        _write_version(tmp_path / version)
    assert load_registry(tmp_path).versions == ("0.7.3", "0.9.0", "0.10.0")


def test_a_schema_dir_replaces_the_shipped_version(tmp_path: Path) -> None:
    # A stricter 0.7.3 whose asset needs a description.
    folder = _write_version(tmp_path / "0.7.3")
    asset_schema = json.loads((folder / "synesthetic-asset.schema.json").read_text())
    asset_schema["required"] = ["name", "description"]
    (folder / "synesthetic-asset.schema.json").write_text(json.dumps(asset_schema))
    asset = _asset()
    del asset["description"]
    assert _set().validate("synesthetic-asset", asset) == []
    assert _codes(_set(schema_dir=tmp_path).validate("synesthetic-asset", asset)) == [
        ("SYN-SCHEMA-001", "")
    ]


def test_schemas_without_id_resolve_relative_refs(tmp_path: Path) -> None:
    folder = tmp_path / "1.0.0"
    folder.mkdir()
    (folder / "thing.schema.json").write_text(
        json.dumps({"type": "object", "properties": {"part": {"$ref": "part.schema.json"}}})
    )
    (folder / "part.schema.json").write_text(json.dumps({"type": "string"}))
    schemas = load_registry(tmp_path).get("1.0.0")
    assert schemas is not None and schemas.kinds == {"thing", "part"}
    assert _codes(schemas.validate("thing", {"part": 1})) == [("SYN-SCHEMA-003", "/part")]


def _broken(tmp_path: Path, case: str) -> Path:
    folder = _write_version(tmp_path / "0.8.0")
    target = folder / "shader.schema.json"
    if case == "missing":
        return tmp_path / "nowhere"
    if case == "a file":
        return target
    if case == "empty":
        empty = tmp_path / "empty"
        empty.mkdir()
        return empty
    if case == "bad json":
        target.write_text('{\n  "type": "object",\n  oops\n}')
    elif case == "not an object":
        target.write_text("[]")
    elif case == "not a schema":
        target.write_text(json.dumps({"type": "objekt"}))
    elif case == "unresolvable $ref":
        target.write_text(
            json.dumps({"$id": "https://x.test/0.8.0/shader.schema.json", "$ref": "nope.json"})
        )
    elif case == "duplicate kind":
        _write_version(folder / "schema", "0.8.0")
    elif case == "no version":
        for p in folder.glob("*.json"):
            p.unlink()
        (tmp_path / "0.8.0").rmdir()
        (tmp_path / "shader.schema.json").write_text(json.dumps({"type": "object"}))
    return tmp_path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "does not exist"),
        ("a file", "is not a directory"),
        ("empty", r"no \*\.schema\.json file found"),
        ("bad json", r"shader\.schema\.json:3:3: not valid JSON"),
        ("not an object", "must be a JSON object"),
        ("not a schema", r"not a valid JSON Schema at /type: "),
        ("unresolvable $ref", "cannot compile the schema"),
        ("duplicate kind", "a second schema of kind"),
        ("no version", "cannot tell the schema version"),
    ],
)
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_broken_schema_dir_is_a_usage_error(
    tmp_path: Path, case: str, message: str, backend: str
) -> None:
    path = _broken(tmp_path, case)
    with pytest.raises(SchemaDirError, match=message) as caught:
        load_registry(path, backend=backend)  # type: ignore[arg-type]
    assert isinstance(caught.value, HarnessError)
    assert caught.value.exit_code == 2
    assert caught.value.path is not None


@pytest.mark.parametrize("backend", BACKENDS)
def test_messages_show_the_callers_value_not_the_engines_copy(backend: str) -> None:
    """jsonschema_rs converts NaN and the infinities to null in its errors."""
    asset = _asset()
    asset["rule_bundle"]["id"] = float("nan")
    [f] = _set(backend).validate("synesthetic-asset", asset)
    assert (f.pointer, f.message) == (
        "/rule_bundle/id",
        "type: NaN is a number, expected integer or null",
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_infinite_number_is_an_overflowing_literal(backend: str) -> None:
    """Only a literal like 1e999 parses to infinity: the text is at fault, not the type."""
    asset = _asset()
    asset["rule_bundle"]["id"] = float("inf")
    [f] = _set(backend).validate("synesthetic-asset", asset)
    assert (f.code, f.pointer) == ("SYN-LOAD-004", "/rule_bundle/id")
    assert "infinity" in f.message


def test_pyproject_ships_the_schema_files_in_the_wheel() -> None:
    """setuptools' package-data globs do not descend into folders by themselves."""
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parents[3]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"].get("synharness.schema", [])
    package = root / "harness" / "schema"
    files = [p.relative_to(package).as_posix() for p in package.glob("*/*.schema.json")]
    assert len(files) == len(KINDS)
    assert all(any(fnmatch.fnmatch(f, pat) for pat in patterns) for f in files)


def test_without_jsonschema_rs_the_python_engine_takes_over() -> None:
    import subprocess
    import sys

    script = (
        "import sys, json\n"
        "sys.modules['jsonschema_rs'] = None  # makes the import fail\n"
        "from synharness.schema import load_registry\n"
        "s = load_registry().get('0.7.3')\n"
        "print(json.dumps([s.backend, [f.code for f in s.validate('synesthetic-asset',"
        " {'name': '', 'created_at': 'now'})]]))\n"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == ["python", ["SYN-SCHEMA-006", "SYN-SCHEMA-005"]]


@pytest.mark.parametrize("backend", BACKENDS)
def test_lone_surrogates_are_findings_not_crashes(backend: str) -> None:
    asset = _asset(name="x\ud800")
    asset["control"]["\udfff"] = 1
    asset["shader"]["name"] = 5
    findings = _set(backend).validate("synesthetic-asset", asset)
    assert _codes(findings) == [
        ("SYN-SCHEMA-002", "/control/\\udfff"),
        ("SYN-SCHEMA-003", "/shader/name"),
    ]
    for f in findings:  # reporters must be able to write every finding
        (f.pointer + f.message).encode("utf-8")
