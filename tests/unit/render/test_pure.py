"""The parts of synharness.render that need no GL: profiles, log reading, positions, uniforms."""

from __future__ import annotations

import json

import numpy as np
import pytest
from synharness.positions import Locator, offset_in_string, position_of_offset
from synharness.render.compiler import parse_log, source_column
from synharness.render.profiles import PROFILES
from synharness.render.uniforms import components, frame_times, frame_uniforms, pointer_path


def test_three_prefix_counts_its_lines_and_ends_with_a_newline() -> None:
    three = PROFILES["three"]
    text, lines = three.wrap("fragment", "void main() {}\n")
    assert text.startswith("#version 300 es\n")
    assert text.endswith("void main() {}\n")
    assert lines == three.fragment_prefix.count("\n") and three.fragment_prefix.endswith("\n")
    assert "#define gl_FragColor pc_fragColor" in three.fragment_prefix
    assert "attribute vec3 position;" in three.vertex_prefix
    assert "uniform mat4 modelViewMatrix;" in three.vertex_prefix


@pytest.mark.parametrize(
    ("name", "version"), [("webgl1", "#version 100\n"), ("webgl2", "#version 300 es\n")]
)
def test_raw_profiles_add_only_an_implicit_version(name: str, version: str) -> None:
    text, lines = PROFILES[name].wrap("vertex", "void main() {}")
    assert (text, lines) == (version + "void main() {}", 1)
    own = "// mine\n#version 300 es\nvoid main() {}"
    assert PROFILES[name].wrap("vertex", own) == (own, 0)


def test_mesa_columns_count_blank_runs_as_one() -> None:
    line = "    float a  =  1.0 +* 2.0;"
    # The preprocessor's line is " float a = 1.0 +* 2.0;": '*' is its 17th character.
    assert line[source_column(line, 17) - 1] == "*"
    assert source_column("x /* c */ = 1;", 3) == 11  # a comment is one blank too
    assert source_column("ab", 9) == 9  # past the line: left as given


def test_parse_log_reads_stages_and_takes_the_prefix_off() -> None:
    log = (
        "GLSL Compiler failed\n\nfragment_shader\n===============\n"
        "0:29(7): error: syntax error, unexpected '*'\n0:30(1): warning: ignored\n\n"
    )
    (message,) = parse_log(log, {"fragment": 27}, {"fragment": "a\n  b +* c;\n"})
    assert (message.stage, message.line, message.column) == ("fragment", 2, 8)
    assert message.raw == "0:29(7): error: syntax error, unexpected '*'"
    link = parse_log("GLSL Linker failed\n\nProgram\n=======\nerror: lacks `main'\n", {})
    assert [(m.stage, m.line, m.text) for m in link] == [("link", None, "lacks `main'")]
    inside_prefix = parse_log("x\nvertex_shader\n=\n0:3(1): error: bad\n", {"vertex": 20})
    assert inside_prefix[0].line is None


def test_offset_in_string_walks_escapes() -> None:
    source = 'void main() {\n\tfloat "a" = 1.0\n  x;\n}\n'
    text = json.dumps({"shader": {"fragment_shader": source}}, indent=2)
    start = Locator(text).offset("/shader/fragment_shader")
    assert start is not None
    at = offset_in_string(text, start, 3, 3)
    assert at is not None and text[at] == "x"
    at = offset_in_string(text, start, 2, 8)  # after \t: the escaped quote of "a"
    assert at is not None and text[at : at + 2] == '\\"'
    line, column = position_of_offset(text, offset_in_string(text, start, 1, 1) or 0)
    assert (line, column) == (3, 25)
    assert offset_in_string(text, start, 9, 1) is None
    assert offset_in_string(text, 0, 1, 1) is None  # not a string


def test_frame_times_and_budget() -> None:
    assert list(frame_times(1.0, fps=4)) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert len(frame_times(10.0, fps=30, frames=7)) == 7


def test_pointer_moves_by_the_scenario_and_stays_on_the_canvas() -> None:
    class Move:
        def __init__(self, axis: str, delta: float) -> None:
            self.axis, self.delta = axis, delta

    class Input:
        def __init__(self, at: float, duration: float, move: Move | None) -> None:
            self.at, self.duration, self.move = at, duration, move

    times = np.array([0.0, 0.5, 1.0, 2.0])
    inputs = [Input(0.0, 1.0, Move("mouse.x", 40)), Input(1.5, 0.0, Move("mouse.y", 1000))]
    path = pointer_path(inputs, times, width=100, height=50)
    assert path.tolist() == [[50, 25], [70, 25], [90, 25], [90, 0]]  # y up, clamped


def test_frame_uniforms_sources() -> None:
    active = {"u_time": "float", "u_resolution": "vec2", "u_gain": "float", "u_tint": "vec3",
              "u_n": "int", "modelViewMatrix": "mat4"}  # fmt: skip
    times = np.array([0.0, 0.5, 1.0])
    values = frame_uniforms(
        active, times=times, width=64, height=32,
        trace_t=np.array([0.0, 0.4, 0.8]), trace={"u_gain": np.array([1.0, 2.0, 3.0])},
        defaults={"u_tint": [0.1, 0.2, 0.3], "u_n": "#ff0000"}, skip={"modelViewMatrix"},
    )  # fmt: skip
    assert values["u_time"][:, 0].tolist() == [0.0, 0.5, 1.0]
    assert values["u_resolution"].tolist() == [[64, 32]] * 3
    assert values["u_gain"][:, 0].tolist() == [1.0, 2.0, 3.0]  # sample at or before each frame
    assert values["u_tint"].tolist() == [[0.1, 0.2, 0.3]] * 3
    assert values["u_n"].tolist() == [[0.0]] * 3  # an unusable default: GL's zero
    assert "modelViewMatrix" not in values
    assert components("mat3") == ("f", 9) and components("ivec2") == ("i", 2)
    assert components("float[4]") == ("f", 4)
