"""ConfigAgent: compiles a validated asset into the tables the other agents run on.

Vocabulary:
- *parameter table*: one row per numeric declared parameter (canonical path,
  component, default, range, step, smoothing time, what drives it);
- *control mapping*: one gesture of one control, resolved to a table row;
- *compiled rule*: a rule's trigger and effects, with parameter effects
  resolved to table rows;
- *modulation bank*: the asset's modulations as arrays (:mod:`synharness.agents.engine`).

Targets resolve through :func:`synharness.params.resolve` (exact, legacy
``visual.``/``audio.``, bare names). What resolves to nothing, or to a
parameter that is not a number, is left out of the simulation: the validator
reports it (``SYN-REF-*``), the simulation does not guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from synharness.agents.engine import ModulationBank, ParameterRows, profile_code, waveform_code
from synharness.agents.waveforms import cycle_offset
from synharness.findings import Finding
from synharness.models import SynestheticAsset
from synharness.params import DeclaredParameter, asset_parameters, resolve
from synharness.semantic.vocabulary import HAPTIC_OPS, PARAMETER_OPS, SOUND_OPS

#: Key names that mean the same key (the corpus writes both Ctrl and Control).
KEY_ALIASES: dict[str, str] = {"control": "ctrl", "cmd": "meta", "command": "meta", "option": "alt"}


def normalise_key(name: str) -> str:
    """Case-insensitive key name with aliases folded (``Control`` -> ``ctrl``)."""
    low = name.strip().lower()
    return KEY_ALIASES.get(low, low)


@dataclass(frozen=True)
class ParameterTable:
    """Every simulated parameter, one row each (canonical path order of declaration)."""

    paths: tuple[str, ...]
    index: dict[str, int]
    component: tuple[str, ...]
    #: JSON pointer of each declaration.
    pointers: tuple[str, ...]
    default: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    #: Quantisation step (0 when none).
    step: np.ndarray
    #: One-pole smoothing time constant in seconds (0: none).
    smoothing: np.ndarray
    #: Per row: what drives it (``control``, ``modulation``, ``rule``).
    drivers: tuple[frozenset[str], ...]

    def __len__(self) -> int:
        return len(self.paths)

    def rows(self) -> ParameterRows:
        """The engine's view of the table."""
        return ParameterRows(self.default, self.lo, self.hi)

    @property
    def driven(self) -> tuple[str, ...]:
        """Paths that anything drives, in table order."""
        return tuple(p for p, d in zip(self.paths, self.drivers, strict=True) if d)


class ControlMapping(NamedTuple):
    """One gesture of one control, resolved to a parameter row."""

    row: int
    pointer: str
    axis: str
    #: Parameter units per pixel (or per wheel notch): sensitivity · scale.
    gain: float
    curve: str
    keys: frozenset[str]
    buttons: frozenset[str]
    strict: bool
    lo: float
    hi: float
    step: float


class CompiledEffect(NamedTuple):
    """One rule effect."""

    op: str
    pointer: str
    target: str
    channel: str | None
    #: Table row for parameter ops, None for sound and haptic ops.
    row: int | None
    value: Any


class CompiledRule(NamedTuple):
    """One rule: its trigger and effects."""

    id: str
    pointer: str
    trigger: str
    grid_size: int
    #: Seconds.
    cooldown: float
    effects: tuple[CompiledEffect, ...]


@dataclass(frozen=True)
class CompiledAsset:
    """Everything the agents need to simulate one asset."""

    name: str
    table: ParameterTable
    controls: tuple[ControlMapping, ...]
    modulations: ModulationBank
    #: JSON pointer of each modulation row.
    modulation_pointers: tuple[str, ...]
    rules: tuple[CompiledRule, ...]
    findings: tuple[Finding, ...] = field(default=())


#: Ops that become timed entries of the event log (sound and haptic). The op
#: vocabulary is the validator's, so both sides agree on what is unknown.
EVENT_OPS = SOUND_OPS | HAPTIC_OPS


class ConfigAgent:
    """Compiles assets; holds nothing between calls."""

    def compile(self, asset: SynestheticAsset) -> CompiledAsset:
        """Compile a validated asset.

        Args:
            asset: The asset model (as :mod:`synharness.pipeline` validated it).

        Returns:
            The parameter table, controls, modulation bank and rules.
        """
        return compile_asset(asset)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def compile_asset(asset: SynestheticAsset) -> CompiledAsset:
    """Compile ``asset`` (see :class:`ConfigAgent`)."""
    declared = asset_parameters(asset)
    numeric: dict[str, DeclaredParameter] = {p: d for p, d in declared.items() if d.is_numeric}
    index = {p: i for i, p in enumerate(numeric)}
    n = len(numeric)
    # One pass over the declarations, one array call: this runs for every scored asset.
    columns = np.array(
        [
            (
                float(d.default),
                -math.inf if d.min is None else d.min,
                math.inf if d.max is None else d.max,
                d.step or 0.0,
                d.smoothing_time or 0.0,
            )
            for d in numeric.values()
        ],
        dtype=np.float64,
    ).reshape(n, 5)
    default, lo, hi = columns[:, 0].copy(), columns[:, 1].copy(), columns[:, 2].copy()
    step, smoothing = columns[:, 3].copy(), columns[:, 4].copy()
    drivers: list[set[str]] = [set() for _ in range(n)]
    smoothing_set = [False] * n

    controls: list[ControlMapping] = []
    for i, cp in enumerate(asset.control.control_parameters if asset.control else []):
        path = resolve(cp.parameter, numeric).path
        if path is None:
            continue
        row = index[path]
        drivers[row].add("control")
        if not smoothing_set[row]:
            # The first control's smoothing time is the parameter's: the runtime
            # smooths what controls write.
            smoothing[row] = cp.smoothingTime
            smoothing_set[row] = True
        c_lo = cp.min if cp.min is not None else lo[row]
        c_hi = cp.max if cp.max is not None else hi[row]
        c_step = cp.step if cp.step is not None else step[row]
        for j, mapping in enumerate(cp.mappings):
            action, combo = mapping.action, mapping.combo
            controls.append(
                ControlMapping(
                    row=row,
                    pointer=f"/control/control_parameters/{i}/mappings/{j}",
                    axis=action.axis,
                    gain=action.sensitivity * action.scale,
                    curve=action.curve or "linear",
                    keys=frozenset(normalise_key(k) for k in combo.keys or ()),
                    buttons=frozenset(b.strip().lower() for b in combo.mouseButtons or ()),
                    strict=combo.strict,
                    lo=float(c_lo),
                    hi=float(c_hi),
                    step=float(c_step or 0.0),
                )
            )

    mod_rows: list[tuple[Any, ...]] = []
    mod_pointers: list[str] = []
    for pointer, m in asset.all_modulations():
        path = resolve(m.target, numeric).path
        if path is None:
            continue
        row = index[path]
        drivers[row].add("modulation")
        mod_pointers.append(pointer)
        mod_rows.append(
            (
                waveform_code(m.waveform),
                profile_code(m.scaleProfile),
                m.frequency,
                cycle_offset(m.waveform, m.phase),
                m.amplitude * m.scale,
                m.offset,
                m.type == "multiplicative",
                -math.inf if m.min is None else m.min,
                math.inf if m.max is None else m.max,
                row,
            )
        )
    bank = _bank(mod_rows)

    rules: list[CompiledRule] = []
    for i, rule in enumerate(asset.rule_bundle.rules if asset.rule_bundle else []):
        pointer = f"/rule_bundle/rules/{i}"
        trigger = rule.trigger or {}
        raw_params = trigger.get("params")
        params: dict[str, Any] = raw_params if isinstance(raw_params, dict) else {}
        effects: list[CompiledEffect] = []
        for j, effect in enumerate(rule.effects or []):
            op, target = effect.get("op"), effect.get("target")
            if not isinstance(op, str) or not isinstance(target, str):
                continue
            effect_row: int | None = None
            if op in PARAMETER_OPS:
                path = resolve(target, numeric).path
                if path is None:
                    continue
                effect_row = index[path]
                drivers[effect_row].add("rule")
            channel = effect.get("channel")
            effects.append(
                CompiledEffect(
                    op=op,
                    pointer=f"{pointer}/effects/{j}",
                    target=target,
                    channel=channel if isinstance(channel, str) else None,
                    row=effect_row,
                    value=effect.get("value"),
                )
            )
        grid = _number(params.get("gridSize"))
        cooldown = _number(params.get("cooldown"))
        rules.append(
            CompiledRule(
                id=rule.id,
                pointer=pointer,
                trigger=str(trigger.get("type", "")),
                grid_size=int(grid) if grid and grid > 0 else 0,
                cooldown=(cooldown or 0.0) / 1000.0,
                effects=tuple(effects),
            )
        )

    paths = tuple(numeric)
    table = ParameterTable(
        paths=paths,
        index=index,
        component=tuple(d.component for d in numeric.values()),
        pointers=tuple(d.pointer for d in numeric.values()),
        default=default,
        lo=lo,
        hi=hi,
        step=step,
        smoothing=smoothing,
        drivers=tuple(frozenset(d) for d in drivers),
    )
    return CompiledAsset(
        name=asset.name,
        table=table,
        controls=tuple(controls),
        modulations=bank,
        modulation_pointers=tuple(mod_pointers),
        rules=tuple(rules),
    )


_BANK_DTYPES = (
    np.int8,
    np.int8,
    np.float64,
    np.float64,
    np.float64,
    np.float64,
    bool,
    np.float64,
    np.float64,
    np.int64,
)


def _bank(rows: list[tuple[Any, ...]]) -> ModulationBank:
    table = np.array(rows, dtype=np.float64).reshape(len(rows), len(_BANK_DTYPES))
    arrays = [table[:, i].astype(dt) for i, dt in enumerate(_BANK_DTYPES)]
    return ModulationBank(*arrays)
