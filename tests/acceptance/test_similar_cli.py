"""``synharness similar`` and ``score --diversity``: near-duplicates by behaviour fingerprint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from synharness.cli.main import cli

from tests.factories import make_asset
from tests.unit.agents.test_fingerprint import renamed, reordered

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def _render(result: Result) -> str:
    return f"exit {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def _write(path: Path, asset: dict[str, Any], style: int) -> None:
    if style == 0:
        path.write_text(json.dumps(asset, indent=2), encoding="utf-8")
    elif style == 1:
        path.write_text(json.dumps(renamed(asset), separators=(",", ":")), encoding="utf-8")
    else:
        path.write_text(json.dumps(reordered(asset, seed=style), indent=5), encoding="utf-8")


def test_similar_groups_100_copies_of_5_assets_into_exactly_5_groups(tmp_path: Path) -> None:
    five = [json.loads(p.read_text(encoding="utf-8")) for p in EXAMPLES[:5]]
    paths: list[Path] = []
    for i in range(100):
        path = tmp_path / f"asset-{i:03d}.json"
        _write(path, five[i % 5], i % 3)
        paths.append(path)
    result = CliRunner().invoke(cli, ["similar", "--format", "json", str(tmp_path)])
    assert result.exit_code == 0, _render(result)
    groups = json.loads(result.stdout)["groups"]
    assert len(groups) == 5
    assert sorted(p for g in groups for p in g) == sorted(str(p) for p in paths)
    for group in groups:  # each group is one asset's copies
        indexes = {int(Path(p).stem.split("-")[1]) % 5 for p in group}
        assert len(indexes) == 1 and len(group) == 20


def test_similar_text_states_the_metric_and_keeps_bad_files_apart(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(make_asset()), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(renamed(make_asset())), encoding="utf-8")
    (tmp_path / "c.json").write_text("{broken", encoding="utf-8")
    result = CliRunner().invoke(cli, ["similar", str(tmp_path)])
    assert result.exit_code == 0, _render(result)
    assert result.stdout.startswith("2 groups of 3 assets")
    assert "cosine distance of behaviour fingerprints <= 0.005" in result.stdout
    assert "c.json: no fingerprint (SYN-LOAD-001" in result.stderr
    as_json = CliRunner().invoke(cli, ["similar", "--format", "json", str(tmp_path)])
    assert json.loads(as_json.stdout) == {
        "groups": [
            [str(tmp_path / "a.json"), str(tmp_path / "b.json")],
            [str(tmp_path / "c.json")],
        ]
    }


def test_similar_threshold_0_still_groups_exact_copies(tmp_path: Path) -> None:
    faster = make_asset()
    faster["modulations"][0]["frequency"] = 1.0
    for name, asset in (("a", make_asset()), ("b", reordered(make_asset())), ("c", faster)):
        (tmp_path / f"{name}.json").write_text(json.dumps(asset), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["similar", "--threshold", "0", "--format", "json", str(tmp_path)]
    )
    groups = json.loads(result.stdout)["groups"]
    assert [[Path(p).name for p in g] for g in groups] == [["a.json", "b.json"], ["c.json"]]


def test_similar_needs_a_path_that_exists() -> None:
    result = CliRunner().invoke(cli, ["similar", "no/such/file.json"])
    assert result.exit_code == 2


def test_score_diversity_marks_later_near_duplicates() -> None:
    lines = [
        json.dumps(make_asset()),
        json.dumps(renamed(make_asset())),
        "{broken",
        json.dumps(reordered(make_asset())),
    ]
    result = CliRunner().invoke(
        cli, ["score", "--jsonl", "--diversity"], input="\n".join(lines) + "\n"
    )
    assert result.exit_code == 0, _render(result)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4
    marks = [r["diversity"] for r in out]
    assert [m["duplicate_of"] for m in marks] == [None, "<stdin>:1", None, "<stdin>:1"]
    assert [m["distinct"] for m in marks] == [1, 1, 2, 2]
    assert marks[-1] == {
        "duplicate_of": "<stdin>:1",
        "distance": 0.0,
        "distinct": 2,
        "assets": 4,
        "ratio": 0.5,
    }
    assert all("fingerprint" not in r for r in out)
    assert "diversity: 2 distinct behaviours / 4 assets = 0.500" in result.stderr
    # Without the flag, records are as before.
    plain = CliRunner().invoke(cli, ["score", "--jsonl"], input=lines[0] + "\n")
    assert "diversity" not in json.loads(plain.stdout)


def test_score_diversity_with_worker_processes_keeps_the_marks_in_order() -> None:
    lines = [json.dumps(make_asset()), json.dumps(reordered(make_asset())), "[1]"]
    result = CliRunner().invoke(
        cli, ["score", "--jsonl", "--diversity", "--jobs", "2"], input="\n".join(lines) + "\n"
    )
    assert result.exit_code == 0, _render(result)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["diversity"]["duplicate_of"] for r in out] == [None, "<stdin>:1", None]
    assert out[-1]["diversity"]["ratio"] == round(2 / 3, 6)
