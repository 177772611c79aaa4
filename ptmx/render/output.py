"""Write rows as a rich table, JSON (a list of objects), JSON lines or CSV on stdout.

Rows come from the dataset (or a user's SQL), so in a table every cell, header and title is an
inert ``Text`` (:func:`ptmx.render.safe.safe_text`): control characters shown, ``[/]`` or
``[link=…]`` never markup. JSON and CSV keep the values exactly as they are.

Shell lookups pay for every import, so neither rich nor pyarrow is imported here until a table
is drawn (rich) or rows arrive as Arrow (pyarrow is then loaded already). JSON and CSV are
written as the rows are read, a batch at a time: no second copy of every record. JSON is
compact (one record per line) unless it goes to a terminal, where it is indented for reading.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, TextIO, TypeGuard

if TYPE_CHECKING:
    import pyarrow as pa
    from rich.console import Console

FORMATS = ("table", "json", "csv")
# Formats of commands that print a stream of rows: JSON lines (one object per line) too.
ROW_FORMATS = (*FORMATS, "jsonl")
_BATCH = 1024  # records converted from Arrow at a time


def _is_arrow(rows: object) -> TypeGuard[pa.Table]:
    # Arrow rows mean pyarrow is loaded already: never import it just to ask.
    pa_mod = sys.modules.get("pyarrow")
    return pa_mod is not None and isinstance(rows, pa_mod.Table)


def to_records(rows: pa.Table | Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows as a list of plain dicts, whatever they came as."""
    if _is_arrow(rows):
        records: list[dict[str, Any]] = rows.to_pylist()
        return records
    return [dict(r) for r in rows]


def _batches(rows: pa.Table | Iterable[Mapping[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """The rows as lists of plain dicts, a batch at a time."""
    if _is_arrow(rows):
        for batch in rows.to_batches(max_chunksize=_BATCH):
            yield batch.to_pylist()
        return
    it = iter(rows)
    while chunk := [dict(r) for r in islice(it, _BATCH)]:
        yield chunk


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


# One line, items still spaced (``"ok": 1``): the C encoder's speed, readable by grep.
_COMPACT = json.JSONEncoder(default=_jsonable, ensure_ascii=False)


def _pretty(pretty: bool | None) -> bool:
    if pretty is not None:
        return pretty
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed stdout
        return False


def dumps(value: Any, *, pretty: bool | None = None) -> str:
    """JSON text for any value ptmx produces (dates, decimals, sets included).

    Indented when ``pretty`` (default: when stdout is a terminal); otherwise compact, which
    Python encodes in C, several times faster than indented output.
    """
    if _pretty(pretty):
        return json.dumps(value, default=_jsonable, ensure_ascii=False, indent=2)
    return _COMPACT.encode(value)


def write_json_object(head: Mapping[str, Any], lists: Mapping[str, Iterable[Any]], *,
                      out: TextIO | None = None) -> None:
    """One JSON object: the keys of ``head``, then each of ``lists`` as an array, written a
    batch of items at a time (one item per line), so that neither the whole text nor a second
    copy of every item is held. To a terminal: indented, as :func:`dumps` does."""
    out = out or sys.stdout
    if out is sys.stdout and _pretty(None):
        out.write(_indented({**head, **{k: list(v) for k, v in lists.items()}}) + "\n")
        return
    encode = _COMPACT.encode
    opening = encode(dict(head))[:-1]  # '{"a": 1, ...' without its closing brace
    for n, (key, items) in enumerate(lists.items()):
        comma = ", " if n or head else ""
        out.write(f"{opening}{comma}{encode(key)}: [")
        opening = ""
        it, started = iter(items), False
        while chunk := list(islice(it, _BATCH)):
            out.write(("," if started else "") + "\n" + ",\n".join(map(encode, chunk)))
            started = True
        out.write("\n]" if started else "]")
    out.write((opening or "") + "}\n")


def _indented(value: Any) -> str:
    return json.dumps(value, default=_jsonable, ensure_ascii=False, indent=2)


def _write_json(out: TextIO, rows: pa.Table | Iterable[Mapping[str, Any]],
                columns: Sequence[str], *, lines: bool) -> None:
    """A JSON list of objects, one record per line (``lines``: JSON lines, no list), written
    a batch at a time. Indented instead when going to a terminal (never for JSON lines)."""
    pretty = not lines and out is sys.stdout and _pretty(None)
    encode = _indented if pretty else _COMPACT.encode
    joiner = "\n" if lines else ",\n"
    started = False
    for chunk in _batches(rows):
        text = joiner.join(encode({c: r.get(c) for c in columns}) for r in chunk)
        out.write((joiner if started else ("" if lines else "[\n")) + text)
        started = True
    if lines:
        out.write("\n" if started else "")
    else:
        out.write("\n]\n" if started else "[]\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=_jsonable, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def emit(
    rows: pa.Table | Iterable[Mapping[str, Any]],
    fmt: str = "table",
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    out: TextIO | None = None,
) -> None:
    """Print rows in ``fmt``; ``columns`` picks and orders the columns (default: all, in order)."""
    out = out or sys.stdout
    if fmt not in ROW_FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if not _is_arrow(rows) and not isinstance(rows, list):
        rows = [dict(r) for r in rows]
    if columns is None:
        if _is_arrow(rows):
            columns = rows.column_names
        else:
            seen: dict[str, None] = {}
            for r in rows:
                seen.update(dict.fromkeys(r))
            columns = list(seen)
    if fmt in ("json", "jsonl"):
        _write_json(out, rows, columns, lines=fmt == "jsonl")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for chunk in _batches(rows):
            writer.writerows(
                ["" if r.get(c) is None else
                 (json.dumps(r[c], default=_jsonable) if isinstance(r.get(c), dict | list) else r[c])
                 for c in columns]
                for r in chunk
            )
    else:
        print_table(to_records(rows), columns, title=title, out=out)


def print_table(
    records: list[dict[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    out: TextIO | None = None,
) -> None:
    """A rich table; numbers right-aligned, long text folded rather than cut."""
    from rich.table import Table

    from ptmx.render.safe import safe_text

    table = Table(title=safe_text(title, newlines=False) if title is not None else None,
                  show_lines=False, header_style="bold")
    numeric = {
        c for c in columns
        if records and all(isinstance(r.get(c), int | float) or r.get(c) is None for r in records)
        and any(r.get(c) is not None for r in records)
    }
    for c in columns:
        table.add_column(safe_text(c, newlines=False), justify="right" if c in numeric else "left",
                         overflow="fold")
    for r in records:
        table.add_row(*(safe_text(_cell(r.get(c))) for c in columns))
    console_for(out).print(table)


_PIPE_CAP = 100_000  # widest line a pipe gets; a renderable that fills any width stays at 80


def _pipe_console_class() -> type[Console]:
    from rich.console import Console

    class PipeConsole(Console):
        """A Console off a terminal: each renderable is printed on a console as wide as its
        widest natural line (at least the usual 80), so table cells are never wrapped, folded
        or cut with "…" (one record per line, greppable), and no colour codes are written."""

        def print(self, *objects: Any, **kwargs: Any) -> None:
            if not objects or kwargs.get("width") is not None:
                super().print(*objects, **kwargs)
                return
            options = self.options.update(width=_PIPE_CAP, max_width=_PIPE_CAP)
            widths = [self.measure(o, options=options).maximum for o in objects
                      if not isinstance(o, str)]
            widths += [_title_width(o) for o in objects]
            _titles_left(objects)
            widths += [max((len(line) for line in o.splitlines()), default=0)
                       for o in objects if isinstance(o, str)]
            width = max(widths, default=0)
            if width >= _PIPE_CAP:  # expands to any width given: the usual 80
                super().print(*objects, **kwargs)
                return
            saved = self.width
            # never narrower than before: rules and other fillers measure 1 but fill the width
            self.width = max(width, saved)
            try:
                super().print(*objects, **kwargs)
            finally:
                self.width = saved

    return PipeConsole


def _title_width(renderable: object) -> int:
    """A table's title is not part of its measure: it would wrap on a console as narrow as
    the table's cells."""
    from rich.table import Table
    from rich.text import Text

    title = renderable.title if isinstance(renderable, Table) else None
    if title is None:
        return 0
    text = title if isinstance(title, Text) else Text.from_markup(str(title))
    return max((line.cell_len for line in text.split("\n")), default=0)


def _titles_left(objects: Sequence[Any]) -> None:
    """A title centred over a table thousands of columns wide starts after as many spaces:
    in a pipe, titles start at the left."""
    from rich.table import Table

    for o in objects:
        if isinstance(o, Table):
            o.title_justify = "left"
            o.caption_justify = "left"


def _is_terminal(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


def console_for(out: TextIO | None = None, *, stderr: bool = False) -> Console:
    """A rich Console on ``out`` (stdout by default).

    Off a terminal (a pipe, a file) tables are drawn at their full natural width, without
    colour, so that every value is whole and every record is one line that grep can find.
    """
    from rich.console import Console

    if stderr:
        return Console(stderr=True, highlight=False, soft_wrap=True)
    out = out or sys.stdout
    if _is_terminal(out):
        return Console(file=out, highlight=False)
    return _pipe_console_class()(file=out, highlight=False, no_color=True, color_system=None)
