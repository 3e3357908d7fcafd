"""Scoring on a Ray cluster: the same records as a local run, in the same order.

Vocabulary:
- *cluster address*: ``auto`` (the running cluster Ray finds: ``RAY_ADDRESS``, or
  the one ``ray start --head`` started on this machine), ``local`` (start a
  cluster inside this process, for one machine), or an address such as
  ``ray://head:10001`` or ``head:6379``;
- *chunk*: consecutive documents one remote task scores (the per-task cost of
  Ray, about a millisecond, is paid once per chunk); each Ray worker process
  imports synharness and loads the schema registry once and then reuses it;
- *record*: what ``synharness score`` writes per document (see
  :func:`synharness.cli.score.score_items`).

Entry points: :func:`score_documents` (a list through remote tasks, results in
input order), :func:`score_batch` (a ``ray.data`` ``map_batches`` function:
``dataset.map_batches(score_batch, batch_format="numpy")`` adds a ``record``
column; ``ray.data`` needs ``pip install 'ray[data]'``), and ``synharness score
--ray ADDRESS``. Every worker node needs synharness installed (the same
version), e.g. through the cluster's image or ``runtime_env={"pip": [...]}``
given to :func:`connect`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson
from synharness.extras import require_extra

#: Documents per remote task.
CHUNK = 64
#: Tasks in flight per CPU of the cluster: enough to keep every worker busy.
WINDOW_PER_CPU = 3

Item = tuple[str, Any, int]


def connect(address: str = "auto", **init: Any) -> None:
    """Connect to (or, with ``local``, start) a Ray cluster; a no-op when connected.

    Args:
        address: ``auto``, ``local`` or a cluster address (see the module).
        init: More keyword arguments for ``ray.init`` (``runtime_env``, ``num_cpus``).

    Raises:
        MissingExtraError: ray is not installed.
    """
    require_extra("ray", what="scoring on Ray")
    import ray

    if ray.is_initialized():
        return
    ray.init(address=None if address == "local" else address, **init)


def _score_chunk(items: Sequence[Item], extra: tuple[Any, ...]) -> list[tuple[str, bytes, Any]]:
    from synharness.cli.score import score_marked

    return score_marked(items, *extra)


def score_items_on_ray(
    items: Iterable[Item],
    *,
    scenarios: tuple[str, ...] = ("idle",),
    chunk: int = CHUNK,
    extra: tuple[Any, ...] | None = None,
) -> Iterator[tuple[str, bytes, Any]]:
    """Score ``(source, raw, line)`` items with remote tasks; yield them in input order.

    Each is ``(source, record, digest)`` as :func:`synharness.cli.score.score_marked`
    gives it (the digest marks duplicates in the parent).

    At most a window of chunks is in flight, so an input of any length streams
    through in bounded memory. Call :func:`connect` first.

    Args:
        items: What to score.
        scenarios: Built-in scenarios to run.
        chunk: Items per remote task.
        extra: All of ``score_marked``'s arguments after the items (``scenarios``,
            ``strict``, ``diversity``, ``render``), overriding ``scenarios``.
    """
    import ray

    remote = ray.remote(_score_chunk)
    cpus = ray.cluster_resources().get("CPU", 1)  # type: ignore[no-untyped-call]
    window = max(2, int(cpus) * WINDOW_PER_CPU)
    pending: deque[Any] = deque()
    source = iter(items)
    while True:
        while len(pending) < window:
            batch = [item for _, item in zip(range(chunk), source, strict=False)]
            if not batch:
                break
            pending.append(remote.remote(batch, extra or (scenarios,)))
        if not pending:
            return
        yield from ray.get(pending.popleft())


def _item(index: int, document: Any) -> Item:
    if isinstance(document, bytes):
        return (f"<document {index}>", document, 0)
    if isinstance(document, str):
        return (f"<document {index}>", document.encode("utf-8", "surrogatepass"), 0)
    return (f"<document {index}>", orjson.dumps(document), 0)


def score_documents(
    documents: Sequence[bytes | str | dict[str, Any]],
    *,
    scenarios: tuple[str, ...] = ("idle",),
    address: str = "auto",
    chunk: int = CHUNK,
) -> list[dict[str, Any]]:
    """Score documents on a Ray cluster: one record per document, in input order.

    Args:
        documents: JSON text (bytes or str) or parsed documents.
        scenarios: Built-in scenarios to run (as ``score --scenario``).
        address: The cluster (see :func:`connect`); ignored when already connected.
        chunk: Documents per remote task.

    Returns:
        The records ``synharness score`` writes, parsed; the ``source`` of each
        is ``<document N>``.
    """
    connect(address)
    items = (_item(i, d) for i, d in enumerate(documents))
    scored = score_items_on_ray(items, scenarios=scenarios, chunk=chunk)
    return [orjson.loads(record) for _, record, _ in scored]


def score_batch(
    batch: dict[str, Any], *, column: str = "document", scenarios: tuple[str, ...] = ("idle",)
) -> dict[str, Any]:
    """A ``map_batches`` function: add a ``record`` column (JSON text) scoring ``column``.

    Use with ``batch_format="numpy"``; rows keep their order when the
    dataset's ``DataContext.execution_options.preserve_order`` is set.
    """
    import numpy as np
    from synharness.cli.score import score_items

    documents = list(batch[column])
    items = [_item(i, d) for i, d in enumerate(documents)]
    records = [r.decode("utf-8") for r in score_items(items, scenarios)]
    return {**batch, "record": np.array(records, dtype=object)}
