"""Fixtures of the audio render tests: one Node worker for the session.

Tests that render need Node and the renderer's packages (``make`` installs them):
without them they skip with the reason, and fail under ``CI=true`` (CI runs Node).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from synharness.render.node import ToneWorker

from tests.render.helpers import need_node


@pytest.fixture(scope="session")
def tone_worker() -> Iterator[ToneWorker]:
    """The session's worker (started once: the start-up costs a Tone.js import)."""
    need_node()
    with ToneWorker(request_timeout=60.0) as worker:
        yield worker
