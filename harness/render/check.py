"""The compile stage of validation: compile the document's shader, when GL is here.

:func:`compile_stage` is what :mod:`synharness.pipeline` calls for a document
that passed the schema and the model. It compiles and links the shader pair
under the host profile in this process's shared GL runtime and returns the
compile and link findings (SYN-GLSL-010/011) placed at the file's line and
column, and what the compiler reported (:class:`~synharness.semantic.glsl.CompiledUniforms`)
for the uniform checks. Without a GL context it returns one info finding,
SYN-RENDER-001, and the regex reader's checks run alone.
"""

from __future__ import annotations

from synharness.findings import Finding
from synharness.positions import Locator, offset_in_string, position_of_offset
from synharness.render.compiler import compile_pair
from synharness.render.diagnostics import Placer, compile_findings, no_context_finding
from synharness.render.gl import shared_runtime
from synharness.semantic.glsl import CompiledUniforms
from synharness.semantic.scope import Scope


def placer(text: str, *, unique_keys: bool = False) -> Placer:
    """Map (string pointer, source line, column) to the file's line and column in ``text``."""
    locator = Locator(text, unique_keys=unique_keys)

    def place(pointer: str, line: int, column: int) -> tuple[int, int] | None:
        start = locator.offset(pointer)
        if start is None:
            return None
        offset = offset_in_string(text, start, line, column)
        return None if offset is None else position_of_offset(text, offset)

    return place


def compile_stage(
    scope: Scope,
    *,
    profile: str,
    text: str | None,
    unique_keys: bool = False,
) -> tuple[list[Finding], CompiledUniforms | None]:
    """Compile the shader of a schema-valid document.

    Args:
        scope: The scope of the document (:func:`~synharness.semantic.scope.scope_of`);
            only its shader and the shader's pointer are read.
        profile: The host profile (``three``, ``webgl1``, ``webgl2``).
        text: The JSON text, for the file's line and column of each error.
        unique_keys: The text repeats no key (positions may stop at the first match).

    Returns:
        The findings, and what the compiler reported (None when nothing was compiled).
    """
    if scope.shader is None:
        return [], None
    runtime = shared_runtime()
    if isinstance(runtime, str):
        return [no_context_finding(runtime, base=scope.shader_ptr)], None
    shader = scope.shader
    info = compile_pair(runtime, shader.vertex_shader, shader.fragment_shader, profile=profile)
    # Most shaders compile clean: the text is indexed only for messages to place.
    place = placer(text, unique_keys=unique_keys) if text is not None and info.messages else None
    found = compile_findings(info, base=scope.shader_ptr, place=place)
    return found, CompiledUniforms(linked=info.ok, active=info.uniforms)
