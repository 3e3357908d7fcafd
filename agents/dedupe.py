"""Duplicates within a batch: the same behaviour under another name (``SYN-SCORE-004``).

Vocabulary:
- *behaviour*: the document without what only names or describes it (the
  keys in :data:`NAMING_KEYS` at any depth, and the envelope), with numbers
  rounded to :data:`SIGNIFICANT` significant digits and GLSL and other strings
  with runs of whitespace collapsed. Two documents with the same behaviour
  look, sound and feel the same: the second one is a *duplicate*, exact (only
  a name changed) or near (numbers nudged below the rounding).
- *fingerprint*: a digest of the behaviour's canonical JSON.

A :class:`Deduper` sees a batch in order (one ``score_many`` or ``reward``
call, one ``synharness score`` invocation) and answers, for each document,
which earlier one it duplicates. The first of a kind is never marked.
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

import orjson
from synharness.codes import finding
from synharness.findings import Finding

#: Keys that name or describe, whose values do not change what the asset does.
NAMING_KEYS = frozenset(
    {
        "$schema",
        "$schemaRef",
        "name",
        "description",
        "label",
        "meta_info",
        "tags",
        "id",
        "asset_id",
        "prompt",
        "timestamp",
        "seed",
        "provenance",
        "created_at",
        "updated_at",
    }
)
#: Numbers equal to this many significant digits are the same.
SIGNIFICANT = 3
_SPACE = re.compile(r"\s+")
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


def behaviour(value: Any) -> Any:
    """The part of a document that decides what it does (see the module doc)."""
    # Exact type checks, not isinstance: this walks every value of every asset
    # of a batch, and parsed JSON holds only these types.
    kind = type(value)
    if kind is dict:
        return {k: behaviour(v) for k, v in value.items() if k not in NAMING_KEYS}
    if kind is list:
        return [behaviour(v) for v in value]
    if kind is float:
        return _rounded(value)
    if kind is str and len(value) > 40:
        return _SPACE.sub(" ", _COMMENT.sub("", value)).strip()
    return value


def _rounded(value: float) -> float:
    if not math.isfinite(value) or value == 0:
        return value
    try:
        return round(value, SIGNIFICANT - 1 - math.floor(math.log10(abs(value))))
    except OverflowError:  # near float64's maximum the rounded value does not fit: keep it
        return value


def fingerprint(document: Any) -> str | None:
    """A digest of the document's behaviour, or None for something that is not an object."""
    if not isinstance(document, dict):
        return None
    try:
        canonical = orjson.dumps(behaviour(document), option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return None
    return hashlib.blake2b(canonical, digest_size=16).hexdigest()


class Deduper:
    """Remembers the fingerprints of a batch, in order."""

    def __init__(self) -> None:
        self._first: dict[str, str] = {}

    def observe(self, print_: str | None, source: str) -> Finding | None:
        """Record one document; return ``SYN-SCORE-004`` when an earlier one behaves the same."""
        if print_ is None:
            return None
        earlier = self._first.get(print_)
        if earlier is None:
            self._first[print_] = source
            return None
        message = f"behaves the same as {earlier}, earlier in the batch (only names or descriptions differ)"
        return finding("SYN-SCORE-004", "", message)
