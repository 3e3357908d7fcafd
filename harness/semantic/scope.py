"""What the semantic checks look at: one document's parts, with their pointers.

Vocabulary:
- *scope*: the components, controls, modulations and rules of one document,
  each with the JSON pointer where it sits. An asset fills every slot; a
  component document (a shader, a rule bundle, ...) fills its own slot, rooted
  at ``""``.
- *resolving* scope: one whose references can be checked against declared
  parameters (an asset). A lone control bundle or rule bundle cannot tell a
  wrong target from a parameter declared elsewhere, so it is not resolving.

Resolutions are cached on the scope: every check asks for the same references.
They follow :func:`synharness.params.resolve`, with the suggestion searched apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from synharness.models import (
    ControlBundle,
    ControlParameter,
    Haptic,
    ModulationItem,
    ModulationSet,
    Rule,
    RuleBundle,
    Shader,
    SynestheticAsset,
    Tone,
)
from synharness.params import (
    COMPONENTS,
    LEGACY_PREFIXES,
    DeclaredParameter,
    component_parameters,
    suggest,
)


def number(value: Any) -> float | None:
    """A JSON number as float; also unwraps ``{"value": n, "unit": u}`` (the corpus writes both)."""
    kind = type(value)
    if kind is float:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return float(value)
    if value is None:  # absent bounds and steps: common, and cheaper to test here
        return None
    if kind is dict:
        return number(value.get("value"))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@dataclass(slots=True)
class Scope:
    """The parts of one document, with pointers, and the parameters it declares."""

    shader: Shader | None = None
    shader_ptr: str = "/shader"
    tone: Tone | None = None
    tone_ptr: str = "/tone"
    haptic: Haptic | None = None
    haptic_ptr: str = "/haptic"
    controls: list[tuple[str, ControlParameter]] = field(default_factory=list)
    modulations: list[tuple[str, ModulationItem]] = field(default_factory=list)
    rules: list[tuple[str, Rule]] = field(default_factory=list)
    declared: dict[str, DeclaredParameter] = field(default_factory=dict)
    resolving: bool = False
    _suggested: dict[str, str | None] = field(default_factory=dict)
    _paths: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    #: "<component>." (or "" for all) -> the declared paths it starts, for suggestions.
    _component_paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _control_targets: list[str | None] | None = None
    _modulation_targets: list[str | None] | None = None

    def input_parameter_lists(self) -> list[tuple[str, list[Any]]]:
        """(pointer of the component, its input parameters) of each component that lists any."""
        return [
            (pointer, component.input_parameters)
            for component, pointer in (
                (self.shader, self.shader_ptr),
                (self.tone, self.tone_ptr),
                (self.haptic, self.haptic_ptr),
            )
            if component is not None and component.input_parameters
        ]

    def control_targets(self) -> list[str | None]:
        """:meth:`target` of every control's parameter, in order (resolved once for all checks)."""
        if self._control_targets is None:
            self._control_targets = self._targets(
                [c.__dict__["parameter"] for _, c in self.controls]
            )
        return self._control_targets

    def modulation_targets(self) -> list[str | None]:
        """:meth:`target` of every modulation's target, in order (resolved once for all checks)."""
        if self._modulation_targets is None:
            self._modulation_targets = self._targets(
                [m.__dict__["target"] for _, m in self.modulations]
            )
        return self._modulation_targets

    # The references are read from the models' instance dicts: a pydantic model
    # defines __getattr__, which keeps CPython 3.11 from specialising attribute loads.
    def _targets(self, references: list[str]) -> list[str | None]:
        if not self.resolving:
            raw: list[str | None] = list(references)  # each stands for itself
            return raw
        lookup = self.lookup
        return [lookup(reference)[0] for reference in references]

    def lookup(self, reference: str) -> tuple[str | None, str]:
        """(canonical path or None, how) as :func:`synharness.params.resolve` decides, cached.

        The same order as ``resolve`` without its "did you mean" search,
        which only a finding needs and which costs more than all the rest.
        """
        found = self._paths.get(reference)
        if found is not None:
            return found
        declared = self.declared
        if reference in declared:
            found = (reference, "exact")
        else:
            head, _, rest = reference.partition(".")
            found = (None, "unresolved")
            if rest and head in LEGACY_PREFIXES:
                translated = f"{LEGACY_PREFIXES[head]}.{rest}"
                if translated in declared:
                    found = (translated, "legacy")
            elif head not in COMPONENTS:
                hits = 0
                for component in COMPONENTS:
                    candidate = f"{component}.{reference}"
                    if candidate in declared:
                        hits += 1
                        path = candidate
                if hits == 1:  # found in exactly one component
                    found = (path, "bare")
        self._paths[reference] = found
        return found

    def suggestion(self, reference: str) -> str | None:
        """The declared path closest to an unresolved ``reference`` (cached).

        Uses :func:`synharness.params.suggest`, but among the paths of the
        component the reference names (after legacy translation) when it names
        one: the search is the costliest step of all the checks, and a
        ``tone.`` reference is never meant for a shader uniform.
        """
        if reference in self._suggested:
            return self._suggested[reference]
        head, _, rest = reference.partition(".")
        component = LEGACY_PREFIXES.get(head, head) if rest else None
        found: str | None
        if component in COMPONENTS:
            prefix = f"{component}."
            same = self._component_paths.get(prefix)
            if same is None:  # once per component: unresolved references often share one
                same = tuple(p for p in self.declared if p.startswith(prefix))
                self._component_paths[prefix] = same
            found = _suggest(prefix + rest, same) if same else None
        else:
            every = self._component_paths.get("")
            if every is None:
                every = self._component_paths[""] = tuple(self.declared)
            found = _suggest(reference, every)
        self._suggested[reference] = found
        return found

    def target(self, reference: str) -> str | None:
        """The canonical path a reference names, or None.

        In a non-resolving scope the reference stands for itself, so that
        duplicates and cycles are still found among raw names.
        """
        if not self.resolving:
            return reference
        return self.lookup(reference)[0]


@lru_cache(maxsize=4096)
def _suggest(reference: str, candidates: tuple[str, ...]) -> str | None:
    # Cached across documents: generated assets repeat the same wrong names
    # against the same declarations, and the search is slow.
    return suggest(reference, dict.fromkeys(candidates))


def scope_of(kind: str, model: Any) -> Scope | None:
    """Build the scope of a schema-valid document of ``kind``; None for unknown kinds."""
    if isinstance(model, SynestheticAsset):
        # The fields from the instance dict: a pydantic model defines __getattr__,
        # which keeps CPython 3.11 from specialising attribute loads on it.
        fields = model.__dict__
        shader, tone, haptic = fields["shader"], fields["tone"], fields["haptic"]
        control, bundle = fields["control"], fields["rule_bundle"]
        return Scope(
            shader=shader,
            tone=tone,
            haptic=haptic,
            controls=[
                (f"/control/control_parameters/{i}", c)
                for i, c in enumerate(control.__dict__["control_parameters"] if control else ())
            ],
            modulations=model.all_modulations(),
            rules=[
                (f"/rule_bundle/rules/{i}", r)
                for i, r in enumerate(bundle.__dict__["rules"] if bundle else ())
            ],
            # declared_parameters() without its pointer prefix: an asset roots them at "/shader" etc.
            declared=component_parameters(shader=shader, tone=tone, haptic=haptic),
            resolving=True,
        )
    if isinstance(model, Shader):
        declared = component_parameters(shader=model, shader_ptr="")
        return Scope(shader=model, shader_ptr="", declared=declared)
    if isinstance(model, Tone):
        declared = component_parameters(tone=model, tone_ptr="")
        return Scope(tone=model, tone_ptr="", declared=declared)
    if isinstance(model, Haptic):
        declared = component_parameters(haptic=model, haptic_ptr="")
        return Scope(haptic=model, haptic_ptr="", declared=declared)
    if isinstance(model, ControlBundle):
        return Scope(
            controls=[
                (f"/control_parameters/{i}", c) for i, c in enumerate(model.control_parameters)
            ]
        )
    if isinstance(model, ControlParameter):
        return Scope(controls=[("", model)])
    if isinstance(model, ModulationSet):
        return Scope(
            modulations=[(f"/modulations/{i}", m) for i, m in enumerate(model.modulations)]
        )
    if isinstance(model, ModulationItem):
        return Scope(modulations=[("", model)])
    if isinstance(model, RuleBundle):
        return Scope(rules=[(f"/rules/{i}", r) for i, r in enumerate(model.rules)])
    if isinstance(model, Rule):
        return Scope(rules=[("", model)])
    return None
