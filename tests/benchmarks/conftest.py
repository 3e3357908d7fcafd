"""Fixtures of the benchmarks: the seed tree, unpacked once per bench session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.benchmarks.seed import Seed, unpacked_seed


@pytest.fixture(scope="session")
def seed() -> Iterator[Seed]:
    """The seed (commit :data:`tests.benchmarks.seed.SEED_COMMIT`) for the session's references;
    its ``skipped`` says why not when the history or a module it needs is missing."""
    with unpacked_seed() as tree:
        yield tree
