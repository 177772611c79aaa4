"""The `ptmx` command: one entry point, subcommands registered by area modules.

Each area module under ``ptmx.cli`` has ``register(subparsers)``; handlers return an exit code:
0 ok, 1 findings, 2 usage or input error (3: the hub could not answer). Every
:class:`~ptmx.errors.PtmxError` becomes one line on stderr; Textual is imported only by `browse`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ptmx import __version__
from ptmx.errors import PtmxError

# Area modules, each adding its subcommands. Order is the order in `ptmx --help`.
AREAS = (
    "ptmx.cli.core",
    "ptmx.cli.licenses",
    "ptmx.cli.graph",
    "ptmx.cli.cards",
    "ptmx.cli.hub",
    "ptmx.cli.scan",
    "ptmx.cli.paper",
)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """The full command-line parser."""
    parser = _Parser(
        prog="ptmx",
        description="Explore pre-trained-model supply chains: PeaTMOSS models, the GitHub "
                    "projects that reuse them, their licenses and documentation.",
    )
    parser.add_argument("--version", action="version", version=f"ptmx {__version__}")
    parser.add_argument("--data", metavar="DIR",
                        help="PeaTMOSS Parquet folder (default: $PTMX_DATA, else the bundled sample)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in AREAS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args) or 0)
    except PtmxError as exc:
        print(f"ptmx: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("ptmx: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `ptmx ... | head` closed the pipe: not an error worth a message.
        sys.stderr.close()
        return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
