"""Timeline: a scenario's inputs turned into what happens at which step.

Vocabulary:
- *step* ``k`` happens at ``t_k = k·dt``; an instant ``at`` belongs to the
  first step at or after it;
- a *span* ``[at, at + duration]`` spreads a movement evenly: step ``k``
  receives ``D·(F(t_k) - F(t_{k-1}))`` of a total ``D``, with
  ``F(t) = clamp((t - at)/duration, 0, 1)``, so the parts add up to ``D``
  exactly once the span is over;
- *held set* at a step: the keys and buttons of every input whose span covers it.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field

import numpy as np
from synharness.agents.config import normalise_key
from synharness.agents.scenario import Input, Scenario

#: Slack for times that should fall exactly on a step.
_EPS = 1e-9


@dataclass
class StepActions:
    """What the inputs do at one step."""

    #: (axis, amount, keys, buttons): ``mouse.x``/``mouse.y`` pixels or ``mouse.wheel`` notches.
    moves: list[tuple[str, float, frozenset[str], frozenset[str]]] = field(default_factory=list)
    #: (cell, pressure).
    presses: list[tuple[tuple[int, int], float]] = field(default_factory=list)


def first_step(at: float, dt: float) -> int:
    """The first step at or after time ``at``."""
    return max(0, math.ceil(at / dt - _EPS))


def _covers(item: Input, t: float) -> bool:
    return item.at - _EPS <= t <= item.at + item.duration + _EPS


def _spread(item: Input, total: float, dt: float, steps: int) -> list[tuple[int, float]]:
    if item.duration <= 0:
        k = first_step(item.at, dt)
        return [(k, total)] if k < steps else []
    k0 = first_step(item.at, dt)
    k1 = min(steps - 1, math.ceil((item.at + item.duration) / dt + _EPS))
    if k0 > k1:
        return []
    ks = np.arange(k0, k1 + 1)
    now = np.clip((ks * dt - item.at) / item.duration, 0.0, 1.0)
    before = np.clip(((ks - 1) * dt - item.at) / item.duration, 0.0, 1.0)
    parts = total * (now - before)
    return [(int(k), float(p)) for k, p in zip(ks, parts, strict=True) if p != 0.0]


def build_timeline(scenario: Scenario) -> dict[int, StepActions]:
    """Map each step at which something happens to what happens there.

    The whole run at once (tests and small runs); a run walks its steps window
    by window through :class:`Timeline` instead.

    Args:
        scenario: The scenario whose inputs to schedule.

    Returns:
        Step -> actions, for steps ``0 .. scenario.steps - 1`` only.
    """
    return dict(Timeline(scenario).actions(0, scenario.steps))


@dataclass
class _MoveSpan:
    """A mouse or wheel input: the steps ``[k0, k1]`` it may move, and how much in all."""

    order: int
    k0: int
    k1: int
    item: Input
    axis: str
    total: float
    keys: frozenset[str]
    buttons: frozenset[str]


@dataclass
class _Presses:
    """A grid input: its presses at ``at + n·every`` for ``n = 0 .. count``, from ``n`` on."""

    order: int
    item: Input
    count: int
    n: int = 0

    def at(self, n: int) -> float:
        item = self.item
        assert item.grid is not None
        return item.at if self.count == 0 else item.at + n * (item.grid.every or 0.0)


class Timeline:
    """A scenario's step actions, window by window in step order (a sweep line).

    The inputs come from :meth:`~synharness.agents.scenario.Scenario.timeline_stream`
    in order of their start (a scenario file's sorted once, O(n log n); a
    built-in's generated as they come); a window pulls the inputs that start
    by its end and reads the actions of those active in it, so memory is one
    window and the inputs still under way, whatever the duration. Windows
    must be asked for in order and without gaps; together they give exactly
    :func:`build_timeline`'s actions.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.dt, self.steps = scenario.dt, scenario.steps
        self._stream = iter(scenario.timeline_stream())
        self._held = _HeldSets()
        #: Pulled from the stream but not yet started (in order of start).
        self._pending_moves: deque[_MoveSpan] = deque()
        self._pending_presses: deque[_Presses] = deque()
        self._active_moves: list[_MoveSpan] = []
        self._active_presses: list[_Presses] = []
        self._exhausted = False
        #: Start of the last input pulled.
        self._last_pulled = -math.inf
        self._next = 0
        # Unions repeat (the held set changes only at span ends): build each once.
        self._unions: dict[tuple[frozenset[str], frozenset[str]], frozenset[str]] = {}

    def _pull(self) -> bool:
        """Take the next input off the stream; False once it is exhausted."""
        if self._exhausted:
            return False
        nxt = next(self._stream, None)
        if nxt is None:
            self._exhausted = True
            return False
        order, item = nxt
        if item.at < self._last_pulled:
            raise ValueError(f"timeline inputs out of order: {item.at} after {self._last_pulled}")
        self._last_pulled = item.at
        if item.hold.keys or item.hold.buttons:
            self._held.add(
                item,
                frozenset(normalise_key(k) for k in item.hold.keys),
                frozenset(b.lower() for b in item.hold.buttons),
            )
        dt, steps = self.dt, self.steps
        if item.move is not None or item.wheel is not None:
            k0 = first_step(item.at, dt)
            if item.duration <= 0:
                k1 = k0
            else:
                k1 = min(steps - 1, math.ceil((item.at + item.duration) / dt + _EPS))
            if k0 <= k1 and k0 < steps:
                self._pending_moves.append(
                    _MoveSpan(
                        order,
                        k0,
                        k1,
                        item,
                        item.move.axis if item.move is not None else "mouse.wheel",
                        item.move.delta if item.move is not None else float(item.wheel or 0.0),
                        frozenset(normalise_key(x) for x in item.hold.keys),
                        frozenset(b.lower() for b in item.hold.buttons),
                    )
                )
        elif item.grid is not None:
            count = 0
            if item.grid.every is not None and item.duration > 0:
                count = math.floor(item.duration / item.grid.every + _EPS)
            self._pending_presses.append(_Presses(order, item, count))
        return True

    @property
    def empty(self) -> bool:
        """Whether no step of the run has any action (then the base never moves).

        Pulls inputs only until one acts (they are kept for the windows).
        """
        moves, presses = self._pending_moves, self._pending_presses
        seen_moves = seen_presses = 0
        while True:
            for span in list(moves)[seen_moves:]:
                if _has_part(span, self.dt):
                    return False
            for press in list(presses)[seen_presses:]:
                if first_step(press.item.at, self.dt) < self.steps:
                    return False
            seen_moves, seen_presses = len(moves), len(presses)
            if not self._pull():
                return True

    def actions(self, start: int, stop: int) -> list[tuple[int, StepActions]]:
        """The steps in ``[start, stop)`` at which something happens, in order, with their actions.

        Args:
            start: First step; the previous call's ``stop`` (0 at first).
            stop: One past the last step (at most the scenario's steps).

        Returns:
            (step, actions) pairs in step order.
        """
        if start != self._next:
            raise ValueError(f"timeline windows must follow each other: {start} after {self._next}")
        stop = min(stop, self.steps)
        self._next = max(start, stop)
        if stop <= start:
            return []
        dt = self.dt
        # Every input that may start (or hold a key) by the window's last step, with
        # slack for the tolerance of both tests.
        horizon = stop * dt + 2 * _EPS
        pending_moves, pending_presses = self._pending_moves, self._pending_presses
        while self._last_pulled <= horizon and self._pull():
            pass
        while pending_moves and pending_moves[0].k0 < stop:
            self._active_moves.append(pending_moves.popleft())
        while pending_presses and first_step(pending_presses[0].item.at, dt) < stop:
            self._active_presses.append(pending_presses.popleft())
        #: (step, order, axis, amount, own keys, own buttons).
        moves: list[tuple[int, int, str, float, frozenset[str], frozenset[str]]] = []
        for span in self._active_moves:
            for k, amount in _window_parts(span, start, stop, dt):
                moves.append((k, span.order, span.axis, amount, span.keys, span.buttons))
        self._active_moves = [s for s in self._active_moves if s.k1 >= stop]
        #: (step, order, n, cell, pressure).
        pressed: list[tuple[int, int, int, tuple[int, int], float]] = []
        for source in self._active_presses:
            grid = source.item.grid
            assert grid is not None
            while source.n <= source.count:
                k = first_step(source.at(source.n), dt)
                if k >= stop:
                    break
                pressed.append((k, source.order, source.n, grid.cell, grid.pressure))
                source.n += 1
        self._active_presses = [p for p in self._active_presses if p.n <= p.count]
        timeline: dict[int, StepActions] = defaultdict(StepActions)
        moves.sort(key=lambda m: (m[0], m[1]))
        held, unions = self._held, self._unions
        for k, _, move_axis, amount, own_keys, own_buttons in moves:
            keys, buttons = held.at(k * dt)
            # The input's own hold counts even on the step just after its span.
            if own_keys:
                keys = unions.get((keys, own_keys)) or unions.setdefault(
                    (keys, own_keys), keys | own_keys
                )
            if own_buttons:
                pair = (buttons, own_buttons)
                buttons = unions.get(pair) or unions.setdefault(pair, buttons | own_buttons)
            timeline[k].moves.append((move_axis, amount, keys, buttons))
        pressed.sort(key=lambda p: (p[0], p[1], p[2]))
        for k, _, _, cell, pressure in pressed:
            timeline[k].presses.append((cell, pressure))
        return sorted(timeline.items())


def _parts(span: _MoveSpan, k0: int, k1: int, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Steps ``k0 .. k1`` of a span that lasts, and :func:`_spread`'s part at each (the same numbers)."""
    item = span.item
    ks = np.arange(k0, k1 + 1)
    now = np.clip((ks * dt - item.at) / item.duration, 0.0, 1.0)
    before = np.clip(((ks - 1) * dt - item.at) / item.duration, 0.0, 1.0)
    return ks, span.total * (now - before)


def _window_parts(span: _MoveSpan, start: int, stop: int, dt: float) -> list[tuple[int, float]]:
    """The nonzero parts of ``span`` at steps in ``[start, stop)``."""
    if span.item.duration <= 0:
        return [(span.k0, span.total)] if start <= span.k0 < stop else []
    k0, k1 = max(span.k0, start), min(span.k1, stop - 1)
    if k0 > k1:
        return []
    ks, parts = _parts(span, k0, k1, dt)
    return [(int(k), float(p)) for k, p in zip(ks, parts, strict=True) if p != 0.0]


#: Steps of a span looked at together when asking whether it moves at all.
_PIECE = 1 << 16


def _has_part(span: _MoveSpan, dt: float) -> bool:
    """Whether ``span`` moves anything (a part that is not 0), in bounded memory."""
    if span.item.duration <= 0:
        return True
    for k0 in range(span.k0, span.k1 + 1, _PIECE):
        _, parts = _parts(span, k0, min(span.k1, k0 + _PIECE - 1), dt)
        if np.count_nonzero(parts):
            return True
    return False


class _HeldSets:
    """The held set at non-decreasing times, by a sweep line over the spans in order of start.

    Spans are added in order of start (as the timeline pulls its inputs) and
    ``at(t)`` is called with non-decreasing ``t``; each span enters once (when
    ``t`` reaches its start) and leaves once (when ``t`` passes its end), so a
    run costs O(n log n) in the inputs plus O(1) per query while the set is
    unchanged, instead of a scan of every input per query. Coverage is
    :func:`_covers`'s: ``at - ε <= t <= at + duration + ε``.
    """

    def __init__(self) -> None:
        self._starts: deque[tuple[float, int]] = deque()
        self._ends: list[tuple[float, int]] = []
        self._holds: dict[int, tuple[Input, frozenset[str], frozenset[str]]] = {}
        self._count = 0
        self._keys: Counter[str] = Counter()
        self._buttons: Counter[str] = Counter()
        self._current: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
        self._dirty = False

    def add(self, item: Input, keys: frozenset[str], buttons: frozenset[str]) -> None:
        """A span that holds ``keys`` and ``buttons``, starting no earlier than those added before."""
        self._holds[self._count] = (item, keys, buttons)
        self._starts.append((item.at - _EPS, self._count))
        self._count += 1

    def at(self, t: float) -> tuple[frozenset[str], frozenset[str]]:
        starts, ends = self._starts, self._ends
        while starts and starts[0][0] <= t:
            _, n = starts.popleft()
            item, keys, buttons = self._holds[n]
            end = item.at + item.duration + _EPS
            if t <= end:
                heapq.heappush(ends, (end, n))
                self._keys.update(keys)
                self._buttons.update(buttons)
                self._dirty = True
            else:
                del self._holds[n]
        while ends and ends[0][0] < t:
            _, n = heapq.heappop(ends)
            _, keys, buttons = self._holds.pop(n)
            self._keys.subtract(keys)
            self._buttons.subtract(buttons)
            self._dirty = True
        if self._dirty:
            self._current = (
                frozenset(k for k, c in self._keys.items() if c > 0),
                frozenset(b for b, c in self._buttons.items() if c > 0),
            )
            self._dirty = False
        return self._current
