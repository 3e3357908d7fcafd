"""Loading: path expansion, bounded reading and parsing into findings, never a crash."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synharness.errors import HarnessError, NoDocumentsError, PathNotFoundError, UsageError
from synharness.findings import Finding
from synharness.loading import (
    MAX_DEPTH,
    STDIN_NAME,
    Source,
    _deeper_than,
    _parse_plain,
    iter_sources,
    parse_document,
    parse_text,
    read_source,
)


def codes(findings: tuple[Finding, ...]) -> list[str]:
    return [f.code for f in findings]


def only(findings: tuple[Finding, ...]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


# --- expanding paths ----------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in ["b.json", "a.json", "sub/c.json", "sub/deeper/d.json", "notes.txt"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
    return tmp_path


def names(sources: list[Source], root: Path) -> list[str]:
    return [str(Path(s.name).relative_to(root)) for s in sources]


def test_directories_recurse_into_sorted_json_files(tree: Path) -> None:
    sources = list(iter_sources([str(tree)]))
    assert names(sources, tree) == ["a.json", "b.json", "sub/c.json", "sub/deeper/d.json"]


def test_files_are_taken_as_given_and_listed_once(tree: Path) -> None:
    given = [str(tree / "notes.txt"), str(tree / "b.json"), str(tree)]
    sources = list(iter_sources(given))
    assert names(sources, tree) == [
        "notes.txt",
        "b.json",
        "a.json",
        "sub/c.json",
        "sub/deeper/d.json",
    ]


def test_globs_expand_sorted_and_recursive(tree: Path) -> None:
    assert names(list(iter_sources([str(tree / "*.json")])), tree) == ["a.json", "b.json"]
    recursive = names(list(iter_sources([str(tree / "**" / "*.json")])), tree)
    assert recursive == ["a.json", "b.json", "sub/c.json", "sub/deeper/d.json"]


def test_dash_is_stdin() -> None:
    stream = io.BytesIO(b"{}")
    (source,) = iter_sources(["-"], stdin=stream)
    assert source.name == STDIN_NAME
    assert read_source(source) == b"{}"


@pytest.mark.parametrize(
    ("given", "error"),
    [
        ("missing.json", PathNotFoundError),
        ("nothing-*.json", PathNotFoundError),
        ("empty", NoDocumentsError),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, given: str, error: type[HarnessError]) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(error) as raised:
        list(iter_sources([str(tmp_path / given)]))
    assert isinstance(raised.value, UsageError)
    assert raised.value.exit_code == 2
    assert given in raised.value.message


def test_dash_without_stdin_is_a_usage_error() -> None:
    with pytest.raises(PathNotFoundError):
        list(iter_sources(["-"], stdin=None))


# --- reading --------------------------------------------------------------------------


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:  # sparse: large on stat, nothing written
        handle.truncate(50 * 1024 * 1024)
    found = read_source(Source(str(big), path=big), max_bytes=1024)
    assert isinstance(found, Finding)
    assert found.code == "SYN-LOAD-007"
    assert str(50 * 1024 * 1024) in found.message


def test_stdin_is_read_no_further_than_the_limit() -> None:
    asked: list[int] = []

    class Counting(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            asked.append(-1 if size is None else size)
            return super().read(size)

    stream = Counting(b" " * 10_000)
    found = read_source(Source(STDIN_NAME, stream=stream), max_bytes=100)
    assert isinstance(found, Finding) and found.code == "SYN-LOAD-007"
    assert asked == [101]


def test_unreadable_paths_are_findings(tmp_path: Path) -> None:
    dangling = tmp_path / "gone.json"
    os.symlink(tmp_path / "nowhere.json", dangling)
    directory = tmp_path / "dir.json"
    directory.mkdir()
    for path in (dangling, directory):
        found = read_source(Source(str(path), path=path))
        assert isinstance(found, Finding) and found.code == "SYN-LOAD-009", path


# --- parsing --------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"  \n\t ", b"\xef\xbb\xbf"])
def test_empty(raw: bytes) -> None:
    assert codes(parse_document(raw).findings) == ["SYN-LOAD-002"]


def test_bom_is_tolerated() -> None:
    parsed = parse_document(b'\xef\xbb\xbf{"name": "x"}')
    assert parsed.data == {"name": "x"} and parsed.findings == ()


def test_not_utf8_names_the_position_of_the_bad_byte() -> None:
    found = only(parse_document('{\n  "name": "né\xff'.encode("latin-1")).findings)
    assert found.code == "SYN-LOAD-003"
    assert (found.line, found.column) == (2, 13)
    assert "0xe9" in found.message and "offset 14" in found.message


def test_not_utf8_counts_columns_in_characters() -> None:
    found = only(
        parse_document('{"é": "\xff"}'.encode("latin-1").replace(b"\xe9", "é".encode())).findings
    )
    assert (found.line, found.column) == (1, 8)


def test_malformed_json_carries_line_and_column() -> None:
    found = only(parse_text('{\n  "a": 1,\n}').findings)
    assert found.code == "SYN-LOAD-001"
    assert (found.line, found.column) == (3, 1)


def test_huge_integer_is_malformed_not_a_crash() -> None:
    found = only(parse_text('{"n": ' + "9" * 5000 + "}").findings)
    assert found.code == "SYN-LOAD-001"


def test_nan_and_infinity_have_pointers_and_positions() -> None:
    parsed = parse_text('{"a": [1, NaN],\n "b": {"c": -Infinity}, "d": Infinity}')
    assert parsed.data is None
    found = [(f.code, f.pointer, f.line, f.column) for f in parsed.findings]
    assert found == [
        ("SYN-LOAD-004", "/a/1", 1, 11),
        ("SYN-LOAD-004", "/b/c", 2, 13),
        ("SYN-LOAD-004", "/d", 2, 30),
    ]


def test_duplicate_keys_point_at_the_duplicate() -> None:
    parsed = parse_text('{"name": "a",\n "x": {"k": 1, "k~/": 2, "k~/": 3},\n "name": "b"}')
    found = [(f.code, f.pointer, f.line, f.column) for f in parsed.findings]
    assert found == [("SYN-LOAD-005", "/x/k~0~1", 2, 33), ("SYN-LOAD-005", "/name", 3, 10)]


def test_nesting_deeper_than_the_limit() -> None:
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_text('{"a": ' + ok[1:-1] + "}").findings == ()
    deep = '{"a": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"
    found = only(parse_text(deep).findings)
    assert found.code == "SYN-LOAD-006"
    assert (found.line, found.column) == (1, 6 + MAX_DEPTH)


def test_brackets_in_strings_do_not_count_as_nesting() -> None:
    text = json.dumps({"glsl": "{" * 200, "list": [[["x"]]]})
    assert parse_text(text).findings == ()


def test_nesting_beyond_the_recursion_limit_is_a_finding() -> None:
    found = only(parse_text("[" * 100_000 + "]" * 100_000).findings)
    assert found.code == "SYN-LOAD-006"
    assert (found.line, found.column) == (1, MAX_DEPTH + 1)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("[]", "an array"),
        ('"s"', "a string"),
        ("3", "a number"),
        ("null", "null"),
        ("true", "a boolean"),
    ],
)
def test_top_level_must_be_an_object(text: str, kind: str) -> None:
    found = only(parse_text("\n " + text).findings)
    assert found.code == "SYN-LOAD-008"
    assert kind in found.message
    assert (found.line, found.column) == (2, 2)


def test_stdin_is_listed_once() -> None:
    assert len(list(iter_sources(["-", "-"], stdin=io.BytesIO(b"{}")))) == 1


def test_lone_surrogate_escapes_are_findings_not_crashes() -> None:
    parsed = parse_text('{"a": "\\ud83d\\ude00", "b": ["x\\ud800"], "\\udfff": 1}')
    found = [(f.code, f.pointer, f.line, f.column) for f in parsed.findings]
    assert found == [("SYN-LOAD-003", "", 1, 1), ("SYN-LOAD-003", "/b/0", 1, 29)]
    for item in parsed.findings:  # reports must be able to write every finding
        (item.pointer + item.message).encode("utf-8")


def test_valid_surrogate_pairs_and_escaped_backslashes_pass() -> None:
    parsed = parse_text('{"a": "\\ud83d\\ude00", "b": "\\\\ud800"}')
    assert parsed.findings == ()
    assert parsed.data == {"a": "\U0001f600", "b": "\\ud800"}


def _nested(levels: list[str], leaf: object) -> object:
    """Containers from the outside in: "o" an object (under the key "k~\\"x"), "a" an array."""
    value = leaf
    for kind in reversed(levels):
        value = {'k~"x': value, "n": 1} if kind == "o" else [0, value]
    return value


@settings(max_examples=200)
@given(
    # Around the limit, where the two answers differ.
    st.integers(MAX_DEPTH - 3, MAX_DEPTH + 2).flatmap(
        lambda n: st.lists(st.sampled_from("oa"), min_size=n, max_size=n)
    ),
    st.sampled_from([None, 1.5, "s", [], {}]),
)
def test_the_indented_dump_judges_nesting_as_the_walk_does(levels: list[str], leaf: object) -> None:
    data = {"top": _nested(levels, leaf)}
    text = json.dumps(data, indent=None)
    too_deep = _deeper_than(data, MAX_DEPTH)
    codes = [f.code for f in parse_text(text).findings]
    assert codes == (["SYN-LOAD-006"] if too_deep else [])
    assert _parse_plain(text, text.encode()) is not None  # judged on the fast path, not handed on


@pytest.mark.parametrize(
    ("value", "huge"),
    [(2**64 - 1, False), (-(2**63), False), (1.2345678901234567e-5, False), (-1e200, True)],
)
def test_a_text_in_a_layout_is_judged_on_the_fast_path(value: float, huge: bool) -> None:
    # Its numbers are orjson's own (a long digit run is no integer beyond 64 bits),
    # and it repeats no key.
    for text in (
        orjson.dumps({"n": value}, option=orjson.OPT_INDENT_2),
        orjson.dumps({"n": value}),
    ):
        parsed = _parse_plain(text.decode(), text)
        assert parsed is not None and parsed.layout is not None
        assert parsed.data == json.loads(text) and parsed.maybe_huge is huge


def test_an_integer_beyond_64_bits_takes_the_full_path() -> None:
    text = '{\n  "n": 18446744073709551616\n}'
    assert _parse_plain(text, text.encode()) is None
    assert parse_text(text).data == {"n": 2**64}
