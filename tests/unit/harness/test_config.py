"""Configuration: parsing with positions, selection, per-file ignores, severities, precedence."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from synharness.cli.main import cli
from synharness.codes import finding
from synharness.config import (
    Config,
    apply_config,
    key_position,
    parse_config,
    selected,
)
from synharness.errors import ConfigError
from synharness.findings import Severity
from synharness.globs import glob_pattern
from synharness.pipeline import validate_paths
from synharness.result import AssetResult

from tests.conftest import ROOT

BROKEN = ROOT / "examples" / "broken"
STYLE = ROOT / "examples" / "style"


def render(result: Result) -> str:
    return f"exit {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("select = [\n", "x.toml:2:1: invalid TOML"),
        ('fail-on = "fatal"\n', "x.toml:1:1: fail-on is 'fatal', not one of error, warning"),
        ('\nselect = ["SYN-NOPE"]\n', "x.toml:2:1: 'SYN-NOPE' matches no known code"),
        ('ignore = "SYN-REF"\n', "x.toml:1:1: ignore must be a list of non-empty strings"),
        ("colour = true\n", "x.toml:1:1: unknown key 'colour'"),
        ('[severity]\n"SYN-REF-003" = "loud"\n', "x.toml:2:1: severity of SYN-REF-003 is 'loud'"),
        ('severity = { "SYN-REF-003" = "loud" }\n', "x.toml:1:14: severity of SYN-REF-003"),
        ('[per-file-ignores]\n"a/*.json" = "SYN-REF"\n', "x.toml:2:1: per-file-ignores 'a/*.json'"),
        ("strict = 1\n", "x.toml:1:1: strict must be true or false"),
    ],
)
def test_bad_configuration_names_file_line_and_column(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="x.toml")
    assert caught.value.message.startswith(message), caught.value.message
    assert caught.value.exit_code == 2


def test_pyproject_table_and_positions() -> None:
    text = '[project]\nname = "x"\n\n[tool.synharness]\nselect = ["SYN-REF"]\nfail-on = "nope"\n'
    with pytest.raises(ConfigError, match=r"^pyproject.toml:6:1: fail-on"):
        parse_config(text, source="pyproject.toml", pyproject=True)
    assert parse_config("[tool.ruff]\nline-length = 1\n", source="p", pyproject=True) is None
    assert key_position(text, ("tool", "synharness")) == (4, 1)


def test_keys_are_read(tmp_path: Path) -> None:
    text = """
select = ["SYN-REF", "SYN-RANGE-001"]
ignore = ["SYN-REF-005"]
fail-on = "warning"
include = ["drafts/*.json"]
exclude = ["vendor/**"]
scenarios = "sc"
glsl-host = "host"
strict = true

[per-file-ignores]
"legacy/*.json" = ["SYN-REF-003"]

[severity]
"SYN-REF-004" = "error"
"""
    config = parse_config(text, source=str(tmp_path / "synharness.toml"))
    assert config is not None
    assert config.select == ("SYN-REF", "SYN-RANGE-001") and config.ignore == ("SYN-REF-005",)
    assert config.fail_on is Severity.WARNING and config.strict is True
    assert config.per_file_ignores == (("legacy/*.json", ("SYN-REF-003",)),)
    assert config.severity == (("SYN-REF-004", Severity.ERROR),)
    assert config.scenarios == tmp_path / "sc" and config.root == tmp_path
    assert config.glsl_host == "host"


def test_longest_selector_decides() -> None:
    config = Config(select=("SYN-REF-001",), ignore=("SYN-REF",))
    assert selected("SYN-REF-001", config) and not selected("SYN-REF-003", config)
    assert not selected("SYN-RANGE-001", config)  # select names what is kept
    assert selected("SYN-RANGE-001", Config(ignore=("SYN-REF",)))
    assert not selected("SYN-REF-001", Config(select=("SYN-REF-001",), ignore=("SYN-REF-001",)))


@pytest.mark.parametrize(
    ("glob", "path", "hit"),
    [
        ("*.json", "a/b/c.json", True),
        ("legacy/*.json", "legacy/x.json", True),
        ("legacy/*.json", "x/legacy/x.json", False),
        ("legacy/*.json", "legacy/sub/x.json", False),
        ("**/legacy/*.json", "x/legacy/x.json", True),
        ("node_modules", "a/node_modules/p/package.json", True),
        ("vendor/**", "vendor/a/b.json", True),
        ("a/[bc].json", "a/c.json", True),
        ("a/[!bc].json", "a/c.json", False),
        ("a?.json", "ab.json", True),
        ("a?.json", "a/.json", False),
    ],
)
def test_globs(glob: str, path: str, hit: bool) -> None:
    assert bool(glob_pattern(glob).match(path)) is hit


def broken_results() -> list[AssetResult]:
    return validate_paths([str(BROKEN / "legacy-namespaces.json"), str(STYLE / "bare-name.json")])


def test_apply_config_changes_exactly_what_it_says(tmp_path: Path) -> None:
    results = broken_results()
    codes = [[f.code for f in r.findings] for r in results]
    assert codes == [["SYN-REF-003", "SYN-REF-003"], ["SYN-REF-004"]]
    root = BROKEN.parent.parent
    # ignore: the code is gone everywhere, nothing else changes.
    ignored = apply_config(results, Config(root=root, ignore=("SYN-REF-003",)), cwd=root)
    assert [[f.code for f in r.findings] for r in ignored] == [[], ["SYN-REF-004"]]
    assert ignored[1] is results[1]
    # per-file-ignores: only in the files the glob matches.
    per_file = Config(root=root, per_file_ignores=(("bare-*.json", ("SYN-REF",)),))
    filtered = apply_config(results, per_file, cwd=root)
    assert filtered[0] is results[0] and filtered[1].findings == ()
    assert filtered[1].verdict.value == "pass"
    # severity: the one code changes level, the verdict follows, the rest is equal.
    graded = apply_config(
        results, Config(root=root, severity=(("SYN-REF-004", Severity.ERROR),)), cwd=root
    )
    assert graded[0] is results[0]
    (item,) = graded[1].findings
    assert item.severity is Severity.ERROR and graded[1].verdict.value == "fail"
    assert item.model_copy(update={"severity": Severity.INFO}) == results[1].findings[0]
    # The longest severity selector wins over a shorter one.
    both = Config(severity=(("SYN-REF-004", Severity.INFO), ("SYN-REF", Severity.ERROR)))
    assert apply_config(results, both, cwd=root)[1].findings[0].severity is Severity.INFO


def test_findings_of_other_files_match_their_own_file(tmp_path: Path) -> None:
    scenario = finding("SYN-SCN-002", "/x", "bad", file="scenarios/s.yaml")
    result = AssetResult(source="scenarios/s.yaml", findings=(scenario,))
    config = Config(root=tmp_path, per_file_ignores=(("scenarios/*.yaml", ("SYN-SCN",)),))
    assert apply_config([result], config, cwd=tmp_path)[0].findings == ()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "assets" / "legacy").mkdir(parents=True)
    (tmp_path / "assets" / "legacy" / "l.json").write_bytes(
        (BROKEN / "legacy-namespaces.json").read_bytes()
    )
    (tmp_path / "assets" / "bare.json").write_bytes((STYLE / "bare-name.json").read_bytes())
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    return tmp_path


def validate(*args: str) -> Result:
    return CliRunner().invoke(cli, ["validate", "--format", "concise", *args])


def test_config_file_found_walking_up_and_precedence(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.synharness]\nfail-on = "warning"\n\n[tool.synharness.per-file-ignores]\n'
        '"legacy/*.json" = ["SYN-REF-003"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(project)
    result = validate("assets")
    assert result.exit_code == 1, render(result)  # fail-on warning from the file
    assert (
        "SYN-REF-003" in result.stdout
    )  # the glob is anchored at the root: assets/legacy ≠ legacy
    # strict: SYN-REF-004 (an info since issue 17) is a warning again.
    (project / "pyproject.toml").write_text(
        '[tool.synharness]\nfail-on = "warning"\nstrict = true\n\n'
        '[tool.synharness.per-file-ignores]\n"assets/legacy/*.json" = ["SYN-REF-003"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(project / "sub" / "deeper")
    result = validate("../../assets")
    assert "SYN-REF-003" not in result.stdout and "SYN-REF-004" in result.stdout, render(result)
    assert result.exit_code == 1
    # Flags > file: --fail-on error wins over the file's warning.
    assert validate("--fail-on", "error", "../../assets").exit_code == 0
    # A synharness.toml nearer the working directory wins, and replaces the pyproject's.
    (project / "sub" / "synharness.toml").write_text('ignore = ["SYN-REF"]\n', encoding="utf-8")
    quiet = validate("../../assets")
    assert quiet.exit_code == 0 and quiet.stdout == "", render(quiet)
    # --config names a file; a flag replaces that key of the file.
    named = validate(
        "--config", str(project / "pyproject.toml"), "--ignore", "SYN-REF-004", "../../assets"
    )
    assert "SYN-REF-004" not in named.stdout and "SYN-REF-003" not in named.stdout, render(named)


def test_bad_config_is_a_usage_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "synharness.toml").write_text(
        'select = ["SYN-REF"]\nfail-on = 3\n', encoding="utf-8"
    )
    monkeypatch.chdir(project)
    for command in (["validate", "assets"], ["run", "assets"], ["fix", "--check", "assets"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2, render(result)
        assert "synharness.toml:2:1: fail-on is 3, not one of error, warning" in result.stderr
    bad_flag = CliRunner().invoke(
        cli, ["validate", "--config", "/dev/null", "--select", "SYN-X", "assets"]
    )
    assert bad_flag.exit_code == 2 and "SYN-X" in bad_flag.stderr


def test_severity_and_per_file_flags(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    graded = validate("--severity", "SYN-REF-004=error", "assets/bare.json")
    assert graded.exit_code == 1 and "SYN-REF-004 error" in graded.stdout, render(graded)
    dropped = validate("--per-file-ignores", "bare.json:SYN-REF-004", "assets/bare.json")
    assert dropped.exit_code == 0 and dropped.stdout == "", render(dropped)
    assert validate("--severity", "SYN-REF-004", "assets").exit_code == 2


def test_scenarios_folder_of_the_config(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    (project / "synharness.toml").write_text('\nscenarios = "nope"\n', encoding="utf-8")
    missing = CliRunner().invoke(cli, ["run", "assets", "--quiet", "--report-dir", "out"])
    assert missing.exit_code == 2 and "synharness.toml:2:1: scenarios " in missing.stderr
    (project / "sc").mkdir()
    (project / "sc" / "bad.yaml").write_text("name: [\n", encoding="utf-8")
    (project / "synharness.toml").write_text('scenarios = "sc"\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["run", "assets/bare.json", "--format", "concise", "--report-dir", "out"]
    )
    assert "sc/bad.yaml" in result.stdout and "SYN-SCN-002" in result.stdout, render(result)
    assert result.exit_code == 1
