"""What the user is looking at in a table, as plain data: the columns, every row (fetched
when asked: it may query the store, so it runs in a worker), the highlighted row and cell, and
the highlighted row's id. Every screen's copy (``y``, ``c``, ``Y``) and export (``e``) works on
one of these, whatever widget draws the table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable


@dataclass(frozen=True)
class Sheet:
    """One table, as data."""

    name: str  # a default file name stem ("models", "findings", …)
    columns: list[str]
    rows: Callable[[], list[list[Any]]]  # every row (may query the store: call in a worker)
    current: list[Any] | None = None  # the highlighted row
    cell: Any = None  # the highlighted cell
    row_id: str | None = None  # the highlighted row's id (model id, owner/name, …)


def plain(value: Any) -> Any:
    """A DataTable cell as a plain value (rich Text → its text)."""
    if isinstance(value, Text):
        return value.plain
    return value


def row_text(values: list[Any]) -> str:
    """A row as one tab-separated line (pastes into a spreadsheet)."""
    return "\t".join("" if v is None else str(v) for v in values)


def data_table_sheet(table: DataTable[Any], name: str,
                     row_id: Callable[[int], str | None] | None = None) -> Sheet:
    """A DataTable as a sheet; ``row_id(index)`` names the highlighted row (default: the row
    key after its 'kind:' prefix, else the first cell)."""
    columns = [plain(c.label) for c in table.ordered_columns]
    rows = [[plain(v) for v in table.get_row_at(i)] for i in range(table.row_count)]
    if not rows:
        return Sheet(name, columns, lambda: rows)
    index = min(table.cursor_row, len(rows) - 1)
    current = rows[index]
    if row_id is not None:
        ident = row_id(index)
    else:
        key = table.coordinate_to_cell_key(Coordinate(index, 0)).row_key.value
        ident = key.partition(":")[2] if key and ":" in key else str(current[0])
    column = min(table.cursor_column, len(current) - 1)
    return Sheet(name, columns, lambda: rows, current, current[column], ident)
