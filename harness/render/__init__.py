"""Compiling and rendering shaders as a browser would (three.js on WebGL2 by default).

Modules, one concept each: :mod:`~synharness.render.profiles` (host profiles and
their prefixes), :mod:`~synharness.render.gl` (the GL runtime and its lifetime:
the only module that imports moderngl), :mod:`~synharness.render.compiler`
(compiling and linking, cached), :mod:`~synharness.render.diagnostics` (compile
findings), :mod:`~synharness.render.check` (the compile stage of validation),
:mod:`~synharness.render.uniforms` (uniform values per frame from a
simulation), :mod:`~synharness.render.visual` (metrics and WCAG flash
analysis), :mod:`~synharness.render.shader` (rendering scenarios) and
:mod:`~synharness.render.images` (PNG, filmstrip, animated preview; Pillow).

The tone is heard through Tone.js: :mod:`~synharness.render.node` (the Node
worker and its lifetime), :mod:`~synharness.render.audio` (the render request
and one scenario's render), :mod:`~synharness.render.loudness` (levels and the
audio findings), :mod:`~synharness.render.outputs` (an asset's renders, WAVs,
joined to its result), :mod:`~synharness.render.wav` and
:mod:`synharness.render.tone` (the renderer's Node package).

Importing this package imports neither moderngl nor Pillow, and only the
light modules (profiles, the metrics models): :mod:`synharness.result` imports
it for :class:`ScenarioRender`. The renderer itself is
:func:`synharness.render.shader.render_asset`.
"""

from __future__ import annotations

from synharness.render.profiles import DEFAULT_PROFILE, PROFILE_NAMES, PROFILES, HostProfile
from synharness.render.visual import RenderPreview, ScenarioRender, VisualMetrics, analyse

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILES",
    "PROFILE_NAMES",
    "HostProfile",
    "RenderPreview",
    "ScenarioRender",
    "VisualMetrics",
    "analyse",
]
