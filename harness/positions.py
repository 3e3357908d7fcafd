"""Positions: where in a JSON text the value named by a JSON Pointer starts.

Vocabulary:
- *offset*: 0-based index of a character in the text (after any BOM);
- *position*: 1-based ``(line, column)`` of an offset, counting columns in
  characters and lines by ``\\n`` (as :class:`json.JSONDecodeError` does);
- *line index*: the offsets at which each line starts, for bisection.

Positions come from a real parse of the text, never from searching for a key:
the walk follows the pointer's tokens only, and skips every sibling value with
the C JSON scanner, so locating a pointer costs about one C parse of the part of
the document before it. When an object repeats a key the last occurrence wins,
as it does for :func:`json.loads`, so the position is that of the value that was
actually parsed. Locating runs only for documents that have findings.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate
from json.decoder import scanstring  # type: ignore[attr-defined]
from json.scanner import make_scanner
from typing import Any

from harness.findings import split_pointer

#: The C scanner of the default decoder: parses one value at an offset.
_scan_value: Any = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_skip_ws = _WHITESPACE.match
#: Up to this many lookups, counting newlines (memchr speed) beats building a line index.
_DIRECT_LOOKUPS = 16


class LineIndex:
    """Line starts of one text, to turn offsets into ``(line, column)``."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        # Accumulating the line lengths runs in C; a regex over every newline would not.
        self._starts = [0, *accumulate(len(line) + 1 for line in text.split("\n"))]

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based ``(line, column)`` of ``offset``."""
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def _ws(text: str, index: int) -> int:
    match = _skip_ws(text, index)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _skip(text: str, index: int) -> int:
    """Return the offset just after the value starting at ``index``."""
    return int(_scan_value(text, index)[1])


def _child(text: str, index: int, token: str, unique_keys: bool) -> int | None:
    """Offset of the child ``token`` of the container at ``index``, or None."""
    opener = text[index]
    if opener == "{":
        found: int | None = None
        index = _ws(text, index + 1)
        if text[index] == "}":
            return None
        while True:
            key, index = scanstring(text, index + 1)
            index = _ws(text, _ws(text, index) + 1)  # past the colon
            if key == token:
                if unique_keys:
                    return index
                found = index  # keep going: with duplicate keys, the last one wins
            index = _ws(text, _skip(text, index))
            if text[index] != ",":
                return found
            index = _ws(text, index + 1)
    if opener == "[":
        if not token.isdigit() or (len(token) > 1 and token[0] == "0"):
            return None
        remaining = int(token)
        index = _ws(text, index + 1)
        if text[index] == "]":
            return None
        while remaining:
            index = _ws(text, _skip(text, index))
            if text[index] != ",":
                return None
            index = _ws(text, index + 1)
            remaining -= 1
        return index
    return None


class Locator:
    """Locates many pointers of one text, sharing the walk of common prefixes.

    Args:
        text: A JSON text that parses (with :func:`json.loads`).
        unique_keys: The caller knows that no object of the text repeats a key,
            so the walk may stop at the first match instead of scanning every
            sibling for a later duplicate.
    """

    def __init__(self, text: str, *, unique_keys: bool = False) -> None:
        self.text = text
        self.unique_keys = unique_keys
        self._lines: LineIndex | None = None
        self._lookups = 0
        self._offsets: dict[tuple[str, ...], int | None] = {(): _ws(text, 0)}

    def offset(self, pointer: str) -> int | None:
        """Return the offset of the value ``pointer`` names, or None if it names none."""
        tokens = tuple(split_pointer(pointer))
        known = len(tokens)
        while tokens[:known] not in self._offsets:
            known -= 1
        index = self._offsets[tokens[:known]]
        for depth in range(known, len(tokens)):
            if index is not None:
                try:
                    index = _child(self.text, index, tokens[depth], self.unique_keys)
                except (ValueError, IndexError, StopIteration):
                    # The text does not parse along this path: no position to give.
                    index = None
            self._offsets[tokens[: depth + 1]] = index
        return index

    def locate(self, pointer: str) -> tuple[int, int] | None:
        """Return the 1-based ``(line, column)`` of the value ``pointer`` names."""
        index = self.offset(pointer)
        if index is None:
            return None
        self._lookups += 1
        if self._lines is None:
            if self._lookups <= _DIRECT_LOOKUPS:
                return position_of_offset(self.text, index)
            self._lines = LineIndex(self.text)
        return self._lines.position(index)


def locate(text: str, pointer: str) -> tuple[int, int] | None:
    """Return the 1-based ``(line, column)`` of the value ``pointer`` names in ``text``.

    Args:
        text: A JSON text that parses.
        pointer: An RFC 6901 JSON Pointer ("" is the whole document).

    Returns:
        The position of the first character of the value, or None when the
        pointer names no value of the text.
    """
    return Locator(text).locate(pointer)


def locate_all(text: str, pointers: Iterable[str]) -> dict[str, tuple[int, int] | None]:
    """Locate many pointers of one text; see :func:`locate`.

    Args:
        text: A JSON text that parses.
        pointers: RFC 6901 JSON Pointers; duplicates are located once.

    Returns:
        Pointer -> position (or None), for every distinct pointer.
    """
    locator = Locator(text)
    return {pointer: locator.locate(pointer) for pointer in dict.fromkeys(pointers)}


def position_of_offset(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based ``(line, column)`` of a character offset of ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
