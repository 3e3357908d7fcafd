"""Built-in scenarios: what every asset runs when no scenario file names it.

- ``idle``: no input; modulations only;
- ``sweep``: each control in turn, its first mapping's combo held, driven
  from its default down to its minimum and up to its maximum (wheel controls
  by notches), in equal slices of the duration;
- ``random``: seeded random gestures on random mappings every quarter second
  and, when the asset has grid rules, a press of a random cell with a random
  pressure every half second.

Built-ins carry no expectations: their findings come from the trace
(``SYN-SIM-*``) and their metrics go into the report.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from synharness.agents.scenario import DEFAULT_DT, GridPress, Hold, Input, Move, Scenario
from synharness.models import ControlParameter, SynestheticAsset

BUILTIN_NAMES: tuple[str, ...] = ("idle", "sweep", "random")
#: Overshoot of sweeps, so that quantisation and curves still reach the ends.
_OVERSHOOT = 1.1


def _scenario(
    name: str,
    factory: Callable[[], list[Input]] | None,
    *,
    duration: float,
    dt: float,
    seed: int,
    stream: Callable[[], Iterator[tuple[int, Input]]] | None = None,
) -> Scenario:
    # Built from trusted values without validation: the scoring loop builds
    # thousands of these a second (same attributes as model_construct sets).
    fields: dict[str, Any] = {
        "name": name,
        "source": f"builtin:{name}",
        "description": None,
        "assets": (),
        "duration": duration,
        "dt": dt,
        "seed": seed,
        "inputs": (),
        "expect": (),
        "positions": {},
    }
    scenario = Scenario.__new__(Scenario)
    object.__setattr__(scenario, "__dict__", fields)
    object.__setattr__(scenario, "__pydantic_fields_set__", set(fields))
    object.__setattr__(scenario, "__pydantic_extra__", None)
    built = (lambda: tuple(factory())) if factory is not None else None
    object.__setattr__(
        scenario,
        "__pydantic_private__",
        {"_factory": built, "_built": None, "_stream": stream},
    )
    return scenario


def _hold(mapping: Any) -> Hold:
    combo = mapping.combo
    return Hold.model_construct(
        keys=tuple(combo.keys or ()), buttons=tuple(combo.mouseButtons or ())
    )


def _gesture(
    at: float, span: float, mapping: Any, pixels: float, hold: Hold | None = None
) -> Input:
    # Hold is frozen: the random scenario shares one per mapping across its gestures.
    hold = _hold(mapping) if hold is None else hold
    axis = mapping.action.axis
    if axis == "mouse.wheel":
        return Input.model_construct(
            at=at, duration=span, hold=hold, move=None, wheel=pixels, grid=None
        )
    move = Move.model_construct(axis=axis, delta=pixels)
    return Input.model_construct(at=at, duration=span, hold=hold, move=move, wheel=None, grid=None)


def _span(control: ControlParameter) -> float | None:
    if control.min is None or control.max is None or not control.max > control.min:
        return None
    return float(control.max - control.min)


def sweep_inputs(asset: SynestheticAsset, duration: float) -> list[Input]:
    """Inputs that drive every control across its range in turn."""
    controls = [
        c
        for c in (asset.control.control_parameters if asset.control else [])
        if c.mappings and _span(c) and c.mappings[0].action.sensitivity * c.mappings[0].action.scale
    ]
    inputs: list[Input] = []
    if not controls:
        return inputs
    slot = duration / len(controls)
    for i, control in enumerate(controls):
        mapping = control.mappings[0]
        gain = mapping.action.sensitivity * mapping.action.scale
        span = _span(control) or 0.0
        pixels = _OVERSHOOT * span / abs(gain)
        if not math.isfinite(pixels):
            # A gain so small (4e-324) that no float64 distance crosses the range: the
            # control cannot be swept (its set point stays put), and an infinite move
            # would turn the timeline into NaN.
            continue
        sign = 1.0 if gain > 0 else -1.0
        start = i * slot
        inputs.append(_gesture(start, slot * 0.4, mapping, -sign * pixels))
        inputs.append(_gesture(start + slot * 0.5, slot * 0.4, mapping, sign * pixels))
    return inputs


#: Seconds between the random scenario's gestures, the length of each, and between its presses.
_GESTURE_EVERY, _GESTURE_SPAN, _PRESS_EVERY = 0.25, 0.2, 0.5


def _random_mappings(asset: SynestheticAsset) -> list[tuple[ControlParameter, Any]]:
    return [
        (c, m)
        for c in (asset.control.control_parameters if asset.control else [])
        for m in c.mappings
        if m.action.sensitivity * m.action.scale
    ]


def _grid_size(asset: SynestheticAsset) -> int | None:
    sizes = [
        int(r.trigger["params"]["gridSize"])
        for r in (asset.rule_bundle.rules if asset.rule_bundle else [])
        if isinstance(r.trigger, dict)
        and r.trigger.get("type") == "grid_cell"
        and isinstance(r.trigger.get("params"), dict)
        and isinstance(r.trigger["params"].get("gridSize"), int | float)
        and r.trigger["params"]["gridSize"] >= 1
    ]
    return min(sizes) if sizes else None


def _random_gestures(
    mappings: list[tuple[ControlParameter, Any]],
    duration: float,
    rng: np.random.Generator,
    *,
    build: bool = True,
) -> Iterator[tuple[int, Input]]:
    """(rank, gesture) in time order; ``build=False`` only makes the draws (to skip past them)."""
    holds = [_hold(mapping) for _, mapping in mappings] if build else []
    for k in range(math.floor(duration / _GESTURE_EVERY)):
        if not mappings:
            break
        index = int(rng.integers(len(mappings)))
        control, mapping = mappings[index]
        span = _span(control) or 1.0
        pixels = (
            float(rng.uniform(-0.3, 0.3))
            * span
            / abs(mapping.action.sensitivity * mapping.action.scale)
        )
        if not math.isfinite(pixels) or not build:  # a denormal gain: see sweep_inputs
            continue
        yield k, _gesture(k * _GESTURE_EVERY, _GESTURE_SPAN, mapping, pixels, holds[index])


def _random_presses(
    size: int, duration: float, rng: np.random.Generator, first_rank: int
) -> Iterator[tuple[int, Input]]:
    for k in range(math.floor(duration / _PRESS_EVERY)):
        cell = (int(rng.integers(size)), int(rng.integers(size)))
        press = GridPress.model_construct(
            cell=cell, pressure=float(rng.uniform(0.0, 1.0)), every=None
        )
        yield (
            first_rank + k,
            Input.model_construct(
                at=k * _PRESS_EVERY + 0.1,
                duration=0.0,
                hold=Hold(),
                move=None,
                wheel=None,
                grid=press,
            ),
        )


def random_inputs(
    asset: SynestheticAsset, duration: float, rng: np.random.Generator
) -> list[Input]:
    """Seeded random gestures and grid presses (the gestures' draws first, then the presses')."""
    inputs = [g for _, g in _random_gestures(_random_mappings(asset), duration, rng)]
    size = _grid_size(asset)
    if size is not None:
        inputs += [p for _, p in _random_presses(size, duration, rng, 0)]
    return inputs


def random_stream(
    asset: SynestheticAsset, duration: float, seed: int
) -> Iterator[tuple[int, Input]]:
    """:func:`random_inputs` with ``default_rng(seed)``, one by one in order of start.

    The presses draw after every gesture: a second generator makes the
    gestures' draws without building them, then draws the presses, so the
    two streams merge in time without either being held.
    """
    mappings = _random_mappings(asset)
    gestures = _random_gestures(mappings, duration, np.random.default_rng(seed))
    size = _grid_size(asset)
    if size is None:
        yield from gestures
        return

    def presses() -> Iterator[tuple[int, Input]]:
        rng = np.random.default_rng(seed)
        # The presses draw after every gesture draw, as when the run was built whole:
        # advance a second generator past the gestures without building them.
        for _ in _random_gestures(mappings, duration, rng, build=False):
            pass
        yield from _random_presses(size, duration, rng, math.floor(duration / _GESTURE_EVERY))

    yield from heapq.merge(gestures, presses(), key=lambda pair: (pair[1].at, pair[0]))


def builtin_scenarios(
    asset: SynestheticAsset, *, duration: float = 10.0, dt: float = DEFAULT_DT, seed: int = 0
) -> list[Scenario]:
    """The three built-in scenarios of ``asset``: idle, sweep and random (in that order).

    Args:
        asset: The asset (its controls and rules shape sweep and random).
        duration: Seconds per scenario.
        dt: Step length.
        seed: Seed of the random scenario's generator.

    Returns:
        ``[idle, sweep, random]``.
    """
    idle = _scenario("idle", None, duration=duration, dt=dt, seed=seed)
    sweep = _scenario(
        "sweep", lambda: sweep_inputs(asset, duration), duration=duration, dt=dt, seed=seed
    )
    random = _scenario(
        "random",
        lambda: random_inputs(asset, duration, np.random.default_rng(seed)),
        duration=duration,
        dt=dt,
        seed=seed,
        stream=lambda: random_stream(asset, duration, seed),
    )
    return [idle, sweep, random]


def grid_probe(
    asset: SynestheticAsset, *, duration: float = 10.0, dt: float = DEFAULT_DT, seed: int = 0
) -> Scenario:
    """The grid presses of the ``random`` scenario alone, without its gestures.

    The presses draw from the generator after the gestures, and the number of
    draws does not depend on the order of the controls, so the presses are the
    same for any declaration order (the gestures are not: they pick mappings
    by index). Behaviour fingerprints use it for the rules' event rates.

    Args:
        asset: The asset (its grid rules decide the grid size).
        duration: Seconds.
        dt: Step length.
        seed: Seed of the generator, as for ``random``.

    Returns:
        A scenario named ``grid`` (``builtin:grid``), without expectations.
    """

    def presses() -> list[Input]:
        drawn = random_inputs(asset, duration, np.random.default_rng(seed))
        return [i for i in drawn if i.grid is not None]

    return _scenario("grid", presses, duration=duration, dt=dt, seed=seed)
