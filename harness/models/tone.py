"""Tones (``tone`` schema): a Tone.js synth, its effects, patterns and parameters.

The schema is permissive: every list item and the synth may be any object
(``anyOf [<shape>, {"type": "object"}]``). The model keeps the typed shape when
an item fits it and the raw object otherwise, so nothing valid is refused.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from synharness.models._base import JSONObject, Open


class ToneParameter(Open):
    """A tone parameter exposed for control and modulation."""

    name: str
    path: str
    type: str
    default: Any
    min: Any = None
    max: Any = None
    options: list[str] | None = None
    parameter: str | None = None
    smoothingTime: float | None = None
    unit: str | None = None
    #: Not in the published schema, but the corpus' tone parameters carry it
    #: (an additional property); typed access keeps the hot path off __getattr__.
    step: Any = None


class ToneEffect(Open):
    """One effect in the chain (``Tone.Reverb``, ...)."""

    type: str
    options: JSONObject
    order: int


# Keep the typed shape when an item fits it, the raw object otherwise.
_EffectOrObject = Annotated[ToneEffect | JSONObject, Field(union_mode="left_to_right")]
_ParameterOrObject = Annotated[ToneParameter | JSONObject, Field(union_mode="left_to_right")]


class Tone(Open):
    """A Tone.js instrument."""

    name: str
    synth: JSONObject
    description: str | None = None
    effects: list[_EffectOrObject] | None = None
    input_parameters: list[_ParameterOrObject] = Field(default_factory=list)
    meta_info: JSONObject | None = None
    parts: list[JSONObject] | None = None
    patterns: list[JSONObject] | None = None
