"""Configuration: which findings count, how much, and which files are assets.

Vocabulary:
- *configuration file*: ``synharness.toml`` (keys at its top level) or the
  ``[tool.synharness]`` table of a ``pyproject.toml``; the CLI takes the first
  found walking up from the working directory, or the one ``--config`` names;
- *selector*: a finding code or a prefix of codes (``SYN-REF``, ``SYN-REF-00``);
- *root*: the directory of the configuration file, which its globs and the
  ``scenarios`` folder are relative to;
- *glob*: a path pattern relative to the root (see :mod:`synharness.globs`).

Keys (all optional)::

    select = ["SYN-REF", "SYN-RANGE-001"]   # only these codes (default: every code)
    ignore = ["SYN-GRAPH-001"]               # never these
    fail-on = "warning"                      # error (default) or warning
    include = ["assets/drafts/*.json"]       # also take these files from folders
    exclude = ["vendor/**"]                  # never take these from folders
    scenarios = "tests/scenarios"            # the scenario folder of `run`
    glsl-host = "..."                        # passed to GLSL compilation (issue 11)
    strict = true                            # passed to validation (issue 17)

    [per-file-ignores]                       # [tool.synharness.per-file-ignores]
    "legacy/*.json" = ["SYN-REF-003"]

    [severity]                               # [tool.synharness.severity]
    "SYN-REF-003" = "error"                  # error, warning or info
    "SYN-GRAPH" = "info"

Between ``select`` and ``ignore`` the longest matching selector decides (a tie
goes to ``ignore``), so ``ignore = ["SYN-REF"]`` with ``select =
["SYN-REF-001"]`` keeps SYN-REF-001 only of the REF codes; with no ``select``
every code not ignored is kept. ``per-file-ignores`` drops the codes it lists
in the files its glob matches, whatever ``select`` says. A ``severity``
override applies to the longest matching selector.

This module is the pure core: :func:`parse_config` reads a text (tomllib),
:func:`apply_config` filters and re-grades results in one place. Finding and
reading the file, and merging command-line flags (flags > file > defaults),
happen at the CLI edge (:mod:`synharness.cli.configuring`).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from synharness.codes import CATALOGUE
from synharness.errors import ConfigError
from synharness.findings import Finding, Severity
from synharness.globs import glob_pattern
from synharness.result import AssetResult

#: File names searched in each directory, in order.
CONFIG_FILE = "synharness.toml"
PYPROJECT_FILE = "pyproject.toml"
#: The keys a configuration may hold (TOML spelling).
KEYS = (
    "select",
    "ignore",
    "per-file-ignores",
    "severity",
    "fail-on",
    "include",
    "exclude",
    "scenarios",
    "glsl-host",
    "strict",
)
_FAIL_ON = ("error", "warning")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


@dataclass(frozen=True)
class Config:
    """One configuration: a file's keys, command-line flags, or both merged."""

    #: The file it came from (None: defaults and flags only).
    source: str | None = None
    #: The directory globs and ``scenarios`` are relative to (absolute).
    root: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: (glob, selectors) pairs, in file order.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: (selector, severity) pairs, in file order.
    severity: tuple[tuple[str, Severity], ...] = ()
    fail_on: Severity | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    scenarios: Path | None = None
    glsl_host: str | None = None
    strict: bool | None = None
    #: Keys the file set (TOML spelling), so that flags know what they override.
    keys: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def filters(self) -> bool:
        """Whether applying this configuration can change any result."""
        return bool(self.select or self.ignore or self.per_file_ignores or self.severity)


#: No file, no flags.
DEFAULT_CONFIG = Config()


def parse_config(text: str, *, source: str, pyproject: bool = False) -> Config | None:
    """Read a configuration from the text of a TOML file.

    Args:
        text: The file's text.
        source: The file's path, for messages; its directory is the root.
        pyproject: The file is a ``pyproject.toml``: the keys are those of its
            ``[tool.synharness]`` table.

    Returns:
        The configuration, or None for a ``pyproject.toml`` without the table.

    Raises:
        ConfigError: The text is not TOML, or a key or value is wrong; the
            message names the file and the line:column.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        at_end = message.endswith("(at end of document)")
        if match:
            where, reason = f"{source}:{match[1]}:{match[2]}", message[: match.start()]
        elif at_end:
            line, column = text.count("\n") + 1, len(text.rsplit("\n", 1)[-1]) + 1
            where = f"{source}:{line}:{column}"
            reason = message.removesuffix(" (at end of document)") + " at the end of the file"
        else:
            where, reason = source, message
        raise ConfigError(f"{where}: invalid TOML: {reason}", path=source) from None
    prefix: tuple[str, ...] = ()
    if pyproject:
        tool = document.get("tool")
        table = tool.get("synharness") if isinstance(tool, dict) else None
        if table is None:
            return None
        prefix = ("tool", "synharness")
        if not isinstance(table, dict):
            raise _error(text, source, prefix, (), "[tool.synharness] must be a table")
    else:
        table = document
    reader = _Reader(text, source, prefix)
    return reader.config(table)


class _Reader:
    """Checks the keys of one table, naming the file and line:column of a bad one."""

    def __init__(self, text: str, source: str, prefix: tuple[str, ...]) -> None:
        self.text, self.source, self.prefix = text, source, prefix

    def fail(self, key: tuple[str, ...], message: str) -> ConfigError:
        return _error(self.text, self.source, self.prefix, key, message)

    def config(self, table: dict[str, Any]) -> Config:
        unknown = [k for k in table if k not in KEYS]
        if unknown:
            known = ", ".join(KEYS)
            raise self.fail((unknown[0],), f"unknown key {unknown[0]!r} (known: {known})")
        root = Path(os.path.abspath(self.source)).parent
        fail_on = table.get("fail-on")
        if fail_on is not None and fail_on not in _FAIL_ON:
            raise self.fail(("fail-on",), f"fail-on is {fail_on!r}, not one of error, warning")
        scenarios = self.string(table, "scenarios")
        strict = table.get("strict")
        if strict is not None and not isinstance(strict, bool):
            raise self.fail(("strict",), "strict must be true or false")
        return Config(
            source=self.source,
            root=root,
            select=self.selectors(table, ("select",)),
            ignore=self.selectors(table, ("ignore",)),
            per_file_ignores=self.per_file_ignores(table),
            severity=self.severities(table),
            fail_on=Severity(fail_on) if fail_on is not None else None,
            include=self.globs(table, "include"),
            exclude=self.globs(table, "exclude"),
            scenarios=root / scenarios if scenarios is not None else None,
            glsl_host=self.string(table, "glsl-host"),
            strict=strict,
            keys=frozenset(table),
        )

    def string(self, table: Mapping[str, Any], key: str) -> str | None:
        value = table.get(key)
        if value is not None and (not isinstance(value, str) or not value):
            raise self.fail((key,), f"{key} must be a non-empty string")
        return value

    def strings(self, value: Any, key: tuple[str, ...]) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, f"{'.'.join(key)} must be a list of non-empty strings")
        return tuple(value)

    def selectors(self, table: Mapping[str, Any], key: tuple[str, ...]) -> tuple[str, ...]:
        value: Any = table
        for k in key:
            value = value.get(k) if isinstance(value, dict) else None
        if value is None:
            return ()
        found = self.strings(value, key)
        for selector in found:
            problem = selector_problem(selector)
            if problem:
                raise self.fail(key, problem)
        return found

    def globs(self, table: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = table.get(key)
        return () if value is None else self.strings(value, (key,))

    def per_file_ignores(self, table: Mapping[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        value = table.get("per-file-ignores")
        if value is None:
            return ()
        if not isinstance(value, dict):
            raise self.fail(("per-file-ignores",), "per-file-ignores must be a table")
        out = []
        for glob, codes in value.items():
            key = ("per-file-ignores", glob)
            if not isinstance(codes, list):
                raise self.fail(key, f"per-file-ignores {glob!r} must be a list of codes")
            out.append((glob, self.selectors(value, (glob,))))
        return tuple(out)

    def severities(self, table: Mapping[str, Any]) -> tuple[tuple[str, Severity], ...]:
        value = table.get("severity")
        if value is None:
            return ()
        if not isinstance(value, dict):
            raise self.fail(("severity",), "severity must be a table of CODE = level")
        out = []
        for selector, level in value.items():
            problem = selector_problem(selector)
            if problem:
                raise self.fail(("severity", selector), problem)
            if level not in ("error", "warning", "info"):
                raise self.fail(
                    ("severity", selector),
                    f"severity of {selector} is {level!r}, not one of error, warning, info",
                )
            out.append((selector, Severity(level)))
        return tuple(out)


def _error(
    text: str, source: str, prefix: tuple[str, ...], key: tuple[str, ...], message: str
) -> ConfigError:
    position = key_position(text, (*prefix, *key))
    where = f"{source}:{position[0]}:{position[1]}" if position else source
    return ConfigError(f"{where}: {message}", path=source)


def key_position(text: str, path: tuple[str, ...]) -> tuple[int, int] | None:
    """Where the key ``path`` is written in a TOML text, best effort: ``(line, column)``.

    tomllib keeps no positions of a document that parses, so the lines are
    scanned for the table header and the ``key =`` (dotted, quoted or in an
    inline table). Falls back to the nearest enclosing table that is found.
    """
    lines = text.splitlines()
    best: tuple[int, int] | None = None
    table: tuple[str, ...] = ()
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\[\]]+?)\s*\]$", stripped)
        if header:
            table = tuple(_unquote(p) for p in _split_dotted(header[1]))
            if table == path:
                return number, line.index("[") + 1
            if path[: len(table)] == table and best is None:
                best = (number, line.index("[") + 1)
            continue
        match = re.match(r"^(\s*)((?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_.\- ]+?))\s*=", line)
        if not match:
            continue
        key = (*table, *(_unquote(p) for p in _split_dotted(match[2])))
        if key == path:
            return number, len(match[1]) + 1
        if path[: len(key)] == key:
            # An inline table or array on this line holds the key: point at it if spelt there.
            rest = path[len(key) :]
            if rest:
                for spelling in (f'"{rest[0]}"', f"'{rest[0]}'", rest[0]):
                    at = line.find(spelling, match.end())
                    if at >= 0:
                        return number, at + 1
            best = (number, len(match[1]) + 1)
    return best


def _split_dotted(key: str) -> list[str]:
    return [p.strip() for p in re.findall(r"\"[^\"]*\"|'[^']*'|[^.]+", key)]


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        return part[1:-1]
    return part


def selector_problem(selector: str) -> str | None:
    """Why ``selector`` selects nothing (None when it names a code or a prefix of codes)."""
    if not re.fullmatch(r"SYN(-[A-Z]*(-\d{0,3})?)?", selector):
        return f"{selector!r} is not a code or a prefix of codes (SYN-<AREA>-<NNN>)"
    if not any(code.startswith(selector) for code in CATALOGUE):
        return f"{selector!r} matches no known code (see docs/findings.md)"
    return None


def _longest(code: str, selectors: Iterable[str]) -> int:
    return max((len(s) for s in selectors if code.startswith(s)), default=-1)


def selected(code: str, config: Config) -> bool:
    """Whether ``select``/``ignore`` keep ``code`` (the longest matching selector decides)."""
    chosen = _longest(code, config.select)
    dropped = _longest(code, config.ignore)
    if dropped >= 0 and dropped >= chosen:
        return False
    return chosen >= 0 or not config.select


def severity_of(finding: Finding, config: Config) -> Severity:
    """The severity ``config`` gives ``finding`` (the longest matching override, else its own)."""
    best, level = -1, finding.severity
    for selector, severity in config.severity:
        if finding.code.startswith(selector) and len(selector) >= best:
            best, level = len(selector), severity
    return level


def relative_to_root(path: str, config: Config, *, cwd: Path) -> str:
    """``path`` (relative to ``cwd`` or absolute) relative to the configuration's root, ``/``-separated."""
    absolute = Path(os.path.normpath(cwd / path))
    root = config.root or cwd
    try:
        return PurePosixPath(absolute.relative_to(root)).as_posix()
    except ValueError:
        return absolute.as_posix()


def apply_config(results: Sequence[AssetResult], config: Config, *, cwd: Path) -> list[AssetResult]:
    """Re-grade and filter every result's findings as ``config`` says: the one place that does.

    Severity overrides apply first, then ``select``/``ignore`` and
    ``per-file-ignores`` drop findings. Verdicts follow (they are computed
    from the findings). Results whose findings do not change are returned as
    they are.

    Args:
        results: The results of a run.
        config: The merged configuration.
        cwd: The directory relative result sources are relative to.

    Returns:
        The results, in the same order.
    """
    if not config.filters:
        return list(results)
    out = []
    for result in results:
        kept: list[Finding] = []
        for item in result.findings:
            if not selected(item.code, config):
                continue
            if config.per_file_ignores:
                where = relative_to_root(item.file or result.source, config, cwd=cwd)
                if any(
                    glob_pattern(glob).match(where) and _longest(item.code, codes) >= 0
                    for glob, codes in config.per_file_ignores
                ):
                    continue
            level = severity_of(item, config)
            kept.append(
                item if level is item.severity else item.model_copy(update={"severity": level})
            )
        if kept == list(result.findings):
            out.append(result)
        else:
            out.append(result.model_copy(update={"findings": tuple(kept)}))
    return out
