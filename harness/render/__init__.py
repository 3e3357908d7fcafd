"""Rendering assets as the runtime would: the tone heard through Tone.js (``audio``).

Each renderer keeps its foreign runtime in one module that owns its lifetime
(:mod:`synharness.render.node` for the Node worker) and exposes a pure-ish
entry point returning findings and metrics per scenario
(:func:`synharness.render.audio.render_scenario`).
"""
