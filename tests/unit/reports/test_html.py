"""HTML reporter: one self-contained, well-formed page with plots per scenario."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from synharness.reports.base import REPORTER_BY_NAME
from synharness.reports.html import HtmlReporter
from synharness.result import AssetResult

from tests.unit.reports.conftest import failing, passing, warning

VOID = {"meta", "br", "img", "hr", "input", "link"}


class Structure(HTMLParser):
    """Checks that HTML elements nest and records every URL-bearing attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action")]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action")]

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def render(results: list[AssetResult], verbosity: int = 1) -> str:
    out = io.StringIO()
    HtmlReporter(stream=out, verbosity=verbosity).report(results)
    return out.getvalue()


def test_registered() -> None:
    assert REPORTER_BY_NAME["html"] is HtmlReporter
    assert HtmlReporter.filename == "report.html"


def test_well_formed_and_self_contained(results: list[AssetResult]) -> None:
    page = render(results)
    parser = Structure()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    # One inline script (the plots' hover read-out), which loads nothing.
    assert parser.tags.count("script") == 1 and "link" not in parser.tags
    assert "fetch(" not in page and "XMLHttpRequest" not in page and "import(" not in page
    # Only in-page anchors: nothing is fetched from the network or the disk.
    assert parser.urls and all(u.startswith("#") for u in parser.urls)
    assert "@import" not in page and not re.search(r"url\((?!#)", page)


def test_summary_and_sections(results: list[AssetResult]) -> None:
    page = render(results)
    assert "<title>synharness report: 2 fail, 1 warn, 1 pass</title>" in page
    assert page.count('<section class="asset"') == 4
    assert "Legacy &lt;names&gt; &amp; | pipes" in page
    assert "did you mean shader.u_r?" in page
    assert "reached 1.4 at t=1.1" in page


def test_one_plot_per_traced_parameter() -> None:
    page = render([failing()])
    # The failing asset keeps a trace for its sweep scenario only: two parameters.
    assert page.count('<figure class="plot"') == 2
    assert 'data-parameter="shader.u_r"' in page and 'data-parameter="tone.detune"' in page
    assert render([failing()], verbosity=0).count("<svg") == 0


def test_deterministic(results: list[AssetResult]) -> None:
    assert render(results) == render(list(reversed(results)))


def test_no_plots_without_trace() -> None:
    page = render([passing(), warning()])
    assert "<svg" not in page and "<script" not in page


def test_incremental_interface_writes_the_same_page(results: list[AssetResult]) -> None:
    out = io.StringIO()
    reporter = HtmlReporter(stream=out, verbosity=1)
    reporter.begin(total=len(results))
    for r in results:
        reporter.add(r)
    reporter.end()
    assert out.getvalue() == render(results)


def _named(result: AssetResult, i: int) -> AssetResult:
    return result.model_copy(update={"source": f"examples/{i:04d}.json"})


def test_large_batch_collapses_passing_assets_and_keeps_failing_ones_in_full() -> None:
    from synharness.reports.html import LARGE_BATCH

    batch = [_named(failing() if i % 10 == 0 else passing(), i) for i in range(LARGE_BATCH + 10)]
    page = render(batch)
    parser = Structure()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    fails = sum(1 for i in range(len(batch)) if i % 10 == 0)
    assert page.count('<section class="asset"') == fails
    assert page.count('<details class="asset collapsed"') == len(batch) - fails
    # Failing assets keep their plots, passing ones none; the summary lists every asset.
    assert page.count('<figure class="plot"') == 2 * fails
    assert page.count('<tr><td><a href="#asset-') == len(batch)
    # Every summary link has its target.
    ids = set(re.findall(r'id="(asset-[^"]+)"', page))
    assert set(re.findall(r'href="#(asset-[^"]+)"', page)) <= ids


def test_plot_budget_bounds_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    import synharness.reports.html as html

    monkeypatch.setattr(html, "PLOT_BUDGET", 4)
    page = render([_named(failing(), i) for i in range(5)])
    assert page.count('<figure class="plot"') == 4
    assert page.count("Plots left out") == 3


CHROMIUM = next(
    (p for p in ("chromium", "chromium-browser", "google-chrome") if shutil.which(p)), None
)


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
def test_renders_in_headless_chromium(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render([failing(), warning(), passing()]), encoding="utf-8")
    shot = tmp_path / "report.png"
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            # Fail the page load rather than reach the network: the page must not need it.
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            f"--screenshot={shot}",
            "--window-size=1200,2400",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert shot.exists(), done.stderr.decode(errors="replace")[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
