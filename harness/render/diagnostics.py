"""Compile and link findings (SYN-GLSL-010, SYN-GLSL-011) and the no-context info (SYN-RENDER-001).

A compiler message becomes a finding at the stage's source (``.../vertex_shader``
or ``.../fragment_shader``); its ``line`` and ``column`` are those of the file,
inside the JSON string, of the character the compiler names (the decoded
source's line and column mapped back through the string's escapes, see
:func:`synharness.positions.offset_in_string`). A linker message names no
position: it goes to the stage it is about (the fragment stage when it names
none) and carries the position of the string itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from synharness.codes import finding
from synharness.findings import Finding
from synharness.render.compiler import CompilerMessage, ProgramInfo

#: (pointer, source line, source column) -> file (line, column), when the text is known.
Placer = Callable[[str, int, int], tuple[int, int] | None]

#: Message pattern -> hint, first match wins; Mesa's wording.
_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"syntax error.*expecting ',' or ';'"),
        "A statement above ends without ';': add it at the end of the previous statement.",
    ),
    (
        re.compile(r"syntax error"),
        "The statement does not parse here: check for a missing operand, ';' or bracket.",
    ),
    (
        re.compile(r"no function with name|no matching function"),
        "GLSL has no implicit declarations: define the function above its first use, or fix its name.",
    ),
    (
        re.compile(r"cannot be assigned|cannot construct|type mismatch|operands to"),
        "Make both sides the same type: convert explicitly (vec3(v), v.rgb, float(i)).",
    ),
    (
        re.compile(r"`(\w+)' undeclared|undeclared identifier"),
        "Declare it (a uniform, a varying or a local) before its first use.",
    ),
    (
        re.compile(r"lacks `main'"),
        "Each stage needs a `void main()`; check its spelling.",
    ),
    (
        re.compile(r"no matching output|not written by"),
        "Declare the varying with the same name and type in both stages, and write it in the vertex stage.",
    ),
    (
        re.compile(r"precision"),
        "GLSL ES fragment shaders need a default float precision: add `precision mediump float;`.",
    ),
    (
        re.compile(r"#version"),
        "The host writes its own #version line (see docs/render.md for the profile): remove yours, or pick the matching --glsl-host.",
    ),
)
_DEFAULT_HINT = "Fix the GLSL at this position; the message is the GL compiler's own."


def hint_for(text: str) -> str:
    """The hint for a compiler message."""
    for pattern, hint in _HINTS:
        if pattern.search(text):
            return hint
    return _DEFAULT_HINT


def _link_stage(message: CompilerMessage) -> str:
    text = message.text
    if "vertex shader" in text and "fragment shader" not in text:
        return "vertex"
    return "fragment"


def compile_findings(info: ProgramInfo, *, base: str, place: Placer | None = None) -> list[Finding]:
    """The findings of one compile outcome.

    Args:
        info: What compiling the shader produced.
        base: Pointer of the shader object (``/shader`` in an asset, ``""`` in a shader document).
        place: Maps a position in a stage's source to the file's line and column.

    Returns:
        One SYN-GLSL-010 per compiler error and one SYN-GLSL-011 per linker error.
    """
    found: list[Finding] = []
    for message in info.messages:
        if message.stage == "link":
            pointer = f"{base}/{_link_stage(message)}_shader"
            item = finding(
                "SYN-GLSL-011",
                pointer,
                f"the shader does not link ({info.profile}): {message.text} "
                f"(compiler: {message.raw!r})",
                hint=hint_for(message.text),
            )
            found.append(item)
            continue
        pointer = f"{base}/{message.stage}_shader"
        where = (
            f"line {message.line}, column {message.column} of the {message.stage} shader"
            if message.line is not None
            else f"the {message.stage} shader (in the host's prefix)"
        )
        item = finding(
            "SYN-GLSL-010",
            pointer,
            f"{where} does not compile ({info.profile}): {message.text} "
            f"(compiler: {message.raw!r})",
            hint=hint_for(message.text),
        )
        if place is not None and message.line is not None and message.column is not None:
            at = place(pointer, message.line, message.column)
            if at is not None:
                item = item.located(*at)
        found.append(item)
    return found


def no_context_finding(reason: str, *, base: str) -> Finding:
    """SYN-RENDER-001: the shader was neither compiled nor rendered."""
    return finding(
        "SYN-RENDER-001",
        base,
        f"no GL context: the shader was not compiled or rendered ({reason})",
    )
