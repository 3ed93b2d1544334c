"""The Health screen's floor: a bare Textual app (Header, DataTable, Footer) that reads 1,000 metrics with
sqlite3 and shows each with its latest value, its expectation, its cadence and the last value of each of
its last 12 weekly windows as a sparkline; exits once its rows are on screen.

One query reads the metrics, one the measurements of the last 12 weeks (the sparkline's, by the date
index: 12,000 rows, not 150,000); a metric measured before them but not within gets its latest date by
a third, grouped one. Python keeps each week's last value, as okrtui does.

Its own App, not bare_app.Bare: Textual calls every class's on_mount, so a subclass's rows would get Bare's
seven columns added after them, each cell of which re-measures its whole column (minutes at 1,000 rows).

usage: bare_metrics.py DB
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

TODAY = dt.date(2026, 11, 26)  # bench/probe_tui.TODAY
BARS = "▁▂▃▄▅▆▇█"
WEEKS = 12
METRICS = "SELECT id, name, unit, cadence, low, high FROM metric WHERE NOT deleted AND archived_on IS NULL"
# By the date index: the 12 weeks' rows only, not 150,000 walked and dropped.
RECENT = ("SELECT metric_id, date, value FROM measurement WHERE NOT deleted AND date >= ? AND date <= ? "
          "ORDER BY metric_id, date, created_at")
OLDER = "SELECT metric_id, MAX(date) FROM measurement WHERE NOT deleted AND date < ? GROUP BY metric_id"


def spark(values: list[float]) -> str:
    if not values:
        return ""
    lo, hi = min(values), max(values)
    return "".join(BARS[int((v - lo) / (hi - lo) * 7) if hi > lo else 3] for v in values)


def rows(db: str) -> list[tuple[str, str, str, str, str]]:
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    first = monday - dt.timedelta(weeks=WEEKS - 1)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        metrics = {mid: [name, unit, cadence, low, high, {}] for mid, name, unit, cadence, low, high
                   in conn.execute(METRICS)}
        for mid, day, value in conn.execute(RECENT, (first.isoformat(), TODAY.isoformat())):
            if mid in metrics:  # the week's last value: rows come in date order
                metrics[mid][5][(dt.date.fromisoformat(day) - first).days // 7] = value
        older = dict(conn.execute(OLDER, (first.isoformat(),)).fetchall()) if any(
            not m[5] for m in metrics.values()) else {}
    out = []
    for mid, (name, unit, cadence, low, high, weeks) in metrics.items():
        latest = f"{weeks[max(weeks)]} {unit}" if weeks else (older.get(mid) or "–")
        expected = f"≥ {low}" if high is None and low is not None else f"≤ {high}" if low is None and high else (
            f"{low}–{high}" if low is not None else "tracked")
        out.append((name, latest, expected, spark([weeks[w] for w in sorted(weeks)]), cadence))
    return sorted(out, key=lambda r: r[0].casefold())


class BareMetrics(App):
    def __init__(self, db: str) -> None:
        super().__init__()
        self.db = db

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("Metric", 30), ("Latest", 10), ("Expected", 12), ("Last 12", 12), ("Cadence", 9)):
            table.add_column(label, width=width)
        table.add_rows(rows(self.db))
        self.call_after_refresh(self._usable)

    def _usable(self) -> None:
        from peak import cpu_s, ready_s

        print(f"USABLE_S {ready_s()}")
        print(f"CPU_S {cpu_s()}")
        self.exit()


if __name__ == "__main__":
    from peak import peak_kb

    BareMetrics(sys.argv[1]).run(headless=True)
    print(f"MAXRSS_KB {peak_kb()}")
