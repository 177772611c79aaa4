"""A long rich ``Table`` drawn off a terminal without rich's layout engine.

In a pipe every value is whole and every record one line, so a table's layout is simple: each
column as wide as its widest value. Rich still measures and wraps every cell as it would on a
terminal, which is what made ``ptmx licenses check --limit 0 | …`` take ~40 s for 22,000
findings at 1× (the JSON and CSV of the same rows take ~2 s). :func:`plain_table_lines` draws
the same characters as rich for the tables ptmx makes (heavy head box, one cell per line, no
colour), and declines (``None``) anything else, which rich then draws as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

#: Below this many rows rich draws the table itself (fast enough, and every feature).
FAST_ROWS = 500


def _plain(cell: Any) -> Text | None:
    from rich.text import Text

    if isinstance(cell, Text):
        return cell
    if isinstance(cell, str):  # a str cell is ptmx's own markup to rich
        return Text.from_markup(cell)
    return None


def _simple_layout(table: Table) -> bool:
    """Whether ``table`` uses only what :func:`plain_table_lines` draws like rich."""
    from rich import box

    return (table.box is box.HEAVY_HEAD and table.show_header and table.show_edge
            and not table.show_footer and not table.show_lines and not table.leading
            and table.padding == (0, 1, 0, 1) and table.pad_edge and not table.collapse_padding
            and table.width is None and table.min_width is None and not table.expand
            and table.title is None and table.caption is None
            and not any(row.end_section for row in table.rows)
            and all(c.width is None and c.min_width is None and c.max_width is None
                    and c.ratio is None for c in table.columns))


def _cells(table: Table) -> list[list[tuple[str, str]]] | None:
    """Per column: (plain text, justify) of the header then of each cell; None if one is not
    a single line of plain text."""
    columns: list[list[tuple[str, str]]] = []
    for column in table.columns:
        cells: list[tuple[str, str]] = []
        for cell in (column.header, *column._cells):
            text = _plain(cell)
            if text is None or "\n" in text.plain or "\t" in text.plain:
                return None
            cells.append((text.plain, str(text.justify or column.justify or "left")))
        columns.append(cells)
    return columns


def _pad(cell: tuple[str, str], width: int) -> str:
    from rich.cells import cell_len

    text, justify = cell
    room = width - cell_len(text)
    if justify == "right":
        return " " * room + text
    if justify == "center":
        return " " * (room // 2) + text + " " * (room - room // 2)
    return text + " " * room


def plain_table_lines(table: Table, *, min_rows: int = FAST_ROWS) -> list[str] | None:
    """``table`` as the lines rich would print on a console wide enough for it, or None when
    it has fewer than ``min_rows`` rows or a feature this drawing does not cover."""
    from rich.cells import cell_len

    if table.row_count < min_rows or not _simple_layout(table):
        return None
    columns = _cells(table)
    if columns is None or not columns:
        return None
    widths = [max(cell_len(text) for text, _ in cells) for cells in columns]

    def rule(left: str, fill: str, cross: str, right: str) -> str:
        return left + cross.join(fill * (w + 2) for w in widths) + right

    def row(index: int, edge: str) -> str:
        return edge + edge.join(f" {_pad(_at(columns[c], index), widths[c])} "
                                for c in range(len(columns))) + edge

    lines = [rule("┏", "━", "┳", "┓"), row(0, "┃"), rule("┡", "━", "╇", "┩")]
    lines += [row(i, "│") for i in range(1, table.row_count + 1)]
    lines.append(rule("└", "─", "┴", "┘"))
    return lines


def _at(cells: Sequence[tuple[str, str]], index: int) -> tuple[str, str]:
    return cells[index] if index < len(cells) else ("", "left")
