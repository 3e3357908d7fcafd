"""What the generator loop sends: the 0.7.4 draft, fragments, foreign hosts, common mistakes."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from synharness.findings import Severity
from synharness.models import SynestheticAsset
from synharness.pipeline import check_data, validate_bytes, validate_data

from tests.factories import SCHEMA_URL, make_asset

DRAFT_URL = SCHEMA_URL.replace("/0.7.3/", "/0.7.4/")


def codes(data: dict[str, Any]) -> list[str]:
    return [f.code for f in validate_data(data, source="x").findings]


def enriched(**changes: Any) -> dict[str, Any]:
    asset = make_asset()
    asset["$schema"] = DRAFT_URL
    checked = check_data(make_asset(), source="x")
    assert isinstance(checked.model, SynestheticAsset)
    from synharness.params import asset_parameters

    inputs = [
        p for p, d in asset_parameters(checked.model).items() if "/input_parameters/" in d.pointer
    ]
    asset.update(
        asset_id="asset-1",
        prompt="a pulse ring",
        timestamp="2025-10-06T12:00:00Z",
        seed=7,
        parameter_index=inputs,
    )
    asset.update(changes)
    return asset


def test_the_enriched_draft_validates_as_0_7_3_with_one_info() -> None:
    checked = check_data(enriched(), source="x")
    assert [(f.code, f.severity) for f in checked.result.findings] == [
        ("SYN-ENRICH-001", Severity.INFO)
    ]
    assert "0.7.4" in checked.result.findings[0].message
    assert isinstance(checked.model, SynestheticAsset)


def test_the_real_findings_of_a_draft_are_still_reported() -> None:
    broken = enriched()
    broken["modulations"][0]["target"] = "shader.u_nowhere"
    assert "SYN-REF-001" in codes(broken)


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"seed": "7"}, "/seed"),
        ({"seed": True}, "/seed"),
        ({"asset_id": ""}, "/asset_id"),
        ({"asset_id": 3}, "/asset_id"),
        ({"prompt": ["a"]}, "/prompt"),
        ({"timestamp": "yesterday"}, "/timestamp"),
        ({"timestamp": 1700000000}, "/timestamp"),
        ({"parameter_index": "shader.u_radius"}, "/parameter_index"),
        ({"provenance": "labs"}, "/provenance"),
    ],
)
def test_enrichment_types_are_checked(changes: dict[str, Any], pointer: str) -> None:
    found = validate_data(enriched(**changes), source="x").findings
    assert [(f.code, f.pointer) for f in found if f.code == "SYN-ENRICH-003"] == [
        ("SYN-ENRICH-003", pointer)
    ]


def test_parameter_index_must_name_the_declared_parameters() -> None:
    ok = enriched()
    bare = enriched(parameter_index=[p.removeprefix("shader.") for p in ok["parameter_index"]])
    assert "SYN-ENRICH-002" not in codes(bare)  # bare shader names resolve like targets
    short = enriched(parameter_index=ok["parameter_index"][1:])
    found = [f for f in validate_data(short, source="x").findings if f.code == "SYN-ENRICH-002"]
    assert len(found) == 1 and "omits" in found[0].message
    extra = enriched(parameter_index=[*ok["parameter_index"], "tone.nothing"])
    assert "SYN-ENRICH-002" in codes(extra)


@pytest.mark.parametrize("suffix", ["#/SynestheticAsset", "#", "#/$defs/Shader"])
def test_a_fragment_in_the_envelope_is_no_defect(suffix: str) -> None:
    for key in ("$schema", "$schemaRef"):
        asset = make_asset()
        del asset["$schema"]
        asset[key] = SCHEMA_URL + suffix
        assert set(codes(asset)) <= {"SYN-ENV-002"}
        broken = copy.deepcopy(asset)
        broken["modulations"][0]["target"] = "shader.u_nowhere"
        assert "SYN-REF-001" in codes(broken)  # the real findings are not hidden


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/0.7.3/synesthetic-asset.schema.json",
        "http://delk73.github.io/synesthetic-schemas/schema/0.7.3/synesthetic-asset.schema.json",
    ],
)
def test_a_non_canonical_host_is_a_warning(url: str) -> None:
    asset = make_asset()
    asset["$schema"] = url
    found = validate_data(asset, source="x").findings
    assert [(f.code, f.severity) for f in found] == [("SYN-ENV-007", Severity.WARNING)]


def test_relative_references_are_not_foreign_hosts() -> None:
    asset = make_asset()
    asset["$schema"] = "jsonschema/synesthetic-asset.schema.json"
    assert codes(asset) == ["SYN-ENV-005"]


def test_one_rename_in_many_places_is_one_finding() -> None:
    asset = make_asset()
    for c in asset["control"]["control_parameters"]:
        c["minimum"] = c.pop("min")
    found = validate_bytes(json.dumps(asset, indent=2).encode(), source="x").findings
    assert [f.code for f in found] == ["SYN-SCHEMA-008"]
    n = len(asset["control"]["control_parameters"])
    assert f"[{n} places:" in found[0].message and '"minimum" should be "min"' in found[0].message
    assert found[0].line is not None  # located at its first place


@pytest.mark.parametrize(
    ("old", "new"), [("meta_info", "meta"), ("rule_bundle", "ruleBundle"), ("name", "nmae")]
)
def test_common_top_level_renames(old: str, new: str) -> None:
    asset = make_asset()
    asset[new] = asset.pop(old) if old in asset else {}
    found = validate_data(asset, source="x").findings
    assert [(f.code, f.pointer) for f in found] == [("SYN-SCHEMA-008", f"/{new}")]
    assert f'Rename "{new}" to "{old}"' in found[0].hint


def test_a_wrapped_asset_is_one_cause_plus_the_inner_findings() -> None:
    inner = make_asset()
    schema = inner.pop("$schema")
    inner["modulations"][0]["frequency"] = "fast"
    found = validate_data({"$schema": schema, "asset": inner}, source="x").findings
    assert [(f.code, f.pointer) for f in found] == [
        ("SYN-SCHEMA-009", "/asset"),
        ("SYN-SCHEMA-003", "/asset/modulations/0/frequency"),
    ]


def test_a_leaked_enrichment_key_says_where_it_belongs() -> None:
    asset = make_asset(asset_id="a-1")
    (f,) = validate_data(asset, source="x").findings
    assert f.code == "SYN-SCHEMA-002" and "0.7.4" in f.hint


def test_one_cause_in_many_array_items_is_one_finding() -> None:
    asset = make_asset()
    for c in asset["control"]["control_parameters"]:
        del c["mappings"]
    found = validate_data(asset, source="x").findings
    assert len(found) == 1 and "places:" in found[0].message
