"""Property tests: the semantic checks never raise and always point into the document.

A clean asset gets one leaf replaced by an arbitrary JSON value; whatever
still fits the models must be checkable, and every finding's pointer must
name a value of the document.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from synharness.models import MODEL_BY_KIND
from synharness.semantic import check_document

from tests.conftest import pointer_resolves
from tests.factories import make_asset

BASE = {k: v for k, v in make_asset().items() if k != "$schema"}


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaves(v, (*path, k))] + [path]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _leaves(v, (*path, i))] + [path]
    return [path]


LEAVES = [p for p in _leaves(BASE) if p]
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(-1e6, 1e6, allow_nan=False)
    | st.sampled_from(
        ["", "u_radius", "shader.u_hue", "audio.x", "visual.u_speed", "#fff", "Tone.Synth", "8n"]
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["value", "unit", "source", "op", "target"]), inner, max_size=3
        )
    ),
    max_leaves=6,
)


@given(st.lists(st.tuples(st.sampled_from(LEAVES), VALUES), min_size=1, max_size=3))
def test_mutated_assets_are_checked_without_errors(
    changes: list[tuple[tuple[Any, ...], Any]],
) -> None:
    doc = copy.deepcopy(BASE)
    for path, value in changes:
        node = doc
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the path
    for kind, data in [
        ("synesthetic-asset", doc),
        *(
            (k, doc.get(c))
            for k, c in (
                ("shader", "shader"),
                ("tone", "tone"),
                ("haptic", "haptic"),
                ("control-bundle", "control"),
                ("rule-bundle", "rule_bundle"),
            )
        ),
    ]:
        try:
            model = MODEL_BY_KIND[kind].model_validate(data)
        except ValidationError:
            continue  # the schema stage reports it; semantics never sees it
        for f in check_document(kind, model):
            assert pointer_resolves(data, f.pointer), (kind, f.code, f.pointer)
            assert f.message


def test_free_form_rule_objects_of_any_shape() -> None:
    odd: list[Any] = [None, 3, [1], {"a": 1}, "", True]
    rules = [
        {
            "id": f"r{i}",
            "trigger": {"type": v, "params": v},
            "effects": [{"op": v, "target": v, "value": {"source": v}}],
        }
        for i, v in enumerate(odd)
    ]
    model = MODEL_BY_KIND["rule-bundle"].model_validate({"name": "odd", "rules": rules})
    codes = {f.code for f in check_document("rule-bundle", model)}
    assert codes == {"SYN-RULE-001", "SYN-RULE-005"}
    asset = copy.deepcopy(BASE)
    asset["rule_bundle"]["rules"] = rules
    model = MODEL_BY_KIND["synesthetic-asset"].model_validate(asset)
    assert {"SYN-RULE-001", "SYN-RULE-005"} <= {
        f.code for f in check_document("synesthetic-asset", model)
    }
