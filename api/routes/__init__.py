"""Routers of the store, one module per resource."""

from __future__ import annotations

from synharness.api.routes import (
    assets,
    cache_toggle,
    components,
    imports,
    meta,
    protobuf_assets,
    reports,
    shader_libs,
    vectors,
)

# ``imports`` before ``components``: POST /rule-bundles/import is not an item id.
ROUTERS = (
    meta.router,
    cache_toggle.router,
    vectors.router,
    assets.router,
    imports.router,
    components.router,
    shader_libs.router,
    protobuf_assets.router,
    reports.router,
)

__all__ = [
    "ROUTERS",
    "assets",
    "cache_toggle",
    "components",
    "imports",
    "meta",
    "protobuf_assets",
    "reports",
    "shader_libs",
    "vectors",
]
