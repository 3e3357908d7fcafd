"""The GL runtime: one headless OpenGL context per process, and its lifetime.

This is the only module that imports :mod:`moderngl` (lazily, inside
functions), so the rest of :mod:`synharness.render` and the validation core
import without the ``render`` extra or a GPU.

The context is headless EGL (Mesa's llvmpipe on a machine without a GPU):
``moderngl.create_standalone_context(backend="egl")``. Creating it costs tens
of milliseconds, so :func:`shared_runtime` makes one per thread on first use
and keeps it (a context is current in one thread; a forked worker makes its
own: a context does not survive a fork); :func:`gl_runtime` is the context manager for callers that want the
lifetime scoped (it closes what it opened), and :func:`close_shared` ends the
shared one. When no context can be made, the reason is remembered and
returned instead, once per process: the caller files ``SYN-RENDER-001`` and
goes on without compiling or rendering. A process that holds a context
must start process pools with :func:`pool_context` (no ``fork``).
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from typing import Any

#: The backend glcontext is asked for: headless EGL (no X display needed).
BACKEND = "egl"


class GlUnavailable(Exception):
    """No GL context can be created here (no EGL, no Mesa, no ``render`` extra)."""


@dataclass
class GlRuntime:
    """An open moderngl context and what it caches.

    Attributes:
        ctx: The ``moderngl.Context``.
        renderer: ``GL_RENDERER`` and ``GL_VERSION``, for reports.
        programs: Compiled programs by (profile, vertex, fragment) hash (see
            :mod:`synharness.render.compile`).
    """

    ctx: Any
    renderer: str
    programs: dict[tuple[str, int], Any] = field(default_factory=dict)

    def release(self) -> None:
        """Release the programs and the context."""
        for program in self.programs.values():
            if program is not None:
                program.release()
        self.programs.clear()
        self.ctx.release()


def open_runtime() -> GlRuntime:
    """Create a headless context.

    Raises:
        GlUnavailable: moderngl is not installed or EGL refuses a context; the
            message says which.
    """
    try:
        import moderngl
    except ImportError as exc:
        raise GlUnavailable(
            f"moderngl is not installed ({exc.name}): install 'synharness[render]'"
        ) from None
    try:
        ctx = moderngl.create_standalone_context(backend=BACKEND)  # type: ignore[arg-type]
    except Exception as exc:  # glcontext raises bare Exceptions with the EGL reason
        raise GlUnavailable(f"no {BACKEND.upper()} context: {exc}") from None
    info = ctx.info
    return GlRuntime(ctx=ctx, renderer=f"{info.get('GL_RENDERER')} / {info.get('GL_VERSION')}")


class _ThreadState(threading.local):
    """One thread's runtime: a GL context is current in one thread only."""

    runtime: GlRuntime | None = None
    pid: int | None = None
    failure: str | None = None


_state = _ThreadState()
#: Processes (by id) in which some thread created a context (see :func:`pool_context`).
_creators: set[int] = set()


def shared_runtime() -> GlRuntime | str:
    """This thread's runtime, created on first use; or why none can be made.

    A context is current in the thread that made it, so each thread gets its
    own (the store validates in a thread pool); a process usually has one.

    Returns:
        The runtime, or the reason (a sentence) no context can be created.
    """
    state = _state
    pid = os.getpid()
    if state.pid != pid:  # first use, or a forked child: the parent's context is not ours
        state.runtime, state.pid, state.failure = None, pid, None
        try:
            state.runtime = open_runtime()
            _creators.add(pid)
        except GlUnavailable as exc:
            state.failure = str(exc)
    return state.runtime if state.runtime is not None else str(state.failure)


def holds_context() -> bool:
    """Whether this thread has its runtime open."""
    return _state.runtime is not None and _state.pid == os.getpid()


def pool_context() -> BaseContext | None:
    """The multiprocessing context a process pool must use from this process.

    A process that holds a GL context must not fork workers: the child
    inherits the driver's threads' locks but not the threads (Mesa's llvmpipe
    runs worker threads), and hangs when it makes its own context. Such a
    process gets ``forkserver`` (workers forked from a clean server process);
    any other gets None (the platform default, ``fork`` on Linux, which is
    cheaper).
    """
    if os.getpid() not in _creators:
        return None
    import multiprocessing

    return multiprocessing.get_context("forkserver")


def close_shared() -> None:
    """Release this thread's runtime, if it has one (other threads keep theirs until exit)."""
    state = _state
    if state.runtime is not None and state.pid == os.getpid():
        state.runtime.release()
    state.runtime, state.pid, state.failure = None, None, None


atexit.register(close_shared)


@contextmanager
def gl_runtime() -> Iterator[GlRuntime | str]:
    """This process's runtime for the duration of a block, or why there is none.

    A block that found no shared runtime open releases the one it made at its
    end (a command's scoped lifetime); a block inside a longer user (a test
    session, a batch that compiled already) leaves it open. One context at a
    time: a second standalone context would become current in its place, and
    releasing it would leave the first one not current.

    Yields:
        The runtime, or the reason no context can be created.
    """
    owner = not holds_context()
    try:
        yield shared_runtime()
    finally:
        if owner:
            close_shared()
