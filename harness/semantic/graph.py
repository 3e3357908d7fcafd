"""The parameter graph: what drives what, and what reads what.

Nodes (attribute ``kind``):
- ``parameter``: a declared parameter under its canonical path (every shader
  uniform and input parameter, every tone and haptic input parameter), with
  ``component``, ``pointer``, ``declared`` (the :class:`DeclaredParameter`) and
  ``read_by`` (``"glsl"``, ``"synth"``, ``"device"`` or None, see below);
- ``control``, ``modulation``, ``rule``, ``effect``: keyed by their JSON pointer;
- ``instrument``: ``instrument:tone`` and ``instrument:haptic``, what sound and
  haptic ops play;
- ``runtime``: the renderer, which sets :data:`RUNTIME_UNIFORMS` every frame;
- ``reference``: in a lone rule or control bundle, a raw target name (nothing
  to resolve it against).

Edges (attribute ``via``): control -> parameter (``control``), modulation ->
parameter (``modulation``), rule -> effect (``effect``), effect -> parameter
(``writes``), effect -> instrument (``plays``), runtime -> uniform
(``runtime``), parameter -> effect when the effect's value reads it
(``reads``), parameter -> rule when the rule's trigger reads it
(``trigger``). A cycle through a rule is a rule feeding its own trigger.
The graph attribute ``feedback`` says whether any edge leads into a rule or
an effect (without one there can be no cycle). The checks work on the plain
:class:`ParameterGraph` and build the networkx graph only to search cycles.

*Read*: a shader uniform is read when the GLSL uses it beyond its
declaration; a tone parameter when its path names an option that the synth,
an effect or a pattern actually has (``tone.envelope.attack`` and the synth
has an envelope attack); a haptic parameter always (the device consumes every
input parameter). Shader parameters that GLSL does not declare at all are left
to SYN-GLSL-002 / -007 rather than reported twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from harness.codes import finding
from harness.findings import Finding
from harness.models import SynestheticAsset, Tone
from harness.semantic.glsl_parse import parse_pair
from harness.semantic.scope import Scope, scope_of
from harness.semantic.vocabulary import PARAMETER_OPS, effect_source, op_component, trigger_source

#: Uniforms the renderer sets itself (time, canvas size, pointer).
RUNTIME_UNIFORMS: frozenset[str] = frozenset(
    {"u_time", "u_resolution", "u_mouse", "u_frame", "u_timeDelta", "u_date"}
)
RUNTIME = "runtime"


def _has(obj: Any, segments: list[str]) -> bool:
    for seg in segments:
        if isinstance(obj, dict) and seg in obj:
            obj = obj[seg]
        elif isinstance(obj, list) and seg.isdigit() and int(seg) < len(obj):
            obj = obj[int(seg)]
        else:
            return False
    return True


class ToneOptions:
    """Answers "does the tone have this option?" for paths relative to the tone.

    Synth options count with and without their ``options`` wrapper
    (``envelope.attack`` for ``synth.options.envelope.attack``); effect,
    pattern and part options by index (``effects.0.wet``).
    """

    def __init__(self, tone: Tone) -> None:
        self._tone = tone
        self._items: dict[str, list[Any]] = {}

    def _raw(self, head: str) -> list[Any]:
        # Dumped once, and only when a path asks for them.
        if head not in self._items:
            items = getattr(self._tone, head) or []
            self._items[head] = [i if isinstance(i, dict) else i.model_dump() for i in items]
        return self._items[head]

    def __contains__(self, relative: object) -> bool:
        segments = str(relative).split(".")
        head = segments[0]
        if head in ("effects", "patterns", "parts") and len(segments) > 1 and segments[1].isdigit():
            items = self._raw(head)
            index = int(segments[1])
            if index >= len(items):
                return False
            item = items[index]
            return _has(item, segments[2:]) or _has(item.get("options"), segments[2:])
        synth = self._tone.synth
        return _has(synth, segments) or _has(synth.get("options"), segments)


_VIA = {
    v: {"via": v}
    for v in ("control", "modulation", "effect", "writes", "plays", "runtime", "reads", "trigger")
}


@dataclass(slots=True)
class ParameterGraph:
    """The parameter graph as plain nodes and edges; networkx on demand.

    The checks need only in-degrees unless a rule can feed back, so the
    networkx graph (the costliest part of a clean asset's checks) is built
    only for cycle search or when asked for.
    """

    nodes: dict[str, dict[str, Any]]
    edges: list[tuple[str, str, dict[str, str]]]
    #: Whether an edge leads into a rule or an effect (else there is no cycle).
    feedback: bool
    _nx: nx.DiGraph | None = None

    def driven(self) -> set[str]:
        """Nodes with an incoming edge."""
        return {v for _, v, _ in self.edges}

    def to_networkx(self) -> nx.DiGraph:
        """The graph as a ``networkx.DiGraph`` (built once)."""
        if self._nx is None:
            graph: nx.DiGraph = nx.DiGraph(feedback=self.feedback)
            graph.add_nodes_from(self.nodes.items())
            graph.add_edges_from(self.edges)
            self._nx = graph
        return self._nx


def build_graph(scope: Scope) -> nx.DiGraph:
    """The parameter graph of a scope as a ``networkx.DiGraph`` (see the module docstring)."""
    return collect_graph(scope).to_networkx()


def collect_graph(scope: Scope) -> ParameterGraph:
    """The nodes and edges of the parameter graph of a scope."""
    glsl_declared: Mapping[str, str] = {}
    glsl_used: frozenset[str] = frozenset()
    if scope.shader is not None:
        pair = parse_pair(scope.shader.vertex_shader, scope.shader.fragment_shader)
        glsl_used = pair.used
        glsl_declared = pair.uniforms
    options = ToneOptions(scope.tone) if scope.tone is not None else None
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[tuple[str, str, dict[str, str]]] = []
    for path, p in scope.declared.items():
        kind = p.component
        # _read_by inlined: this loop runs for every declared parameter of every asset,
        # and a canonical path is always "<component>.<name>".
        name = path[len(kind) + 1 :]
        read_by: str | None
        if kind == "shader":
            read_by = "glsl" if name in glsl_used else None
        elif kind == "tone":
            read_by = "synth" if options is not None and name in options else None
        else:
            read_by = "device"
        nodes[path] = {
            "kind": "parameter",
            "component": kind,
            "pointer": p.pointer,
            "declared": p,
            "read_by": read_by,
            "in_glsl": kind != "shader" or name in glsl_declared,
        }
        if kind == "shader" and name in RUNTIME_UNIFORMS:
            edges.append((RUNTIME, path, _VIA["runtime"]))
    if edges:
        nodes[RUNTIME] = {"kind": "runtime"}

    def target(reference: str) -> str | None:
        path = scope.target(reference)
        if path is not None and path not in nodes:
            nodes[path] = {"kind": "reference"}
        return path

    for pointer, control in scope.controls:
        nodes[pointer] = {"kind": "control", "target": control.parameter}
        if (hit := target(control.parameter)) is not None:
            edges.append((pointer, hit, _VIA["control"]))
    for pointer, mod in scope.modulations:
        nodes[pointer] = {"kind": "modulation", "id": mod.id, "target": mod.target}
        if (hit := target(mod.target)) is not None:
            edges.append((pointer, hit, _VIA["modulation"]))
    reads: list[tuple[str, str]] = []
    for pointer, rule in scope.rules:
        nodes[pointer] = {"kind": "rule", "id": rule.id}
        source = trigger_source(rule.trigger)
        if source is not None and (hit := target(source)) is not None:
            edges.append((hit, pointer, _VIA["trigger"]))
        for j, effect in enumerate(rule.effects or []):
            op, goal = effect.get("op"), effect.get("target")
            if not isinstance(op, str) or not isinstance(goal, str):
                continue
            where = f"{pointer}/effects/{j}"
            nodes[where] = {"kind": "effect", "op": op, "target": goal}
            edges.append((pointer, where, _VIA["effect"]))
            if op in PARAMETER_OPS and (hit := target(goal)) is not None:
                edges.append((where, hit, _VIA["writes"]))
            elif (component := op_component(op)) is not None:
                nodes[f"instrument:{component}"] = {"kind": "instrument"}
                edges.append((where, f"instrument:{component}", _VIA["plays"]))
            read = effect_source(effect)
            if read is not None:
                reads.append((read, where))
    # Input signals (grid.pressure) name no node: only parameters, and in a
    # lone bundle names other rules write or read, become read edges.
    feedback = any(e[2] is _VIA["trigger"] for e in edges)
    for read, where in reads:
        if (hit := scope.target(read)) is not None and hit in nodes:
            edges.append((hit, where, _VIA["reads"]))
            feedback = True
    return ParameterGraph(nodes=nodes, edges=edges, feedback=feedback)


def parameter_graph(asset: SynestheticAsset) -> nx.DiGraph:
    """The parameter graph of an asset (see the module docstring)."""
    scope = scope_of("synesthetic-asset", asset)
    assert scope is not None  # an asset always has a scope
    return build_graph(scope)


def check_cycles(scope: Scope, collected: ParameterGraph) -> list[Finding]:
    """SYN-RULE-004: a rule on a cycle of the graph feeds its own trigger."""
    rules = {p: r for p, r in scope.rules}
    if not rules or not collected.feedback:
        return []  # without an edge into a rule or effect there is no cycle
    graph = collected.to_networkx()
    found: list[Finding] = []
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        # A rule is on the cycle through its own node (its trigger reads) or
        # through one of its effects (an effect's value reads).
        places: dict[str, str] = {}
        for node in sorted(component):
            if node in rules and trigger_source(rules[node].trigger) is not None:
                places[node] = f"{node}/trigger/params/source"
            elif graph.nodes[node].get("kind") == "effect":
                owner = node.rsplit("/effects/", 1)[0]
                places.setdefault(owner, f"{node}/value/source")
        if not places:
            continue
        # A fresh graph built in sorted order: a subgraph view iterates the
        # component's set, whose order follows PYTHONHASHSEED, and the message
        # must be the same on every run.
        ordered = nx.DiGraph()
        ordered.add_nodes_from(sorted(component))
        ordered.add_edges_from(sorted((u, v) for u, v in graph.edges(component) if v in component))
        cycle = nx.find_cycle(ordered, source=min(component))
        text = " -> ".join(_label(graph, u) for u, _ in cycle) + f" -> {_label(graph, cycle[0][0])}"
        for owner, pointer in sorted(places.items()):
            found.append(
                finding("SYN-RULE-004", pointer, f"Rule {rules[owner].id!r} is on a cycle: {text}")
            )
    return found


def _label(graph: nx.DiGraph, node: str) -> str:
    data = graph.nodes[node]
    kind = data.get("kind")
    if kind == "rule":
        return f"rule {data['id']!r}"
    if kind == "effect":
        return f"{data['op']} effect"
    return node


def check_unused(scope: Scope, collected: ParameterGraph) -> list[Finding]:
    """SYN-GRAPH-001: declared parameters that nothing drives and nothing reads."""
    if not scope.resolving:
        return []
    found: list[Finding] = []
    driven = collected.driven()
    for path, p in scope.declared.items():
        data = collected.nodes[path]
        if data["read_by"] is not None or not data["in_glsl"] or path in driven:
            continue
        what = (
            "the GLSL never uses it" if p.component == "shader" else "the synth has no such option"
        )
        found.append(
            finding(
                "SYN-GRAPH-001",
                p.pointer,
                f"{path!r} is driven by no control, modulation or rule, and {what}",
            )
        )
    return found
