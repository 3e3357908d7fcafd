"""schemathesis against the store's OpenAPI document: no request makes it answer 5xx,
and every error is the one JSON shape. Bounded: a few examples per operation, sent
over HTTP to the store served on the test database."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from synharness.api.main import create_app
from synharness.api.settings import Settings

MAX_EXAMPLES = 5

# The OpenAPI document does not depend on the database: an unmigrated
# in-memory engine is enough to render it.
SCHEMA = schemathesis.openapi.from_dict(
    create_app(Settings(database_url="sqlite://"), migrate=False).openapi()
)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_no_server_errors(live_url, operation):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case):
        response = case.call(base_url=live_url, timeout=30)
        assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
        if response.status_code >= 400 and response.status_code != 405:
            body = response.json()
            assert response.headers["content-type"].startswith("application/problem+json")
            assert set(body["error"]) == {"code", "message", "details"}, body

    check()


def test_every_route_is_fuzzed():
    assert len(OPERATIONS) >= 40
