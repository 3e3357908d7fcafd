"""The ``synharness`` command group and the one place that turns errors into exit codes.

Exit codes: 0 nothing reached the failure threshold, 1 something did, 2 usage
errors (unknown options, paths that do not exist). Every subcommand lives in its
own module under ``synharness.cli`` and is listed in :data:`COMMAND_MODULES`.
"""

from __future__ import annotations

import importlib
import sys

import click
from synharness import __version__

#: Modules that each define one click command named like the module's ``command``.
COMMAND_MODULES: tuple[str, ...] = (
    "synharness.cli.validate",
    "synharness.cli.serve",
    "synharness.cli.db",
    "synharness.cli.push",
    "synharness.cli.score",
    "synharness.cli.report",
    "synharness.cli.simulate",
    "synharness.cli.run",
    "synharness.cli.render",
    "synharness.cli.similar",
    "synharness.cli.fix",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="synharness")
def cli() -> None:
    """Validate, simulate and score synesthetic assets (schema 0.7.3)."""


for _name in COMMAND_MODULES:
    cli.add_command(importlib.import_module(_name).command)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; never shows a traceback for a user error."""
    try:
        cli.main(args=argv, prog_name="synharness", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
