"""A virtual table: rows are stored as cheap entries and drawn only when on screen.

A company's period holds tens of thousands of rows; a DataTable builds and
stores every cell up front. Here a row is a key plus either its cells or a
function that makes them, and only the visible lines are ever rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cells = Sequence[Any]


class Wide(Text):
    """A cell that spans its row's every column: a wrapped mission line, a dependency."""


class OkrTable(ScrollView, can_focus=True):
    """Rows of fixed-width columns with a row cursor, vim keys and a sticky header."""

    COMPONENT_CLASSES = {"okr-table--header", "okr-table--cursor", "okr-table--even"}
    DEFAULT_CSS = """
    OkrTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .okr-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .okr-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .okr-table--even { background: $surface-lighten-1 50%; }
        &:dark > .okr-table--even { background: $surface-darken-1 40%; }

        &:focus {
            background-tint: $foreground 5%;
            & > .okr-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="list.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="list.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="list.page_down"),
        Binding("home", "jump(0)", "First", show=False, id="list.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="list.last"),
        Binding("enter", "select", "Select", show=False, id="list.select"),
    ]

    class RowHighlighted(Message):
        def __init__(self, table: OkrTable, cursor_row: int, key: str) -> None:
            super().__init__()
            self.table, self.cursor_row, self.key = table, cursor_row, key

        @property
        def control(self) -> OkrTable:
            return self.table

    class RowSelected(RowHighlighted):
        pass

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.columns: list[tuple[Text, int]] = []
        self._keys: list[str] = []
        self._rows: list[tuple[Callable[..., Cells] | None, tuple[Any, ...]]] = []
        self._index: dict[str, int] = {}
        self._cache: dict[tuple[int, bool], Strip] = {}
        self._resize_pending = False
        self.cursor_row = 0

    # --- building --------------------------------------------------------------------------

    def clear(self, columns: bool = False) -> None:
        if columns:
            self.columns = []
        self._keys, self._rows, self._index, self._cache = [], [], {}, {}
        self._resize()

    def add_column(self, label: str | Text, width: int) -> None:
        self.columns.append((label if isinstance(label, Text) else Text(label), width))
        self._cache.clear()
        self._resize()

    def add_row(self, *cells: Any, key: str) -> None:
        self._append(key, None, cells)

    def add_lazy_row(self, key: str, make: Callable[..., Cells], *args: Any) -> None:
        """A row whose cells are made by `make(*args)` only when it is drawn or read."""
        self._append(key, make, args)

    def _append(self, key: str, make: Callable[..., Cells] | None, args: tuple[Any, ...]) -> None:
        self._index[key] = len(self._keys)
        self._keys.append(key)
        self._rows.append((make, args))
        if not self._resize_pending:  # one resize per batch of rows, not one per row
            self._resize_pending = True
            self.call_next(self._resize)

    def _resize(self) -> None:
        self._resize_pending = False
        width = sum(w + 2 for _, w in self.columns)
        self.virtual_size = Size(width, len(self._keys) + 1)
        self.refresh()

    # --- reading ----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._keys)

    def get_row_at(self, index: int) -> list[Any]:
        make, args = self._rows[index]
        return list(make(*args) if make is not None else args)

    def get_row(self, key: str) -> list[Any]:
        return self.get_row_at(self._index[key])

    def key_at(self, index: int) -> str:
        return self._keys[index]

    @property
    def current_key(self) -> str | None:
        return self._keys[self.cursor_row] if 0 <= self.cursor_row < len(self._keys) else None

    def select_key(self, key: str | None) -> bool:
        if key is None or key not in self._index:
            return False
        self.move_cursor(row=self._index[key])
        return True

    # --- cursor ---------------------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        if not self._keys:
            self.cursor_row = 0
            return
        row = max(0, min(len(self._keys) - 1, row))
        if self._resize_pending:
            self._resize()  # scrolling to the cursor needs the new size now
        old, self.cursor_row = self.cursor_row, row
        for r in (old, row):
            self._cache.pop((r, True), None)
            self._cache.pop((r, False), None)
        top = round(self.scroll_y)
        self._scroll_to_cursor()
        if round(self.scroll_y) == top:
            # Only the two rows whose look changed are repainted: over SSH a key press costs
            # the bytes of two lines, not of the whole table.
            width = self.size.width
            self.refresh(*(Region(0, r - top + 1, width, 1) for r in {old, row}))
        else:
            self.refresh()
        self.post_message(self.RowHighlighted(self, row, self._keys[row]))

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False)

    def on_resize(self) -> None:
        # A smaller terminal must not leave the cursor row below the fold.
        self.call_after_refresh(self._scroll_to_cursor)

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor_row + int(step))

    def action_page(self, step: int) -> None:
        self.move_cursor(self.cursor_row + int(step) * max(1, self.scrollable_content_region.height - 2))

    def action_jump(self, row: int) -> None:
        self.move_cursor(len(self._keys) - 1 if int(row) < 0 else int(row))

    def action_select(self) -> None:
        if self._keys:
            self.post_message(self.RowSelected(self, self.cursor_row, self._keys[self.cursor_row]))

    def on_click(self, event: events.Click) -> None:
        row = round(self.scroll_y) + event.y - 1
        if event.y >= 1 and 0 <= row < len(self._keys):
            again = row == self.cursor_row
            self.move_cursor(row)
            if again or event.chain > 1:
                self.action_select()

    # --- drawing -----------------------------------------------------------------------------------

    def on_focus(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x = round(self.scroll_x)
        if y == 0:
            strip = self._line(self.columns and [label for label, _ in self.columns],
                               self.get_component_rich_style("okr-table--header"))
        else:
            index = round(self.scroll_y) + y - 1
            if index >= len(self._keys):
                return Strip.blank(width, self.rich_style)
            cursor = index == self.cursor_row
            key = (index, cursor)
            cached = self._cache.get(key)
            if cached is not None:
                strip = cached
            else:
                style = self.rich_style
                if index % 2:
                    style += self.get_component_rich_style("okr-table--even")
                if cursor:
                    style += self.get_component_rich_style("okr-table--cursor")
                strip = self._line(self.get_row_at(index), style)
                if len(self._cache) > 2000:
                    self._cache.clear()
                self._cache[key] = strip
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, self.rich_style)

    def _line(self, cells: Sequence[Any] | None, base: Style) -> Strip:
        console = self.app.console
        segments: list[Segment] = []
        total = sum(w + 2 for _, w in self.columns)
        if cells and isinstance(cells[0], Wide):
            text = cells[0].copy()
            text.no_wrap = True
            text.truncate(max(1, total - 2), overflow="ellipsis", pad=True)
            wide = list(text.render(console))
            if text.style and not text.spans:
                wide = list(Segment.apply_style(wide, console.get_style(text.style)))
            segments = [Segment(" "), *wide, Segment(" ")]
            return Strip(Segment.simplify(Segment.apply_style(segments, base)), total)
        for (_, width), cell in zip(self.columns, cells or [], strict=False):  # short rows leave cells blank
            text = cell.copy() if isinstance(cell, Text) else Text(str(cell))
            text.no_wrap = True
            text.truncate(width, overflow="ellipsis", pad=True)
            segments.append(Segment(" "))
            rendered = text.render(console)
            if text.style and not text.spans:
                # Text.render drops the base style when there are no spans.
                rendered = Segment.apply_style(rendered, console.get_style(text.style))
            segments.extend(rendered)
            segments.append(Segment(" "))
        # Neighbours of one style become one segment: a repainted line goes out with one escape
        # sequence per style run, not one per cell and padding space (bytes per key over SSH).
        return Strip(Segment.simplify(Segment.apply_style(segments, base)), total)
