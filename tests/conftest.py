"""Shared test configuration: hypothesis profiles and the reference corpus.

The reference corpus lives beside the repository (``../shared/ssot``); tests
that need it take the :func:`ssot_examples` fixture, which skips cleanly when
the corpus is absent so that a fresh clone still passes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

#: The repository root.
ROOT = Path(__file__).resolve().parents[1]
#: Where `make bench` writes its figures: outside tracked files, so a bench run leaves the
#: work tree clean (bench/results.json holds the figures chosen to commit).
BENCH_RESULTS = ROOT / "reports" / "bench" / "results.json"
#: The reference corpus of schema 0.7.3 (may be absent); SYNHARNESS_SSOT names another
#: checkout of it (a git worktree lives one level deeper than the main checkout).
SSOT_VERSION_DIR = (
    Path(os.environ.get("SYNHARNESS_SSOT", ROOT.parent / "shared" / "ssot")) / "0.7.3"
)
#: The per-code fixtures (``<CODE>/fail.json`` and ``pass.json``).
CODE_FIXTURES = ROOT / "tests" / "fixtures" / "codes"


def write_bench_section(name: str, section: dict[str, Any]) -> None:
    """Put one section of figures into :data:`BENCH_RESULTS` (the others are kept)."""
    import json

    BENCH_RESULTS.parent.mkdir(parents=True, exist_ok=True)
    text = BENCH_RESULTS.read_text(encoding="utf-8") if BENCH_RESULTS.exists() else "{}"
    results = json.loads(text)
    results[name] = section
    BENCH_RESULTS.write_text(json.dumps(results, sort_keys=True, indent=2) + "\n", encoding="utf-8")


# Wall-clock deadlines make property tests flaky on a loaded machine; "ci" runs more examples.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("default"), max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def ssot_example_paths() -> list[Path]:
    """The example documents of the reference corpus, sorted (empty when absent)."""
    return sorted((SSOT_VERSION_DIR / "examples").glob("*.json"))


@pytest.fixture
def ssot_examples() -> list[Path]:
    """The reference corpus' example documents; skips when the corpus is absent."""
    paths = ssot_example_paths()
    if not paths:
        pytest.skip(f"reference corpus not found at {SSOT_VERSION_DIR}")
    return paths


def pointer_resolves(data: Any, pointer: str) -> bool:
    """Whether the RFC 6901 ``pointer`` names a value of ``data``."""
    from synharness.findings import split_pointer

    node = data
    for token in split_pointer(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


def gl_unavailable_reason() -> str | None:
    """Why no GL context can be made here (None when one can)."""
    from synharness.extras import missing_modules

    missing = missing_modules("render")
    if missing:
        return f"the render extra is missing ({', '.join(missing)})"
    from synharness.render.gl import shared_runtime

    runtime = shared_runtime()
    return runtime if isinstance(runtime, str) else None


def require_gl() -> None:
    """Skip (or fail under ``CI=true``) when no GL context can be created."""
    reason = gl_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but no GL context: {reason}")
    pytest.skip(f"no GL context: {reason}")
