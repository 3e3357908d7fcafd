"""The validation pipeline: from bytes (or parsed data) to an asset result.

Stages, each running only when the ones before let it:

1. *load*: decode and parse (:mod:`synharness.loading`, ``SYN-LOAD-*``);
2. *envelope*: read and strip ``$schema`` (:mod:`synharness.envelope`, ``SYN-ENV-*``);
3. *schema*: JSON Schema validation of the document's kind and version
   (:mod:`synharness.schema`, ``SYN-SCHEMA-*``);
4. *model*: the strict pydantic model of the kind (:mod:`synharness.models`), only
   when the schema passed; a model error the schema missed is a bug in one of
   the two and is filed as ``SYN-SCHEMA-000``;
5. *compile*: the shader pair compiled and linked in a real GL implementation
   under a host profile (:mod:`synharness.render.check`, ``SYN-GLSL-010/011``),
   when a GL context can be made (else one ``SYN-RENDER-001`` info);
6. *semantic*: the checks the schema cannot express (:mod:`synharness.semantic`),
   only for documents that passed the schema and the model;
7. *positions*: line and column of every finding's pointer, only when there
   are findings and the text is known (:mod:`synharness.positions`).

This is the hot path of the RLHF loop: the schema registry is compiled once and
cached, and a valid document costs one parse, one schema check and one model
validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel, ValidationError
from synharness.codes import finding, strict_findings
from synharness.enrichment import check_enrichment
from synharness.envelope import read_envelope
from synharness.findings import Finding, sort_findings
from synharness.guard import guarded_result
from synharness.layout import Layout
from synharness.layout import regions as layout_regions
from synharness.loading import (
    DEFAULT_MAX_BYTES,
    Source,
    iter_sources,
    lone_surrogates,
    parse_document,
    read_source,
)
from synharness.models import MODEL_BY_KIND, SynestheticAsset
from synharness.numbers import huge_numbers, may_hold_huge_numbers
from synharness.positions import Locator
from synharness.result import AssetResult
from synharness.schema import SchemaRegistry, load_registry
from synharness.semantic import check_document
from synharness.semantic.glsl import CompiledUniforms
from synharness.semantic.scope import Scope, scope_of


@dataclass(frozen=True)
class ValidationOptions:
    """How to validate: limits, where extra schema versions live, which severity profile."""

    #: Largest accepted document, in bytes.
    max_bytes: int = DEFAULT_MAX_BYTES
    #: A directory of schemas (``--schema-dir``) besides the shipped ones.
    schema_dir: Path | str | None = None
    #: Compile the shader under this host profile (``--glsl-host``) when a GL
    #: context can be made; None skips compiling (the regex reader alone).
    glsl_host: str | None = "three"
    #: The strict profile (``--strict``, config key ``strict``): style and
    #: legacy infos are reported as warnings (:func:`~synharness.codes.strict_findings`).
    strict: bool = False

    def registry(self) -> SchemaRegistry:
        """The (cached) schema registry these options name."""
        return load_registry(Path(self.schema_dir) if self.schema_dir is not None else None)


#: The options used when none are given.
DEFAULT_OPTIONS = ValidationOptions()


@dataclass(frozen=True)
class CheckedDocument:
    """One document's result together with what the stages produced on the way."""

    result: AssetResult
    #: The parsed object (with its envelope), when the document parsed.
    data: dict[str, Any] | None
    #: The validated model, when the document passed schema and model.
    model: BaseModel | None
    #: The decoded text, when the bytes were UTF-8.
    text: str | None


def check_bytes(
    raw: bytes, *, source: str, options: ValidationOptions = DEFAULT_OPTIONS
) -> CheckedDocument:
    """Run every stage on one document's bytes.

    Args:
        raw: The document's bytes.
        source: How reports name the document (a path, ``<stdin>``, a URL).
        options: Limits and schema directory.

    Returns:
        The result, with the parsed data, model and text when available.
    """
    if len(raw) > options.max_bytes:
        message = f"{len(raw)} bytes is over the limit of {options.max_bytes} bytes"
        too_large = finding("SYN-LOAD-007", "", message)
        return CheckedDocument(AssetResult(source=source, findings=(too_large,)), None, None, None)
    parsed = parse_document(raw)
    if parsed.data is None:
        result = AssetResult(source=source, findings=tuple(sort_findings(parsed.findings)))
        return CheckedDocument(result, None, None, parsed.text)
    # parse_document refused duplicate keys, so positions may stop at the first match.
    return _check_parsed(
        parsed.data,
        source,
        options,
        parsed.text,
        unique_keys=True,
        maybe_huge=parsed.maybe_huge,
        layout=parsed.layout,
    )


def check_data(
    data: dict[str, Any],
    *,
    source: str,
    options: ValidationOptions = DEFAULT_OPTIONS,
    text: str | None = None,
) -> CheckedDocument:
    """Run the stages after parsing on an already-parsed document.

    Args:
        data: The document's top-level object (with its ``$schema``).
        source: How reports name the document.
        options: Limits and schema directory.
        text: The JSON text ``data`` was parsed from, for positions; without
            it findings carry no line and column.

    Returns:
        The result, with the model when the document passed schema and model.
    """
    # Data parsed elsewhere (the API) may hold lone surrogates, which neither the
    # validators nor the reports can encode; parse_document refuses them itself.
    unencodable = lone_surrogates(data)
    if unencodable:
        if text is not None:
            unencodable = _located(unencodable, text, unique_keys=False)
        result = AssetResult(source=source, findings=tuple(sort_findings(unencodable)))
        return CheckedDocument(result, data, None, text)
    return _check_parsed(data, source, options, text, unique_keys=False)


def _check_parsed(
    data: dict[str, Any],
    source: str,
    options: ValidationOptions,
    text: str | None,
    *,
    unique_keys: bool,
    maybe_huge: bool | None = None,
    layout: Layout | None = None,
) -> CheckedDocument:
    registry = options.registry()
    envelope = read_envelope(data, registry)
    findings = list(envelope.findings)
    model: BaseModel | None = None
    name = data.get("name")
    if envelope.kind is not None and envelope.version is not None:
        schemas = registry.get(envelope.version)
        assert schemas is not None  # read_envelope checked the version
        schema_findings = schemas.validate(envelope.kind, envelope.stripped_data)
        if maybe_huge is None:
            maybe_huge = text is None or may_hold_huge_numbers(text)
        if not schema_findings and maybe_huge:
            # Numbers the simulation cannot compute with: no model, so never simulated.
            schema_findings = huge_numbers(envelope.stripped_data)
        findings += schema_findings
        if not schema_findings:
            model, model_findings = _model(envelope.kind, envelope.stripped_data)
            findings += model_findings
        if model is not None:
            compiled = None
            # One scope for the compile stage and the semantic checks.
            scope = scope_of(envelope.kind, model)
            if options.glsl_host is not None and scope is not None and scope.shader is not None:
                compile_found, compiled = _compile_stage(
                    scope, options.glsl_host, text, unique_keys=unique_keys
                )
                findings += compile_found
            findings += check_document(envelope.kind, model, compiled=compiled, scope=scope)
        if envelope.enrichment is not None and envelope.draft is not None:
            asset = model if isinstance(model, SynestheticAsset) else None
            findings += check_enrichment(envelope.enrichment, asset, draft=envelope.draft)
    if options.strict:
        findings = strict_findings(findings)
    if findings and text is not None:
        findings = _located(findings, text, unique_keys=unique_keys, data=data, layout=layout)
    result = AssetResult(
        source=source,
        name=name if isinstance(name, str) else None,
        kind=envelope.kind,
        schema_version=envelope.version,
        findings=tuple(sort_findings(findings)),
    )
    return CheckedDocument(result, data, model, text)


def _compile_stage(
    scope: Scope, profile: str, text: str | None, *, unique_keys: bool
) -> tuple[list[Finding], CompiledUniforms | None]:
    # Imported here: only documents with a shader that passed the model get this far.
    from synharness.render.check import compile_stage

    return compile_stage(scope, profile=profile, text=text, unique_keys=unique_keys)


def _model(kind: str, data: dict[str, Any]) -> tuple[BaseModel | None, list[Finding]]:
    try:
        return MODEL_BY_KIND[kind].model_validate(data), []
    except ValidationError as exc:
        found = [
            finding(
                "SYN-SCHEMA-000",
                _pointer_of_loc(data, error["loc"]),
                f"{error['msg']} (the schema accepted this value, the {kind} model did not)",
            )
            for error in exc.errors(include_url=False)
        ]
        return None, found


def _pointer_of_loc(data: Any, loc: tuple[int | str, ...]) -> str:
    """The pointer of the deepest value of ``data`` along a pydantic error location.

    Pydantic inserts tags of union members and validators into ``loc``; walking
    the data keeps only the steps that name real keys and indexes.
    """
    tokens: list[str | int] = []
    value = data
    for step in loc:
        in_object = isinstance(value, dict) and isinstance(step, str) and step in value
        in_array = isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value)
        if in_object or in_array:
            value = value[step]
            tokens.append(step)
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in tokens)


def _located(
    findings: list[Finding],
    text: str,
    *,
    unique_keys: bool,
    data: Any = None,
    layout: Layout | None = None,
) -> list[Finding]:
    # Findings about another document (file) or already placed (line) keep what they have.
    todo = [item.pointer for item in findings if item.file is None and item.line is None]
    if layout is not None:
        # The text is orjson's dump of data: positions follow from the data.
        where = layout_regions(text, data, layout, todo)
    else:
        where = Locator(text, unique_keys=unique_keys).regions(todo)
    located: list[Finding] = []
    for item in findings:
        region = where.get(item.pointer) if item.file is None and item.line is None else None
        located.append(item if region is None else item.located(*region))
    return located


def validate_bytes(
    raw: bytes, *, source: str, options: ValidationOptions = DEFAULT_OPTIONS
) -> AssetResult:
    """Validate one document's bytes; see :func:`check_bytes`.

    Args:
        raw: The document's bytes.
        source: How reports name the document.
        options: Limits and schema directory.

    Returns:
        The asset result.
    """
    return check_bytes(raw, source=source, options=options).result


def validate_data(
    data: dict[str, Any],
    *,
    source: str,
    options: ValidationOptions = DEFAULT_OPTIONS,
    text: str | None = None,
) -> AssetResult:
    """Validate an already-parsed document (from the API, for instance).

    Args:
        data: The document's top-level object.
        source: How reports name the document.
        options: Limits and schema directory.
        text: The JSON text of ``data``, when positions are wanted.

    Returns:
        The asset result.
    """
    return check_data(data, source=source, options=options, text=text).result


def check_source(
    source: Source, *, options: ValidationOptions = DEFAULT_OPTIONS
) -> CheckedDocument:
    """Read and validate one source; reading problems become findings.

    Args:
        source: A file or stream.
        options: Limits and schema directory.

    Returns:
        The checked document.
    """
    raw = read_source(source, max_bytes=options.max_bytes)
    if isinstance(raw, Finding):
        return CheckedDocument(AssetResult(source=source.name, findings=(raw,)), None, None, None)
    return check_bytes(raw, source=source.name, options=options)


def _result_of(source: Source, options: ValidationOptions) -> AssetResult:
    return check_source(source, options=options).result


def validate_paths(
    paths: Sequence[str],
    *,
    options: ValidationOptions = DEFAULT_OPTIONS,
    stdin: BinaryIO | None = None,
) -> list[AssetResult]:
    """Validate every document the paths name, in order.

    Every path is expanded before anything is read, so that a missing path
    stops the run before any output.

    Args:
        paths: Files, directories, globs or ``-`` (see :func:`~synharness.loading.iter_sources`).
        options: Limits and schema directory.
        stdin: The stream ``-`` reads from.

    Returns:
        One result per document.

    Raises:
        synharness.errors.UsageError: A path does not exist or names no document.
        synharness.schema.SchemaDirError: The schema directory cannot be used.
    """
    sources = list(iter_sources(paths, stdin=stdin))
    options.registry()  # a broken --schema-dir stops the run before any document
    return [
        guarded_result(partial(_result_of, source, options), source=source.name)
        for source in sources
    ]
