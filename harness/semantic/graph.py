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
:class:`ParameterGraph` with plain walks (strongly connected components and
one cycle per component, in sorted order so messages never depend on hash
seeds); :meth:`ParameterGraph.to_networkx` hands the same graph to networkx
(the ``graph`` extra) for analysis outside the checks, which keeps networkx's
19 MB out of the base install and its import out of every start-up.

*Read*: a shader uniform is read when the GLSL uses it beyond its
declaration; a tone parameter when its path names an option that the synth,
an effect or a pattern actually has (``tone.envelope.attack`` and the synth
has an envelope attack); a haptic parameter always (the device consumes every
input parameter). Shader parameters that GLSL does not declare at all are left
to SYN-GLSL-002 / -007 rather than reported twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from synharness.codes import finding
from synharness.findings import Finding
from synharness.models import SynestheticAsset, Tone
from synharness.semantic.glsl_parse import parse_pair
from synharness.semantic.scope import Scope, scope_of
from synharness.semantic.vocabulary import (
    PARAMETER_OPS,
    effect_source,
    op_component,
    trigger_source,
)

if TYPE_CHECKING:
    import networkx as nx

#: Uniforms the renderer sets itself (time, canvas size, pointer).
RUNTIME_UNIFORMS: frozenset[str] = frozenset(
    {"u_time", "u_resolution", "u_mouse", "u_frame", "u_timeDelta", "u_date"}
)
RUNTIME = "runtime"


def _has(obj: Any, segments: list[str]) -> bool:
    for seg in segments:
        if isinstance(obj, dict):
            if seg not in obj:
                return False
            obj = obj[seg]
        elif isinstance(obj, list) and seg.isascii() and seg.isdigit() and int(seg) < len(obj):
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
        self._synth = tone.synth
        self._options = tone.synth.get("options")

    def _raw(self, head: str) -> list[Any]:
        # Dumped once, and only when a path asks for them.
        if head not in self._items:
            items = getattr(self._tone, head) or []
            # A typed effect's fields and extras as they are, not model_dump()'s deep
            # copy: they are plain JSON already (type, options, order).
            self._items[head] = [
                i if isinstance(i, dict) else {**i.__dict__, **(i.__pydantic_extra__ or {})}
                for i in items
            ]
        return self._items[head]

    def __contains__(self, relative: object) -> bool:
        return self.has(str(relative))

    def has(self, relative: str) -> bool:
        """``relative in self``, without the ``in`` operator's slot lookup (asked per parameter)."""
        segments = relative.split(".")
        head = segments[0]
        if head in _LISTS and len(segments) > 1 and segments[1].isascii() and segments[1].isdigit():
            items = self._raw(head)
            index = int(segments[1])
            if index >= len(items):
                return False
            item = items[index]
            return _has(item, segments[2:]) or _has(item.get("options"), segments[2:])
        # The usual question, a synth option down plain objects, walked here: the
        # call to _has costs as much as the walk. Anything else (a list index, an
        # option under the ``options`` wrapper, no such option) goes to _has.
        node = self._synth
        for seg in segments:
            if type(node) is not dict or seg not in node:
                break
            node = node[seg]
        else:
            return True
        return _has(self._synth, segments) or _has(self._options, segments)


#: Heads that name a list of the tone (``effects.0.wet``), not a synth option.
_LISTS = frozenset({"effects", "patterns", "parts"})


_VIA = {
    v: {"via": v}
    for v in ("control", "modulation", "effect", "writes", "plays", "runtime", "reads", "trigger")
}


@dataclass(slots=True)
class ParameterGraph:
    """The parameter graph as plain nodes and edges (see the module docstring)."""

    nodes: dict[str, dict[str, Any]]
    edges: list[tuple[str, str, dict[str, str]]]
    #: Whether an edge leads into a rule or an effect (else there is no cycle).
    feedback: bool

    def driven(self) -> set[str]:
        """Nodes with an incoming edge."""
        return {v for _, v, _ in self.edges}

    def successors(self) -> dict[str, list[str]]:
        """Each node's successors, sorted (nodes without edges map to [])."""
        out: dict[str, set[str]] = {n: set() for n in self.nodes}
        for u, v, _ in self.edges:
            out.setdefault(u, set()).add(v)
            out.setdefault(v, set())
        return {n: sorted(vs) for n, vs in sorted(out.items())}

    def to_networkx(self) -> nx.DiGraph:
        """The graph as a ``networkx.DiGraph`` (needs the ``graph`` extra)."""
        from synharness.extras import require_extra

        require_extra("graph", what="ParameterGraph.to_networkx()")
        import networkx as nx

        graph: nx.DiGraph = nx.DiGraph(feedback=self.feedback)
        graph.add_nodes_from(self.nodes.items())
        graph.add_edges_from(self.edges)
        return graph


def strongly_connected_components(successors: Mapping[str, list[str]]) -> list[list[str]]:
    """Tarjan's components of a graph given as sorted successor lists, iteratively.

    Each component is sorted; components come in the order Tarjan closes them,
    which is deterministic because the input is sorted.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in successors:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            nexts = successors.get(node, [])
            if i < len(nexts):
                work.append((node, i + 1))
                nxt = nexts[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def find_cycle(successors: Mapping[str, list[str]], members: set[str], source: str) -> list[str]:
    """One cycle through ``source`` inside a strongly connected component.

    A breadth-first search from ``source`` back to itself over edges inside
    ``members`` (visiting successors in sorted order) gives the shortest such
    cycle, the same on every run.
    """
    parent: dict[str, str] = {}
    frontier = [source]
    seen = {source}
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in successors.get(node, []):
                if nxt not in members:
                    continue
                if nxt == source:
                    path = [node]
                    while path[-1] != source:
                        path.append(parent[path[-1]])
                    return list(reversed(path))
                if nxt not in seen:
                    seen.add(nxt)
                    parent[nxt] = node
                    following.append(nxt)
        frontier = following
    return [source]


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


def parameter_graph(asset: SynestheticAsset) -> ParameterGraph:
    """The parameter graph of an asset (see the module docstring)."""
    scope = scope_of("synesthetic-asset", asset)
    assert scope is not None  # an asset always has a scope
    return collect_graph(scope)


def check_cycles(scope: Scope, collected: ParameterGraph) -> list[Finding]:
    """SYN-RULE-004: a rule on a cycle of the graph feeds its own trigger."""
    rules = {p: r for p, r in scope.rules}
    if not rules or not collected.feedback:
        return []  # without an edge into a rule or effect there is no cycle
    successors = collected.successors()
    nodes = collected.nodes
    found: list[Finding] = []
    for component in strongly_connected_components(successors):
        if len(component) < 2:
            continue
        # A rule is on the cycle through its own node (its trigger reads) or
        # through one of its effects (an effect's value reads).
        places: dict[str, str] = {}
        for node in component:
            if node in rules and trigger_source(rules[node].trigger) is not None:
                places[node] = f"{node}/trigger/params/source"
            elif nodes.get(node, {}).get("kind") == "effect":
                owner = node.rsplit("/effects/", 1)[0]
                places.setdefault(owner, f"{node}/value/source")
        if not places:
            continue
        cycle = find_cycle(successors, set(component), component[0])
        text = " -> ".join(_label(nodes, u) for u in cycle) + f" -> {_label(nodes, cycle[0])}"
        for owner, pointer in sorted(places.items()):
            found.append(
                finding("SYN-RULE-004", pointer, f"Rule {rules[owner].id!r} is on a cycle: {text}")
            )
    return found


def _label(nodes: Mapping[str, dict[str, Any]], node: str) -> str:
    data = nodes.get(node, {})
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
    return _unused(scope, collected.driven())


def check_graph(scope: Scope) -> list[Finding]:
    """SYN-RULE-004 and SYN-GRAPH-001, as :func:`check_cycles` and :func:`check_unused`.

    The graph is built only when it may hold a cycle: the unused parameters
    need only what drives each parameter, which the scope's references say.
    """
    found: list[Finding] = []
    if scope.rules and _may_feed_back(scope):
        found += check_cycles(scope, collect_graph(scope))
    if scope.resolving:
        found += _unused(scope, _driven(scope))
    return found


def _may_feed_back(scope: Scope) -> bool:
    """False when the graph of the scope has no edge into a rule or an effect.

    In a resolving scope a trigger or effect value that reads something makes
    an edge exactly when what it reads resolves (every resolved path is a
    node); in a lone bundle any read may name a node.
    """
    resolving = scope.resolving
    for _, rule in scope.rules:
        source = trigger_source(rule.trigger)
        if source is not None and (not resolving or scope.lookup(source)[0] is not None):
            return True
        for effect in rule.effects or ():
            if not isinstance(effect.get("op"), str) or not isinstance(effect.get("target"), str):
                continue
            read = effect_source(effect)
            if read is not None and (not resolving or scope.lookup(read)[0] is not None):
                return True
    return False


def _driven(scope: Scope) -> set[str | None]:
    """The declared parameters of a resolving scope with an edge into them in the graph.

    The runtime's uniforms, and the targets of controls, modulations and
    parameter-writing effects (as :func:`collect_graph` draws them).
    """
    driven: set[str | None] = {
        path
        for path, p in scope.declared.items()
        if p.component == "shader" and path[7:] in RUNTIME_UNIFORMS
    }
    driven.update(scope.control_targets())
    driven.update(scope.modulation_targets())
    for _, rule in scope.rules:
        for effect in rule.effects or ():
            op, goal = effect.get("op"), effect.get("target")
            if isinstance(op, str) and op in PARAMETER_OPS and isinstance(goal, str):
                driven.add(scope.lookup(goal)[0])
    return driven  # None among them stands for the references that name nothing


def _unused(scope: Scope, driven: AbstractSet[str | None]) -> list[Finding]:
    """SYN-GRAPH-001 for the declared parameters not in ``driven`` that nothing reads.

    Read as :func:`collect_graph` says (``read_by``), and shader parameters
    that no GLSL source declares left to SYN-GLSL-002 / -007 (``in_glsl``).
    """
    found: list[Finding] = []
    pair = None
    options = None
    for path, p in scope.declared.items():
        component = p.component
        if component == "haptic" or path in driven:
            continue  # the device reads every haptic parameter
        name = path[len(component) + 1 :]
        if component == "shader":
            if pair is None:
                assert scope.shader is not None  # it declared the parameter
                pair = parse_pair(scope.shader.vertex_shader, scope.shader.fragment_shader)
            if name in pair.used or name not in pair.uniforms:
                continue
            what = "the GLSL never uses it"
        else:
            if options is None:
                assert scope.tone is not None  # it declared the parameter
                options = ToneOptions(scope.tone)
            if options.has(name):
                continue
            what = "the synth has no such option"
        found.append(
            finding(
                "SYN-GRAPH-001",
                p.pointer,
                f"{path!r} is driven by no control, modulation or rule, and {what}",
            )
        )
    return found
