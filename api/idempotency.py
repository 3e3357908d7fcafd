"""``Idempotency-Key`` on POST: a retried create is answered, not repeated.

A client that lost the answer to a POST (a time-out, a killed connection, a
crashed server) cannot know whether the asset was created; retrying blindly
created it twice. With an ``Idempotency-Key`` header the store keeps the first
answer (status, body, ``Location``, ``ETag``) in the ``idempotency_keys``
table, in the same transaction as the write itself, so either both are
durable or neither is:

- same key, same body: the first answer again (header
  ``Idempotent-Replayed: true``), nothing written;
- same key, another body: ``422`` (the key names another request);
- two concurrent requests with one new key: one writes, the other's insert of
  the key conflicts, is rolled back, and replays the winner's answer.

A key is scoped to the method and path it was used on, is 1 to 255 visible
ASCII characters, and is kept for good (keys are small; a store that wants
them gone deletes old rows). Answers that are not 2xx are not stored: the
request had no effect, and a retry is answered afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated

import orjson
from fastapi import Header, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from synharness.api.crud import now
from synharness.api.errors import ApiError
from synharness.api.tables import IdempotencyRow

#: Longest accepted key.
MAX_KEY_LENGTH = 255
#: Headers of the first answer that a replay repeats.
KEPT_HEADERS = ("location", "etag", "content-type")

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Makes the POST safe to retry: the same key and body get the first answer",
    ),
]


class KeyReused(ApiError):
    """The key was used before with another body."""

    status = 422
    code = "idempotency_key_reused"


class BadKey(ApiError):
    """The key is empty, too long or not visible ASCII."""

    status = 422
    code = "invalid_request"


def request_hash(raw: bytes) -> str:
    """The SHA-256 of a request body, hex."""
    return hashlib.sha256(raw).hexdigest()


def idempotent(
    *,
    session: Session,
    key: str | None,
    scope: str,
    raw: bytes,
    work: Callable[[], Response],
) -> Response:
    """Run ``work`` once per key and commit; replay its answer for the same key.

    Args:
        session: The request's session; ``work`` writes in it without committing.
        key: The ``Idempotency-Key`` header, or None (then ``work`` runs and commits).
        scope: Method and path (``POST /synesthetic-assets/``).
        raw: The request body.
        work: Does the write (no commit) and returns the answer.

    Raises:
        KeyReused: The key was used on ``scope`` with another body (422).
        BadKey: The key is not 1..255 visible ASCII characters (422).
    """
    if key is None:
        response = work()
        session.commit()
        return response
    _check_key(key)
    digest = request_hash(raw)
    stored = session.get(IdempotencyRow, (scope, key))
    if stored is not None:
        return _replay(stored, digest, key)
    response = work()
    if not 200 <= response.status_code < 300:
        session.commit()
        return response
    headers = {k: v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
    session.add(
        IdempotencyRow(
            scope=scope,
            key=key,
            request_hash=digest,
            status=response.status_code,
            headers=orjson.dumps(headers).decode(),
            body=bytes(response.body).decode("utf-8"),
            created_at=now(),
        )
    )
    try:
        session.flush()
    except IntegrityError:
        # A concurrent request with the same key won: undo ours, answer theirs.
        session.rollback()
        winner = session.get(IdempotencyRow, (scope, key))
        if winner is None:  # pragma: no cover - the conflicting row must exist
            raise
        return _replay(winner, digest, key)
    session.commit()
    return response


def _replay(stored: IdempotencyRow, digest: str, key: str) -> Response:
    if stored.request_hash != digest:
        raise KeyReused(
            f"Idempotency-Key {key!r} was used before with another body; "
            "use a new key for a new request",
            details={"key": key},
        )
    headers = dict(orjson.loads(stored.headers))
    headers["Idempotent-Replayed"] = "true"
    media = headers.pop("content-type", "application/json")
    return Response(
        stored.body.encode("utf-8"), status_code=stored.status, headers=headers, media_type=media
    )


def _check_key(key: str) -> None:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " < c <= "~" for c in key):
        raise BadKey(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters",
            details={"header": "Idempotency-Key"},
        )
