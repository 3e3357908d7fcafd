"""``synharness validate`` end to end through click's CliRunner.

Broken inputs give findings and exit 1, never a traceback; usage errors exit 2
with one line on stderr; the JSON report is report version 1.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from synharness.cli.main import cli

from tests.conftest import CODE_FIXTURES
from tests.factories import SCHEMA_URL, make_asset

RunCli = Callable[..., Result]

#: One broken input per kind of loading failure, with the code it must produce.
BROKEN: dict[str, tuple[bytes, str]] = {
    "malformed.json": (b'{"name": "x",}', "SYN-LOAD-001"),
    "empty.json": (b"", "SYN-LOAD-002"),
    "latin1.json": ('{"name": "Caf\xe9"}'.encode("latin-1"), "SYN-LOAD-003"),
    "nan.json": (b'{"name": "x", "meta_info": {"v": NaN}}', "SYN-LOAD-004"),
    "duplicate.json": (b'{"name": "x", "name": "y"}', "SYN-LOAD-005"),
    "deep.json": (b'{"meta_info": ' + b"[" * 80 + b"]" * 80 + b"}", "SYN-LOAD-006"),
    "array.json": (b"[]", "SYN-LOAD-008"),
    "schema-number.json": (b'{"$schema": 3, "name": "x"}', "SYN-ENV-006"),
}

#: An asset cut short after its $schema: malformed, yet discovery takes it from a
#: folder (which yields the files that name a synesthetic-schemas $schema).
CUT_SHORT = b'{"$schema": "' + SCHEMA_URL.encode() + b'", "name": '


def render(result: Result) -> str:
    return f"exit {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


@pytest.fixture
def run_cli() -> RunCli:
    def run(*args: str, input: bytes | None = None) -> Result:
        return CliRunner().invoke(cli, ["validate", *args], input=input, catch_exceptions=False)

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, bytes], Path]:
    def write_file(name: str, raw: bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        return path

    return write_file


def clean_bytes() -> bytes:
    return json.dumps(make_asset(), indent=2).encode()


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.stdout + result.stderr, render(result)
    assert result.exception is None or isinstance(result.exception, SystemExit), render(result)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_input_is_a_finding(
    run_cli: RunCli, write: Callable[[str, bytes], Path], name: str
) -> None:
    raw, code = BROKEN[name]
    result = run_cli(str(write(name, raw)))
    assert result.exit_code == 1, render(result)
    assert_no_traceback(result)
    assert f"FAIL  {write(name, raw)}" in result.stdout
    assert code in result.stdout


def test_too_large_file(run_cli: RunCli, write: Callable[[str, bytes], Path]) -> None:
    result = run_cli("--max-bytes", "1k", str(write("a.json", clean_bytes())))
    assert result.exit_code == 1, render(result)
    assert "SYN-LOAD-007" in result.stdout and "over the limit of 1000 bytes" in result.stdout


def test_unreadable_file(run_cli: RunCli, tmp_path: Path) -> None:
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling.json")
    result = run_cli(str(tmp_path / "dangling.json"))
    assert result.exit_code == 1, render(result)
    assert "SYN-LOAD-009" in result.stdout


def test_a_batch_with_one_bad_file_reports_the_good_ones(
    run_cli: RunCli, write: Callable[[str, bytes], Path], tmp_path: Path
) -> None:
    write("a-good.json", clean_bytes())
    write("b-bad.json", CUT_SHORT)
    write("c-good.json", clean_bytes())
    result = run_cli(str(tmp_path))
    assert result.exit_code == 1, render(result)
    verdicts = [
        line.split()[0] for line in result.stdout.splitlines() if line[:4] in {"PASS", "FAIL"}
    ]
    assert verdicts == ["PASS", "FAIL", "PASS"]
    assert result.stdout.rstrip().endswith("2 passed, 0 warned, 1 failed")


def test_clean_asset_exits_0(run_cli: RunCli, write: Callable[[str, bytes], Path]) -> None:
    path = write("a.json", clean_bytes())
    result = run_cli(str(path))
    assert result.exit_code == 0, render(result)
    assert result.stdout.splitlines()[0] == f"PASS  {path}  (Factory Pulse)"


def test_stdin(run_cli: RunCli) -> None:
    result = run_cli("-", input=clean_bytes())
    assert result.exit_code == 0, render(result)
    assert result.stdout.startswith("PASS  <stdin>  (Factory Pulse)")
    broken = run_cli("-", input=b"[1]")
    assert broken.exit_code == 1 and "SYN-LOAD-008" in broken.stdout


def test_globs(run_cli: RunCli, write: Callable[[str, bytes], Path], tmp_path: Path) -> None:
    write("one.json", clean_bytes())
    write("two.json", clean_bytes())
    write("sub/three.json", CUT_SHORT)
    result = run_cli(str(tmp_path / "*.json"))
    assert result.exit_code == 0, render(result)
    assert result.stdout.count("PASS  ") == 2 and "three" not in result.stdout
    recursive = run_cli(str(tmp_path / "**" / "*.json"))
    assert recursive.exit_code == 1 and "three.json" in recursive.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["does-not-exist.json"],
        ["nothing-matches-*.json"],
        ["--format", "yaml", "x.json"],
        ["--fail-on", "info", "x.json"],
        ["--max-bytes", "lots", "x.json"],
        ["--schema-dir", "no-such-dir", "x.json"],
        [],
    ],
)
def test_usage_errors_exit_2(run_cli: RunCli, args: list[str]) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2, render(result)
    assert result.stdout == ""
    assert_no_traceback(result)
    assert "Error:" in result.stderr


def test_missing_path_is_one_line_and_nothing_is_validated(
    run_cli: RunCli, write: Callable[[str, bytes], Path]
) -> None:
    good = write("good.json", clean_bytes())
    result = run_cli(str(good), "missing.json")
    assert result.exit_code == 2, render(result)
    assert result.stdout == ""
    assert result.stderr.strip() == "Error: missing.json: no such file or directory"


def test_unusable_schema_dir_exits_2(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "a.json").write_bytes(clean_bytes())
    result = run_cli("--schema-dir", str(tmp_path / "schemas"), str(tmp_path / "a.json"))
    assert result.exit_code == 2, render(result)
    assert_no_traceback(result)
    assert "schemas" in result.stderr


def test_fail_on_warning(run_cli: RunCli, write: Callable[[str, bytes], Path]) -> None:
    asset = make_asset()
    asset["rule_bundle"]["rules"][0]["effects"] = []  # SYN-RULE-006 is a warning
    path = write("a.json", json.dumps(asset).encode())
    assert run_cli(str(path)).exit_code == 0
    result = run_cli("--fail-on", "warning", str(path))
    assert result.exit_code == 1, render(result)
    assert result.stdout.startswith("WARN  ")
    assert "  warning SYN-RULE-006 /rule_bundle/rules/0/effects " in result.stdout


def test_strict_raises_style_infos_to_warnings(
    run_cli: RunCli, write: Callable[[str, bytes], Path]
) -> None:
    asset = make_asset()
    del asset["$schema"]  # SYN-ENV-001: an info, a warning under --strict
    path = write("a.json", json.dumps(asset).encode())
    relaxed = run_cli("--fail-on", "warning", str(path))
    assert relaxed.exit_code == 0, render(relaxed)
    assert "  info SYN-ENV-001 <root> 1:1 " in relaxed.stdout
    strict = run_cli("--strict", "--fail-on", "warning", str(path))
    assert strict.exit_code == 1, render(strict)
    assert strict.stdout.startswith("WARN  ")
    assert "  warning SYN-ENV-001 <root> 1:1 " in strict.stdout


def test_json_report_version_1(
    run_cli: RunCli, write: Callable[[str, bytes], Path], tmp_path: Path
) -> None:
    write("a.json", clean_bytes())
    write("b.json", b'{\n  "$schema": "%s",\n  "name": 5\n}' % SCHEMA_URL.encode())
    result = run_cli("--format", "json", str(tmp_path))
    assert result.exit_code == 1, render(result)
    report = json.loads(result.stdout)
    assert report["report_version"] == 1
    assert report["tool"]["name"] == "synharness" and report["tool"]["schema_version"] == "0.7.3"
    assert report["summary"] == {"assets": 2, "pass": 1, "warn": 0, "fail": 1}
    first, second = report["assets"]
    assert set(first) == {
        "source",
        "name",
        "kind",
        "schema_version",
        "verdict",
        "findings",
        "scenarios",
        "score",
    }
    assert (first["verdict"], first["name"], first["kind"]) == (
        "pass",
        "Factory Pulse",
        "synesthetic-asset",
    )
    (found,) = second["findings"]
    assert found == {
        "code": "SYN-SCHEMA-003",
        "severity": "error",
        "pointer": "/name",
        "line": 3,
        "column": 11,
        # Just after the value 5: SARIF's exclusive end.
        "end_line": 3,
        "end_column": 12,
        "message": found["message"],
        "hint": found["hint"],
        "file": None,
    }
    assert result.stdout == json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    again = run_cli("--format", "json", str(tmp_path))
    assert again.stdout == result.stdout


def test_output_file(run_cli: RunCli, write: Callable[[str, bytes], Path], tmp_path: Path) -> None:
    path = write("a.json", clean_bytes())
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    result = run_cli("--format", "json", "--output", str(target), str(path))
    assert result.exit_code == 0, render(result)
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["pass"] == 1


def test_quiet_lists_only_assets_that_did_not_pass(
    run_cli: RunCli, write: Callable[[str, bytes], Path], tmp_path: Path
) -> None:
    write("a.json", clean_bytes())
    write("b.json", CUT_SHORT)
    result = run_cli("-q", str(tmp_path))
    assert result.stdout.splitlines()[0].startswith("FAIL  ")
    assert "hint:" not in result.stdout and "PASS" not in result.stdout


@pytest.mark.parametrize("code", ["SYN-LOAD-001", "SYN-ENV-003", "SYN-ENV-004"])
def test_code_fixtures_through_the_cli(run_cli: RunCli, code: str) -> None:
    result = run_cli(str(CODE_FIXTURES / code / "fail.json"))
    assert result.exit_code == 1, render(result)
    assert code in result.stdout


def test_ssot_examples_report_pointers_with_positions(
    run_cli: RunCli, ssot_examples: list[Path]
) -> None:
    result = run_cli("--format", "json", *map(str, ssot_examples))
    assert result.exit_code in (0, 1), render(result)
    report = json.loads(result.stdout)
    assert [a["source"] for a in report["assets"]] == [str(p) for p in ssot_examples]
    for asset, path in zip(report["assets"], ssot_examples, strict=True):
        lines = path.read_text(encoding="utf-8").split("\n")
        assert asset["kind"] is not None and asset["schema_version"] == "0.7.3"
        for found in asset["findings"]:
            assert found["line"] is not None, found
            last = found["pointer"].rsplit("/", 1)[-1]
            line = lines[found["line"] - 1]
            # The column names the value; for an object member the key precedes it on the line.
            if last and not last.isdigit():
                assert f'"{last}"' in line[: found["column"] - 1], (found, line)


def test_lone_surrogate_is_a_finding(run_cli: RunCli, write: Callable[[str, bytes], Path]) -> None:
    path = write("s.json", b'{"$schema": "%s", "name": "\\ud800"}' % SCHEMA_URL.encode())
    for fmt in ("text", "json"):
        result = run_cli("--format", fmt, str(path))
        assert result.exit_code == 1, render(result)
        assert_no_traceback(result)
        assert "SYN-LOAD-003" in result.stdout


def test_report_dir_writes_each_format_and_keeps_text_on_stdout(
    run_cli: RunCli, write: Callable[[str, bytes], Path], tmp_path: Path
) -> None:
    path = write("a.json", clean_bytes())
    out = tmp_path / "reports"
    result = run_cli("--report-dir", str(out), "--format", "json", "--format", "sarif", str(path))
    assert result.exit_code == 0, render(result)
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "report.sarif"]
    assert json.loads((out / "report.json").read_text())["summary"]["pass"] == 1
    assert json.loads((out / "report.sarif").read_text())["version"] == "2.1.0"
    assert "1 passed, 0 warned, 0 failed" in result.stdout


def test_report_dir_defaults_to_every_format(
    run_cli: RunCli, write: Callable[[str, bytes], Path], tmp_path: Path
) -> None:
    path = write("a.json", clean_bytes())
    out = tmp_path / "reports"
    result = run_cli("--report-dir", str(out), str(path))
    assert result.exit_code == 0, render(result)
    names = {p.name for p in out.iterdir()}
    assert {"report.json", "junit.xml", "report.sarif", "report.md", "report.html"} <= names


def test_several_formats_without_report_dir_is_a_usage_error(
    run_cli: RunCli, write: Callable[[str, bytes], Path]
) -> None:
    path = write("a.json", clean_bytes())
    result = run_cli("--format", "json", "--format", "sarif", str(path))
    assert result.exit_code == 2 and "--report-dir" in result.stderr
