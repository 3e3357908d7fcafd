"""``synharness fix``: golden diffs and patches, fewer findings and no new ones, formatting kept.

The goldens in ``tests/fixtures/fix/`` hold, per source file, the unified diff
of its text (``<stem>.diff``) and the RFC 6902 patch (``<stem>.patch.json``).
A changed golden is a changed fix: review the diff before regenerating it.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import jsonpatch
import pytest
from click.testing import CliRunner
from synharness.cli.main import cli
from synharness.codes import finding
from synharness.config import Config
from synharness.fixes import FIXABLE, fix_document, verify
from synharness.pipeline import validate_bytes

from tests.conftest import ROOT, ssot_example_paths
from tests.factories import SCHEMA_URL, make_asset

GOLDEN = ROOT / "tests" / "fixtures" / "fix"
BROKEN = ROOT / "examples" / "broken"
STYLE = ROOT / "examples" / "style"  # infos since issue 17, still fixable
REPO_SOURCES = [
    BROKEN / "legacy-namespaces.json",
    STYLE / "bare-name.json",
    STYLE / "hex-colour-default.json",
]


def golden_stem(path: Path) -> str:
    return ("ssot-" if path.parent.parent.name == "0.7.3" else "") + path.stem


def identities(raw: bytes) -> set[tuple[str, str]]:
    result = validate_bytes(raw, source="x")
    return {(f.code, f.pointer.replace("/$schemaRef", "/$schema")) for f in result.findings}


def check_golden(path: Path) -> None:
    raw = path.read_bytes()
    outcome = fix_document(raw, source=path.name)
    assert outcome.refused is None and outcome.changed
    before = raw.decode("utf-8")
    diff = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            outcome.text.splitlines(keepends=True),
            fromfile=f"a/{path.name}",
            tofile=f"b/{path.name}",
        )
    )
    stem = golden_stem(path)
    assert diff == (GOLDEN / f"{stem}.diff").read_text(encoding="utf-8")
    patch = json.loads((GOLDEN / f"{stem}.patch.json").read_text(encoding="utf-8"))
    assert list(outcome.patch) == patch
    # The patch applied to the original is the fixed document.
    assert jsonpatch.apply_patch(json.loads(before), patch) == json.loads(outcome.text)
    # Fewer findings, none new; every fixable finding of the original is gone.
    old, new = identities(raw), identities(outcome.text.encode("utf-8"))
    assert new < old
    assert not {i for i in new if i[0] in FIXABLE and i[0] != "SYN-ENV-005"}
    assert "SYN-ENV-005" not in {code for code, _ in new}
    # Formatting kept: the golden diff shows every changed line; the final newline stays.
    assert outcome.text.endswith("\n") == before.endswith("\n")


@pytest.mark.parametrize("path", REPO_SOURCES, ids=lambda p: p.name)
def test_golden_fix_of_broken_examples(path: Path) -> None:
    check_golden(path)


@pytest.mark.parametrize("path", ssot_example_paths(), ids=lambda p: p.name)
def test_golden_fix_of_the_legacy_corpus(path: Path) -> None:
    check_golden(path)


def test_corpus_goldens_exist_for_every_corpus_file(ssot_examples: list[Path]) -> None:
    assert {golden_stem(p) for p in ssot_examples} <= {
        p.name.removesuffix(".diff") for p in GOLDEN.glob("*.diff")
    }


def test_schema_ref_is_renamed_and_versioned() -> None:
    doc = make_asset()
    doc.pop("$schema", None)
    text = json.dumps({"$schemaRef": "jsonschema/synesthetic-asset.schema.json", **doc}, indent=4)
    outcome = fix_document(text.encode(), source="a.json")
    assert outcome.refused is None
    assert outcome.patch == (
        {"op": "move", "from": "/$schemaRef", "path": "/$schema"},
        {"op": "replace", "path": "/$schema", "value": SCHEMA_URL},
    )
    assert outcome.text.startswith('{\n    "$schema": "' + SCHEMA_URL + '",\n    "name"')
    assert set(outcome.fixed) == {("SYN-ENV-002", "/$schema"), ("SYN-ENV-005", "/$schema")}
    assert not text.endswith("\n") and not outcome.text.endswith("\n")


def test_clean_and_unparsable_documents_are_left_alone() -> None:
    clean = (ROOT / "examples" / "heartbeat.json").read_bytes()
    assert not fix_document(clean, source="h.json").changed
    assert not fix_document((BROKEN / "malformed-json.json").read_bytes(), source="m.json").changed


def test_ignored_codes_are_not_fixed(tmp_path: Path) -> None:
    raw = (BROKEN / "legacy-namespaces.json").read_bytes()
    config = Config(root=tmp_path, ignore=("SYN-REF-003",))
    assert not fix_document(raw, source="l.json", config=config, cwd=tmp_path).changed


def test_verify_refuses_new_findings_and_matches_schema_ref_to_schema() -> None:
    legacy = finding("SYN-REF-003", "/control/control_parameters/0/parameter", "legacy")
    ref = finding("SYN-ENV-002", "/$schemaRef", "legacy name")
    dup = finding("SYN-DUP-004", "/control/control_parameters/1", "same input")
    assert verify([legacy, ref], []) == (
        (("SYN-ENV-002", "/$schema"), ("SYN-REF-003", "/control/control_parameters/0/parameter")),
        None,
    )
    fixed, refusal = verify([legacy], [dup])
    assert fixed == (("SYN-REF-003", "/control/control_parameters/0/parameter"),)
    assert refusal == "the fix would add findings: SYN-DUP-004 at /control/control_parameters/1"
    # A finding whose message changes (its target was renamed) is the same finding.
    moved = finding("SYN-RANGE-004", "/control/control_parameters/0", "now tone.volume")
    assert verify([moved.model_copy(update={"message": "audio.volume"})], [moved])[1] is None


def test_cli_fix_check_diff_and_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "legacy.json"
    original = (BROKEN / "legacy-namespaces.json").read_bytes()
    target.write_bytes(original)
    (tmp_path / "package.json").write_text('{"name": "x"}\n', encoding="utf-8")
    runner = CliRunner()
    check = runner.invoke(cli, ["fix", "--check", "."])
    assert check.exit_code == 1, check.output
    assert target.read_bytes() == original
    diff = runner.invoke(cli, ["fix", "--diff", "legacy.json"])
    assert diff.exit_code == 0, diff.output
    assert json.loads(diff.stdout) == {
        "legacy.json": json.loads((GOLDEN / "legacy-namespaces.patch.json").read_text())
    }
    assert target.read_bytes() == original
    done = runner.invoke(cli, ["fix", "."])
    assert done.exit_code == 0, done.output
    assert "fixed 2 findings in 1 of 1 file" in done.stderr
    assert target.read_bytes() != original
    again = runner.invoke(cli, ["fix", "--check", "."])
    assert again.exit_code == 0, again.output
    assert runner.invoke(cli, ["fix", "nowhere.json"]).exit_code == 2
