"""Routers of the store, one module per resource."""

from __future__ import annotations

from synharness.api.routes import assets, components, meta, reports

ROUTERS = (meta.router, assets.router, components.router, reports.router)

__all__ = ["ROUTERS", "assets", "components", "meta", "reports"]
