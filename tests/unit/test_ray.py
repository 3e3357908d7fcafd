"""Scoring on Ray: the same records, in the same order, as one local job.

Runs against a local Ray cluster started here (``ray.init(num_cpus=2)``). When
Ray is not installed or cannot start, the tests fail under ``CI=true`` and
skip with the reason elsewhere.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import numpy as np
import pytest
from click.testing import CliRunner
from synharness.cli.main import cli

from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
BROKEN = sorted((ROOT / "examples" / "broken").glob("*.json"))


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"Ray is required under CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    try:
        import ray
    except ImportError as exc:
        _unavailable(f"ray is not installed ({exc}): pip install 'synharness[ray]'")
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    except Exception as exc:  # whatever stops a local cluster from starting
        _unavailable(f"a local Ray cluster cannot start: {exc}")
    yield
    ray.shutdown()


def _lines() -> str:
    docs = [json.dumps(json.loads(p.read_text(encoding="utf-8"))) for p in EXAMPLES]
    broken = [p.read_text(encoding="utf-8").replace("\n", " ") for p in BROKEN[:3]]
    # More lines than one chunk, with bad lines among them (each still gets its record).
    return "".join(f"{(docs + broken)[i % (len(docs) + len(broken))]}\n" for i in range(150))


def test_score_ray_gives_the_bytes_of_one_job(cluster: None) -> None:
    text = _lines()
    local = CliRunner().invoke(cli, ["score", "--jsonl", "-"], input=text)
    on_ray = CliRunner().invoke(cli, ["score", "--jsonl", "--ray", "auto", "-"], input=text)
    assert local.exit_code == on_ray.exit_code == 0, on_ray.output[-2000:]
    assert on_ray.stdout_bytes == local.stdout_bytes
    assert len(on_ray.stdout_bytes.splitlines()) == 150


def test_score_documents_keeps_the_order(cluster: None) -> None:
    from synharness.ray import score_documents

    docs = [json.loads(p.read_text(encoding="utf-8")) for p in EXAMPLES] * 3
    records = score_documents(docs, chunk=4)
    assert [r["source"] for r in records] == [f"<document {i}>" for i in range(len(docs))]
    by_name = [r["score"] for r in records]
    assert by_name[: len(EXAMPLES)] == by_name[len(EXAMPLES) : 2 * len(EXAMPLES)]
    assert all(0.0 <= s <= 1.0 for s in by_name)


def test_score_batch_is_a_map_batches_function() -> None:
    # Plain Python on a numpy batch, as ray.data calls it; needs no cluster.
    from synharness.ray import score_batch

    docs = np.array([p.read_bytes() for p in EXAMPLES[:3]] + [b"{not json"], dtype=object)
    out = score_batch({"document": docs, "id": np.arange(4)})
    records = [json.loads(r) for r in out["record"]]
    assert list(out["id"]) == [0, 1, 2, 3]
    assert records[3]["score"] == 0.0 and records[3]["findings"][0]["code"] == "SYN-LOAD-001"
    assert all(r["score"] > 0 for r in records[:3])
