"""synharness core: asset models, loading, schema and semantic validation, findings."""

from __future__ import annotations

__version__ = "0.1.0"

from typing import Any

__all__ = ["__version__", "score"]


def __getattr__(name: str) -> Any:
    # ``harness.score`` lives in agents.scoring (the score needs the simulation),
    # and the core must not import agents at import time: agents imports the
    # core, and importing the engine would slow every ``import harness``.
    if name == "score":
        from agents.scoring import score

        return score
    raise AttributeError(f"module 'harness' has no attribute {name!r}")
