"""``python -m synharness.render.tone``: install the renderer, or regenerate the option catalogue.

Commands:
- ``install [--dir DIR]``: ``npm ci`` of the pinned packages (exit 0, or 2 with one line);
- ``catalogue [--check] [--out FILE]``: ask the installed Tone.js for every synth,
  effect, source and component class's ``getDefaults()`` and write
  ``synharness/semantic/tone_catalogue.json`` (``--check``: exit 1 when the checked-in
  file differs, printing the first differences).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synharness.render import tone
from synharness.render.node import ToneWorker, WorkerError
from synharness.semantic.tone_catalogue import CATALOGUE_PATH, catalogue_bytes, diff_catalogues


def fetch_catalogue() -> dict[str, object]:
    """The catalogue as the installed Tone.js reports it (raises WorkerError)."""
    with ToneWorker() as worker:
        answer = worker.request({"op": "catalogue"})
    catalogue = answer["catalogue"]
    assert isinstance(catalogue, dict)
    return catalogue


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m synharness.render.tone")
    sub = parser.add_subparsers(dest="command", required=True)
    install = sub.add_parser("install", help="install the pinned Node packages (npm ci)")
    install.add_argument("--dir", type=Path, default=None, help="install into this folder")
    cat = sub.add_parser("catalogue", help="regenerate the Tone.js option catalogue")
    cat.add_argument("--check", action="store_true", help="only compare with the checked-in file")
    cat.add_argument("--out", type=Path, default=CATALOGUE_PATH, help="where to write")
    args = parser.parse_args(argv)
    if args.command == "install":
        done = tone.install(folder=args.dir)
        print(done.message, file=sys.stdout if done.ok else sys.stderr)
        return 0 if done.ok else 2
    try:
        fresh = fetch_catalogue()
    except WorkerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.check:
        differences = diff_catalogues(CATALOGUE_PATH.read_bytes(), fresh)
        for line in differences[:20]:
            print(line)
        return 1 if differences else 0
    args.out.write_bytes(catalogue_bytes(fresh))
    classes = fresh.get("classes")
    print(f"wrote {args.out} ({len(classes) if isinstance(classes, dict) else 0} classes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
