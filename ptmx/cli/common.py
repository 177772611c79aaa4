"""Helpers shared by every subcommand: the --data/--format options and opening the store."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ptmx import config
from ptmx.errors import UsageError
from ptmx.render import FORMATS
from ptmx.safetext import visible
from ptmx.store import Store, open_store

# Larger counts mean nothing to ptmx and overflow C integers in DuckDB and Arrow.
MAX_COUNT = 2**31 - 1
# Records drawn by --format table unless --limit says otherwise (0 = all); json and csv list
# everything unless --limit is given.
TABLE_LIMIT = 100


def add_limit_option(parser: argparse.ArgumentParser, what: str = "records") -> None:
    """``--limit N`` of the commands that list many records: 0 = all; default
    :data:`TABLE_LIMIT` for table, all for json/csv."""
    parser.add_argument("--limit", type=non_negative_int, default=None, metavar="N",
                        help=f"{what} listed, 0 = all (default: {TABLE_LIMIT} for table, all "
                             f"for json/csv)")


def table_limit(limit: int | None, fmt: str) -> int:
    """How many records to list: 0 means all."""
    if limit is None:
        return TABLE_LIMIT if fmt == "table" else 0
    return limit


def add_data_option(parser: argparse.ArgumentParser) -> None:
    """``--data DIR`` on a subcommand too (so it may come after the subcommand name)."""
    parser.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS,
                        help="PeaTMOSS Parquet folder (default: $PTMX_DATA, else the bundled sample)")


def add_format_option(parser: argparse.ArgumentParser,
                      choices: Sequence[str] = FORMATS, default: str = "table") -> None:
    """``--format`` with the given choices."""
    parser.add_argument("--format", choices=list(choices), default=default,
                        help=f"output format (default: {default})")


def store_from(args: argparse.Namespace) -> Store:
    """Open the dataset chosen by ``--data`` / ``$PTMX_DATA`` / the bundled sample.

    A first open builds the cache (seconds on a full dataset): a progress line on stderr says so.
    """
    from ptmx.render.progress import progress_shown, step_progress

    folder = config.data_dir(getattr(args, "data", None))
    with step_progress("building cache", shown=progress_shown(getattr(args, "format", None))) as update:
        store = open_store(folder, progress=update)
    _refuse_out_over_dataset(getattr(args, "out", None), store)
    for notice in store.notices:
        print(f"ptmx: {visible(notice, newlines=False)}", file=sys.stderr)
    return store


@contextmanager
def working(args: argparse.Namespace, title: str, step: str) -> Iterator[None]:
    """A transient progress line on stderr (terminal only) with the elapsed time while one long
    step runs (an audit, a scan, a report): the user sees that ptmx works, never silence."""
    from ptmx.render.progress import progress_shown, step_progress

    with step_progress(title, shown=progress_shown(getattr(args, "format", None))) as update:
        update(step, 0, 1)
        yield
        update(step, 1, 1)


def _refuse_out_over_dataset(out: object, store: Store) -> None:
    """An ``--out FILE`` that is one of the files being read would destroy the dataset."""
    if isinstance(out, Path) and out.resolve() in store.dataset_files():
        raise UsageError(f"--out {out}: is a file of the dataset being read; choose another path")


def _whole_number(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(
            "must be at least 1" if minimum == 1 else f"must be {minimum} or more")
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_COUNT:,}")
    return value


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1 (rejected as a one-line usage error otherwise)."""
    return _whole_number(text, 1)


def non_negative_int(text: str) -> int:
    """argparse type: a whole number >= 0 (0 often means "no limit")."""
    return _whole_number(text, 0)


def seconds(text: str) -> float:
    """argparse type: a time limit in seconds, 0 for none (finite, at most a day)."""
    try:
        return config.parse_timeout(text, "the time limit")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
