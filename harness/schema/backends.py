"""Schema backends: compile a set of schemas and report raw validation errors.

Vocabulary:
- *resource*: one schema document, registered under its ``$id`` (or the URI of
  its file) so that ``$ref`` between documents resolves offline;
- *backend*: the engine that compiles the resources and validates instances:
  ``rust`` (:mod:`jsonschema_rs`, the fast path) or ``python`` (:mod:`jsonschema`,
  the fallback when the Rust extension cannot be imported);
- *raw error*: a :class:`RawError`, one failed keyword at one instance location,
  the common shape of both engines' errors, which :mod:`synharness.schema.translate`
  turns into findings. ``anyOf``/``oneOf`` errors keep the errors of each branch.

Both backends enforce ``format: date-time`` (RFC 3339).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import unquote, urljoin

if TYPE_CHECKING:
    # Imported where used: the rust backend (the default) needs neither, and they
    # cost a fifth of a one-file `validate`'s start-up.
    import jsonschema

try:  # The fast path; the python engine stands in when the extension is missing.
    import jsonschema_rs
except ImportError:  # pragma: no cover - exercised only on platforms without wheels
    jsonschema_rs = None  # type: ignore[assignment]

BackendName = Literal["rust", "python"]

#: The engine used unless a caller asks for one.
DEFAULT_BACKEND: BackendName = "rust" if jsonschema_rs is not None else "python"

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class RawError:
    """One failed keyword, in the shape shared by both engines."""

    #: The JSON Schema keyword that failed (``required``, ``type``, ...).
    keyword: str
    #: Location of the failing value in the instance, as path tokens.
    path: Path_
    #: The failing value.
    instance: Any
    #: What the keyword expected: the missing property (``required``), the
    #: unexpected properties (``additionalProperties``), the type names
    #: (``type``), the allowed values (``enum``), the constant (``const``),
    #: the limit (``minLength``...), the format name (``format``).
    expected: Any = None
    #: The engine's own message, used for keywords without a tailored one.
    message: str = ""
    #: The schema object holding the keyword, when the engine can tell.
    schema: Mapping[str, Any] | None = None
    #: For ``anyOf``/``oneOf``: the errors of each branch, in schema order.
    branches: tuple[tuple[RawError, ...], ...] | None = field(default=None)


class Engine(Protocol):
    """A compiled schema that validates instances."""

    def is_valid(self, instance: Any) -> bool:
        """Return whether ``instance`` is valid (stops at the first error)."""
        ...

    def errors(self, instance: Any) -> Iterator[RawError]:
        """Yield every error of ``instance``."""
        ...


def compile_schema(
    schema: Mapping[str, Any],
    resources: Mapping[str, Mapping[str, Any]],
    *,
    backend: BackendName = DEFAULT_BACKEND,
) -> Engine:
    """Compile ``schema`` with ``resources`` registered for ``$ref`` resolution.

    Args:
        schema: The root schema (one of ``resources``' values).
        resources: Every schema of the set, by the URI it is registered under.
        backend: ``rust`` or ``python``.

    Returns:
        An engine for ``schema``.

    Raises:
        ValueError: A ``$ref`` does not resolve or the schema is malformed; the
            message is the engine's.
    """
    if backend == "rust":
        if jsonschema_rs is None:  # pragma: no cover - see the import above
            raise ValueError("the rust backend needs jsonschema_rs, which cannot be imported")
        return _RustEngine(schema, resources)
    return _PythonEngine(schema, resources)


def check_schema(schema: Mapping[str, Any]) -> str | None:
    """Check ``schema`` against its meta-schema.

    Returns:
        ``None`` when it is a valid schema, else ``"<pointer>: <message>"``
        naming the first offending location inside the schema.
    """
    import jsonschema

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    error = jsonschema.exceptions.best_match(cls(cls.META_SCHEMA).iter_errors(schema))
    if error is None:
        return None
    pointer = "".join(
        "/" + str(t).replace("~", "~0").replace("/", "~1") for t in error.absolute_path
    )
    return f"{pointer or '(root)'}: {error.message}"


# --- rust ------------------------------------------------------------------------------


class _RustEngine:
    def __init__(
        self, schema: Mapping[str, Any], resources: Mapping[str, Mapping[str, Any]]
    ) -> None:
        assert jsonschema_rs is not None
        self._schema = schema
        self._resources = resources
        self._python: _PythonEngine | None = None
        registry = jsonschema_rs.Registry([(uri, dict(doc)) for uri, doc in resources.items()])
        try:
            self._validator = jsonschema_rs.validator_for(
                dict(schema), registry=registry, validate_formats=True, offline=True
            )
        except (ValueError, jsonschema_rs.ReferencingError) as exc:
            # ValidationError (a malformed schema) is a ValueError too.
            raise ValueError(getattr(exc, "message", None) or str(exc)) from exc

    def is_valid(self, instance: Any) -> bool:
        try:
            return bool(self._validator.is_valid(instance))
        except UnicodeEncodeError:
            return self._fallback().is_valid(instance)

    def errors(self, instance: Any) -> Iterator[RawError]:
        try:
            raws = [self._raw(e, instance) for e in self._validator.iter_errors(instance)]
        except UnicodeEncodeError:
            raws = list(self._fallback().errors(instance))
        yield from raws

    def _fallback(self) -> _PythonEngine:
        # Strings with lone surrogates (from \ud800 escapes) cannot cross into
        # Rust; the python engine validates them instead of crashing.
        if self._python is None:
            self._python = _PythonEngine(self._schema, self._resources)
        return self._python

    def _raw(self, error: Any, root: Any) -> RawError:
        kind = error.kind
        keyword = kind.name
        details = kind.as_dict() if keyword not in ("anyOf", "oneOf") else {}
        expected: Any = None
        branches = None
        if keyword == "required":
            expected = details.get("property")
        elif keyword == "additionalProperties":
            expected = tuple(details.get("unexpected", ()))
        elif keyword == "type":
            expected = tuple(details.get("types", ()))
        elif keyword == "enum":
            expected = tuple(details.get("options", ()))
        elif keyword == "const":
            expected = details.get("expected_value")
        elif keyword == "format":
            expected = details.get("format")
        elif "limit" in details:
            expected = details["limit"]
        if keyword in ("anyOf", "oneOf") and hasattr(kind, "context"):
            branches = tuple(tuple(self._raw(e, root) for e in branch) for branch in kind.context)
        path = tuple(error.instance_path)
        return RawError(
            keyword=keyword,
            path=path,
            instance=_lookup(root, path, error.instance),
            expected=expected,
            message=error.message,
            schema=self._holder(error.absolute_keyword_location),
            branches=branches,
        )

    def _holder(self, location: str | None) -> Mapping[str, Any] | None:
        # The absolute keyword location names the resource and the keyword in it;
        # the object one level up is the schema holding the keyword.
        if not location or "#" not in location:
            return None
        uri, _, fragment = location.partition("#")
        node: Any = self._resources.get(uri)
        tokens = [unquote(t).replace("~1", "/").replace("~0", "~") for t in fragment.split("/")[1:]]
        for token in tokens[:-1]:
            if isinstance(node, Mapping):
                node = node.get(token)
            elif (
                isinstance(node, list)
                and token.isascii()
                and token.isdigit()
                and int(token) < len(node)
            ):
                node = node[int(token)]
            else:
                return None
        return node if isinstance(node, Mapping) else None


def _lookup(root: Any, path: Path_, default: Any) -> Any:
    # The engine hands back a copy converted to JSON, in which NaN and the
    # infinities became null; the caller's own value names the real culprit.
    node = root
    for token in path:
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            return default
    return node


# --- python ----------------------------------------------------------------------------


class _PythonEngine:
    def __init__(
        self, schema: Mapping[str, Any], resources: Mapping[str, Mapping[str, Any]]
    ) -> None:
        import jsonschema
        import referencing
        import referencing.exceptions
        from referencing.jsonschema import DRAFT202012

        registry: referencing.Registry[Any] = referencing.Registry().with_resources(
            (uri, referencing.Resource.from_contents(doc, default_specification=DRAFT202012))
            for uri, doc in resources.items()
        )
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        self._validator = cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)
        # The python engine resolves $ref lazily; resolve every one now so that a
        # broken reference is reported when the set is built, as the rust engine does.
        for ref, base in _refs(schema, str(schema.get("$id", ""))):
            try:
                registry.resolver(base).lookup(ref)
            except referencing.exceptions.Unresolvable as exc:
                raise ValueError(f"cannot resolve $ref {ref!r}: {exc}") from exc

    def is_valid(self, instance: Any) -> bool:
        return bool(self._validator.is_valid(instance))

    def errors(self, instance: Any) -> Iterator[RawError]:
        for error in self._validator.iter_errors(instance):
            yield from _from_python(error)


_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_VALUES = (
    "items",
    "additionalProperties",
    "additionalItems",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
)


def _refs(node: Any, base: str) -> Iterator[tuple[str, str]]:
    """Yield every ``$ref`` of a schema with the base URI it resolves against."""
    if not isinstance(node, Mapping):
        return
    if isinstance(node.get("$id"), str):
        base = urljoin(base, node["$id"])
    if isinstance(node.get("$ref"), str):
        yield node["$ref"], base
    for key, value in node.items():
        if key in _SCHEMA_VALUES:
            yield from _refs(value, base)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            for sub in value:
                yield from _refs(sub, base)
        elif key in _SCHEMA_MAPS and isinstance(value, Mapping):
            for sub in value.values():
                yield from _refs(sub, base)


def _from_python(error: jsonschema.ValidationError) -> Iterator[RawError]:
    keyword = str(error.validator)
    instance = error.instance
    schema = error.schema if isinstance(error.schema, Mapping) else None
    path = tuple(error.absolute_path)
    value = error.validator_value
    if keyword == "required":
        # One python error per missing property, but its text is the only place
        # naming it: recompute the missing list instead of parsing the message.
        for name in value:
            if isinstance(instance, Mapping) and name not in instance:
                yield RawError("required", path, instance, name, error.message, schema)
        return
    if keyword == "additionalProperties" and isinstance(instance, Mapping):
        known = set((schema or {}).get("properties", {}))
        patterns = list((schema or {}).get("patternProperties", {}))
        extra = tuple(
            k for k in instance if k not in known and not any(re.search(p, k) for p in patterns)
        )
        yield RawError(keyword, path, instance, extra, error.message, schema)
        return
    expected: Any = value
    if keyword == "type":
        expected = (value,) if isinstance(value, str) else tuple(value)
    elif keyword == "enum":
        expected = tuple(value)
    branches = None
    if keyword in ("anyOf", "oneOf") and error.context:
        grouped: dict[int, list[RawError]] = {}
        for sub in error.context:
            index = int(sub.relative_schema_path[0])
            grouped.setdefault(index, []).extend(_from_python(sub))
        branches = tuple(tuple(grouped[i]) for i in sorted(grouped))
    yield RawError(keyword, path, instance, expected, error.message, schema, branches)
