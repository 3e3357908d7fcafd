"""JSON Schema validation of synesthetic documents (the ``SYN-SCHEMA-*`` stage).

The project ships its own schemas of version 0.7.3 as package data
(``harness/schema/0.7.3/*.schema.json``): equivalent to the published ones
(the conformance tests check it), except that the ``$schema`` envelope key is
stripped by the caller before validation and is not listed. Validation runs on
jsonschema_rs (Rust) when it imports, else on jsonschema.

Usage::

    registry = load_registry()            # or load_registry(Path("schemas/"))
    schemas = registry.get(DEFAULT_VERSION)
    findings = schemas.validate("synesthetic-asset", document)
"""

from __future__ import annotations

from synharness.schema.registry import (
    DEFAULT_VERSION,
    KINDS,
    SchemaCompileError,
    SchemaDirError,
    SchemaRegistry,
    SchemaSet,
    load_registry,
)

__all__ = [
    "DEFAULT_VERSION",
    "KINDS",
    "SchemaCompileError",
    "SchemaDirError",
    "SchemaRegistry",
    "SchemaSet",
    "load_registry",
]
