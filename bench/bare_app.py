"""The bare Textual app okrtui is measured against: Header, a DataTable of N rows, Footer.

Started like okrtui's probe (headless, exits once its rows are on screen) and
prints its peak memory.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class Bare(App):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("Objective / key result", 40), ("Owner", 6), ("Kind", 4), ("Now → target", 12),
                             ("Grade", 9), ("Cnf", 3), ("Trend", 6)):
            table.add_column(label, width=width)
        table.add_rows([(f"Result {i}", "Owner", "inc", "50 → 100", "███░░ 0.5", "0.5", "▁▃▅▇")
                        for i in range(self.rows)])
        self.call_after_refresh(self.exit)


if __name__ == "__main__":
    from peak import peak_kb

    Bare(int(sys.argv[1])).run(headless=True)
    print(f"MAXRSS_KB {peak_kb()}")
