"""The anchor for "usable at once": a bare Textual app that reads its rows from SQLite with the
standard library (no ORM) and shows them: Header, a DataTable of the period's KRs, Footer.

Started like okrtui's probe (headless, exits once its rows are on screen) and prints its peak memory.

Its own App, not bare_app.Bare: Textual calls every class's on_mount along the MRO, so a subclass of
Bare got Bare's seven columns (and, for Bare(0), no rows) added after its own rows: every one of
those cells was work okrtui is not asked to do, and the floor looked slower than it is.

usage: bare_sqlite.py DB
"""

from __future__ import annotations

import sqlite3
import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

QUERY = """
SELECT o.title, k.title, k.kind, k.start, k.target, k.owner_id,
       (SELECT c.value FROM check_in c WHERE c.kr_id = k.id AND NOT c.deleted ORDER BY c.date DESC LIMIT 1)
FROM key_result k JOIN objective o ON o.id = k.objective_id
WHERE o.period_id = ? AND NOT o.deleted AND NOT k.deleted
ORDER BY o.position, k.position
"""
COLUMNS = (("Objective / key result", 40), ("Owner", 6), ("Kind", 4), ("Now → target", 12))


class BareSqlite(App):
    """Header, DataTable, Footer; the table's rows read from the database at mount."""

    def __init__(self, db: str) -> None:
        super().__init__()
        self.db = db

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as conn:
            rows = conn.execute(QUERY, ("2026-Q4",)).fetchall()
        table.add_rows([(f"{o} · {k}", owner or "", kind, f"{now} → {target}")
                        for o, k, kind, start, target, owner, now in rows])
        self.call_after_refresh(self._usable)

    def _usable(self) -> None:
        from peak import ready_s

        print(f"USABLE_S {ready_s()}")
        self.exit()


if __name__ == "__main__":
    from peak import peak_kb

    BareSqlite(sys.argv[1]).run(headless=True)
    print(f"MAXRSS_KB {peak_kb()}")
