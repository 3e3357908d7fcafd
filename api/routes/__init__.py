"""Routers of the store, one module per resource."""

from __future__ import annotations

from synharness.api.routes import assets, cache_toggle, components, meta, reports

ROUTERS = (meta.router, cache_toggle.router, assets.router, components.router, reports.router)

__all__ = ["ROUTERS", "assets", "cache_toggle", "components", "meta", "reports"]
