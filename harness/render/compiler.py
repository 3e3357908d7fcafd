"""Compiling a shader pair in a real GL implementation, and what the compiler says.

Vocabulary:
- *program info*: the outcome of compiling and linking one (profile, vertex,
  fragment) triple: whether it linked, the compiler's and linker's *messages*,
  and the *active* uniforms and attributes the linked program reports (what
  the compiler kept: a uniform declared but never used is not active);
- *message*: one error line of an info log, with its stage and the line and
  column in the asset's source (the host prefix taken off), or none when the
  linker gives no position.

The GL driver (Mesa) stops at the first stage that fails to compile; when the
vertex stage fails, the fragment stage is compiled again against a stub vertex
stage so that both stages' errors are reported at once. Outcomes are cached by
(profile, hash of both sources): batches share shaders, and a compile costs a
few milliseconds. Needs a :class:`~synharness.render.gl.GlRuntime`.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from synharness.render.profiles import HostProfile, profile_named

if TYPE_CHECKING:
    from synharness.render.gl import GlRuntime

#: Compile outcomes kept per process (programs themselves are kept by the runtime).
CACHE_SIZE = 1024

#: Mesa's ``<string>:<line>(<column>): error: <text>``.
_POSITIONED = re.compile(r"^\s*\d+:(\d+)\((\d+)\):\s*(?:preprocessor\s+)?(error|warning):\s*(.*)$")
_UNPOSITIONED = re.compile(r"^\s*(?:preprocessor\s+)?(error|warning):\s*(.*)$")
_SECTION = {"vertex_shader": "vertex", "fragment_shader": "fragment", "Program": "link"}

#: GL type enums (glGetActiveUniform) -> GLSL type names.
GL_TYPES: dict[int, str] = {
    0x1406: "float", 0x8B50: "vec2", 0x8B51: "vec3", 0x8B52: "vec4",
    0x1404: "int", 0x8B53: "ivec2", 0x8B54: "ivec3", 0x8B55: "ivec4",
    0x1405: "uint", 0x8DC6: "uvec2", 0x8DC7: "uvec3", 0x8DC8: "uvec4",
    0x8B56: "bool", 0x8B57: "bvec2", 0x8B58: "bvec3", 0x8B59: "bvec4",
    0x8B5A: "mat2", 0x8B5B: "mat3", 0x8B5C: "mat4",
    0x8B65: "mat2x3", 0x8B66: "mat2x4", 0x8B67: "mat3x2",
    0x8B68: "mat3x4", 0x8B69: "mat4x2", 0x8B6A: "mat4x3",
    0x8B5E: "sampler2D", 0x8B5F: "sampler3D", 0x8B60: "samplerCube",
    0x8B62: "sampler2DShadow", 0x8DC1: "sampler2DArray", 0x8DCA: "isampler2D",
    0x8DD2: "usampler2D",
}  # fmt: skip


@dataclass(frozen=True)
class CompilerMessage:
    """One error of the compiler or linker, placed in the asset's source."""

    #: ``vertex``, ``fragment`` or ``link``.
    stage: str
    #: The compiler's line, verbatim.
    raw: str
    #: The message without Mesa's position prefix.
    text: str
    #: 1-based line and column in the asset's source of the stage; None when unknown
    #: (a linker message, or a position inside the host's prefix).
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class ProgramInfo:
    """What compiling and linking one shader pair under one profile produced."""

    profile: str
    ok: bool
    messages: tuple[CompilerMessage, ...] = ()
    #: Active uniform name -> GLSL type (arrays as ``float[N]``, N the active length).
    uniforms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: Active attribute name -> GLSL type.
    attributes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: Cache key of the compiled program in its runtime (see :func:`linked_program`).
    key: tuple[str, int] = ("", 0)


_cache: OrderedDict[tuple[str, int], ProgramInfo] = OrderedDict()
#: Threads (the store's pool) share the outcomes; each has its own runtime and programs.
_cache_lock = threading.Lock()


def source_key(profile: str, vertex: str, fragment: str) -> tuple[str, int]:
    """The cache key of a pair under a profile: (profile, 64-bit hash of both sources)."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(vertex.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(fragment.encode("utf-8", "surrogatepass"))
    return profile, int.from_bytes(digest.digest(), "big")


def compile_pair(
    runtime: GlRuntime, vertex: str, fragment: str, *, profile: str = "three"
) -> ProgramInfo:
    """Compile and link a pair (cached by profile and sources).

    Args:
        runtime: The GL runtime to compile in.
        vertex: The asset's vertex source.
        fragment: The asset's fragment source.
        profile: A name of :data:`~synharness.render.profiles.PROFILES`.

    Returns:
        The outcome; a linked program stays in ``runtime.programs`` under ``key``.
    """
    key = source_key(profile, vertex, fragment)
    with _cache_lock:
        known = _cache.get(key)
        if known is not None and (not known.ok or key in runtime.programs):
            _cache.move_to_end(key)
            return known
    info = _compile(runtime, profile_named(profile), vertex, fragment, key)
    with _cache_lock:
        _cache[key] = info
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return info


def linked_program(runtime: GlRuntime, info: ProgramInfo) -> Any:
    """The moderngl program of a pair that linked (compiling it again if it was evicted)."""
    program = runtime.programs.get(info.key)
    if program is None:
        raise LookupError("the program did not link or belongs to another runtime")
    return program


def _compile(
    runtime: GlRuntime, profile: HostProfile, vertex: str, fragment: str, key: tuple[str, int]
) -> ProgramInfo:
    import moderngl

    vertex_text, vertex_lines = profile.wrap("vertex", vertex)
    fragment_text, fragment_lines = profile.wrap("fragment", fragment)
    offsets = {"vertex": vertex_lines, "fragment": fragment_lines, "link": 0}
    try:
        program = runtime.ctx.program(vertex_shader=vertex_text, fragment_shader=fragment_text)
    except moderngl.Error as exc:
        sources = {"vertex": vertex, "fragment": fragment}
        messages = parse_log(str(exc), offsets, sources)
        if messages and all(m.stage == "vertex" for m in messages):
            messages += _fragment_alone(runtime, profile, fragment_text, offsets, sources)
        if not messages:  # a log this reader does not know: keep it whole
            text = str(exc).strip()
            messages = (CompilerMessage(stage="link", raw=text, text=text),)
        return ProgramInfo(profile=profile.name, ok=False, messages=messages, key=key)
    runtime.programs[key] = program
    uniforms, attributes = _reflect(program)
    return ProgramInfo(
        profile=profile.name,
        ok=True,
        uniforms=MappingProxyType(uniforms),
        attributes=MappingProxyType(attributes),
        key=key,
    )


def _fragment_alone(
    runtime: GlRuntime,
    profile: HostProfile,
    fragment_text: str,
    offsets: dict[str, int],
    sources: dict[str, str],
) -> tuple[CompilerMessage, ...]:
    """Errors of the fragment stage, compiled against a stub vertex stage."""
    import moderngl

    version = fragment_text.split("\n", 1)[0] if fragment_text.lstrip().startswith("#") else ""
    stub = f"{version}\nvoid main() {{ gl_Position = vec4(0.0); }}\n"
    try:
        runtime.ctx.program(vertex_shader=stub, fragment_shader=fragment_text).release()
    except moderngl.Error as exc:
        return tuple(m for m in parse_log(str(exc), offsets, sources) if m.stage == "fragment")
    return ()


_BLANK_OR_COMMENT = re.compile(r"(?:[ \t\r\f\v]+|/\*.*?\*/|//.*)+")


def source_column(line: str, column: int) -> int:
    """The 1-based column in ``line`` of Mesa's ``column``.

    Mesa counts columns in the preprocessor's output, where each run of blanks
    (and each comment) is one space; walking the line the same way finds the
    character it means.
    """
    at, i, n = 1, 0, len(line)
    while i < n:
        blank = _BLANK_OR_COMMENT.match(line, i)
        step = blank.end() - i if blank is not None and blank.end() > i else 1
        if at >= column:
            return i + 1
        at += 1
        i += step
    return n + 1 if at >= column else column


def parse_log(
    text: str, offsets: Mapping[str, int], sources: Mapping[str, str] | None = None
) -> tuple[CompilerMessage, ...]:
    """Read moderngl's error text: its stage sections and Mesa's error lines.

    Args:
        text: ``str(moderngl.Error)``: a headline, then per failing stage a name
            (``vertex_shader``, ``fragment_shader``, ``Program``), a rule and the log.
        offsets: Stage -> lines of host prefix before the asset's source.
        sources: Stage -> the asset's source, to turn Mesa's columns (counted
            after the preprocessor shrank blanks) into the source's own.

    Returns:
        The error messages, with lines and columns in the asset's sources.
    """
    stage: str | None = None
    out: list[CompilerMessage] = []
    lines = {k: v.split("\n") for k, v in (sources or {}).items()}
    for line in text.splitlines():
        name = line.strip()
        if name in _SECTION:
            stage = _SECTION[name]
            continue
        if stage is None:
            continue
        if m := _POSITIONED.match(line):
            if m[3] != "error":
                continue
            source_line = int(m[1]) - offsets.get(stage, 0)
            placed = source_line >= 1
            column = int(m[2])
            stage_lines = lines.get(stage)
            if placed and stage_lines is not None and source_line <= len(stage_lines):
                column = source_column(stage_lines[source_line - 1], column)
            out.append(
                CompilerMessage(
                    stage=stage,
                    raw=line.strip(),
                    text=m[4].strip(),
                    line=source_line if placed else None,
                    column=column if placed else None,
                )
            )
        elif (m := _UNPOSITIONED.match(line)) and m[1] == "error":
            out.append(CompilerMessage(stage=stage, raw=line.strip(), text=m[2].strip()))
    return tuple(out)


def _reflect(program: Any) -> tuple[dict[str, str], dict[str, str]]:
    import moderngl

    uniforms: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for name in program:
        member = program[name]
        if isinstance(member, moderngl.Uniform):
            gl_type: int = member.gl_type  # type: ignore[attr-defined]
            type_ = GL_TYPES.get(gl_type, f"0x{gl_type:04X}")
            base = name.removesuffix("[0]")
            uniforms[base] = f"{type_}[{member.array_length}]" if member.array_length > 1 else type_
        elif isinstance(member, moderngl.Attribute):
            gl_type = member.gl_type  # type: ignore[attr-defined]
            attributes[name] = GL_TYPES.get(gl_type, f"0x{gl_type:04X}")
    return uniforms, attributes


def clear_cache() -> None:
    """Forget every cached outcome (tests; a new runtime)."""
    _cache.clear()
