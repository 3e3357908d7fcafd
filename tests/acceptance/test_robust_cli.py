"""Issue 9's CLI regressions: numbers no float64 holds are findings at their pointer,
never tracebacks, and one bad asset never costs the batch or stream its results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import make_asset

SCHEMA = "https://delk73.github.io/synesthetic-schemas/schema/0.7.3/synesthetic-asset.schema.json"


def _cli(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "synharness", *args],
        cwd=cwd,
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _huge_step() -> str:
    asset = make_asset()
    asset["tone"]["input_parameters"][0]["step"] = 12345.5
    return json.dumps(asset, indent=2).replace("12345.5", "9" * 400)


def _overflowing(field: str) -> str:
    asset = make_asset()
    if field == "smoothingTime":
        asset["shader"]["input_parameters"][0]["smoothingTime"] = 1e308
    else:
        asset["control"]["control_parameters"][0]["max"] = 1e308
    return json.dumps(asset, indent=2)


CASES = {
    "step": (_huge_step, "SYN-NUM-001", "/tone/input_parameters/0/step"),
    "smoothing": (
        lambda: _overflowing("smoothingTime"),
        "SYN-NUM-002",
        "/shader/input_parameters/0/smoothingTime",
    ),
    "control-max": (
        lambda: _overflowing("max"),
        "SYN-NUM-002",
        "/control/control_parameters/0/max",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("command", ["validate", "simulate", "score", "run"])
def test_numbers_beyond_float64_are_findings(case: str, command: str, tmp_path: Path) -> None:
    make, code, pointer = CASES[case]
    path = tmp_path / "bad.json"
    path.write_text(make(), encoding="utf-8")
    args = {
        "validate": ["validate", str(path)],
        "simulate": ["simulate", str(path), "--duration", "1"],
        "score": ["score", str(path)],
        "run": ["run", str(path), "--report-dir", str(tmp_path / "out"), "--format", "json"],
    }[command]
    proc = _cli(*args, cwd=tmp_path)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-3000:]
    # score answers every document with a record (exit 0); the others fail the run.
    assert proc.returncode in ((0,) if command == "score" else (1, 2)), output[-2000:]
    assert (code in output and pointer in output) or command == "run", output[-2000:]
    if command == "run":
        report = json.loads((tmp_path / "out" / "report.json").read_text())
        (asset,) = report["assets"]
        assert (code, pointer) in {(f["code"], f["pointer"]) for f in asset["findings"]}
        assert asset["scenarios"] == []  # never reached the simulation


def test_one_bad_file_in_a_batch_of_100_leaves_99_results(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    good = json.dumps(make_asset(), indent=2)
    for i in range(100):
        (folder / f"a{i:03d}.json").write_text(_huge_step() if i == 50 else good)
    proc = _cli("validate", str(folder), "--format", "json", cwd=tmp_path)
    assert "Traceback" not in proc.stderr
    assets = json.loads(proc.stdout)["assets"]
    assert len(assets) == 100
    assert [a["verdict"] for a in assets].count("fail") == 1


def test_score_jsonl_goes_past_a_bad_line(tmp_path: Path) -> None:
    good = json.dumps(make_asset())
    bad = _huge_step().replace("\n", " ")
    stream = "\n".join([good, bad, good]) + "\n"
    proc = _cli("score", "--jsonl", "-", cwd=tmp_path, stdin=stream.encode())
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == 3
    assert records[1]["findings"][0]["code"] == "SYN-NUM-001"
    # (the third line repeats the first: the batch's duplicate rule may score it lower)
    assert min(records[0]["score"], records[2]["score"]) > records[1]["score"]


def test_run_of_an_asset_nothing_drives(tmp_path: Path) -> None:
    path = tmp_path / "minimal.json"
    path.write_text(json.dumps({"$schema": SCHEMA, "name": "minimal"}))
    proc = _cli(
        "run", str(path), "--report-dir", str(tmp_path / "out"), "--format", "html", cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


def test_meta_info_overflow_is_refused_not_nulled(tmp_path: Path) -> None:
    path = tmp_path / "meta.json"
    path.write_text(
        json.dumps({"$schema": SCHEMA, "name": "m", "meta_info": {"peak": 1.5}}).replace(
            "1.5", "1e999"
        )
    )
    proc = _cli("validate", str(path), "--format", "json", cwd=tmp_path)
    (asset,) = json.loads(proc.stdout)["assets"]
    assert [(f["code"], f["pointer"], f["line"]) for f in asset["findings"]] == [
        ("SYN-NUM-001", "/meta_info/peak", 1)
    ]
