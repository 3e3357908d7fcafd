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
from functools import partial
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
            isinstance(self.default, int | float) and not isinstance(self.default, bool)
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
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _shader_parameters(shader: Shader, base: str) -> dict[str, DeclaredParameter]:
    declared: dict[str, DeclaredParameter] = {}
    for i, uniform in enumerate(shader.uniforms or ()):
        path = canonical("shader", uniform.name)[0]
        if path not in declared:
            declared[path] = DeclaredParameter(
                path, "shader", uniform.type, f"{base}/uniforms/{i}", uniform.default
            )
    for i, ip in enumerate(shader.input_parameters or ()):
        path = canonical("shader", ip.parameter or ip.path)[0]
        listed = declared.get(path)
        declared[path] = DeclaredParameter(
            path,
            "shader",
            listed.type if listed else ip.type,
            f"{base}/input_parameters/{i}",
            ip.default,
            ip.min,
            ip.max,
            ip.step,
            ip.smoothingTime,
        )
    return declared


#: The typed input parameters (the others are raw objects of the permissive tone schema).
_TYPED_PARAMETERS = (ToneParameter, HapticParameter)


#: Builds a DeclaredParameter from its fields in order, without the keyword parsing of
#: its generated ``__new__`` (a third of the cost; this runs for every declaration).
_declared = partial(tuple.__new__, DeclaredParameter)


def _listed_parameters(component: str, items: list[Any], base: str) -> dict[str, DeclaredParameter]:
    declared: dict[str, DeclaredParameter] = {}
    prefix = component + "."
    for i, item in enumerate(items):
        if isinstance(item, _TYPED_PARAMETERS):
            raw_path, type_, default = item.path, item.type, item.default
            # Floats, the usual bounds, skip the call to _number().
            low = item.min if type(item.min) is float else _number(item.min)
            high = item.max if type(item.max) is float else _number(item.max)
            step = item.step if type(item.step) is float else _number(item.step)
            smoothing, options = item.smoothingTime, item.options
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
        # canonical(), inlined.
        added = not raw_path.startswith(prefix)
        path = prefix + raw_path if added else raw_path
        if path not in declared:
            declared[path] = _declared(
                (
                    path,
                    component,
                    type_,
                    f"{base}/input_parameters/{i}",
                    default,
                    low,
                    high,
                    step,
                    smoothing,
                    tuple(options) if options else None,
                    added,
                )
            )
    return declared


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
        Canonical path -> declaration; the first declaration of a path wins.
    """
    declared: dict[str, DeclaredParameter] = {}
    if shader is not None:
        declared.update(_shader_parameters(shader, f"{prefix}/shader"))
    if tone is not None:
        for path, p in _listed_parameters("tone", tone.input_parameters, f"{prefix}/tone").items():
            declared.setdefault(path, p)
    if haptic is not None:
        for path, p in _listed_parameters(
            "haptic", haptic.input_parameters, f"{prefix}/haptic"
        ).items():
            declared.setdefault(path, p)
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
