"""Shared base classes for the asset models.

The models follow the published 0.7.3 schemas field for field. JSON Schema's
``number`` accepts integers and floats but not booleans or strings, which is
pydantic's *strict* float; so every model is strict. ``Closed`` models stand for
schemas with ``additionalProperties: false``; ``Open`` ones keep unknown keys.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

#: Any JSON object (``{"type": "object"}``).
JSONObject = dict[str, Any]


class Closed(BaseModel):
    """A schema object with ``additionalProperties: false``."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)


class Open(BaseModel):
    """A schema object that admits properties it does not list."""

    model_config = ConfigDict(strict=True, extra="allow", frozen=True, populate_by_name=True)
