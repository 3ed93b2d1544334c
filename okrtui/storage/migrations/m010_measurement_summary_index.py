"""Every read of the health metrics (`metric list`, `due`, `inbox`, reports, the Health screen) counts each
metric's measurements up to a day, with their least and greatest value and first day
(okrtui.method.health.SUMMARY_SQL). With this index holding every column that query reads, SQLite and
PostgreSQL answer it from the index alone, in metric order, without visiting the table's rows: half
the time at 150,000 measurements (docs/performance.md, issue 28)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

VERSION = 10
NAME = "index measurements by metric, date and value"

INDEX = ("CREATE INDEX IF NOT EXISTS ix_measurement_metric_id_date_value "
         "ON measurement (metric_id, date, value, deleted)")


def upgrade(conn: Connection) -> None:
    conn.execute(text(INDEX))
