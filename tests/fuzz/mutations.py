"""Deterministic mutations of the bundled examples, for the mutation fuzzer.

Each case is the bytes of one example changed one way: byte flips,
truncation, type swaps, huge numbers, deep nesting or duplicate keys (and a few
of them combined). Cases are generated from a seed, so a failure names a
reproducible case.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))
HUGE = [
    "1e999",
    "-1e400",
    "9" * 400,
    "-" + "9" * 320,
    "1e308",
    "1.7976931348623157e308",
    "1e151",
    "4e-324",
    "0." + "0" * 400 + "1",
]
SWAPS: list[Any] = [None, True, "x", [], {}, 0, -1, 1.5, [1, 2], {"a": 1}, "", "¹", "\u0000"]


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, (*prefix, i))


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    node = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return data


def byte_flip(raw: bytes, rng: random.Random) -> bytes:
    out = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(raw: bytes, rng: random.Random) -> bytes:
    return raw[: rng.randrange(len(raw))]


def type_swap(raw: bytes, rng: random.Random) -> bytes:
    data = json.loads(raw)
    paths = list(_paths(data))
    for _ in range(rng.randint(1, 3)):
        data = _set(data, rng.choice(paths[1:]), rng.choice(SWAPS))
        paths = list(_paths(data))
    return json.dumps(data, ensure_ascii=False).encode()


def huge_number(raw: bytes, rng: random.Random) -> bytes:
    data = json.loads(raw)
    numeric = [
        p
        for p in _paths(data)
        if isinstance(_get(data, p), int | float) and not isinstance(_get(data, p), bool)
    ]
    marker = "12345.678901"
    data = _set(data, rng.choice(numeric), float(marker))
    return json.dumps(data).replace(marker, rng.choice(HUGE), 1).encode()


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def deep_nesting(raw: bytes, rng: random.Random) -> bytes:
    data = json.loads(raw)
    depth = rng.choice([10, 63, 64, 65, 200, 5000])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    paths = [p for p in _paths(data) if p]
    target = rng.choice(paths)
    marker = '"__deep__"'
    data = _set(data, target, "__deep__")
    return json.dumps(data).replace(marker, opener * depth + "1" + closer * depth, 1).encode()


def duplicate_keys(raw: bytes, rng: random.Random) -> bytes:
    text = raw.decode()
    keys = [i for i in range(len(text)) if text.startswith('": ', i)]
    i = rng.choice(keys)
    start = text.rfind('"', 0, i)
    key = text[start : i + 1]
    return (text[:start] + key + ": 0, " + text[start:]).encode()


MUTATORS = (byte_flip, truncate, type_swap, huge_number, deep_nesting, duplicate_keys)


def cases(count: int, *, seed: int = 9) -> list[tuple[str, bytes]]:
    """``count`` mutated documents as ``(name, bytes)``, the same for the same seed."""
    rng = random.Random(seed)
    originals = [(p.stem, p.read_bytes()) for p in EXAMPLES]
    out: list[tuple[str, bytes]] = []
    for n in range(count):
        stem, raw = originals[n % len(originals)]
        mutator = MUTATORS[n % len(MUTATORS)]
        mutated = mutator(raw, rng)
        if n % 7 == 0:  # now and then a second mutation on top
            second = rng.choice((byte_flip, truncate))
            mutated = second(mutated, rng) if mutated else mutated
        out.append((f"case-{n:04d}-{stem}-{mutator.__name__}", mutated))
    return out
