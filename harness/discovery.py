"""Discovery: which JSON files under a folder are synesthetic documents.

Vocabulary:
- *named file*: a file given on the command line; it is always validated
  (unless the caller asks to filter named files too, as the pre-commit hook does);
- *found file*: a ``*.json`` file found by walking a folder or matching a glob;
  it is taken when it *names a synesthetic-schemas schema* or matches an
  ``include`` glob of the configuration, and never when it matches ``exclude``;
- *names a synesthetic-schemas schema*: its top-level ``$schema`` (or legacy
  ``$schemaRef``) is a URL of the synesthetic-schemas project or a path ending
  in ``[<version>/]<kind>.schema.json`` for a document kind (``synesthetic-asset``,
  ``shader``, ... as the envelope accepts them). ``package.json``,
  ``tsconfig.json`` (whose ``$schema`` is schemastore's), JSON Schemas and
  ``EXPECTED.json`` files are not;
- *skipped file*: a found file that is not taken, with the reason (``-v`` lists them).

Deciding is cheap: the first :data:`PEEK_BYTES` of a file are searched for the
``"$schema"`` member (writers put it first); only a file whose head does not
hold it is read further, up to :data:`FULL_READ_BYTES`. Walking a folder skips
hidden folders (``.git``, ``.venv``), ``node_modules``, ``venv``,
``__pycache__`` and ``site-packages`` below it.
"""

from __future__ import annotations

import glob as globbing
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from synharness.config import DEFAULT_CONFIG, Config, relative_to_root
from synharness.errors import NoDocumentsError, PathNotFoundError
from synharness.globs import matches
from synharness.loading import STDIN_NAME, Source
from synharness.schema.registry import KINDS

#: Bytes read from the start of a found file to find its ``$schema``.
PEEK_BYTES = 64 * 1024
#: A file whose head holds no ``$schema`` is read up to this size, else skipped.
FULL_READ_BYTES = 1024 * 1024
#: Folders never walked into (besides every hidden one).
PRUNED_DIRS = frozenset({"node_modules", "venv", "__pycache__", "site-packages"})
_GLOB_CHARS = frozenset("*?[")
_SCHEMA_MEMBER = re.compile(rb'"\$schema(?:Ref)?"\s*:\s*"((?:[^"\\]|\\.)*)"')
_KIND_FILE = re.compile(
    r"(?:^|/)(?:\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?/)?(?:"
    + "|".join(sorted(KINDS))
    + r")\.schema\.json$"
)


@dataclass(frozen=True)
class Discovery:
    """The sources to validate, and the found files that were skipped (with why)."""

    sources: tuple[Source, ...]
    skipped: tuple[tuple[str, str], ...] = field(default=())


def names_synesthetic_schema(value: str) -> bool:
    """Whether a ``$schema`` value names a synesthetic-schemas schema."""
    value = value.strip()
    return "synesthetic-schemas" in value or _KIND_FILE.search(value) is not None


def schema_claim(head: bytes) -> bool | None:
    """What the start of a file says: True (synesthetic), False (another schema), None (no ``$schema``)."""
    match = _SCHEMA_MEMBER.search(head)
    if match is None:
        return None
    try:
        value = match[1].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return names_synesthetic_schema(value.replace("\\/", "/"))


def is_synesthetic_file(path: Path) -> bool | str:
    """True when ``path`` names a synesthetic-schemas schema, else the reason it does not.

    An unreadable file is taken (True), so that its finding is reported.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(PEEK_BYTES)
            claim = schema_claim(head)
            if claim is None and len(head) == PEEK_BYTES:
                rest = handle.read(FULL_READ_BYTES - PEEK_BYTES)
                claim = schema_claim(head + rest)
    except OSError:
        return True
    if claim is None:
        return "no $schema"
    return True if claim else "its $schema names no synesthetic-schemas schema"


def discover(
    paths: Sequence[str],
    *,
    config: Config = DEFAULT_CONFIG,
    cwd: Path,
    stdin: BinaryIO | None = None,
    filter_named: bool = False,
    implicit: bool = False,
) -> Discovery:
    """Expand command-line paths into sources, applying the discovery rules.

    Args:
        paths: Files, folders, globs or ``-`` (standard input, read once).
        config: Its ``include`` and ``exclude`` globs (relative to its root).
        cwd: The directory relative paths are relative to.
        stdin: The stream ``-`` reads from.
        filter_named: Apply the rules to named files too (the pre-commit hook
            gets every staged ``*.json``).
        implicit: The paths are a default, not the user's: finding no document
            is then no error.

    Returns:
        The sources in order (each file once) and the skipped files.

    Raises:
        PathNotFoundError: A path does not exist or a glob matches no file.
        NoDocumentsError: A named folder or glob yields no document.
    """
    sources: list[Source] = []
    skipped: list[tuple[str, str]] = []
    seen: set[str] = set()

    def take(path: Path, *, found: bool) -> bool:
        key = os.path.normcase(os.path.realpath(path))
        if key in seen:
            return True
        if found or filter_named:
            # Paths relative to the root only when a glob needs them (pathlib is not free).
            globs = config.exclude or config.include
            where = relative_to_root(str(path), config, cwd=cwd) if globs else ""
            if config.exclude and matches(where, config.exclude):
                skipped.append((str(path), "excluded"))
                return False
            if not (config.include and matches(where, config.include)):
                verdict = is_synesthetic_file(cwd / path)
                if verdict is not True:
                    skipped.append((str(path), str(verdict)))
                    return False
        seen.add(key)
        sources.append(Source(name=str(path), path=path))
        return True

    for given in paths:
        if given == "-":
            if stdin is None:
                raise PathNotFoundError("'-' names standard input, but none is available", path="-")
            if "-" not in seen:
                seen.add("-")
                sources.append(Source(name=STDIN_NAME, stream=stdin))
            continue
        path = Path(given)
        absolute = cwd / path
        if absolute.is_dir():
            files = _walk(path, cwd=cwd, config=config)
            if not files and not implicit:
                raise NoDocumentsError(f"{given}: directory holds no *.json file", path=given)
            taken = [take(f, found=True) for f in files]
            if files and not any(taken) and not implicit:
                raise NoDocumentsError(
                    f"{given}: directory holds no synesthetic document "
                    f"({len(files)} JSON file{'s' if len(files) != 1 else ''} skipped; -v lists them)",
                    path=given,
                )
        elif os.path.lexists(absolute):
            take(path, found=False)
        elif _GLOB_CHARS.intersection(given):
            matches_ = sorted(
                globbing.glob(str(absolute) if not path.is_absolute() else given, recursive=True)
            )
            files = []
            for m in matches_:
                found = Path(os.path.relpath(m, cwd)) if not path.is_absolute() else Path(m)
                if os.path.isdir(m):
                    files.extend(_walk(found, cwd=cwd, config=config))
                else:
                    files.append(found)
            if not files:
                raise PathNotFoundError(f"{given}: no file matches this pattern", path=given)
            taken = [take(f, found=True) for f in files]
            if not any(taken) and not implicit:
                raise NoDocumentsError(
                    f"{given}: the pattern matches no synesthetic document "
                    f"({len(files)} file{'s' if len(files) != 1 else ''} skipped; -v lists them)",
                    path=given,
                )
        else:
            raise PathNotFoundError(f"{given}: no such file or directory", path=given)
    return Discovery(tuple(sources), tuple(skipped))


def _walk(directory: Path, *, cwd: Path, config: Config) -> list[Path]:
    """Every ``*.json`` file below ``directory``, sorted, without pruned or excluded folders."""
    found: list[Path] = []
    base = cwd / directory
    for top, dirs, files in os.walk(base):
        relative_top = Path(os.path.relpath(top, cwd)) if not directory.is_absolute() else Path(top)
        keep = []
        for name in dirs:
            if name.startswith(".") or name in PRUNED_DIRS:
                continue
            if config.exclude:
                sub = relative_to_root(str(relative_top / name), config, cwd=cwd)
                if matches(sub, config.exclude):
                    continue
            keep.append(name)
        dirs[:] = keep
        found.extend(relative_top / name for name in files if name.endswith(".json"))
    return sorted(found)
