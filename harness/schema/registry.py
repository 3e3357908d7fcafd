"""Schema sets and the registry of schema versions.

Vocabulary:
- *kind*: a document kind, named after its schema file without
  ``.schema.json``: ``synesthetic-asset``, ``shader``, ``tone``, ``haptic``,
  ``control-bundle``, ``control``, ``modulation``, ``rule-bundle``, ``rule``;
- *schema set*: the compiled schemas of one version (:class:`SchemaSet`), whose
  ``validate(kind, data)`` returns ``SYN-SCHEMA-*`` findings;
- *registry*: the schema sets by version (:class:`SchemaRegistry`). The
  project ships its own schemas of :data:`DEFAULT_VERSION` as package data
  (``harness/schema/<version>/*.schema.json``); ``--schema-dir DIR`` adds the
  versions found in ``DIR`` and replaces a shipped version of the same name.

The *envelope*: a document names its schema in a top-level ``$schema`` key.
The caller reads and strips that key before validation; the shipped schemas do
not list it (the published ones do not either, yet the published examples
carry it, so validating a document with its envelope would always fail).

A schema directory may be laid out like the published corpus
(``DIR/<version>/schema/*.schema.json``), by version (``DIR/<version>/*.schema.json``)
or flat (``DIR/*.schema.json``, the version read from each file's
``x-schema-version`` or from the version in its ``$id``). A directory that
cannot be used raises :class:`SchemaDirError` (exit code 2).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from synharness.errors import HarnessError
from synharness.findings import Finding
from synharness.schema.backends import DEFAULT_BACKEND, BackendName, Engine, check_schema
from synharness.schema.backends import compile_schema as _compile
from synharness.schema.translate import to_findings

#: The schema version of documents that do not name one, and of the shipped schemas.
DEFAULT_VERSION = "0.7.3"

#: The document kinds of schema version 0.7.3.
KINDS: frozenset[str] = frozenset(
    {
        "synesthetic-asset",
        "shader",
        "tone",
        "haptic",
        "control-bundle",
        "control",
        "modulation",
        "rule-bundle",
        "rule",
    }
)

SCHEMA_SUFFIX = ".schema.json"
_VERSION = re.compile(r"^\d+(?:\.\d+)*$")
_VERSION_IN_ID = re.compile(r"/(\d+\.\d+\.\d+)/")


class SchemaDirError(HarnessError):
    """A schema directory (or a file in it) cannot be used; exit code 2.

    ``path`` names the directory or the file at fault.
    """


class SchemaCompileError(ValueError):
    """A schema of a set cannot be compiled (bad ``$ref``, malformed schema)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        #: The kind whose schema failed.
        self.kind = kind


class SchemaSet:
    """The compiled schemas of one version.

    Args:
        version: The schema version, e.g. ``"0.7.3"``.
        schemas: Each kind's schema; every schema has an ``$id`` under which
            the others can ``$ref`` it.
        backend: ``rust`` (jsonschema_rs, the default when importable) or
            ``python`` (jsonschema).

    Raises:
        SchemaCompileError: A schema does not compile.
    """

    def __init__(
        self,
        version: str,
        schemas: Mapping[str, Mapping[str, Any]],
        *,
        backend: BackendName = DEFAULT_BACKEND,
    ) -> None:
        #: The schema version.
        self.version = version
        #: The kinds this set validates.
        self.kinds: frozenset[str] = frozenset(schemas)
        #: The engine in use.
        self.backend = backend
        self._schemas = dict(schemas)
        documents = {str(s["$id"]): s for s in schemas.values()}
        self._engines: dict[str, Engine] = {}
        for kind, schema in sorted(schemas.items()):
            try:
                self._engines[kind] = _compile(schema, documents, backend=backend)
            except ValueError as exc:
                raise SchemaCompileError(kind, str(exc)) from exc

    def schema(self, kind: str) -> Mapping[str, Any]:
        """The schema document of ``kind`` (read-only by convention)."""
        return self._schemas[kind]

    def validate(self, kind: str, data: Any) -> list[Finding]:
        """Validate one document (its ``$schema`` envelope key already stripped).

        Args:
            kind: One of :attr:`kinds`.
            data: The parsed document.

        Returns:
            ``SYN-SCHEMA-*`` findings in document order; empty when valid.

        Raises:
            KeyError: ``kind`` is not in :attr:`kinds` (callers check first).
        """
        engine = self._engines.get(kind)
        if engine is None:
            raise KeyError(f"schema version {self.version} has no kind {kind!r}")
        # Valid documents are the common case: the first-error check is several
        # times cheaper than collecting every error.
        if engine.is_valid(data):
            return []
        found = to_findings(engine.errors(data))
        if kind == "synesthetic-asset" and isinstance(data, dict):
            # A wrapped asset ({"asset": {...}}) is one cause, not a finding per key.
            from synharness.schema.unwrap import unwrapped_findings

            found = unwrapped_findings(data, found, validate=self.validate)
        return found

    def repaired(self, kind: str, data: Any) -> Any | None:
        """A copy of ``data`` edited until it validates (see :mod:`synharness.schema.repair`).

        Returns:
            The repaired copy, or None when no repair was found.
        """
        from synharness.schema.repair import repair

        return repair(self._engines[kind], data)

    def __repr__(self) -> str:
        return f"SchemaSet(version={self.version!r}, kinds={sorted(self.kinds)!r})"


class SchemaRegistry:
    """The schema sets by version."""

    def __init__(self, sets: Iterable[SchemaSet]) -> None:
        self._sets = {s.version: s for s in sets}

    @property
    def versions(self) -> tuple[str, ...]:
        """Every version, oldest first."""
        return tuple(sorted(self._sets, key=_version_key))

    def get(self, version: str) -> SchemaSet | None:
        """The schema set of ``version``, or ``None`` when unknown."""
        return self._sets.get(version)

    def __repr__(self) -> str:
        return f"SchemaRegistry(versions={self.versions!r})"


def load_registry(
    schema_dir: Path | None = None, *, backend: BackendName | None = None
) -> SchemaRegistry:
    """Build the registry: the shipped schemas plus those found in ``schema_dir``.

    The result is cached per resolved directory (and backend), so callers may
    call this freely.

    Args:
        schema_dir: A directory of schemas (``--schema-dir``); its versions
            replace shipped ones of the same name.
        backend: Forces ``rust`` or ``python``; the default is ``rust`` when
            jsonschema_rs imports.

    Returns:
        The registry.

    Raises:
        SchemaDirError: ``schema_dir`` is missing, holds no schema, or holds a
            file that is not a usable schema (the message names the file).
    """
    key = Path(schema_dir).expanduser().resolve() if schema_dir is not None else None
    return _load(key, backend or DEFAULT_BACKEND)


@lru_cache(maxsize=16)
def _load(schema_dir: Path | None, backend: BackendName) -> SchemaRegistry:
    sets = {s.version: s for s in _shipped(backend)}
    if schema_dir is not None:
        sets.update((s.version, s) for s in _from_dir(schema_dir, backend))
    return SchemaRegistry(sets.values())


# --- shipped schemas ---------------------------------------------------------------------


def _shipped(backend: BackendName) -> list[SchemaSet]:
    root = resources.files("synharness.schema")
    sets = []
    for folder in sorted(root.iterdir(), key=lambda t: t.name):
        if folder.is_dir() and _VERSION.match(folder.name):
            schemas = {
                f.name[: -len(SCHEMA_SUFFIX)]: _parse(f.read_text(encoding="utf-8"), f.name)
                for f in folder.iterdir()
                if f.name.endswith(SCHEMA_SUFFIX)
            }
            sets.append(SchemaSet(folder.name, schemas, backend=backend))
    return sets


def _parse(text: str, name: str) -> dict[str, Any]:
    data = json.loads(text)
    if not isinstance(data, dict):  # pragma: no cover - guarded by the tests
        raise TypeError(f"shipped schema {name} is not an object")
    return data


# --- schema directories --------------------------------------------------------------------


@dataclass(frozen=True)
class _File:
    path: Path
    version: str
    kind: str
    schema: dict[str, Any]


def _from_dir(schema_dir: Path, backend: BackendName) -> list[SchemaSet]:
    if not schema_dir.is_dir():
        what = "does not exist" if not schema_dir.exists() else "is not a directory"
        raise SchemaDirError(f"schema directory {schema_dir} {what}", path=str(schema_dir))
    files = [_read(path, folder_version) for path, folder_version in _candidates(schema_dir)]
    if not files:
        raise SchemaDirError(
            f"no *{SCHEMA_SUFFIX} file found in {schema_dir} (expected "
            f"DIR/<version>/schema/*{SCHEMA_SUFFIX}, DIR/<version>/*{SCHEMA_SUFFIX} "
            f"or DIR/*{SCHEMA_SUFFIX})",
            path=str(schema_dir),
        )
    by_version: dict[str, dict[str, _File]] = {}
    for f in files:
        kinds = by_version.setdefault(f.version, {})
        if f.kind in kinds:
            raise SchemaDirError(
                f"{f.path}: a second schema of kind {f.kind!r} for version {f.version} "
                f"(the first is {kinds[f.kind].path})",
                path=str(f.path),
            )
        kinds[f.kind] = f
    sets = []
    for version, kinds in sorted(by_version.items()):
        try:
            sets.append(
                SchemaSet(version, {k: f.schema for k, f in kinds.items()}, backend=backend)
            )
        except SchemaCompileError as exc:
            path = kinds[exc.kind].path
            raise SchemaDirError(
                f"{path}: cannot compile the schema: {exc}", path=str(path)
            ) from exc
    return sets


def _candidates(schema_dir: Path) -> list[tuple[Path, str | None]]:
    """Every schema file with the version its folder names (None: read the file)."""
    found: list[tuple[Path, str | None]] = [
        (p, None) for p in sorted(schema_dir.glob("*" + SCHEMA_SUFFIX))
    ]
    for sub in sorted(p for p in schema_dir.iterdir() if p.is_dir()):
        # DIR/<version>/schema/ (the published corpus) or DIR/<version>/; a
        # DIR/schema/ means DIR is itself a version folder of the corpus.
        if sub.name == "schema":
            version = schema_dir.name if _VERSION.match(schema_dir.name) else None
            found += [(p, version) for p in sorted(sub.glob("*" + SCHEMA_SUFFIX))]
            continue
        version = sub.name if _VERSION.match(sub.name) else None
        found += [(p, version) for p in sorted(sub.glob("*" + SCHEMA_SUFFIX))]
        found += [(p, version) for p in sorted((sub / "schema").glob("*" + SCHEMA_SUFFIX))]
    return found


def _read(path: Path, folder_version: str | None) -> _File:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaDirError(f"{path}: cannot read the schema: {exc}", path=str(path)) from exc
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaDirError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}", path=str(path)
        ) from exc
    if not isinstance(schema, dict):
        raise SchemaDirError(f"{path}: a schema must be a JSON object", path=str(path))
    problem = check_schema(schema)
    if problem is not None:
        raise SchemaDirError(f"{path}: not a valid JSON Schema at {problem}", path=str(path))
    version = folder_version or _version_of(schema)
    if version is None:
        raise SchemaDirError(
            f"{path}: cannot tell the schema version: put the file in a <version>/ "
            f'folder, or give it "x-schema-version" or a versioned "$id"',
            path=str(path),
        )
    if not isinstance(schema.get("$id"), str):
        # Without an $id the file's own URI is its identity, so relative $refs
        # between files of one folder still resolve.
        schema = {"$id": path.resolve().as_uri(), **schema}
    return _File(path, version, path.name[: -len(SCHEMA_SUFFIX)], schema)


def _version_of(schema: Mapping[str, Any]) -> str | None:
    declared = schema.get("x-schema-version")
    if isinstance(declared, str) and _VERSION.match(declared):
        return declared
    match = _VERSION_IN_ID.search(str(schema.get("$id", "")))
    return match.group(1) if match else None


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple(
        (int(p), "") if p.isascii() and p.isdigit() else (-1, p) for p in version.split(".")
    )
