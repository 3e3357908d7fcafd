"""Plots: reproducible inline SVG with range, clamped spans and event ticks."""

from __future__ import annotations

import math
import re
from xml.etree import ElementTree as ET

import pytest
from synharness.reports.plots import parameter_svg, prefix_ids, scenario_svgs

from tests.unit.reports.conftest import make_plot

SVG_NS = "{http://www.w3.org/2000/svg}"


def test_one_svg_per_parameter_in_sorted_order() -> None:
    svgs = scenario_svgs(make_plot(), id_prefix="x")
    assert list(svgs) == ["shader.u_r", "tone.detune"]
    for svg in svgs.values():
        assert svg.startswith("<svg")
        ET.fromstring(svg)  # well-formed XML


def test_reproducible() -> None:
    assert parameter_svg(make_plot(), "shader.u_r") == parameter_svg(make_plot(), "shader.u_r")
    assert "<dc:date>" not in parameter_svg(make_plot(), "shader.u_r")


def test_draws_range_clamps_and_events() -> None:
    plot = make_plot()
    root = ET.fromstring(parameter_svg(plot, "shader.u_r"))
    text = "".join(root.itertext())
    assert "shader.u_r" in text and "time (s)" in text
    assert "declared range" in text and "clamped" in text and "events" in text
    # The detune plot has no clamped span, and its own event is drawn.
    other = "".join(ET.fromstring(parameter_svg(plot, "tone.detune")).itertext())
    assert "clamped" not in other and "events" in other


def test_ids_are_prefixed_and_unique_across_plots() -> None:
    svgs = scenario_svgs(make_plot(), id_prefix="a0s0p")
    ids: list[str] = []
    for svg in svgs.values():
        ids += re.findall(r'\bid="([^"]+)"', svg)
    assert ids and len(ids) == len(set(ids))
    assert all(i.startswith("a0s0p") for i in ids)
    refs = [r for svg in svgs.values() for r in re.findall(r"url\(#([^)]+)\)", svg)]
    assert all(r in ids for r in refs)


def test_prefix_ids() -> None:
    assert prefix_ids('<g id="a"><use xlink:href="#a" clip-path="url(#a)"/></g>', "p-") == (
        '<g id="p-a"><use xlink:href="#p-a" clip-path="url(#p-a)"/></g>'
    )


def test_unknown_parameter_raises() -> None:
    with pytest.raises(KeyError):
        parameter_svg(make_plot(), "haptic.intensity")


def test_nan_values_do_not_break_the_plot() -> None:
    plot = make_plot()
    values = list(plot.params["tone.detune"])
    values[3] = float("nan")
    broken = plot.model_copy(update={"params": {"tone.detune": tuple(values)}})
    assert parameter_svg(broken, "tone.detune").startswith("<svg")


def test_events_are_labelled_by_op_and_target() -> None:
    root = ET.fromstring(parameter_svg(make_plot(), "shader.u_r"))
    titles = [t.text or "" for t in root.iter(f"{SVG_NS}title")]
    assert "t=2 s: set → shader.u_r" in titles
    assert any("set → tone.detune" in t for t in titles)  # the other event, faint


def test_decimation_keeps_extremes_and_at_most_four_points_per_column() -> None:
    from synharness.reports.plots import decimate

    xs = [10 + i / 100 for i in range(1000)]  # ten points per pixel column
    ys = [50 + 30 * math.sin(i / 7) for i in range(1000)]
    runs = decimate(xs, ys)
    assert len(runs) == 1
    kept = runs[0]
    per_column: dict[int, int] = {}
    for x, _ in kept:
        per_column[math.floor(x)] = per_column.get(math.floor(x), 0) + 1
    assert max(per_column.values()) <= 4
    assert min(y for _, y in kept) == min(ys) and max(y for _, y in kept) == max(ys)


def test_nan_breaks_the_line_and_straight_runs_collapse() -> None:
    from synharness.reports.plots import decimate

    xs = [float(i) for i in range(10)]
    runs = decimate(xs, [1.0, 1.0, 1.0, 1.0, math.nan, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert runs == [[(0.0, 1.0), (3.0, 1.0)], [(5.0, 2.0), (9.0, 6.0)]]


def test_hover_read_out_has_what_it_needs() -> None:
    root = ET.fromstring(parameter_svg(make_plot(), "tone.detune"))
    assert root.get("class") == "synplot"
    assert root.get("data-t") == "0,10" and root.get("data-v") and root.get("data-area")
    assert root.find(f".//{SVG_NS}path[@class='trace']") is not None


def test_no_plotting_library_is_imported() -> None:
    import subprocess
    import sys

    code = (
        "import sys, synharness.reports.html as h; from tests.unit.reports.conftest import failing;"
        "import io; h.HtmlReporter(stream=io.StringIO()).report([failing()]);"
        "print('matplotlib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
