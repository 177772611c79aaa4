"""`python -m ptmx` runs the CLI."""

from ptmx.cli import run

run()
