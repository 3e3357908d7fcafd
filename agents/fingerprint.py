"""Behaviour fingerprints: a fixed-length vector of what an asset *does*.

Vocabulary:
- *fingerprint*: :data:`DIMENSION` numbers in [0, 1] computed from simulation
  traces (built-in ``idle`` and ``sweep`` runs and the grid presses of
  ``random``, see :func:`~synharness.agents.builtin.grid_probe`) and from the
  structure of the parameter graph, then the *render block*
  (:mod:`synharness.agents.fingerprint_render`: what the shader shows and the
  tone sounds like under the same runs, all 0 with its flags 0 unless asked
  for with ``render=True``). Nothing in it reads a name, an id, a
  label, a key order or the formatting: parameters are described by their
  normalised behaviour and placed in *slots* sorted by that description, so a
  renamed, reordered or reformatted copy has the same fingerprint. Values are
  rounded to :data:`DECIMALS` places, so that floating-point noise from a
  different summation order cannot tell copies apart. Every dimension is
  documented in ``docs/fingerprint.md``.
- *distance*: cosine distance ``1 - a·b / (|a| |b|)`` between two fingerprints
  (0 for identical behaviour; fingerprints are non-negative, so at most 1).
- *slot*: the place of one parameter's :data:`PARAMETER_FEATURES` inside its
  component's block (:data:`SLOTS` per component); the most active
  parameters come first, and a component with fewer parameters leaves its
  last slots at zero, one with more keeps the first ones (its aggregates still
  count all).

The module is pure: it runs the engine and returns numbers, with no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import orjson
from synharness.agents.builtin import builtin_scenarios, grid_probe
from synharness.agents.config import CompiledAsset, compile_asset
from synharness.agents.fingerprint_render import RENDER_FEATURE_NAMES, RenderRun, render_block
from synharness.agents.orchestration import SimulationResult, simulate
from synharness.errors import HarnessError
from synharness.models import SynestheticAsset

#: Seconds, step and seed of every run: fixed, so fingerprints compare.
DURATION = 10.0
DT = 1.0 / 60.0
SEED = 0
#: Decimal places every value is rounded to.
DECIMALS = 6
#: Components, in block order, and how many parameters each block describes.
SLOTS: dict[str, int] = {"shader": 6, "tone": 4, "haptic": 3}
#: Edges of the idle spectrum's bands in Hz (the last band ends at Nyquist, 30 Hz).
BAND_EDGES_HZ: tuple[float, ...] = (0.05, 0.15, 0.3, 0.6, 1.2, 2.5, 5.0, 10.0, 30.01)
#: Lowest and highest frequency of the ``idle.peak_hz`` scale (log).
_PEAK_LOW, _PEAK_HIGH = 0.05, 30.0

#: What one slot holds, in order (docs/fingerprint.md explains each).
PARAMETER_FEATURES: tuple[str, ...] = (
    "idle.mean",
    "idle.std",
    "idle.ptp",
    "idle.clipped",
    *(f"idle.band{i}" for i in range(len(BAND_EDGES_HZ) - 1)),
    "idle.peak_hz",
    "sweep.low",
    "sweep.high",
    "sweep.coverage",
    "grid.ptp",
    "grid.coverage",
    "decl.default",
    "decl.step",
    "decl.smoothing",
    "drive.control",
    "drive.modulation",
    "drive.rule",
)
#: Per component, after its slots.
COMPONENT_FEATURES: tuple[str, ...] = ("present", "parameters", "driven", "moving")
#: Rules and their events under the grid presses.
EVENT_FEATURES: tuple[str, ...] = (
    "events.rate",
    "events.sound_rate",
    "events.haptic_rate",
    "events.kinds",
    "rules.count",
    "rules.grid",
)
_NODE_KINDS = ("parameter", "control", "modulation", "rule", "effect", "instrument", "runtime")
_EDGE_KINDS = ("control", "modulation", "effect", "writes", "plays", "runtime", "reads", "trigger")
#: The parameter graph's structure.
GRAPH_FEATURES: tuple[str, ...] = (
    *(f"graph.nodes.{k}" for k in _NODE_KINDS),
    *(f"graph.edges.{k}" for k in _EDGE_KINDS),
    "graph.max_in_degree",
    "graph.contended",
    "graph.cycles",
)

#: Every dimension's name, in order.
FEATURE_NAMES: tuple[str, ...] = (
    *(
        f"{component}.{slot}.{feature}"
        for component, count in SLOTS.items()
        for slot in range(count)
        for feature in PARAMETER_FEATURES
    ),
    *(f"{component}.{feature}" for component in SLOTS for feature in COMPONENT_FEATURES),
    *EVENT_FEATURES,
    *GRAPH_FEATURES,
    "empty",
    *RENDER_FEATURE_NAMES,
)
#: The length of every fingerprint.
DIMENSION = len(FEATURE_NAMES)
#: The same, under the name a store's vector column is declared with.
FINGERPRINT_DIMENSION = DIMENSION

_SOUND_OPS_PREFIX = ("trigger", "start", "stop")


class NotAnAssetError(HarnessError):
    """A document that is not a valid synesthetic asset has no fingerprint.

    Attributes:
        findings: The validation findings that say why.
    """

    def __init__(self, message: str, *, findings: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.findings = findings


def _squash(x: float, half: float) -> float:
    """Map ``x >= 0`` into [0, 1): ``x / (x + half)`` (``half`` maps to 0.5)."""
    return x / (x + half) if x > 0 else 0.0


def _log_count(n: int) -> float:
    """``log(1 + n) / log(65)``, clipped to 1: counts up to 64 spread over [0, 1]."""
    return min(1.0, math.log1p(n) / math.log(65.0))


def _frame(lo: float, hi: float, default: float) -> tuple[float, float]:
    """(origin, scale) that map a parameter's values onto its range's [0, 1]."""
    if math.isfinite(lo) and math.isfinite(hi) and hi > lo:
        return lo, hi - lo
    scale = max(1.0, abs(default))
    return default - scale / 2.0, scale


def _spectrum(values: np.ndarray, dt: float) -> tuple[np.ndarray, float]:
    """Energy fraction per band and the peak frequency's position in [0, 1]."""
    bands = np.zeros(len(BAND_EDGES_HZ) - 1)
    centred = values - values.mean()
    if not np.any(np.abs(centred) > 1e-12):
        return bands, 0.0
    power = np.abs(np.fft.rfft(centred * np.hanning(len(centred)))) ** 2
    freqs = np.fft.rfftfreq(len(centred), dt)
    total = float(power[1:].sum())
    if total <= 0.0:
        return bands, 0.0
    which = np.searchsorted(BAND_EDGES_HZ, freqs[1:], side="right") - 1
    inside = (which >= 0) & (which < len(bands))
    np.add.at(bands, which[inside], power[1:][inside])
    peak = float(freqs[1 + int(np.argmax(power[1:]))])
    position = math.log(max(peak, _PEAK_LOW) / _PEAK_LOW) / math.log(_PEAK_HIGH / _PEAK_LOW)
    return bands / total, min(1.0, max(0.0, position))


def _coverage(values: np.ndarray, origin: float, scale: float, bins: int = 64) -> float:
    position = np.clip((values - origin) / scale, 0.0, 1.0)
    return float(len(np.unique(np.minimum((position * bins).astype(np.int64), bins - 1)))) / bins


def _finite(values: np.ndarray, fallback: float) -> np.ndarray:
    return np.where(np.isfinite(values), values, fallback)


def _parameter_features(
    row: int,
    compiled: CompiledAsset,
    runs: Mapping[str, SimulationResult],
) -> list[float]:
    table = compiled.table
    default = float(table.default[row])
    origin, scale = _frame(float(table.lo[row]), float(table.hi[row]), default)
    idle = _finite(runs["idle"].matrix[row], default)
    steps = max(runs["idle"].steps, 1)
    path = table.paths[row]
    clipped = runs["idle"].clamped.get(path, 0) / steps
    bands, peak = _spectrum(idle, DT * runs["idle"].every)
    sweep = _finite(runs["sweep"].matrix[row], default)
    grid = _finite(runs["grid"].matrix[row], default)

    def pos(x: float) -> float:
        return min(1.0, max(0.0, (x - origin) / scale))

    drivers = table.drivers[row]
    step = float(table.step[row])
    tau = float(table.smoothing[row])
    return [
        pos(float(idle.mean())),
        min(1.0, float(idle.std()) / scale),
        min(1.0, float(np.ptp(idle)) / scale),
        min(1.0, clipped),
        *(float(b) for b in bands),
        peak,
        pos(float(sweep.min())),
        pos(float(sweep.max())),
        _coverage(sweep, origin, scale),
        min(1.0, float(np.ptp(grid)) / scale),
        _coverage(grid, origin, scale),
        pos(default),
        min(1.0, step / scale) if step > 0 else 0.0,
        _squash(tau, 0.1),
        float("control" in drivers),
        float("modulation" in drivers),
        float("rule" in drivers),
    ]


def _event_features(compiled: CompiledAsset, grid: SimulationResult) -> list[float]:
    seconds = max(grid.steps * DT, DT)
    kinds = [str(e.get("kind", "")) for e in grid.events]
    sound = sum(1 for k in kinds if k.startswith(_SOUND_OPS_PREFIX))
    haptic = len(kinds) - sound
    rules = compiled.rules
    grid_rules = sum(1 for r in rules if r.trigger == "grid_cell")
    return [
        _squash(len(kinds) / seconds, 1.0),
        _squash(sound / seconds, 1.0),
        _squash(haptic / seconds, 1.0),
        min(1.0, len(set(kinds)) / 4.0),
        _log_count(len(rules)),
        float(grid_rules > 0),
    ]


def _graph_features(asset: SynestheticAsset) -> list[float]:
    from synharness.semantic import parameter_graph
    from synharness.semantic.graph import strongly_connected_components

    graph = parameter_graph(asset)
    kinds = [str(n.get("kind", "")) for n in graph.nodes.values()]
    vias = [attrs.get("via", "") for _, _, attrs in graph.edges]
    in_degree: dict[str, int] = {}
    for _, v, _ in graph.edges:
        if graph.nodes.get(v, {}).get("kind") == "parameter":
            in_degree[v] = in_degree.get(v, 0) + 1
    parameters = max(1, kinds.count("parameter"))
    cycles = 0
    if graph.feedback:
        cycles = sum(1 for c in strongly_connected_components(graph.successors()) if len(c) > 1)
    return [
        *(_log_count(kinds.count(k)) for k in _NODE_KINDS),
        *(_log_count(vias.count(k)) for k in _EDGE_KINDS),
        _log_count(max(in_degree.values(), default=0)),
        sum(1 for d in in_degree.values() if d >= 2) / parameters,
        _log_count(cycles),
    ]


def _canonical_controls(
    asset: SynestheticAsset, compiled: CompiledAsset, idle: SimulationResult
) -> SynestheticAsset:
    """The asset with its controls sorted by what they are, not by what they are called.

    The key is the control without its ``parameter`` and ``label``, then the
    idle behaviour and declaration of the parameter it drives (two controls
    alike in every other respect still differ by their target's behaviour).
    """
    if asset.control is None or len(asset.control.control_parameters) < 2:
        return asset
    row_of: dict[int, int] = {}
    for mapping in compiled.controls:
        index = int(mapping.pointer.split("/")[3])
        row_of.setdefault(index, mapping.row)
    table = compiled.table

    def key(item: tuple[int, Any]) -> tuple[str, tuple[float, ...]]:
        index, control = item
        bare = control.model_dump(mode="json", exclude={"parameter", "label"})
        row = row_of.get(index)
        if row is None:
            target: tuple[float, ...] = ()
        else:
            values = _finite(idle.matrix[row], float(table.default[row]))
            target = (
                float(table.default[row]),
                float(table.lo[row]),
                float(table.hi[row]),
                round(float(values.mean()), DECIMALS),
                round(float(np.ptp(values)), DECIMALS),
            )
        return orjson.dumps(bare, option=orjson.OPT_SORT_KEYS).decode(), target

    ordered = [c for _, c in sorted(enumerate(asset.control.control_parameters), key=key)]
    control = asset.control.model_copy(update={"control_parameters": ordered})
    return asset.model_copy(update={"control": control})


def _slot_block(features: list[list[float]], count: int) -> list[float]:
    # Most active first: sorting by the description itself (not by a name or
    # the declaration order) is what makes reordered and renamed copies equal.
    ordered = sorted((tuple(f) for f in features), reverse=True)
    block: list[float] = []
    for i in range(count):
        block += list(ordered[i]) if i < len(ordered) else [0.0] * len(PARAMETER_FEATURES)
    return block


def fingerprint(asset: SynestheticAsset, *, render: bool = False) -> np.ndarray:
    """The behaviour fingerprint of a validated asset (see the module docstring).

    Args:
        asset: The asset model, as the pipeline validated it.
        render: Also render the shader (GL) and the tone (Node) under the runs
            and fill the render block; a part that cannot be rendered here stays
            0 with its flag 0. False (the default) leaves the block 0, renders
            nothing and costs nothing.

    Returns:
        A float64 vector of :data:`DIMENSION` values in [0, 1], rounded to
        :data:`DECIMALS` places.
    """
    compiled = compile_asset(asset)
    idle = builtin_scenarios(asset, duration=DURATION, dt=DT, seed=SEED)[0]
    idle_run = simulate(compiled, idle)
    # Controls and rules run without the modulations, and the sweep visits the
    # controls in a canonical order: it moves one control after another, so
    # with LFOs running, or in declaration order, what it reaches would depend
    # on when each control comes.
    still_asset = _canonical_controls(
        asset.model_copy(update={"modulations": None, "modulation": None}), compiled, idle_run
    )
    still = compile_asset(still_asset)
    assert still.table.paths == compiled.table.paths  # components declare the rows
    sweep = builtin_scenarios(still_asset, duration=DURATION, dt=DT, seed=SEED)[1]
    grid = grid_probe(asset, duration=DURATION, dt=DT, seed=SEED)
    runs = {
        "idle": idle_run,
        "sweep": simulate(still, sweep),
        "grid": simulate(still, grid),
    }
    table = compiled.table
    per_component: dict[str, list[list[float]]] = {c: [] for c in SLOTS}
    for row, component in enumerate(table.component):
        if component in per_component:
            per_component[component].append(_parameter_features(row, compiled, runs))
    values: list[float] = []
    for component, count in SLOTS.items():
        values += _slot_block(per_component[component], count)
    for component in SLOTS:
        rows = per_component[component]
        n = len(rows)
        driven = sum(1 for f in rows if any(f[-3:]))
        moving = sum(1 for f in rows if f[2] > 0 or f[14] > f[13])
        present = getattr(asset, component) is not None
        values += [
            float(present),
            _log_count(n),
            driven / n if n else 0.0,
            moving / n if n else 0.0,
        ]
    values += _event_features(compiled, runs["grid"])
    values += _graph_features(asset)
    values.append(float(len(table) == 0))
    scenarios = {"idle": idle, "sweep": sweep, "grid": grid}
    rendered = {name: RenderRun(scenarios[name], runs[name]) for name in scenarios}
    values += render_block(asset, rendered, render=render)
    vector = np.round(np.asarray(values, dtype=np.float64), DECIMALS)
    assert vector.shape == (DIMENSION,)  # the names above and the values agree
    return vector


def fingerprint_of(
    asset: SynestheticAsset | Mapping[str, Any], *, render: bool = False
) -> list[float]:
    """The fingerprint of an asset model or document, as plain floats (for a store).

    Args:
        asset: A validated model, or a parsed document (with or without its
            ``$schema``), which is validated first.
        render: Fill the render block (see :func:`fingerprint`).

    Returns:
        :data:`DIMENSION` floats.

    Raises:
        NotAnAssetError: The document is not a valid synesthetic asset.
    """
    if not isinstance(asset, SynestheticAsset):
        from synharness.pipeline import check_data

        checked = check_data(dict(asset), source="<asset>")
        if not isinstance(checked.model, SynestheticAsset):
            errors = [f for f in checked.result.findings if f.severity == "error"]
            why = "; ".join(f"{f.code} {f.pointer or '/'}: {f.message}" for f in errors[:3])
            raise NotAnAssetError(
                f"not a valid synesthetic asset: {why or checked.result.kind}",
                findings=checked.result.findings,
            )
        asset = checked.model
    return [float(x) for x in fingerprint(asset, render=render)]


def distance(a: np.ndarray | list[float], b: np.ndarray | list[float]) -> float:
    """Cosine distance of two fingerprints: 0 for the same behaviour, at most 1."""
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if np.array_equal(x, y):
        return 0.0  # exactly, not 1e-16 of rounding
    nx, ny = float(np.linalg.norm(x)), float(np.linalg.norm(y))
    if nx == 0.0 or ny == 0.0:
        return 0.0 if nx == ny else 1.0
    return max(0.0, 1.0 - float(x @ y) / (nx * ny))
