"""The virtual table on its own: rows made lazily, cursor, scrolling, resize, selection."""

from textual.app import App, ComposeResult

from okrtui.tui.widgets.table import OkrTable


class TableApp(App[None]):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.made: list[int] = []
        self.selected: list[str] = []
        self.highlighted: list[str] = []

    def compose(self) -> ComposeResult:
        yield OkrTable()

    def on_mount(self) -> None:
        table = self.query_one(OkrTable)
        table.add_column("Row", width=12)
        table.add_column("Value", width=6)
        for i in range(self.rows):
            table.add_lazy_row(f"r{i}", self.make, i)
        table.focus()

    def make(self, i: int) -> list[str]:
        self.made.append(i)
        return [f"row {i}", str(i * 10)]

    def on_okr_table_row_selected(self, event: OkrTable.RowSelected) -> None:
        self.selected.append(event.key)

    def on_okr_table_row_highlighted(self, event: OkrTable.RowHighlighted) -> None:
        self.highlighted.append(event.key)


async def test_only_the_rows_on_screen_are_made():
    app = TableApp(10_000)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(OkrTable)
        assert table.row_count == 10_000
        assert 0 < len(set(app.made)) <= 12  # one screenful, not ten thousand
        assert table.get_row("r5000") == ["row 5000", "50000"]  # reading a row makes it on demand


async def test_the_cursor_moves_pages_and_jumps_and_the_view_follows():
    app = TableApp(100)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(OkrTable)
        assert table.current_key == "r0"
        await pilot.press("down", "j")
        assert table.current_key == "r2"
        await pilot.press("k")
        assert table.current_key == "r1"
        await pilot.press("end")
        await pilot.pause()
        assert table.current_key == "r99"
        assert table.scroll_y > 80  # scrolled so the cursor row is visible
        await pilot.press("home")
        await pilot.pause()
        assert table.current_key == "r0" and table.scroll_y == 0
        await pilot.press("pagedown")
        assert table.cursor_row > 5
        await pilot.press("up")
        assert app.highlighted[-1] == table.current_key


async def test_enter_and_a_click_on_the_current_row_select_it():
    app = TableApp(20)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        assert app.selected == ["r1"]
        table = app.query_one(OkrTable)
        await pilot.click(table, offset=(3, 4))  # header is line 0: line 4 is row 3
        await pilot.pause()
        assert table.current_key == "r3" and app.selected == ["r1"]
        await pilot.click(table, offset=(3, 4))
        await pilot.pause()
        assert app.selected == ["r1", "r3"]


async def test_select_key_clear_and_resize_keep_it_consistent():
    app = TableApp(50)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(OkrTable)
        assert table.select_key("r42") and table.current_key == "r42"
        assert not table.select_key("nope") and table.current_key == "r42"
        await pilot.resize_terminal(30, 8)
        await pilot.pause()
        assert table.current_key == "r42"
        visible = table.scrollable_content_region.height - 1  # the header line is not a row
        assert table.scroll_y <= 42 < table.scroll_y + visible
        table.clear()
        await pilot.pause()
        assert table.row_count == 0 and table.current_key is None
        table.add_row("only", "1", key="x")
        await pilot.pause()
        assert table.current_key == "x" or table.select_key("x")
