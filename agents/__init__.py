"""The simulation: agents that run synesthetic assets through scripted scenarios.

Agents (one module each): :class:`ConfigAgent` compiles an asset into a
parameter table; :class:`ControlAgent` turns scripted input into parameter
changes through the control mappings; :class:`RuleAgent` fires rules;
:class:`ModulationAgent` evaluates modulations in closed form on the
vectorised engine (:mod:`agents.engine`); :class:`StateMirrorAgent` holds the
state vector, the trace and its subscribers; :class:`OrchestrationAgent` runs a
scenario in a fixed order per step. The semantics are in ``docs/semantics.md``.
"""

from __future__ import annotations

from agents.builtin import BUILTIN_NAMES, builtin_scenarios
from agents.config import CompiledAsset, ConfigAgent, ParameterTable, compile_asset
from agents.control import ControlAgent
from agents.engine import EngineTrace, ModulationBank, ParameterRows, evaluate
from agents.mirror import StateMirrorAgent
from agents.modulation import ModulationAgent, evaluate_assets
from agents.orchestration import OrchestrationAgent, SimulationResult, simulate
from agents.rules import RuleAgent
from agents.runner import downsample, run_scenarios
from agents.scenario import (
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
    "EngineTrace",
    "Expectation",
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
    "downsample",
    "evaluate",
    "evaluate_assets",
    "load_scenario",
    "parse_scenario",
    "run_scenarios",
    "scenario_files",
    "simulate",
]
