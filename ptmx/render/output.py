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
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice, repeat
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
                      encoded: Collection[str] = (), out: TextIO | None = None) -> None:
    """One JSON object: the keys of ``head``, then each of ``lists`` as an array, written a
    batch of items at a time (a batch per line, one encoder call each: the encoder's set-up
    costs more than a short record), so that neither the whole text nor a second copy of every
    item is held. The items of the lists named in ``encoded`` are JSON text already, each one
    or more comma-separated values (e.g. from :func:`json_object_batches`). To a terminal:
    indented, as :func:`dumps` does."""
    out = out or sys.stdout
    if out is sys.stdout and _pretty(None):
        out.write(_indented({**head, **{
            k: [x for t in v for x in json.loads(f"[{t}]")] if k in encoded else list(v)
            for k, v in lists.items()}}) + "\n")
        return
    encode = _COMPACT.encode
    opening = encode(dict(head))[:-1]  # '{"a": 1, ...' without its closing brace
    for n, (key, items) in enumerate(lists.items()):
        comma = ", " if n or head else ""
        out.write(f"{opening}{comma}{encode(key)}: [")
        opening = ""
        it, started = iter(items), False
        while chunk := list(islice(it, _BATCH)):
            text = ", ".join(chunk) if key in encoded else encode(chunk)[1:-1]
            out.write(("," if started else "") + "\n" + text)
            started = True
        out.write("\n]" if started else "]")
    out.write((opening or "") + "}\n")


def json_object_batches(keys: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """One JSON object per row (``keys`` → the row's values), as :func:`dumps` writes it
    compactly; per batch of rows, their objects' text joined by ``", "`` (the inside of a JSON
    list). Built column by column: each distinct text, number or flag of a column is encoded
    once, and a batch's text is one join of the pieces. The edges of a graph repeat the same
    few thousand node keys (16k edges, 6k keys at depth 2 of the most reused model), which the
    encoder would escape again in every record; nor is a dict made per record. Values of other
    types go through the encoder one by one."""
    texts: dict[Any, str] = {None: "null"}      # str (and None)
    numbers: dict[Any, str] = {None: "null"}    # int (not bool: True == 1 as a dict key)
    openings = [(", " if i else "{") + _COMPACT.encode(k) + ": " for i, k in enumerate(keys)]
    it = iter(rows)
    while chunk := list(islice(it, _BATCH)):
        if not keys:
            yield ", ".join(["{}"] * len(chunk))
            continue
        parts: list[Iterable[str]] = []
        # strict: a row of another length is a ValueError, not a shifted record
        for opening, column in zip(openings, zip(*chunk, strict=True), strict=True):
            parts += [repeat(opening, len(chunk)), _column_texts(column, texts, numbers)]
        parts.append(repeat("}, ", len(chunk)))
        yield "".join(chain.from_iterable(zip(*parts, strict=True)))[:-2]


_FLAGS = {True: "true", False: "false", None: "null"}


def _column_texts(column: Sequence[Any], texts: dict[Any, str],
                  numbers: dict[Any, str]) -> Iterable[str]:
    """Each value of ``column`` as JSON text, from (and into) the memo of its type."""
    kinds = set(map(type, column))
    if kinds <= {str, type(None)}:
        for value in set(column).difference(texts):
            texts[value] = _COMPACT.encode(value)
        return map(texts.__getitem__, column)
    if kinds <= {int, type(None)}:
        for value in set(column).difference(numbers):
            numbers[value] = str(value)
        return map(numbers.__getitem__, column)
    if kinds <= {bool, type(None)}:
        return map(_FLAGS.__getitem__, column)
    return map(_COMPACT.encode, column)


def write_json_batches(batches: Iterable[Sequence[Any]], *, lines: bool = False,
                       out: TextIO | None = None) -> None:
    """A JSON list of the items of ``batches`` (``lines``: JSON lines), written a batch at a
    time: one encoder call per batch (a batch per line) rather than one per item, since the
    encoder's set-up costs more than a short record. To a terminal: indented, as :func:`dumps`."""
    out = out or sys.stdout
    encode = _COMPACT.encode
    if lines:
        for batch in batches:
            out.write("".join(encode(item) + "\n" for item in batch))
        return
    if out is sys.stdout and _pretty(None):
        out.write(_indented([item for batch in batches for item in batch]) + "\n")
        return
    started = False
    for batch in batches:
        if batch:
            out.write((",\n" if started else "[") + encode(batch)[1:-1])
            started = True
    out.write("]\n" if started else "[]\n")


# What Python's JSON encoder writes for each control character (ensure_ascii=False escapes
# nothing else but the quote and the backslash).
_CONTROL = {chr(c): {8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"}.get(c, f"\\u{c:04x}")
            for c in range(32)}


def _json_strings(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Each string as JSON text (quoted and escaped as Python's encoder does), null as ``null``.

    Only the distinct values are escaped (a column of verdict reasons has ~3k distinct values
    in 70k rows), then put back in place: a fifth of the time of escaping every row."""
    import pyarrow.compute as pc

    if hasattr(values, "combine_chunks"):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)
    text = pc.replace_substring(pc.replace_substring(encoded.dictionary, "\\", "\\\\"), '"',
                                '\\"')
    if pc.any(pc.match_substring_regex(text, "[\\x00-\\x1f]")).as_py():  # rare: escape each
        for char, escaped in _CONTROL.items():
            text = pc.replace_substring(text, char, escaped)
    quoted = pc.binary_join_element_wise('"', text, '"', "")
    return pc.fill_null(quoted.take(encoded.indices), "null")


def arrow_json_objects(table: pa.Table | pa.RecordBatch, *, raw: Collection[str] = (),
                       optional_from: str | None = None) -> pa.ChunkedArray | pa.Array:
    """One JSON object (text) per row of ``table``, built by Arrow kernels, not per value in
    Python: what ``json.dumps`` of the row's dict gives, up to whitespace. String columns only;
    ``raw`` columns hold JSON text already; the columns from ``optional_from`` on are written
    only where that column is not null (absent keys, not nulls)."""
    import pyarrow.compute as pc

    names = table.column_names
    cut = names.index(optional_from) if optional_from is not None else len(names)

    def members(columns: Sequence[str], opening: str) -> list[Any]:
        parts: list[Any] = []
        for i, name in enumerate(columns):
            column = table.column(name)
            value = (pc.fill_null(column, "null") if name in raw else _json_strings(column))
            parts += [(opening if i == 0 else ", ") + _COMPACT.encode(name) + ": ", value]
        return parts

    parts = members(names[:cut], "{")
    if cut < len(names):
        tail = pc.binary_join_element_wise(*members(names[cut:], ", "), "")
        parts.append(pc.if_else(pc.is_null(table.column(names[cut])), "", tail))
    return pc.binary_join_element_wise(*parts, "}", "")


def write_arrow_json(table: pa.Table, *, lines: bool = False, out: TextIO | None = None,
                     **options: Any) -> None:
    """``table``'s rows as a JSON list (``lines``: JSON lines) of objects built by
    :func:`arrow_json_objects` (``options``), written a batch at a time: no Python dict, no
    second copy of every record. To a terminal: indented, from the same text."""
    out = out or sys.stdout
    pretty = not lines and out is sys.stdout and _pretty(None)
    started = False
    import pyarrow as pa
    import pyarrow.compute as pc

    write = _utf8_writer(out)
    for batch in table.to_batches(max_chunksize=32 * _BATCH):
        if not batch.num_rows:
            continue
        texts = arrow_json_objects(batch, **options)
        if pretty:
            out.write((",\n" if started else "[\n") + ",\n".join(
                _indented(json.loads(t)) for t in texts.to_pylist()))
            started = True
            continue
        # Joined by Arrow into one UTF-8 buffer: no Python string per record (nor for the batch,
        # where the output takes bytes).
        whole = pa.ListArray.from_arrays(pa.array([0, len(texts)], pa.int32()), texts)
        write(("" if lines else ",\n" if started else "[\n"), pc.binary_join(
            whole, "\n" if lines else ",\n")[0], "\n" if lines else "")
        started = True
    if not lines:
        out.write("\n]\n" if started else "[]\n")


def _utf8_writer(out: TextIO) -> Callable[[str, Any, str], None]:
    """``write(before, text, after)`` for an Arrow string scalar ``text``: its bytes straight to
    ``out``'s binary buffer when ``out`` writes UTF-8 (stdout, files), else decoded."""
    buffer = getattr(out, "buffer", None)
    if buffer is not None and (getattr(out, "encoding", "") or "").lower().replace("-", "") == "utf8":
        def write(before: str, text: Any, after: str) -> None:
            out.write(before)
            out.flush()  # keep the text written before it in order
            buffer.write(text.as_buffer())
            out.write(after)
    else:
        def write(before: str, text: Any, after: str) -> None:
            out.write(before + text.as_py() + after)
    return write


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
    from rich.table import Table

    class PipeConsole(Console):
        """A Console off a terminal: each renderable is printed on a console as wide as its
        widest natural line (at least the usual 80), so table cells are never wrapped, folded
        or cut with "…" (one record per line, greppable), and no colour codes are written."""

        def print(self, *objects: Any, **kwargs: Any) -> None:
            if not objects or kwargs.get("width") is not None:
                super().print(*objects, **kwargs)
                return
            objects = _titles_apart(objects)
            if self._buffer_index == 0 and self.encoding.lower().startswith("utf"):
                objects = self._drawn_fast(objects, kwargs)
                if not objects:
                    return
            options = self.options.update(width=_PIPE_CAP, max_width=_PIPE_CAP)
            widths = [self.measure(o, options=options).maximum for o in objects
                      if not isinstance(o, str)]
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

        def _render_buffer(self, buffer: Iterable[Any]) -> str:
            # Drawn on a console as wide as the widest line, every shorter line of a grid or
            # text block was padded with spaces to that width (thousands, beside one long
            # licence expression): a pipe gets each line without its trailing spaces.
            text = super()._render_buffer(buffer)
            return "\n".join(line.rstrip(" ") for line in text.split("\n"))

        def _drawn_fast(self, objects: Sequence[Any], kwargs: dict[str, Any]) -> tuple[Any, ...]:
            """Long tables are written here as plain lines (see :mod:`ptmx.render.plaintable`);
            what is left of ``objects`` after the last of them is returned for rich."""
            from ptmx.render.plaintable import plain_table_lines

            rest: list[Any] = []
            for o in objects:
                lines = plain_table_lines(o) if isinstance(o, Table) else None
                if lines is None:
                    rest.append(o)
                    continue
                if rest:
                    self.print(*rest, **kwargs)
                    rest = []
                self.file.write("\n".join(lines) + "\n")
            return tuple(rest)

    return PipeConsole


def _titles_apart(objects: Sequence[Any]) -> tuple[Any, ...]:
    """A table's title is drawn within the table's width (a title longer than a narrow table
    wraps mid-sentence) and padded to it (thousands of trailing spaces over a wide one): in a
    pipe, each title is a line of its own above its table, and so is a caption below it.
    A ``str`` title is markup to rich: ptmx's own (outside text in it is escaped already)."""
    from copy import copy

    from rich.table import Table
    from rich.text import Text

    out: list[Any] = []
    for o in objects:
        if not isinstance(o, Table) or (o.title is None and o.caption is None):
            out.append(o)
            continue
        bare = copy(o)
        bare.title = bare.caption = None
        if o.title is not None:
            out.append(o.title if isinstance(o.title, Text) else Text.from_markup(str(o.title)))
        out.append(bare)
        if o.caption is not None:
            out.append(o.caption if isinstance(o.caption, Text) else Text.from_markup(str(o.caption)))
    return tuple(out)


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
