"""The seed backend's example loader against our server, over HTTP (its ``API_MODE=http``):
its request sequence, headers and bodies (reproduced in tests/api/seed_loader.py, no
seed code) get every example in that the seed accepts, unless the harness's own
validation refuses the example itself, as it would refuse the file."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from synharness import pipeline

from tests.api.helpers import SSOT
from tests.api.seed_loader import COUNTED, run_loader, seed_accepts

REPO = Path(__file__).resolve().parents[2]


def _seed_corpus() -> dict[str, dict]:
    """The project's examples (and the reference corpus when present) in the seed's
    corpus format: ``$schemaRef`` where the files have ``$schema``."""
    files = sorted((REPO / "examples").glob("*.json"))
    if SSOT.is_dir():
        files += sorted((SSOT / "examples").glob("SynestheticAsset_*.json"))
    corpus = {}
    for path in files:
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc.pop("$schema", None)
        corpus[path.name] = {"$schemaRef": "jsonschema/synesthetic-asset.schema.json", **doc}
    return corpus


def _own_errors(doc: dict) -> set[str]:
    """Error codes of the example itself (as a file, with its $schema)."""
    body = {k: v for k, v in doc.items() if k != "$schemaRef"}
    result = pipeline.check_data(body, source="example").result
    return {f.code for f in result.findings if f.severity.value == "error"}


def test_seed_loader_gets_every_example_in(live_url):
    corpus = _seed_corpus()
    accepted_by_seed = {
        name
        for name, doc in corpus.items()
        if seed_accepts({k: v for k, v in doc.items() if k != "$schemaRef"})
    }
    assert len(accepted_by_seed) >= 9, sorted(corpus)
    with httpx.Client(base_url=live_url, timeout=30) as client:
        run = run_loader(client, corpus)
    assert run.requests[:5] == [("GET", p) for p in COUNTED]
    refused_by_harness = {name for name in accepted_by_seed if _own_errors(corpus[name])}
    assert set(run.imported) == accepted_by_seed - refused_by_harness, run.failed
    # A refusal is the harness's verdict on the example, never the seed's format:
    # the 422 lists the example's own error codes, nothing from the nulls or the dump.
    for name, message in run.failed.items():
        assert name in refused_by_harness, (name, message)
    assert len(run.imported) >= 9
    # Every stored asset converts to protobuf, as the loader then asks.
    assert len(run.converted) == len(run.imported) and not run.conversion_errors
    with httpx.Client(base_url=live_url, timeout=30) as client:
        listed = client.get("/synesthetic-assets/", params={"limit": 1000}).json()
    assert sorted(a["name"] for a in listed) == sorted(corpus[n]["name"] for n in run.imported)
