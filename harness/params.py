"""Declared parameters and how references to them resolve.

Vocabulary:
- *canonical path*: ``<component>.<name>`` with component ``shader``, ``tone``
  or ``haptic`` (``shader.u_r``, ``tone.envelope.attack``, ``haptic.intensity``).
  The corpus writes shader paths without a prefix (``u_r``) and tone paths with
  one (``tone.detune``); declarations are normalised to canonical paths here.
- *declared parameter*: a parameter that a component declares (a shader uniform
  or input parameter, a tone or haptic input parameter), with its range.
- *reference*: a string in a control, modulation or rule effect that names a
  parameter. It resolves *exactly*, through a *legacy* namespace (``visual.``
  for ``shader.``, ``audio.`` for ``tone.``), as a *bare* name (``u_r``), or not
  at all (then with a "did you mean" suggestion).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from synharness.models import Haptic, HapticParameter, Shader, SynestheticAsset, Tone, ToneParameter

COMPONENTS: tuple[str, ...] = ("shader", "tone", "haptic")
#: Legacy namespace -> component.
LEGACY_PREFIXES: dict[str, str] = {"visual": "shader", "audio": "tone"}


# A named tuple, not a pydantic model nor a frozen dataclass: an asset declares
# dozens of parameters, this runs for every document on the validation hot path,
# and a frozen dataclass pays one object.__setattr__ per field on construction.
class DeclaredParameter(NamedTuple):
    """A parameter a component declares, under its canonical path."""

    path: str
    component: str
    #: ``float``, ``int``, ``bool``, ``string`` or a GLSL type (``vec3``, ...).
    type: str
    #: JSON pointer of the declaration (the input parameter when there is one).
    pointer: str
    default: Any = None
    min: float | None = None
    max: float | None = None
    step: float | None = None
    smoothing_time: float | None = None
    options: tuple[str, ...] | None = None
    #: True when the declaration wrote the path without its component prefix
    #: where the corpus convention expects one (tone and haptic).
    prefixless: bool = False

    @property
    def is_numeric(self) -> bool:
        """Scalar numbers: the parameters that controls and modulations can move."""
        return self.type in ("float", "int", "number") and (
            isinstance(self.default, (int, float)) and not isinstance(self.default, bool)
        )


def canonical(component: str, name: str) -> tuple[str, bool]:
    """Return the canonical path of ``name`` declared in ``component``.

    The boolean says whether the prefix had to be added.
    """
    if name.startswith(component + "."):
        return name, False
    return f"{component}.{name}", True


def _number(value: Any) -> float | None:
    kind = type(value)
    if kind is float:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return float(value)
    if value is None:  # an absent bound or step: common, and cheaper to test here
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


#: Builds a DeclaredParameter from all its fields in order, without the keyword parsing
#: of its generated ``__new__`` (a third of the cost; this runs for every declaration).
_new = tuple.__new__


def _declare_shader(declared: dict[str, DeclaredParameter], shader: Shader, base: str) -> None:
    """Add the uniforms, then the input parameters (which win), of ``shader`` at ``base``."""
    uniforms = shader.uniforms
    if uniforms:
        at = base + "/uniforms/"
        for i, uniform in enumerate(uniforms):
            # The fields from the instance dict: a pydantic model defines __getattr__,
            # which keeps CPython 3.11 from specialising attribute loads on it.
            fields = uniform.__dict__
            name = fields["name"]
            # canonical(), inlined: this and the loops below run for every declaration.
            path = name if name.startswith("shader.") else "shader." + name
            if path not in declared:
                declared[path] = _new(
                    DeclaredParameter,
                    # No range: min, max, step, smoothing and options are None.
                    (
                        path,
                        "shader",
                        fields["type"],
                        f"{at}{i}",
                        fields["default"],
                        None,
                        None,
                        None,
                        None,
                        None,
                        False,
                    ),
                )
    inputs = shader.input_parameters
    if inputs:
        at = base + "/input_parameters/"
        for i, ip in enumerate(inputs):
            fields = ip.__dict__
            name = fields["parameter"] or fields["path"]
            path = name if name.startswith("shader.") else "shader." + name
            listed = declared.get(path)
            declared[path] = _new(
                DeclaredParameter,
                (
                    path,
                    "shader",
                    fields["type"] if listed is None else listed.type,
                    f"{at}{i}",
                    fields["default"],
                    fields["min"],
                    fields["max"],
                    fields["step"],
                    fields["smoothingTime"],
                    None,
                    False,
                ),
            )


def _declare_listed(
    declared: dict[str, DeclaredParameter], component: str, items: list[Any], base: str
) -> None:
    """Add the tone or haptic input parameters that no earlier declaration has the path of."""
    prefix = component + "."
    typed = ToneParameter if component == "tone" else HapticParameter
    at = base + "/input_parameters/"
    for i, item in enumerate(items):
        if type(item) is typed:
            # The fields from the instance dict: a pydantic model defines __getattr__,
            # which keeps CPython 3.11 from specialising attribute loads on it.
            fields = item.__dict__
            raw_path = fields["path"]
            low, high, step = fields["min"], fields["max"], fields["step"]
            # Floats and absent values, the usual bounds, as they are; ints without
            # the call to _number().
            if low is not None and type(low) is not float:
                low = float(low) if type(low) is int else _number(low)
            if high is not None and type(high) is not float:
                high = float(high) if type(high) is int else _number(high)
            if step is not None and type(step) is not float:
                step = _number(step)
            type_, default = fields["type"], fields["default"]
            smoothing, options = fields["smoothingTime"], fields["options"]
        elif isinstance(item, Mapping) and isinstance(item.get("path"), str):
            raw_path, type_, default = item["path"], str(item.get("type", "")), item.get("default")
            low, high = _number(item.get("min")), _number(item.get("max"))
            step, smoothing, options = (
                _number(item.get("step")),
                _number(item.get("smoothingTime")),
                None,
            )
        else:
            continue
        added = not raw_path.startswith(prefix)
        path = prefix + raw_path if added else raw_path
        if path not in declared:
            declared[path] = _new(
                DeclaredParameter,
                (
                    path,
                    component,
                    type_,
                    f"{at}{i}",
                    default,
                    low,
                    high,
                    step,
                    smoothing,
                    tuple(options) if options else None,
                    added,
                ),
            )


def declared_parameters(
    *,
    shader: Shader | None = None,
    tone: Tone | None = None,
    haptic: Haptic | None = None,
    prefix: str = "",
) -> dict[str, DeclaredParameter]:
    """Collect the parameters components declare, keyed by canonical path.

    Args:
        shader: The shader component, if any.
        tone: The tone component, if any.
        haptic: The haptic component, if any.
        prefix: JSON pointer of the document that holds the components
            (``""`` for an asset, whose components sit at ``/shader`` etc.).

    Returns:
        Canonical path -> declaration; the first declaration of a path wins,
        except that a shader input parameter replaces the uniform it exposes.
    """
    return component_parameters(
        shader=shader,
        tone=tone,
        haptic=haptic,
        shader_ptr=f"{prefix}/shader",
        tone_ptr=f"{prefix}/tone",
        haptic_ptr=f"{prefix}/haptic",
    )


def component_parameters(
    *,
    shader: Shader | None = None,
    tone: Tone | None = None,
    haptic: Haptic | None = None,
    shader_ptr: str = "/shader",
    tone_ptr: str = "/tone",
    haptic_ptr: str = "/haptic",
) -> dict[str, DeclaredParameter]:
    """:func:`declared_parameters` with each component at its own pointer.

    A component document declares at ``""``, the root of the document.
    """
    declared: dict[str, DeclaredParameter] = {}
    if shader is not None:
        _declare_shader(declared, shader, shader_ptr)
    if tone is not None:
        _declare_listed(declared, "tone", tone.input_parameters, tone_ptr)
    if haptic is not None:
        _declare_listed(declared, "haptic", haptic.input_parameters, haptic_ptr)
    return declared


def asset_parameters(asset: SynestheticAsset) -> dict[str, DeclaredParameter]:
    """The declared parameters of an asset (see :func:`declared_parameters`)."""
    return declared_parameters(shader=asset.shader, tone=asset.tone, haptic=asset.haptic)


@dataclass(frozen=True, slots=True)
class Resolution:
    """How a reference resolved."""

    reference: str
    #: The canonical path it names, or None when it names nothing declared.
    path: str | None
    how: Literal["exact", "legacy", "bare", "unresolved"]
    #: The closest declared path, for "did you mean" (unresolved only).
    suggestion: str | None = None


def resolve(reference: str, declared: Mapping[str, Any]) -> Resolution:
    """Resolve a parameter reference against declared canonical paths.

    Order: exact match; legacy namespace translated (``visual.x`` ->
    ``shader.x``); bare name found in exactly one component; otherwise
    unresolved, with the closest declared path as a suggestion.
    """
    if reference in declared:
        return Resolution(reference=reference, path=reference, how="exact")
    head, _, rest = reference.partition(".")
    if rest and head in LEGACY_PREFIXES:
        translated = f"{LEGACY_PREFIXES[head]}.{rest}"
        if translated in declared:
            return Resolution(reference=reference, path=translated, how="legacy")
        return Resolution(
            reference=reference,
            path=None,
            how="unresolved",
            suggestion=suggest(translated, declared),
        )
    if head not in COMPONENTS:
        hits = [f"{c}.{reference}" for c in COMPONENTS if f"{c}.{reference}" in declared]
        if len(hits) == 1:
            return Resolution(reference=reference, path=hits[0], how="bare")
    return Resolution(
        reference=reference, path=None, how="unresolved", suggestion=suggest(reference, declared)
    )


def suggest(reference: str, declared: Mapping[str, Any]) -> str | None:
    """The declared path closest to ``reference``, if any is close enough."""
    candidates = list(declared)
    best = difflib.get_close_matches(reference, candidates, n=1, cutoff=0.6)
    if best:
        return best[0]
    # Compare the last segment alone: "visual.px" is close to "shader.u_px".
    tail = reference.rsplit(".", 1)[-1]
    by_tail = {c.rsplit(".", 1)[-1]: c for c in candidates}
    close = difflib.get_close_matches(tail, list(by_tail), n=1, cutoff=0.6)
    return by_tail[close[0]] if close else None
