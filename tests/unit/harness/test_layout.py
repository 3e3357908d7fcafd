"""Positions from the data alone, for a text that is orjson's dump of it, agree with the walk."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from hypothesis import given
from hypothesis import strategies as st
from synharness.layout import layout_of, regions
from synharness.pipeline import validate_bytes
from synharness.positions import Locator

from tests.unit.harness.test_positions import pointers_of

#: ASCII keys and strings, with the characters JSON escapes; integers within 64 bits.
_ascii = st.text(st.characters(max_codepoint=127), max_size=8)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | _ascii
    | st.floats(allow_nan=False, allow_infinity=False)
)
_trees = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_ascii, children, max_size=4),
    max_leaves=30,
)
_MISSING = ["/nope", "/0/x", "/01", "/-", "/a/b/c", "/ 1"]


def _indented(data: object) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2)


@given(_trees, st.sampled_from(["indented", "compact"]), st.booleans())
def test_every_region_is_the_walks(data: object, layout: str, final_newline: bool) -> None:
    dump = _indented(data) if layout == "indented" else orjson.dumps(data)
    text = dump.decode() + ("\n" if final_newline else "")
    # A scalar or an empty container is the same text in both layouts: "indented".
    same = _indented(data) == orjson.dumps(data)
    assert layout_of(text, text.encode(), data, _indented(data)) == ("indented" if same else layout)
    pointers = [pointer for pointer, _ in pointers_of(data)] + _MISSING
    assert regions(text, data, layout, pointers) == Locator(text, unique_keys=True).regions(
        pointers
    )


@given(_trees)
def test_other_layouts_are_none(data: object) -> None:
    # Python's own layouts differ from orjson's (", " and ": " compact, escapes, floats)
    # whenever the data holds more than a lone scalar.
    for text in (json.dumps(data), json.dumps(data, indent=4), json.dumps(data, indent="\t")):
        if text.encode() not in (_indented(data), orjson.dumps(data)):
            assert layout_of(text, text.encode(), data, _indented(data)) is None


def test_non_ascii_and_other_whitespace_are_walked() -> None:
    data = {"name": "café", "a": [1, 2]}
    assert layout_of(_indented(data).decode(), _indented(data), data, _indented(data)) is None
    plain = {"a": [1, 2]}
    two_newlines = _indented(plain) + b"\n\n"
    assert layout_of(two_newlines.decode(), two_newlines, plain, _indented(plain)) is None
    spaced = b" " + orjson.dumps(plain)
    assert layout_of(spaced.decode(), spaced, plain, _indented(plain)) is None


def test_pipeline_places_findings_as_the_walk_does(ssot_examples: list[Path]) -> None:
    # The published full assets are in orjson's indented layout: their findings are
    # placed from the data, and each must be where the walk of the text puts it.
    assets = [p for p in ssot_examples if p.name.startswith("SynestheticAsset_")]
    assert assets
    for path in assets:
        raw = path.read_bytes()
        text, data = raw.decode(), json.loads(raw)
        assert layout_of(text, text.encode(), data, _indented(data)) == "indented"
        located = [f for f in validate_bytes(raw, source="x").findings if f.line is not None]
        assert located
        walked = Locator(text).regions([f.pointer for f in located])
        for item in located:
            assert walked[item.pointer] == (item.line, item.column, item.end_line, item.end_column)
