"""What rendered frames show: visual metrics and photosensitive-flash analysis (pure numpy).

Vocabulary (definitions from WCAG 2.x; sources in ``docs/render.md``):
- *relative luminance*: ``L = 0.2126 R + 0.7152 G + 0.0722 B`` of the
  linearised sRGB channels (``c/12.92`` up to 0.04045, else
  ``((c + 0.055)/1.055)^2.4``), 0 for black and 1 for white;
- *transition*: a change of a region's relative luminance by at least 0.1
  (10 % of the maximum, 1.0) between a peak and a valley, where the darker of
  the two is below 0.8;
- *general flash*: a pair of opposing transitions (up then down, or down
  then up);
- *red flash*: a pair of opposing transitions to and from a saturated red
  (``R/(R+G+B) >= 0.8``) whose CIE 1976 u'v' chromaticities differ by more
  than 0.2 (the WCAG 2.2 working definition);
- *area*: a transition counts only when the regions that make it at once
  cover more than 25 % of some 10° visual field, which WCAG estimates as a
  341 x 256 pixel rectangle of a 1024 x 768 screen: the canvas is assumed to
  fill such a screen (a full-window three.js canvas), so the field is a third
  of the canvas's width by a third of its height;
- *flash rate*: the most flashes in any one-second window (transitions in
  the window, halved); more than three is a finding.

Frames are analysed on a grid of at most :data:`GRID` x :data:`GRID` cells
(block means of the pixels' linear light), which keeps the analysis cheap and
is fine enough for the area rule (a 10° field is about 21 x 21 cells); every
metric is computed on that grid (the mean luminance equals the pixels' own,
contrast and motion are those of the block means).
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

#: The largest analysis grid (cells per side).
GRID = 64
#: WCAG 2.x: a transition is a change of at least 10 % of the maximum relative luminance...
TRANSITION = 0.1
#: ... where the darker state is below 0.80.
DARKER_BELOW = 0.8
#: More than this many flashes in any one second is over the threshold.
MAX_FLASHES = 3
#: A 10° field is a third of the canvas each way (341 x 256 of 1024 x 768).
FIELD_FRACTION = 1.0 / 3.0
#: Flashing area above 25 % of a 10° field counts.
AREA_FRACTION = 0.25
#: Saturated red: R / (R + G + B) at least this.
RED_RATIO = 0.8
#: Red transitions: u'v' distance above this.
CHROMA_STEP = 0.2
#: u'v' of D65 white, given to black (whose chromaticity is undefined).
_WHITE_UV = (0.1978, 0.4683)


class VisualMetrics(BaseModel):
    """What the frames of one scenario show (all luminances relative, 0..1)."""

    model_config = ConfigDict(frozen=True)

    frames: int
    fps: float
    width: int
    height: int
    #: Mean relative luminance over every pixel of every frame.
    mean_luminance: float
    #: RMS contrast: the standard deviation of luminance within a frame (on the
    #: analysis grid), averaged over frames.
    contrast: float
    #: Mean absolute luminance change per grid cell between consecutive frames, per second.
    motion_energy: float
    #: The most general flashes in any one-second window.
    flashes_per_second: float
    #: The most red flashes in any one-second window.
    red_flashes_per_second: float
    #: Pixels (over all frames) whose colour was NaN or infinite.
    nonfinite_pixels: int = 0
    #: Every pixel of every frame has one colour.
    constant: bool = False
    #: No pixel changes from the first frame to the last.
    static: bool = False


class RenderPreview(BaseModel):
    """Small images of a scenario's frames for the HTML report (kept out of JSON reports)."""

    model_config = ConfigDict(frozen=True)

    #: A row of evenly spaced thumbnails.
    filmstrip: bytes
    #: ``image/webp`` or ``image/png``.
    filmstrip_mime: str
    #: The frames as a looping animation.
    animation: bytes
    #: ``image/webp`` or ``image/apng``.
    animation_mime: str


class ScenarioRender(BaseModel):
    """The render of one scenario, as results and reports carry it."""

    model_config = ConfigDict(frozen=True)

    #: The host profile the shader was compiled under.
    profile: str
    #: The frames' metrics; None when the shader does not compile or rendering failed.
    metrics: VisualMetrics | None = None
    #: Codes of this scenario's render findings (the asset carries each code once).
    codes: tuple[str, ...] = ()
    #: Thumbnails for the HTML report; excluded from every JSON dump.
    preview: RenderPreview | None = Field(default=None, exclude=True)


def linearise(srgb: np.ndarray) -> np.ndarray:
    """sRGB-encoded values in [0, 1] to linear light."""
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def relative_luminance(linear_rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of linear RGB (last axis: R, G, B)."""
    # Channel by channel: a matmul over millions of 3-vectors runs one tiny product each.
    r, g, b = linear_rgb[..., 0], linear_rgb[..., 1], linear_rgb[..., 2]
    level: np.ndarray = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return level


def _grid(frames: np.ndarray) -> np.ndarray:
    """Block means of ``n x h x w x c`` frames on at most GRID x GRID cells."""
    _, h, w, _ = frames.shape
    by, bx = max(1, h // GRID), max(1, w // GRID)
    gh, gw = h // by, w // bx
    # One strided slice per pixel of a block, added up: numpy sums whole planes at once,
    # where a reshape to (..., by, ..., bx, c) would reduce along tiny strided axes.
    total = np.zeros((frames.shape[0], gh, gw, frames.shape[3]), dtype=np.float32)
    for dy in range(by):
        for dx in range(bx):
            total += frames[:, dy : gh * by : by, dx : gw * bx : bx]
    total /= by * bx
    return total


def _transitions(level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per cell and frame, where a luminance transition completes (up mask, down mask)."""
    n = level.shape[0]
    up = np.zeros(level.shape, dtype=bool)
    down = np.zeros(level.shape, dtype=bool)
    direction = np.zeros(level.shape[1:], dtype=np.int8)
    lo = level[0].copy()
    hi = level[0].copy()
    for k in range(1, n):
        x = level[k]
        # Falling (or not yet moving): the valley deepens; rising: the peak grows.
        lo = np.where(direction <= 0, np.minimum(lo, x), lo)
        hi = np.where(direction >= 0, np.maximum(hi, x), hi)
        rise = (direction <= 0) & (x - lo >= TRANSITION) & (lo < DARKER_BELOW)
        fall = (direction >= 0) & (hi - x >= TRANSITION) & (x < DARKER_BELOW) & ~rise
        up[k], down[k] = rise, fall
        direction = np.where(rise, 1, np.where(fall, -1, direction)).astype(np.int8)
        # The turn starts a new extreme: a rise tracks its peak from here, a fall its valley.
        hi = np.where(rise, x, hi)
        lo = np.where(fall, x, lo)
    return up, down


def _red_transitions(linear: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per cell and frame, transitions to (first mask) and from (second) a saturated red."""
    total = linear.sum(axis=-1)
    safe = np.where(total > 0, total, 1.0)
    red = (linear[..., 0] / safe >= RED_RATIO) & (total > 0)
    to_red = np.zeros(red.shape, dtype=bool)
    from_red = np.zeros(red.shape, dtype=bool)
    # A red transition is to or from a red state: unless the cells ever red cover more
    # than the area limit of some field, no red transition can count.
    if not red.any() or _field_share(red.any(axis=0)) <= AREA_FRACTION:
        return to_red, from_red
    r, g, b = linear[..., 0], linear[..., 1], linear[..., 2]
    x = 0.4124 * r + 0.3576 * g + 0.1805 * b  # sRGB (D65) to CIE XYZ
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = 0.0193 * r + 0.1192 * g + 0.9505 * b
    denominator = x + 15 * y + 3 * z
    dark = denominator <= 1e-9
    d = np.where(dark, 1.0, denominator)
    u = np.where(dark, _WHITE_UV[0], 4 * x / d)
    v = np.where(dark, _WHITE_UV[1], 9 * y / d)
    ref_u, ref_v, ref_red = u[0].copy(), v[0].copy(), red[0].copy()
    for k in range(1, red.shape[0]):
        far = np.hypot(u[k] - ref_u, v[k] - ref_v) > CHROMA_STEP
        change = far & (red[k] != ref_red)
        to_red[k] = change & red[k]
        from_red[k] = change & ~red[k]
        ref_u = np.where(change, u[k], ref_u)
        ref_v = np.where(change, v[k], ref_v)
        ref_red = np.where(change, red[k], ref_red)
    return to_red, from_red


def _field_share(mask: np.ndarray) -> float:
    """The largest share of any 10° field (a third of the grid each way) that ``mask`` covers."""
    gh, gw = mask.shape
    fh, fw = max(1, round(gh * FIELD_FRACTION)), max(1, round(gw * FIELD_FRACTION))
    summed = np.zeros((gh + 1, gw + 1))
    summed[1:, 1:] = mask.cumsum(axis=0).cumsum(axis=1)
    windows = summed[fh:, fw:] - summed[:-fh, fw:] - summed[fh:, :-fw] + summed[:-fh, :-fw]
    return float(windows.max()) / float(fh * fw)


def _events(up: np.ndarray, down: np.ndarray) -> list[tuple[int, int]]:
    """Frame-level transitions ``(frame, ±1)`` whose area counts, opposing ones only."""
    out: list[tuple[int, int]] = []
    for k in range(up.shape[0]):
        shares = []
        if up[k].any():
            shares.append((_field_share(up[k]), 1))
        if down[k].any():
            shares.append((_field_share(down[k]), -1))
        big = [s for s in shares if s[0] > AREA_FRACTION]
        if not big:
            continue
        sign = max(big)[1]
        if not out or out[-1][1] != sign:  # same direction again: one longer transition
            out.append((k, sign))
    return out


def flash_rate(events: list[tuple[int, int]], *, fps: float) -> float:
    """The most flashes (transitions halved, rounded down) in any one-second window."""
    if len(events) < 2:
        return 0.0
    frames = np.array([k for k, _ in events], dtype=np.float64) / fps
    ends = np.searchsorted(frames, frames + 1.0 - 1e-9, side="right")
    counts = ends - np.arange(len(frames))
    return float(int(counts.max()) // 2)


#: sRGB code value (0..255) -> linear light, float32.
_LINEAR = (
    np.where(
        np.arange(256) / 255.0 <= 0.04045,
        np.arange(256) / 255.0 / 12.92,
        ((np.arange(256) / 255.0 + 0.055) / 1.055) ** 2.4,
    )
).astype(np.float32)
#: Frames linearised at once (bounds the float copies to a few tens of MB).
_CHUNK = 32


def _as_codes(frames: np.ndarray) -> np.ndarray:
    if frames.dtype == np.uint8:
        return frames
    codes: np.ndarray = np.rint(np.clip(np.nan_to_num(frames), 0.0, 1.0) * 255.0).astype(np.uint8)
    return codes


def analyse(frames: np.ndarray, *, fps: float, nonfinite: int = 0) -> VisualMetrics:
    """Metrics of a scenario's frames.

    Args:
        frames: ``n x h x w x 3`` sRGB code values (uint8), or floats in [0, 1].
        fps: Frames per second.
        nonfinite: NaN or infinite pixels seen while rendering.

    Returns:
        The metrics (see :class:`VisualMetrics`).
    """
    codes = _as_codes(frames)
    n, h, w, _ = codes.shape
    grids = [_grid(_LINEAR[codes[i : i + _CHUNK]]) for i in range(0, n, _CHUNK)]
    linear_grid = np.concatenate(grids).astype(np.float64)
    # Equal block means are necessary for equal pixels: the exact checks run only then.
    static = bool((linear_grid == linear_grid[:1]).all()) and bool((codes == codes[:1]).all())
    constant = static and bool((codes[0] == codes[0, :1, :1]).all())
    level = relative_luminance(linear_grid)
    up, down = _transitions(level)
    to_red, from_red = _red_transitions(linear_grid)
    motion = float(np.abs(np.diff(level, axis=0)).mean()) * fps if n > 1 else 0.0
    return VisualMetrics(
        frames=n,
        fps=fps,
        width=w,
        height=h,
        mean_luminance=round(float(level.mean()), 6),
        contrast=round(float(level.reshape(n, -1).std(axis=1).mean()), 6),
        motion_energy=round(motion, 6),
        flashes_per_second=flash_rate(_events(up, down), fps=fps),
        red_flashes_per_second=flash_rate(_events(to_red, from_red), fps=fps),
        nonfinite_pixels=nonfinite,
        constant=constant,
        static=static,
    )
