"""Scenarios: scripted input and expectations for one or more assets, from YAML or JSON.

Vocabulary:
- *scenario*: a named run of ``duration`` seconds in steps of ``dt`` with a
  ``seed``, the *assets* it applies to (paths or globs, relative to the
  scenario file), a timeline of *inputs* and a list of *expectations*;
- *input*: at time ``at`` (for ``duration`` seconds) hold keys and buttons,
  move a mouse axis by a total ``delta`` (pixels, spread evenly over the span),
  turn the wheel by ``wheel`` notches, or press a grid ``cell`` with a
  ``pressure`` (once, or every ``every`` seconds during the span);
- *expectation*: one of :data:`EXPECTATION_KINDS`, written as a one-key
  mapping ``{kind: {...}}`` (see ``docs/semantics.md``).

A scenario file that cannot be read or does not fit this shape raises
:class:`ScenarioError` (exit 2 from ``simulate``; ``run`` files it as a
``SYN-SCN-002`` finding and goes on): it names the file, the JSON pointer and
the line and column. YAML positions come from PyYAML's node marks, JSON ones
from :func:`synharness.positions.locate`.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from synharness.codes import finding
from synharness.errors import HarnessError
from synharness.findings import Finding, pointer_of
from synharness.positions import locate

DEFAULT_DT = 1.0 / 60.0
#: Most steps one scenario may take (``--max-steps``): 10 million steps is 46 h at 60 Hz.
DEFAULT_MAX_STEPS = 10_000_000
EXPECTATION_KINDS: tuple[str, ...] = (
    "within_bounds",
    "reaches",
    "changes",
    "constant",
    "finite",
    "clipped_below",
    "event",
)


class ScenarioError(HarnessError):
    """A scenario file cannot be used: unreadable, not YAML/JSON, or the wrong shape."""

    exit_code: ClassVar[int] = 2

    def __init__(
        self,
        message: str,
        *,
        path: str,
        pointer: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message, path=path)
        self.pointer = pointer
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = f":{self.line}:{self.column}" if self.line is not None else ""
        at = f" at {self.pointer}" if self.pointer else ""
        return f"{self.path}{where}: invalid scenario{at}: {self.message}"

    @property
    def message(self) -> str:
        """The problem, without the location."""
        return str(self.args[0]) if self.args else ""

    def to_finding(self) -> Finding:
        """The ``SYN-SCN-002`` finding of this error."""
        f = finding("SYN-SCN-002", self.pointer, self.message, file=self.path)
        return f.located(self.line, self.column)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hold(_Strict):
    """Keys and mouse buttons held during an input's span."""

    keys: tuple[str, ...] = ()
    buttons: tuple[str, ...] = ()


class Move(_Strict):
    """A mouse movement along one axis, ``delta`` pixels in total."""

    axis: Literal["mouse.x", "mouse.y"]
    delta: float


class GridPress(_Strict):
    """A press on a grid cell ``(column, row)`` with a pressure in [0, 1]."""

    cell: tuple[int, int]
    pressure: float = Field(default=1.0, ge=0.0, le=1.0)
    #: Repeat the press every ``every`` seconds during the input's span.
    every: float | None = Field(default=None, gt=0.0)


class Input(_Strict):
    """One entry of a scenario's timeline."""

    at: float = Field(ge=0.0)
    duration: float = Field(default=0.0, ge=0.0)
    hold: Hold = Hold()
    move: Move | None = None
    wheel: float | None = None
    grid: GridPress | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Input:
        actions = [a for a in (self.move, self.wheel, self.grid) if a is not None]
        if len(actions) > 1:
            raise ValueError("an input does one thing: move, wheel or grid (or only hold)")
        if not actions and not (self.hold.keys or self.hold.buttons):
            raise ValueError("an input needs move, wheel, grid or hold")
        return self


class Expectation(_Strict):
    """One expectation; ``kind`` says which fields it uses."""

    kind: Literal[
        "within_bounds", "reaches", "changes", "constant", "finite", "clipped_below", "event"
    ]
    #: Parameter path (canonical, legacy or bare). Optional for ``finite`` and ``event``.
    param: str | None = None
    min: float | None = None
    max: float | None = None
    value: float | None = None
    at: float | None = None
    tolerance: float | None = Field(default=None, ge=0.0)
    #: [t0, t1] seconds the expectation looks at (default: the whole run).
    window: tuple[float, float] | None = None
    limit: float | None = Field(default=None, ge=0.0, le=1.0)
    #: ``event``: the op (``triggerAttackRelease``) and optionally its target.
    op: str | None = None
    target: str | None = None
    count: int | None = Field(default=None, ge=0)

    _NEEDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "within_bounds": ("param",),
        "reaches": ("param", "value", "at"),
        "changes": ("param",),
        "constant": ("param",),
        "finite": (),
        "clipped_below": ("param", "limit"),
        "event": ("op",),
    }

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Expectation:
        missing = [name for name in self._NEEDS[self.kind] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{self.kind} needs {', '.join(missing)}")
        if self.window is not None and self.window[0] > self.window[1]:
            raise ValueError("window must be [t0, t1] with t0 <= t1")
        return self


class Scenario(_Strict):
    """A scripted run: assets, timing, seed, inputs and expectations."""

    name: str = Field(min_length=1)
    #: The scenario file, or ``builtin:idle`` / ``builtin:sweep`` / ``builtin:random``.
    source: str = "<memory>"
    description: str | None = None
    #: Asset paths or globs, relative to the scenario file.
    assets: tuple[str, ...] = ()
    duration: float = Field(gt=0.0, le=86_400.0)
    dt: float = Field(default=DEFAULT_DT, gt=0.0, le=10.0)
    seed: int = 0
    inputs: tuple[Input, ...] = ()
    expect: tuple[Expectation, ...] = ()
    #: JSON pointer -> (line, column) in the scenario file, for findings.
    positions: dict[str, tuple[int, int]] = Field(default_factory=dict, exclude=True, repr=False)

    #: Built-in scenarios generate their inputs on first use (see :meth:`timeline_inputs`).
    _factory: Callable[[], tuple[Input, ...]] | None = PrivateAttr(default=None)
    _built: tuple[Input, ...] | None = PrivateAttr(default=None)
    #: Built-in scenarios may also generate them one by one (see :meth:`timeline_stream`).
    _stream: Callable[[], Iterator[tuple[int, Input]]] | None = PrivateAttr(default=None)

    def timeline_inputs(self) -> tuple[Input, ...]:
        """The inputs to run: :attr:`inputs`, or those a built-in scenario generates.

        Built-in sweep and random scenarios defer building their inputs so that
        callers who only run the idle scenario do not pay for them.
        """
        if self._factory is None:
            return self.inputs
        if self._built is None:
            self._built = self._factory()
        return self._built

    def timeline_stream(self) -> Iterator[tuple[int, Input]]:
        """(rank, input) pairs in order of start (``at``, then rank).

        The rank orders the inputs as :meth:`timeline_inputs` lists them (the
        timeline breaks ties within a step by it).

        What a run reads: a built-in that can generate its inputs one by one
        (``random``) does, so that a long run does not hold them all; the
        others are sorted once.
        """
        if self._stream is not None and self._built is None:
            return self._stream()
        inputs = self.timeline_inputs()
        return iter(sorted(enumerate(inputs), key=lambda pair: (pair[1].at, pair[0])))

    @property
    def steps(self) -> int:
        """Number of steps ``k = 0 .. N`` with ``N = round(duration / dt)``."""
        return round(self.duration / self.dt) + 1

    def position(self, pointer: str) -> tuple[int | None, int | None]:
        """Line and column of ``pointer`` in the file (or of its nearest parent)."""
        while True:
            if pointer in self.positions:
                return self.positions[pointer]
            if not pointer:
                return None, None
            pointer = pointer.rsplit("/", 1)[0]

    def asset_paths(self) -> list[Path]:
        """The files the ``assets`` patterns name, relative to the scenario file."""
        base = Path(self.source).parent if not self.source.startswith(("builtin:", "<")) else Path()
        found: list[Path] = []
        for pattern in self.assets:
            full = pattern if Path(pattern).is_absolute() else str(base / pattern)
            hits = sorted(glob.glob(full, recursive=True)) if glob.has_magic(full) else [full]
            found += [Path(h).resolve() for h in hits if Path(h).is_file()]
        return found


def asset_findings(scenario: Scenario) -> list[Finding]:
    """``SYN-SCN-003`` when the scenario's ``assets`` name no existing file.

    Args:
        scenario: A scenario loaded from a file.

    Returns:
        One finding pointing at ``/assets``, or none.
    """
    if scenario.asset_paths():
        return []
    line, column = scenario.position("/assets")
    named = ", ".join(scenario.assets) or "nothing"
    message = f"scenario {scenario.name!r} names {named}: no such asset file"
    return [finding("SYN-SCN-003", "/assets", message, file=scenario.source).located(line, column)]


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _yaml_positions(node: yaml.Node, pointer: str, out: dict[str, tuple[int, int]]) -> None:
    out[pointer] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = pointer + pointer_of(str(key.value))
            _yaml_positions(value, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _yaml_positions(item, f"{pointer}/{i}", out)


def _reshape(
    data: dict[str, Any], path: str, positions: dict[str, tuple[int, int]]
) -> dict[str, Any]:
    """Turn ``expect: [{kind: {...}}]`` into ``[{"kind": kind, ...}]`` and fill in the source."""
    shaped = dict(data)
    expect = data.get("expect")
    if isinstance(expect, list):
        items = []
        for i, item in enumerate(expect):
            pointer = f"/expect/{i}"
            if not isinstance(item, dict) or len(item) != 1:
                raise _error(
                    path, pointer, positions, "an expectation is a mapping with one key, its kind"
                )
            ((kind, body),) = item.items()
            if kind not in EXPECTATION_KINDS:
                raise _error(
                    path,
                    pointer + pointer_of(str(kind)),
                    positions,
                    f"unknown expectation {kind!r}; use one of {', '.join(EXPECTATION_KINDS)}",
                )
            if body is None:
                body = {}
            if not isinstance(body, dict):
                raise _error(path, pointer + pointer_of(kind), positions, f"{kind} takes a mapping")
            items.append({"kind": kind, **body})
        shaped["expect"] = items
    shaped.setdefault("source", path)
    return shaped


def _error(
    path: str, pointer: str, positions: dict[str, tuple[int, int]], message: str
) -> ScenarioError:
    line, column = _nearest(positions, pointer)
    return ScenarioError(message, path=path, pointer=pointer, line=line, column=column)


def _nearest(positions: dict[str, tuple[int, int]], pointer: str) -> tuple[int | None, int | None]:
    while True:
        if pointer in positions:
            return positions[pointer]
        if not pointer:
            return None, None
        pointer = pointer.rsplit("/", 1)[0]


def _model_pointer(loc: tuple[int | str, ...]) -> str:
    """Pointer into the *file* for a pydantic error location on the reshaped data."""
    tokens: list[str] = []
    parts = list(loc)
    i = 0
    while i < len(parts):
        token = parts[i]
        tokens.append(str(token))
        i += 1
        if token == "expect" and i < len(parts) and isinstance(parts[i], int):
            tokens.append(str(parts[i]))
            i += 1
            # The file nests the fields under the kind; the kind is filled in below.
            tokens.append("{kind}")
    return pointer_of(*tokens)


def parse_scenario(text: str, *, path: str, kind: Literal["yaml", "json"] = "yaml") -> Scenario:
    """Parse a scenario from its text.

    Args:
        text: The file's text.
        path: How messages and findings name the file.
        kind: ``json`` or ``yaml``.

    Returns:
        The scenario, with ``positions`` for its pointers.

    Raises:
        ScenarioError: The text is not YAML/JSON or not a valid scenario.
    """
    positions: dict[str, tuple[int, int]] = {}
    try:
        if kind == "json":
            data = json.loads(text)
        else:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            if node is not None:
                _yaml_positions(node, "", positions)
            data = yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(exc.msg, path=path, line=exc.lineno, column=exc.colno) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(
            f"not valid YAML: {problem}", path=path, line=line, column=column
        ) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            "a scenario is a mapping (name, duration, inputs, expect)", path=path, line=1, column=1
        )
    shaped = _reshape(data, path, positions)
    try:
        scenario = Scenario.model_validate(shaped)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        pointer = _model_pointer(loc)
        if "{kind}" in pointer:
            index = int(loc[1])
            pointer = pointer.replace("{kind}", str(shaped["expect"][index]["kind"]))
            # A field the model added (kind) has no position: fall back to its parent.
        if kind == "json":
            located = locate(text, pointer) or locate(text, pointer.rsplit("/", 1)[0])
            line, column = located if located else (None, None)
        else:
            line, column = _nearest(positions, pointer)
        message = error["msg"].removeprefix("Value error, ")
        raise ScenarioError(message, path=path, pointer=pointer, line=line, column=column) from None
    if kind == "json":
        positions = _json_positions(text, scenario)
    return scenario.model_copy(update={"positions": positions})


def _json_positions(text: str, scenario: Scenario) -> dict[str, tuple[int, int]]:
    pointers = [""] + [f"/expect/{i}" for i in range(len(scenario.expect))]
    pointers += [f"/expect/{i}/{e.kind}" for i, e in enumerate(scenario.expect)]
    out = {}
    for p in pointers:
        hit = locate(text, p)
        if hit is not None:
            out[p] = hit
    return out


def load_scenario(path: Path | str) -> Scenario:
    """Read a scenario file (``.json`` as JSON, anything else as YAML).

    Args:
        path: The file.

    Returns:
        The scenario; its ``source`` is ``path`` unless the file names another.

    Raises:
        ScenarioError: The file cannot be read or is not a valid scenario.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read the file: {exc}", path=name) from None
    kind: Literal["yaml", "json"] = "json" if name.endswith(".json") else "yaml"
    scenario = parse_scenario(text, path=name, kind=kind)
    return scenario.model_copy(update={"source": name})


#: Suffixes of scenario files in a directory.
SCENARIO_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json")


def scenario_files(directory: Path | str) -> list[Path]:
    """Scenario files under ``directory`` (recursively), sorted."""
    root = Path(directory)
    return sorted(p for p in root.rglob("*") if p.suffix in SCENARIO_SUFFIXES and p.is_file())


def step_cap_finding(scenario: Scenario, max_steps: int) -> Finding | None:
    """``SYN-SCN-004`` when ``scenario`` would take more than ``max_steps`` steps.

    Checked before anything runs, so an oversized run costs nothing; the
    finding points at the scenario file's ``/duration`` (a built-in's names
    the asset).

    Args:
        scenario: The scenario to run.
        max_steps: The cap (``--max-steps``).

    Returns:
        The finding, or None when the scenario fits.
    """
    steps = scenario.steps
    if steps <= max_steps:
        return None
    message = (
        f"scenario {scenario.name!r} ({scenario.source}) would take {steps:,} steps "
        f"({scenario.duration:g} s at dt {scenario.dt:.4g} s), over the cap of {max_steps:,}; "
        f"it was not run"
    )
    if scenario.source.startswith(("builtin:", "<")):
        return finding("SYN-SCN-004", "", message)
    line, column = scenario.position("/duration")
    return finding("SYN-SCN-004", "/duration", message, file=scenario.source).located(line, column)
