"""Loading: from paths on the command line to parsed JSON documents, or findings.

Vocabulary:
- *source*: one document to read: a file, or standard input (``-``);
- *raw*: the bytes of a source, read within a size limit;
- *parsed document*: the JSON object of a source together with its text (for
  positions), or the ``SYN-LOAD-*`` findings that explain why there is none.

Expanding paths (:func:`iter_sources`) raises :class:`~synharness.errors.UsageError`
for a path that does not exist, since the invocation is wrong. Everything that
can go wrong with one source after that (too large, unreadable, empty, not
UTF-8, malformed JSON, NaN, duplicate keys, too deep, not an object) is a
finding on that source, so that a batch always goes on.
"""

from __future__ import annotations

import glob
import json
import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from synharness.codes import finding
from synharness.errors import NoDocumentsError, PathNotFoundError
from synharness.findings import Finding, pointer_of
from synharness.layout import Layout, layout_of
from synharness.numbers import dump_may_hold_huge, shape_may_hold_huge, utf8_number_shape
from synharness.positions import Locator, position_of_offset

#: Default size limit of one document (5 MiB).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
#: Deepest nesting of objects and arrays accepted.
MAX_DEPTH = 64
#: The name of standard input among sources.
STDIN_NAME = "<stdin>"

_BOM = b"\xef\xbb\xbf"
_GLOB_CHARS = frozenset("*?[")
#: A ``\uD800``-``\uDFFF`` escape: a surrogate, lone unless its pair follows.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
#: A surrogate code point left in a parsed string: a lone surrogate, which UTF-8 cannot hold.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)


@dataclass(frozen=True)
class Source:
    """One document to read: a file path, or a binary stream (standard input)."""

    #: How reports name the source: the path as given (or found), or ``<stdin>``.
    name: str
    path: Path | None = None
    stream: BinaryIO | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ParsedDocument:
    """A source's JSON object and text, or the findings that explain why there is none."""

    data: dict[str, Any] | None
    #: The decoded text (BOM removed), when the bytes were UTF-8.
    text: str | None
    findings: tuple[Finding, ...] = ()
    #: Whether the text may spell a number beyond the simulation's limit, when the
    #: parse already knows (:func:`synharness.numbers.may_hold_huge_numbers`); None: not known.
    maybe_huge: bool | None = None
    #: The text's layout when it is orjson's dump of ``data`` (positions then follow
    #: from the data, :mod:`synharness.layout`); None: another layout, or not known.
    layout: Layout | None = None


def iter_sources(paths: Sequence[str], *, stdin: BinaryIO | None = None) -> Iterator[Source]:
    """Expand command-line paths into sources, in order, each file once.

    Files are taken as given, directories recursively (``*.json``, sorted),
    globs (``*``, ``?``, ``[``; ``**`` recurses) sorted, and ``-`` is standard
    input. Nothing is read here.

    Args:
        paths: Paths, directories, globs or ``-``.
        stdin: The stream ``-`` reads from.

    Yields:
        One :class:`Source` per document.

    Raises:
        PathNotFoundError: A path does not exist or a glob matches no file.
        NoDocumentsError: A directory holds no ``*.json`` file.
    """
    seen: set[str] = set()
    for given in paths:
        if given == "-":
            if stdin is None:
                raise PathNotFoundError("'-' names standard input, but none is available", path="-")
            if "-" not in seen:  # standard input can be read once only
                seen.add("-")
                yield Source(name=STDIN_NAME, stream=stdin)
            continue
        for path in _expand(given):
            key = os.path.normcase(os.path.realpath(path))
            if key not in seen:
                seen.add(key)
                yield Source(name=str(path), path=path)


def _expand(given: str) -> list[Path]:
    path = Path(given)
    if path.is_dir():
        found = sorted(p for p in path.rglob("*.json") if p.is_file())
        if not found:
            raise NoDocumentsError(f"{given}: directory holds no *.json file", path=given)
        return found
    if os.path.lexists(path):
        return [path]
    if _GLOB_CHARS.intersection(given):
        matches = sorted(glob.glob(given, recursive=True))
        files = [Path(m) for m in matches if not os.path.isdir(m)]
        for directory in (m for m in matches if os.path.isdir(m)):
            files.extend(sorted(p for p in Path(directory).rglob("*.json") if p.is_file()))
        if files:
            return files
        raise PathNotFoundError(f"{given}: no file matches this pattern", path=given)
    raise PathNotFoundError(f"{given}: no such file or directory", path=given)


def read_source(source: Source, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes | Finding:
    """Read a source's bytes within ``max_bytes``, or return the finding that prevents it.

    The size of a file is checked before reading it, and a stream is never read
    beyond one byte over the limit, so a huge input is never held in memory.

    Args:
        source: The source to read.
        max_bytes: The largest accepted document, in bytes.

    Returns:
        The raw bytes, or a ``SYN-LOAD-007`` / ``SYN-LOAD-009`` finding.
    """
    try:
        if source.stream is not None:
            raw = source.stream.read(max_bytes + 1)
            if len(raw) > max_bytes:
                return _too_large(f"more than {max_bytes}", max_bytes)
            return bytes(raw)
        assert source.path is not None
        size = source.path.stat().st_size
        if size > max_bytes:
            return _too_large(str(size), max_bytes)
        with source.path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return finding("SYN-LOAD-009", "", f"cannot read {source.name}: {reason}")
    if len(raw) > max_bytes:  # the file grew after stat
        return _too_large(f"more than {max_bytes}", max_bytes)
    return raw


def _too_large(size: str, max_bytes: int) -> Finding:
    return finding("SYN-LOAD-007", "", f"{size} bytes is over the limit of {max_bytes} bytes")


def parse_document(raw: bytes) -> ParsedDocument:
    """Decode and parse one document's bytes.

    Args:
        raw: The bytes of the document; a UTF-8 BOM is tolerated.

    Returns:
        The parsed object and its text, or the ``SYN-LOAD-*`` findings.
    """
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    if not raw.strip():
        return ParsedDocument(None, None, (finding("SYN-LOAD-002", "", "the document is empty"),))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ParsedDocument(None, None, (_not_utf8(raw, exc.start),))
    # Bytes that decode strictly are the text's UTF-8: the fast path need not encode it again.
    plain = _parse_plain(text, raw)
    return plain if plain is not None else _parse_full(text)


def _not_utf8(raw: bytes, start: int) -> Finding:
    line_start = raw.rfind(b"\n", 0, start) + 1
    # The bytes before the bad one are valid UTF-8, so the column counts characters.
    column = len(raw[line_start:start].decode("utf-8")) + 1
    line = raw.count(b"\n", 0, start) + 1
    message = f"byte 0x{raw[start]:02x} at offset {start} is not valid UTF-8"
    return finding("SYN-LOAD-003", "", message).located(line, column)


class _Collector:
    """Parse hooks that remember duplicate keys and non-finite literals."""

    __slots__ = ("duplicates", "non_finite")

    def __init__(self) -> None:
        self.duplicates: dict[int, list[str]] = {}
        self.non_finite: list[_NonFinite] = []

    def object_pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            repeated = [k for k, _ in pairs if k in seen or seen.add(k)]  # type: ignore[func-returns-value]
            self.duplicates[id(result)] = list(dict.fromkeys(repeated))
        return result

    def constant(self, literal: str) -> _NonFinite:
        marker = _NonFinite(literal)
        self.non_finite.append(marker)
        return marker

    def float_(self, literal: str) -> float | _NonFinite:
        value = float(literal)
        if value in _INFINITIES:  # 1e999: beyond float64, parses to infinity
            return self._overflow(literal)
        return value

    def int_(self, literal: str) -> int | _NonFinite:
        value = int(literal)
        # Short literals always fit a float64 (its largest finite value has 309 digits).
        if len(literal) > 300:
            try:
                float(value)
            except OverflowError:
                return self._overflow(literal)
        return value

    def _overflow(self, literal: str) -> _NonFinite:
        marker = _NonFinite(literal, overflow=True)
        self.non_finite.append(marker)
        return marker


_INFINITIES = (math.inf, -math.inf)


class _NonFinite:
    """Stands in for a NaN or Infinity literal, or a number literal beyond float64
    (``overflow``), so that the walk can find its pointer."""

    __slots__ = ("literal", "overflow")

    def __init__(self, literal: str, *, overflow: bool = False) -> None:
        self.literal = literal
        self.overflow = overflow


def parse_text(text: str) -> ParsedDocument:
    """Parse a decoded JSON text into one object; see :func:`parse_document`.

    Args:
        text: The JSON text.

    Returns:
        The parsed object and the text, or the ``SYN-LOAD-*`` findings.
    """
    plain = _parse_plain(text, text.encode("utf-8", "surrogatepass"))
    return plain if plain is not None else _parse_full(text)


def _parse_full(text: str) -> ParsedDocument:
    """Parse with :func:`json.loads` and hooks, for what :func:`_parse_plain` hands on."""
    hooks = _Collector()
    try:
        data = json.loads(
            text,
            object_pairs_hook=hooks.object_pairs,
            parse_constant=hooks.constant,
            parse_float=hooks.float_,
            parse_int=hooks.int_,
        )
    except json.JSONDecodeError as exc:
        bad = finding("SYN-LOAD-001", "", f"malformed JSON: {exc.msg}").located(
            exc.lineno, exc.colno
        )
        return ParsedDocument(None, text, (bad,))
    except RecursionError:
        return ParsedDocument(None, text, (_too_deep(text),))
    except ValueError as exc:
        # For instance an integer of more digits than Python converts.
        return ParsedDocument(None, text, (finding("SYN-LOAD-001", "", f"malformed JSON: {exc}"),))
    if _may_be_too_deep(text) and _deeper_than(data, MAX_DEPTH):
        return ParsedDocument(None, text, (_too_deep(text),))
    # Valid surrogate pairs decode to one character; only lone ones stay in the strings.
    # A lone backslash is found at memchr speed, far faster than a two-character
    # needle ("\\u") or the regex; most documents hold no escape at all.
    surrogates = "\\" in text and _SURROGATE_ESCAPE.search(text) is not None
    if hooks.duplicates or hooks.non_finite or surrogates:
        found = _hook_findings(data, hooks, text, surrogates=surrogates)
    else:
        found = []
    if found:
        return ParsedDocument(None, text, tuple(found))
    if not isinstance(data, dict):
        kind = _JSON_TYPE.get(type(data), type(data).__name__)
        bad = finding("SYN-LOAD-008", "", f"the top level is {kind}, not an object")
        return ParsedDocument(None, text, (bad.located(*position_of_offset(text, _first(text))),))
    return ParsedDocument(data, text)


#: A run of 19 digits in the text's number shape (digits are "0" there): one substring search.
_LONG_NUMBER = b"0" * 19
#: In orjson's two-space indented dump, a line indented 2·MAX_DEPTH spaces (a value inside
#: MAX_DEPTH containers), whatever it holds: a substring search spares the regex below.
_DEEP_INDENT = b"\n" + b" " * (2 * MAX_DEPTH)
#: Such a line that opens a container (directly, or as a member's value after its key).
_TOO_DEEP_LINE = re.compile(re.escape(_DEEP_INDENT) + rb'(?:"(?:[^"\\]|\\.)*": )?[\[{]')


def _parse_plain(text: str, encoded: bytes) -> ParsedDocument | None:
    """Parse the common document with orjson, three times faster; None: take the full path.

    ``encoded`` is the text's UTF-8. The full path (:func:`json.loads` with hooks)
    is needed for anything the fast one could get different, so it runs whenever:

    - orjson refuses the text: malformed JSON, NaN or Infinity, ``1e400``,
      lone surrogate escapes, nesting beyond orjson's limit;
    - a number has 19 digits or more: orjson turns an integer beyond 64 bits
      into a float, where :func:`json.loads` keeps the integer;
    - an object repeats a key, which orjson silently drops. Every colon outside
      strings separates a key from its value, and the strings come back from
      :func:`orjson.dumps` with exactly the colons they held in the text as long
      as no ``\\u`` escape spells one: so without such an escape, the text and
      the compact dump hold as many colons exactly when no key was dropped;
    - the top level is not an object (rare: the full path words the finding).

    A text that is orjson's own dump of its data (it has a :data:`Layout`) needs
    neither of the last checks on numbers and keys: an integer beyond 64 bits, or a
    repeated key, would not have come back from the dump as the text.

    Floats parse to the same values as with :func:`json.loads` (both round correctly).
    """
    if "\\" in text and "\\u" in text:
        return None  # an escape may spell a colon (or a surrogate)
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if type(data) is not dict:
        return None
    # As on the full path, nesting is judged before duplicate keys. One indented dump
    # answers both: in it a container of nesting level L opens on a line indented
    # 2(L - 1) spaces, so a level beyond MAX_DEPTH is one C regex search (a walk of
    # every container cost as much as the parse), and its colons are the text's.
    try:
        dumped = orjson.dumps(data, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:  # nesting beyond orjson's own limit (254 levels)
        if _LONG_NUMBER in utf8_number_shape(encoded):
            return None  # the full path judges it, long numbers first
        return ParsedDocument(None, text, (_too_deep(text),))
    layout = layout_of(text, encoded, data, dumped)
    # The shape of the numbers only for a text in no layout: a text in one holds no
    # integer beyond 64 bits (see above), and a huge number only as orjson writes it.
    shape = None if layout is not None else utf8_number_shape(encoded)
    if shape is not None and _LONG_NUMBER in shape:
        return None
    # The regex only where a line is indented that deep at all (a plain substring search).
    if _DEEP_INDENT in dumped and _TOO_DEEP_LINE.search(dumped):
        return ParsedDocument(None, text, (_too_deep(text),))
    if shape is None:
        return ParsedDocument(data, text, maybe_huge=dump_may_hold_huge(encoded), layout=layout)
    if text.count(":") != dumped.count(b":"):
        return None  # a key appears twice in an object
    return ParsedDocument(data, text, maybe_huge=shape_may_hold_huge(shape))


_JSON_TYPE = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
}
_JSON_TYPE[type(None)] = "null"


def _first(text: str) -> int:
    return len(text) - len(text.lstrip(" \t\n\r"))


def _may_be_too_deep(text: str) -> bool:
    # Nesting deeper than MAX_DEPTH needs more than MAX_DEPTH openers; most documents
    # with fewer skip the scan entirely.
    # Most assets have more than MAX_DEPTH objects alone: the second count is then spared.
    return (objects := text.count("{")) > MAX_DEPTH or objects + text.count("[") > MAX_DEPTH


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether parsed data nests objects and arrays deeper than ``limit``, level by level.

    Only containers are visited, so this costs far less than the parse.
    """
    containers = (dict, list)
    level = [data] if type(data) in containers else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below: list[Any] = []
        append = below.append
        # Plain loops: a generator per container would cost more than the walk itself.
        for value in level:
            for child in value.values() if type(value) is dict else value:
                if type(child) in containers:
                    append(child)
        level = below
    return False


def _too_deep(text: str) -> Finding:
    message = f"objects and arrays are nested deeper than {MAX_DEPTH} levels"
    bad = finding("SYN-LOAD-006", "", message)
    offset = _deep_offset(text)
    return bad if offset is None else bad.located(*position_of_offset(text, offset))


def _deep_offset(text: str) -> int | None:
    """Offset of the first bracket that opens level ``MAX_DEPTH + 1`` (a slow scan, errors only)."""
    depth = 0
    index = 0
    string = _STRING
    while index < len(text):
        char = text[index]
        if char == '"':
            match = string.match(text, index)
            if match is None:
                return None
            index = match.end()
            continue
        if char in "{[":
            depth += 1
            if depth > MAX_DEPTH:
                return index
        elif char in "}]":
            depth -= 1
        index += 1
    return None


def lone_surrogates(data: Any) -> list[Finding]:
    """Find strings (keys included) holding a lone surrogate, which UTF-8 cannot encode.

    JSON's ``\\uD800`` escapes can spell such strings, and every later stage
    (the schema validator, reports) needs text it can encode.

    Args:
        data: Parsed JSON data.

    Returns:
        One ``SYN-LOAD-003`` finding per such string, without positions.
    """
    try:
        # orjson refuses exactly the strings UTF-8 cannot encode, in C: the walk in
        # Python below (a third of the score's time on the RLHF path) only runs for
        # data orjson cannot encode at all, to name the culprits.
        orjson.dumps(data)
    except (TypeError, orjson.JSONEncodeError):
        return _walk_findings(data, None, surrogates=True)
    return []


def _walk_findings(data: Any, hooks: _Collector | None, *, surrogates: bool) -> list[Finding]:
    found: list[Finding] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            for key in hooks.duplicates.get(id(value), ()) if hooks is not None else ():
                pointer = pointer_of(*path, key)
                message = f"key {key!r} appears more than once in this object"
                found.append(finding("SYN-LOAD-005", pointer, message))
            members: Iterable[tuple[str, Any]] = value.items()
            if surrogates and any(_LONE_SURROGATE.search(key) for key in value):
                # The key cannot appear in a pointer that reports must encode: file the
                # finding on the object, and look no further into that member.
                bad = [key for key in value if _LONE_SURROGATE.search(key)]
                found += [_surrogate(key, path, "a key of this object") for key in bad]
                members = [(k, v) for k, v in value.items() if k not in bad]
            stack.extend((child, (*path, key)) for key, child in members)
        elif isinstance(value, list):
            stack.extend((child, (*path, i)) for i, child in enumerate(value))
        elif isinstance(value, _NonFinite) and value.overflow:
            found.append(overflow_finding(value.literal, pointer_of(*path)))
        elif isinstance(value, _NonFinite):
            message = f"{value.literal} is not a JSON number"
            found.append(finding("SYN-LOAD-004", pointer_of(*path), message))
        elif surrogates and isinstance(value, str) and _LONE_SURROGATE.search(value):
            found.append(_surrogate(value, path, "the string"))
    return found


def overflow_finding(literal: str, pointer: str) -> Finding:
    """``SYN-NUM-001``: a number literal that no finite float64 holds.

    Stored or simulated it would become infinity (or ``null`` in JSON), so the
    document is refused at the literal instead of being stored changed.
    """
    shown = literal if len(literal) <= 24 else f"{literal[:12]}…({len(literal)} characters)"
    message = f"the number {shown} is beyond the range of a float64 (±1.8e308)"
    return finding("SYN-NUM-001", pointer, message)


def _surrogate(text: str, path: tuple[str | int, ...], what: str) -> Finding:
    match = _LONE_SURROGATE.search(text)
    assert match is not None
    code_point = f"\\u{ord(match.group()):04x}"
    message = f"{what} holds a lone surrogate {code_point}, which UTF-8 cannot encode"
    return finding("SYN-LOAD-003", pointer_of(*path), message)


def _hook_findings(data: Any, hooks: _Collector, text: str, *, surrogates: bool) -> list[Finding]:
    """Turn what the parse hooks saw into findings with pointers and positions."""
    found = _walk_findings(data, hooks, surrogates=surrogates)
    locator = Locator(text)
    located = [f.located(*(locator.locate(f.pointer) or (None, None))) for f in found]
    return sorted(located, key=lambda f: (f.line or 0, f.column or 0, f.code))
