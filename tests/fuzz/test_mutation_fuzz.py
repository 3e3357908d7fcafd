"""Mutation fuzzer over the bundled examples: 2,000 cases (byte flips, truncation,
type swaps, huge numbers, deep nesting, duplicate keys) through the Python API
and through the CLI in batches. Every case gets exactly one result, with no
traceback and no SYN-INTERNAL-001 (the guard is the last resort, not the plan)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from synharness.agents import builtin_scenarios, run_scenarios
from synharness.agents.scoring import score_bytes
from synharness.models import SynestheticAsset
from synharness.pipeline import check_bytes

from tests.fuzz.mutations import MUTATORS, cases

CASES = 2000
#: Seconds of each built-in scenario when a mutated asset still validates.
SIM_SECONDS = 1.0


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, bytes]]:
    generated = cases(CASES)
    assert len(generated) == CASES
    used = {name.split("-", 3)[-1] for name, _ in generated}
    assert all(any(u.endswith(m.__name__) for u in used) for m in MUTATORS)
    return generated


def _no_internal(findings: list[dict[str, object]] | tuple[object, ...], name: str) -> None:
    codes = [f["code"] if isinstance(f, dict) else f.code for f in findings]
    assert "SYN-INTERNAL-001" not in codes, name


def test_python_api_gives_every_case_a_result(corpus: list[tuple[str, bytes]]) -> None:
    simulated = 0
    for name, raw in corpus:
        checked = check_bytes(raw, source=name)
        _no_internal(checked.result.findings, name)
        if isinstance(checked.model, SynestheticAsset):
            runs = builtin_scenarios(checked.model, duration=SIM_SECONDS)
            outcomes, found = run_scenarios(checked.model, runs)
            assert len(outcomes) == len(runs)
            _no_internal(tuple(found), name)
            simulated += 1
        scored = score_bytes(raw, source=name)
        assert 0.0 <= scored.score <= 1.0
        _no_internal(scored.findings, name)
    assert simulated > 50  # the fuzzer reaches the simulation, not only the parser


def _cli(*args: str, stdin: bytes | None = None, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "synharness", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=600,
    )


def test_cli_batches_give_every_case_a_result(
    corpus: list[tuple[str, bytes]], tmp_path: Path
) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    files = []
    for name, raw in corpus:
        (folder / f"{name}.json").write_bytes(raw)
        files.append(str(folder / f"{name}.json"))
    # Files named one by one: a directory's discovery skips JSON that names no
    # $schema (a truncation can cut it off), and every case must get a result.

    validated = _cli("validate", *files, "--format", "json", cwd=tmp_path)
    assert validated.returncode == 1, validated.stderr[-2000:]
    assert b"Traceback" not in validated.stderr + validated.stdout
    assets = json.loads(validated.stdout)["assets"]
    assert len(assets) == CASES
    for asset in assets:
        _no_internal(asset["findings"], asset["source"])

    run = _cli(
        "run",
        *files,
        "--report-dir",
        str(tmp_path / "run"),
        "--format",
        "json",
        "--quiet",
        cwd=tmp_path,
    )
    assert run.returncode == 1, run.stderr[-2000:]
    assert b"Traceback" not in run.stderr + run.stdout
    ran = json.loads((tmp_path / "run" / "report.json").read_text())["assets"]
    assert len(ran) == CASES
    assert sum(1 for a in ran if a["scenarios"]) > 50
    for asset in ran:
        _no_internal(asset["findings"], asset["source"])

    # JSON Lines: one case per line (a newline a mutation put in becomes a space).
    lines = b"\n".join(raw.replace(b"\r", b" ").replace(b"\n", b" ") for _, raw in corpus) + b"\n"
    blank = sum(1 for line in lines.split(b"\n")[:-1] if not line.strip())
    scored = _cli("score", "--jsonl", "-", stdin=lines, cwd=tmp_path)
    assert b"Traceback" not in scored.stderr + scored.stdout, scored.stderr[-2000:]
    records = [json.loads(line) for line in scored.stdout.splitlines() if line.strip()]
    assert len(records) == CASES - blank
    for record in records:
        _no_internal(record["findings"], record["source"])
