"""Terminal reporter: a plain table off a TTY, colour on one, a summary line always."""

from __future__ import annotations

import io

from synharness.reports.base import REPORTER_BY_NAME
from synharness.reports.terminal import PLAIN_WIDTH, TerminalReporter
from synharness.result import AssetResult

from tests.unit.reports.conftest import failing, passing


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def render(
    results: list[AssetResult], verbosity: int = 1, stream: io.StringIO | None = None
) -> str:
    out = stream or io.StringIO()
    TerminalReporter(stream=out, verbosity=verbosity).report(results)
    return out.getvalue()


def test_registered() -> None:
    assert REPORTER_BY_NAME["terminal"] is TerminalReporter
    assert TerminalReporter.filename == "report.txt"


def test_plain_table_without_colour(results: list[AssetResult]) -> None:
    text = render(results)
    assert "\x1b[" not in text
    assert all(len(line) <= PLAIN_WIDTH for line in text.splitlines())
    assert text.splitlines()[-1] == "4 assets: 1 pass, 1 warn, 2 fail"
    row = next(line for line in text.splitlines() if "examples/broken.json" in line)
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    assert cells[1:] == ["fail", "2", "1", "0", "1/2", "0.000"]
    order = [r.source for r in sorted(results, key=lambda r: r.source)]
    positions = [text.index(source) for source in order]
    assert positions == sorted(positions)


def test_quiet_prints_the_summary_only(results: list[AssetResult]) -> None:
    assert render(results, verbosity=0) == "4 assets: 1 pass, 1 warn, 2 fail\n"


def test_verbose_lists_findings_with_hints() -> None:
    text = render([failing()], verbosity=2)
    assert "SYN-REF-001 /modulations/0/target (50:17): shader.u_q names nothing declared" in text
    assert "hint: did you mean shader.u_r?" in text


def test_colour_only_on_a_tty() -> None:
    text = render([passing(), failing()], stream=FakeTTY())
    assert "\x1b[" in text


def test_deterministic(results: list[AssetResult]) -> None:
    assert render(results) == render(list(reversed(results)))


def test_no_score_column_when_nothing_was_scored() -> None:
    text = render([passing().model_copy(update={"score": None})])
    assert "Score" not in text and "Scenarios" in text
