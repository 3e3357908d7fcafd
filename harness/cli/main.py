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


#: Command name -> its one-line help, so ``synharness --help`` lists the commands
#: without importing them (tests/unit/harness/test_cli_startup.py keeps these equal
#: to each command's own help). A command missing here is imported for its help.
COMMAND_HELP: dict[str, str] = {
    "validate": "Validate synesthetic documents: files, directories, globs or - (stdin).",
    "serve": "Run the store (migrations are applied at start-up; OpenAPI docs at /docs).",
    "db": "Manage the store's database.",
    "push": "Push asset files (or directories of *.json) to the store at URL.",
    "score": "Score assets in [0, 1]: FILEs (one asset each), or JSON Lines with --jsonl; - is "
    "stdin.",
    "report": "Re-render a stored report.json (report version 1) in other formats.",
    "simulate": "Simulate one asset through a scenario, or through the built-in idle, sweep and "
    "random runs.",
    "run": "Validate assets and run every scenario (files plus built-ins); write the reports.",
    "similar": "Group near-duplicate assets (files, directories, globs or -) by behaviour "
    "fingerprint.",
    "fix": "Apply the safe mechanical fixes ($schema, legacy and bare targets, hex colours) in "
    "place.",
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs.

    Start-up then costs click and this module: ``synharness --help`` and a
    one-file ``validate`` no longer import the store, the engine and every
    reporter (issue 16).
    """

    def _modules(self) -> dict[str, str]:
        return {m.rsplit(".", 1)[-1]: m for m in COMMAND_MODULES}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self._modules(), *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        module = self._modules().get(cmd_name)
        if module is None:
            return None
        command: click.Command = importlib.import_module(module).command
        self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            text = COMMAND_HELP.get(name)
            if text is None:
                command = self.get_command(ctx, name)
                text = command.get_short_help_str(limit=300) if command is not None else ""
            rows.append((name, text))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="synharness")
def cli() -> None:
    """Validate, simulate and score synesthetic assets (schema 0.7.3)."""


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; never shows a traceback for a user error."""
    try:
        cli.main(args=argv, prog_name="synharness", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
