"""The `ptmx` command: one entry point, subcommands registered by area modules.

Each area module under ``ptmx.cli`` has ``register(subparsers)``; handlers return an exit code:
0 ok, 1 findings, 2 usage or input error (3: the hub could not answer). Every
:class:`~ptmx.errors.PtmxError` becomes one line on stderr, and so does every failure the outside
world can cause (an unreadable file, a full disk, input nested too deeply): never a traceback.
Messages echo user input (ids, paths, "did you mean" names), so they reach the terminal only
through :func:`ptmx.safetext.visible`. Textual is imported only by `browse`.

Start-up is paid by every shell lookup, so only the area of the command given is imported:
:data:`COMMANDS` lists every top-level command with its area module and help line, which is all
that ``ptmx --help``, ``--version`` and a mistyped command need. The chosen area then registers
its subcommands as usual; the others stay placeholders. (A test checks the table against the
areas' own ``register``, so it cannot drift.)
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from ptmx import __version__
from ptmx.errors import Interrupted, PtmxError
from ptmx.safetext import visible

# Area modules, each adding its subcommands. Order is the order in `ptmx --help`.
AREAS = ("core", "licenses", "graph", "cards", "hub", "drift", "scan", "paper")

# Every top-level command: (name, area module under ptmx.cli, the help line its area registers).
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("browse", "core", "open the terminal explorer (TUI)"),
    ("stats", "core", "dataset counts: models, projects, links, licenses, hubs"),
    ("query", "core", "run read-only SQL over all tables"),
    ("search", "core", "find models by name, best match first"),
    ("model", "core", "everything the dataset says about one model"),
    ("project", "core", "the models a GitHub project reuses, and its licenses"),
    ("import", "core", "convert the published PeaTMOSS.db (SQLite) to a Parquet folder"),
    ("sample", "core", "the bundled real sample"),
    ("licenses", "licenses", "licence verdicts for model→project and base→derived relations: "
                             "audit, check (CI), explain"),
    ("graph", "graph", "supply-chain graph: neighbours, lineage, impact, rankings"),
    ("cards", "cards", "model-card documentation: report, show one model, CI check"),
    ("hub", "hub", "live Hugging Face Hub lookups and drift since the snapshot"),
    ("drift", "drift", "what changed on the hub for the dataset's reused models: licences, "
                       "renames, deletions, verdicts"),
    ("scan", "scan", "find the pre-trained models a local project loads; check licenses and "
                     "cards; write an AI BOM"),
    ("paper", "paper", "the PeaTMOSS paper's analyses reproduced on this dataset, beside its "
                       "figures"),
)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        # The message quotes the offending argument: it is shown, never interpreted.
        self.exit(2, f"{self.prog}: error: {visible(message, newlines=False)} "
                     f"(see `{self.prog} --help`)\n")


def _top_level() -> tuple[argparse.ArgumentParser,
                          argparse._SubParsersAction[argparse.ArgumentParser]]:
    parser: argparse.ArgumentParser = _Parser(
        prog="ptmx",
        description="Explore pre-trained-model supply chains: PeaTMOSS models, the GitHub "
                    "projects that reuse them, their licenses and documentation.",
    )
    parser.add_argument("--version", action="version", version=f"ptmx {__version__}")
    parser.add_argument("--data", metavar="DIR",
                        help="PeaTMOSS Parquet folder (default: $PTMX_DATA, else the bundled sample)")
    sub: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser)
    return parser, sub


def build_parser(areas: Sequence[str] = AREAS, *, placeholders: bool = True
                 ) -> argparse.ArgumentParser:
    """The command-line parser; the commands of ``areas`` complete, every other command a
    placeholder that knows only its name and help line (default: every area complete).
    ``placeholders=False`` leaves the other commands out (they change nothing of a parse
    whose command is known, nor of its ``--help``)."""
    parser, sub = _top_level()
    for area in AREAS:
        if area in areas:
            importlib.import_module(f"ptmx.cli.{area}").register(sub)
            continue
        for name, owner, help_line in COMMANDS if placeholders else ():
            if owner == area:
                # No options of its own: whatever follows the name is left for the real parser.
                sub.add_parser(name, help=help_line, add_help=False)
    return parser


_AREA_OF = {name: area for name, area, _help in COMMANDS}


def _command_of(argv: Sequence[str]) -> str | None:
    """The command of the common spellings (``[--data DIR | --data=DIR] COMMAND ...``);
    None for anything else, which the placeholder parser sorts out."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--data":
            i += 2
        elif arg.startswith("--data="):
            i += 1
        else:
            return arg if arg in _AREA_OF else None
    return None


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser ``argv`` needs: only the area of its command is imported. ``--help``,
    ``--version``, a missing or unknown command exit (or fail) here, importing no area."""
    command = _command_of(argv)
    if command is not None:
        return build_parser((_AREA_OF[command],), placeholders=False)
    placeholders = build_parser(())
    known, _rest = placeholders.parse_known_args(argv)
    area = _AREA_OF.get(known.command or "")
    if area is None:
        return placeholders
    return build_parser((area,))


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
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = parser_for(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args) or 0)
    except (PtmxError, Interrupted) as exc:
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
