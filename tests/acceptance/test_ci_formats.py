"""CI formats through the CLI: concise and GitHub lines for every broken example, GitLab JSON.

Each file of ``examples/broken/`` must give, for every code its
``EXPECTED.json`` names, a concise line ``path:line:col: CODE severity message``
and a workflow command ``::error|warning file=path,line=L,col=C,...,title=CODE::``
at the same line and column as the JSON report's finding.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from synharness.cli.main import cli

from tests.conftest import ROOT

BROKEN = ROOT / "examples" / "broken"
EXPECTED: dict[str, list[str]] = json.loads((BROKEN / "EXPECTED.json").read_text(encoding="utf-8"))
GITHUB = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def render(result: Result) -> str:
    return f"exit {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def validate(*args: str) -> Result:
    return CliRunner().invoke(cli, ["validate", *args])


def positions(path: str) -> dict[str, set[tuple[int, int, str]]]:
    """Code -> {(line, column, severity)} from the JSON report (the reference)."""
    report = json.loads(validate("--format", "json", path).stdout)
    out: dict[str, set[tuple[int, int, str]]] = {}
    for f in report["assets"][0]["findings"]:
        out.setdefault(f["code"], set()).add((f["line"], f["column"], f["severity"]))
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=str)
def test_concise_lines_of_each_broken_example(name: str) -> None:
    path = f"examples/broken/{name}"
    result = CliRunner().invoke(cli, ["validate", "--format", "concise", str(ROOT / path)])
    assert result.exit_code in (0, 1), render(result)
    reference = positions(str(ROOT / path))
    seen: dict[str, set[tuple[int, int, str]]] = {}
    for line in result.stdout.splitlines():
        match = re.fullmatch(
            r"(?P<path>.+):(\d+):(\d+): (SYN-[A-Z]+-\d{3}) (error|warning|info) .+", line
        )
        assert match, line
        assert match["path"] == str(ROOT / path)
        seen.setdefault(match[4], set()).add((int(match[2]), int(match[3]), match[5]))
    for code in EXPECTED[name]:
        assert seen.get(code), f"{name}: no concise line for {code}\n{result.stdout}"
        assert seen[code] == reference[code]


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=str)
def test_github_annotations_of_each_broken_example(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    path = f"examples/broken/{name}"
    result = validate("--format", "github", path)
    reference = positions(path)
    seen: dict[str, set[tuple[int, int, str]]] = {}
    for line in result.stdout.splitlines():
        match = GITHUB.match(line)
        assert match, line
        props = dict(p.split("=", 1) for p in match["props"].split(","))
        assert props["file"] == path
        level = {"error": "error", "warning": "warning", "notice": "info"}[match[1]]
        seen.setdefault(props["title"], set()).add((int(props["line"]), int(props["col"]), level))
        assert "\n" not in match["message"]
    for code in EXPECTED[name]:
        assert seen[code] == reference[code], f"{name}: {code}\n{result.stdout}"


def test_github_escaping_of_messages_and_properties() -> None:
    from synharness.codes import finding
    from synharness.reports.github import annotation, escape_data, escape_property

    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    item = finding("SYN-REF-001", "/a", "bad, really: 100%").located(3, 4, 3, 9)
    line = annotation(item, "dir,with:odd.json")
    assert line == (
        "::error file=dir%2Cwith%3Aodd.json,line=3,col=4,endLine=3,endColumn=8,title=SYN-REF-001"
        "::bad, really: 100%25 (at /a)%0AHint: " + item.hint.replace("%", "%25")
    )


def test_gitlab_code_quality(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = validate("--format", "gitlab", "examples/broken/")
    assert result.exit_code == 1, render(result)
    issues = json.loads(result.stdout)
    assert issues and len({i["fingerprint"] for i in issues}) == len(issues)
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"].startswith("examples/broken/")
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["description"].startswith(issue["check_name"] + ": ")
    by_file = {(i["location"]["path"], i["check_name"]) for i in issues}
    for name, codes in EXPECTED.items():
        for code in codes:
            assert (f"examples/broken/{name}", code) in by_file
    # The fingerprint ignores lines: the same findings give the same fingerprints.
    assert json.loads(validate("--format", "gitlab", "examples/broken/").stdout) == issues


def test_run_prints_concise_findings_first_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CI", "true")
    # --strict: SYN-REF-004 is an info since issue 17, a warning under the strict profile.
    path = "examples/style/bare-name.json"
    result = CliRunner().invoke(
        cli, ["run", path, "--strict", "--report-dir", str(tmp_path), "--format", "json"]
    )
    assert result.exit_code == 0, render(result)
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}:208:22: SYN-REF-004 warning ")
    assert "synharness" in lines[1]  # the table's title follows the findings
    assert lines[-1].startswith("1 asset: 0 pass, 1 warn, 0 fail")
    github = CliRunner().invoke(
        cli, ["run", path, "--strict", "--report-dir", str(tmp_path), "--format", "github"]
    )
    assert github.stdout.startswith("::warning file=examples/style/bare-name.json,line=208,col=22")
    assert not (tmp_path / "annotations.txt").exists()  # log formats go to stdout, not files


def test_in_ci_detection() -> None:
    from synharness.cli.configuring import in_ci

    assert in_ci({"CI": "true"}, stdout_tty=True)
    assert in_ci({}, stdout_tty=False)
    assert not in_ci({}, stdout_tty=True)
    assert not in_ci({"CI": "false"}, stdout_tty=True)


def test_run_verbose_adds_infos_of_passing_assets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    doc = json.loads((ROOT / "examples" / "heartbeat.json").read_text(encoding="utf-8"))
    doc["$schema"] = "jsonschema/synesthetic-asset.schema.json"  # SYN-ENV-005, an info
    (tmp_path / "a.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CI", "true")
    args = ["run", "a.json", "--format", "json", "--report-dir", "out"]
    plain = CliRunner().invoke(cli, args)
    assert plain.exit_code == 0 and "SYN-ENV-005" not in plain.stdout, render(plain)
    verbose = CliRunner().invoke(cli, [*args, "-v"])
    assert verbose.exit_code == 0, render(verbose)
    assert verbose.stdout.startswith("a.json:2:14: SYN-ENV-005 info ")
    assert "ran: 1 in " in verbose.stderr
