"""Properties of the vectorised engine: it equals the per-step reference, stays in range,
is deterministic for a seed, and converges when dt halves."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from synharness.agents import Scenario, builtin_scenarios, compile_asset, simulate
from synharness.agents.engine import ModulationBank, ParameterRows, evaluate
from synharness.agents.reference import modulation_value, reference_trace
from synharness.agents.waveforms import PROFILES, WAVEFORMS, cycle_offset
from synharness.models import SynestheticAsset

from tests.strategies import assets

finite = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def banks(draw: st.DrawFn) -> tuple[ModulationBank, ParameterRows]:
    """Modulations (some clamping, some multiplicative, several per target) and their targets."""
    n_params = draw(st.integers(1, 4))
    n_mods = draw(st.integers(0, 8))
    default = np.array([draw(st.floats(-5, 5)) for _ in range(n_params)])
    lo = default - np.array([draw(st.floats(0, 5)) for _ in range(n_params)])
    hi = default + np.array([draw(st.floats(0, 5)) for _ in range(n_params)])
    rows: list[list[Any]] = []
    for _ in range(n_mods):
        w, p = draw(st.sampled_from(WAVEFORMS)), draw(st.sampled_from(PROFILES))
        phase = draw(st.floats(-10, 10))
        m_lo = draw(st.one_of(st.just(-math.inf), st.floats(-10, 0)))
        m_hi = draw(st.one_of(st.just(math.inf), st.floats(0, 10)))
        rows.append([
            WAVEFORMS.index(w), PROFILES.index(p), draw(st.floats(0.01, 30)), cycle_offset(w, phase),
            draw(st.floats(-3, 3)), draw(st.floats(-6, 6)), draw(st.booleans()), m_lo, m_hi,
            draw(st.integers(0, n_params - 1)),
        ])  # fmt: skip
    cols = list(zip(*rows, strict=True)) if rows else [()] * 10
    dtypes = (np.int8, np.int8, float, float, float, float, bool, float, float, np.int64)
    bank = ModulationBank(*(np.array(c, dtype=d) for c, d in zip(cols, dtypes, strict=True)))
    return bank, ParameterRows(default, lo, hi)


def _reference(
    bank: ModulationBank, params: ParameterRows, steps: int, dt: float
) -> tuple[np.ndarray, np.ndarray]:
    out = np.empty((len(params), steps))
    clamped = np.zeros(len(params), dtype=np.int64)
    for row in range(len(params)):
        y = float(params.default[row])
        for k in range(steps):
            value, hit = y, False
            for m in np.flatnonzero(bank.target == row):
                raw = modulation_value(
                    WAVEFORMS[bank.waveform[m]], PROFILES[bank.profile[m]], frequency=float(bank.frequency[m]),
                    cycle=float(bank.cycle[m]), depth=float(bank.depth[m]), offset=float(bank.offset[m]),
                    multiplicative=bool(bank.multiplicative[m]), lo=-math.inf, hi=math.inf, t=k * dt,
                )  # fmt: skip
                v = min(max(raw, float(bank.lo[m])), float(bank.hi[m]))
                hit = hit or v != raw
                value += v - y
            final = min(max(value, float(params.lo[row])), float(params.hi[row]))
            clamped[row] += hit or final != value
            out[row, k] = final
    return out, clamped


@settings(max_examples=150)
@given(
    banks(),
    st.integers(1, 400),
    st.sampled_from([1 / 60, 1 / 100, 0.013, 0.05]),
    st.sampled_from([1, 2, 7]),
    st.sampled_from([(512, 1), (16, 1), (33, 2)]),
)
def test_engine_equals_the_per_step_reference(
    bank_params: tuple[ModulationBank, ParameterRows],
    steps: int,
    dt: float,
    every: int,
    layout: tuple[int, int],
) -> None:
    bank, params = bank_params
    chunk, threads = layout
    got = evaluate(
        bank, params, steps=steps, dt=dt, every=every, chunk=chunk, threads=threads, block=3
    )
    want, clamped = _reference(bank, params, steps, dt)
    np.testing.assert_allclose(got.values, want[:, ::every], rtol=1e-9, atol=1e-9)
    # Clamp counts may differ only where a value sits on a bound within rounding.
    on_bound = np.isclose(want, params.lo[:, None], atol=1e-9) | np.isclose(
        want, params.hi[:, None], atol=1e-9
    )
    assert np.all(np.abs(got.clamped - clamped) <= on_bound.sum(axis=1) + len(bank))


@settings(max_examples=25)
@given(banks(), st.integers(2049, 4000))
def test_rotation_tables_agree_with_direct_evaluation(
    bank_params: tuple[ModulationBank, ParameterRows], steps: int
) -> None:
    # Long runs use angle-addition tables for the sine-like pairs; short chunks never do.
    bank, params = bank_params
    long = evaluate(bank, params, steps=steps, dt=1 / 60, chunk=128, threads=2)
    direct = evaluate(bank, params, steps=steps, dt=1 / 60, chunk=steps)
    np.testing.assert_allclose(long.values, direct.values, rtol=1e-9, atol=1e-9)


def _scenario(draw: st.DrawFn, doc: dict[str, Any], duration: float, dt: float) -> Scenario:
    inputs: list[dict[str, Any]] = []
    for c in (doc.get("control") or {}).get("control_parameters", []):
        for m in c["mappings"]:
            if not draw(st.booleans()):
                continue
            combo, axis = m["combo"], m["action"]["axis"]
            hold = {"keys": combo.get("keys", []), "buttons": combo.get("mouseButtons", [])}
            at = draw(st.floats(0, duration))
            span = draw(st.sampled_from([0.0, 0.1, 0.5]))
            amount = draw(st.floats(-600, 600))
            if axis == "mouse.wheel":
                inputs.append({"at": at, "duration": span, "wheel": amount / 10, "hold": hold})
            else:
                inputs.append(
                    {
                        "at": at,
                        "duration": span,
                        "move": {"axis": axis, "delta": amount},
                        "hold": hold,
                    }
                )
    for _ in range(draw(st.integers(0, 3))):
        cell = [draw(st.integers(0, 5)), draw(st.integers(0, 5))]
        inputs.append(
            {
                "at": draw(st.floats(0, duration)),
                "grid": {"cell": cell, "pressure": draw(st.floats(0, 1))},
            }
        )
    return Scenario(
        name="h", duration=duration, dt=dt, seed=draw(st.integers(0, 2**16)), inputs=inputs
    )


@settings(max_examples=40)
@given(st.data())
def test_simulation_equals_the_per_step_reference(data: st.DataObject) -> None:
    doc = data.draw(assets())
    doc.pop("$schema", None)
    asset = SynestheticAsset.model_validate(doc)
    scenario = _scenario(
        data.draw, doc, data.draw(st.floats(0.2, 2.0)), data.draw(st.sampled_from([1 / 60, 0.02]))
    )
    compiled = compile_asset(asset)
    got = simulate(compiled, scenario)
    want, _ = reference_trace(compiled, scenario)
    np.testing.assert_allclose(got.matrix, want, rtol=1e-9, atol=1e-9)
    # Values never leave declared ranges.
    lo, hi = compiled.table.lo[:, None], compiled.table.hi[:, None]
    assert np.all((got.matrix >= lo) & (got.matrix <= hi))


@settings(max_examples=20)
@given(st.data())
def test_same_seed_same_trace(data: st.DataObject) -> None:
    doc = data.draw(assets())
    doc.pop("$schema", None)
    asset = SynestheticAsset.model_validate(doc)
    seed = data.draw(st.integers(0, 1000))
    first = builtin_scenarios(asset, duration=2.0, seed=seed)[2]
    second = builtin_scenarios(asset, duration=2.0, seed=seed)[2]
    a, b = simulate(asset, first), simulate(asset, second)
    assert np.array_equal(a.matrix, b.matrix) and a.events == b.events
    assert first.timeline_inputs() == second.timeline_inputs()


@settings(max_examples=20)
@given(st.data())
def test_dt_halving_converges(data: st.DataObject) -> None:
    # Continuous waveforms under a smoothed control: the trace at common times
    # changes less and less as dt halves (it is exact already for modulations).
    doc = data.draw(assets())
    doc.pop("$schema", None)
    for m in doc.get("modulations", []):
        m["waveform"] = data.draw(st.sampled_from(["sine", "triangle"]))
    # Quantisation to a step is discontinuous by design: leave it out here.
    for component in ("shader", "tone", "haptic"):
        for ip in (doc.get(component) or {}).get("input_parameters", []):
            ip.pop("step", None)
    for cp in (doc.get("control") or {}).get("control_parameters", []):
        cp.pop("step", None)
    asset = SynestheticAsset.model_validate(doc)
    c = (doc.get("control") or {}).get("control_parameters", [])
    inputs = []
    if c:
        m = c[0]["mappings"][0]
        hold = {"keys": m["combo"].get("keys", []), "buttons": m["combo"].get("mouseButtons", [])}
        key = "wheel" if m["action"]["axis"] == "mouse.wheel" else "move"
        action: Any = 5.0 if key == "wheel" else {"axis": m["action"]["axis"], "delta": 120.0}
        inputs.append({"at": 0.1, "duration": 0.4, key: action, "hold": hold})
    traces = []
    for dt in (0.04, 0.02, 0.01):
        r = simulate(asset, Scenario(name="c", duration=0.8, dt=dt, inputs=inputs))
        stride = round(0.04 / dt)
        traces.append(r.matrix[:, ::stride])
    coarse = np.abs(traces[0] - traces[1]).max(initial=0.0)
    fine = np.abs(traces[1] - traces[2]).max(initial=0.0)
    assert fine <= coarse + 1e-9
