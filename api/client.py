"""HTTP client of the store, for ``synharness push`` and ``synharness run --from``.

Vocabulary:
- *store URL*: the store's base URL (``http://127.0.0.1:8000``); a URL that
  ends in ``/synesthetic-assets`` (with or without slash) names the same store.
- *asset source*: ``<store>/synesthetic-assets/<id>``, the ``source`` of an
  asset fetched from the store; :func:`push_results` sends each result back to
  the asset its source names.

Network failures and refusals the caller cannot fix per document raise
:class:`StoreError` (exit code 2); documents the store refuses (422) come back
as data in :class:`PushOutcome`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx
import orjson
from synharness.api.documents import METADATA_KEYS
from synharness.errors import HarnessError
from synharness.result import AssetResult

#: Page size when fetching every asset.
PAGE_SIZE = 200
#: Seconds before a request to the store gives up.
DEFAULT_TIMEOUT = 30.0

_ASSET_SOURCE = re.compile(r"^(?P<base>.+?)/synesthetic-assets/(?P<id>\d+)/?$")


class StoreError(HarnessError):
    """The store is unreachable or refused the request as a whole."""

    exit_code: ClassVar[int] = 2


@dataclass(frozen=True)
class PushOutcome:
    """What the store answered for one pushed document."""

    source: str
    status: int
    #: The stored document's URL (``Location``), when it was stored.
    location: str | None = None
    #: The error message and findings, when it was refused.
    message: str = ""
    findings: tuple[dict[str, Any], ...] = field(default=())

    @property
    def stored(self) -> bool:
        """Whether the store accepted the document."""
        return 200 <= self.status < 300


def base_url(url: str) -> str:
    """The store's base URL of ``url`` (a base or its ``/synesthetic-assets`` URL)."""
    url = url.rstrip("/")
    return url.removesuffix("/synesthetic-assets")


def _client(url: str, token: str | None, transport: httpx.BaseTransport | None) -> httpx.Client:
    headers = {"X-Schema-Version": "0.7.3", "User-Agent": "synharness"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.Client(
        base_url=base_url(url), headers=headers, timeout=DEFAULT_TIMEOUT, transport=transport
    )


def _fail(response: httpx.Response, what: str) -> StoreError:
    try:
        error = response.json()["error"]
        detail = f"{error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        detail = response.text[:200]
    return StoreError(f"{what}: HTTP {response.status_code} ({detail})", path=str(response.url))


def _send(client: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
    try:
        return client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        raise StoreError(f"cannot reach the store at {client.base_url}: {exc}") from None


@dataclass(frozen=True)
class StoredAsset:
    """One asset as fetched: its source URL, document bytes and the ETag of that version."""

    source: str
    raw: bytes
    etag: str | None


def fetch_assets(
    url: str, *, token: str | None = None, transport: httpx.BaseTransport | None = None
) -> list[tuple[str, bytes]]:
    """Every asset the store holds, as ``(source, JSON bytes)`` pairs.

    The bytes are the stored document exactly (metadata keys removed), so the
    local pipeline validates what the store holds.

    Args:
        url: The store URL.
        token: Bearer token (reads need none; accepted for symmetry).
        transport: An httpx transport (tests pass the app's).

    Raises:
        StoreError: The store is unreachable or answers with an error.
    """
    return [(a.source, a.raw) for a in fetch_stored(url, token=token, transport=transport)]


def fetch_stored(
    url: str, *, token: str | None = None, transport: httpx.BaseTransport | None = None
) -> list[StoredAsset]:
    """Every asset the store holds, each with the ETag of the version fetched.

    The list gives the ids; each asset is then read on its own, so that its
    bytes and ETag come from one answer (a report pushed back names that
    version in ``If-Match``). An asset deleted in between is skipped.

    Raises:
        StoreError: The store is unreachable or answers with an error.
    """
    found: list[StoredAsset] = []
    base = base_url(url)
    with _client(url, token, transport) as client:
        offset = 0
        ids: list[int] = []
        while True:
            response = _send(
                client,
                "GET",
                "/synesthetic-assets/",
                params={"limit": PAGE_SIZE, "offset": offset},
            )
            if response.status_code != 200:
                raise _fail(response, "listing the assets failed")
            page = orjson.loads(response.content)
            ids.extend(int(item["id"]) for item in page)
            offset += len(page)
            total = int(response.headers.get("X-Total-Count", offset))
            if not page or offset >= total:
                break
        for ident in ids:
            response = _send(client, "GET", f"/synesthetic-assets/{ident}")
            if response.status_code == 404:
                continue
            if response.status_code != 200:
                raise _fail(response, f"reading asset {ident} failed")
            item = orjson.loads(response.content)
            doc = {k: v for k, v in item.items() if k not in METADATA_KEYS}
            found.append(
                StoredAsset(
                    f"{base}/synesthetic-assets/{ident}",
                    orjson.dumps(doc),
                    response.headers.get("ETag"),
                )
            )
    return found


def push_key(raw: bytes) -> str:
    """The ``Idempotency-Key`` of a pushed document: derived from its bytes.

    Pushing the same file twice (or retrying after a lost answer) is answered
    with the asset the first push created, instead of creating it again.
    """
    return "push-sha256-" + hashlib.sha256(raw).hexdigest()


def push_documents(
    url: str,
    documents: Iterable[tuple[str, bytes]],
    *,
    token: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> list[PushOutcome]:
    """Create one asset per document; the store validates each.

    Every POST carries an ``Idempotency-Key`` derived from the document's bytes
    (:func:`push_key`), so a push is idempotent: the same document pushed again
    gets the asset created the first time.

    Raises:
        StoreError: The store is unreachable, or refused for a reason no
            document can fix (401, 409 schema version, 5xx).
    """
    outcomes = []
    with _client(url, token, transport) as client:
        for source, raw in documents:
            response = _send(
                client,
                "POST",
                "/synesthetic-assets/",
                content=raw,
                headers={"Content-Type": "application/json", "Idempotency-Key": push_key(raw)},
            )
            if response.status_code in (401, 403, 409) or response.status_code >= 500:
                raise _fail(response, f"pushing {source} failed")
            outcomes.append(_outcome(source, response))
    return outcomes


def _outcome(source: str, response: httpx.Response) -> PushOutcome:
    if response.is_success:
        return PushOutcome(source, response.status_code, location=response.headers.get("Location"))
    try:
        error = response.json()["error"]
        message = str(error.get("message", ""))
        details = error.get("details") or {}
        findings = tuple(details.get("findings", ())) if isinstance(details, dict) else ()
    except (ValueError, KeyError, TypeError, AttributeError):
        message, findings = response.text[:200], ()
    return PushOutcome(source, response.status_code, message=message, findings=findings)


def push_results(
    url: str,
    results: Sequence[AssetResult],
    *,
    token: str | None = None,
    transport: httpx.BaseTransport | None = None,
    etags: Mapping[str, str | None] | None = None,
) -> list[PushOutcome]:
    """Store each result as a report of the asset its ``source`` names.

    Results whose source is not an asset of this store are skipped. With
    ``etags`` (source -> ETag of the version that was verified, from
    :func:`fetch_stored`), each report is sent with ``If-Match``: a report of a
    version changed since is refused (412) instead of filed under the new one.
    Each carries an ``Idempotency-Key`` derived from its bytes, so a retry
    stores it once.

    Raises:
        StoreError: The store is unreachable or refuses the write as a whole.
    """
    base = base_url(url)
    outcomes = []
    with _client(url, token, transport) as client:
        for result in results:
            match = _ASSET_SOURCE.match(result.source)
            if match is None or base_url(match["base"]) != base:
                continue
            body = result.model_dump_json().encode()
            headers = {"Content-Type": "application/json", "Idempotency-Key": push_key(body)}
            etag = (etags or {}).get(result.source)
            if etag:
                headers["If-Match"] = etag
            response = _send(
                client,
                "POST",
                f"/synesthetic-assets/{match['id']}/reports",
                content=body,
                headers=headers,
            )
            if response.status_code in (401, 403, 409) or response.status_code >= 500:
                raise _fail(response, f"pushing the report of {result.source} failed")
            outcomes.append(_outcome(result.source, response))
    return outcomes
