"""The `ptmx` command: one entry point, subcommands registered by area modules.

Each area module under ``ptmx.cli`` has ``register(subparsers)``; handlers return an exit code:
0 ok, 1 findings, 2 usage or input error (3: the hub could not answer). Every
:class:`~ptmx.errors.PtmxError` becomes one line on stderr, and so does every failure the outside
world can cause (an unreadable file, a full disk, input nested too deeply): never a traceback.
Messages echo user input (ids, paths, "did you mean" names), so they reach the terminal only
through :func:`ptmx.safetext.visible`. Textual is imported only by `browse`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from ptmx import __version__
from ptmx.cli import cards, core, graph, hub, licenses, paper, scan
from ptmx.errors import PtmxError
from ptmx.safetext import visible

# Area modules, each adding its subcommands. Order is the order in `ptmx --help`.
AREAS = (core, licenses, graph, cards, hub, scan, paper)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        # The message quotes the offending argument: it is shown, never interpreted.
        self.exit(2, f"{self.prog}: error: {visible(message, newlines=False)} "
                     f"(see `{self.prog} --help`)\n")


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
    for area in AREAS:
        area.register(sub)
    return parser


def _fail(message: str, code: int = 2) -> int:
    print(f"ptmx: {visible(' '.join(message.split()), newlines=False)}", file=sys.stderr)
    return code


def _os_error(exc: OSError) -> str:
    """An OS failure (EACCES, ENOSPC, EISDIR, ...) as "path: reason"."""
    reason = exc.strerror or type(exc).__name__
    where = ": ".join(str(f) for f in (exc.filename, exc.filename2) if f is not None)
    return f"{where}: {reason}" if where else reason


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
        return _fail(exc.one_line(), exc.exit_code)
    except KeyboardInterrupt:
        print("ptmx: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `ptmx ... | head` closed the pipe: not an error worth a message.
        sys.stderr.close()
        return 0
    except OSError as exc:
        return _fail(_os_error(exc))
    except RecursionError:
        return _fail("input nested too deeply to read")
    except MemoryError:
        return _fail("out of memory")


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
