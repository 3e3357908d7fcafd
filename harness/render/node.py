"""The Node worker that renders tones: one long-lived process per run, owned by a context manager.

Vocabulary:
- *worker*: ``node worker.mjs`` in an installed renderer folder
  (:mod:`synharness.render.tone`), reading one JSON request per line on stdin
  and answering each with one JSON line on stdout, in order;
- *unavailable*: Node is not installed (``SYN-RENDER-005``) or the renderer's
  packages are not (``SYN-RENDER-006``): :class:`WorkerUnavailable` carries
  the code and a message, never a traceback;
- *time-out*: a request that gets no answer within its time-out kills the
  worker (:class:`WorkerTimeout`); a worker that dies mid-request raises
  :class:`WorkerCrashed`. Either way the next request starts a fresh worker,
  so one bad asset never stops a batch.

The process is started lazily by :meth:`ToneWorker.request` (or eagerly by
``with``) and ended by :meth:`ToneWorker.close`; stdout is read by one thread
into a queue so a time-out never blocks on a pipe.
"""

from __future__ import annotations

import collections
import contextlib
import queue
import subprocess
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson
from synharness.errors import HarnessError
from synharness.render import tone as tone_dir

#: Seconds a fresh worker may take to import Tone.js and answer its first ping.
STARTUP_TIMEOUT = 60.0
#: Default seconds per render request.
REQUEST_TIMEOUT = 60.0
#: Lines of the worker's stderr kept for error messages.
STDERR_LINES = 20


class WorkerError(HarnessError):
    """The worker could not answer a request."""

    #: The finding code that reports this failure.
    code = "SYN-RENDER-008"


class WorkerUnavailable(WorkerError):
    """Node or the renderer's packages are missing."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class WorkerTimeout(WorkerError):
    """No answer within the time-out (the worker was killed)."""

    code = "SYN-RENDER-007"


class WorkerCrashed(WorkerError):
    """The worker exited before answering."""

    code = "SYN-RENDER-009"


class RequestFailed(WorkerError):
    """The worker answered ``ok: false`` (Tone.js threw while building or playing the tone)."""

    code = "SYN-RENDER-008"


def check_available() -> tuple[str, Path]:
    """The node executable and renderer folder, or raise :class:`WorkerUnavailable`."""
    node = tone_dir.node_executable()
    if node is None:
        raise WorkerUnavailable(
            "SYN-RENDER-005",
            "Node.js was not found (looked for $SYNHARNESS_NODE, then `node` on PATH): "
            "install Node.js >= 20 to hear the tone",
        )
    folder = tone_dir.locate()
    if folder is None:
        raise WorkerUnavailable(
            "SYN-RENDER-006",
            "the Tone.js renderer's Node packages are not installed (looked in "
            + ", ".join(str(c) for c in tone_dir.candidates())
            + "): run `python -m synharness.render.tone install` (or `make`)",
        )
    return node, folder


class ToneWorker:
    """One Node worker process, restarted when it dies or hangs.

    Use as a context manager::

        with ToneWorker() as worker:
            answer = worker.request({"op": "render", ...}, timeout=30)
    """

    def __init__(
        self,
        *,
        request_timeout: float = REQUEST_TIMEOUT,
        startup_timeout: float = STARTUP_TIMEOUT,
        lazy: bool = False,
    ) -> None:
        #: Start on the first request instead of on ``with`` (then a missing Node is
        #: reported per request instead of raised by ``with``).
        self.lazy = lazy
        self.request_timeout = request_timeout
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        #: The thread reading the current process's stderr (joined before a crash is worded).
        self._drainer: threading.Thread | None = None
        self._stderr: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
        self._next_id = 0
        #: Seconds the last start took (spawn, import Tone.js, first ping).
        self.startup_seconds: float | None = None
        #: How many processes this worker has started (1 + restarts).
        self.starts = 0
        #: What the first ping reported: Tone.js and Node versions.
        self.versions: dict[str, str] = {}

    def __enter__(self) -> ToneWorker:
        if not self.lazy:
            self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def alive(self) -> bool:
        """Whether a worker process is running."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the process and wait for its first answer (no-op when it runs).

        Raises:
            WorkerUnavailable: Node or the packages are missing.
            WorkerTimeout: Tone.js did not load within the start-up time-out.
            WorkerCrashed: the process exited while loading.
        """
        if self.alive:
            return
        node, folder = check_available()
        began = time.perf_counter()
        try:
            process = subprocess.Popen(
                [node, str(folder / "worker.mjs")],
                cwd=folder,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as error:
            raise WorkerUnavailable("SYN-RENDER-005", f"cannot run {node}: {error}") from error
        self._process = process
        self._lines = queue.Queue()
        self.starts += 1
        assert process.stdout is not None and process.stderr is not None
        threading.Thread(target=self._pump, args=(process.stdout, self._lines), daemon=True).start()
        self._drainer = threading.Thread(target=self._drain, args=(process.stderr,), daemon=True)
        self._drainer.start()
        answer = self._exchange({"op": "ping"}, timeout=self.startup_timeout)
        self.versions = {"tone": str(answer.get("tone")), "node": str(answer.get("node"))}
        self.startup_seconds = time.perf_counter() - began

    @staticmethod
    def _pump(stream: IO[bytes], lines: queue.Queue[bytes | None]) -> None:
        with stream:  # each pipe is closed by the thread that reads it
            for line in stream:
                lines.put(line)
        lines.put(None)  # end of stream: the process is gone

    def _drain(self, stream: IO[bytes]) -> None:
        with stream:
            for line in stream:
                self._stderr.append(line.decode("utf-8", "replace").rstrip())

    def request(self, payload: dict[str, Any], *, timeout: float | None = None) -> dict[str, Any]:
        """Send one request and return the worker's answer (``ok: true``).

        Starts (or restarts) the worker when it is not running.

        Args:
            payload: The request without its ``id``.
            timeout: Seconds to wait; default :attr:`request_timeout`.

        Raises:
            WorkerUnavailable, WorkerTimeout, WorkerCrashed: see :meth:`start`;
                a time-out or crash also ends the process.
            RequestFailed: the worker answered with an error.
        """
        self.start()
        return self._exchange(payload, timeout=self.request_timeout if timeout is None else timeout)

    def _exchange(self, payload: dict[str, Any], *, timeout: float) -> dict[str, Any]:
        process = self._process
        assert process is not None and process.stdin is not None
        self._next_id += 1
        ident = self._next_id
        try:
            process.stdin.write(orjson.dumps({**payload, "id": ident}) + b"\n")
            process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            self._kill()
            self._join_drainer()
            raise WorkerCrashed(f"the renderer exited: {error}; {self._stderr_tail()}") from error
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self._lines.get(timeout=max(left, 0.0))
            except queue.Empty:
                self._kill()
                raise WorkerTimeout(
                    f"the renderer gave no answer within {timeout:g} s (restarted)"
                ) from None
            if line is None:
                code = process.wait()
                self._process = None
                self._close_stdin(process)
                # Stdout's end can arrive before the last stderr lines are read: the
                # pipe is closed now, so the reader ends at once with what it holds.
                self._join_drainer()
                raise WorkerCrashed(
                    f"the renderer exited with status {code}: {self._stderr_tail()}"
                )
            try:
                answer = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue  # not a protocol line (the worker sends logging to stderr)
            if not isinstance(answer, dict) or answer.get("id") != ident:
                continue  # a late answer to a request that timed out in an earlier process
            if not answer.get("ok"):
                raise RequestFailed(str(answer.get("error") or "the renderer failed"))
            return answer

    def _join_drainer(self) -> None:
        if self._drainer is not None:
            self._drainer.join(timeout=2.0)

    def _stderr_tail(self) -> str:
        return " | ".join(list(self._stderr)[-3:]) or "no message"

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
            process.wait()
        self._close_stdin(process)

    @staticmethod
    def _close_stdin(process: subprocess.Popen[bytes]) -> None:
        if process.stdin is not None:
            # A broken pipe has nothing left to flush.
            with contextlib.suppress(OSError):
                process.stdin.close()

    def close(self) -> None:
        """End the process: ask it to exit, kill it after two seconds."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            try:
                assert process.stdin is not None
                process.stdin.write(b'{"op": "exit"}\n')
                process.stdin.flush()
                process.wait(timeout=2.0)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
        self._close_stdin(process)


_shared: dict[int, ToneWorker] = {}


def shared_worker() -> ToneWorker:
    """This process's long-lived worker, started on first request and closed at exit.

    For callers without a scope of their own (``score(..., render=True)``,
    ``run --audio`` in each of its worker processes): one Node process per
    Python process, as a command's ``with ToneWorker()`` would give. It is
    lazy, so a missing Node is a finding per request, never an exception here.
    """
    import atexit
    import os

    pid = os.getpid()
    worker = _shared.get(pid)
    if worker is None:
        worker = _shared[pid] = ToneWorker(lazy=True)
        atexit.register(worker.close)
    return worker
