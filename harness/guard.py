"""The last-resort guard around each document.

Every document (a file of a CLI batch, a line of a JSON Lines stream, the body
of a store request) is handled inside :func:`guarded`. Bad input is a finding
long before this point; an exception that still escapes is a bug in
synharness. The guard turns it into one ``SYN-INTERNAL-001`` error finding that
names the document and the exception, with the bug-report hint, so that the
batch or the stream goes on with the next document and the user gets a result
instead of a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from synharness.codes import finding
from synharness.findings import Finding
from synharness.result import AssetResult

log = logging.getLogger("synharness")

#: Where bugs are reported (named in the finding's hint).
BUG_REPORTS = "https://github.com/synharness/synharness/issues"

T = TypeVar("T")


def internal_finding(exc: BaseException, *, source: str) -> Finding:
    """``SYN-INTERNAL-001`` for an unexpected exception while handling ``source``."""
    what = f"{type(exc).__name__}: {exc}"
    if len(what) > 300:
        what = what[:299] + "…"
    return finding(
        "SYN-INTERNAL-001",
        "",
        f"internal error while checking {source}: {what}",
        hint=(
            "This is a bug in synharness, not necessarily in the document: please report it "
            f"at {BUG_REPORTS} with the file attached; the other documents were checked."
        ),
    )


def internal_result(exc: BaseException, *, source: str) -> AssetResult:
    """An asset result holding only the internal-error finding of ``source``."""
    return AssetResult(source=source, findings=(internal_finding(exc, source=source),))


def guarded(
    work: Callable[[], T],
    *,
    source: str,
    fallback: Callable[[Finding], T],
    expected: tuple[type[Exception], ...] = (),
) -> T:
    """Run ``work()``; an exception becomes ``fallback(SYN-INTERNAL-001 finding)``.

    The traceback goes to the ``synharness`` logger at DEBUG level (for a bug
    report; never printed by default: the user sees the finding, not a traceback).

    Args:
        work: What to do with one document.
        source: The document's name (file, ``stream:line``, request path).
        fallback: Builds the result of a document whose handling crashed.
        expected: Exceptions that are answers, not bugs (the store's 4xx errors):
            they pass through.
    """
    try:
        return work()
    except expected:
        raise
    except Exception as exc:  # the last resort: any bug becomes a finding
        log.debug("internal error while checking %s", source, exc_info=exc)
        return fallback(internal_finding(exc, source=source))


def guarded_result(
    work: Callable[[], AssetResult],
    *,
    source: str,
    expected: tuple[type[Exception], ...] = (),
) -> AssetResult:
    """:func:`guarded` for work that returns an asset result."""
    return guarded(
        work,
        source=source,
        fallback=lambda f: AssetResult(source=source, findings=(f,)),
        expected=expected,
    )
