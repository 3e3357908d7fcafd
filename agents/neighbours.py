"""Nearest neighbours of behaviour fingerprints, near-duplicate groups and batch diversity.

Vocabulary:
- *index*: fingerprints added one by one and searched by cosine distance
  (:func:`synharness.agents.fingerprint.distance`). Below
  :data:`EXACT_BELOW` fingerprints the search is exact (one matrix product in
  numpy); from there on, when the ``ann`` extra is installed, an HNSW graph of
  `usearch <https://github.com/unum-cloud/usearch>`_ proposes
  :data:`CANDIDATES` neighbours that are re-ranked exactly. usearch was chosen
  over hnswlib and faiss-cpu: one small wheel per platform with no BLAS or
  compiler needed (hnswlib ships only a source distribution and has had no
  release since 2023; faiss-cpu is a ~30 MB wheel built around training
  quantisers this use does not need), incremental adds, and cosine built in.
  Without the extra, large batches are searched exactly (slower, same answer).
- *near-duplicate*: a fingerprint within ``threshold`` (cosine distance, default
  :data:`DEFAULT_THRESHOLD`) of an earlier *leader*;
- *group*: a leader and the later fingerprints that are its near-duplicates,
  found in input order (leader clustering: each fingerprint joins the nearest
  earlier leader within the threshold, or leads a new group). Every input is
  in exactly one group; the result depends only on the fingerprints and their
  order.
- *diversity*: distinct groups over fingerprints (1.0: all different; ``1/n``:
  one behaviour for every input, the collapse an RLHF loop must notice).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from synharness.agents.fingerprint import DIMENSION

#: Below this many fingerprints the index searches exactly.
EXACT_BELOW = 4096
#: Neighbours the approximate index proposes for exact re-ranking.
CANDIDATES = 16
#: Cosine distance at or under which two fingerprints are near-duplicates:
#: renamed, reordered and reformatted copies are at 0, and the bundled
#: examples are all more than 0.09 apart.
DEFAULT_THRESHOLD = 0.005


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    unit: np.ndarray = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return unit


class FingerprintIndex:
    """Fingerprints searchable by cosine distance (exact, or usearch's HNSW when large)."""

    def __init__(
        self,
        *,
        dimension: int = DIMENSION,
        exact_below: int = EXACT_BELOW,
        approximate: bool | None = None,
    ) -> None:
        """Create an empty index.

        Args:
            dimension: The length of every fingerprint.
            exact_below: Search exactly while the index holds fewer fingerprints.
            approximate: Use usearch once the index is large: ``None`` when the
                ``ann`` extra is installed, ``False`` never, ``True`` always
                (raises when the extra is missing).
        """
        from synharness.extras import has_extra, require_extra

        if approximate:
            require_extra("ann", what="FingerprintIndex(approximate=True)")
        self.dimension = dimension
        self.exact_below = exact_below
        self._approximate = has_extra("ann") if approximate is None else approximate
        self._vectors = np.zeros((0, dimension), dtype=np.float32)
        self._count = 0
        self._ann: Any = None

    def __len__(self) -> int:
        return self._count

    @property
    def backend(self) -> str:
        """``exact`` or ``usearch``: how the next search runs."""
        return "usearch" if self._ann is not None else "exact"

    def add(self, vectors: np.ndarray | Sequence[float] | Sequence[Sequence[float]]) -> range:
        """Add one fingerprint or a matrix of them; return their ids (0, 1, ... in order)."""
        batch = np.asarray(vectors, dtype=np.float32)
        if batch.ndim == 1:
            batch = batch[None, :]
        if batch.shape[1] != self.dimension:
            raise ValueError(f"fingerprints have {self.dimension} values, not {batch.shape[1]}")
        unit = _unit(batch)
        start = self._count
        needed = start + len(unit)
        if needed > len(self._vectors):  # grow by doubling: adds stay amortised O(1)
            grown = np.zeros((max(needed, 2 * len(self._vectors), 64), self.dimension), np.float32)
            grown[:start] = self._vectors[:start]
            self._vectors = grown
        self._vectors[start:needed] = unit
        self._count = needed
        if self._ann is not None:
            self._ann.add(np.arange(start, needed, dtype=np.uint64), unit)
        elif self._approximate and needed >= self.exact_below:
            self._build_ann()
        return range(start, needed)

    def _build_ann(self) -> None:
        from usearch.index import Index

        self._ann = Index(ndim=self.dimension, metric="cos", dtype="f32")
        self._ann.add(np.arange(self._count, dtype=np.uint64), self._vectors[: self._count])

    def search(self, vector: np.ndarray | Sequence[float], k: int = 1) -> list[tuple[int, float]]:
        """The ``k`` nearest fingerprints as ``(id, cosine distance)``, nearest first.

        Ties are broken by the smaller id, so results are deterministic.
        """
        if self._count == 0 or k <= 0:
            return []
        query = _unit(np.asarray(vector, dtype=np.float32)[None, :])[0]
        if self._ann is None:
            candidates = np.arange(self._count)
        else:
            found = self._ann.search(query, max(k, CANDIDATES))
            candidates = np.unique(np.asarray(found.keys, dtype=np.int64))
        # float64 for the re-rank: float32 dots of equal vectors may miss 1 by 1e-7.
        dots = self._vectors[candidates].astype(np.float64) @ query.astype(np.float64)
        distances = np.clip(1.0 - dots, 0.0, 2.0)
        distances[distances < 1e-6] = 0.0  # float32 storage: equal vectors are at 0
        order = np.lexsort((candidates, distances))[:k]
        return [(int(candidates[i]), float(distances[i])) for i in order]


@dataclass(frozen=True)
class Diversity:
    """Near-duplicate groups of a batch and its diversity figure."""

    #: How many fingerprints.
    assets: int
    #: How many groups (distinct behaviours).
    distinct: int
    #: ``distinct / assets`` (1.0 for an empty batch).
    ratio: float
    #: The cosine-distance threshold used.
    threshold: float
    #: Groups as lists of input positions, in order of their leaders.
    groups: list[list[int]] = field(default_factory=list)
    #: Per input: the position of its group's leader when it is a later
    #: near-duplicate, else None.
    duplicate_of: list[int | None] = field(default_factory=list)
    #: Per input: its distance to that leader (None for leaders).
    distance: list[float | None] = field(default_factory=list)


class DiversityTracker:
    """Groups fingerprints as they arrive (a stream), see the module docstring."""

    def __init__(self, *, threshold: float = DEFAULT_THRESHOLD, exact_below: int = EXACT_BELOW):
        """Start an empty batch.

        Args:
            threshold: Cosine distance at or under which a fingerprint joins a group.
            exact_below: Passed to the leaders' :class:`FingerprintIndex`.
        """
        self.threshold = threshold
        self._leaders = FingerprintIndex(exact_below=exact_below)
        self._leader_position: list[int] = []
        self.groups: list[list[int]] = []
        self._group_of_leader: list[int] = []
        self.duplicate_of: list[int | None] = []
        self.distance: list[float | None] = []

    def add(self, vector: np.ndarray | Sequence[float] | None) -> int | None:
        """Add the next input's fingerprint (None: it has none, it leads its own group).

        Returns:
            The position of the earlier input it near-duplicates, or None.
        """
        position = len(self.duplicate_of)
        if vector is not None:
            hits = self._leaders.search(vector, 1)
            if hits and hits[0][1] <= self.threshold:
                leader, gap = hits[0]
                self.groups[self._group_of_leader[leader]].append(position)
                self.duplicate_of.append(self._leader_position[leader])
                self.distance.append(gap)
                return self._leader_position[leader]
            self._leaders.add(vector)
            self._leader_position.append(position)
            self._group_of_leader.append(len(self.groups))
        self.groups.append([position])
        self.duplicate_of.append(None)
        self.distance.append(None)
        return None

    @property
    def assets(self) -> int:
        """Inputs so far."""
        return len(self.duplicate_of)

    def result(self) -> Diversity:
        """The groups and the diversity figure so far."""
        n = self.assets
        return Diversity(
            assets=n,
            distinct=len(self.groups),
            ratio=len(self.groups) / n if n else 1.0,
            threshold=self.threshold,
            groups=[list(g) for g in self.groups],
            duplicate_of=list(self.duplicate_of),
            distance=list(self.distance),
        )


def diversity(
    fingerprints: Sequence[np.ndarray | Sequence[float] | None],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> Diversity:
    """Group a batch's fingerprints into near-duplicates and measure its diversity.

    Args:
        fingerprints: One per input, in order; None for an input that has none
            (it is a group of its own).
        threshold: Cosine distance at or under which a later input is a
            near-duplicate of an earlier group's leader.

    Returns:
        The groups, the per-input duplicate marks and ``distinct / assets``.
    """
    tracker = DiversityTracker(threshold=threshold)
    for vector in fingerprints:
        tracker.add(vector)
    return tracker.result()


def fingerprints_of(documents: Sequence[Any], *, render: bool = False) -> list[list[float] | None]:
    """The fingerprint of each document (a parsed asset or a model), None where it has none.

    A document that is not a valid synesthetic asset gets None, never an
    exception, so one bad asset never stops a batch. ``render`` fills the
    fingerprints' render block (:func:`synharness.agents.fingerprint.fingerprint`).
    """
    from synharness.agents.fingerprint import NotAnAssetError, fingerprint_of
    from synharness.models import SynestheticAsset

    found: list[list[float] | None] = []
    for document in documents:
        if not isinstance(document, SynestheticAsset | Mapping):
            found.append(None)
            continue
        try:
            found.append(fingerprint_of(document, render=render))
        except NotAnAssetError:
            found.append(None)
    return found


def diversity_of(
    documents: Sequence[Any], *, threshold: float = DEFAULT_THRESHOLD, render: bool = False
) -> Diversity:
    """:func:`diversity` of a batch of documents (parsed assets or models).

    This is the batch figure a reward API reports (``reward(..., diversity=True)``
    can return it as is): documents without a fingerprint count as distinct.
    ``render`` fills the fingerprints' render block.
    """
    return diversity(fingerprints_of(documents, render=render), threshold=threshold)
