"""The store's own finding codes (SYN-STORE-*), on their fail and pass fixtures, through
the store: the pipeline alone cannot produce them."""

from __future__ import annotations

import json

from tests.api.helpers import error_of
from tests.conftest import CODE_FIXTURES
from tests.factories import make_asset


def _fixture(code: str, kind: str) -> bytes:
    return (CODE_FIXTURES / code / f"{kind}.json").read_bytes()


def _stored_codes(client, raw: bytes) -> list[str]:
    created = client.post("/synesthetic-assets/", content=raw)
    assert created.status_code == 201, created.text
    findings = client.get(f"/synesthetic-assets/{created.json()['id']}/findings").json()
    return [f["code"] for f in findings["findings"]]


def test_store_001_null_member_is_reported_and_dropped(client):
    failing = _stored_codes(client, _fixture("SYN-STORE-001", "fail"))
    assert failing.count("SYN-STORE-001") == 2
    assert "SYN-STORE-001" not in _stored_codes(client, _fixture("SYN-STORE-001", "pass"))


def test_store_002_partial_put_is_refused_and_whole_put_is_not(client):
    url = client.post("/synesthetic-assets/", json=make_asset()).headers["location"]
    failing = client.put(url, content=_fixture("SYN-STORE-002", "fail"))
    assert failing.status_code == 422
    assert next(f["code"] for f in error_of(failing)["details"]["findings"]) == "SYN-STORE-002"
    passing = client.put(url, content=_fixture("SYN-STORE-002", "pass"))
    assert passing.status_code == 200, passing.text
    assert json.loads(_fixture("SYN-STORE-002", "pass"))["name"] == passing.json()["name"]
