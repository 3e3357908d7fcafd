"""``synharness score``: JSON Lines in, one record per asset out, in order, never a crash."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from synharness.cli.main import cli

from tests.factories import make_asset

try:
    from synharness.agents import builtin_scenarios, run_scenarios  # noqa: F401

    SIMULATION = True
except ImportError:
    SIMULATION = False

needs_simulation = pytest.mark.skipif(not SIMULATION, reason="the simulation has not landed yet")
ROOT = Path(__file__).resolve().parents[2]


def _render(result: Result) -> str:
    return f"exit {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def invoke(args: list[str], stdin: str = "") -> Result:
    return CliRunner().invoke(cli, ["score", *args], input=stdin, catch_exceptions=False)


def records(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, _render(result)
    return [json.loads(line) for line in result.stdout.splitlines()]


def broken_lines() -> list[str]:
    """Lines that never reach the simulation: malformed, not an object, schema-invalid."""
    return [
        '{"name": "x",, }',
        "[1, 2]",
        json.dumps(make_asset(name=None)),
        "{",
    ]


def test_malformed_lines_score_zero_and_the_stream_goes_on() -> None:
    lines = broken_lines()
    out = records(invoke(["--jsonl"], "\n".join(lines) + "\n"))
    assert [r["source"] for r in out] == ["<stdin>:1", "<stdin>:2", "<stdin>:3", "<stdin>:4"]
    assert all(r["verdict"] == "fail" for r in out)
    # What does not load scores 0; what loads but fails its schema scores below the gate.
    assert [r["score"] == 0.0 for r in out] == [True, True, False, True]
    assert 0 < out[2]["score"] < 0.5
    codes = [r["findings"][0]["code"] for r in out]
    assert codes[0] == "SYN-LOAD-001" and codes[1] == "SYN-LOAD-008"
    assert codes[2].startswith("SYN-SCHEMA") and codes[3] == "SYN-LOAD-001"
    # Positions name the line of the stream, not line 1 of the line.
    assert out[3]["findings"][0]["line"] == 4
    for r in out:
        assert set(r) == {"source", "score", "verdict", "components", "findings", "losses"}
        assert sum(loss["cost"] for loss in r["losses"]) == pytest.approx(1 - r["score"], abs=2e-5)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_every_line_blank_or_not_gets_exactly_one_record(jobs: str) -> None:
    out = records(invoke(["--jsonl", "--jobs", jobs], "\n[1]\n\n   \n{\n\r\n"))
    assert [r["source"] for r in out] == [f"<stdin>:{i}" for i in range(1, 7)]
    blank = [r for i, r in enumerate(out, start=1) if i in (1, 3, 4, 6)]
    assert all(r["score"] == 0 and r["findings"][0]["code"] == "SYN-LOAD-002" for r in blank)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_later_duplicate_in_the_stream_is_discounted_and_marked(jobs: str) -> None:
    asset = make_asset()
    renamed = {**make_asset(), "name": "Same behaviour, another name"}
    lines = [json.dumps(asset), json.dumps(renamed), json.dumps(asset)]
    out = records(invoke(["--jsonl", "--jobs", jobs], "\n".join(lines) + "\n"))
    codes = [[f["code"] for f in r["findings"]] for r in out]
    assert "SYN-SCORE-004" not in codes[0]
    assert codes[1].count("SYN-SCORE-004") == 1 and codes[2].count("SYN-SCORE-004") == 1
    assert out[1]["score"] < out[0]["score"] and out[1]["score"] == out[2]["score"]
    assert (
        "<stdin>:1"
        in next(f for f in out[1]["findings"] if f["code"] == "SYN-SCORE-004")["message"]
    )


def test_render_without_renderers_says_so_in_one_line() -> None:
    from synharness.agents.scoring import missing_renderers

    result = CliRunner().invoke(
        cli, ["score", "--jsonl", "--render"], input=json.dumps(make_asset())
    )
    out = records(result)
    if missing_renderers():
        assert len(result.stderr.strip().splitlines()) == 1 and "--render" in result.stderr
        assert "SYN-SCORE-005" in [f["code"] for f in out[0]["findings"]]
    else:  # pragma: no cover - once the render extra is installed
        assert "SYN-SCORE-005" not in [f["code"] for f in out[0]["findings"]]


def test_jobs_keep_the_input_order() -> None:
    lines = broken_lines() * 30
    one = records(invoke(["--jsonl"], "\n".join(lines) + "\n"))
    two = records(invoke(["--jsonl", "--jobs", "2"], "\n".join(lines) + "\n"))
    assert one == two and len(one) == len(lines)


def test_file_mode_scores_each_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": 1}', encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    out = records(invoke([str(bad), str(empty)]))
    assert [r["source"] for r in out] == [str(bad), str(empty)]
    assert out[1]["findings"][0]["code"] == "SYN-LOAD-002"
    assert 0 < out[0]["score"] < 0.5 and out[1]["score"] == 0


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["score", str(tmp_path / "nope.json")])
    assert result.exit_code == 2, _render(result)
    assert "nope.json" in result.stderr and "Traceback" not in result.stderr


def test_jsonl_file_argument(tmp_path: Path) -> None:
    stream = tmp_path / "batch.jsonl"
    stream.write_text("\n".join(broken_lines()) + "\n", encoding="utf-8")
    out = records(invoke(["--jsonl", str(stream)]))
    assert [r["source"] for r in out] == [f"{stream}:{i}" for i in range(1, 5)]


def _answer(proc: subprocess.Popen[bytes], line: bytes, timeout: float = 60.0) -> dict[str, Any]:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(line)
    proc.stdin.flush()
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "no answer before the next line: the command is not streaming"
    data: dict[str, Any] = json.loads(proc.stdout.readline())
    return data


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_streams_one_answer_per_line_before_stdin_closes(jobs: str) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "synharness", "score", "--jsonl", "--jobs", jobs],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ) as proc:
        try:
            first = _answer(proc, b"{oops\n")
            assert first["source"] == "<stdin>:1" and first["score"] == 0
            if SIMULATION:
                second = _answer(proc, json.dumps(make_asset()).encode() + b"\n")
                assert second["score"] >= 0.5
            assert proc.stdin is not None
            proc.stdin.close()
            assert proc.wait(timeout=60) == 0
        finally:
            if proc.poll() is None:
                proc.kill()


@needs_simulation
def test_clean_assets_score_in_the_top_band_and_jobs_agree() -> None:
    from tests.factories import generate_assets

    lines = [json.dumps(a) for a in generate_assets(12, seed=3)] + broken_lines()
    one = records(invoke(["--jsonl"], "\n".join(lines) + "\n"))
    two = records(invoke(["--jsonl", "--jobs", "2"], "\n".join(lines) + "\n"))
    assert one == two
    assert all(r["score"] >= 0.5 and r["verdict"] == "pass" for r in one[:12])
    assert all(0.0 <= r["score"] <= 1.0 for r in one)


@needs_simulation
def test_examples_score_reproducibly() -> None:
    paths = [str(p) for p in sorted((ROOT / "examples").glob("*.json"))]
    assert records(invoke(paths)) == records(invoke(paths))
