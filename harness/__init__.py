"""synharness core: asset models, loading, schema and semantic validation, findings."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
