"""Haptics (``haptic`` schema): a device and the parameters it exposes."""

from __future__ import annotations

from typing import Any

from synharness.models._base import JSONObject, Open


class DeviceOptionValue(Open):
    """A device limit such as ``maxFrequency`` (value with unit)."""

    value: float
    unit: str


class DeviceConfig(Open):
    """The haptic device and its limits."""

    type: str
    options: dict[str, DeviceOptionValue]


class HapticParameter(Open):
    """A haptic parameter (``haptic.intensity``, ...)."""

    name: str
    parameter: str
    path: str
    type: str
    unit: str
    default: Any
    min: float | None = None
    max: float | None = None
    step: float | None = None
    smoothingTime: float | None = None
    options: list[str] | None = None


class Haptic(Open):
    """A haptic pattern."""

    name: str
    device: DeviceConfig
    input_parameters: list[HapticParameter]
    description: str | None = None
    meta_info: JSONObject | None = None
