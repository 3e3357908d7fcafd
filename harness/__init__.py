"""synharness core: asset models, loading, schema and semantic validation, findings."""

from __future__ import annotations

__version__ = "0.1.0"

from typing import Any

__all__ = [
    "ValidationOptions",
    "__version__",
    "check_bytes",
    "check_data",
    "score",
    "validate_bytes",
    "validate_data",
    "validate_paths",
]

#: Names exported lazily from :mod:`harness.pipeline`: importing it loads the
#: models and compiles the schemas, which ``import harness`` should not pay for.
_PIPELINE_NAMES = frozenset(
    {
        "ValidationOptions",
        "check_bytes",
        "check_data",
        "validate_bytes",
        "validate_data",
        "validate_paths",
    }
)


def __getattr__(name: str) -> Any:
    # ``harness.score`` lives in agents.scoring (the score needs the simulation),
    # and the core must not import agents at import time: agents imports the
    # core, and importing the engine would slow every ``import harness``.
    if name == "score":
        from agents.scoring import score

        return score
    if name in _PIPELINE_NAMES:
        from harness import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'harness' has no attribute {name!r}")
