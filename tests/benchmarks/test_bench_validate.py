"""Benchmark of ``validate_bytes`` on the reference corpus (``make bench``).

Measures, in one run on one core:
- ``assets_per_s``: the full pipeline (parse, envelope, schema, model, semantic,
  positions) over the ten SSOT examples;
- ``synesthetic_assets_per_s``: the same over the five ``SynestheticAsset_Example*``
  documents alone (14-28 KB, all with findings, so every stage runs), the
  workload of the >= 2,000 assets/s goal;
- ``schema_docs_per_s``: the schema stage alone (the shipped schema set);
- ``reference_jsonschema_docs_per_s``: python ``jsonschema``'s
  Draft202012Validator on the same documents and schemas, the reference;
- ``ratio``: ``schema_docs_per_s / reference_jsonschema_docs_per_s``;
- ``clean_assets_per_s``: the full pipeline over 200 factory-generated clean
  assets (no findings, so no positions stage), the common case of the RLHF loop.

Writes the ``validate`` section of ``bench/results.json`` and prints the numbers.
Rates use the process's CPU time (one core, single-threaded work), so that
other processes on a shared machine disturb them less than wall-clock time
would. No assertion on time: a loaded machine must not fail the suite.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from synharness.envelope import read_envelope
from synharness.pipeline import validate_bytes
from synharness.schema import DEFAULT_VERSION, load_registry

from tests.conftest import BENCH_RESULTS
from tests.conftest import write_bench_section as write_section
from tests.factories import generate_assets

pytestmark = pytest.mark.bench

RESULTS = BENCH_RESULTS
#: Seconds per measurement; the best of REPEATS is kept (least disturbed by the machine).
WINDOW = 1.0
REPEATS = 3


def rate(work: Callable[[], object], items: int) -> float:
    """Items per second of ``work`` (which handles ``items`` items), best of REPEATS windows."""
    work()  # warm caches (schema compilation, imports)
    best = 0.0
    for _ in range(REPEATS):
        rounds = 0
        start = time.process_time()
        while (elapsed := time.process_time() - start) < WINDOW:
            work()
            rounds += 1
        best = max(best, rounds * items / elapsed)
    return best


def test_bench_validate(ssot_examples: list[Path]) -> None:
    raws = [path.read_bytes() for path in ssot_examples]
    schemas = load_registry().get(DEFAULT_VERSION)
    assert schemas is not None
    documents: list[tuple[str, dict[str, Any]]] = []
    for raw in raws:
        envelope = read_envelope(json.loads(raw), load_registry())
        assert envelope.kind is not None
        documents.append((envelope.kind, envelope.stripped_data))

    def full() -> None:
        for raw in raws:
            validate_bytes(raw, source="bench")

    assets = [
        raw
        for path, raw in zip(ssot_examples, raws, strict=True)
        if path.name.startswith("SynestheticAsset_")
    ]

    def full_assets() -> None:
        for raw in assets:
            validate_bytes(raw, source="bench")

    def schema_stage() -> None:
        for kind, data in documents:
            schemas.validate(kind, data)

    resources = [
        (str(schemas.schema(k)["$id"]), Resource.from_contents(dict(schemas.schema(k))))
        for k in sorted(schemas.kinds)
    ]
    registry: Registry[Any] = Registry().with_resources(resources)
    validators = {
        k: Draft202012Validator(dict(schemas.schema(k)), registry=registry) for k in schemas.kinds
    }

    def reference() -> None:
        for kind, data in documents:
            validators[kind].is_valid(data)

    # The reference must agree with the schema stage, or the comparison means nothing.
    for kind, data in documents:
        assert validators[kind].is_valid(data) == (not schemas.validate(kind, data))

    section = {
        "documents": len(raws),
        "assets_per_s": round(rate(full, len(raws)), 1),
        "synesthetic_assets_per_s": round(rate(full_assets, len(assets)), 1),
        "schema_docs_per_s": round(rate(schema_stage, len(documents)), 1),
        "reference_jsonschema_docs_per_s": round(rate(reference, len(documents)), 1),
    }
    clean = [json.dumps(asset, indent=2).encode() for asset in generate_assets(200, seed=7)]

    def clean_full() -> None:
        for raw in clean:
            validate_bytes(raw, source="bench")

    section["clean_assets_per_s"] = round(rate(clean_full, len(clean)), 1)
    section["ratio"] = round(
        section["schema_docs_per_s"] / section["reference_jsonschema_docs_per_s"], 1
    )
    write_section("validate", section)
    print(
        f"\nvalidate: {section['assets_per_s']:,.0f} SSOT documents/s end to end "
        f"({section['synesthetic_assets_per_s']:,.0f}/s for the five synesthetic assets; "
        f"{section['clean_assets_per_s']:,.0f}/s for clean generated assets); schema stage "
        f"{section['schema_docs_per_s']:,.0f} docs/s vs jsonschema "
        f"{section['reference_jsonschema_docs_per_s']:,.0f} docs/s (x{section['ratio']})"
    )
