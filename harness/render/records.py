"""What a shader render shows, as results and reports carry it (pydantic models only).

Kept apart from :mod:`synharness.render.visual`, which computes these with
numpy: :mod:`synharness.result` needs the models, and ``validate`` must start
without numpy.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["RenderPreview", "ScenarioRender", "VisualMetrics"]


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
