"""Control bundle and control parameter (``control-bundle`` / ``control`` schemas).

A *control parameter* binds input gestures (*mappings*: a *combo* of held keys,
mouse buttons or the wheel, plus an *action* on a mouse axis) to one target
parameter, with its own range, default, step and smoothing time.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from synharness.models._base import Closed, JSONObject, Open

AxisType = Literal["mouse.x", "mouse.y", "mouse.wheel"]


CurveType = Literal["linear", "exponential", "sine", "discrete"]


DataType = Literal["float", "int", "bool", "string"]


class Combo(Open):
    """Which keys and buttons must be held (``strict``: exactly these)."""

    keys: list[str] | None = None
    mouseButtons: list[str] | None = None
    strict: bool = False
    wheel: bool | None = None


class Action(Open):
    """How an axis moves the parameter: delta · sensitivity · scale, through ``curve``."""

    axis: AxisType
    sensitivity: float
    scale: float = 1
    curve: CurveType | None = None


class Mapping(Open):
    """One gesture: a combo plus an action."""

    combo: Combo
    action: Action


class ControlParameter(Closed):
    """One control: the parameter it drives and the gestures that drive it."""

    parameter: str = Field(min_length=1)
    label: str = Field(min_length=1)
    type: DataType
    unit: str = Field(min_length=1)
    default: float | bool | str
    mappings: list[Mapping]
    min: float | None = None
    max: float | None = None
    step: float | None = None
    smoothingTime: float = 0
    options: list[str] | None = None


class ControlBundle(Closed):
    """The asset's controls."""

    name: str
    control_parameters: list[ControlParameter]
    description: str | None = None
    meta_info: JSONObject | None = None
