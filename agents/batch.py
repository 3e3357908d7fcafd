"""Scoring a batch (``score_many``), in this process or on the parallel engine.

:func:`score_batch` takes the documents and the score's options and returns
one :class:`Score` each, in order, with later duplicates marked
(:mod:`synharness.agents.dedupe`). ``jobs=1`` scores in this process; ``jobs >
1`` maps chunks over :class:`synharness.agents.parallel.OrderedPool` (workers
started warm once, the options handed to each worker once, results streamed
back in order). Duplicates are decided here, in input order, as results come
back, so the result does not depend on ``jobs``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from synharness.agents.dedupe import Deduper, fingerprint
from synharness.agents.scoring import Score, rescored, score_checked, score_parts
from synharness.codes import finding
from synharness.pipeline import ValidationOptions, check_bytes, check_data

#: Batches up to this size are scored in this process whatever ``jobs`` says:
#: starting workers costs more than they would save.
CHUNK = 64


def score_document(doc: Any, source: str, options: dict[str, Any]) -> tuple[Score, str | None]:
    """Score one document of any accepted type; return it with its fingerprint.

    ``options`` are :func:`~synharness.agents.scoring.score_checked`'s keyword
    arguments, plus ``strict`` for the validation profile.
    """
    scoring = {k: v for k, v in options.items() if k != "strict"}
    validation = ValidationOptions(strict=bool(options.get("strict", False)))
    if isinstance(doc, str):
        # surrogatepass: a lone surrogate becomes bytes that fail UTF-8 (SYN-LOAD-003).
        doc = doc.encode("utf-8", "surrogatepass")
    if isinstance(doc, bytes | bytearray | memoryview):
        checked = check_bytes(bytes(doc), source=source, options=validation)
    elif isinstance(doc, dict):
        checked = check_data(doc, source=source, options=validation)
    else:
        message = f"the document is a {type(doc).__name__}, not an object"
        return score_parts([finding("SYN-LOAD-008", "", message)], asset=None), None
    return score_checked(checked, **scoring), fingerprint(checked.data)


def _chunk(
    docs: list[Any], names: list[str], options: dict[str, Any]
) -> list[tuple[Score, str | None]]:
    return [score_document(d, n, options) for d, n in zip(docs, names, strict=True)]


def _score_one(item: tuple[Any, str]) -> tuple[Score, str | None]:
    from synharness.agents.parallel import worker_state

    return score_document(item[0], item[1], worker_state()["options"])


def _warm() -> None:
    score_document(b"{}", "<warm-up>", {})


def score_batch(
    documents: list[Any], names: Sequence[str], *, jobs: int, options: dict[str, Any]
) -> list[Score]:
    """Score ``documents`` (see :func:`synharness.agents.scoring.score_many`)."""
    from synharness.agents.parallel import OrderedPool

    names = list(names)
    if jobs <= 1 or len(documents) <= CHUNK:
        scored: Iterator[tuple[Score, str | None]] = iter(_chunk(documents, names, options))
    else:
        pool = OrderedPool(jobs=jobs, state={"options": options}, warm=_warm)
        scored = _mapped(pool, list(zip(documents, names, strict=True)))
    seen = Deduper()
    out: list[Score] = []
    for (result, print_), name in zip(scored, names, strict=True):
        duplicate = seen.observe(print_, name)
        out.append(rescored(result, [duplicate]) if duplicate is not None else result)
    return out


def _mapped(pool: Any, items: list[tuple[Any, str]]) -> Any:
    with pool:
        yield from pool.map(_score_one, items, total=len(items))
