"""Shader sources against their uniform list (SYN-GLSL-*).

The sources are read by :mod:`synharness.semantic.glsl_parse`. The runtime is
three.js's ``ShaderMaterial``, which prepends declarations of its built-in
attributes and uniforms (:data:`THREE_BUILTINS`) to the vertex shader, so
those are neither "undeclared" nor expected in the uniform list.

When a GL context exists, validation also compiles the pair for real
(:mod:`synharness.render.check`) and passes what the compiler reported as
:class:`CompiledUniforms`. Then the compiler is the authority: its active
uniforms replace the reader's types where the two disagree, and the reader's
own guesses that the compiler and linker check better are skipped (undeclared
attributes, SYN-GLSL-006, are compile errors; a uniform typed differently in
the two stages, SYN-GLSL-003 between stages, is a link error). Without a
context those checks run as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from synharness.codes import finding
from synharness.findings import Finding
from synharness.semantic.glsl_parse import GlslUnit, parse_pair
from synharness.semantic.scope import Scope

#: What three.js's ShaderMaterial declares before the user's vertex shader
#: (WebGLProgram prefixVertex); the fragment prefix is a subset (viewMatrix,
#: cameraPosition, isOrthographic).
THREE_BUILTINS: frozenset[str] = frozenset(
    {
        # uniforms
        "modelMatrix", "modelViewMatrix", "projectionMatrix", "viewMatrix", "normalMatrix",
        "cameraPosition", "isOrthographic", "bindMatrix", "bindMatrixInverse", "boneTexture",
        "morphTargetBaseInfluence", "morphTargetInfluences", "logDepthBufFC",
        # attributes
        "position", "normal", "uv", "uv1", "uv2", "uv3", "color", "tangent",
        "skinIndex", "skinWeight", "instanceMatrix", "instanceColor",
        "morphTarget0", "morphTarget1", "morphTarget2", "morphTarget3",
        "morphTarget4", "morphTarget5", "morphTarget6", "morphTarget7",
        "morphNormal0", "morphNormal1", "morphNormal2", "morphNormal3",
    }
)  # fmt: skip

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_VECTOR = re.compile(r"([biu]?)vec([234])")
_MATRIX = re.compile(r"mat([234])(?:x([234]))?")
_ARRAY = re.compile(r"(\w+)\[(\d+)\]")


def _scalar_ok(value: Any, kind: str) -> bool:
    t = type(value)
    if kind == "float" and (t is float or t is int):
        return True
    if kind == "bool":
        return isinstance(value, bool) or value in (0, 1)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return kind == "float" or float(value).is_integer()


def _shape(type_: str) -> tuple[str, int] | None:
    """(scalar kind, component count) of a GLSL type; None when it is not checked."""
    known = _SHAPES.get(type_)
    if known is not None:
        return known
    return _parse_shape(type_)


def _parse_shape(type_: str) -> tuple[str, int] | None:
    if type_ in ("float", "double"):
        return "float", 1
    if type_ in ("int", "uint"):
        return "int", 1
    if type_ == "bool":
        return "bool", 1
    if m := _VECTOR.fullmatch(type_):
        return {"": "float", "b": "bool", "i": "int", "u": "int"}[m[1]], int(m[2])
    if m := _MATRIX.fullmatch(type_):
        return "float", int(m[1]) * int(m[2] or m[1])
    return None


_SHAPES: dict[str, tuple[str, int]] = {
    t: shape
    for t in (
        "float", "double", "int", "uint", "bool",
        *(f"{p}vec{n}" for p in ("", "b", "i", "u") for n in (2, 3, 4)),
        *(f"mat{n}" for n in (2, 3, 4)),
        *(f"mat{n}x{m}" for n in (2, 3, 4) for m in (2, 3, 4)),
    )
    if (shape := _parse_shape(t)) is not None
}  # fmt: skip


def _flat(value: Any) -> list[Any] | None:
    if not isinstance(value, list):
        return None
    if value and all(isinstance(v, list) for v in value):
        return [x for v in value for x in v]  # a matrix written as columns
    return value


def default_fits(type_: str, value: Any) -> bool | None:
    """Whether ``value`` has the shape of ``type_``; None when the type is not checked."""
    shape = _SHAPES.get(type_)
    if shape is not None:
        return _fits(shape, value)
    if m := _ARRAY.fullmatch(type_):
        if not isinstance(value, list) or len(value) != int(m[2]):
            return False
        checks = [default_fits(m[1], v) for v in value]
        return None if None in checks else all(checks)
    shape = _shape(type_)
    if shape is None:
        return None  # samplers (a texture), structs: no shape to check
    return _fits(shape, value)


def _fits(shape: tuple[str, int], value: Any) -> bool:
    kind, count = shape
    if count == 1:
        return _scalar_ok(value, kind)
    if kind == "float" and type(value) is list and len(value) == count:
        # The usual vector default, a list of plain numbers, in one pass.
        for v in value:
            t = type(v)
            if t is not float and t is not int:
                break
        else:
            return True
    flat = _flat(value)
    return flat is not None and len(flat) == count and all(_scalar_ok(v, kind) for v in flat)


@lru_cache(maxsize=256)
def _base(type_: str) -> str:
    # Cached: asked for every listed uniform of every asset, among a few dozen types.
    m = _ARRAY.fullmatch(type_)
    return m[1] if m else type_


@dataclass(frozen=True)
class CompiledUniforms:
    """What a real GL compiler reported for a shader pair."""

    #: Both stages compiled and the program linked.
    linked: bool
    #: Active uniform name -> GLSL type (empty when it did not link).
    active: Mapping[str, str]


def _merged(declared: Mapping[str, str], compiled: CompiledUniforms | None) -> Mapping[str, str]:
    """The reader's uniform types, corrected by the compiler's active uniforms."""
    if compiled is None or not compiled.linked:
        return declared
    merged = dict(declared)
    for name, type_ in compiled.active.items():
        guess = merged.get(name)
        # An array's active length is the last element used: keep the declared length.
        if guess is None or _base(guess) != _base(type_):
            merged[name] = type_
    return merged


def check_glsl(scope: Scope, *, compiled: CompiledUniforms | None = None) -> list[Finding]:
    """SYN-GLSL-001..007 for the scope's shader.

    Args:
        scope: What is checked.
        compiled: What the GL compiler reported, when it ran (see the module docstring).
    """
    shader = scope.shader
    if shader is None:
        return []
    base = scope.shader_ptr
    pair = parse_pair(shader.vertex_shader, shader.fragment_shader)
    declared = _merged(pair.uniforms, compiled)
    found = (
        [
            finding(
                "SYN-GLSL-003",
                f"{base}/fragment_shader",
                f"Uniform {name!r} is {vtype} in the vertex shader but {ftype} in the fragment shader",
                hint="Declare the uniform with one type in both stages.",
            )
            for name, vtype, ftype in pair.conflicts
        ]
        if compiled is None
        else []
    )
    uniforms = [u.__dict__ for u in shader.uniforms] if shader.uniforms else []
    # Fields from the instance dicts: pydantic models define __getattr__, which
    # keeps attribute loads unspecialised.
    names_listed = {u["name"] for u in uniforms}
    listed = set(names_listed)  # grows below, as undeclared uniforms are reported
    if shader.uniforms is not None and not listed.issuperset(declared):
        for stage, unit in (("vertex", pair.vertex), ("fragment", pair.fragment)):
            for name, type_ in unit.uniforms().items():
                if name not in listed and name not in THREE_BUILTINS:
                    found.append(
                        finding(
                            "SYN-GLSL-001",
                            f"{base}/{stage}_shader",
                            f"Uniform {type_} {name} is declared in the {stage} shader but not "
                            "listed in uniforms",
                        )
                    )
                    listed.add(name)  # report once even when both stages declare it
    for i, uniform in enumerate(uniforms):
        name, type_, default = uniform["name"], uniform["type"], uniform["default"]
        if (
            declared.get(name) == type_
            and (type_ != "vec3" or not isinstance(default, str))
            and default_fits(type_, default)
        ):
            continue  # the usual case: listed as declared, with a default of the type
        found += _check_uniform(name, type_, default, declared, f"{base}/uniforms/{i}")
    if compiled is None and pair.vertex.free and not pair.vertex.includes:
        found += _undeclared_attributes(pair.vertex, f"{base}/vertex_shader", names_listed)
    names = names_listed.union(declared)
    for i, ip in enumerate(shader.input_parameters or []):
        name = ip.__dict__["parameter"].removeprefix("shader.")
        if name not in names:
            found.append(
                finding(
                    "SYN-GLSL-007",
                    f"{base}/input_parameters/{i}/parameter",
                    f"Shader input parameter {ip.parameter!r} names no uniform",
                )
            )
    return found


def _check_uniform(
    name: str, type_: str, default: Any, declared: Mapping[str, str], pointer: str
) -> list[Finding]:
    found: list[Finding] = []
    glsl_type = declared.get(name)
    if glsl_type is None:
        found.append(
            finding(
                "SYN-GLSL-002",
                f"{pointer}/name",
                f"Uniform {type_} {name} is listed but neither shader source declares it",
            )
        )
    elif glsl_type != type_ and not (_base(glsl_type) == type_ and isinstance(default, list)):
        found.append(
            finding(
                "SYN-GLSL-003",
                f"{pointer}/type",
                f"Uniform {name!r} is listed as {type_} but declared as {glsl_type} in GLSL",
                hint=f"Set the type to {glsl_type!r}, or change the declaration.",
            )
        )
        return found  # the default cannot be judged against a disputed type
    check_type = glsl_type if glsl_type is not None and _base(glsl_type) == type_ else type_
    if type_ == "vec3" and isinstance(default, str) and _HEX.fullmatch(default):
        found.append(
            finding(
                "SYN-GLSL-005",
                f"{pointer}/default",
                f"Uniform {name!r} (vec3) has the hex colour string {default!r} as default",
            )
        )
    elif default_fits(check_type, default) is False:
        found.append(
            finding(
                "SYN-GLSL-004",
                f"{pointer}/default",
                f"Uniform {name!r} ({check_type}) has the default {default!r}, which is not a {check_type}",
            )
        )
    return found


def _undeclared_attributes(vertex: GlslUnit, pointer: str, listed: set[str]) -> list[Finding]:
    free = [n for n in vertex.free if n not in THREE_BUILTINS]
    if not free:
        return []
    return [
        finding(
            "SYN-GLSL-006",
            pointer,
            f"The vertex shader uses {name!r}, which it does not declare and three.js does not provide"
            + (
                " (it is a listed uniform: declare it in the vertex shader)"
                if name in listed
                else ""
            ),
            hint=f"Declare it (attribute vec3 {name}; or uniform ...), or use a three.js built-in "
            "(position, normal, uv, ...).",
        )
        for name in free
    ]
