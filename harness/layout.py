"""Positions in a text laid out as orjson lays out its data, found without a walk.

Most documents are written by a JSON library in one of two layouts: indented by
two spaces (Python's ``json.dump(indent=2)``, ``JSON.stringify(value, null, 2)``,
jq, orjson) or compact (``JSON.stringify(value)``, orjson). When the text is
byte for byte :func:`orjson.dumps` of its own parsed data in one of them
(:func:`layout_of`), the place of every value follows from the layout and the
data:

- *indented*: every member of a container at depth d starts a line indented
  2(d + 1) spaces, and lines inside it are indented deeper. So an object's
  member is the first line after the object's start at exactly that indent
  that begins with its key, and an array's element n is the n-th line at that
  indent that is not a closing bracket: a few C substring and regex searches, where walking the text
  (:mod:`synharness.positions`) scans everything before the value.
- *compact*: the text is one line; the offset of member ``j`` is its
  container's offset, plus the length of the members before it (one dump each)
  and their commas, plus its key and colon.

A text in neither layout, or with non-ASCII characters (columns count
characters and dumps count bytes), is located by the walk; both give the same
regions, which a property test checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

import orjson
from synharness.positions import pointer_tokens, positions_of

#: How a text is laid out, when it is orjson's dump of its data.
Layout = Literal["indented", "compact"]
#: A region: 1-based ``(line, column, end_line, end_column)``, the end exclusive.
Region = tuple[int, int, int, int]


def layout_of(text: str, encoded: bytes, data: Any, indented_dump: bytes) -> Layout | None:
    """The layout of ``text`` (``encoded`` in UTF-8), given orjson's two-space dump of its ``data``.

    The parse made that dump already (for its own checks), so the usual
    indented text costs one comparison; the compact dump is made only for a
    text of one line. A final newline is allowed; any other difference, or a
    non-ASCII character, is no layout. A text in a layout holds no repeated key
    (the dump of its data would be shorter).
    """
    if len(encoded) != len(text):  # not ASCII: columns would count bytes
        return None
    final_newline = encoded.endswith(b"\n")
    extra = len(encoded) - len(indented_dump)
    if (extra == 0 or (extra == 1 and final_newline)) and encoded.startswith(indented_dump):
        return "indented"
    body = encoded[:-1] if final_newline else encoded
    if b"\n" not in body and orjson.dumps(data) == body:
        return "compact"
    return None


def regions(
    text: str, data: Any, layout: Layout, pointers: Iterable[str]
) -> dict[str, Region | None]:
    """The region of the value each pointer names in ``text``, of ``layout``, holding ``data``.

    Args:
        text: The text (orjson's dump of ``data`` in ``layout``, perhaps with a final newline).
        data: Its parsed value.
        layout: The text's layout, from :func:`layout_of`.
        pointers: RFC 6901 JSON Pointers.

    Returns:
        Pointer -> region, or None when the pointer names no value (as
        :meth:`synharness.positions.Locator.regions` answers for the text).
    """
    if layout == "compact":
        members = _CompactMembers()
        return {pointer: members.region(data, pointer_tokens(pointer)) for pointer in pointers}
    spans = {pointer: _indented_span(text, data, pointer_tokens(pointer)) for pointer in pointers}
    at = positions_of(text, {o for span in spans.values() if span is not None for o in span})
    return {
        pointer: None if span is None else (*at[span[0]], *at[span[1]])
        for pointer, span in spans.items()
    }


@lru_cache(maxsize=64)
def _line_at_indent(indent: int) -> re.Pattern[str]:
    """A line break, exactly ``indent`` spaces, then a value: not a closing bracket, whose
    line has the indent of the members of its container."""
    return re.compile("\n" + " " * indent + "[^ }\\]]")


def _indented_span(text: str, data: Any, tokens: tuple[str, ...]) -> tuple[int, int] | None:
    """``(start, end)`` offsets of the value at ``tokens`` in the indented layout, or None.

    Each member of a container at depth d starts a line indented 2(d + 1)
    spaces; lines inside the members are indented deeper, and JSON strings hold
    no raw line break, so the first line at exactly that indent that starts with
    a member's key (an object has no repeated key) is that member's, and the
    n-th line at that indent that is not a closing bracket (an element's own,
    at the same indent) is element n's. The text is searched, not walked (C
    substring and regex searches; remembering the members found for the next
    pointer measured slower than searching again).
    """
    start, value = 0, data
    for depth, token in enumerate(tokens, start=1):
        indent = 2 * depth
        if type(value) is dict:
            if token not in value:
                return None
            key = orjson.dumps(token).decode()
            line = text.find("\n" + " " * indent + key + ": ", start)
            if line < 0:
                return None  # not this text's data after all: nothing to place
            start = line + 1 + indent + len(key) + 2
            value = value[token]
        elif type(value) is list:
            # Array tokens are canonical decimals: "01", "-" or "+1" name no element.
            if not token.isdigit() or (token[0] == "0" and token != "0"):
                return None
            index = int(token)
            if index >= len(value):
                return None
            search = _line_at_indent(indent).search
            for _ in range(index + 1):
                found = search(text, start)
                if found is None:
                    return None  # not this text's data after all: nothing to place
                start = found.end() - 1
            value = value[index]
        else:
            return None  # a scalar has no members
    if (type(value) is dict or type(value) is list) and value:
        # The closing bracket: the next line at the value's own indent.
        indent = 2 * len(tokens)
        closing = "}" if type(value) is dict else "]"
        return start, text.find("\n" + " " * indent + closing, start) + indent + 2
    return start, start + len(orjson.dumps(value))


class _CompactMembers:
    """Where the members of each container start in the compact layout, measured once.

    A member's length in the text is that of its dump, so each sibling before a
    located value is dumped once however many findings lie after it (a compact
    text is one line: searching it for a key could find a nested one first).
    Containers are told apart by identity: the data does not change while its
    findings are placed.
    """

    __slots__ = ("_keys", "_starts")

    def __init__(self) -> None:
        #: id of an object -> key -> index of its member.
        self._keys: dict[int, dict[str, int]] = {}
        #: id of a container -> length of the text before each member, as far as measured.
        self._starts: dict[int, list[int]] = {}

    def _index(self, value: Any, token: str) -> int | None:
        """Index of the member ``token`` names, or None if it names none."""
        if type(value) is dict:
            keys = self._keys.get(id(value))
            if keys is None:
                keys = self._keys[id(value)] = {key: i for i, key in enumerate(value)}
            return keys.get(token)
        if type(value) is list:
            # Array tokens are canonical decimals: "01", "-" or "+1" name no element.
            canonical = token.isdigit() and (token[0] != "0" or token == "0")
            return int(token) if canonical and int(token) < len(value) else None
        return None  # a scalar has no members

    def _before(self, value: Any, index: int) -> int:
        """Length of the members of ``value`` before member ``index``, with their commas."""
        starts = self._starts.setdefault(id(value), [0])
        if len(starts) <= index:
            members = list(value.items()) if type(value) is dict else list(enumerate(value))
            for key, member in members[len(starts) - 1 : index]:
                # The member and its comma; an object's member also its key and colon.
                length = len(orjson.dumps(member)) + 1
                if type(key) is str:
                    length += len(orjson.dumps(key)) + 1
                starts.append(starts[-1] + length)
        return starts[index]

    def region(self, data: Any, tokens: tuple[str, ...]) -> Region | None:
        """The region of the value at ``tokens``, or None if there is none."""
        offset, value = 0, data
        for token in tokens:
            index = self._index(value, token)
            if index is None:
                return None
            # The opening bracket, then the members before with their commas.
            offset += 1 + self._before(value, index)
            if type(value) is dict:
                offset += len(orjson.dumps(token)) + 1  # the key and ":"
            value = value[token] if type(value) is dict else value[index]
        return 1, offset + 1, 1, offset + len(orjson.dumps(value)) + 1
