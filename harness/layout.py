"""Positions in a text laid out as orjson lays out its data, found from the data alone.

Most documents are written by a JSON library in one of two layouts: indented by
two spaces (Python's ``json.dump(indent=2)``, ``JSON.stringify(value, null, 2)``,
jq, orjson) or compact (``JSON.stringify(value)``, orjson). When the text is
byte for byte :func:`orjson.dumps` of its own parsed data in one of them
(:func:`layout_of`), the place of every value follows from the data:

- *indented*: every member starts a line; a scalar or an empty container takes
  one line, any other container one line per member's line plus its two
  bracket lines. So the line of member ``j`` is its container's line, plus one,
  plus the newlines in the dump of the members before it; its column is the
  indent of its depth plus, in an object, the key and ``": "``.
- *compact*: the text is one line; the offset of member ``j`` is its
  container's offset, plus the length of the members before it (one dump) and
  their commas, plus its key and colon.

Locating a finding then costs a few C dumps of the siblings before it, where
walking the text (:mod:`synharness.positions`) scans everything before it. A text
in neither layout, or with non-ASCII characters (columns count characters and
dumps count bytes), is located by the walk; both give the same regions, which a
property test checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

import orjson
from synharness.positions import pointer_tokens

#: How a text is laid out, when it is orjson's dump of its data.
Layout = Literal["indented", "compact"]
#: The dump option of each layout.
_OPTION = {"indented": orjson.OPT_INDENT_2, "compact": 0}
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


def regions(data: Any, layout: Layout, pointers: Iterable[str]) -> dict[str, Region | None]:
    """The region of the value each pointer names in a text of ``layout`` holding ``data``.

    Args:
        data: The parsed document (the whole text's value).
        layout: The text's layout, from :func:`layout_of`.
        pointers: RFC 6901 JSON Pointers.

    Returns:
        Pointer -> region, or None when the pointer names no value (as
        :meth:`synharness.positions.Locator.regions` answers for the text).
    """
    members = _Members(_OPTION[layout])
    locate = members.indented if layout == "indented" else members.compact
    return {pointer: locate(data, pointer_tokens(pointer)) for pointer in pointers}


class _Members:
    """Where the members of each container start, measured once per container.

    A member's extent in the text is that of its dump (its lines when indented,
    its length when compact), so each sibling before a located value is dumped
    once however many findings lie after it. Containers are told apart by
    identity: the data does not change while its findings are placed.
    """

    __slots__ = ("_keys", "_option", "_starts")

    def __init__(self, option: int) -> None:
        self._option = option
        #: id of an object -> key -> index of its member.
        self._keys: dict[int, dict[str, int]] = {}
        #: id of a container -> extent of the text before each member, as far as measured.
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

    def _before(self, value: Any, index: int, extent: Callable[[Any, Any], int]) -> int:
        """Extent of the members of ``value`` before member ``index``."""
        starts = self._starts.setdefault(id(value), [0])
        if len(starts) <= index:
            members = list(value.items()) if type(value) is dict else list(enumerate(value))
            for key, member in members[len(starts) - 1 : index]:
                starts.append(starts[-1] + extent(key, member))
        return starts[index]

    def _dump(self, value: Any) -> bytes:
        return orjson.dumps(value, option=self._option)

    def _lines(self, _key: Any, value: Any) -> int:
        # A scalar or an empty container is one line; no need to dump a long string.
        if (type(value) is dict or type(value) is list) and value:
            return self._dump(value).count(b"\n") + 1
        return 1

    def _length(self, key: Any, value: Any) -> int:
        # The member, and the comma after it; an object's member also its key and colon.
        length = len(self._dump(value)) + 1
        return length + len(orjson.dumps(key)) + 1 if type(key) is str else length

    def indented(self, data: Any, tokens: tuple[str, ...]) -> Region | None:
        """The region of the value at ``tokens`` in the indented layout."""
        line, column, value = 1, 1, data
        for depth, token in enumerate(tokens, start=1):
            index = self._index(value, token)
            if index is None:
                return None
            # The container's line, then the lines of the members before.
            line += 1 + self._before(value, index, self._lines)
            column = 2 * depth + 1
            if type(value) is dict:
                column += len(orjson.dumps(token)) + 2  # the key and ": "
            value = value[token] if type(value) is dict else value[index]
        if (type(value) is dict or type(value) is list) and value:
            dump = self._dump(value)
            # The last line is the closing bracket, at the indent of the value's own depth.
            last = len(dump) - dump.rfind(b"\n")
            return line, column, line + dump.count(b"\n"), 2 * len(tokens) + last
        return line, column, line, column + len(orjson.dumps(value))

    def compact(self, data: Any, tokens: tuple[str, ...]) -> Region | None:
        """The region of the value at ``tokens`` in the compact layout."""
        offset, value = 0, data
        for token in tokens:
            index = self._index(value, token)
            if index is None:
                return None
            # The opening bracket, then the members before with their commas.
            offset += 1 + self._before(value, index, self._length)
            if type(value) is dict:
                offset += len(orjson.dumps(token)) + 1  # the key and ":"
            value = value[token] if type(value) is dict else value[index]
        return 1, offset + 1, 1, offset + len(self._dump(value)) + 1
