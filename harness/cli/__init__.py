"""The command-line edge: the one part of ``harness`` that may import everything."""
