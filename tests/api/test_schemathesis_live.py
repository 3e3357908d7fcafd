"""schemathesis with every check against ``synharness serve`` (a real process) on
SQLite and on PostgreSQL, authenticated: no request makes it answer 5xx.

Bounded by examples (a few per operation), not by time. Every check of
schemathesis runs on every response; ``not_a_server_error`` failures (and any
5xx) fail the test, the other checks' findings (documentation conformance,
which the OpenAPI work of issue 14 owns) are printed as figures.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS
from synharness.api.main import create_app
from synharness.api.settings import Settings

from tests.api.live import LiveServer

MAX_EXAMPLES = 3
TOKEN = "fuzz-token"

SCHEMA = schemathesis.openapi.from_dict(
    create_app(Settings(database_url="sqlite://"), migrate=False).openapi()
)
#: schemathesis cannot serialise application/x-protobuf bodies: those routes are
#: fuzzed by tests/api/test_protobuf.py instead.
OPERATIONS = [
    op
    for op in (result.ok() for result in SCHEMA.get_all_operations())
    if not op.path.startswith("/protobuf-assets")
]


def _failure_names(exc: BaseException) -> list[str]:
    inner = getattr(exc, "exceptions", None)
    if inner:
        return [n for e in inner for n in _failure_names(e)]
    return [type(exc).__name__ + ": " + str(getattr(exc, "title", exc)).splitlines()[0][:80]]


def test_all_checks_no_server_error(database: tuple[str, str | None], tmp_path: Path) -> None:
    server = LiveServer(database, tmp_path, token=TOKEN).start()
    statuses: Counter[int] = Counter()
    server_errors: list[str] = []
    other: Counter[str] = Counter()
    checks = list(CHECKS.get_all())
    try:
        for operation in OPERATIONS:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def check(case):  # type: ignore[no-untyped-def]
                label = case.operation.label
                headers = {"Authorization": f"Bearer {TOKEN}"}
                response = case.call(base_url=server.url, headers=headers, timeout=60)
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    server_errors.append(
                        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
                    )
                try:
                    case.validate_response(response, checks=checks, headers=headers)
                except (Exception, BaseExceptionGroup) as exc:  # check failures are raised
                    for name in _failure_names(exc):
                        if "server error" in name.lower() or "ServerError" in name:
                            server_errors.append(f"{case.method} {case.formatted_path}: {name}")
                        else:
                            other[f"{label}: {name}"] += 1

            check()
    finally:
        server.stop()
    assert not server_errors, (server_errors[:10], server.log()[-3000:])
    assert sum(statuses.values()) >= len(OPERATIONS) * MAX_EXAMPLES // 2
    print(
        f"\nschemathesis: {sum(statuses.values())} requests, statuses {dict(sorted(statuses.items()))}"
    )
    print(f"other check findings: {sum(other.values())} ({len(other)} distinct)")
    for name, count in other.most_common(15):
        print(f"  {count:3d} {name}")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_operation_is_fuzzed(backend: str) -> None:
    assert len(OPERATIONS) >= 40
