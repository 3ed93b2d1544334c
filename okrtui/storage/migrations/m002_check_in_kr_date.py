"""Every period view and check-in form reads one KR's check-ins by date."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

VERSION = 2
NAME = "index check-ins by KR and date"


def upgrade(conn: Connection) -> None:
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_check_in_kr_id_date ON check_in (kr_id, date)"))
