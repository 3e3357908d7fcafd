"""Values against the type a parameter declares (SYN-TYPE-*).

Controls and component input parameters declare a ``type``; their ``options``
(the values a host offers to choose from) and ``default`` must be values of
that type. The schema cannot say so: controls and haptic parameters type
options as strings whatever the parameter's type, and tone parameters are
free objects. Types this module knows:

- *string* (``string``, ``str``): a JSON string;
- *float* (``float``, ``number``, ``double``): a number, or a string that
  reads as a finite number (the schema makes options strings);
- *int* (``int``, ``integer``): a whole number, or a string that reads as one;
- *bool* (``bool``, ``boolean``): ``true``/``false``, the strings
  ``"true"``/``"false"``, or 0 and 1 as a default.

Other types (``vec3``, unknown ones) are not judged.
"""

from __future__ import annotations

import math
from typing import Any

from synharness.codes import finding
from synharness.findings import Finding
from synharness.models import ControlParameter
from synharness.semantic.scope import Scope

_KINDS = {
    "string": "string",
    "str": "string",
    "float": "float",
    "number": "float",
    "double": "float",
    "int": "int",
    "integer": "int",
    "bool": "bool",
    "boolean": "bool",
}


def _float_text(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def fits(value: Any, kind: str, *, default: bool = False) -> bool:
    """Whether ``value`` is a value of the type ``kind`` (one of the known kinds).

    Args:
        value: An option or a default, as parsed JSON.
        kind: ``string``, ``float``, ``int`` or ``bool``.
        default: The value is a default: a bool parameter may start at 0 or 1,
            and a ``{"value": n, "unit": u}`` object stands for ``n``.

    Returns:
        True when the value is of the type.
    """
    if default and isinstance(value, dict) and "value" in value:
        value = value["value"]
    # The common cases first (this runs for every option of every declaration).
    value_type = type(value)
    if value_type is str:
        if kind == "string":
            return True
    elif value_type is float and kind == "float":
        return math.isfinite(value)
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "bool":
        if isinstance(value, bool):
            return True
        if isinstance(value, str):
            return value.strip().lower() in ("true", "false")
        return default and is_number and value in (0, 1)
    if isinstance(value, str):
        number = _float_text(value.strip())
    elif is_number:
        number = float(value)
    else:
        return False
    if number is None or not math.isfinite(number):
        return False
    return kind == "float" or number.is_integer()


def _typed_items(scope: Scope) -> list[tuple[str, int, Any, Any, Any, Any]]:
    """(pointer, index, declaration, type, options, default) of every control and input parameter.

    The pointer of a control has index -1; an input parameter's is the
    component's ``.../input_parameters/`` followed by its index, formatted
    only for a finding. Model fields are read from the instance dict (pydantic
    models define ``__getattr__``, which keeps attribute loads unspecialised);
    an open model's extras are asked only for what is not a field (the
    ``options`` of a shader input parameter).
    """
    items: list[tuple[str, int, Any, Any, Any, Any]] = []
    for pointer, control in scope.controls:
        fields = control.__dict__
        items.append((pointer, -1, control, fields["type"], fields["options"], fields["default"]))
    shader = scope.shader
    if shader is not None and shader.input_parameters:
        at = scope.shader_ptr + "/input_parameters/"
        for i, ip in enumerate(shader.input_parameters):
            extra = ip.__pydantic_extra__
            options = extra.get("options") if extra else None
            fields = ip.__dict__
            items.append((at, i, ip, fields["type"], options, fields["default"]))
    for component, ptr in ((scope.tone, scope.tone_ptr), (scope.haptic, scope.haptic_ptr)):
        if component is None:
            continue
        at = ptr + "/input_parameters/"
        for i, item in enumerate(component.input_parameters):
            if type(item) is dict:
                fields = item
                items.append(
                    (at, i, item, item.get("type"), item.get("options"), item.get("default"))
                )
            else:
                fields = item.__dict__
                items.append((at, i, item, fields["type"], fields["options"], fields["default"]))
    return items


def _all_fit(options: list[Any], kind: str) -> bool:
    """Whether every option is of ``kind``: the usual list of strings or floats in one pass."""
    if kind == "string":
        return all(type(option) is str for option in options)
    if kind == "float" and all(type(option) is float for option in options):
        return all(math.isfinite(option) for option in options)
    return all(fits(option, kind) for option in options)


def _label(declaration: Any) -> str:
    """How a finding names a declaration; built only for a finding (this runs per parameter)."""
    if isinstance(declaration, ControlParameter):
        return f"Control {declaration.parameter!r}"
    if isinstance(declaration, dict):
        name = declaration.get("path") or declaration.get("name")
    else:
        name = getattr(declaration, "path", None) or getattr(declaration, "name", None)
    return f"Input parameter {str(name)!r}"


def _shown(value: Any) -> str:
    kind = "bool" if isinstance(value, bool) else type(value).__name__
    return f"{value!r} ({kind})"


def check_types(scope: Scope) -> list[Finding]:
    """SYN-TYPE-001 (options) and SYN-TYPE-002 (default) for every typed declaration."""
    found: list[Finding] = []
    for at, i, declaration, declared, options, default in _typed_items(scope):
        if type(declared) is str:
            kind = _KINDS.get(declared) or _KINDS.get(declared.strip().lower())
        elif isinstance(declared, str):
            kind = _KINDS.get(declared.strip().lower())
        else:
            continue
        if kind is None:
            continue
        if options and isinstance(options, list) and not _all_fit(options, kind):
            pointer = at if i < 0 else f"{at}{i}"
            for j, option in enumerate(options):
                if not fits(option, kind):
                    found.append(
                        finding(
                            "SYN-TYPE-001",
                            f"{pointer}/options/{j}",
                            f"{_label(declaration)} is typed {declared!r}, but its option "
                            f"{_shown(option)} is not a {kind}",
                        )
                    )
        if default is None:
            continue
        # The usual defaults, judged without a call: a string, a finite float.
        value_type = type(default)
        if value_type is str:
            if kind == "string":
                continue
        elif value_type is float and kind == "float" and math.isfinite(default):
            continue
        if not fits(default, kind, default=True):
            pointer = at if i < 0 else f"{at}{i}"
            found.append(
                finding(
                    "SYN-TYPE-002",
                    f"{pointer}/default",
                    f"{_label(declaration)} is typed {declared!r}, but its default "
                    f"{_shown(default)} is not a {kind}",
                )
            )
    return found
