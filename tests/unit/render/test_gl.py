"""Real compilation and rendering in Mesa through EGL.

Every test here needs a GL context: it skips without one, and fails under
``CI=true`` (CI has Mesa's EGL).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from synharness.agents import builtin_scenarios
from synharness.cli.main import cli
from synharness.models import SynestheticAsset
from synharness.pipeline import ValidationOptions, check_bytes
from synharness.render.gl import GlRuntime, shared_runtime
from synharness.render.shader import RenderSettings, render_asset

from tests.conftest import CODE_FIXTURES, ROOT, require_gl

EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
AURORA = ROOT / "examples" / "aurora-veil.json"
SMALL = RenderSettings(width=64, height=64, fps=30.0)


@pytest.fixture
def runtime() -> GlRuntime:
    require_gl()
    shared = shared_runtime()
    assert not isinstance(shared, str)
    return shared


def _with_fragment(fragment: str) -> bytes:
    data = json.loads(AURORA.read_text(encoding="utf-8"))
    data["shader"]["fragment_shader"] = fragment
    return json.dumps(data, indent=2).encode()


def _at(raw: bytes, line: int | None, column: int | None) -> str:
    assert line is not None and column is not None
    return raw.decode().split("\n")[line - 1][column - 1 :]


AURORA_FRAGMENT = json.loads(AURORA.read_text(encoding="utf-8"))["shader"]["fragment_shader"]
STATEMENT = "float t = u_time * u_drift;"


@pytest.mark.parametrize(
    ("broken", "code", "starts", "where"),
    [
        # A missing ';' is reported at the token after it: the next line's 'float'.
        ("float t = u_time * u_drift", "SYN-GLSL-010", "float curtain", "line 24, column 3"),
        ("float t = u_time +* ;", "SYN-GLSL-010", "* ;", "line 23, column 21"),
        (STATEMENT + " vec3 x = vec4(1.0);", "SYN-GLSL-010", "vec3 x = vec4", "line 23, column 31"),
        ("float t = u_time * frob(u_drift);", "SYN-GLSL-010", "frob(", "line 23, column 22"),
    ],
)
def test_broken_shaders_are_errors_at_the_files_line_and_column(
    runtime: GlRuntime, broken: str, code: str, starts: str, where: str
) -> None:
    raw = _with_fragment(AURORA_FRAGMENT.replace(STATEMENT, broken))
    errors = [
        f for f in check_bytes(raw, source="x").result.findings if f.severity.value == "error"
    ]
    hits = [f for f in errors if f.code == code and where in f.message]
    assert hits, errors
    assert hits[0].pointer == "/shader/fragment_shader"
    assert _at(raw, hits[0].line, hits[0].column).startswith(starts)
    assert "(compiler: " in hits[0].message and hits[0].hint


def test_no_main_is_a_link_error_at_the_string(runtime: GlRuntime) -> None:
    raw = _with_fragment(AURORA_FRAGMENT.replace("void main() {", "void mian() {"))
    (found,) = [
        f for f in check_bytes(raw, source="x").result.findings if f.severity.value == "error"
    ]
    assert found.code == "SYN-GLSL-011" and "lacks `main'" in found.message
    assert _at(raw, found.line, found.column).startswith('"varying vec2 vUv;')


def test_both_stages_report_their_errors(runtime: GlRuntime) -> None:
    data = json.loads(AURORA.read_text(encoding="utf-8"))
    data["shader"]["vertex_shader"] = data["shader"]["vertex_shader"].replace(
        "vUv = uv;", "vUv = uvv;"
    )
    data["shader"]["fragment_shader"] = AURORA_FRAGMENT.replace(STATEMENT, "float t = ;")
    raw = json.dumps(data).encode()
    pointers = {
        f.pointer for f in check_bytes(raw, source="x").result.findings if f.code == "SYN-GLSL-010"
    }
    assert pointers == {"/shader/vertex_shader", "/shader/fragment_shader"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_compiles_in_three_and_renders_something(
    runtime: GlRuntime, path: Path
) -> None:
    checked = check_bytes(path.read_bytes(), source=str(path))
    codes = {f.code for f in checked.result.findings}
    assert not codes & {"SYN-GLSL-010", "SYN-GLSL-011", "SYN-RENDER-001"}, codes
    asset = checked.model
    assert isinstance(asset, SynestheticAsset)
    if asset.shader is None:
        pytest.skip(f"{path.name} has no shader")
    idle = builtin_scenarios(asset, duration=1.0)[:1]
    (render,), _ = render_asset(runtime, asset, idle, settings=SMALL)
    assert render.frames is not None and render.metrics is not None
    assert not render.metrics.constant
    assert render.frames.max() > render.frames.min()


def test_profiles_compile_what_their_hosts_accept(runtime: GlRuntime) -> None:
    def compiles(fragment: str, host: str) -> set[str]:
        raw = _with_fragment(fragment)
        found = check_bytes(
            raw, source="x", options=ValidationOptions(glsl_host=host)
        ).result.findings
        # The fragment stage's errors: the example's vertex stage uses three.js's
        # built-ins, which webgl1 and webgl2 do not declare.
        return {f.code for f in found if f.pointer == "/shader/fragment_shader"}

    plain = "varying vec2 vUv;\nvoid main() { gl_FragColor = vec4(vUv, 0.0, 1.0); }\n"
    assert compiles(plain, "three") == set()
    assert compiles(plain, "webgl1") == {"SYN-GLSL-010"}  # no default float precision
    assert compiles("precision mediump float;\n" + plain, "webgl1") == set()
    es3 = "#version 300 es\nprecision highp float;\nin vec2 vUv;\nout vec4 c;\nvoid main() { c = vec4(vUv, 0.0, 1.0); }\n"
    assert compiles(es3, "three") == {"SYN-GLSL-010"}  # three.js writes its own #version first
    assert compiles(es3, "webgl2") == set()
    raw = _with_fragment(plain)
    vertex = check_bytes(raw, source="x", options=ValidationOptions(glsl_host="webgl1")).result
    assert any("projectionMatrix" in f.message for f in vertex.findings)  # no built-ins in webgl1


def test_active_uniforms_replace_the_readers_guess(runtime: GlRuntime) -> None:
    # A uniform declared through a macro: the regex reader cannot see it, the compiler can.
    fragment = AURORA_FRAGMENT.replace(
        "uniform float u_hue;", "#define DECLARE(t, n) uniform t n;\nDECLARE(float, u_hue)"
    )
    raw = _with_fragment(fragment)
    without = check_bytes(raw, source="x", options=ValidationOptions(glsl_host=None)).result
    assert "SYN-GLSL-002" in {f.code for f in without.findings}
    with_gl = check_bytes(raw, source="x").result
    assert "SYN-GLSL-002" not in {f.code for f in with_gl.findings}


def _fixture_asset(code: str, kind: str) -> SynestheticAsset:
    checked = check_bytes((CODE_FIXTURES / code / f"{kind}.json").read_bytes(), source=kind)
    assert isinstance(checked.model, SynestheticAsset)
    return checked.model


def _render_codes(runtime: GlRuntime, code: str, kind: str) -> list[str]:
    asset = _fixture_asset(code, kind)
    _, found = render_asset(
        runtime, asset, builtin_scenarios(asset, duration=3.0)[:1], settings=SMALL
    )
    return [f.code for f in found]


@pytest.mark.parametrize(
    "code",
    ["SYN-VISUAL-001", "SYN-VISUAL-002", "SYN-VISUAL-003", "SYN-VISUAL-004", "SYN-VISUAL-005"],
)
def test_visual_fixtures(runtime: GlRuntime, code: str) -> None:
    assert code in _render_codes(runtime, code, "fail")
    assert code not in _render_codes(runtime, code, "pass")


def test_no_context_is_one_info_and_validation_goes_on(
    runtime: GlRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    import synharness.render.gl as gl

    raw = (CODE_FIXTURES / "SYN-RENDER-001" / "fail.json").read_bytes()
    assert "SYN-RENDER-001" not in {f.code for f in check_bytes(raw, source="x").result.findings}
    monkeypatch.setattr(gl, "shared_runtime", lambda: "no EGL context: test")
    found = check_bytes(raw, source="x").result.findings
    assert [(f.code, f.severity.value, f.pointer) for f in found] == [
        ("SYN-RENDER-001", "info", "/shader")
    ]
    broken = _with_fragment(AURORA_FRAGMENT.replace(STATEMENT, "float t = u_time +* ;"))
    codes = [f.code for f in check_bytes(broken, source="x").result.findings]
    assert codes == ["SYN-RENDER-001"]  # the regex reader cannot see the syntax error


def test_render_failure_is_a_finding(runtime: GlRuntime, monkeypatch: pytest.MonkeyPatch) -> None:
    import moderngl
    import synharness.render.shader as shader

    assert "SYN-RENDER-002" not in _render_codes(runtime, "SYN-RENDER-002", "pass")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise moderngl.Error("out of memory")

    monkeypatch.setattr(shader, "draw", refuse)
    asset = _fixture_asset("SYN-RENDER-002", "fail")
    renders, found = render_asset(
        runtime, asset, builtin_scenarios(asset, duration=1.0), settings=SMALL
    )
    assert [f.code for f in found] == ["SYN-RENDER-002"] and "out of memory" in found[0].message
    assert len(renders) == 3 and all(r.metrics is None for r in renders)


def test_pointer_drives_u_mouse(runtime: GlRuntime) -> None:
    data = json.loads((CODE_FIXTURES / "SYN-VISUAL-001" / "pass.json").read_text(encoding="utf-8"))
    data["shader"]["fragment_shader"] = (
        "uniform vec2 u_mouse;\nvoid main() { gl_FragColor = vec4(vec3(step(u_mouse.x, gl_FragCoord.x)), 1.0); }\n"
    )
    data["shader"]["uniforms"].append(
        {"name": "u_mouse", "type": "vec2", "stage": "fragment", "default": [0, 0]}
    )
    checked = check_bytes(json.dumps(data).encode(), source="x")
    asset = checked.model
    assert isinstance(asset, SynestheticAsset)
    from synharness.agents import parse_scenario

    scenario = parse_scenario(
        "name: drag\nduration: 1.0\ninputs:\n"
        "  - {at: 0.0, duration: 1.0, hold: {buttons: [left]}, move: {axis: mouse.x, delta: 24}}\n",
        path="drag.yaml",
    )
    (render,), _ = render_asset(runtime, asset, [scenario], settings=SMALL)
    assert render.frames is not None
    white = (render.frames[..., 0] > 127).mean(axis=(1, 2))
    assert white[0] == pytest.approx(0.5, abs=0.02)  # the pointer starts at the centre
    assert white[-1] == pytest.approx((64 - 56) / 64, abs=0.02)  # and ends 24 px to the right
    assert np.all(np.diff(white) <= 1e-9)


def test_render_command_writes_frames_preview_and_metrics(
    runtime: GlRuntime, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    fixture = CODE_FIXTURES / "SYN-VISUAL-004"
    args = [
        "render",
        str(fixture / "pass.json"),
        "--frames",
        "6",
        "--size",
        "32x24",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (out / "idle").iterdir())
    assert [f for f in files if f.startswith("frame-")] == [f"frame-{k:04d}.png" for k in range(6)]
    assert {"filmstrip.png"} <= set(files) and (
        {"preview.webp"} & set(files) or {"preview.png"} & set(files)
    )
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    shader = metrics["scenarios"][0]["metrics"]["shader"]
    assert (shader["frames"], shader["width"], shader["height"]) == (6, 32, 24)
    failing = CliRunner().invoke(
        cli,
        [
            "render",
            str(fixture / "fail.json"),
            "--out",
            str(tmp_path / "f"),
            "--duration",
            "2",
            "--size",
            "32x32",
        ],
    )
    assert failing.exit_code == 1 and "SYN-VISUAL-004" in failing.output
    bad = CliRunner().invoke(cli, ["render", str(fixture / "pass.json"), "--size", "big"])
    assert bad.exit_code == 2
    unknown = CliRunner().invoke(cli, ["render", str(fixture / "pass.json"), "--scenario", "nope"])
    assert unknown.exit_code == 2 and "neither a file nor one of" in unknown.output


def test_compiles_are_cached_by_profile_and_source(runtime: GlRuntime) -> None:
    from synharness.render.compiler import compile_pair

    data = json.loads(AURORA.read_text(encoding="utf-8"))["shader"]
    first = compile_pair(runtime, data["vertex_shader"], data["fragment_shader"], profile="three")
    again = compile_pair(runtime, data["vertex_shader"], data["fragment_shader"], profile="three")
    other = compile_pair(runtime, data["vertex_shader"], data["fragment_shader"], profile="webgl1")
    assert again is first and other is not first and other.profile == "webgl1"
    assert first.ok and first.uniforms["u_skyColor"] == "vec3"


def test_validate_takes_the_host_profile(runtime: GlRuntime, tmp_path: Path) -> None:
    path = tmp_path / "plain.json"
    plain = "varying vec2 vUv;\nvoid main() { gl_FragColor = vec4(vUv, 0.0, 1.0); }\n"
    path.write_bytes(_with_fragment(plain))
    three = CliRunner().invoke(cli, ["validate", str(path), "--format", "concise"])
    assert three.exit_code == 0 and "SYN-GLSL-010" not in three.output
    webgl1 = CliRunner().invoke(cli, ["validate", str(path), "--glsl-host", "webgl1"])
    assert webgl1.exit_code == 1 and "SYN-GLSL-010" in webgl1.output


def test_threads_compile_in_their_own_contexts(runtime: GlRuntime) -> None:
    import threading

    raw = (CODE_FIXTURES / "SYN-GLSL-010" / "fail.json").read_bytes()
    seen: list[list[str]] = []

    def validate() -> None:
        seen.append([f.code for f in check_bytes(raw, source="x").result.findings])

    threads = [threading.Thread(target=validate) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    validate()
    assert seen == [["SYN-GLSL-010"]] * 4


def test_the_score_counts_what_the_render_shows(runtime: GlRuntime) -> None:
    """``score(..., render=True)``: a flashing shader leaves the clean band; a clean one keeps it."""
    from synharness.agents.scoring import score

    def scored(name: str) -> Any:
        data = json.loads((CODE_FIXTURES / "SYN-VISUAL-004" / name).read_text(encoding="utf-8"))
        return score(data), score(data, render=True)

    plain, rendered = scored("fail.json")
    assert "SYN-VISUAL-004" in {f.code for f in rendered.findings}
    assert rendered.score < plain.score
    assert rendered.verdict != "pass"
    plain, rendered = scored("pass.json")
    assert "SYN-VISUAL-004" not in {f.code for f in rendered.findings}
    assert rendered.score == plain.score


def test_a_render_releases_every_gl_object_it_made(
    runtime: GlRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moderngl frees a GL object only when told: a batch that left one per draw grew by
    about 75 kB per asset (the quad's vertex buffers, which releasing the array leaves)."""
    made: list[Any] = []
    ctx = type(runtime.ctx)
    for factory in ("buffer", "vertex_array", "framebuffer", "renderbuffer"):
        original = getattr(ctx, factory)

        def recording(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            made.append(_original(self, *args, **kwargs))
            return made[-1]

        monkeypatch.setattr(ctx, factory, recording)
    asset = check_bytes(AURORA.read_bytes(), source="x").model
    assert isinstance(asset, SynestheticAsset)
    idle = [s for s in builtin_scenarios(asset, duration=1.0) if s.name == "idle"]
    render_asset(runtime, asset, idle, settings=SMALL)
    kinds = {type(obj).__name__ for obj in made}
    assert {"Buffer", "VertexArray", "Framebuffer", "Renderbuffer"} <= kinds
    alive = [type(obj).__name__ for obj in made if type(obj.mglo).__name__ != "InvalidObject"]
    assert alive == []
