"""Uniform values per frame, from a simulation run (pure: numpy, no GL).

Vocabulary:
- *frame times*: the simulated times at which frames are sampled, ``k / fps``
  for ``k = 0, 1, ...`` up to the run's end (at most ``frames`` of them);
- *frame uniforms*: per active uniform, an array of its value at each frame
  (``frames x components``).

Where each value comes from, first match wins:

1. a *time* uniform (:data:`TIME_NAMES`): the simulated time of the frame;
2. a *resolution* uniform (:data:`RESOLUTION_NAMES`): the frame size in pixels;
3. a *mouse* uniform (:data:`MOUSE_NAMES`): the scenario's pointer (below);
4. a uniform with a trace (``shader.<name>``): the trace at the frame's time
   (the recorded sample at or just before it);
5. a listed uniform (``shader.uniforms``): its default;
6. anything else: zeros (three.js leaves an unset uniform at GL's zero).

The *pointer* starts at the centre of the canvas and moves by the scenario's
``move`` inputs (pixels, spread evenly over each input's span, the DOM's axes:
``mouse.y`` grows downwards), clamped to the canvas; the uniform gets it in
GL's window coordinates (origin bottom-left, like ``gl_FragCoord``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

TIME_NAMES = frozenset({"u_time", "uTime", "time", "iTime", "u_t"})
RESOLUTION_NAMES = frozenset({"u_resolution", "uResolution", "resolution", "iResolution"})
MOUSE_NAMES = frozenset({"u_mouse", "uMouse", "mouse", "iMouse"})


def frame_times(duration: float, *, fps: float, frames: int | None = None) -> np.ndarray:
    """Sample times ``k / fps`` from 0 to ``duration``, at most ``frames`` of them."""
    count = int(np.floor(duration * fps + 1e-9)) + 1
    if frames is not None:
        count = min(count, frames)
    return np.arange(max(count, 1), dtype=np.float64) / fps


def components(type_: str) -> tuple[str, int]:
    """(``f`` float / ``i`` integer, component count) of a GLSL type; arrays multiply."""
    base, _, rest = type_.partition("[")
    length = int(rest.rstrip("]")) if rest else 1
    if base.startswith("mat"):
        n, _, m = base[3:].partition("x")
        return "f", int(n) * int(m or n) * length
    kind = "i" if base[:1] in ("i", "u", "b") or base.startswith("sampler") else "f"
    digits = base[-1]
    count = int(digits) if base.endswith(("vec2", "vec3", "vec4")) else 1
    return kind, count * length


def pointer_path(
    inputs: Iterable[Any], times: np.ndarray, *, width: int, height: int
) -> np.ndarray:
    """The pointer at each time, ``frames x 2``, in GL window coordinates.

    Args:
        inputs: Scenario inputs (``at``, ``duration``, ``move.axis``, ``move.delta``).
        times: Frame times.
        width: Canvas width in pixels.
        height: Canvas height in pixels.
    """
    x = np.full(times.shape, width / 2.0)
    y = np.full(times.shape, height / 2.0)
    for item in inputs:
        move = getattr(item, "move", None)
        if move is None:
            continue
        span = float(item.duration)
        if span > 0:
            progress = np.clip((times - float(item.at)) / span, 0.0, 1.0)
        else:
            progress = (times >= float(item.at)).astype(np.float64)
        if move.axis == "mouse.x":
            x = x + progress * float(move.delta)
        else:
            y = y + progress * float(move.delta)
    x = np.clip(x, 0.0, float(width))
    y = np.clip(y, 0.0, float(height))
    return np.column_stack([x, height - y])


def _fit(values: np.ndarray, count: int) -> np.ndarray:
    """``frames x k`` widened or cut to ``frames x count`` (zeros fill)."""
    out = np.zeros((values.shape[0], count))
    k = min(count, values.shape[1])
    out[:, :k] = values[:, :k]
    return out


def _default(value: Any, count: int) -> np.ndarray | None:
    flat: list[Any]
    if isinstance(value, bool):
        flat = [int(value)]
    elif isinstance(value, int | float):
        flat = [value]
    elif isinstance(value, list):
        flat = [x for v in value for x in (v if isinstance(v, list) else [v])]
    else:
        return None  # a hex string, null, an object: nothing GL could take
    try:
        row = np.asarray(flat, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    fitted: np.ndarray = _fit(row[None, :], count)[0]
    return fitted


def frame_uniforms(
    active: Mapping[str, str],
    *,
    times: np.ndarray,
    width: int,
    height: int,
    trace_t: np.ndarray | None = None,
    trace: Mapping[str, np.ndarray] | None = None,
    defaults: Mapping[str, Any] | None = None,
    inputs: Sequence[Any] = (),
    skip: Iterable[str] = (),
) -> dict[str, np.ndarray]:
    """The value of every active uniform at every frame (see the module docstring).

    Args:
        active: Active uniform name -> GLSL type (what the program reports).
        times: Frame times.
        width: Canvas width.
        height: Canvas height.
        trace_t: Times of the trace's samples.
        trace: Uniform name -> the trace of ``shader.<name>``.
        defaults: Uniform name -> listed default.
        inputs: The scenario's inputs (for the pointer).
        skip: Names set by the host once (three.js built-ins), left out.

    Returns:
        Name -> ``frames x components`` float64 array.
    """
    skipped = set(skip)
    n = len(times)
    out: dict[str, np.ndarray] = {}
    pointer: np.ndarray | None = None
    rows = None
    if trace_t is not None and len(trace_t):
        rows = np.clip(
            np.searchsorted(trace_t, times + 1e-9, side="right") - 1, 0, len(trace_t) - 1
        )
    for name, type_ in active.items():
        if name in skipped:
            continue
        _, count = components(type_)
        if name in TIME_NAMES:
            values = _fit(times[:, None], count)
        elif name in RESOLUTION_NAMES:
            size = np.array([[width, height, 1.0, 1.0]])
            values = _fit(np.repeat(size, n, axis=0), count)
        elif name in MOUSE_NAMES:
            if pointer is None:
                pointer = pointer_path(inputs, times, width=width, height=height)
            values = _fit(pointer, count)
        elif trace is not None and name in trace and rows is not None:
            values = _fit(np.asarray(trace[name], dtype=np.float64)[rows][:, None], count)
        else:
            row = _default((defaults or {}).get(name), count)
            values = np.zeros((n, count)) if row is None else np.repeat(row[None, :], n, axis=0)
        out[name] = values
    return out


def varying_uniforms(values: Mapping[str, np.ndarray], *, ignore: Iterable[str] = ()) -> list[str]:
    """Names whose value changes between frames (resolution and ``ignore`` left out)."""
    left_out = RESOLUTION_NAMES | set(ignore)
    return sorted(
        name
        for name, v in values.items()
        if name not in left_out and len(v) > 1 and bool(np.any(v != v[:1]))
    )
