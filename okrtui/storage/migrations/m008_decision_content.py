"""A decision keeps what it saw (the submission and the content it answered), for the review's history."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

VERSION = 8
NAME = "decision content"


def upgrade(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE decision ADD COLUMN content VARCHAR NOT NULL DEFAULT ''"))
