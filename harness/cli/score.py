"""``synharness score [FILE...|-] [--jsonl] [--jobs N] [--render]``: one score per asset, as JSON Lines.

Vocabulary:
- *record*: one output line, ``{"source", "score", "verdict", "components",
  "findings", "losses"}`` (see :mod:`synharness.agents.scoring`), in the order
  of the input (plus ``"diversity"`` with ``--diversity``).
- *stream mode* (``--jsonl``): each input is JSON Lines, one asset per line.
  Lines are read, scored and answered one at a time and stdout is flushed
  after each record, so a training loop can write one asset and wait for its
  score. Every input line gets exactly one record, so outputs match inputs
  by position: a malformed line scores 0 with its finding, a blank one 0 with
  ``SYN-LOAD-002``; the stream goes on.
- *batch*: one invocation. A later asset that behaves like an earlier one
  (another name, the same behaviour: :mod:`synharness.agents.dedupe`) gets
  ``SYN-SCORE-004`` and scores lower; workers fingerprint, the main process
  decides in input order, whatever ``--jobs``.

With ``--jobs N`` a process pool scores in parallel and records still come out
in input order (:meth:`synharness.agents.parallel.OrderedPool.stream`). Lines
are handed to workers in batches of whatever has already arrived (never
waiting to fill a batch) and the loop wakes on each arrival and each finished
batch, never on a timer, so throughput rises on a full pipe while an
interactive producer still gets each answer as soon as it exists. With
``--ray ADDRESS`` the batches go to a Ray cluster instead (:mod:`synharness.ray`).

Exit code 0 once every record is written (a score is data, not a failure),
2 for usage errors.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import IO, Any, BinaryIO

import click
import orjson
from synharness.cli.options import CliError, need_extra, strict_option
from synharness.errors import HarnessError
from synharness.findings import Finding
from synharness.loading import Source, iter_sources, read_source

BUILTIN_SCENARIOS = ("idle", "sweep", "random")


@dataclass(frozen=True)
class ScoreInvocation:
    """The parsed ``score`` command line."""

    paths: tuple[str, ...]
    jsonl: bool = False
    jobs: int = 1
    scenarios: tuple[str, ...] = ("idle",)
    #: The strict severity profile (``--strict``).
    strict: bool = False
    #: Mark near-duplicates and report the batch diversity (``--diversity``).
    diversity: bool = False
    #: Cosine distance of fingerprints for ``--diversity`` (None: the default).
    threshold: float | None = None
    #: Score on this Ray cluster (``auto``, ``local`` or an address) instead of local workers.
    ray: str | None = None
    #: Also run the renderers, when installed (``--render``).
    render: bool = False


#: One unit of work: (source name, raw bytes or the finding that stopped
#: reading them, JSON Lines line number or 0).
Item = tuple[str, bytes | Finding, int]


def score_items(
    items: Sequence[Item],
    scenarios: tuple[str, ...],
    strict: bool = False,
    diversity: bool = False,
    render: bool = False,
) -> list[bytes]:
    """Score items and encode their records (runs in a worker, so it must be top-level).

    Args:
        items: ``(source, raw, line)`` triples.
        scenarios: Built-in scenario names to run.
        strict: Apply the strict severity profile.
        diversity: Add each asset's behaviour fingerprint to its record
            (``"fingerprint"``, a list or null), for the parent to group; with
            ``render``, its render block is filled too.
        render: Also run the renderers, when installed.

    Returns:
        One encoded JSON record per item, without newline.
    """
    return [record for _, record, _ in score_marked(items, scenarios, strict, diversity, render)]


#: One scored item: (source, encoded record, digest of its behaviour or None).
Marked = tuple[str, bytes, str | None]


def score_marked(
    items: Sequence[Item],
    scenarios: tuple[str, ...],
    strict: bool = False,
    diversity: bool = False,
    render: bool = False,
) -> list[Marked]:
    """:func:`score_items`, each record with the digest the batch's duplicates are judged by.

    Runs in a worker (top-level); the digest is taken from the document the
    pipeline parsed, so nothing is parsed twice and the work is parallel.
    """
    from synharness.agents.batch import score_document
    from synharness.agents.scoring import score_parts
    from synharness.guard import guarded

    options = {"scenarios": scenarios, "render": render, "strict": strict}
    out: list[Marked] = []
    for source, raw, line in items:
        if isinstance(raw, Finding):
            result, digest = score_parts([raw], asset=None), None
        else:
            # The last resort: a bug scores this line with SYN-INTERNAL-001; the stream goes on.
            result, digest = guarded(
                partial(score_document, raw, source, options),
                source=source,
                fallback=lambda f: (score_parts([f], asset=None), None),
            )
        record = _record(source, result, line)
        if diversity:
            record["fingerprint"] = _fingerprint(raw, render=render)
        out.append((source, orjson.dumps(record), digest))
    return out


def _record(source: str, result: Any, line: int) -> dict[str, Any]:
    findings = [
        # A line parsed on its own reports line 1: give the line in the stream.
        (f.located(line, f.column) if line and f.line == 1 else f).model_dump(mode="json")
        for f in result.findings
    ]
    return {
        "source": source,
        "score": result.score,
        "verdict": result.verdict.value,
        "components": result.components,
        "findings": findings,
        "losses": [loss.model_dump(mode="json") for loss in result.losses],
    }


def mark_duplicate(record: bytes, duplicate: Finding) -> bytes:
    """The record of a later duplicate: its score recomputed with ``duplicate`` added."""
    from synharness.agents.scoring import Score, rescored

    data = orjson.loads(record)
    fields = {k: data[k] for k in ("score", "verdict", "components", "findings", "losses")}
    result = rescored(Score.model_validate(fields), [duplicate])
    rest = {k: v for k, v in data.items() if k not in fields and k != "source"}
    return orjson.dumps({**_record(data["source"], result, 0), **rest})


def _fingerprint(raw: bytes | Finding, *, render: bool = False) -> list[float] | None:
    from synharness.agents.fingerprint import NotAnAssetError, fingerprint_of

    if isinstance(raw, Finding):
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    try:
        return fingerprint_of(data, render=render)
    except NotAnAssetError:
        return None


class _DiversityMarks:
    """Turns the workers' fingerprints into ``diversity`` marks, in input order."""

    def __init__(self, threshold: float | None) -> None:
        from synharness.agents.neighbours import DEFAULT_THRESHOLD, DiversityTracker

        self.tracker = DiversityTracker(
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold
        )
        self.sources: list[str] = []

    def mark(self, record: bytes) -> bytes:
        data = orjson.loads(record)
        leader = self.tracker.add(data.pop("fingerprint", None))
        self.sources.append(str(data.get("source")))
        now = self.tracker.result()
        data["diversity"] = {
            "duplicate_of": None if leader is None else self.sources[leader],
            "distance": now.distance[-1],
            "distinct": now.distinct,
            "assets": now.assets,
            "ratio": round(now.ratio, 6),
        }
        return orjson.dumps(data)

    def summary(self) -> str:
        now = self.tracker.result()
        return (
            f"diversity: {now.distinct} distinct behaviours / {now.assets} assets = "
            f"{now.ratio:.3f} (cosine distance <= {now.threshold:g})"
        )


def jsonl_items(stream: BinaryIO, name: str) -> Iterator[Item]:
    """Yield every line of a JSON Lines stream as it arrives (blank ones too: one record each)."""
    for number, line in enumerate(iter(stream.readline, b""), start=1):
        yield f"{name}:{number}", line.rstrip(b"\r\n"), number


def document_items(invocation: ScoreInvocation, stdin: BinaryIO) -> Iterator[Item]:
    """Expand the paths now, then yield every input: lines with --jsonl, else files.

    Raises:
        CliError: A path does not exist (raised here, before anything is read).
    """
    try:
        sources = list(iter_sources(invocation.paths, stdin=stdin))
    except HarnessError as exc:
        raise CliError.from_exception(exc) from None
    return _items(sources, jsonl=invocation.jsonl)


def _items(sources: Sequence[Source], *, jsonl: bool) -> Iterator[Item]:
    for source in sources:
        if not jsonl:
            # An unreadable file still gets its record, with the reading finding.
            yield source.name, read_source(source), 0
        elif source.stream is not None:
            yield from jsonl_items(source.stream, source.name)
        else:
            try:
                with open(source.path or source.name, "rb") as handle:
                    yield from jsonl_items(handle, source.name)
            except OSError as exc:
                raise CliError(f"{source.name}: cannot read: {exc.strerror}", exit_code=2) from None


def score_one(item: Item) -> Marked:
    """Score one item with the worker's options (see ``worker_state``)."""
    from synharness.agents.parallel import worker_state

    return score_marked([item], *worker_state()["extra"])[0]


def warm_up() -> None:
    """Import the scorer (schemas, models, engine) and score once, before workers fork."""
    score_items([("<warm-up>", b"{}", 0)], ("idle",))


def run(invocation: ScoreInvocation, *, stdin: BinaryIO, out: IO[bytes]) -> int:
    """Score every input and write one record per asset, flushing each.

    Args:
        invocation: What to score and how.
        stdin: The stream ``-`` reads from.
        out: Where records go (binary stdout).

    Returns:
        The exit code, 0.

    Raises:
        CliError: A path does not exist or cannot be read.
    """
    from synharness.agents.dedupe import Deduper

    items = document_items(invocation, stdin)
    marks = _DiversityMarks(invocation.threshold) if invocation.diversity else None
    # Records are written in input order, so duplicates are decided here, in that order.
    seen = Deduper()

    def emit(records: Iterable[Marked]) -> None:
        for source, record, digest in records:
            duplicate = seen.observe(digest, source)
            if duplicate is not None:
                record = mark_duplicate(record, duplicate)
            out.write((record if marks is None else marks.mark(record)) + b"\n")
            out.flush()

    try:
        return _run(invocation, items, emit)
    finally:
        if marks is not None:
            click.echo(marks.summary(), err=True)


def _run(
    invocation: ScoreInvocation, items: Iterator[Item], emit: Callable[[Iterable[Marked]], None]
) -> int:
    from synharness.agents.parallel import OrderedPool

    extra = (invocation.scenarios, invocation.strict, invocation.diversity, invocation.render)
    if invocation.ray is not None:
        from synharness.ray import connect, score_items_on_ray

        connect(invocation.ray)
        emit(score_items_on_ray(items, extra=extra))
        return 0
    with OrderedPool(jobs=invocation.jobs, state={"extra": extra}, warm=warm_up) as pool:
        emit(pool.stream(score_one, items))
    return 0


@click.command("score")
@click.argument("paths", nargs=-1)
@click.option("--jsonl", is_flag=True, help="Inputs are JSON Lines: one asset per line.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes (records keep the input order).",
)
@click.option(
    "--scenario",
    "scenarios",
    type=click.Choice(BUILTIN_SCENARIOS),
    multiple=True,
    help="Built-in scenario to run (repeatable; default: idle).",
)
@strict_option
@click.option(
    "--diversity",
    is_flag=True,
    help="Add a 'diversity' object to each record: the earlier near-duplicate it repeats "
    "(behaviour fingerprints, cosine distance; rendered too with --render) and distinct "
    "behaviours / assets so far.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(min=0.0, max=2.0),
    help="Cosine distance for --diversity near-duplicates [default: 0.005].",
)
@click.option(
    "--ray",
    "ray_address",
    metavar="auto|local|ADDRESS",
    help="Score on a Ray cluster (needs the 'ray' extra); records keep the input order.",
)
@click.option(
    "--render",
    is_flag=True,
    help="Also render shader and sound, when the render extra is installed.",
)
def command(
    paths: Sequence[str],
    jsonl: bool,
    jobs: int,
    scenarios: Sequence[str],
    strict: bool,
    diversity: bool,
    threshold: float | None,
    ray_address: str | None,
    render: bool,
) -> None:
    """Score assets in [0, 1]: FILEs (one asset each), or JSON Lines with --jsonl; - is stdin."""
    invocation = ScoreInvocation(
        paths=tuple(paths) or ("-",),
        jsonl=jsonl,
        jobs=jobs,
        scenarios=tuple(dict.fromkeys(scenarios)) or ("idle",),
        strict=strict,
        diversity=diversity,
        threshold=threshold,
        ray=ray_address,
        render=render,
    )
    if ray_address is not None:
        need_extra("ray", what="synharness score --ray")
    if render:
        from synharness.agents.scoring import missing_renderers

        missing = missing_renderers()
        if missing:
            # One line, once: each record also carries a SYN-SCORE-005 info.
            click.echo(
                f"synharness score: --render: {', '.join(missing)} not installed; "
                "scoring without rendering (pip install 'synharness[render]')",
                err=True,
            )
        elif diversity:
            from synharness.agents.fingerprint_render import unavailable_line

            # With --diversity, the fingerprints render too (their render block).
            line = unavailable_line("synharness score --diversity --render")
            if line is not None:
                click.echo(line, err=True)
    # sys streams, not click.get_binary_stream (deprecated in click 8.2);
    # CliRunner swaps sys.stdin and sys.stdout, so tests still capture them.
    code = run(invocation, stdin=sys.stdin.buffer, out=sys.stdout.buffer)
    click.get_current_context().exit(code)
