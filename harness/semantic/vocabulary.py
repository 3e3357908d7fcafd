"""The names the runtime knows: rule triggers and ops, instruments.

Documented in ``docs/findings.md`` (SYN-REF-002, SYN-RULE-001, SYN-RULE-003);
keep the two in step.
"""

from __future__ import annotations

from typing import Any

#: Trigger type -> the params it needs. ``grid_cell`` is the corpus's trigger (a
#: cell of a virtual grid is pressed). ``threshold`` fires when a declared
#: parameter crosses a value; it is the trigger that reads a parameter, which
#: is what makes a rule able to feed its own trigger (SYN-RULE-004).
TRIGGER_TYPES: tuple[str, ...] = ("grid_cell", "threshold")

#: Ops that write a parameter: the effect's target is a parameter reference.
#: ``set`` and ``add`` are the corpus's, and so is ``add_pulse`` (the published
#: Rule-Bundle example nudges ``shader.u_r`` with it: a jump that relaxes back);
#: ``multiply`` (alias ``scale``) scales the current value, the rule
#: counterpart of a multiplicative modulation; ``toggle`` flips a bool
#: parameter between its min and max. The simulation (``synharness.agents.rules``) applies
#: exactly these, so validator and simulation never disagree on an op.
PARAMETER_OPS: frozenset[str] = frozenset(
    {"set", "add", "add_pulse", "multiply", "scale", "toggle"}
)
#: Ops that play the tone's synth: Tone.js instrument methods, and ``start`` /
#: ``stop`` of Tone.js sources.
SOUND_OPS: frozenset[str] = frozenset(
    {"triggerAttackRelease", "triggerAttack", "triggerRelease", "start", "stop"}
)
#: Ops that drive the haptic device.
HAPTIC_OPS: frozenset[str] = frozenset({"pulse", "vibrate"})
KNOWN_OPS: tuple[str, ...] = tuple(sorted(PARAMETER_OPS | SOUND_OPS | HAPTIC_OPS))

#: Instrument names an event op may target, by component.
INSTRUMENTS: dict[str, tuple[str, ...]] = {
    "tone": ("tone", "tone.synth"),
    "haptic": ("haptic", "haptic.device"),
}


def op_component(op: str) -> str | None:
    """The component an event op plays (``tone`` or ``haptic``); None for other ops."""
    if op in SOUND_OPS:
        return "tone"
    if op in HAPTIC_OPS:
        return "haptic"
    return None


def instrument_of(target: str, component: str) -> tuple[bool, bool]:
    """Whether ``target`` names the ``component``'s instrument, and whether only by legacy name.

    Any ``audio.<name>`` denotes the tone's synth (the corpus writes
    ``audio.poly.trigger`` for a PolySynth); it resolves, with SYN-REF-003.
    """
    if target in INSTRUMENTS[component]:
        return True, False
    if component == "tone" and target.startswith("audio.") and len(target) > len("audio."):
        return True, True
    return False, False


def effect_source(effect: dict[str, Any]) -> str | None:
    """The parameter an effect's value reads (``{"value": {"source": ...}}``), if any."""
    value = effect.get("value")
    if isinstance(value, dict):
        source = value.get("source")
        if isinstance(source, str) and source:
            return source
    return None


def trigger_source(trigger: dict[str, Any] | None) -> str | None:
    """The parameter a trigger reads (``threshold``'s ``params.source``), if any."""
    if not trigger:
        return None
    params = trigger.get("params")
    if isinstance(params, dict):
        source = params.get("source")
        if isinstance(source, str) and source:
            return source
    return None
