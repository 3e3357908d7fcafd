"""The synesthetic asset (``synesthetic-asset`` schema): all components in one piece."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator
from synharness.models._base import Closed, JSONObject
from synharness.models.control import ControlBundle
from synharness.models.haptic import Haptic
from synharness.models.modulation import ModulationItem, ModulationSet
from synharness.models.rule import RuleBundle
from synharness.models.shader import Shader
from synharness.models.tone import Tone


class SynestheticAsset(Closed):
    """A shader, a tone, a haptic pattern, controls, modulations and rules."""

    name: str = Field(min_length=1)
    description: str | None = None
    meta_info: JSONObject | None = None
    control: ControlBundle | None = None
    haptic: Haptic | None = None
    modulation: ModulationSet | None = None
    modulations: list[ModulationItem] | None = None
    #: Optional but not nullable in the schema.
    rule_bundle: RuleBundle | None = None
    shader: Shader | None = None
    tone: Tone | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @field_validator("rule_bundle", "created_at", "updated_at", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be absent but not null")
        return value

    def all_modulations(self) -> list[tuple[str, ModulationItem]]:
        """Every modulation with the JSON pointer of its item.

        Both the top-level ``modulations`` list and a ``modulation`` set count.
        """
        found = [(f"/modulations/{i}", m) for i, m in enumerate(self.modulations or [])]
        if self.modulation is not None:
            found += [
                (f"/modulation/modulations/{i}", m)
                for i, m in enumerate(self.modulation.modulations)
            ]
        return found
