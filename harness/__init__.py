"""synharness core: asset models, loading, schema and semantic validation, findings."""

from __future__ import annotations

__version__ = "0.1.0"

from typing import Any

__all__ = [
    "ValidationOptions",
    "__version__",
    "check_bytes",
    "check_data",
    "reward",
    "score",
    "score_bytes",
    "score_many",
    "validate_bytes",
    "validate_data",
    "validate_paths",
]

#: Names exported lazily from :mod:`synharness.pipeline`: importing it loads the
#: models and compiles the schemas, which ``import synharness`` should not pay for.
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
    # ``synharness.score`` lives in agents.scoring (the score needs the simulation),
    # and the core must not import agents at import time: agents imports the
    # core, and importing the engine would slow every ``import synharness``.
    if name in ("score", "score_bytes", "score_many"):
        from synharness.agents import scoring

        return getattr(scoring, name)
    if name == "reward":
        from synharness.agents.reward import reward

        return reward
    if name in _PIPELINE_NAMES:
        from synharness import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'synharness' has no attribute {name!r}")
