"""``python -m synharness`` runs the CLI."""

from synharness.cli.main import main

main()
