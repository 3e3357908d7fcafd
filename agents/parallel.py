"""An ordered, chunked map over a process pool: the engine of ``--jobs`` and ``jobs=``.

Vocabulary:
- *chunk*: consecutive items one worker task carries; chunks amortise the
  per-task cost (pickling, scheduling) that made one task per asset slower
  than no pool at all;
- *window*: how many chunks are in flight at once; results come back in input
  order and at most ``window`` chunks of results wait in memory, so a batch of
  any size streams through in bounded memory;
- *worker state*: what every task of a worker needs (loaded scenario files,
  options): handed to each worker once, by the pool's initializer, instead of
  with every task.

Workers are forked after the caller has imported what they need (the schema
registry, the models, the engine), so each worker starts warm; with ``jobs=1``
no pool is started and the items are mapped in this process, through the same
function, so one job and many give the same results in the same order.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Most items one task carries.
MAX_CHUNK = 64
#: Chunks per worker in flight (one computing, one queued, one being read back).
WINDOW_PER_JOB = 3

_STATE: dict[str, Any] = {}


def worker_state() -> dict[str, Any]:
    """The state the pool's ``state`` argument gave this worker (empty in the parent)."""
    return _STATE


def _init(state: dict[str, Any], warm: Callable[[], None] | None) -> None:
    _STATE.clear()
    _STATE.update(state)
    if warm is not None:
        warm()


def _apply(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    return [fn(item) for item in items]


def _noop() -> int:
    return os.getpid()


def chunk_size(total: int | None, jobs: int) -> int:
    """Items per task: about eight chunks per worker, between 1 and :data:`MAX_CHUNK`."""
    if total is None:
        return MAX_CHUNK
    return max(1, min(MAX_CHUNK, total // (jobs * 8) or 1))


def _gl_safe_context() -> multiprocessing.context.BaseContext | None:
    """``forkserver`` when this process holds a GL context, else None (fork).

    A child forked from a process with Mesa's llvmpipe threads hangs when it
    makes a context of its own (see :func:`synharness.render.gl.pool_context`).
    Only a process that imported the GL module can hold one, so the module is
    looked up, not imported.
    """
    gl = sys.modules.get("synharness.render.gl")
    return None if gl is None else gl.pool_context()


class OrderedPool:
    """A process pool whose :meth:`map` yields results in input order, chunk by chunk.

    Use as a context manager; the workers start (and warm up) on entry, before
    the caller starts threads of its own (a progress bar), so no thread is
    running when they fork.

    Args:
        jobs: Worker processes; 1 maps in this process.
        state: Worker state (picklable), readable in ``fn`` through :func:`worker_state`.
        warm: Called once in each worker after start-up (imports, registries).
    """

    def __init__(
        self,
        *,
        jobs: int,
        state: dict[str, Any] | None = None,
        warm: Callable[[], None] | None = None,
    ) -> None:
        self.jobs = max(1, jobs)
        self.state = state or {}
        self.warm = warm
        self._pool: ProcessPoolExecutor | None = None
        self._saved: dict[str, Any] | None = None

    def __enter__(self) -> OrderedPool:
        if self.jobs == 1:
            # The same worker state in this process, restored on exit.
            self._saved = dict(_STATE)
            _init(self.state, self.warm)
            return self
        context = _gl_safe_context()
        if self.warm is not None and context is None:
            self.warm()  # once here, so forked workers inherit it warm
        self._pool = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=context
            or multiprocessing.get_context("fork" if os.name == "posix" else "spawn"),
            initializer=_init,
            # Workers started by a fork server inherit nothing: they warm up themselves.
            initargs=(self.state, None if context is None else self.warm),
        )
        # Start every worker now (one trivial task each), not at the first chunk.
        for future in [self._pool.submit(_noop) for _ in range(self.jobs)]:
            future.result()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._saved is not None:
            _STATE.clear()
            _STATE.update(self._saved)
            self._saved = None

    def map(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        *,
        total: int | None = None,
        chunk: int | None = None,
    ) -> Iterator[R]:
        """Yield ``fn(item)`` for every item, in input order.

        Args:
            fn: A top-level function (workers receive it by reference).
            items: The inputs; read lazily, at most a window ahead of the results.
            total: How many items there are, when known (sizes the chunks).
            chunk: Items per task (default: :func:`chunk_size`).

        Yields:
            The results, in the order of ``items``.
        """
        if self._pool is None:
            for item in items:
                yield fn(item)
            return
        size = chunk or chunk_size(total, self.jobs)
        source = iter(items)
        pending: deque[Future[list[R]]] = deque()
        window = WINDOW_PER_JOB * self.jobs
        while True:
            while len(pending) < window:
                batch = list(islice(source, size))
                if not batch:
                    break
                pending.append(self._pool.submit(_apply, fn, batch))
            if not pending:
                return
            yield from pending.popleft().result()

    def stream(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Yield ``fn(item)`` in input order, each as soon as it and those before it exist.

        For a live producer (``score --jsonl`` on a pipe): a background thread
        reads ``items``; whatever has arrived when a worker is free goes out as
        one task (never waiting to fill a chunk), and the loop wakes on the
        next arrival or finished task, never on a timer, so an answer costs a
        round trip to a worker and no polling delay. At most a window of items
        is read ahead of the answers, so a fast producer cannot grow memory.

        Raises:
            Exception: Whatever reading ``items`` raised, after the answers
                to the items read before it.
        """
        if self._pool is None:
            for item in items:
                yield fn(item)
            return
        pool = self._pool
        window = WINDOW_PER_JOB * self.jobs
        events: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
        room = threading.Semaphore(window * MAX_CHUNK)

        def read() -> None:
            try:
                for item in items:
                    room.acquire()
                    events.put((_ITEM, item))
            except BaseException as exc:  # re-raised by the consumer, in order
                events.put((_FAIL, exc))
            finally:
                events.put((_END, None))

        threading.Thread(target=read, daemon=True).start()
        waiting: list[Any] = []
        pending: deque[tuple[Future[list[R]], int]] = deque()
        ended = False
        failure: BaseException | None = None

        def wake(_: object) -> None:
            events.put((_DONE, None))

        while not ended or pending or waiting:
            if not (pending and pending[0][0].done()):
                kind, value = events.get()
                while True:
                    if kind == _ITEM:
                        waiting.append(value)
                    elif kind == _END:
                        ended = True
                    elif kind == _FAIL:
                        failure = value
                    try:
                        kind, value = events.get_nowait()
                    except queue.Empty:
                        break
            while waiting and len(pending) < window:
                batch, waiting = waiting[:MAX_CHUNK], waiting[MAX_CHUNK:]
                future = pool.submit(_apply, fn, batch)
                future.add_done_callback(wake)
                pending.append((future, len(batch)))
            while pending and pending[0][0].done():
                future, n = pending.popleft()
                yield from future.result()
                for _ in range(n):
                    room.release()
        if failure is not None:
            raise failure


_ITEM, _DONE, _END, _FAIL = range(4)


def ordered_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    jobs: int = 1,
    total: int | None = None,
    state: dict[str, Any] | None = None,
    warm: Callable[[], None] | None = None,
) -> Iterator[R]:
    """``fn`` over ``items`` on ``jobs`` processes, results in input order (see :class:`OrderedPool`)."""
    with OrderedPool(jobs=jobs, state=state, warm=warm) as pool:
        yield from pool.map(fn, items, total=total)
