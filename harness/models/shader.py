"""Shaders (``shader`` schema): GLSL sources, their uniforms and input parameters.

*Uniforms* list what the runtime sets on the GLSL program (name, GLSL type,
stage, default). *Input parameters* expose some of them as controllable
parameters with a range; the corpus writes their paths without the ``shader.``
prefix (``u_r``), which :mod:`synharness.params` normalises.
"""

from __future__ import annotations

from typing import Any

from synharness.models._base import Closed, JSONObject, Open


class ShaderInputParameter(Open):
    """A shader uniform exposed as a controllable parameter."""

    name: str
    parameter: str
    path: str
    type: str
    default: float
    min: float
    max: float
    step: float | None = None
    smoothingTime: float | None = None


class UniformDef(Open):
    """One uniform the runtime sets."""

    name: str
    type: str
    stage: str
    default: Any


class Shader(Closed):
    """A GLSL shader pair."""

    name: str
    vertex_shader: str
    fragment_shader: str
    description: str | None = None
    meta_info: JSONObject | None = None
    input_parameters: list[ShaderInputParameter] | None = None
    uniforms: list[UniformDef] | None = None
