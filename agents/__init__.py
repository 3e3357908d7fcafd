"""The simulation: agents that run synesthetic assets through scripted scenarios.

Agents (one module each): :class:`ConfigAgent` compiles an asset into a
parameter table; :class:`ControlAgent` turns scripted input into parameter
changes through the control mappings; :class:`RuleAgent` fires rules;
:class:`ModulationAgent` evaluates modulations in closed form on the
vectorised engine (:mod:`synharness.agents.engine`); :class:`StateMirrorAgent` holds the
state vector, the trace and its subscribers; :class:`OrchestrationAgent` runs a
scenario in a fixed order per step. The semantics are in ``docs/semantics.md``.
"""

from __future__ import annotations

from synharness.agents.builtin import BUILTIN_NAMES, builtin_scenarios
from synharness.agents.config import CompiledAsset, ConfigAgent, ParameterTable, compile_asset
from synharness.agents.control import ControlAgent
from synharness.agents.engine import EngineTrace, ModulationBank, ParameterRows, evaluate
from synharness.agents.fingerprint import fingerprint_of
from synharness.agents.mirror import StateMirrorAgent
from synharness.agents.modulation import ModulationAgent, evaluate_assets
from synharness.agents.neighbours import Diversity, FingerprintIndex, diversity, diversity_of
from synharness.agents.orchestration import OrchestrationAgent, SimulationResult, simulate
from synharness.agents.rules import RuleAgent
from synharness.agents.runner import downsample, run_scenarios
from synharness.agents.scenario import (
    Expectation,
    Input,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    scenario_files,
)

__all__ = [
    "BUILTIN_NAMES",
    "CompiledAsset",
    "ConfigAgent",
    "ControlAgent",
    "Diversity",
    "EngineTrace",
    "Expectation",
    "FingerprintIndex",
    "Input",
    "ModulationAgent",
    "ModulationBank",
    "OrchestrationAgent",
    "ParameterRows",
    "ParameterTable",
    "RuleAgent",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "StateMirrorAgent",
    "builtin_scenarios",
    "compile_asset",
    "diversity",
    "diversity_of",
    "downsample",
    "evaluate",
    "evaluate_assets",
    "fingerprint_of",
    "load_scenario",
    "parse_scenario",
    "run_scenarios",
    "scenario_files",
    "simulate",
]
