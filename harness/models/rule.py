"""Rule bundles (``rule-bundle`` / ``rule`` schemas).

A *rule* has a *trigger* (``{"type": "grid_cell", "params": {...}}``) and
*effects*, each ``{"op", "target", "value", "channel"}``: parameter-writing ops
(``set``, ``add``, ...) change a parameter, sound and haptic ops
(``triggerAttackRelease``, ...) become timed events. The schema leaves triggers
and effects as free objects; semantic validation checks them.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator
from synharness.models._base import Closed, JSONObject


class Rule(Closed):
    """One rule."""

    id: str
    effects: list[JSONObject] | None = None
    execution: str | None = None
    expr: str | JSONObject | None = None
    target: str | None = None
    trigger: JSONObject | None = None


class RuleBundle(Closed):
    """A named list of rules."""

    name: str
    rules: list[Rule]
    description: str | None = None
    meta_info: JSONObject = Field(default_factory=dict)
    id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @field_validator("meta_info", mode="before")
    @classmethod
    def _meta_info_not_null(cls, value: Any) -> Any:
        # The schema types meta_info as an object, not nullable.
        if value is None:
            raise ValueError("meta_info must be an object, not null")
        return value
