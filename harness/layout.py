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
  that begins with its key, and an array's element n starts the line after
  element n - 1 ends: a few C substring searches, where walking the text
  (:mod:`synharness.positions`) scans everything before the value.
- *compact*: the text is one line; the offset of member ``j`` is its
  container's offset, plus the length of the members before it (one dump each)
  and their commas, plus its key and colon.

A text in neither layout, or with non-ASCII characters (columns count
characters and dumps count bytes), is located by the walk; both give the same
regions, which a property test checks.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    spans = _indented_spans(text, data, pointers)
    at = positions_of(text, {o for span in spans.values() if span is not None for o in span})
    return {
        pointer: None if span is None else (*at[span[0]], *at[span[1]])
        for pointer, span in spans.items()
    }


def _indented_spans(
    text: str, data: Any, pointers: Iterable[str]
) -> dict[str, tuple[int, int] | None]:
    """``(start, end)`` offsets of the value each pointer names in the indented layout, or None.

    Each member of a container at depth d starts a line indented 2(d + 1)
    spaces; lines inside the members are indented deeper, and JSON strings hold
    no raw line break. So an object's member is the first line after the
    object's start at exactly that indent that starts with its key (an object
    has no repeated key): one C substring search. An array's element n follows
    element n - 1 (:func:`_more_elements`).

    Findings gather under a few containers: each member on the way is found
    once, known by its container's offset and its token, and so is each array
    element on the way to a later one. One loop, with no call per token that is
    known already: on the published assets the bookkeeping, not the searches,
    is what costs.
    """
    #: (offset of a container, token) -> offset and value of its member, or None.
    members: dict[tuple[int, str], tuple[int, Any] | None] = {}
    #: Offset of an array -> offsets of its elements found so far, in order.
    elements: dict[int, list[int]] = {}
    spans: dict[str, tuple[int, int] | None] = {}
    for pointer in pointers:
        if pointer in spans:
            continue
        start, value, indent = 0, data, 0
        for token in pointer_tokens(pointer):
            indent += 2
            step = (start, token)
            if step in members:
                member = members[step]
            else:
                member = members[step] = _member(text, start, value, token, indent, elements)
            if member is None:
                spans[pointer] = None
                break
            start, value = member
        else:
            if (type(value) is dict or type(value) is list) and value:
                # The closing bracket: the next line at the value's own indent.
                closing = "}" if type(value) is dict else "]"
                end = text.find("\n" + " " * indent + closing, start) + indent + 2
            else:
                end = start + len(orjson.dumps(value))
            spans[pointer] = start, end
    return spans


def _member(
    text: str, start: int, value: Any, token: str, indent: int, elements: dict[int, list[int]]
) -> tuple[int, Any] | None:
    """Offset and value of member ``token`` of ``value``, a container at ``start`` whose
    members are indented ``indent`` spaces; None if it has no such member."""
    if type(value) is dict:
        if token not in value:
            return None
        key = orjson.dumps(token).decode()
        line = text.find(f"\n{' ' * indent}{key}: ", start)
        if line < 0:
            return None  # not this text's data after all: nothing to place
        return line + indent + len(key) + 3, value[token]
    # Array tokens are canonical decimals: "01", "-" or "+1" name no element.
    if type(value) is not list or not token.isdigit() or (token[0] == "0" and token != "0"):
        return None  # a scalar has no members
    index = int(token)
    if index >= len(value):
        return None
    starts = elements.get(start)
    if starts is None:
        # Element 0 follows the opening bracket and a line break.
        starts = elements[start] = [start + 2 + indent]
    if index >= len(starts) and not _more_elements(text, value, starts, index, indent):
        return None
    return starts[index], value[index]


def _more_elements(text: str, array: list[Any], starts: list[int], index: int, indent: int) -> bool:
    """Extend ``starts``, the offsets of the first elements of ``array``, up to element ``index``.

    An element starts the line after the one before ends: on the next line
    when that is a scalar (or an empty container), else after its closing
    bracket, the next line at its indent. False: not this text's data after all.
    """
    find = text.find
    line = "\n" + " " * indent
    closes_object, closes_array = line + "}", line + "]"
    # After a closing bracket: the bracket, a comma, a line break and the indent.
    after_closing = 4 + 2 * indent
    at = starts[-1]
    for before in array[len(starts) - 1 : index]:
        if type(before) is dict and before:
            end = find(closes_object, at)
            at = end + after_closing
        elif type(before) is list and before:
            end = find(closes_array, at)
            at = end + after_closing
        else:
            end = find("\n", at)
            at = end + 1 + indent
        if end < 0:
            return False
        starts.append(at)
    return True


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
