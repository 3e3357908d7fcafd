"""The one rule for numbers: what the simulation computes with must stay finite.

Vocabulary:
- *overflowing literal*: a number literal no finite float64 holds (``1e999``,
  an integer of 400 digits). The loader reports it (``SYN-NUM-001``, see
  :func:`synharness.loading.overflow_finding`), so such a document never
  parses, is never stored changed (``1e999`` would come back as ``null``) and
  never reaches the simulation.
- *simulated number*: any number outside the free-form keys (``name``,
  ``description``, ``meta_info``): ranges, defaults, steps, smoothing times,
  modulation offsets, amplitudes, scales, control sensitivities. The
  simulation subtracts two of them (``max - min``), multiplies two (``amplitude
  * scale``, ``sensitivity * scale``) and divides by them (``dt / τ``); a
  magnitude up to :data:`MAX_MAGNITUDE` keeps every such result finite and
  meaningful, where ``max: 1e308`` made ``max - min`` infinite and
  ``smoothingTime: 1e308`` made the filter never settle (both crashed a run).
  A larger one is ``SYN-NUM-002`` at its pointer, and the document gets no
  model, so it is never simulated.
"""

from __future__ import annotations

from typing import Any

from synharness.codes import finding
from synharness.findings import Finding, pointer_of

#: Largest magnitude of a simulated number: the product of two stays below 1e300.
MAX_MAGNITUDE = 1e150
#: Keys whose values are free-form text or metadata, never simulated.
FREE_FORM_KEYS = frozenset({"name", "description", "meta_info"})
#: Bytes -> the shape of a number literal: "0" for a digit, "e" for an exponent mark, "+"
#: for a plus sign, " " for anything else. Translating is one C pass over the bytes, and
#: the shapes of a huge literal are then plain substring searches (memmem speed), where a
#: regex over the text cost more than the rest of validation (an asset's shader is full
#: of "e"s and digits, each a candidate start for the regex).
_NUMBER_SHAPE = bytes(
    48 if 48 <= b <= 57 else 101 if b in b"eE" else 43 if b == 43 else 32 for b in range(256)
)
#: A literal beyond MAX_MAGNITUDE has an exponent of at least 3 digits (with or without a
#: plus sign), or at least 151 digits in a row.
_HUGE_SHAPES = (b"e000", b"e+000", b"0" * 151)


def number_shape(text: str) -> bytes:
    """The text with every digit as ``0``, ``e``/``E`` as ``e``, ``+`` kept, the rest blank.

    One C pass; the loader reads its long digit runs from the same shape.
    """
    return utf8_number_shape(text.encode("utf-8", "surrogatepass"))


def utf8_number_shape(encoded: bytes) -> bytes:
    """:func:`number_shape` of a text from its UTF-8 bytes (a caller that has them already)."""
    return encoded.translate(_NUMBER_SHAPE)


def shape_may_hold_huge(shape: bytes) -> bool:
    """:func:`may_hold_huge_numbers` of a text, from its :func:`number_shape`."""
    return any(needle in shape for needle in _HUGE_SHAPES)


def dump_may_hold_huge(dump: bytes) -> bool:
    """:func:`may_hold_huge_numbers` of a text that is orjson's dump of its data.

    orjson writes a float beyond 1e16 with an exponent, ``1e+150``, and an integer
    has at most 20 digits, so a number beyond :data:`MAX_MAGNITUDE` is an ``e+``
    and three digits. Plus signs are rare outside exponents: each is found at
    memchr speed, where the number shape costs a pass over every byte.
    """
    plus = dump.find(b"+")
    while plus >= 0:
        if dump[plus - 1 : plus] == b"e" and dump[plus + 1 : plus + 4].isdigit():
            return True
        plus = dump.find(b"+", plus + 1)
    return False


def may_hold_huge_numbers(text: str) -> bool:
    """Whether ``text`` may spell a number beyond :data:`MAX_MAGNITUDE` (a cheap pre-check).

    Never false for a text that holds one; true also for look-alikes in strings
    (``"e123"``) or for small exponents with leading zeros (``1e0010``), which
    :func:`huge_numbers` then clears by walking the parsed data.
    """
    return shape_may_hold_huge(number_shape(text))


def huge_numbers(data: dict[str, Any]) -> list[Finding]:
    """``SYN-NUM-002`` for each simulated number beyond :data:`MAX_MAGNITUDE`.

    Args:
        data: A document without its envelope (an asset or a component).

    Returns:
        One finding per such number, in document order.
    """
    found: list[Finding] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [
        (value, (key,)) for key, value in reversed(data.items()) if key not in FREE_FORM_KEYS
    ]
    while stack:
        value, path = stack.pop()
        kind = type(value)
        if kind is dict:
            stack.extend((v, (*path, k)) for k, v in reversed(value.items()) if k != "meta_info")
        elif kind is list:
            stack.extend((v, (*path, i)) for i, v in reversed(list(enumerate(value))))
        elif (kind is float or kind is int) and abs(value) > MAX_MAGNITUDE:
            shown = (
                f"{value:.3g}" if kind is float else f"an integer of {len(str(abs(value)))} digits"
            )
            found.append(
                finding(
                    "SYN-NUM-002",
                    pointer_of(*path),
                    f"{shown} is beyond ±{MAX_MAGNITUDE:.0e}: the simulation's arithmetic "
                    "(ranges, products, smoothing) would overflow",
                )
            )
    return found
