"""Start-up: `synharness --help` imports no command module, and its list matches the commands."""

from __future__ import annotations

import importlib
import subprocess
import sys

from click.testing import CliRunner
from synharness.cli.main import COMMAND_HELP, COMMAND_MODULES, cli

from tests.conftest import ROOT


def test_every_command_is_listed_with_its_own_help() -> None:
    for module in COMMAND_MODULES:
        command = importlib.import_module(module).command
        name = module.rsplit(".", 1)[-1]
        assert command.name == name, module
        assert COMMAND_HELP.get(name, command.get_short_help_str(limit=300)) == (
            command.get_short_help_str(limit=300)
        ), name


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for module in COMMAND_MODULES:
        assert f"  {module.rsplit('.', 1)[-1]} " in result.output


def test_help_and_validate_import_only_what_they_need() -> None:
    code = (
        "import sys\n"
        "from synharness.cli.main import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ['synharness.cli.run', 'synharness.cli.serve', 'synharness.agents', 'numpy',"
        " 'fastapi', 'sqlalchemy', 'jsonschema', 'rich', 'matplotlib']\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    help_ = subprocess.run(
        [sys.executable, "-c", code, "--help"], capture_output=True, text=True, check=True
    )
    assert help_.stderr.strip().splitlines()[-1] == "[]"
    assert "synharness.cli.validate" not in help_.stderr
    validate = subprocess.run(
        [sys.executable, "-c", code, "validate", str(ROOT / "examples" / "heartbeat.json")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert validate.stderr.strip().splitlines()[-1] == "[]", validate.stderr
