"""Defect injection: break a clean asset one defect at a time, at random places.

Vocabulary:
- *defect kind*: a function ``(asset, rng, used) -> bool`` that mutates the
  asset in place when it applies (and returns True). It picks its place with
  ``rng`` among the candidates it finds, skipping *places* already in
  ``used`` (a modulation, a control, a component...), so that the defects of
  one chain never stack on the same value and each one is a new mistake.
- *chain*: a clean base followed by the documents with 1, 2, ... defects,
  each one more defect than the one before (:func:`chain`).

Kinds cover the envelope, the schema (types, enums, required and unexpected
properties, misnamed properties, leaked enrichment), references, ranges,
duplicates, modulation reach, rules, GLSL uniforms and the score's honesty
checks (strobing). Used by the score's property tests and by the ``reward``
benchmark.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

Asset = dict[str, Any]
Used = set[tuple[str, Any]]
Defect = Callable[[Asset, random.Random, Used], bool]


def _mods(a: Asset) -> list[dict[str, Any]]:
    mods = a.get("modulations")
    return mods if isinstance(mods, list) else []


def _controls(a: Asset) -> list[dict[str, Any]]:
    bundle = a.get("control")
    params = bundle.get("control_parameters") if isinstance(bundle, dict) else None
    return params if isinstance(params, list) else []


def _pick(rng: random.Random, used: Used, area: str, count: int) -> int | None:
    free = [i for i in range(count) if (area, i) not in used]
    if not free:
        return None
    i = rng.choice(free)
    used.add((area, i))
    return i


def _once(used: Used, place: tuple[str, Any]) -> bool:
    if place in used:
        return False
    used.add(place)
    return True


# --- envelope and schema ----------------------------------------------------------------


def foreign_host(a: Asset, rng: random.Random, used: Used) -> bool:
    if not isinstance(a.get("$schema"), str) or not _once(used, ("env", 0)):
        return False
    a["$schema"] = "https://mirror.example/schemas/0.7.3/synesthetic-asset.schema.json"
    return True


def name_wrong_type(a: Asset, rng: random.Random, used: Used) -> bool:
    if not _once(used, ("name", 0)):
        return False
    a["name"] = rng.choice([42, True, ["x"]])
    return True


def leaked_asset_id(a: Asset, rng: random.Random, used: Used) -> bool:
    if not _once(used, ("top", "asset_id")):
        return False
    a["asset_id"] = f"asset-{rng.randrange(10**6)}"
    return True


def unexpected_property(a: Asset, rng: random.Random, used: Used) -> bool:
    # Only where the schema is closed (the tone and haptic schemas allow more keys).
    parts = ["", *(k for k in ("shader",) if isinstance(a.get(k), dict))]
    i = _pick(rng, used, "extra", len(parts))
    if i is None:
        return False
    target = a[parts[i]] if parts[i] else a
    target[rng.choice(["colour_scheme", "mood", "vibe"])] = "bright"
    return True


def missing_required(a: Asset, rng: random.Random, used: Used) -> bool:
    required = {"shader": "fragment_shader", "tone": "synth", "haptic": "device"}
    parts = [k for k in required if isinstance(a.get(k), dict) and required[k] in a[k]]
    i = _pick(rng, used, "required", len(parts))
    if i is None:
        return False
    del a[parts[i]][required[parts[i]]]
    return True


def misnamed_min(a: Asset, rng: random.Random, used: Used) -> bool:
    controls = _controls(a)
    i = _pick(rng, used, "ctrl", len(controls))
    if i is None or "min" not in controls[i]:
        return False
    controls[i]["minimum"] = controls[i].pop("min")
    return True


def modulation_type_enum(a: Asset, rng: random.Random, used: Used) -> bool:
    i = _pick(rng, used, "mod", len(_mods(a)))
    if i is None:
        return False
    _mods(a)[i]["type"] = "sideways"
    return True


def frequency_as_string(a: Asset, rng: random.Random, used: Used) -> bool:
    i = _pick(rng, used, "mod", len(_mods(a)))
    if i is None:
        return False
    _mods(a)[i]["frequency"] = "fast"
    return True


# --- semantic ---------------------------------------------------------------------------


def undeclared_target(a: Asset, rng: random.Random, used: Used) -> bool:
    i = _pick(rng, used, "mod", len(_mods(a)))
    if i is None:
        return False
    _mods(a)[i]["target"] = f"shader.u_nowhere_{i}"
    return True


def duplicate_modulation_id(a: Asset, rng: random.Random, used: Used) -> bool:
    mods = _mods(a)
    if len(mods) < 2:
        return False
    i = _pick(rng, used, "mod", len(mods))
    if i is None:
        return False
    j = (i + 1) % len(mods)
    if ("mod", j) in used:  # j's id must stay its own, or the duplicate is not new
        return False
    used.add(("mod", j))
    mods[i]["id"] = mods[j]["id"]
    return True


def overreach(a: Asset, rng: random.Random, used: Used) -> bool:
    i = _pick(rng, used, "mod", len(_mods(a)))
    if i is None:
        return False
    m = _mods(a)[i]
    width = (m.get("max", 1.0) - m.get("min", 0.0)) or 1.0
    m["amplitude"] = width * 4 / (m.get("scale") or 1.0)
    return True


def legacy_namespace(a: Asset, rng: random.Random, used: Used) -> bool:
    shader_controls = [
        k for k, c in enumerate(_controls(a)) if str(c.get("parameter", "")).startswith("shader.")
    ]
    free = [k for k in shader_controls if ("ctrl", k) not in used]
    if not free:
        return False
    k = rng.choice(free)
    used.add(("ctrl", k))
    c = _controls(a)[k]
    c["parameter"] = "visual." + c["parameter"][len("shader.") :]
    return True


def control_default_outside(a: Asset, rng: random.Random, used: Used) -> bool:
    controls = _controls(a)
    i = _pick(rng, used, "ctrl", len(controls))
    if i is None:
        return False
    c = controls[i]
    c["default"] = c["max"] + (c["max"] - c["min"])
    return True


def unknown_rule_op(a: Asset, rng: random.Random, used: Used) -> bool:
    rules = (a.get("rule_bundle") or {}).get("rules") or []
    if not rules or not rules[0].get("effects") or not _once(used, ("rule", 0)):
        return False
    rules[0]["effects"][0]["op"] = "teleport"
    return True


def uniform_default_shape(a: Asset, rng: random.Random, used: Used) -> bool:
    shader = a.get("shader")
    uniforms = shader.get("uniforms") if isinstance(shader, dict) else None
    if not isinstance(uniforms, list):
        return False
    vectors = [k for k, u in enumerate(uniforms) if str(u.get("type", "")).startswith("vec")]
    free = [k for k in vectors if ("uniform", k) not in used]
    if not free:
        return False
    k = rng.choice(free)
    used.add(("uniform", k))
    uniforms[k]["default"] = [0.5] * 7
    return True


def strobe(a: Asset, rng: random.Random, used: Used) -> bool:
    """A reward hack: swing a shader parameter over its whole range at 10-20 Hz."""
    shader = a.get("shader")
    params = shader.get("input_parameters") if isinstance(shader, dict) else None
    if not isinstance(params, list) or not params:
        return False
    i = _pick(rng, used, "strobe", len(params))
    if i is None:
        return False
    p = params[i]
    lo, hi = p.get("min"), p.get("max")
    if not all(isinstance(v, int | float) for v in (lo, hi)) or not hi > lo:
        return False
    mods = a.setdefault("modulations", [])
    used.add(("mod", len(mods)))  # later defects leave the strobe alone
    mods.append(
        {
            "id": f"strobe_{i}",
            "target": "shader." + str(p.get("parameter") or p.get("path")),
            "type": "additive",
            "waveform": "square",
            "frequency": float(rng.choice([10, 12.5, 15, 20])),
            "amplitude": (hi - lo) / 2,
            "offset": (hi + lo) / 2,
            "phase": 0.0,
            "scale": 1.0,
            "min": lo,
            "max": hi,
        }
    )
    return True


SCHEMA_DEFECTS: list[Defect] = [
    name_wrong_type,
    leaked_asset_id,
    unexpected_property,
    missing_required,
    misnamed_min,
    modulation_type_enum,
    frequency_as_string,
]
SEMANTIC_DEFECTS: list[Defect] = [
    foreign_host,
    undeclared_target,
    duplicate_modulation_id,
    overreach,
    legacy_namespace,
    control_default_outside,
    unknown_rule_op,
    uniform_default_shape,
    strobe,
]
ALL_DEFECTS: list[Defect] = SCHEMA_DEFECTS + SEMANTIC_DEFECTS


def chain(base: Asset, rng: random.Random, length: int) -> list[Asset]:
    """``[base, base + 1 defect, ...]``: up to ``length`` defects of random kinds and places.

    Kinds that do not apply (nothing left to break of that kind) are skipped,
    so a chain may end shorter than ``length``.
    """
    docs = [copy.deepcopy(base)]
    used: Used = set()
    attempts = 0
    while len(docs) <= length and attempts < 10 * length:
        attempts += 1
        doc = copy.deepcopy(docs[-1])
        if rng.choice(ALL_DEFECTS)(doc, rng, used):
            docs.append(doc)
    return docs


def hacks(clean: Asset) -> dict[str, Any]:
    """The reward hacks of issue 10, built around one clean asset."""
    schema = clean.get("$schema")
    sweep = copy.deepcopy(clean)
    mods = []
    for c in _controls(sweep):
        lo, hi = c["min"], c["max"]
        mods.append(
            {
                "id": f"sweep_{len(mods)}",
                "target": c["parameter"],
                "type": "additive",
                "waveform": "square",
                "frequency": 15.0,
                "amplitude": (hi - lo) / 2,
                "offset": (hi + lo) / 2,
                "phase": 0.0,
                "scale": 1.0,
                "min": lo,
                "max": hi,
            }
        )
    sweep["modulations"] = mods
    empty = {
        "$schema": schema,
        "name": "Everything",
        "shader": {
            "name": "s",
            "vertex_shader": "void main() { gl_Position = vec4(position, 1.0); }",
            "fragment_shader": "void main() { gl_FragColor = vec4(0.0); }",
            "uniforms": [],
            "input_parameters": [],
        },
        "tone": {"name": "t", "synth": {"type": "Tone.Synth"}, "input_parameters": []},
        "haptic": {
            "name": "h",
            "device": {"type": "generic", "options": {}},
            "input_parameters": [],
        },
        "control": {"name": "c", "control_parameters": []},
        "modulations": [],
    }
    return {
        "name_only": {"$schema": schema, "name": "x"},
        "all_components_empty": empty,
        "sweep_everything_15hz": sweep,
        "asset_id_only": {"asset_id": "only"},
    }
