"""The last-resort guard: an unexpected exception becomes SYN-INTERNAL-001, and the
batch (validate, run, score --jsonl) goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from synharness.cli.main import cli
from synharness.pipeline import validate_paths

from tests.conftest import CODE_FIXTURES

FIXTURES = CODE_FIXTURES / "SYN-INTERNAL-001"
FAULT_NAME = "Checked while a fault is injected"


@pytest.fixture
def fault(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the semantic stage crash on the fail fixture (and only there)."""
    import synharness.pipeline as pipeline

    real = pipeline.check_document

    def crashing(kind, model, *args, **kwargs):  # type: ignore[no-untyped-def]
        if FAULT_NAME in str(getattr(model, "name", "")):
            raise ZeroDivisionError("injected fault")
        return real(kind, model, *args, **kwargs)

    monkeypatch.setattr(pipeline, "check_document", crashing)


def test_fail_fixture_gets_internal_finding_and_the_batch_goes_on(fault: None) -> None:
    fail, ok = FIXTURES / "fail.json", FIXTURES / "pass.json"
    results = validate_paths([str(fail), str(ok)])
    assert [r.source for r in results] == [str(fail), str(ok)]
    (internal,) = results[0].findings
    assert internal.code == "SYN-INTERNAL-001" and internal.severity.value == "error"
    assert str(fail) in internal.message and "ZeroDivisionError: injected fault" in internal.message
    assert internal.hint is not None and "report it" in internal.hint
    assert "SYN-INTERNAL-001" not in [f.code for f in results[1].findings]


def test_pass_fixture_has_no_internal_finding() -> None:
    (result,) = validate_paths([str(FIXTURES / "fail.json")])
    assert "SYN-INTERNAL-001" not in [f.code for f in result.findings]


def test_cli_validate_and_run_print_a_finding_not_a_traceback(fault: None, tmp_path: Path) -> None:
    fail, ok = FIXTURES / "fail.json", FIXTURES / "pass.json"
    runner = CliRunner()
    validated = runner.invoke(cli, ["validate", str(fail), str(ok)])
    assert validated.exit_code == 1, validated.output
    assert "SYN-INTERNAL-001" in validated.output and "Traceback" not in validated.output
    assert validated.exception is None or isinstance(validated.exception, SystemExit)
    run = runner.invoke(
        cli, ["run", str(fail), str(ok), "--report-dir", str(tmp_path), "--format", "json"]
    )
    assert run.exit_code == 1, run.output
    report = json.loads((tmp_path / "report.json").read_text())
    by_source = {a["source"]: a for a in report["assets"]}
    assert [f["code"] for f in by_source[str(fail)]["findings"]] == ["SYN-INTERNAL-001"]
    assert by_source[str(ok)]["scenarios"], "the next asset of the batch was still run"


def test_score_jsonl_stream_goes_on_after_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    import synharness.agents.batch as batch

    real = batch.score_document

    def crashing(raw, source, options):  # type: ignore[no-untyped-def]
        if b"CRASH" in raw:
            raise RuntimeError("injected fault")
        return real(raw, source, options)

    monkeypatch.setattr(batch, "score_document", crashing)
    good = (FIXTURES / "pass.json").read_bytes().replace(b"\n", b"")
    bad = good.replace(b"Finite", b"CRASH")
    stream = b"\n".join([good, bad, good]) + b"\n"
    result = CliRunner().invoke(cli, ["score", "--jsonl", "-"], input=stream)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 3, result.output
    assert [f["code"] for f in lines[1]["findings"]] == ["SYN-INTERNAL-001"]
    assert lines[1]["verdict"] == "fail"
    for good_line in (lines[0], lines[2]):  # the lines around it were scored as usual
        assert "SYN-INTERNAL-001" not in [f["code"] for f in good_line["findings"]]
    assert "Traceback" not in result.output
