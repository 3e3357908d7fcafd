"""Timeline: a scenario's inputs turned into what happens at which step.

Vocabulary:
- *step* ``k`` happens at ``t_k = k·dt``; an instant ``at`` belongs to the
  first step at or after it;
- a *span* ``[at, at + duration]`` spreads a movement evenly: step ``k``
  receives ``D·(F(t_k) - F(t_{k-1}))`` of a total ``D``, with
  ``F(t) = clamp((t - at)/duration, 0, 1)``, so the parts add up to ``D``
  exactly once the span is over;
- *held set* at a step: the keys and buttons of every input whose span covers it;
- *combo*: a (keys, buttons) pair, numbered once per timeline so that a
  window's moves name theirs by index.

A run reads the timeline window by window (:meth:`Timeline.window`) as flat
arrays: a window of thousands of steps is a dozen Python objects, not a few
per step. Objects that live as long as a window outlive the collector's young
generations, and every full pass then walks the whole heap: with a window of
tuples per step a 1000 s run paid tens of those passes where a 100 s one paid
none or one, so its cost grew faster than its duration.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from synharness.agents.config import normalise_key
from synharness.agents.scenario import Hold, Input, Scenario

#: Slack for times that should fall exactly on a step.
_EPS = 1e-9
#: Axis names of moves; a window's moves name theirs by index.
AXES: tuple[str, ...] = ("mouse.x", "mouse.y", "mouse.wheel")
#: A held or own (keys, buttons) pair.
Combo = tuple[frozenset[str], frozenset[str]]
_NO_COMBO: Combo = (frozenset(), frozenset())


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


@dataclass(frozen=True)
class WindowActions:
    """The actions of a window of steps as flat arrays, whatever their number.

    Moves come in order of step then input rank, presses in order of step,
    input rank then repeat: the order in which a step applies them.
    """

    #: Steps with any action, ascending.
    steps: np.ndarray
    #: Per move: its step, its axis (index into :data:`AXES`), its amount and
    #: its combo (index into :attr:`combos`: the held set with the input's own hold).
    move_step: np.ndarray
    move_axis: np.ndarray
    move_amount: np.ndarray
    move_combo: np.ndarray
    #: Per press: its step and its (cell, pressure) (index into :attr:`sources`).
    press_step: np.ndarray
    press_source: np.ndarray
    #: The timeline's combos (it only grows: indices stay valid).
    combos: Sequence[Combo]
    #: (cell, pressure) of the grid inputs that press in this window.
    sources: Sequence[tuple[tuple[int, int], float]]

    def items(self) -> list[tuple[int, StepActions]]:
        """(step, actions) pairs in step order: the window spelled out as objects (tests)."""
        out = {k: StepActions() for k in self.steps.tolist()}
        for k, axis, amount, combo in zip(
            self.move_step.tolist(),
            self.move_axis.tolist(),
            self.move_amount.tolist(),
            self.move_combo.tolist(),
            strict=True,
        ):
            keys, buttons = self.combos[combo]
            out[k].moves.append((AXES[axis], amount, keys, buttons))
        for k, source in zip(self.press_step.tolist(), self.press_source.tolist(), strict=True):
            out[k].presses.append(self.sources[source])
        return list(out.items())


# The inputs under way keep only numbers and interned combos (slots, no reference to
# the input): a long run's inputs die young instead of outliving the window in the heap.


@dataclass(slots=True)
class _MoveSpan:
    """A mouse or wheel input: the steps ``[k0, k1]`` it may move, and how much in all."""

    order: int
    k0: int
    k1: int
    #: The input's start and duration.
    at: float
    duration: float
    #: Index into :data:`AXES`.
    axis: int
    total: float
    #: The input's own hold, as a combo index.
    own: int


@dataclass(slots=True)
class _Presses:
    """A grid input: its presses at ``at + n·every`` for ``n = 0 .. count``, from ``n`` on."""

    order: int
    #: The input's start and its repeat (0 without one).
    start: float
    every: float
    count: int
    cell: tuple[int, int]
    pressure: float
    n: int = 0

    def at(self, n: int) -> float:
        """The time of press ``n``."""
        return self.start if self.count == 0 else self.start + n * self.every


_EMPTY_INT = np.empty(0, dtype=np.int64)


class Timeline:
    """A scenario's step actions, window by window in step order (a sweep line).

    The inputs come from :meth:`~synharness.agents.scenario.Scenario.timeline_stream`
    in order of their start (a scenario file's sorted once, O(n log n); a
    built-in's generated as they come); a window pulls the inputs that start
    by its end and reads the actions of those active in it, so memory is one
    window and the inputs still under way, whatever the duration. Windows
    must be asked for in order and without gaps; together they give exactly
    :func:`build_timeline`'s actions. An input is visited once when pulled and
    then once by each window its span (or its repeats) overlaps, never by the
    others: :attr:`visits` counts those visits and the held set's changes, so
    that a test can assert the work is linear in the inputs and the steps.
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
        #: Combo -> index into :attr:`_combos`; (held, own) -> their union's index.
        self._combo_index: dict[Combo, int] = {_NO_COMBO: 0}
        self._combos: list[Combo] = [_NO_COMBO]
        self._joined: dict[tuple[int, int], int] = {}
        #: Hold -> its combo's index (holds repeat: a built-in's gestures share a few).
        self._holds: dict[Hold, int] = {}
        #: Inputs pulled, span and press visits by windows, and held-set changes swept.
        self.visits = 0

    def _combo(self, combo: Combo) -> int:
        found = self._combo_index.get(combo)
        if found is None:
            found = self._combo_index[combo] = len(self._combos)
            self._combos.append(combo)
        return found

    def _pull(self) -> bool:
        """Take the next input off the stream; False once it is exhausted."""
        if self._exhausted:
            return False
        nxt = next(self._stream, None)
        if nxt is None:
            self._exhausted = True
            return False
        self.visits += 1
        order, item = nxt
        if item.at < self._last_pulled:
            raise ValueError(f"timeline inputs out of order: {item.at} after {self._last_pulled}")
        self._last_pulled = item.at
        dt, steps = self.dt, self.steps
        own = 0
        hold = item.hold
        if hold.keys or hold.buttons:
            found = self._holds.get(hold)
            if found is None:
                found = self._holds[hold] = self._combo(
                    (
                        frozenset(normalise_key(k) for k in hold.keys),
                        frozenset(b.lower() for b in hold.buttons),
                    )
                )
            own = found
            self._held.add(*_held_steps(item, dt, steps), self._combos[own])
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
                        item.at,
                        item.duration,
                        AXES.index(item.move.axis) if item.move is not None else 2,
                        item.move.delta if item.move is not None else float(item.wheel or 0.0),
                        own,
                    )
                )
        elif item.grid is not None:
            grid = item.grid
            count = 0
            if grid.every is not None and item.duration > 0:
                count = math.floor(item.duration / grid.every + _EPS)
            self._pending_presses.append(
                _Presses(order, item.at, grid.every or 0.0, count, grid.cell, grid.pressure)
            )
        return True

    @property
    def empty(self) -> bool:
        """Whether no step of the run has any action (then the base never moves).

        Pulls inputs only until one acts (they are kept for the windows), and
        looks at each once.
        """
        moves, presses, dt, steps = self._pending_moves, self._pending_presses, self.dt, self.steps
        if any(_has_part(s, dt) for s in moves) or any(
            first_step(p.start, dt) < steps for p in presses
        ):
            return False
        while True:
            seen_moves, seen_presses = len(moves), len(presses)
            if not self._pull():
                return True
            # A pull appends at most one input, at the end.
            if len(moves) > seen_moves and _has_part(moves[-1], dt):
                return False
            if len(presses) > seen_presses and first_step(presses[-1].start, dt) < steps:
                return False

    def actions(self, start: int, stop: int) -> list[tuple[int, StepActions]]:
        """The steps in ``[start, stop)`` at which something happens, in order, with their actions.

        :meth:`window` spelled out as objects (tests and :func:`build_timeline`).
        """
        return self.window(start, stop).items()

    def window(self, start: int, stop: int) -> WindowActions:
        """The actions of the steps in ``[start, stop)``.

        Args:
            start: First step; the previous call's ``stop`` (0 at first).
            stop: One past the last step (at most the scenario's steps).

        Returns:
            The window's moves and presses, in the order the steps apply them.
        """
        if start != self._next:
            raise ValueError(f"timeline windows must follow each other: {start} after {self._next}")
        stop = min(stop, self.steps)
        self._next = max(start, stop)
        if stop <= start:
            return _nothing(self._combos)
        dt = self.dt
        # Every input that may start (or hold a key) by the window's last step, with
        # slack for the tolerance of both tests.
        horizon = stop * dt + 2 * _EPS
        pending_moves, pending_presses = self._pending_moves, self._pending_presses
        while self._last_pulled <= horizon and self._pull():
            pass
        while pending_moves and pending_moves[0].k0 < stop:
            self._active_moves.append(pending_moves.popleft())
        while pending_presses and first_step(pending_presses[0].start, dt) < stop:
            self._active_presses.append(pending_presses.popleft())
        move_step, move_axis, move_amount, move_combo = self._moves(start, stop)
        press_step, press_source, sources = self._presses(stop)
        return WindowActions(
            np.union1d(move_step, press_step),
            move_step,
            move_axis,
            move_amount,
            move_combo,
            press_step,
            press_source,
            self._combos,
            sources,
        )

    def _moves(
        self, start: int, stop: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Step, axis, amount and combo of each move in ``[start, stop)``, in order of (step, rank)."""
        spans = self._active_moves
        self.visits += len(spans)
        ks, amounts, order, axis, own = _window_moves(spans, start, stop, self.dt)
        self._active_moves = [s for s in spans if s.k1 >= stop]
        # The held set is swept every window (moves or not), so that ended holds go.
        bounds, held = self._held.segments(start, stop)
        self.visits += len(bounds)
        if not len(ks):
            return _EMPTY_INT, _EMPTY_INT, np.empty(0), _EMPTY_INT
        by_step = np.lexsort((order, ks))
        ks, amounts, axis, own = ks[by_step], amounts[by_step], axis[by_step], own[by_step]
        # The held set from each bound on; the input's own hold counts even on the step
        # just after its span (its last part), so it joins the held set.
        width = len(self._combos) + len(held)
        held_ids = np.array([self._combo(c) for c in held], dtype=np.int64)
        held_at = held_ids[np.searchsorted(np.array(bounds), ks, side="right") - 1]
        pairs, where = np.unique(held_at * width + own, return_inverse=True)
        joined = [self._join(p // width, p % width) for p in pairs.tolist()]
        combo = np.array(joined, dtype=np.int64)[where.reshape(-1)]
        return ks, axis, amounts, combo

    def _join(self, held: int, own: int) -> int:
        """The combo of ``held`` and ``own`` together."""
        if own == 0:
            return held
        found = self._joined.get((held, own))
        if found is None:
            (held_keys, held_buttons), (own_keys, own_buttons) = (
                self._combos[held],
                self._combos[own],
            )
            found = self._joined[(held, own)] = self._combo(
                (
                    held_keys | own_keys if own_keys else held_keys,
                    held_buttons | own_buttons if own_buttons else held_buttons,
                )
            )
        return found

    def _presses(
        self, stop: int
    ) -> tuple[np.ndarray, np.ndarray, list[tuple[tuple[int, int], float]]]:
        """Step and source of each press before ``stop``, in order of (step, rank, repeat)."""
        dt = self.dt
        ks: list[int] = []
        ranks: list[int] = []
        repeats: list[int] = []
        which: list[int] = []
        sources: list[tuple[tuple[int, int], float]] = []
        self.visits += len(self._active_presses)
        for source in self._active_presses:
            index = len(sources)
            while source.n <= source.count:
                k = first_step(source.at(source.n), dt)
                if k >= stop:
                    break
                ks.append(k)
                ranks.append(source.order)
                repeats.append(source.n)
                which.append(index)
                source.n += 1
            if which and which[-1] == index:
                sources.append((source.cell, source.pressure))
        self._active_presses = [p for p in self._active_presses if p.n <= p.count]
        if not ks:
            return _EMPTY_INT, _EMPTY_INT, sources
        steps = np.array(ks, dtype=np.int64)
        by_step = np.lexsort((np.array(repeats), np.array(ranks), steps))
        return steps[by_step], np.array(which, dtype=np.int64)[by_step], sources


def _nothing(combos: Sequence[Combo]) -> WindowActions:
    return WindowActions(
        _EMPTY_INT,
        _EMPTY_INT,
        _EMPTY_INT,
        np.empty(0),
        _EMPTY_INT,
        _EMPTY_INT,
        _EMPTY_INT,
        combos,
        [],
    )


def _parts(span: _MoveSpan, k0: int, k1: int, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Steps ``k0 .. k1`` of a span that lasts, and :func:`_spread`'s part at each (the same numbers)."""
    ks = np.arange(k0, k1 + 1)
    now = np.clip((ks * dt - span.at) / span.duration, 0.0, 1.0)
    before = np.clip(((ks - 1) * dt - span.at) / span.duration, 0.0, 1.0)
    return ks, span.total * (now - before)


def _window_moves(
    spans: list[_MoveSpan], start: int, stop: int, dt: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Step, part, rank, axis and own combo of every nonzero move of ``spans`` in ``[start, stop)``.

    All spans at once (a fixed number of array operations per window, whatever
    the number of spans): the parts are :func:`_parts`'s, element by element the
    same operations. An instant input moves its whole total at its step, even 0.
    """
    lasting = [s for s in spans if s.duration > 0 and max(s.k0, start) <= min(s.k1, stop - 1)]
    instant = [s for s in spans if s.duration <= 0 and start <= s.k0 < stop]
    first = np.array([max(s.k0, start) for s in lasting], dtype=np.int64)
    counts = np.array([min(s.k1, stop - 1) + 1 for s in lasting], dtype=np.int64) - first
    # Each span's steps first .. last, laid end to end.
    ks = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(
        first - (np.cumsum(counts) - counts), counts
    )
    at = np.repeat(np.array([s.at for s in lasting], dtype=np.float64), counts)
    duration = np.repeat(np.array([s.duration for s in lasting], dtype=np.float64), counts)
    total = np.repeat(np.array([s.total for s in lasting], dtype=np.float64), counts)
    now = np.clip((ks * dt - at) / duration, 0.0, 1.0)
    before = np.clip(((ks - 1) * dt - at) / duration, 0.0, 1.0)
    parts = total * (now - before)
    rank, axis, own = (
        np.repeat(np.array([getattr(s, name) for s in lasting], dtype=dtype), counts)
        for name, dtype in (("order", np.int64), ("axis", np.int8), ("own", np.int64))
    )
    moving = parts != 0.0
    columns = [ks[moving], parts[moving], rank[moving], axis[moving], own[moving]]
    if instant:
        extra = (
            np.array([s.k0 for s in instant], dtype=np.int64),
            np.array([s.total for s in instant], dtype=np.float64),
            np.array([s.order for s in instant], dtype=np.int64),
            np.array([s.axis for s in instant], dtype=np.int8),
            np.array([s.own for s in instant], dtype=np.int64),
        )
        columns = [np.concatenate([a, b]) for a, b in zip(columns, extra, strict=True)]
    return columns[0], columns[1], columns[2], columns[3], columns[4]


#: Steps of a span looked at together when asking whether it moves at all.
_PIECE = 1 << 16


def _has_part(span: _MoveSpan, dt: float) -> bool:
    """Whether ``span`` moves anything (a part that is not 0), in bounded memory."""
    if span.duration <= 0:
        return True
    for k0 in range(span.k0, span.k1 + 1, _PIECE):
        _, parts = _parts(span, k0, min(span.k1, k0 + _PIECE - 1), dt)
        if np.count_nonzero(parts):
            return True
    return False


def _held_steps(item: Input, dt: float, steps: int) -> tuple[int, int]:
    """The first and last step ``k`` that :func:`_covers` (``last < first``: none of them).

    Exactly the steps whose ``k·dt`` passes both of its float comparisons: the
    division only gives a first guess. Bounds beyond the run become ``steps``.
    """
    lo, hi = item.at - _EPS, item.at + item.duration + _EPS
    if not lo / dt < steps:
        return steps, steps
    first = max(0, math.ceil(lo / dt))
    while first > 0 and (first - 1) * dt >= lo:
        first -= 1
    while first * dt < lo:
        first += 1
    if not hi / dt < steps:
        return first, steps
    last = math.floor(hi / dt)
    while (last + 1) * dt <= hi:
        last += 1
    while last >= 0 and last * dt > hi:
        last -= 1
    return first, last


class _HeldSets:
    """The held set along the steps, by a sweep line over the holds in order of start.

    Holds (step intervals ``[first, last]``) are added in order of ``first`` and
    the steps are swept window by window; each hold enters once and leaves
    once, so a run costs O(n log n) in the holds plus O(1) per change of the
    held set, however many moves read it. The held set at step ``k`` is that of
    the holds with ``first <= k <= last`` (:func:`_covers` at ``k·dt``).
    """

    def __init__(self) -> None:
        #: (first, last, keys and buttons) not yet entered, in order of first.
        self._starts: deque[tuple[int, int, Combo]] = deque()
        #: (last, n) of the holds under way, a heap; n -> its keys and buttons.
        self._ends: list[tuple[int, int]] = []
        self._holding: dict[int, Combo] = {}
        self._count = 0
        self._keys: Counter[str] = Counter()
        self._buttons: Counter[str] = Counter()
        self._current: Combo = _NO_COMBO

    def add(self, first: int, last: int, combo: Combo) -> None:
        """A hold of steps ``first .. last``, starting no earlier than those added before."""
        self._starts.append((first, last, combo))

    def segments(self, start: int, stop: int) -> tuple[list[int], list[Combo]]:
        """Where the held set may change in ``[start, stop)``, and what it is from there.

        Steps must be swept in order: ``start`` at least the previous call's ``stop``.

        Returns:
            Ascending steps (the first is ``start``) and the held set from each until the next.
        """
        starts, ends, holding = self._starts, self._ends, self._holding
        bounds: list[int] = []
        sets: list[Combo] = []
        k = start
        while True:
            changed = False
            while starts and starts[0][0] <= k:
                _, last, (keys, buttons) = starts.popleft()
                if last >= k:  # else it ended before any step swept (none of it is read)
                    heapq.heappush(ends, (last, self._count))
                    holding[self._count] = (keys, buttons)
                    self._count += 1
                    self._keys.update(keys)
                    self._buttons.update(buttons)
                    changed = True
            while ends and ends[0][0] < k:
                _, n = heapq.heappop(ends)
                keys, buttons = holding.pop(n)
                self._keys.subtract(keys)
                self._buttons.subtract(buttons)
                changed = True
            if changed:
                self._current = (
                    frozenset(x for x, c in self._keys.items() if c > 0),
                    frozenset(x for x, c in self._buttons.items() if c > 0),
                )
            bounds.append(k)
            sets.append(self._current)
            nxt = min(starts[0][0] if starts else stop, ends[0][0] + 1 if ends else stop)
            if nxt >= stop:
                return bounds, sets
            k = nxt
