"""Markdown reporter: a PR-comment summary with escaped cells and collapsed details."""

from __future__ import annotations

import io

from synharness.reports.base import REPORTER_BY_NAME
from synharness.reports.markdown import MAX_FINDINGS_PER_ASSET, MarkdownReporter, cell, code_span
from synharness.result import AssetResult

from tests.unit.reports.conftest import failing, passing, warning


def render(results: list[AssetResult], verbosity: int = 1) -> str:
    out = io.StringIO()
    MarkdownReporter(stream=out, verbosity=verbosity).report(results)
    return out.getvalue()


def test_registered() -> None:
    assert REPORTER_BY_NAME["markdown"] is MarkdownReporter
    assert MarkdownReporter.filename == "report.md"


def test_headline_and_table(results: list[AssetResult]) -> None:
    text = render(results, verbosity=0)
    lines = text.splitlines()
    assert lines[0] == "## synharness: 4 assets — ✅ 1 pass · ⚠️ 1 warn · ❌ 2 fail"
    rows = [line for line in lines if line.startswith("| `")]
    assert [r.split("`")[1] for r in rows] == sorted(r.source for r in results)
    broken = next(r for r in rows if "broken" in r)
    assert "| ❌ fail | 2 | 1 | 0 | 1/2 | 0.000 |" in broken
    assert "<details>" not in text


def test_cells_are_escaped() -> None:
    text = render([warning()], verbosity=0)
    assert "(Legacy &lt;names&gt; & \\| pipes)" in text
    # Each table row still has exactly the 8 unescaped pipes of 7 columns.
    row = next(line for line in text.splitlines() if line.startswith("| `"))
    assert row.replace("\\|", "").count("|") == 8


def test_details_for_warn_and_fail_only_at_default_verbosity() -> None:
    text = render([passing(), warning(), failing()])
    assert text.count("<details>") == 2
    assert "SYN-REF-003" in text and "SYN-GRAPH-001" not in text  # info only at -v
    assert "did you mean shader.u_r?" in text
    assert "reached 1.4" in text  # the failed expectation


def test_verbose_adds_infos_and_passing_scenarios() -> None:
    text = render([passing(), warning()], verbosity=2)
    assert "SYN-GRAPH-001" in text
    assert text.count("<details>") == 2
    assert "shader.u_r stays in [-1, 1]" in text


def test_long_finding_lists_are_cut() -> None:
    from synharness.codes import finding

    many = failing().model_copy(
        update={
            "findings": tuple(finding("SYN-DUP-001", f"/modulations/{i}", "dup") for i in range(80))
        }
    )
    text = render([many])
    assert text.count("SYN-DUP-001") == MAX_FINDINGS_PER_ASSET
    assert "…and 30 more" in text


def test_deterministic(results: list[AssetResult]) -> None:
    assert render(results) == render(list(reversed(results)))


def test_empty_run() -> None:
    assert "No assets were checked." in render([])


def test_helpers() -> None:
    assert cell("a|b\nc<d>") == "a\\|b<br>c&lt;d&gt;"
    assert code_span("x`y") == "`` x`y ``"


def test_no_score_column_when_nothing_was_scored() -> None:
    unscored = [r.model_copy(update={"score": None}) for r in (passing(), failing())]
    text = render(unscored, verbosity=0)
    assert "Score" not in text
    assert "| ❌ fail | 2 | 1 | 0 | 1/2 |\n" in text
