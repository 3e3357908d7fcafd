"""The real document models in the OpenAPI document: the 0.7.3 JSON Schemas the store
validates against, bundled as components.

Each shipped schema file becomes a component (``synesthetic-asset.schema.json`` ->
``SynestheticAsset``), each of its ``$defs`` a component ``<Name>_<Def>``, and
every ``$ref`` between files is rewritten to point at those components, so the
OpenAPI document is self-contained (no schema is fetched by URL). Then per
document kind:
- ``<Name>Create``: what POST and PUT take (the schema, plus the ``$schema`` /
  ``$schemaRef`` envelope keys the files carry);
- ``<Name>Public``: what GET answers (the schema plus the store's metadata keys).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_VERSION = "0.7.3"
_DROPPED_KEYS = ("$schema", "$id", "$comment", "x-schema-version", "$defs")
#: Document kinds -> their component name.
KINDS: dict[str, str] = {
    "synesthetic-asset": "SynestheticAsset",
    "shader": "Shader",
    "tone": "Tone",
    "haptic": "Haptic",
    "control-bundle": "ControlBundle",
    "control": "Control",
    "modulation": "Modulation",
    "rule-bundle": "RuleBundle",
    "rule": "Rule",
}
_ENVELOPE = {
    "$schema": {"type": "string", "description": "The document's versioned schema URL"},
    "$schemaRef": {"type": "string", "description": "The seed corpus' schema reference"},
}
_META = {
    "id": {"type": "integer", "readOnly": True},
    "created_at": {"type": "string", "readOnly": True},
    "updated_at": {"type": "string", "readOnly": True},
    "verdict": {"type": "string", "enum": ["pass", "warn", "fail"], "readOnly": True},
}
_LINKS = ("shader_id", "tone_id", "haptic_id", "control_id", "modulation_id", "rule_bundle_id")


def _ref(target: str) -> str:
    file, _, fragment = target.partition("#")
    kind = file.removesuffix(".schema.json")
    name = KINDS[kind]
    tokens = [t for t in fragment.split("/") if t]
    if tokens[:1] == ["$defs"] and len(tokens) == 2:
        return f"#/components/schemas/{name}_{tokens[1]}"
    if tokens:
        raise ValueError(f"unsupported $ref {target!r}")
    return f"#/components/schemas/{name}"


def _rewrite(node: Any, file: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = _ref(value if not value.startswith("#") else file + value)
            else:
                out[key] = _rewrite(value, file)
        return out
    if isinstance(node, list):
        return [_rewrite(v, file) for v in node]
    return node


@cache
def document_schemas() -> dict[str, dict[str, Any]]:
    """Every component schema: the bundled files, their $defs, and the Create/Public variants."""
    folder = resources.files("synharness.schema") / SCHEMA_VERSION
    out: dict[str, dict[str, Any]] = {}
    for kind, name in KINDS.items():
        file = f"{kind}.schema.json"
        raw = json.loads((folder / file).read_text(encoding="utf-8"))
        for def_name, definition in raw.get("$defs", {}).items():
            out[f"{name}_{def_name}"] = _rewrite(definition, file)
        out[name] = _rewrite({k: v for k, v in raw.items() if k not in _DROPPED_KEYS}, file)
    for kind in (
        "synesthetic-asset",
        "shader",
        "tone",
        "haptic",
        "control-bundle",
        "modulation",
        "rule-bundle",
    ):
        name = KINDS[kind]
        base = out[name]
        create = copy.deepcopy(base)
        create["properties"] = {**_ENVELOPE, **create.get("properties", {})}
        create["description"] = f"A {kind} document as the files hold it"
        out[f"{name}Create"] = create
        public = copy.deepcopy(create)
        meta = dict(_META)
        if kind == "synesthetic-asset":
            meta["synesthetic_asset_id"] = {"type": "integer", "readOnly": True}
        public["properties"] = {**meta, **public["properties"]}
        public["required"] = sorted({*public.get("required", []), *meta})
        public["description"] = f"A stored {kind}: the document plus the store's metadata"
        out[f"{name}Public"] = public
        if kind == "synesthetic-asset":
            nested = copy.deepcopy(public)
            nested["properties"].update({k: {"type": "integer"} for k in _LINKS})
            nested["description"] = "A stored asset with its linked components inlined"
            out[f"{name}NestedPublic"] = nested
    return out
