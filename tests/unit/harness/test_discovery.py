"""Discovery: folders yield synesthetic documents; package.json, tsconfig.json, EXPECTED.json are skipped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from synharness.cli.main import cli
from synharness.config import Config
from synharness.discovery import PEEK_BYTES, discover, names_synesthetic_schema, schema_claim
from synharness.errors import NoDocumentsError, PathNotFoundError

from tests.conftest import ROOT
from tests.factories import SCHEMA_URL, make_asset

ASSET = (ROOT / "examples" / "heartbeat.json").read_bytes()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "assets" / "deep").mkdir(parents=True)
    (tmp_path / "assets" / "a.json").write_bytes(ASSET)
    (tmp_path / "assets" / "deep" / "b.json").write_bytes(ASSET)
    (tmp_path / "package.json").write_text('{"name": "web", "version": "1.0.0"}\n')
    (tmp_path / "tsconfig.json").write_text(
        '{\n  "$schema": "https://json.schemastore.org/tsconfig",\n  // comments are fine here\n}\n'
    )
    (tmp_path / "assets" / "EXPECTED.json").write_text('{"a.json": ["SYN-REF-001"]}\n')
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "asset.json").write_bytes(ASSET)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "asset.json").write_bytes(ASSET)
    return tmp_path


def names(paths: list[str], tree: Path, **kwargs: object) -> tuple[list[str], dict[str, str]]:
    found = discover(paths, cwd=tree, **kwargs)  # type: ignore[arg-type]
    return [s.name for s in found.sources], dict(found.skipped)


@pytest.mark.parametrize(
    ("value", "ours"),
    [
        (SCHEMA_URL, True),
        ("jsonschema/synesthetic-asset.schema.json", True),
        ("shader.schema.json", True),
        ("0.7.3/rule-bundle.schema.json", True),
        ("https://delk73.github.io/synesthetic-schemas/schema/0.8.0/whatever", True),
        ("https://json.schemastore.org/tsconfig", False),
        ("https://json-schema.org/draft/2020-12/schema", False),
        ("report.schema.json", False),
    ],
)
def test_names_synesthetic_schema(value: str, ours: bool) -> None:
    assert names_synesthetic_schema(value) is ours


def test_schema_claim_reads_only_the_member() -> None:
    assert schema_claim(b'{"$schemaRef": "jsonschema/tone.schema.json"}') is True
    assert schema_claim(b'{"name": "no schema"}') is None
    assert schema_claim(b'{"$schema": "https:\\/\\/json.schemastore.org\\/package"}') is False


def test_folder_yields_only_synesthetic_documents(tree: Path) -> None:
    found, skipped = names(["."], tree)
    assert found == ["assets/a.json", "assets/deep/b.json"]
    assert skipped == {
        "assets/EXPECTED.json": "no $schema",
        "package.json": "no $schema",
        "tsconfig.json": "its $schema names no synesthetic-schemas schema",
    }


def test_the_examples_folder_skips_expected_json() -> None:
    found = discover(["examples/broken"], cwd=ROOT)
    assert "examples/broken/EXPECTED.json" in dict(found.skipped)
    assert len(found.sources) == len(
        json.loads((ROOT / "examples/broken/EXPECTED.json").read_text())
    )


def test_named_files_are_always_validated_unless_filtered(tree: Path) -> None:
    found, _ = names(["package.json", "assets/a.json"], tree)
    assert found == ["package.json", "assets/a.json"]
    found, skipped = names(
        ["package.json", "tsconfig.json", "assets/a.json"], tree, filter_named=True
    )
    assert found == ["assets/a.json"] and set(skipped) == {"package.json", "tsconfig.json"}


def test_include_and_exclude(tree: Path) -> None:
    doc = make_asset()
    doc.pop("$schema", None)
    (tree / "assets" / "drafts").mkdir()
    (tree / "assets" / "drafts" / "no-schema.json").write_text(json.dumps(doc))
    config = Config(root=tree, include=("assets/drafts/*.json",), exclude=("deep",))
    found, _ = names(["assets"], tree, config=config)
    assert found == ["assets/a.json", "assets/drafts/no-schema.json"]
    assert "assets/deep/b.json" not in found


def test_globs_follow_the_rules_and_errors(tree: Path) -> None:
    found, _ = names(["*.json", "assets/**/*.json"], tree, implicit=True)
    assert found == ["assets/a.json", "assets/deep/b.json"]
    with pytest.raises(NoDocumentsError, match="no synesthetic document"):
        names(["*.json"], tree)
    (tree / "empty").mkdir()
    with pytest.raises(NoDocumentsError, match=r"no \*\.json file"):
        names(["empty"], tree)
    with pytest.raises(PathNotFoundError):
        names(["missing.json"], tree)


def test_a_late_schema_is_found_in_a_large_head(tree: Path) -> None:
    doc = make_asset()
    url = doc.pop("$schema")
    padded = json.dumps({"description": "x" * (PEEK_BYTES + 10), **doc, "$schema": url})
    (tree / "assets" / "late.json").write_text(padded)
    found, _ = names(["assets"], tree)
    assert "assets/late.json" in found


def test_pre_commit_hook_skips_package_json(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    program, *args = hook["entry"].split()
    assert program == "synharness" and hook["files"] == "\\.json$"
    monkeypatch.chdir(tree)
    staged = ["package.json", "tsconfig.json", "assets/EXPECTED.json", "assets/a.json"]
    result = CliRunner().invoke(cli, [*args, *staged])
    assert result.exit_code == 0, result.output
    assert "PASS  assets/a.json" in result.stdout and "package.json" not in result.stdout
    shutil.copy(ROOT / "examples" / "broken" / "undeclared-target.json", tree / "bad.json")
    failing = CliRunner().invoke(cli, [*args, "package.json", "bad.json"])
    assert failing.exit_code == 1 and "SYN-REF-001" in failing.stdout
    only_other = CliRunner().invoke(cli, [*args, "package.json", "tsconfig.json"])
    assert only_other.exit_code == 0, only_other.output


def test_verbose_lists_skipped_files(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    quiet = CliRunner().invoke(cli, ["validate", "."])
    assert "skipped 3 JSON files" in quiet.stderr
    verbose = CliRunner().invoke(cli, ["validate", "-v", "."])
    assert "skipped package.json: no $schema" in verbose.stderr
    assert "validated: 2 in " in verbose.stderr


def test_run_without_paths_and_without_examples_discovers(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    result = CliRunner().invoke(cli, ["run", "--format", "json", "--report-dir", "out", "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads((tree / "out" / "report.json").read_text())
    assert [a["source"] for a in report["assets"]] == ["assets/a.json", "assets/deep/b.json"]
    empty = tree / "nothing"
    empty.mkdir()
    monkeypatch.chdir(empty)
    none = CliRunner().invoke(cli, ["run", "--format", "json", "--report-dir", "out", "--quiet"])
    assert none.exit_code == 0 and "no synesthetic documents found in ." in none.stderr
