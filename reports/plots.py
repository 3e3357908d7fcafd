"""Plots: one parameter's trace over a scenario, drawn as inline SVG (no plotting library).

Vocabulary:
- *trace plot*: the downsampled trace a scenario outcome keeps
  (:class:`synharness.result.TracePlot`): times, values per canonical path,
  declared ranges, clamped spans and the event log.
- *parameter plot*: one parameter's values over time with its declared range
  shaded, the spans during which a clamp was active marked in red, and the
  events as ticks along the bottom (dark, each with a tooltip naming its op and
  target, when they target this parameter; faint otherwise).
- *plot area*: the rectangle inside the axes, :data:`AREA` in SVG user units.

The SVG is written directly: one ``<path>`` for the trace, decimated to at most
four points (first, minimum, maximum, last) per pixel column and with points
that lie on a straight line between their neighbours dropped, so a plot costs a
few kilobytes and microseconds instead of matplotlib's 13 kB and 30 ms. The
output depends on nothing but the trace, so the same trace always gives the
same bytes. Hover values come from the page's one inline script
(:data:`HOVER_SCRIPT`), which reads the trace back from the path and the
axes' domains from the ``data-t`` and ``data-v`` attributes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import Any

from synharness.result import TracePlot

#: SVG size in user units (the page scales it to its width).
WIDTH, HEIGHT = 700, 190
#: Plot area: left, top, right, bottom.
AREA = (58.0, 30.0, 690.0, 160.0)
LINE_COLOUR = "#1f5fa8"
RANGE_COLOUR = "#2e8b57"
CLAMP_COLOUR = "#d62728"
EVENT_COLOUR = "#555555"
#: Largest distance (user units) a dropped point may lie off the drawn line.
TOLERANCE = 0.15
#: Own events drawn one by one with their tooltip; beyond this they share one.
MAX_EVENT_MARKS = 200


def _event_target(event: dict[str, Any]) -> str | None:
    target = event.get("target")
    return target if isinstance(target, str) else None


def _event_label(event: dict[str, Any]) -> str:
    op = event.get("kind")
    target = _event_target(event)
    return f"{op if isinstance(op, str) else 'event'} → {target or '?'}"


def _num(x: float) -> str:
    """A coordinate with one decimal, without a trailing ``.0``."""
    text = f"{x:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _label(x: float) -> str:
    text = f"{x:.4g}"
    return "0" if text == "-0" else text


def nice_ticks(low: float, high: float, *, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` (about ``count`` of them)."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [n * step for n in range(first, last + 1)]


def decimate(xs: Sequence[float], ys: Sequence[float]) -> list[list[tuple[float, float]]]:
    """Pixel points of a trace in runs of finite values, at most four per pixel column.

    Args:
        xs: X coordinates (user units), non-decreasing.
        ys: Y coordinates (user units); NaN where the value was not finite.

    Returns:
        Runs of points (a NaN breaks the line): each pixel column keeps its
        first, lowest, highest and last point in time order, and points on a
        straight line between their kept neighbours (within :data:`TOLERANCE`)
        are dropped.
    """
    runs: list[list[tuple[float, float]]] = []
    run: list[tuple[float, float]] = []
    column: list[tuple[float, float]] = []
    current: int | None = None

    def flush() -> None:
        if not column:
            return
        if len(column) <= 4:
            run.extend(column)
        else:
            low = min(column, key=lambda p: p[1])
            high = max(column, key=lambda p: p[1])
            keep = {0, column.index(low), column.index(high), len(column) - 1}
            run.extend(column[i] for i in sorted(keep))
        column.clear()

    for x, y in zip(xs, ys, strict=True):
        if math.isnan(y):
            flush()
            current = None
            if run:
                runs.append(run)
                run = []
            continue
        col = math.floor(x)
        if col != current:
            flush()
            current = col
        column.append((x, y))
    flush()
    if run:
        runs.append(run)
    return [_simplify(r) for r in runs]


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop points within :data:`TOLERANCE` of the line from the last kept one to the next."""
    if len(points) <= 2:
        return points
    kept = [points[0]]
    for i in range(1, len(points) - 1):
        (x0, y0), (x1, y1), (x2, y2) = kept[-1], points[i], points[i + 1]
        dx, dy = x2 - x0, y2 - y0
        length = math.hypot(dx, dy)
        off = (
            math.hypot(x1 - x0, y1 - y0)
            if length == 0.0
            else abs(dy * (x1 - x0) - dx * (y1 - y0)) / length
        )
        # A point beyond either end of the chord is a turn, never on the line.
        inside = length == 0.0 or 0.0 <= (x1 - x0) * dx + (y1 - y0) * dy <= length * length
        if off > TOLERANCE or not inside:
            kept.append(points[i])
    kept.append(points[-1])
    return kept


def _domain(values: Sequence[float], low: float | None, high: float | None) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v)]
    for bound in (low, high):
        if bound is not None and math.isfinite(bound):
            finite.append(bound)
    if not finite:
        return 0.0, 1.0
    v0, v1 = min(finite), max(finite)
    if v1 <= v0:
        pad = abs(v0) * 0.1 or 1.0
        return v0 - pad, v1 + pad
    pad = (v1 - v0) * 0.05
    return v0 - pad, v1 + pad


def parameter_svg(plot: TracePlot, path: str, *, id_prefix: str = "") -> str:
    """Draw one parameter of a trace plot as a standalone SVG element.

    Args:
        plot: The scenario's downsampled trace.
        path: The canonical parameter path, a key of ``plot.params``.
        id_prefix: Prepended to every element id (and reference to one), so
            that many SVGs can share one HTML document without id clashes.

    Returns:
        The ``<svg>`` element (no XML prologue), ready to inline in HTML.

    Raises:
        KeyError: ``path`` is not in ``plot.params``.
    """
    raw = plot.params[path]
    values = [v if v is not None and math.isfinite(v) else math.nan for v in raw]
    t = [float(x) for x in plot.t[: len(values)]]
    values = values[: len(t)]
    low, high = plot.ranges.get(path, (None, None))
    left, top, right, bottom = AREA
    t0 = t[0] if t else 0.0
    t1 = t[-1] if t and t[-1] > t0 else t0 + 1.0
    v0, v1 = _domain(values, low, high)
    sx = (right - left) / (t1 - t0)
    sy = (bottom - top) / (v1 - v0)

    def px(time: float) -> float:
        return left + (time - t0) * sx

    def py(value: float) -> float:
        return bottom - (value - v0) * sy

    clip = f"{id_prefix}clip"
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="synplot" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="10" '
        f'data-t="{_label(t0)},{_label(t1)}" data-v="{v0!r},{v1!r}" '
        f'data-area="{",".join(_num(a) for a in AREA)}" role="img" '
        f'aria-label="{escape(path)} over time">',
        f'<defs><clipPath id="{clip}"><rect x="{_num(left)}" y="{_num(top)}" '
        f'width="{_num(right - left)}" height="{_num(bottom - top)}"/></clipPath></defs>',
        f'<text x="{_num(left)}" y="12" font-weight="bold">{escape(path)}</text>',
    ]
    legend: list[tuple[str, str]] = []
    body: list[str] = []
    if low is not None and high is not None and math.isfinite(low) and math.isfinite(high):
        y_hi, y_lo = py(high), py(low)
        body.append(
            f'<rect x="{_num(left)}" y="{_num(y_hi)}" width="{_num(right - left)}" '
            f'height="{_num(max(y_lo - y_hi, 0.0))}" fill="{RANGE_COLOUR}" fill-opacity="0.12"/>'
        )
        legend.append(("declared range", f'fill="{RANGE_COLOUR}" fill-opacity="0.3"'))
    bounds = [b for b in (low, high) if b is not None and math.isfinite(b)]
    if bounds:
        d = "".join(f"M{_num(left)} {_num(py(b))}H{_num(right)}" for b in bounds)
        body.append(
            f'<path d="{d}" stroke="{RANGE_COLOUR}" stroke-width="0.8" stroke-dasharray="4 3"/>'
        )
    spans = plot.clamped.get(path, ())
    if spans:
        rects = "".join(
            f'<rect x="{_num(px(a))}" y="{_num(top)}" width="{_num(max(px(b) - px(a), 0.8))}" '
            f'height="{_num(bottom - top)}"><title>clamped {_label(a)} to {_label(b)} s</title></rect>'
            for a, b in spans
        )
        body.append(f'<g fill="{CLAMP_COLOUR}" fill-opacity="0.18">{rects}</g>')
        legend.append(("clamped", f'fill="{CLAMP_COLOUR}" fill-opacity="0.4"'))
    runs = decimate([px(x) for x in t], [py(v) if math.isfinite(v) else math.nan for v in values])
    if runs:
        d = "".join("M" + " ".join(f"{_num(x)},{_num(y)}" for x, y in r) for r in runs)
        body.append(
            f'<path class="trace" d="{d}" fill="none" stroke="{LINE_COLOUR}" '
            f'stroke-width="1.1" stroke-linejoin="round"/>'
        )
    out.append(f'<g clip-path="url(#{clip})">{"".join(body)}</g>')
    out.append(_events(plot, path, px, legend))
    out.append(_axes(t0, t1, v0, v1, px, py))
    out.append(_legend(legend))
    out.append("</svg>")
    return "".join(out)


def _events(plot: TracePlot, path: str, px: Any, legend: list[tuple[str, str]]) -> str:
    """Event ticks: own ones dark with a tooltip each, others faint under one tooltip."""
    events = [
        e
        for e in plot.events
        if isinstance(e.get("t"), int | float) and math.isfinite(float(e["t"]))
    ]
    if not events:
        return ""
    bottom = AREA[3]
    own = [e for e in events if _event_target(e) == path]
    other = [e for e in events if _event_target(e) != path]
    parts: list[str] = []
    if other:
        d = "".join(f"M{_num(px(float(e['t'])))} {_num(bottom)}v-8" for e in other)
        counts = Counter(_event_label(e) for e in other)
        title = "; ".join(f"{label} x{n}" for label, n in sorted(counts.items()))
        parts.append(
            f'<path d="{d}" stroke="{EVENT_COLOUR}" stroke-opacity="0.35" stroke-width="0.8">'
            f"<title>other events: {escape(title)}</title></path>"
        )
    if own:
        marks = "".join(
            f'<path d="M{_num(px(float(e["t"])))} {_num(bottom)}v-16">'
            f"<title>t={_label(float(e['t']))} s: {escape(_event_label(e))}</title></path>"
            for e in own[:MAX_EVENT_MARKS]
        )
        if len(own) > MAX_EVENT_MARKS:
            d = "".join(
                f"M{_num(px(float(e['t'])))} {_num(bottom)}v-16" for e in own[MAX_EVENT_MARKS:]
            )
            marks += f'<path d="{d}"><title>{len(own) - MAX_EVENT_MARKS} more events</title></path>'
        parts.append(f'<g stroke="black" stroke-width="1">{marks}</g>')
        counts = Counter(_event_label(e) for e in own)
        legend.append(
            (
                "events (" + ", ".join(f"{k} x{n}" for k, n in sorted(counts.items())) + ")",
                'fill="black"',
            )
        )
    return "".join(parts)


def _axes(t0: float, t1: float, v0: float, v1: float, px: Any, py: Any) -> str:
    left, top, right, bottom = AREA
    parts = [
        f'<path d="M{_num(left)} {_num(top)}V{_num(bottom)}H{_num(right)}" '
        f'stroke="#333" stroke-width="0.8" fill="none"/>'
    ]
    ticks = []
    labels = []
    for x in nice_ticks(t0, t1, count=8):
        X = _num(px(x))
        ticks.append(f"M{X} {_num(bottom)}v3")
        labels.append(f'<text x="{X}" y="{_num(bottom + 13)}">{_label(x)}</text>')
    parts.append(f'<g text-anchor="middle" fill="#333">{"".join(labels)}</g>')
    labels = []
    for v in nice_ticks(v0, v1, count=4):
        Y = _num(py(v))
        ticks.append(f"M{_num(left)} {Y}h-3")
        labels.append(f'<text x="{_num(left - 5)}" y="{_num(py(v) + 3.5)}">{_label(v)}</text>')
    parts.append(f'<g text-anchor="end" fill="#333">{"".join(labels)}</g>')
    parts.append(f'<path d="{"".join(ticks)}" stroke="#333" stroke-width="0.8"/>')
    parts.append(
        f'<text x="{_num((left + right) / 2)}" y="{_num(bottom + 26)}" text-anchor="middle" '
        f'fill="#333">time (s)</text>'
    )
    return "".join(parts)


def _legend(entries: list[tuple[str, str]]) -> str:
    """Legend entries right-aligned above the plot area, so they never hide the trace."""
    if not entries:
        return ""
    right, y = AREA[2], 12
    parts = []
    for text, style in reversed(entries):
        width = 5.6 * len(text)
        parts.append(
            f'<rect x="{_num(right - width - 12)}" y="{y - 8}" width="9" height="9" {style}/>'
            f'<text x="{_num(right - width)}" y="{y}">{escape(text)}</text>'
        )
        right -= width + 22
    return f'<g font-size="9" fill="#333">{"".join(parts)}</g>'


_ID = re.compile(r'(\bid="|url\(#|xlink:href="#|\bhref="#)([^")]+)')


def prefix_ids(svg: str, prefix: str) -> str:
    """Prefix every id in an SVG and every reference to one."""
    return _ID.sub(lambda m: m.group(1) + prefix + m.group(2), svg)


def scenario_svgs(plot: TracePlot, *, id_prefix: str = "") -> dict[str, str]:
    """Draw every parameter of a trace plot, keyed by path in sorted order.

    Args:
        plot: The scenario's downsampled trace.
        id_prefix: Prefix of element ids; each plot adds its index to it.

    Returns:
        Canonical path -> inline ``<svg>`` element.
    """
    return {
        path: parameter_svg(plot, path, id_prefix=f"{id_prefix}{i}-")
        for i, path in enumerate(sorted(plot.params))
    }


#: The page's one script (inline, no network): shows the time and value under the
#: pointer on every plot, read back from the drawn path and the axes' domains.
HOVER_SCRIPT = """
(function () {
  var NS = "http://www.w3.org/2000/svg";
  document.querySelectorAll("svg.synplot").forEach(function (svg) {
    var trace = svg.querySelector(".trace");
    if (!trace) return;
    var pts = [];
    trace.getAttribute("d").split("M").forEach(function (run) {
      run.trim().split(" ").forEach(function (pair) {
        var xy = pair.split(",");
        if (xy.length === 2) pts.push([+xy[0], +xy[1]]);
      });
    });
    var t = svg.dataset.t.split(",").map(Number), v = svg.dataset.v.split(",").map(Number);
    var a = svg.dataset.area.split(",").map(Number);
    var dot = document.createElementNS(NS, "circle"), tip = document.createElementNS(NS, "text");
    dot.setAttribute("r", "2.5"); dot.setAttribute("fill", "#cf222e");
    tip.setAttribute("font-size", "9"); tip.setAttribute("y", "24");
    dot.style.display = tip.style.display = "none";
    svg.appendChild(dot); svg.appendChild(tip);
    svg.addEventListener("mousemove", function (e) {
      var m = svg.getScreenCTM();
      if (!m) return;
      var x = (e.clientX - m.e) / m.a, best = null, gap = Infinity;
      for (var i = 0; i < pts.length; i++) {
        var d = Math.abs(pts[i][0] - x);
        if (d < gap) { gap = d; best = pts[i]; }
      }
      if (!best) return;
      var tt = t[0] + (best[0] - a[0]) / (a[2] - a[0]) * (t[1] - t[0]);
      var vv = v[0] + (a[3] - best[1]) / (a[3] - a[1]) * (v[1] - v[0]);
      dot.setAttribute("cx", best[0]); dot.setAttribute("cy", best[1]);
      tip.setAttribute("x", a[0]);
      tip.textContent = "t = " + tt.toPrecision(4) + " s, value \\u2248 " + vv.toPrecision(4);
      dot.style.display = tip.style.display = "";
    });
    svg.addEventListener("mouseleave", function () {
      dot.style.display = tip.style.display = "none";
    });
  });
})();
"""
