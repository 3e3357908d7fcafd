"""GLSL host profiles: what a host adds around the asset's sources before compiling.

Vocabulary:
- *host profile*: how a runtime hands the two sources to the GL compiler
  (``three``: three.js's ``ShaderMaterial`` on WebGL2; ``webgl1``: GLSL ES 1.00
  as WebGL 1 compiles it; ``webgl2``: raw GLSL ES 3.00);
- *prefix*: the lines a host puts before a source; the compiler's line numbers
  count them, so :meth:`HostProfile.source_line` takes them off again.

The exact prefix of each profile is listed in ``docs/render.md``. The ``three``
prefix follows what three.js's ``WebGLProgram`` builds for a ``ShaderMaterial``
on a WebGL2 renderer with default settings (no defines, no extensions, no tone
mapping, sRGB output): version, the GLSL 1 → 3 conversion macros, precision,
the material's built-in uniforms and, in the vertex stage, its attributes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The profile names ``--glsl-host`` accepts; the first is the default.
PROFILE_NAMES: tuple[str, ...] = ("three", "webgl1", "webgl2")
DEFAULT_PROFILE = "three"

_VERSION_LINE = re.compile(r"\A(?:[ \t]*(?://[^\n]*)?\n)*[ \t]*#[ \t]*version\b")

_PRECISION = (
    "precision highp float;\n"
    "precision highp int;\n"
    "precision highp sampler2D;\n"
    "precision highp samplerCube;\n"
    "#define HIGH_PRECISION\n"
)

_THREE_VERTEX = (
    "#version 300 es\n"
    "#define attribute in\n"
    "#define varying out\n"
    "#define texture2D texture\n" + _PRECISION + "#define SHADER_TYPE ShaderMaterial\n"
    "#define SHADER_NAME ShaderMaterial\n"
    "uniform mat4 modelMatrix;\n"
    "uniform mat4 modelViewMatrix;\n"
    "uniform mat4 projectionMatrix;\n"
    "uniform mat4 viewMatrix;\n"
    "uniform mat3 normalMatrix;\n"
    "uniform vec3 cameraPosition;\n"
    "uniform bool isOrthographic;\n"
    "attribute vec3 position;\n"
    "attribute vec3 normal;\n"
    "attribute vec2 uv;\n"
)

_THREE_FRAGMENT = (
    "#version 300 es\n"
    "#define varying in\n"
    "layout(location = 0) out highp vec4 pc_fragColor;\n"
    "#define gl_FragColor pc_fragColor\n"
    "#define gl_FragDepthEXT gl_FragDepth\n"
    "#define texture2D texture\n"
    "#define textureCube texture\n"
    "#define texture2DProj textureProj\n"
    "#define texture2DLodEXT textureLod\n"
    "#define texture2DProjLodEXT textureProjLod\n"
    "#define textureCubeLodEXT textureLod\n"
    "#define texture2DGradEXT textureGrad\n"
    "#define texture2DProjGradEXT textureProjGrad\n"
    "#define textureCubeGradEXT textureGrad\n" + _PRECISION + "#define SHADER_TYPE ShaderMaterial\n"
    "#define SHADER_NAME ShaderMaterial\n"
    "uniform mat4 viewMatrix;\n"
    "uniform vec3 cameraPosition;\n"
    "uniform bool isOrthographic;\n"
    "vec4 linearToOutputTexel( vec4 value ) {\n"
    "\treturn vec4( mix( pow( value.rgb, vec3( 0.41666 ) ) * 1.055 - vec3( 0.055 ),"
    " value.rgb * 12.92, vec3( lessThanEqual( value.rgb, vec3( 0.0031308 ) ) ) ), value.a );\n"
    "}\n"
)


@dataclass(frozen=True)
class HostProfile:
    """One host: its name and how it wraps each stage's source."""

    name: str
    #: What the host puts before the vertex and the fragment source.
    vertex_prefix: str
    fragment_prefix: str
    #: The version line added when the source has none (webgl1/webgl2); "" for none.
    implicit_version: str = ""
    #: What WebGL 1 reads a source without ``#version`` as (GLSL ES 1.00).
    description: str = ""

    def wrap(self, stage: str, source: str) -> tuple[str, int]:
        """The text the compiler sees for one stage, and how many lines come before ``source``.

        Args:
            stage: ``vertex`` or ``fragment``.
            source: The asset's source of that stage.

        Returns:
            The full text and the number of prefix lines (to take off compiler line numbers).
        """
        prefix = self.vertex_prefix if stage == "vertex" else self.fragment_prefix
        if self.implicit_version and _VERSION_LINE.match(source) is None:
            prefix = self.implicit_version + prefix
        return prefix + source, prefix.count("\n")


PROFILES: dict[str, HostProfile] = {
    "three": HostProfile(
        name="three",
        vertex_prefix=_THREE_VERTEX,
        fragment_prefix=_THREE_FRAGMENT,
        description="three.js ShaderMaterial on WebGL2 (GLSL ES 3.00 with three.js's prefix)",
    ),
    "webgl1": HostProfile(
        name="webgl1",
        vertex_prefix="",
        fragment_prefix="",
        implicit_version="#version 100\n",
        description="WebGL 1: GLSL ES 1.00 as written (no prefix)",
    ),
    "webgl2": HostProfile(
        name="webgl2",
        vertex_prefix="",
        fragment_prefix="",
        implicit_version="#version 300 es\n",
        description="WebGL 2 raw GLSL ES 3.00 (RawShaderMaterial with glslVersion GLSL3)",
    ),
}


def profile_named(name: str) -> HostProfile:
    """The profile called ``name``.

    Raises:
        KeyError: No profile has that name (the CLI checks names first).
    """
    return PROFILES[name]
