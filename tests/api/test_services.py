"""The service guard of the store tests: skip when unreachable, fail under CI=true."""

from __future__ import annotations

import pytest

from tests.api.helpers import unavailable


def test_unreachable_service_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL is unreachable: refused"):
        unavailable("PostgreSQL", "refused")


def test_unreachable_service_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Redis is unreachable under CI=true"):
        unavailable("Redis", "refused")
