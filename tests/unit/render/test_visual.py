"""Visual metrics and the WCAG 2.x flash analysis on synthetic frames (no GL)."""

from __future__ import annotations

import numpy as np
import pytest
from synharness.render.shader import visual_findings
from synharness.render.visual import analyse, linearise, relative_luminance

FPS = 30.0


def toggle(hz: float, *, size: int = 64, seconds: float = 3.0, corner: int | None = None,
           colour: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:  # fmt: skip
    """Black frames that turn ``colour`` (all over, or in a top-left square) ``hz`` times a second."""
    n = int(FPS * seconds)
    on = np.floor(np.arange(n) / FPS * hz * 2) % 2 == 0
    frames = np.zeros((n, size, size, 3), dtype=np.uint8)
    side = size if corner is None else corner
    frames[on, :side, :side] = colour
    return frames


def test_relative_luminance_of_white_black_and_primaries() -> None:
    rgb = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert relative_luminance(linearise(rgb)).round(4).tolist() == [1.0, 0.0, 0.2126, 0.7152]


def test_full_screen_toggle_at_5_hz_is_flagged() -> None:
    metrics = analyse(toggle(5), fps=FPS)
    assert metrics.flashes_per_second == 5
    codes = [f.code for f in visual_findings(metrics, scenario="s", varying=["u_time"])]
    assert codes == ["SYN-VISUAL-004"]


def test_full_screen_toggle_at_2_hz_is_not() -> None:
    metrics = analyse(toggle(2), fps=FPS)
    assert metrics.flashes_per_second == 2
    assert visual_findings(metrics, scenario="s", varying=["u_time"]) == []


def test_a_flash_in_a_small_corner_is_not() -> None:
    small = analyse(toggle(5, size=256, corner=16), fps=FPS)
    assert small.flashes_per_second == 0
    large = analyse(toggle(5, size=256, corner=128), fps=FPS)  # a quarter of the canvas
    assert large.flashes_per_second == 5


def test_a_dim_change_below_ten_percent_is_no_flash() -> None:
    dim = analyse(toggle(5, colour=(60, 60, 60)), fps=FPS)  # relative luminance 0.045
    assert dim.flashes_per_second == 0


def test_a_bright_flicker_above_080_is_no_flash() -> None:
    frames = toggle(5, colour=(255, 255, 255))
    frames[frames == 0] = 240  # both states above 0.8 relative luminance
    assert analyse(frames, fps=FPS).flashes_per_second == 0


def test_red_flashes() -> None:
    red = analyse(toggle(5, colour=(255, 0, 0)), fps=FPS)
    assert red.red_flashes_per_second == 5
    codes = [f.code for f in visual_findings(red, scenario="s", varying=["u_time"])]
    assert codes == ["SYN-VISUAL-004", "SYN-VISUAL-005"]
    white = analyse(toggle(5), fps=FPS)
    assert white.red_flashes_per_second == 0


def test_a_slow_fade_is_one_transition() -> None:
    n = 90
    level = (np.linspace(0.0, 1.0, n) * 255).astype(np.uint8)  # black to white in 3 s
    frames = np.repeat(level[:, None, None, None], 32, axis=1).repeat(32, axis=2).repeat(3, axis=3)
    assert analyse(frames, fps=FPS).flashes_per_second == 0


def test_flashes_under_synthetic_input_are_warnings() -> None:
    metrics = analyse(toggle(5), fps=FPS)
    (found,) = visual_findings(metrics, scenario="s", varying=[], source="builtin:random")
    assert found.code == "SYN-VISUAL-004" and found.severity.value == "warning"


@pytest.mark.parametrize(
    ("frames", "varying", "codes"),
    [
        (np.full((10, 8, 8, 3), 7, dtype=np.uint8), ["u_time"], ["SYN-VISUAL-001"]),
        (np.tile(np.arange(8, dtype=np.uint8)[None, :, None, None], (10, 1, 8, 3)), ["u_time"],
         ["SYN-VISUAL-002"]),
        (np.tile(np.arange(8, dtype=np.uint8)[None, :, None, None], (10, 1, 8, 3)), [], []),
    ],
)  # fmt: skip
def test_draws_nothing_and_frozen(frames: np.ndarray, varying: list[str], codes: list[str]) -> None:
    metrics = analyse(frames, fps=FPS)
    assert [f.code for f in visual_findings(metrics, scenario="s", varying=varying)] == codes


def test_metrics_of_a_moving_gradient() -> None:
    x = np.linspace(0, 255, 64).astype(np.uint8)
    frames = np.stack([np.roll(x, k)[None, :].repeat(64, 0) for k in range(30)])
    metrics = analyse(np.repeat(frames[..., None], 3, axis=3), fps=FPS)
    assert 0.1 < metrics.mean_luminance < 0.5
    assert metrics.contrast > 0.1 and metrics.motion_energy > 0
    assert not metrics.constant and not metrics.static
