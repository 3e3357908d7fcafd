"""``synharness similar``: group near-duplicate assets by their behaviour fingerprints.

Every input path is in exactly one group. The metric is the cosine distance of
behaviour fingerprints (``docs/fingerprint.md``); a path joins the group of the
first earlier path within ``--threshold``. A document that is not a valid
synesthetic asset has no fingerprint: it is a group of its own, and one line on
stderr says why. ``--render`` adds what the shader shows and the tone sounds
like (the fingerprint's render block); a part that cannot be rendered here
(no GL, no Node) stays 0 in every fingerprint, and one line on stderr says so.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

import click
import orjson
from synharness.cli.options import CliError
from synharness.errors import HarnessError


@dataclass(frozen=True)
class SimilarInvocation:
    """The parsed ``similar`` command line."""

    paths: tuple[str, ...]
    threshold: float
    format: str = "text"
    #: Fill the fingerprints' render block (``--render``).
    render: bool = False


def run_similar(invocation: SimilarInvocation, *, stdin: BinaryIO) -> tuple[str, list[str]]:
    """Fingerprint every document and group them.

    Args:
        invocation: Paths, threshold and output format.
        stdin: The stream ``-`` reads from.

    Returns:
        The output text and the diagnostics for stderr.
    """
    from synharness.agents.fingerprint import fingerprint
    from synharness.agents.neighbours import DiversityTracker
    from synharness.loading import iter_sources
    from synharness.models import SynestheticAsset
    from synharness.pipeline import check_source

    tracker = DiversityTracker(threshold=invocation.threshold)
    names: list[str] = []
    notes: list[str] = []
    if invocation.render:
        from synharness.agents.fingerprint_render import unavailable_line

        line = unavailable_line("synharness similar --render")
        if line is not None:
            notes.append(line)
    for source in iter_sources(invocation.paths, stdin=stdin):
        checked = check_source(source)
        names.append(source.name)
        if isinstance(checked.model, SynestheticAsset):
            tracker.add(fingerprint(checked.model, render=invocation.render))
            continue
        errors = [f for f in checked.result.findings if f.severity == "error"]
        why = f"{errors[0].code} {errors[0].message}" if errors else "not a synesthetic asset"
        notes.append(f"{source.name}: no fingerprint ({why}); it is a group of its own")
        tracker.add(None)
    result = tracker.result()
    groups = [[names[i] for i in group] for group in result.groups]
    if invocation.format == "json":
        return orjson.dumps({"groups": groups}).decode() + "\n", notes
    lines = [
        f"{result.distinct} groups of {result.assets} assets (diversity {result.ratio:.3f}; "
        f"cosine distance of behaviour fingerprints <= {invocation.threshold:g})"
    ]
    for number, group in enumerate(groups, 1):
        lines.append(f"group {number} ({len(group)}):")
        lines += [f"  {name}" for name in group]
    return "\n".join(lines) + "\n", notes


@click.command("similar")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--threshold",
    type=click.FloatRange(min=0.0, max=2.0),
    default=None,
    help="Cosine distance of fingerprints at or under which assets are near-duplicates "
    "[default: 0.005].",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help='Output format; json is {"groups": [[path, ...], ...]}.',
)
@click.option(
    "--render",
    is_flag=True,
    help="Also render shader and sound into the fingerprints (GL and Node; slower).",
)
def command(paths: Sequence[str], threshold: float | None, format_: str, render: bool) -> None:
    """Group near-duplicate assets (files, directories, globs or -) by behaviour fingerprint."""
    from synharness.agents.neighbours import DEFAULT_THRESHOLD

    invocation = SimilarInvocation(
        paths=tuple(paths),
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        format=format_,
        render=render,
    )
    try:
        text, notes = run_similar(invocation, stdin=sys.stdin.buffer)
    except HarnessError as exc:
        raise CliError.from_exception(exc) from None
    for note in notes:
        click.echo(note, err=True)
    click.echo(text, nl=False)
