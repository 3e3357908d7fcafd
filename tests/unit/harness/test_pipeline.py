"""The validation pipeline: stages, their order, and one fixture pair per LOAD and ENV code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from synharness.codes import CATALOGUE
from synharness.findings import Verdict, split_pointer
from synharness.loading import Source
from synharness.models import SynestheticAsset
from synharness.pipeline import (
    ValidationOptions,
    check_bytes,
    check_source,
    validate_bytes,
    validate_data,
    validate_paths,
)

from tests.conftest import CODE_FIXTURES
from tests.factories import SCHEMA_URL, make_asset

OWN_AREAS = ("SYN-LOAD-", "SYN-ENV-")
OWN_CODES = sorted(c for c in CATALOGUE if c.startswith(OWN_AREAS))


def fixture_options(folder: Path) -> ValidationOptions:
    """``options.json`` beside a fixture pair sets options (``max_bytes`` for SYN-LOAD-007)."""
    path = folder / "options.json"
    return (
        ValidationOptions(**json.loads(path.read_text())) if path.exists() else ValidationOptions()
    )


def codes_of_file(path: Path, options: ValidationOptions) -> list[str]:
    # Through reading, since some failures (SYN-LOAD-007, -009) happen before the bytes exist.
    result = check_source(Source(str(path), path=path), options=options).result
    if path.exists():  # from the bytes directly: the same findings
        direct = validate_bytes(path.read_bytes(), source=str(path), options=options)
        assert direct.findings == result.findings
    return [f.code for f in result.findings]


def test_every_load_and_env_code_has_a_fixture_pair() -> None:
    for code in OWN_CODES:
        folder = CODE_FIXTURES / code
        assert (folder / "pass.json").is_file(), code
        assert (folder / "fail.json").is_symlink() or (folder / "fail.json").is_file(), code


@pytest.mark.parametrize("code", OWN_CODES)
def test_code_fixture_fails_with_its_code(code: str) -> None:
    folder = CODE_FIXTURES / code
    assert code in codes_of_file(folder / "fail.json", fixture_options(folder))


@pytest.mark.parametrize("code", OWN_CODES)
def test_code_fixture_passes_without_its_code(code: str) -> None:
    folder = CODE_FIXTURES / code
    found = codes_of_file(folder / "pass.json", fixture_options(folder))
    assert code not in found
    assert not [c for c in found if c.startswith(OWN_AREAS)]


def test_load_findings_are_positioned() -> None:
    raw = (CODE_FIXTURES / "SYN-LOAD-001" / "fail.json").read_bytes()
    (found,) = validate_bytes(raw, source="x.json").findings
    assert (found.line, found.column) == (5, 1)


def test_clean_asset_passes_every_stage() -> None:
    raw = json.dumps(make_asset()).encode()
    checked = check_bytes(raw, source="a.json")
    assert checked.result.verdict is Verdict.PASS
    assert isinstance(checked.model, SynestheticAsset)
    assert checked.result.name == "Factory Pulse"
    assert (checked.result.kind, checked.result.schema_version) == ("synesthetic-asset", "0.7.3")
    assert checked.data is not None and checked.data["$schema"] == SCHEMA_URL


def test_schema_findings_carry_pointer_line_and_column() -> None:
    asset = make_asset()
    asset["control"]["control_parameters"][1]["mappings"][0]["action"]["curve"] = "wobbly"
    text = json.dumps(asset, indent=2)
    checked = check_bytes(text.encode(), source="a.json")
    assert checked.model is None
    (found,) = checked.result.findings
    assert found.pointer == "/control/control_parameters/1/mappings/0/action/curve"
    assert found.line is not None and found.column is not None
    line = text.splitlines()[found.line - 1]
    assert line[found.column - 1 :].startswith('"wobbly"')


def test_findings_stop_at_the_stage_that_fails() -> None:
    # Unknown version: nothing to validate against, so no schema findings follow.
    asset: dict[str, Any] = {"$schema": SCHEMA_URL.replace("0.7.3", "0.1.0"), "name": 7}
    result = validate_data(asset, source="a")
    assert [f.code for f in result.findings] == ["SYN-ENV-003"]
    assert result.kind == "synesthetic-asset" and result.schema_version is None


def test_validate_data_locates_only_with_text() -> None:
    asset: dict[str, Any] = {"$schema": SCHEMA_URL, "name": 7}
    (without,) = validate_data(asset, source="api").findings
    assert (without.code, without.pointer, without.line) == ("SYN-SCHEMA-003", "/name", None)
    text = json.dumps(asset, indent=1)
    (located,) = validate_data(asset, source="api", text=text).findings
    assert (located.line, located.column) == (3, 10)


def test_model_errors_the_schema_missed_are_schema_000(tmp_path: Path) -> None:
    # A lax schema replaces the shipped asset schema: the strict model still refuses.
    (tmp_path / "0.7.3").mkdir()
    (tmp_path / "0.7.3" / "synesthetic-asset.schema.json").write_text('{"type": "object"}')
    options = ValidationOptions(schema_dir=tmp_path)
    raw = json.dumps({"$schema": SCHEMA_URL, "name": "ok", "tone": {"name": 5, "synth": {}}})
    checked = check_bytes(raw.encode(), source="a", options=options)
    assert checked.model is None
    found = {(f.code, f.pointer) for f in checked.result.findings}
    assert ("SYN-SCHEMA-000", "/tone/name") in found
    assert all(f.line is not None for f in checked.result.findings)


def test_too_large_bytes_are_refused_before_parsing() -> None:
    result = validate_bytes(b"{" * 100, source="a", options=ValidationOptions(max_bytes=10))
    assert [f.code for f in result.findings] == ["SYN-LOAD-007"]


def test_a_batch_goes_on_after_bad_documents(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b"{ nope")
    (tmp_path / "b.json").write_text(json.dumps(make_asset()))
    (tmp_path / "c.json").write_bytes(b"\xff\xfe")
    results = validate_paths([str(tmp_path)])
    assert [r.verdict for r in results] == [Verdict.FAIL, Verdict.PASS, Verdict.FAIL]
    assert [r.findings[0].code for r in results if r.findings] == ["SYN-LOAD-001", "SYN-LOAD-003"]


def test_results_are_deterministic() -> None:
    asset = make_asset()
    del asset["$schema"]
    asset["control"]["control_parameters"][0]["type"] = 3
    asset["bogus"] = True
    raw = json.dumps(asset, indent=2).encode()
    first = validate_bytes(raw, source="a")
    assert first == validate_bytes(raw, source="a")
    found = [(f.code, f.pointer) for f in first.findings]
    assert found[0] == ("SYN-ENV-001", "")
    assert "SYN-SCHEMA-002" in {c for c, _ in found}
    assert {c for c, p in found if p == "/control/control_parameters/0/type"} <= {
        "SYN-SCHEMA-003",
        "SYN-SCHEMA-004",
    }
    positions = [(f.line or 0, f.column or 0) for f in first.findings]
    assert positions == sorted(positions)


def value_at(data: Any, pointer: str) -> Any:
    for token in split_pointer(pointer):
        data = data[int(token)] if isinstance(data, list) else data[token]
    return data


def test_ssot_examples_parse_and_every_finding_is_located(ssot_examples: list[Path]) -> None:
    decode = json.JSONDecoder().raw_decode
    for path in ssot_examples:
        text = path.read_text(encoding="utf-8")
        checked = check_bytes(text.encode(), source=str(path))
        findings = checked.result.findings
        assert checked.data is not None and checked.result.kind is not None
        assert not [f for f in findings if f.code.startswith("SYN-LOAD")]
        envelope = [(f.code, f.pointer, f.line, f.column) for f in findings if "ENV" in f.code]
        assert envelope == [("SYN-ENV-005", "/$schema", 2, 14)]
        lines = text.split("\n")
        for item in findings:
            assert item.line is not None and item.column is not None, item
            offset = sum(len(line) + 1 for line in lines[: item.line - 1]) + item.column - 1
            assert decode(text, offset)[0] == value_at(checked.data, item.pointer), item


def test_lone_surrogates_in_parsed_data_are_findings() -> None:
    # Data parsed elsewhere (the API) never went through parse_document.
    asset = {"$schema": SCHEMA_URL, "name": "x\ud800", "description": "\udc00"}
    result = validate_data(asset, source="api")
    assert result.name is None
    assert {(f.code, f.pointer) for f in result.findings} == {
        ("SYN-LOAD-003", "/name"),
        ("SYN-LOAD-003", "/description"),
    }


CLEAN_RAW = json.dumps(make_asset(), indent=2).encode()


@given(
    cut=st.integers(0, len(CLEAN_RAW)),
    length=st.integers(0, 40),
    insert=st.binary(max_size=12)
    | st.sampled_from([b"NaN", b'"\\ud800"', b"[[[[", b"}", b'"name":', b","]),
)
def test_any_mangled_document_gives_a_result_never_an_exception(
    cut: int, length: int, insert: bytes
) -> None:
    raw = CLEAN_RAW[:cut] + insert + CLEAN_RAW[cut + length :]
    result = validate_bytes(raw, source="fuzz.json")
    assert result.source == "fuzz.json"
    for item in result.findings:  # every finding is reportable
        (item.pointer + item.message).encode("utf-8")


@given(raw=st.binary(max_size=200))
def test_arbitrary_bytes_give_a_result(raw: bytes) -> None:
    validate_bytes(raw, source="fuzz.json")


def test_a_number_that_overflows_to_infinity_is_num_001() -> None:
    asset = make_asset()
    asset["modulations"][0]["frequency"] = 12345.0
    raw = json.dumps(asset, indent=2).replace("12345.0", "1e999").encode()
    result = validate_bytes(raw, source="inf.json")
    (hit,) = [f for f in result.findings if f.code == "SYN-NUM-001"]
    assert hit.pointer == "/modulations/0/frequency"
    line = raw.decode().splitlines()[hit.line - 1]
    assert line[hit.column - 1 :].startswith("1e999")
    assert result.verdict is Verdict.FAIL
