"""Encoding frames as images with Pillow: PNG frames, a filmstrip, an animated preview.

An edge module: Pillow (the ``render`` extra) is imported inside the functions.
The animated preview is WebP when this Pillow can write animated WebP, else
APNG; both keep every frame's colours exactly (lossless) or close (WebP at
the quality given), and both play in current browsers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np

#: Thumbnails per filmstrip.
FILMSTRIP_FRAMES = 8


def png_bytes(frame: np.ndarray) -> bytes:
    """One ``h x w x 3`` uint8 frame as PNG."""
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(frame, "RGB").save(out, format="PNG", optimize=False, compress_level=3)
    return out.getvalue()


def _resized(frame: np.ndarray, size: int | None) -> object:
    from PIL import Image

    image = Image.fromarray(frame, "RGB")
    if size is not None and max(image.size) > size:
        scale = size / max(image.size)
        image = image.resize(
            (max(1, round(image.width * scale)), max(1, round(image.height * scale))),
            Image.Resampling.BILINEAR,
        )
    return image


def pick(count: int, frames: int) -> list[int]:
    """``count`` frame indexes spread evenly over ``frames`` (first and last included)."""
    if frames <= 0:
        return []
    if frames <= count:
        return list(range(frames))
    return [round(i * (frames - 1) / (count - 1)) for i in range(count)]


def filmstrip_png(
    frames: np.ndarray,
    *,
    count: int = FILMSTRIP_FRAMES,
    thumb: int = 96,
    quality: int | None = None,
) -> bytes:
    """``count`` evenly spaced frames side by side, each at most ``thumb`` pixels, as one image.

    Args:
        frames: ``n x h x w x 3`` uint8.
        count: Thumbnails.
        thumb: Largest side of a thumbnail.
        quality: None for PNG; else lossy WebP at this quality (a third of the
            bytes, for pages that inline it), PNG where Pillow has no WebP.
    """
    from PIL import Image

    chosen = [_resized(frames[i], thumb) for i in pick(count, len(frames))]
    width = sum(t.width for t in chosen) + 2 * (len(chosen) - 1)  # type: ignore[attr-defined]
    height = max(t.height for t in chosen)  # type: ignore[attr-defined]
    strip = Image.new("RGB", (width, height), (255, 255, 255))
    x = 0
    for t in chosen:
        strip.paste(t, (x, 0))  # type: ignore[arg-type]
        x += t.width + 2  # type: ignore[attr-defined]
    out = io.BytesIO()
    if quality is not None and animation_format()[0] == "WEBP":
        strip.save(out, format="WEBP", quality=quality, method=0)
    else:
        strip.save(out, format="PNG")
    return out.getvalue()


def image_mime(data: bytes) -> str:
    """``image/png`` or ``image/webp``, from the first bytes."""
    return "image/webp" if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else "image/png"


def animation_format() -> tuple[str, str]:
    """(Pillow format, MIME type) of the animated preview this Pillow can write."""
    from PIL import features

    # Pillow 11 dropped the separate "webp_anim" feature: WebP support includes animation.
    if features.check_module("webp"):
        return "WEBP", "image/webp"
    return "PNG", "image/apng"


def animated_bytes(
    frames: np.ndarray,
    *,
    fps: float,
    size: int | None = None,
    max_frames: int | None = None,
    quality: int = 70,
) -> tuple[bytes, str]:
    """The frames as an animated image (looping), and its MIME type.

    Args:
        frames: ``n x h x w x 3`` uint8.
        fps: Playback rate of ``frames``.
        size: Largest side in pixels (None: as rendered).
        max_frames: Keep at most this many frames, evenly spaced (the rate follows).
        quality: WebP quality (lossy; 100 is lossless).
    """
    indexes = list(range(len(frames)))
    rate = fps
    if max_frames is not None and len(frames) > max_frames:
        stride = int(np.ceil(len(frames) / max_frames))
        indexes = indexes[::stride]
        rate = fps / stride
    images: Sequence[object] = [_resized(frames[i], size) for i in indexes]
    fmt, mime = animation_format()
    out = io.BytesIO()
    duration = max(1, round(1000.0 / rate))
    first, rest = images[0], list(images[1:])
    options: dict[str, object] = {
        "save_all": True,
        "append_images": rest,
        "duration": duration,
        "loop": 0,
    }
    if fmt == "WEBP":
        options.update(quality=quality, method=0, lossless=quality >= 100)
    first.save(out, format=fmt, **options)  # type: ignore[attr-defined]
    return out.getvalue(), mime
