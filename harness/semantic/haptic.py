"""Haptic device limits (SYN-HAPTIC-001).

A device option ``max<Name>`` (``maxFrequency``, ``maxIntensity``, ...) limits
the input parameter whose ``parameter`` ends in ``<name>``: case-insensitive,
the whole last segment or its last ``_`` word, with ``freq`` for
``frequency`` and ``amplitude`` or ``strength`` for ``intensity``. A parameter
whose ``max`` (or default) exceeds the limit asks for what the device cannot do.
"""

from __future__ import annotations

from synharness.codes import finding
from synharness.findings import Finding, escape_pointer_token
from synharness.semantic.scope import Scope, number

_ALIASES = {"freq": "frequency", "amplitude": "intensity", "strength": "intensity"}


def device_limits(options: dict[str, object]) -> dict[str, tuple[str, float]]:
    """Limited name (lower case) -> (option key, limit)."""
    limits: dict[str, tuple[str, float]] = {}
    for key, option in options.items():
        value = number(getattr(option, "value", None))
        if key.startswith("max") and len(key) > 3 and value is not None:
            limits[key[3:].lower()] = (key, value)
    return limits


def check_haptic(scope: Scope) -> list[Finding]:
    """SYN-HAPTIC-001 for the scope's haptic."""
    haptic = scope.haptic
    if haptic is None:
        return []
    limits = device_limits(dict(haptic.device.options))
    found: list[Finding] = []
    if not limits:
        return []
    for i, p in enumerate(haptic.input_parameters):
        # Fields from the instance dict: pydantic models define __getattr__,
        # which keeps attribute loads unspecialised.
        fields = p.__dict__
        # `parameter` names the quantity; `path` is only where it is reached
        # (and the corpus duplicates paths, see SYN-DUP-005).
        name = fields["parameter"].rsplit(".", 1)[-1].lower()
        word = name.rsplit("_", 1)[-1]  # vib_freq -> freq
        for n in (name, _ALIASES.get(name, name), word, _ALIASES.get(word, word)):
            if n in limits:
                key, limit = limits[n]
                break
        else:
            continue
        pointer = f"{scope.haptic_ptr}/input_parameters/{i}"
        for field in ("max", "default"):
            value = number(fields[field])
            if value is not None and value > limit:
                found.append(
                    finding(
                        "SYN-HAPTIC-001",
                        f"{pointer}/{field}",
                        f"Haptic parameter {p.parameter!r}: {field} {value:g} exceeds the device's "
                        f"{key} {limit:g}",
                        hint=f"Lower {field} to at most {limit:g}, or raise "
                        f"{scope.haptic_ptr}/device/options/{escape_pointer_token(key)} if the device allows it.",
                    )
                )
                break
    return found
