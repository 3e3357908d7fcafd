"""Pydantic models of every 0.7.3 document kind.

:data:`MODEL_BY_KIND` maps a document kind (the stem of its schema file) to its
model class.
"""

from __future__ import annotations

from pydantic import BaseModel
from synharness.models.asset import SynestheticAsset
from synharness.models.control import (
    Action,
    AxisType,
    Combo,
    ControlBundle,
    ControlParameter,
    CurveType,
    DataType,
    Mapping,
)
from synharness.models.haptic import DeviceConfig, DeviceOptionValue, Haptic, HapticParameter
from synharness.models.modulation import (
    ModulationItem,
    ModulationSet,
    ModulationType,
    ScaleProfile,
    Waveform,
)
from synharness.models.rule import Rule, RuleBundle
from synharness.models.shader import Shader, ShaderInputParameter, UniformDef
from synharness.models.tone import Tone, ToneEffect, ToneParameter

#: Document kind (schema file stem) -> model class.
MODEL_BY_KIND: dict[str, type[BaseModel]] = {
    "synesthetic-asset": SynestheticAsset,
    "shader": Shader,
    "tone": Tone,
    "haptic": Haptic,
    "control-bundle": ControlBundle,
    "control": ControlParameter,
    "modulation": ModulationSet,
    "rule-bundle": RuleBundle,
    "rule": Rule,
}

__all__ = [
    "MODEL_BY_KIND",
    "Action",
    "AxisType",
    "Combo",
    "ControlBundle",
    "ControlParameter",
    "CurveType",
    "DataType",
    "DeviceConfig",
    "DeviceOptionValue",
    "Haptic",
    "HapticParameter",
    "Mapping",
    "ModulationItem",
    "ModulationSet",
    "ModulationType",
    "Rule",
    "RuleBundle",
    "ScaleProfile",
    "Shader",
    "ShaderInputParameter",
    "SynestheticAsset",
    "Tone",
    "ToneEffect",
    "ToneParameter",
    "UniformDef",
    "Waveform",
]
