"""Signed team file: a person's public key, and every record's signature as it came (docs/team.md)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

VERSION = 4
NAME = "person.public_key and signatures"

TABLES = ("person", "team", "period", "objective", "key_result", "check_in", "dependency", "reflection")


def upgrade(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE person ADD COLUMN public_key VARCHAR DEFAULT '' NOT NULL"))
    for table in TABLES:
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN signature VARCHAR DEFAULT '' NOT NULL"))
