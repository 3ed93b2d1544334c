"""The anchor for bytes per key: a bare Textual app with a Header, a DataTable of N rows and a
Footer, run on a real terminal (not headless) until killed."""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class BareTable(App[None]):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("Objective / key result", 26), ("Owner", 6), ("Kind", 4), ("Now → target", 12),
                             ("Grade", 9), ("Cnf", 3), ("Trend", 6)):
            table.add_column(label, width=width)
        table.add_rows([(f"Result {i}: a key result title", "Owner", "inc", "50 → 100", "███░░ 0.5", "0.5",
                         "▁▃▅▇") for i in range(self.rows)])
        table.focus()


if __name__ == "__main__":
    BareTable(int(sys.argv[1])).run()
