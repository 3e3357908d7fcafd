""" "Did you mean" for a misspelled name: the closest known names, cached.

:func:`difflib.get_close_matches` is the costliest step of a check that finds a
misspelling (a tenth of a millisecond against a Tone.js option table), and
generated assets repeat the same misspellings against the same tables, so the
answers are kept across documents.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import lru_cache


def closest(word: str, known: Iterable[str], *, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` names of ``known`` close to ``word`` (as :func:`difflib.get_close_matches`)."""
    return list(_closest(word, tuple(known), n, cutoff))


@lru_cache(maxsize=4096)
def _closest(word: str, known: tuple[str, ...], n: int, cutoff: float) -> tuple[str, ...]:
    return tuple(difflib.get_close_matches(word, known, n=n, cutoff=cutoff))
