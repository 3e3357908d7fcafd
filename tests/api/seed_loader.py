"""The seed backend's example loader, reproduced as a client (no seed code): which
requests it sends, in which order, with which headers and bodies.

What it does, per its documentation and behaviour:
1. counts existing records: ``GET /shader_libs/``, ``/shaders/``, ``/tones/``,
   ``/controls/``, ``/synesthetic-assets/`` (informational; any status is fine);
2. per asset example file: drops the top-level ``$schemaRef``, validates the rest
   with the generated pydantic model of the published schema (which refuses
   members it does not declare, ``$schema`` among them), skips an asset whose
   name it already finds with ``GET /synesthetic-assets/nested`` (a list when
   200), and posts ``model.model_dump(mode="json")`` to
   ``POST /synesthetic-assets/nested`` with ``X-Schema-Version: 0.7.3``; it
   counts 200, 201 and 202 as imported, 409 as existing;
3. reads ``GET /synesthetic-assets/`` and, for every item with a
   ``synesthetic_asset_id``, posts ``/protobuf-assets/from-synesthetic/{id}``
   (no body, no header) and counts anything but 200 as an error.

``model_dump(mode="json")`` of a model generated from a JSON Schema writes every
property the schema declares: absent ones as their schema ``default`` or as
``null``; undeclared members only where the schema declares the object open.
:func:`seed_dump` does that with the project's own 0.7.3 schemas (checked once
by hand against the seed's real dumps of its nine examples: they differ only by
nulls for tone parameter members that the project's tone schema leaves undeclared).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import httpx

SCHEMA_VERSION = "0.7.3"
COUNTED = ("/shader_libs/", "/shaders/", "/tones/", "/controls/", "/synesthetic-assets/")


def _schemas() -> dict[str, dict[str, Any]]:
    folder = resources.files("synharness.schema") / SCHEMA_VERSION
    return {
        p.name: json.loads(p.read_text(encoding="utf-8"))
        for p in folder.iterdir()
        if p.name.endswith(".schema.json")
    }


SCHEMAS = _schemas()


def _resolve(schema: dict[str, Any], file: str) -> tuple[dict[str, Any], str]:
    while "$ref" in schema:
        ref = schema["$ref"]
        target, _, fragment = ref.partition("#")
        file = target or file
        schema = SCHEMAS[file]
        for token in [t for t in fragment.split("/") if t]:
            schema = schema[token]
    return schema, file


def _object_schema(schema: dict[str, Any], file: str, value: Any) -> tuple[dict[str, Any], str]:
    """The branch of ``anyOf``/``oneOf`` that describes an object value."""
    schema, file = _resolve(schema, file)
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key, ()):
            resolved, where = _resolve(branch, file)
            kinds = resolved.get("type")
            if (isinstance(value, dict) and ("properties" in resolved or kinds == "object")) or (
                isinstance(value, list) and kinds == "array"
            ):
                return resolved, where
    return schema, file


def seed_dump(value: Any, schema: dict[str, Any], file: str) -> Any:
    """``value`` as the generated model dumps it: every declared property present."""
    schema, file = _object_schema(schema, file, value)
    if isinstance(value, dict) and "properties" in schema:
        out: dict[str, Any] = {}
        for key, sub in schema["properties"].items():
            if key in value:
                out[key] = seed_dump(value[key], sub, file)
            else:
                resolved, _ = _resolve(sub, file)
                out[key] = resolved.get("default")
        if schema.get("additionalProperties") not in (None, False):
            # Declared open: the model keeps them (extra="allow"); otherwise it
            # ignores them (pydantic's default) and the dump leaves them out.
            for key, item in value.items():
                out.setdefault(key, item)
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [seed_dump(v, schema["items"], file) for v in value]
    return value


def seed_accepts(doc: dict[str, Any]) -> bool:
    """Whether the seed's model validates ``doc``: its schema, with no member it does not declare.

    The generated model refuses undeclared members (``$schema`` above all), so an
    example in the seed's corpus format (``$schemaRef``, stripped first) is what it takes.
    """
    import jsonschema
    from referencing import Registry, Resource

    registry: Registry[Any] = Registry().with_resources(
        (name, Resource.from_contents(s)) for name, s in SCHEMAS.items()
    )
    schema = SCHEMAS["synesthetic-asset.schema.json"]
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    return validator.is_valid(doc)


@dataclass
class LoaderRun:
    """What the loader saw."""

    imported: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    converted: list[int] = field(default_factory=list)
    conversion_errors: dict[int, int] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)


def run_loader(client: httpx.Client, examples: dict[str, dict[str, Any]]) -> LoaderRun:
    """Run the loader's request sequence against ``client`` for ``examples`` (name -> document)."""
    run = LoaderRun()

    def send(method: str, path: str, **kwargs: Any) -> httpx.Response:
        run.requests.append((method, path))
        return client.request(method, path, **kwargs)

    for path in COUNTED:
        send("GET", path)
    asset_schema = SCHEMAS["synesthetic-asset.schema.json"]
    for filename, document in examples.items():
        payload = {k: v for k, v in document.items() if k != "$schemaRef"}
        if not seed_accepts(payload):
            continue
        listed = send("GET", "/synesthetic-assets/nested")
        if listed.status_code == 200 and any(
            isinstance(i, dict) and i.get("name") == payload["name"] for i in listed.json()
        ):
            continue
        body = seed_dump(payload, asset_schema, "synesthetic-asset.schema.json")
        response = send(
            "POST",
            "/synesthetic-assets/nested",
            json=body,
            headers={"X-Schema-Version": SCHEMA_VERSION},
        )
        if response.status_code in (200, 201, 202, 409):
            run.imported.append(filename)
        else:
            run.failed[filename] = f"HTTP {response.status_code}: {response.text[:300]}"
    listing = send("GET", "/synesthetic-assets/")
    if listing.status_code == 200:
        for item in listing.json():
            ident = item.get("synesthetic_asset_id")
            if ident is None:
                continue
            converted = send("POST", f"/protobuf-assets/from-synesthetic/{ident}")
            if converted.status_code == 200:
                run.converted.append(ident)
            else:
                run.conversion_errors[ident] = converted.status_code
    return run
