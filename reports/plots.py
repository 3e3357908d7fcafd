"""Plots: one parameter's trace over a scenario, drawn as inline SVG.

Vocabulary:
- *trace plot*: the downsampled trace a scenario outcome keeps
  (:class:`synharness.result.TracePlot`): times, values per canonical path,
  declared ranges, clamped spans and the event log.
- *parameter plot*: one parameter's values over time with its declared range
  shaded, the spans during which a clamp was active marked in red, and the
  events as ticks along the bottom (dark when they target this parameter).

Drawing uses matplotlib's object API (``Figure``, no ``pyplot``) so no global
figure state leaks between reports, and the SVG is made reproducible: a fixed
hash salt for element ids, no date in the metadata and text kept as text.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

import matplotlib

# Set before anything imports pyplot: the report never needs a display.
matplotlib.use("Agg")

from matplotlib.figure import Figure
from synharness.result import TracePlot

#: Figure size in inches (width, height); small enough to stack many per page.
FIGURE_SIZE = (7.0, 1.9)
LINE_COLOUR = "#1f5fa8"
RANGE_COLOUR = "#2e8b57"
CLAMP_COLOUR = "#d62728"
EVENT_COLOUR = "#555555"

_RC: dict[str, Any] = {
    "svg.hashsalt": "synharness",
    "svg.fonttype": "none",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _event_target(event: dict[str, Any]) -> str | None:
    target = event.get("target")
    return target if isinstance(target, str) else None


def _finite(values: tuple[float, ...]) -> list[float]:
    return [v if v is not None and math.isfinite(v) else math.nan for v in values]


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
    values = _finite(plot.params[path])
    t = list(plot.t[: len(values)])
    low, high = plot.ranges.get(path, (None, None))
    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        fig = Figure(figsize=FIGURE_SIZE)
        # Fixed margins instead of constrained layout, which drew every plot
        # twice and took half of the report's time.
        fig.subplots_adjust(left=0.09, right=0.985, bottom=0.22, top=0.84)
        ax = fig.add_subplot()
        if low is not None and high is not None:
            ax.axhspan(low, high, color=RANGE_COLOUR, alpha=0.12, lw=0, label="declared range")
        for bound in (low, high):
            if bound is not None:
                ax.axhline(bound, color=RANGE_COLOUR, lw=0.8, ls="--")
        for i, (t0, t1) in enumerate(plot.clamped.get(path, ())):
            ax.axvspan(
                t0, t1, color=CLAMP_COLOUR, alpha=0.18, lw=0, label="clamped" if i == 0 else None
            )
        ax.plot(t, values, color=LINE_COLOUR, lw=1.1, label=path)
        events = [e for e in plot.events if isinstance(e.get("t"), int | float)]
        if events:
            own = [float(e["t"]) for e in events if _event_target(e) == path]
            other = [float(e["t"]) for e in events if _event_target(e) != path]
            # Ticks in axes coordinates along the bottom, so they never change
            # the value axis.
            trans = ax.get_xaxis_transform()
            if other:
                ax.vlines(other, 0, 0.06, transform=trans, color=EVENT_COLOUR, alpha=0.35, lw=0.8)
            if own:
                ax.vlines(own, 0, 0.12, transform=trans, color="black", lw=1.0, label="events")
        ax.set_xlabel("time (s)", labelpad=1)
        ax.set_title(path, loc="left", fontsize=8, fontweight="bold")
        if t:
            ax.set_xlim(t[0], t[-1] if t[-1] > t[0] else t[0] + 1.0)
        # Above the axes, so the legend never hides the trace.
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False, ncols=4)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    # Drop the XML prologue and doctype: inline SVG in HTML must start at <svg.
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    return prefix_ids(svg, id_prefix) if id_prefix else svg


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
