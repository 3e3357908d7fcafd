"""Conformance: the shipped 0.7.3 schemas accept and reject what the published ones do.

The reference is the published corpus (``../shared/ssot`` beside the repo),
loaded through ``load_registry(<ssot>)`` (the ``--schema-dir`` path) and, for
the examples, a stride of the variants and random compound mutations, also
validated by python jsonschema with its RFC 3339 ``date-time`` check. The
shipped schemas (``load_registry()``) must give the same verdict on the ten
published examples and on systematic mutations of them:
every key dropped, an unknown key added to every object, every value replaced
by values of the other JSON types (null, booleans, numbers, strings, the empty
string, a string outside any enum, arrays, objects), every optional property
of the components added as null and as an object, and date-times good and bad.

Variants inside a component of an asset are validated with the asset pruned to
``name`` and that component, and arrays pruned to the mutated item: the
published asset schema requires only ``name`` and constrains array items one
by one, so pruning keeps every verdict and makes validation cheaper.
Top-level mutations are validated on the whole asset.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
import referencing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from referencing.jsonschema import DRAFT202012
from synharness.schema import SchemaSet, load_registry

SSOT = Path(__file__).resolve().parents[3].parent / "shared" / "ssot"
VERSION_DIR = SSOT / "0.7.3"

pytestmark = pytest.mark.skipif(
    not (VERSION_DIR / "schema").is_dir(), reason=f"published corpus not found at {SSOT}"
)

KIND_OF_EXAMPLE = {
    "Control-Bundle": "control-bundle",
    "Haptic": "haptic",
    "Rule-Bundle": "rule-bundle",
    "Shader": "shader",
    "Tone": "tone",
    "SynestheticAsset": "synesthetic-asset",
}
#: Replacement values: one per JSON type, plus the strings schemas single out.
POOL: tuple[Any, ...] = (None, True, 0, 1.5, "", "not-an-enum-value", [], {})
GOOD_TIMES = ("2025-01-31T12:00:00Z", "2025-01-31T12:00:00.250+01:00", "2024-02-29t00:00:00z")
BAD_TIMES = (
    "2025-13-01T00:00:00Z",
    "2025-02-30T12:00:00Z",
    "2025-01-31 12:00:00Z",
    "2025-01-31T12:00:00",
    "2025-01-31",
    "yesterday",
)
UNKNOWN_KEY = "x_unknown_key"
#: Every n-th variant is also checked by the python reference (~1,000 docs/s);
#: 1 checks all of them in ~45 s. Coprime with the length of POOL.
REFERENCE_STRIDE = 5


# --- corpus and validators ---------------------------------------------------------------


def _published() -> dict[str, dict[str, Any]]:
    return {
        p.name.removesuffix(".schema.json"): json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((VERSION_DIR / "schema").glob("*.schema.json"))
    }


@functools.cache
def _examples() -> tuple[tuple[str, str, dict[str, Any]], ...]:
    out = []
    for p in sorted((VERSION_DIR / "examples").glob("*.json")):
        doc = json.loads(p.read_text(encoding="utf-8"))
        doc.pop("$schema", None)  # the envelope: stripped by the caller
        out.append((p.name, KIND_OF_EXAMPLE[p.stem.split("_")[0]], doc))
    return tuple(out)


class Reference:
    """The published schemas under python jsonschema, with format checking."""

    def __init__(self) -> None:
        schemas = _published()
        registry: referencing.Registry[Any] = referencing.Registry().with_resources(
            (s["$id"], referencing.Resource.from_contents(s, default_specification=DRAFT202012))
            for s in schemas.values()
        )
        checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
        assert "date-time" in checker.checkers, "rfc3339-validator must be installed"
        self.validators = {
            kind: jsonschema.Draft202012Validator(s, registry=registry, format_checker=checker)
            for kind, s in schemas.items()
        }
        self.schemas = schemas

    def accepts(self, kind: str, doc: Any) -> bool:
        return bool(self.validators[kind].is_valid(doc))


@functools.cache
def _reference() -> Reference:
    return Reference()


@pytest.fixture(scope="module")
def reference() -> Reference:
    return _reference()


@pytest.fixture(scope="module")
def shipped() -> SchemaSet:
    schemas = load_registry().get("0.7.3")
    assert schemas is not None
    return schemas


@pytest.fixture(scope="module")
def published() -> SchemaSet:
    schemas = load_registry(SSOT).get("0.7.3")
    assert schemas is not None
    return schemas


# --- variants ----------------------------------------------------------------------------

Path_ = tuple[str | int, ...]


def _nodes(doc: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    yield path, doc
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from _nodes(value, (*path, index))


def _set(doc: Any, path: Path_, value: Any) -> Any:
    # Copies only the containers along the path: variants share the rest with
    # the example, which nothing mutates.
    if not path:
        return value
    head, rest = path[0], path[1:]
    out: Any = list(doc) if isinstance(doc, list) else dict(doc)
    out[head] = _set(doc[head], rest, value) if rest else value
    return out


def _drop(doc: Any, path: Path_) -> Any:
    head, rest = path[0], path[1:]
    out: Any = list(doc) if isinstance(doc, list) else dict(doc)
    if rest:
        out[head] = _drop(doc[head], rest)
    else:
        del out[head]
    return out


def _property_names(schemas: dict[str, dict[str, Any]]) -> list[str]:
    names: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                names.update(node["properties"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schemas)
    return sorted(names)


Op = tuple[str, Path_, Any]  # ("drop" | "set", path, value)


def mutations(doc: Any, names: list[str]) -> Iterator[Op]:
    """Yield every systematic mutation of ``doc`` as an operation."""
    for path, node in _nodes(doc):
        if isinstance(node, dict):
            for key in node:
                yield "drop", (*path, key), None
            yield "set", (*path, UNKNOWN_KEY), 1
            if len(path) <= 2:
                # Optional properties near the top, where nullability differs
                # (asset control: null is valid, rule_bundle: null is not).
                for name in names:
                    if name not in node:
                        yield "set", (*path, name), None
                        yield "set", (*path, name), {}
                for name in ("created_at", "updated_at"):
                    for value in GOOD_TIMES + BAD_TIMES:
                        yield "set", (*path, name), value
        if path:
            for value in POOL:
                if value != node or type(value) is not type(node):
                    yield "set", path, value


def apply(doc: Any, op: Op) -> Any:
    """Return a mutated copy of ``doc``."""
    action, path, value = op
    return _drop(doc, path) if action == "drop" else _set(doc, path, value)


def prune(doc: Any, path: Path_) -> tuple[Any, Path_]:
    """Keep what decides the verdict of a mutation at ``path`` (see the module doc).

    Returns:
        The pruned document and the path of the mutated node in it.
    """
    if len(path) < 2 or not isinstance(doc, dict) or path[0] not in doc:
        return doc, path
    head = str(path[0])
    node, inner = _prune_lists(doc[head], path[1:])
    out = {k: doc[k] for k in ("name",) if k in doc and k != head}
    out[head] = node
    return out, (head, *inner)


def _prune_lists(node: Any, path: Path_) -> tuple[Any, Path_]:
    if not path:
        return node, ()
    token, rest = path[0], path[1:]
    if isinstance(node, list) and isinstance(token, int) and token < len(node):
        item, inner = _prune_lists(node[token], rest)
        return [item], (0, *inner)
    if isinstance(node, dict) and token in node:
        item, inner = _prune_lists(node[token], rest)
        return {**node, token: item}, (token, *inner)
    return node, path


def _all_variants() -> Iterator[tuple[str, str, Any]]:
    names = _property_names(_published())
    for example, kind, doc in _examples():
        for op in mutations(doc, names):
            if kind == "synesthetic-asset":
                pruned, path = prune(doc, op[1])
                variant = apply(pruned, (op[0], path, op[2]))
            else:
                variant = apply(doc, op)
            yield f"{example}:{'/'.join(map(str, op[1]))}", kind, variant


# --- tests -------------------------------------------------------------------------------


def test_the_reference_enforces_date_time(reference: Reference) -> None:
    schema = {"type": "string", "format": "date-time"}
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    check = jsonschema.Draft202012Validator(schema, format_checker=checker)
    assert check.is_valid(GOOD_TIMES[0])
    assert not any(check.is_valid(t) for t in BAD_TIMES)


@pytest.mark.parametrize("example", [e[0] for e in _examples()] if VERSION_DIR.is_dir() else [])
def test_published_examples_are_valid_everywhere(
    example: str, reference: Reference, shipped: SchemaSet, published: SchemaSet
) -> None:
    _, kind, doc = next(e for e in _examples() if e[0] == example)
    assert reference.accepts(kind, doc)
    assert shipped.validate(kind, doc) == []
    assert published.validate(kind, doc) == []


def test_the_envelope_quirk(reference: Reference, shipped: SchemaSet, published: SchemaSet) -> None:
    """The published examples carry $schema, which the published asset schema forbids."""
    raw = json.loads((VERSION_DIR / "examples" / "SynestheticAsset_Example1.json").read_text())
    assert "$schema" in raw
    assert not reference.accepts("synesthetic-asset", raw)
    for schemas in (shipped, published):
        codes = {(f.code, f.pointer) for f in schemas.validate("synesthetic-asset", raw)}
        assert codes == {("SYN-SCHEMA-002", "/$schema")}


def test_mutated_variants_agree_with_the_reference(
    reference: Reference, shipped: SchemaSet, published: SchemaSet
) -> None:
    disagreements = []
    counts = {"variants": 0, "rejected": 0, "referenced": 0}
    for index, (label, kind, doc) in enumerate(_all_variants()):
        ours = shipped.validate(kind, doc)
        theirs = published.validate(kind, doc)
        counts["variants"] += 1
        counts["rejected"] += bool(theirs)
        if (not ours) != (not theirs):
            disagreements.append(("shipped vs published", label, [f.message for f in ours][:2]))
        if index % REFERENCE_STRIDE == 0:
            counts["referenced"] += 1
            if reference.accepts(kind, doc) != (not ours):
                disagreements.append(("shipped vs reference", label, [f.message for f in ours][:2]))
    print(
        f"\nconformance: {counts['variants']} variants checked against the published schemas, "
        f"{counts['rejected']} rejected; {counts['referenced']} also against python jsonschema"
    )
    assert counts["variants"] > 40_000
    # Both verdicts are well represented: the mutations are not all fatal.
    assert 0.2 < counts["rejected"] / counts["variants"] < 0.8
    assert disagreements == [], disagreements[:10]


def test_every_invalid_variant_gets_schema_findings_only(
    reference: Reference, shipped: SchemaSet
) -> None:
    for _, kind, doc in list(_all_variants())[::25]:
        for f in shipped.validate(kind, doc):
            assert f.code.startswith("SYN-SCHEMA-") and f.code != "SYN-SCHEMA-000", f
            assert f.pointer == "" or f.pointer.startswith("/")


@st.composite
def compound_variants(draw: st.DrawFn) -> tuple[str, Any]:
    """An example with one to three random mutations applied one after the other."""
    _, kind, doc = draw(st.sampled_from(_examples()))
    for _ in range(draw(st.integers(1, 3))):
        nodes = list(_nodes(doc))
        path, node = draw(st.sampled_from(nodes))
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "drop" and path:
            doc = _drop(doc, path)
        elif action == "add" and isinstance(node, dict):
            key = draw(st.sampled_from([UNKNOWN_KEY, "meta_info", "created_at", "control"]))
            doc = _set(doc, (*path, key), draw(st.sampled_from(POOL + BAD_TIMES[:2])))
        elif path:
            doc = _set(doc, path, draw(st.sampled_from(POOL + GOOD_TIMES[:1])))
    return kind, doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=compound_variants())
def test_compound_mutations_agree_with_the_reference(case: tuple[str, Any]) -> None:
    kind, doc = case
    schemas = load_registry().get("0.7.3")
    assert schemas is not None
    assert (schemas.validate(kind, doc) == []) == _reference().accepts(kind, doc)


def test_shipped_and_published_schemas_are_equivalent_by_canonical_form() -> None:
    """jsonschema_rs proves containment where it can; it must never disprove it."""
    published = _published()
    shipped = {k: dict(load_registry().get("0.7.3").schema(k)) for k in published}  # type: ignore[union-attr]
    reg_pub = jsonschema_rs.Registry([(s["$id"], s) for s in published.values()])
    reg_own = jsonschema_rs.Registry([(s["$id"], s) for s in shipped.values()])
    proven = 0
    for kind in sorted(published):
        theirs = jsonschema_rs.canonicalize(
            published[kind], registry=reg_pub, validate_formats=True
        )
        ours = jsonschema_rs.canonicalize(shipped[kind], registry=reg_own, validate_formats=True)
        both = (theirs.covers(ours), ours.covers(theirs))
        assert jsonschema_rs.canonical.Containment.NO not in both, kind
        proven += both == (jsonschema_rs.canonical.Containment.YES,) * 2
    # Proven both ways today: every kind but haptic and the asset, whose
    # additionalProperties-with-$ref the canonical form cannot compare.
    assert proven >= 7


def test_date_time_edge_cases_agree_between_shipped_and_published(
    shipped: SchemaSet, published: SchemaSet
) -> None:
    """Leap seconds and year 0000 are RFC 3339; python's checker refuses them, the rust one not."""
    for value in ("2025-06-30T23:59:60Z", "0000-01-01T00:00:00Z", *GOOD_TIMES, *BAD_TIMES):
        doc = {"name": "t", "created_at": value}
        assert shipped.validate("synesthetic-asset", doc) == published.validate(
            "synesthetic-asset", doc
        )
