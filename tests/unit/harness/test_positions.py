"""Positions: a pointer's line:column comes from a real parse, never a key search."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from synharness.findings import pointer_of
from synharness.positions import LineIndex, Locator, locate, locate_all, position_of_offset

_decode = json.JSONDecoder().raw_decode

json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
json_scalars |= st.floats(allow_nan=False, allow_infinity=False)
json_trees = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=25,
)
layouts = st.fixed_dictionaries(
    {
        "indent": st.sampled_from([None, 0, 1, 2, 4, "\t"]),
        "ensure_ascii": st.booleans(),
        "separators": st.sampled_from([None, (",", ":"), (" , ", " : ")]),
    }
)


def pointers_of(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str, Any]]:
    """Every pointer of a tree with the value it names."""
    found = [(pointer_of(*path), value)]
    if isinstance(value, dict):
        for key, child in value.items():
            found += pointers_of(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += pointers_of(child, (*path, index))
    return found


def offset_of(text: str, line: int, column: int) -> int:
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    return starts[line - 1] + column - 1


@given(tree=json_trees, layout=layouts, padding=st.sampled_from(["", " ", "\n\n  "]))
def test_every_pointer_locates_its_own_value(
    tree: Any, layout: dict[str, Any], padding: str
) -> None:
    text = padding + json.dumps(tree, **layout) + padding
    locator = Locator(text)
    for pointer, value in pointers_of(tree):
        offset = locator.offset(pointer)
        assert offset is not None, pointer
        assert _decode(text, offset)[0] == value, pointer
        position = locate(text, pointer)
        assert position is not None
        assert offset_of(text, *position) == offset


@given(tree=json_trees, layout=layouts)
def test_locate_all_agrees_with_locate(tree: Any, layout: dict[str, Any]) -> None:
    text = json.dumps(tree, **layout)
    pointers = [p for p, _ in pointers_of(tree)]
    located = locate_all(text, reversed(pointers))
    assert located == {p: locate(text, p) for p in pointers}


@given(text=st.text(alphabet="ab\n", max_size=40), data=st.data())
def test_line_index_matches_counting(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    assert LineIndex(text).position(offset) == position_of_offset(text, offset)


def test_escaped_keys_and_pointer_tokens() -> None:
    text = '{\n  "a/b": {"t~x": [10, 20]},\n  "caf\\u00e9": {"q\\"uote": true}\n}'
    assert locate(text, "/a~1b/t~0x/1") == (2, 23)
    assert locate(text, '/café/q"uote') == (3, 28)


def test_value_not_key_text_is_located() -> None:
    # The key "name" also occurs inside a string before the real key: a text search would go wrong.
    text = '{"description": "the \\"name\\": here", "name": "Real"}'
    _, column = locate(text, "/name") or (0, 0)
    assert text[column - 1 :].startswith('"Real"')


def test_pointers_that_name_nothing() -> None:
    text = '{"a": [1, 2], "b": {}, "c": 3}'
    for pointer in ["/x", "/a/2", "/a/01", "/a/-", "/a/x", "/b/k", "/c/0"]:
        assert locate(text, pointer) is None, pointer
    assert locate(text, "") == (1, 1)


def test_duplicate_keys_locate_the_last_value_like_the_parser() -> None:
    text = '{"k": 1,\n "k": 2}'
    assert locate(text, "/k") == (2, 7)
    assert Locator(text, unique_keys=True).locate("/k") == (1, 7)


def test_many_lookups_use_the_line_index() -> None:
    tree = {f"k{i}": list(range(i)) for i in range(40)}
    text = json.dumps(tree, indent=2)
    locator = Locator(text)
    for pointer, value in pointers_of(tree):
        position = locator.locate(pointer)
        assert position is not None
        assert _decode(text, offset_of(text, *position))[0] == value


def test_duplicate_containers_resolve_into_the_last_one() -> None:
    text = '{"k": {"a": 1}, "k": {"a": 2}, "z": [0, {"b": 3}]}'
    locator = Locator(text)
    for pointer, value in [("/k/a", 2), ("/z/1/b", 3), ("/z", [0, {"b": 3}]), ("/k", {"a": 2})]:
        offset = locator.offset(pointer)
        assert offset is not None and _decode(text, offset)[0] == value, pointer


def test_partly_walked_containers_are_skipped_by_finishing_their_scan() -> None:
    tree = {"a": {"x": [1, {"y": "}"}], "w": "]"}, "b": [[{"c": 1}], 2], "d": 4}
    text = json.dumps(tree, indent=1)
    locator = Locator(text, unique_keys=True)
    for pointer in ["/a/x/1/y", "/b/0/0/c", "/d", "/a/w", "/b/1"]:
        offset = locator.offset(pointer)
        assert offset is not None
        assert _decode(text, offset)[0] == dict(pointers_of(tree))[pointer], pointer


def test_regions_give_the_exclusive_end_of_each_value() -> None:
    from synharness.positions import Locator

    text = '{\n  "a": [1, 2],\n  "b": {\n    "c": "x y"\n  },\n  "d": 10\n}\n'
    regions = Locator(text).regions(["/a", "/a/1", "/b", "/b/c", "/d", "", "/nope"])
    assert regions["/a"] == (2, 8, 2, 14)
    assert regions["/a/1"] == (2, 12, 2, 13)
    assert regions["/b"] == (3, 8, 5, 4)
    assert regions["/b/c"] == (4, 10, 4, 15)
    assert regions["/d"] == (6, 8, 6, 10)
    assert regions[""] == (1, 1, 7, 2)
    assert regions["/nope"] is None
    assert Locator(text).span("/d") == (text.index("10"), text.index("10") + 2)
