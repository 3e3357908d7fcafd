"""Rule triggers and effects (SYN-RULE-001, -002, -003, -005, -006).

Cycles (SYN-RULE-004) need the whole parameter graph: see
:mod:`synharness.semantic.graph`. The known trigger types and ops are in
:mod:`synharness.semantic.vocabulary`.
"""

from __future__ import annotations

from typing import Any

from synharness.codes import finding
from synharness.findings import Finding
from synharness.models import Rule
from synharness.semantic.scope import Scope
from synharness.semantic.spelling import closest
from synharness.semantic.vocabulary import KNOWN_OPS, TRIGGER_TYPES


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _trigger_problems(kind: str, params: Any) -> list[tuple[str, str]]:
    """(param key or "", problem) for the params a trigger of ``kind`` needs."""
    if not isinstance(params, dict):
        return [("", f"a {kind} trigger needs params")]
    problems: list[tuple[str, str]] = []
    if kind == "grid_cell":
        size, cooldown = params.get("gridSize"), params.get("cooldown")
        if not (_is_int(size) and size > 0):  # type: ignore[operator]
            problems.append(("gridSize", f"gridSize must be an integer > 0, not {size!r}"))
        if not (_is_number(cooldown) and cooldown >= 0):  # type: ignore[operator]
            problems.append(("cooldown", f"cooldown must be a number of ms >= 0, not {cooldown!r}"))
    elif kind == "threshold":
        source, value = params.get("source"), params.get("value")
        if not (isinstance(source, str) and source):
            problems.append(("source", f"source must name a parameter, not {source!r}"))
        if not _is_number(value):
            problems.append(("value", f"value must be a number, not {value!r}"))
    return problems


def _check_trigger(rule: Rule, pointer: str) -> list[Finding]:
    trigger = rule.trigger
    if trigger is None:
        return []
    kind = trigger.get("type")
    if kind not in TRIGGER_TYPES:
        close = closest(str(kind), TRIGGER_TYPES)
        return [
            finding(
                "SYN-RULE-001",
                f"{pointer}/trigger" + ("/type" if "type" in trigger else ""),
                f"Rule {rule.id!r}: "
                + (
                    "the trigger has no type"
                    if "type" not in trigger
                    else f"unknown trigger type {kind!r}"
                )
                + (f" (did you mean {close[0]!r}?)" if close else ""),
                hint="Use one of: " + ", ".join(TRIGGER_TYPES) + ".",
            )
        ]
    params = trigger.get("params")
    return [
        finding(
            "SYN-RULE-002",
            f"{pointer}/trigger/params"
            + (f"/{key}" if key and isinstance(params, dict) and key in params else ""),
            f"Rule {rule.id!r}: {problem}",
        )
        for key, problem in _trigger_problems(str(kind), params)
    ]


def _check_effect(rule: Rule, effect: dict[str, Any], pointer: str) -> list[Finding]:
    op, target = effect.get("op"), effect.get("target")
    missing = [k for k, v in (("op", op), ("target", target)) if not (isinstance(v, str) and v)]
    if missing:
        return [
            finding(
                "SYN-RULE-005",
                pointer,
                f"Rule {rule.id!r}: the effect has no " + " and no ".join(missing),
            )
        ]
    if op in KNOWN_OPS:
        return []
    close = closest(str(op), KNOWN_OPS, n=2, cutoff=0.5)
    return [
        finding(
            "SYN-RULE-003",
            f"{pointer}/op",
            f"Rule {rule.id!r}: unknown effect op {op!r}",
            hint=(f"Did you mean {' or '.join(repr(c) for c in close)}? " if close else "")
            + "Known ops: "
            + ", ".join(KNOWN_OPS)
            + ".",
        )
    ]


def _check_has_effects(rule: Rule, pointer: str) -> list[Finding]:
    # An expression rule (``expr``) acts through its expression, not its effects.
    if rule.effects or rule.expr is not None:
        return []
    if rule.effects is None:
        return [finding("SYN-RULE-006", pointer, f"Rule {rule.id!r} has no effects")]
    return [
        finding(
            "SYN-RULE-006",
            f"{pointer}/effects",
            f"Rule {rule.id!r} has an empty effects list: when it fires, nothing happens",
        )
    ]


def check_rules(scope: Scope) -> list[Finding]:
    """SYN-RULE-001, -002, -003, -005 and -006 for every rule of the scope."""
    found: list[Finding] = []
    for pointer, rule in scope.rules:
        found += _check_trigger(rule, pointer)
        found += _check_has_effects(rule, pointer)
        for j, effect in enumerate(rule.effects or []):
            found += _check_effect(rule, effect, f"{pointer}/effects/{j}")
    return found
