"""How a table's columns share the terminal's width: each gets what its content needs, ids and
licences are cut last and only when nothing else can give way, and the user can widen one.

Pure arithmetic on cell counts, no widgets: :class:`~ptmx.tui.widgets.paged_table.PagedTable`
calls :func:`fit` with the widths its loaded rows need.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len

WANT_MAX = 96  # no column asks for more than this (a 400-character card field stays usable)
MIN_TEXT = 6  # a text column is never cut below this (or its label)
SEPARATOR = 1  # cells between columns


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Column:
    """One column: where its value comes from, how it is shown, and how it gives way.

    ``width`` is the width before any row is known; ``whole`` marks key information (ids,
    licences) that is cut only when nothing else can give way; ``flex`` takes the width left
    over; ``drop`` hides the column on a narrow terminal (highest first, 0: never) before any
    ``whole`` column would be cut."""

    key: str
    label: str
    width: int
    numeric: bool = False
    flex: bool = False
    drop: int = 0
    whole: bool = False
    fmt: Any = field(default=_plain, compare=False)


Lengths = Mapping[str, Sequence[int]]  # per column key: its values' widths, sorted


def want(column: Column, content: Lengths, extra: Mapping[str, int]) -> int:
    """The width ``column`` asks for: its widest value (or default width), its label with a
    sort arrow, and what the user added."""
    lengths = content.get(column.key)
    base = lengths[-1] if lengths else column.width
    return max(min(base, WANT_MAX), cell_len(column.label) + 2) + extra.get(column.key, 0)


def floor(column: Column) -> int:
    """The narrowest ``column`` may become."""
    return max(MIN_TEXT, cell_len(column.label))


def cut_cost(lengths: Sequence[int] | None, width: int) -> int:
    """How many values become cut when a column of ``width`` loses one cell."""
    if not lengths:
        return 0
    return len(lengths) - bisect_left(lengths, width)


def _typical(column: Column, content: Lengths, wanted: int) -> int:
    """The width most of a key column's values need (its 90th percentile), else ``wanted``."""
    lengths = content.get(column.key)
    if not column.whole or not lengths:
        return wanted
    return min(wanted, max(lengths[(len(lengths) - 1) * 9 // 10], floor(column)))


def _cut(shown: list[Column], widths: dict[str, int], content: Lengths, width: int,
         keep: frozenset[str]) -> None:
    """Take cells until the columns fit: first from those that are not key information, then
    from the key ones; each cell where it cuts the fewest values (ties: the widest column);
    numbers and the columns in ``keep`` are never cut."""
    def total() -> int:
        return sum(widths[c.key] for c in shown) + SEPARATOR * (len(shown) - 1)

    for group in ([c for c in shown if not c.whole and not c.numeric],
                  [c for c in shown if c.whole]):
        while total() > width:
            cuttable = [c for c in group if widths[c.key] > floor(c) and c.key not in keep]
            if not cuttable:
                break
            cheapest = min(cuttable, key=lambda c: (cut_cost(content.get(c.key), widths[c.key]),
                                                    -widths[c.key]))
            widths[cheapest.key] -= 1


def fit(columns: Sequence[Column], width: int, content: Lengths,
        extra: Mapping[str, int] | None = None) -> list[tuple[Column, int]]:
    """The columns shown in ``width`` cells, with their widths (see the module's docstring)."""
    extra = extra or {}
    shown = list(columns)
    widths = {c.key: max(want(c, content, {}), floor(c)) for c in shown}

    def total() -> int:
        return sum(widths[c.key] for c in shown) + SEPARATOR * (len(shown) - 1)

    # A column is hidden only when the *typical* key values would not fit: one very long id
    # must not hide a column from every row (it is cut below, and shown whole elsewhere).
    typical = {c.key: _typical(c, content, widths[c.key]) for c in shown}

    def typical_total() -> int:
        return sum(typical[c.key] for c in shown) + SEPARATOR * (len(shown) - 1)

    while typical_total() > width and any(c.drop for c in shown):
        shown.remove(max(shown, key=lambda c: c.drop))
    _cut(shown, widths, content, width, frozenset())
    # What the user asked for: the widened column takes its cells from the others.
    for key, cells in extra.items():
        if key in widths:
            column = next(c for c in shown if c.key == key)
            widths[key] = max(widths[key] + cells, floor(column))
    _cut(shown, widths, content, width, frozenset(k for k, n in extra.items() if n > 0))
    spare = width - total()
    if spare > 0 and shown:
        taker = next((c for c in shown if c.flex), shown[-1])
        widths[taker.key] += spare
    return [(c, widths[c.key]) for c in shown]
