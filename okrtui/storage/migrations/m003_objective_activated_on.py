"""The day an objective became active: its KRs are not stale before stale_after_days from then."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

VERSION = 3
NAME = "objective.activated_on"


def upgrade(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE objective ADD COLUMN activated_on DATE"))
