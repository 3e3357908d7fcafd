"""Tests of the small GLSL reader."""

from __future__ import annotations

import pytest
from synharness.semantic.glsl_parse import parse, tokenize


def test_comments_and_preprocessor_lines_are_skipped_but_defines_kept() -> None:
    source = (
        "#version 300 es\n"
        "#define SCALE 2.0\n"
        "#define LONG_MACRO(x) \\\n  (x * missing_in_macro)\n"
        "// uniform float u_commented;\n"
        "/* uniform float u_block;\n   still a comment */\n"
        "uniform float u_real;\n"
        "void main() { gl_FragColor = vec4(u_real * SCALE); }\n"
    )
    tokens, macros = tokenize(source)
    assert "u_commented" not in tokens and "u_block" not in tokens
    assert "missing_in_macro" not in tokens  # the continuation line is preprocessor too
    assert macros == {"SCALE", "LONG_MACRO"}
    unit = parse(source)
    assert unit.uniforms() == {"u_real": "float"}
    assert unit.free == ()


@pytest.mark.parametrize(
    ("declaration", "expected"),
    [
        ("uniform vec3 a, b;", {"a": "vec3", "b": "vec3"}),
        ("uniform float x[4];", {"x": "float[4]"}),
        ("uniform float[4] x;", {"x": "float[4]"}),
        ("uniform highp float h;", {"h": "float"}),
        ("uniform lowp vec2 p, q[2];", {"p": "vec2", "q": "vec2[2]"}),
        ("layout(std140) uniform mat4 m;", {"m": "mat4"}),
        ("uniform sampler2D tex;", {"tex": "sampler2D"}),
    ],
)
def test_uniform_declarations(declaration: str, expected: dict[str, str]) -> None:
    assert parse(declaration + "\nvoid main() {}").uniforms() == expected


def test_storage_qualifiers_of_glsl_1_and_3() -> None:
    unit = parse(
        "attribute vec3 aPos;\nvarying vec2 vUv;\nin vec4 color2;\nout vec4 fragColor;\n"
        "layout(location = 0) in vec3 aNormal;\nvoid main() {}"
    )
    assert unit.storage == {
        "aPos": ("attribute", "vec3"),
        "vUv": ("varying", "vec2"),
        "color2": ("in", "vec4"),
        "fragColor": ("out", "vec4"),
        "aNormal": ("in", "vec3"),
    }
    assert "location" not in unit.free


def test_function_parameters_in_out_are_not_storage() -> None:
    unit = parse("float f(in vec2 p, out float r) { r = 1.0; return p.x; }\nvoid main() {}")
    assert unit.storage == {}
    assert {"f", "p", "r"} <= unit.declared


def test_locals_parameters_structs_fields_and_calls_are_not_free() -> None:
    unit = parse(
        "struct Light { vec3 dir; float power; };\n"
        "uniform Light u_light;\n"
        "float shade(vec3 n, Light l) { float d = max(dot(n, l.dir), 0.0), e = d * 2.0; return e; }\n"
        "void main() {\n"
        "  for (int i = 0; i < 4; i++) { vec2 st = vec2(float(i)); st.xy *= 2.0; }\n"
        "  gl_Position = vec4(shade(normal, u_light) * position, 1.0);\n"
        "}\n"
    )
    assert unit.uniforms() == {"u_light": "Light"}
    assert set(unit.free) == {"normal", "position"}


def test_free_identifiers_and_uses() -> None:
    unit = parse(
        "uniform float u_a;\nuniform float u_b;\nvoid main() { gl_Position = vec4(aOffset * u_a); }"
    )
    assert unit.free == ("aOffset",)
    assert "u_a" in unit.used and "u_b" not in unit.used


def test_one_line_sources_of_the_corpus() -> None:
    unit = parse(
        "uniform vec2 u_resolution;uniform int u_iterations;float g(vec2 p_val,float r_val)"
        "{return length(p_val)-r_val;}void main(){vec2 st=gl_FragCoord.xy/u_resolution.xy;"
        "for(int i=1;i<u_iterations;i++){st+=vec2(g(st,0.5));}gl_FragColor=vec4(st,0.0,1.0);}"
    )
    assert unit.uniforms() == {"u_resolution": "vec2", "u_iterations": "int"}
    assert unit.free == ()


def test_includes_are_noted() -> None:
    assert parse("#include <common>\nvoid main() { gl_Position = vec4(PI); }").includes
    assert not parse("void main() {}").includes
