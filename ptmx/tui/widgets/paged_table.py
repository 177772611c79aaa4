"""A virtual table over a result set too large to hold: rows arrive one page at a time.

Textual's DataTable keeps every row in memory and lays them all out, which is fine for a
thousand rows and hopeless for 281k. This widget only knows the total and the pages fetched so
far; it renders the visible lines, shows a placeholder where a page has not arrived, and asks its
screen (by message) for the pages in view. The screen fetches them in a worker and hands them
back with :meth:`PagedTable.set_page`. A *generation* number ties every page to the query that
produced it, so a late page from an earlier search can never land in a newer result.
"""

from __future__ import annotations

from typing import Any, ClassVar
from weakref import WeakKeyDictionary

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ptmx.safetext import visible
from ptmx.tui.widgets.fit import Column, fit, floor

Row = dict[str, Any]
__all__ = ["Column", "PagedTable", "Row", "typed_to"]

#: Key events and the table they were typed to (weak: an event is forgotten once handled).
typed_to: WeakKeyDictionary[events.Key, PagedTable] = WeakKeyDictionary()


class PagedTable(ScrollView, can_focus=True):
    """Rows ``0..total-1`` shown through a cache of fixed-size pages."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First row", show=False),
        Binding("end,ctrl+end", "last", "Last row", show=False),
        Binding("left", "column(-1)", "Previous column", show=False),
        Binding("right", "column(1)", "Next column", show=False),
        Binding("enter", "select", "Open", show=False),
        Binding("greater_than_sign,w", "widen(4)", "Widen column", show=False,
                key_display=">", id="table.widen",
                tooltip="Widen the highlighted column (< narrows it)"),
        Binding("less_than_sign", "widen(-4)", "Narrow column", show=False, key_display="<",
                id="table.narrow"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paged-table--header",
        "paged-table--header-column",
        "paged-table--cursor",
        "paged-table--placeholder",
        "paged-table--even",
    }

    DEFAULT_CSS = """
    PagedTable {
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        & > .paged-table--header { background: $panel; text-style: bold; }
        & > .paged-table--header-column { background: $panel; text-style: bold underline; }
        & > .paged-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .paged-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .paged-table--placeholder { color: $text-muted; }
        & > .paged-table--even { background: $surface-lighten-1 40%; }
    }
    """

    cursor_row: reactive[int] = reactive(0, init=False)
    cursor_column: reactive[int] = reactive(0, init=False)

    class TableMessage(Message):
        """A message about one table (``control`` lets ``@on(..., "#id")`` select it)."""

        def __init__(self, table: PagedTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> PagedTable:
            return self.table

    class PagesNeeded(TableMessage):
        """The pages ``first..last`` (inclusive) are in view but not loaded."""

        def __init__(self, table: PagedTable, generation: int, pages: list[int]) -> None:
            super().__init__(table)
            self.generation = generation
            self.pages = pages

    class RowHighlighted(TableMessage):
        """The cursor moved to ``index`` (``row`` is None while its page is loading)."""

        def __init__(self, table: PagedTable, index: int, row: Row | None) -> None:
            super().__init__(table)
            self.index = index
            self.row = row

    class RowSelected(TableMessage):
        """Enter (or a second click) on a row."""

        def __init__(self, table: PagedTable, index: int, row: Row) -> None:
            super().__init__(table)
            self.index = index
            self.row = row

    class HeaderClicked(TableMessage):
        """A column header was clicked (screens use it to sort)."""

        def __init__(self, table: PagedTable, column: Column) -> None:
            super().__init__(table)
            self.column = column

    def __init__(self, columns: list[Column], *, page_size: int = 200,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = columns
        self.page_size = page_size
        self.generation = 0
        self.total: int | None = 0  # None: not known yet (grows as pages arrive)
        self.sort_key: str | None = None
        self.sort_descending = True
        self.empty_text = "nothing to show"  # shown in place of rows when there are none
        self._pages: dict[int, list[Row]] = {}
        self._asked: tuple[int, ...] = ()
        self._fit_cache: tuple[object, list[tuple[Column, int]]] | None = None
        self._layouts = 0  # bumped whenever the widths change (line cache key)
        self.extra: dict[str, int] = {}  # cells the user added to (or took from) a column
        self._lines: dict[tuple[object, ...], Strip] = {}
        self._styles: dict[str, Style] = {}

    # -- data ----------------------------------------------------------------------------
    def reset(self, total: int | None, first_page: list[Row]) -> int:
        """Start a new result set; returns its generation number."""
        self.generation += 1
        self._pages = {0: first_page}
        self._asked = ()
        self.total = total
        if total is None and len(first_page) < self.page_size:
            self.total = len(first_page)
        self._update_virtual_size()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.set_reactive(PagedTable.cursor_row, 0)
        self.refresh()
        self._announce()
        return self.generation

    def set_page(self, generation: int, page: int, rows: list[Row]) -> None:
        """Deliver a page asked for with :class:`PagesNeeded` (ignored if stale)."""
        if generation != self.generation:
            return
        self._pages[page] = rows
        self._asked = tuple(p for p in self._asked if p != page)
        if self.total is None and len(rows) < self.page_size:
            self.total = page * self.page_size + len(rows)
        self._update_virtual_size()
        self.refresh()
        if self.cursor_row // self.page_size == page:
            self._announce()

    def row(self, index: int) -> Row | None:
        """The row at ``index`` if its page is loaded."""
        page = self._pages.get(index // self.page_size)
        if page is None:
            return None
        offset = index % self.page_size
        return page[offset] if offset < len(page) else None

    def set_total(self, generation: int, total: int) -> None:
        """The row count, when it arrives after the first page (ignored if stale)."""
        if generation == self.generation and self.total != total:
            self.total = total
            self._update_virtual_size()
            self.refresh()
            self._announce()

    def page_rows(self, generation: int, page: int) -> list[Row] | None:
        """The rows of a loaded page of result set ``generation`` (None if stale or absent)."""
        return self._pages.get(page) if generation == self.generation else None

    def forget_requests(self) -> None:
        """Forget pages asked for (after a failed fetch) so scrolling asks again."""
        self._asked = ()

    def loaded_rows(self) -> list[Row]:
        """Every row fetched so far for this result set."""
        return [row for page in self._pages.values() for row in page]

    @property
    def row_count(self) -> int:
        """Rows the table can scroll through now (the total, or what is known of it)."""
        if self.total is not None:
            return self.total
        loaded = max(self._pages, default=0)
        return loaded * self.page_size + len(self._pages.get(loaded, [])) + 1

    @property
    def current(self) -> Row | None:
        """The row under the cursor, if loaded."""
        return self.row(self.cursor_row) if self.row_count else None

    @property
    def current_column(self) -> Column:
        """The column the header cursor is on (what ``sort`` applies to)."""
        shown = [c for c, _ in self._layout()]
        return shown[min(self.cursor_column, len(shown) - 1)]

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.size.width, self.row_count + 1)

    # -- layout ---------------------------------------------------------------------------
    def _layout(self) -> list[tuple[Column, int]]:
        """Columns that fit the width, sized to the rows loaded so far (see ``fit``)."""
        width = self.scrollable_content_region.width or self.size.width or 80
        key = (width, self.generation, len(self._pages), tuple(sorted(self.extra.items())))
        if self._fit_cache and self._fit_cache[0] == key:
            return self._fit_cache[1]
        layout = fit(self.columns, width, self.content_widths(), self.extra)
        self._fit_cache = (key, layout)
        self._layouts += 1
        return layout

    def content_widths(self) -> dict[str, list[int]]:
        """The widths of each column's values over the rows loaded, sorted (empty: no rows)."""
        rows = self.loaded_rows()
        if not rows:
            return {}
        return {c.key: sorted(cell_len(visible(c.fmt(row.get(c.key)), newlines=False))
                              for row in rows) for c in self.columns}

    def column_width(self, key: str) -> int:
        """The width column ``key`` has on screen now (0: hidden)."""
        return next((w for c, w in self._layout() if c.key == key), 0)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_cache = None
        self._lines.clear()
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    # -- rendering ------------------------------------------------------------------------
    def _cell(self, text: str, width: int, numeric: bool) -> str:
        """``text`` in exactly ``width`` terminal cells (wide characters counted as two)."""
        length = cell_len(text)
        if length > width:
            return set_cell_size(text, max(width - 1, 0)) + "…"
        pad = " " * (width - length)
        return pad + text if numeric else text + pad

    def render_lines(self, crop: Region) -> list[Strip]:
        # Styles cost a CSS lookup each; look them up once per frame, not once per line.
        base = self.rich_style
        self._styles = {"base": base} | {
            name: base + self.get_component_rich_style(f"paged-table--{name}")
            for name in ("header", "header-column", "cursor", "placeholder", "even")}
        self._styles["even-cursor"] = self._styles["even"] + self.get_component_rich_style(
            "paged-table--cursor")
        self._styles["placeholder-cursor"] = self._styles["placeholder"] + \
            self.get_component_rich_style("paged-table--cursor")
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y - 1 if y else -1
        row = self.row(index) if index >= 0 else None
        # Lines are re-rendered on every frame; most do not change between frames.
        self._layout()  # current widths (bumps ``_layouts`` when they changed)
        key = (index, self.size.width, self._layouts, index == self.cursor_row, self.has_focus,
               self.app.theme,
               self.generation, id(row), row.get("card") if row else None, self.row_count,
               self.cursor_column if index < 0 else 0, self.sort_key, self.sort_descending)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._render_line(y)
            if row is not None or index < 0:  # placeholders must ask for their page again
                if len(self._lines) > 400:
                    self._lines.clear()
                self._lines[key] = strip
        return strip

    def _render_line(self, y: int) -> Strip:
        width = self.size.width
        styles = self._styles
        layout = self._fit_cache[1] if self._fit_cache else self._layout()
        if y == 0:
            return self._render_header(layout, width)
        index = int(self.scroll_y) + y - 1
        if index == 0 and self.row_count == 0 and self.empty_text:
            return Strip([Segment(visible(f" {self.empty_text}", newlines=False)[:width].ljust(width),
                                  styles["placeholder"])], width)
        if index >= self.row_count:
            return Strip.blank(width, styles["base"])
        row = self.row(index)
        if row is None:
            self._ask_for_visible_pages()
            style = styles["placeholder-cursor" if index == self.cursor_row else "placeholder"]
            return Strip([Segment(" loading…".ljust(width), style)], width)
        if index == self.cursor_row:
            style = styles["even-cursor" if index % 2 else "cursor"]
        else:
            style = styles["even" if index % 2 else "base"]
        # Plain segments, not a rich Text: this runs for every visible line of every frame.
        # Cells are outside text: control characters made visible (segments are not markup).
        line = " ".join(self._cell(visible(c.fmt(row.get(c.key)), newlines=False), w, c.numeric)
                        for c, w in layout)
        return Strip([Segment(line, style)]).adjust_cell_length(width, style)

    def _render_header(self, layout: list[tuple[Column, int]], width: int) -> Strip:
        header = self._styles["header"]
        focus_style = self._styles["header-column"]
        segments: list[Segment] = []
        for i, (column, w) in enumerate(layout):
            label = column.label
            if column.key == self.sort_key:
                label += " ▼" if self.sort_descending else " ▲"
            style = focus_style if i == self.cursor_column else header
            segments.append(Segment(self._cell(label, w, column.numeric), style))
            if i < len(layout) - 1:
                segments.append(Segment(" ", header))
        used = sum(s.cell_length for s in segments)
        if used < width:
            segments.append(Segment(" " * (width - used), header))
        return Strip(segments).crop(0, width)

    def _ask_for_visible_pages(self) -> None:
        """Post one PagesNeeded for the pages in view that are missing (once per request)."""
        first = int(self.scroll_y)
        last = min(first + self.size.height, self.row_count) - 1
        missing = tuple(
            p for p in range(first // self.page_size, max(last, first) // self.page_size + 1)
            if p not in self._pages
        )
        if missing and missing != self._asked:
            self._asked = missing
            self.post_message(self.PagesNeeded(self, self.generation, list(missing)))

    # -- cursor ---------------------------------------------------------------------------
    @property
    def _visible_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_y)
        row = self.cursor_row
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + self._visible_rows:
            self.scroll_to(y=row - self._visible_rows + 1, animate=False, immediate=True)

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, self.row_count - 1))

    def watch_cursor_row(self) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self._announce()

    def watch_cursor_column(self) -> None:
        self.refresh()

    def validate_cursor_column(self, value: int) -> int:
        return max(0, min(value, len(self._layout()) - 1))

    def _announce(self) -> None:
        self.post_message(self.RowHighlighted(self, self.cursor_row, self.current))

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._visible_rows

    def action_page_down(self) -> None:
        self.cursor_row += self._visible_rows

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = self.row_count - 1

    def action_column(self, delta: int) -> None:
        self.cursor_column += delta

    def action_widen(self, cells: int) -> None:
        """Give the highlighted column ``cells`` more (or fewer) cells; the others make room."""
        column = self.current_column
        shown = self.column_width(column.key)
        self.extra[column.key] = max(self.extra.get(column.key, 0) + cells,
                                     self.extra.get(column.key, 0) + floor(column) - shown)
        self._lines.clear()
        self.refresh()

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.RowSelected(self, self.cursor_row, row))

    def _column_at(self, x: int) -> int:
        edge = 0
        for i, (_, w) in enumerate(self._layout()):
            edge += w + 1
            if x < edge:
                return i
        return len(self._layout()) - 1

    async def _on_key(self, event: events.Key) -> None:
        # Remember which widget this key was typed to: keys typed in one burst are all queued
        # here before a binding among them (the models' '/') moves the focus; the app then
        # hands the rest to the new focus (see PtmxApp._on_key).
        typed_to[event] = self  # Textual then runs Widget._on_key itself (along the MRO)

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        event.stop()
        if offset.y == 0:
            self.cursor_column = self._column_at(offset.x)
            self.post_message(self.HeaderClicked(self, self.current_column))
            return
        index = int(self.scroll_y) + offset.y - 1
        if index >= self.row_count:
            return
        again = index == self.cursor_row
        self.cursor_row = index
        if again or event.chain > 1:
            self.action_select()
