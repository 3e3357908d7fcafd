"""StateMirrorAgent: the current value of every parameter, its trace and its subscribers.

Vocabulary:
- *state vector*: one float64 per parameter row, named by :attr:`index`;
- *trace*: the recorded values, parameter rows x samples (every ``every``-th
  step), written block by block by the engine, never one dict per update;
- *subscriber*: a callback for chosen paths, told once per recorded step at
  which any of them changed, with only the changed values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np

#: ``callback(step, time, {path: value})`` for the paths that changed at that step.
Subscriber = Callable[[int, float, Mapping[str, float]], None]


class StateMirrorAgent:
    """Holds the state vector and the recorded trace of one run."""

    def __init__(self, paths: tuple[str, ...], default: np.ndarray, *, every: int = 1) -> None:
        self.paths = paths
        self.index = {p: i for i, p in enumerate(paths)}
        #: The current value of every parameter.
        self.values = default.astype(np.float64).copy()
        self.every = every
        self.trace: np.ndarray = np.empty((len(paths), 0))
        self._subscribers: list[tuple[np.ndarray, Subscriber]] = []

    def subscribe(self, paths: Iterable[str], callback: Subscriber) -> None:
        """Register ``callback`` for changes of ``paths`` (unknown paths raise KeyError)."""
        rows = np.array([self.index[p] for p in paths], dtype=np.int64)
        self._subscribers.append((rows, callback))

    def __getitem__(self, path: str) -> float:
        return float(self.values[self.index[path]])

    def record(self, trace: np.ndarray, dt: float) -> None:
        """Take the engine's trace, move the state to its last sample and notify subscribers.

        Args:
            trace: Parameter rows x recorded samples.
            dt: Step length, to give subscribers the time of each step.
        """
        self.trace = trace
        if trace.shape[1]:
            previous = self.values.copy()
            self.values = trace[:, -1].copy()
            for rows, callback in self._subscribers:
                self._notify(rows, callback, previous, trace, dt)

    def _notify(
        self,
        rows: np.ndarray,
        callback: Subscriber,
        previous: np.ndarray,
        trace: np.ndarray,
        dt: float,
    ) -> None:
        part = trace[rows]
        before = np.concatenate([previous[rows, None], part[:, :-1]], axis=1)
        # NaN != NaN would report a change at every step: compare NaN as equal.
        changed = (part != before) & ~(np.isnan(part) & np.isnan(before))
        for sample in np.flatnonzero(changed.any(axis=0)):
            which = rows[changed[:, sample]]
            values = {self.paths[r]: float(trace[r, sample]) for r in which}
            step = int(sample) * self.every
            callback(step, step * dt, values)
