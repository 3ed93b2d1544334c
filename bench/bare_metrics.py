"""The Health screen's floor: a bare Textual app that reads 1,000 metrics with sqlite3 (each with
its latest measurement) and shows them in a DataTable; exits once its rows are on screen.

usage: bare_metrics.py DB
"""

from __future__ import annotations

import sqlite3
import sys

from bare_app import Bare
from textual.widgets import DataTable

# "+x.date": each metric's latest by its own rows, not a scan of every measurement in date order.
QUERY = """
SELECT m.name, m.unit, m.cadence, m.low, m.high,
       (SELECT x.value FROM measurement x WHERE x.metric_id = m.id AND NOT x.deleted ORDER BY +x.date DESC LIMIT 1)
FROM metric m WHERE NOT m.deleted ORDER BY m.name
"""


class BareMetrics(Bare):
    def __init__(self, db: str) -> None:
        super().__init__(0)
        self.db = db

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("Metric", 30), ("Latest", 10), ("Expected", 12), ("Cadence", 9)):
            table.add_column(label, width=width)
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as conn:
            rows = conn.execute(QUERY).fetchall()
        table.add_rows([(name, f"{latest} {unit}", f"{low}..{high}", cadence)
                        for name, unit, cadence, low, high, latest in rows])
        self.call_after_refresh(self._usable)

    def _usable(self) -> None:
        from peak import ready_s

        print(f"USABLE_S {ready_s()}")
        self.exit()


if __name__ == "__main__":
    from peak import peak_kb

    BareMetrics(sys.argv[1]).run(headless=True)
    print(f"MAXRSS_KB {peak_kb()}")
