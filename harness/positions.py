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

Locating many pointers at once (:meth:`Locator.positions`) announces them
first: a container that a later pointer descends into is then walked member by
member when an earlier pointer skips it, instead of being scanned whole once and
walked again later, so every part of the text is scanned at most once whatever
order the pointers come in; and lines are counted in one pass over the sorted
offsets.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from itertools import accumulate
from json.decoder import scanstring  # type: ignore[attr-defined]
from json.scanner import make_scanner
from typing import Any

from synharness.findings import split_pointer

#: The C scanner of the default decoder: parses one value at an offset.
_scan_value: Any = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
_WHITESPACE = re.compile(r"[ \t\n\r]*")
#: The pattern matches the empty string, so the match is never None.
_skip_ws: Callable[[str, int], re.Match[str]] = _WHITESPACE.match  # type: ignore[assignment]
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
    return _skip_ws(text, index).end()


#: A member key without escapes, the colon and the whitespace around it, in one match.
_PLAIN_KEY = re.compile(r'"([^"\\]*)"[ \t\n\r]*:[ \t\n\r]*')
#: What follows a member's value: whitespace, then a comma (group 1) or the closing bracket.
#: The pattern matches the empty string, so the match is never None.
_after_value: Callable[[str, int], re.Match[str]] = re.compile(  # type: ignore[assignment]
    r"[ \t\n\r]*(?:(,)[ \t\n\r]*)?"
).match


class _Members:
    """How far the members of one container have been scanned.

    Scanning resumes where it stopped, so locating many findings of one
    document skips each sibling value once, not once per finding; and a
    container that was partly walked is skipped by finishing its scan, not by
    parsing it again. A member that was asked for is returned before its value
    is skipped (the value is *pending*): the walk goes down into it next, and
    the members after it are scanned only if a later pointer needs them.
    """

    __slots__ = ("count", "descend", "end", "found", "is_object", "next", "path", "pending")

    def __init__(self, text: str, index: int, path: tuple[str, ...], descend: set[str]) -> None:
        #: Reference tokens of this container.
        self.path = path
        #: Keys of the members that announced pointers descend into (walked, not scanned).
        self.descend = descend
        self.is_object = text[index] == "{"
        #: Member key (array index as a decimal string) -> offset of its value.
        self.found: dict[str, int] = {}
        self.count = 0
        first = _ws(text, index + 1)
        #: Offset of the next member not scanned yet; None once the container is done
        #: or while a member's value is pending.
        self.next: int | None = None if text[first] in "}]" else first
        #: Key and offset of the member returned last, whose value is not skipped yet.
        self.pending: tuple[str, int] | None = None
        #: Offset just after the closing bracket, once known.
        self.end: int | None = first + 1 if self.next is None else None

    def child(self, locator: Locator, token: str | None) -> int | None:
        """Offset of member ``token`` (None: scan to the end), scanning as far as needed."""
        unique_keys = locator.unique_keys
        # Array keys are canonical decimals, so "01" or "-" never match an element.
        settled = unique_keys or not self.is_object or (self.next is None and self.pending is None)
        if token is not None and token in self.found and settled:
            return self.found[token]
        # The hot loop of locating: names bound locally, one regex match for a key and
        # its colon, one for what follows the value, and the C scanner called directly
        # for a value that is neither walked into nor already partly walked.
        text, found, is_object, path = locator.text, self.found, self.is_object, self.path
        descend, containers, key_match = self.descend, locator.containers, _PLAIN_KEY.match
        if self.pending is not None:
            pending_key, pending_at = self.pending
            self._after(text, locator.skip(pending_at, (*path, pending_key)))
            self.pending = None
        while (index := self.next) is not None:
            if is_object:
                plain = key_match(text, index)
                if plain is not None:
                    key, index = plain.group(1), plain.end()
                else:  # a key with escapes
                    key, index = scanstring(text, index + 1)
                    index = _ws(text, _ws(text, index) + 1)  # past the colon
            else:
                key = str(self.count)
            self.count += 1
            # With duplicate keys the last one wins, as in json.loads: overwrite.
            found[key] = index
            if key == token and (unique_keys or not is_object):
                # Found: the caller walks into this value next, so it is not skipped now.
                self.next, self.pending = None, (key, index)
                return index
            if key in descend or index in containers:
                end = locator.skip(index, (*path, key))
            else:
                end = _scan_value(text, index)[1]
            self._after(text, end)
        return None if token is None else found.get(token)

    def _after(self, text: str, end: int) -> None:
        """Move past a member's value that ends at ``end``: to the next member, or the end."""
        after = _after_value(text, end)
        if after.lastindex:  # a comma: another member follows
            self.next = after.end()
        elif after.end() < len(text):  # the closing bracket
            self.next, self.end = None, after.end() + 1
        else:
            raise IndexError("the text ends inside a container")


def pointer_tokens(pointer: str) -> tuple[str, ...]:
    """The unescaped reference tokens of a JSON Pointer, as a tuple."""
    # split_pointer, without its unescaping pass for the usual pointer that needs none.
    if "~" in pointer:
        return tuple(split_pointer(pointer))
    return tuple(pointer[1:].split("/")) if pointer else ()


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
        #: Offset of a container -> how far its members were walked.
        self.containers: dict[int, _Members] = {}
        #: Container path -> keys of its members that announced pointers descend into.
        self._descend: dict[tuple[str, ...], set[str]] = {}

    def expect(self, pointers: Iterable[str]) -> None:
        """Announce pointers that will be located, so that no container is scanned twice.

        A container on the way to an announced pointer is walked member by
        member (and remembered) even when another pointer only skips it;
        otherwise it would be scanned whole now and walked again later.
        """
        self._expect([pointer_tokens(pointer) for pointer in pointers])

    def _expect(self, paths: Iterable[tuple[str, ...]]) -> None:
        for tokens in paths:
            for depth in range(len(tokens) - 1):
                self._descend_into(tokens[:depth]).add(tokens[depth])

    def _descend_into(self, path: tuple[str, ...]) -> set[str]:
        # One set per path, shared with the container's _Members, so that pointers
        # announced after a walk began still count.
        return self._descend.setdefault(path, set())

    def offset(self, pointer: str) -> int | None:
        """Return the offset of the value ``pointer`` names, or None if it names none."""
        return self._offset(pointer_tokens(pointer))

    def _offset(self, tokens: tuple[str, ...]) -> int | None:
        known = len(tokens)
        while tokens[:known] not in self._offsets:
            known -= 1
        index = self._offsets[tokens[:known]]
        for depth in range(known, len(tokens)):
            if index is not None:
                try:
                    index = self._child(index, tokens[:depth], tokens[depth])
                except (ValueError, IndexError, StopIteration):
                    # The text does not parse along this path: no position to give.
                    index = None
            self._offsets[tokens[: depth + 1]] = index
        return index

    def _child(self, index: int, path: tuple[str, ...], token: str) -> int | None:
        members = self.containers.get(index)
        if members is None:
            if self.text[index] not in "{[":
                return None  # a scalar has no children
            members = self._members(index, path)
        return members.child(self, token)

    def _members(self, index: int, path: tuple[str, ...]) -> _Members:
        members = _Members(self.text, index, path, self._descend_into(path))
        self.containers[index] = members
        return members

    def skip(self, index: int, path: tuple[str, ...]) -> int:
        """Offset just after the value at ``index``, whose token path is ``path``.

        Called for a value that was partly walked already or that an announced
        pointer descends into (other values the walk scans itself): a container
        is walked to its end member by member, and remembered.
        """
        members = self.containers.get(index)
        if members is None:
            if self.text[index] not in "{[":
                return int(_scan_value(self.text, index)[1])  # a scalar: nothing to walk
            members = self._members(index, path)
        if members.end is None:
            members.child(self, None)
        assert members.end is not None  # the scan ran to the closing bracket
        return members.end

    def positions(self, pointers: Iterable[str]) -> dict[str, tuple[int, int] | None]:
        """Locate many pointers: pointer -> 1-based ``(line, column)``, or None.

        The pointers are announced first (see :meth:`expect`), and lines are
        counted once over the sorted offsets rather than once per pointer.
        """
        paths = {pointer: pointer_tokens(pointer) for pointer in pointers}
        self._expect(paths.values())
        offsets = {pointer: self._offset(tokens) for pointer, tokens in paths.items()}
        at = positions_of(self.text, {o for o in offsets.values() if o is not None})
        return {pointer: None if o is None else at[o] for pointer, o in offsets.items()}

    def regions(self, pointers: Iterable[str]) -> dict[str, tuple[int, int, int, int] | None]:
        """Locate many pointers with the end of each value: pointer -> region, or None.

        A region is ``(line, column, end_line, end_column)``, the end being the
        position just after the value's last character (exclusive, as SARIF's
        ``endColumn``). Finding the end scans the value once with the C scanner,
        which only documents with findings pay.
        """
        paths = {pointer: pointer_tokens(pointer) for pointer in pointers}
        self._expect(paths.values())
        text = self.text
        spans: dict[str, tuple[int, int] | None] = {}
        for pointer, tokens in paths.items():
            start = self._offset(tokens)
            if start is None:
                spans[pointer] = None
                continue
            try:
                end = int(_scan_value(text, start)[1])
            except (ValueError, IndexError, StopIteration):
                end = start + 1
            spans[pointer] = (start, end)
        at = positions_of(text, {o for span in spans.values() if span is not None for o in span})
        return {
            pointer: None if span is None else (*at[span[0]], *at[span[1]])
            for pointer, span in spans.items()
        }

    def span(self, pointer: str) -> tuple[int, int] | None:
        """The ``(start, end)`` offsets of the value ``pointer`` names (end exclusive), or None."""
        start = self.offset(pointer)
        if start is None:
            return None
        try:
            return start, int(_scan_value(self.text, start)[1])
        except (ValueError, IndexError, StopIteration):
            return None

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


def positions_of(text: str, offsets: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Offset -> 1-based ``(line, column)`` for many offsets, in one pass over the text.

    Lines are counted between consecutive sorted offsets (memchr speed), so the
    text is read once up to the last offset, and a findings-light document never
    pays for an index of every line.
    """
    line, last, line_start = 1, 0, 0
    at: dict[int, tuple[int, int]] = {}
    for offset in sorted(offsets):
        newlines = text.count("\n", last, offset)
        if newlines:
            # Searched back only as far as the previous offset: one line of a
            # minified document is never rescanned once per finding.
            line, line_start = line + newlines, text.rfind("\n", last, offset) + 1
        at[offset] = (line, offset - line_start + 1)
        last = offset
    return at


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
    return Locator(text).positions(pointers)


def position_of_offset(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based ``(line, column)`` of a character offset of ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def offset_in_string(text: str, start: int, line: int, column: int) -> int | None:
    """The offset in ``text`` of a character of a decoded JSON string, by its line and column.

    A GLSL source lives in a JSON string, where its newlines are ``\\n`` escapes
    and a character may be written ``\\u0041``: a compiler's position in the
    decoded source is found in the file by walking the string's raw text.

    Args:
        text: The JSON text.
        start: Offset of the string's opening quote (what :meth:`Locator.offset` gives).
        line: 1-based line in the decoded string.
        column: 1-based column in that line (characters; a column past the
            line's end gives the offset of the newline escape that ends it).

    Returns:
        The offset of the raw character (or escape) that decodes to that
        position, or None when ``start`` is not a string or the string is shorter.
    """
    if start >= len(text) or text[start] != '"':
        return None
    i, at_line, at_column, end = start + 1, 1, 1, len(text)
    while i < end:
        if at_line == line and at_column == column:
            return i
        ch = text[i]
        if ch == '"':
            return i if at_line == line else None  # past the last line's end: the quote
        if ch == "\\" and i + 1 < end:
            escape = text[i + 1]
            decoded, step = (_ESCAPES.get(escape, escape), 2) if escape != "u" else ("?", 6)
        else:
            decoded, step = ch, 1
        if decoded == "\n":
            if at_line == line:
                return i
            at_line, at_column = at_line + 1, 1
        else:
            at_column += 1
        i += step
    return None
