"""Globs: the path patterns of the configuration (``include``, ``exclude``, ``per-file-ignores``).

Rules: ``*`` and ``?`` match within one path segment, ``**`` across segments,
``[...]`` is a character class (``[!...]`` negated); a glob without ``/``
matches a file or folder name at any depth, a glob with ``/`` the path from
the configuration's root (a leading ``./`` or ``/`` is dropped); a glob that
names a folder covers everything below it. Paths are ``/``-separated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache


@lru_cache(maxsize=512)
def glob_pattern(glob: str) -> re.Pattern[str]:
    """The regular expression of a glob (see the module docstring for the rules)."""
    anchored = "/" in glob.rstrip("/")
    glob = glob.strip().removeprefix("./").lstrip("/").rstrip("/")
    out, i = [], 0
    while i < len(glob):
        char = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and "]" in glob[i + 2 :]:
            end = glob.index("]", i + 2)  # "[]]" holds a "]"
            body = glob[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    lead = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{lead}{''.join(out)}(?:/.*)?$")


def matches(path: str, globs: Sequence[str]) -> bool:
    """Whether a root-relative ``path`` matches any of ``globs``."""
    return any(glob_pattern(g).match(path) for g in globs)
