"""Health metrics and their measurements; an objective or KR may name the metric it improves."""

from __future__ import annotations

from sqlalchemy import Column, Date, Float, ForeignKey, MetaData, String, text
from sqlalchemy.engine import Connection

from okrtui.storage.migrations.m005_conversation import _record

VERSION = 7
NAME = "health metrics and measurements"


def tables() -> MetaData:
    md = MetaData()
    _record("metric", md,
            Column("name", String, nullable=False), Column("unit", String, nullable=False),
            Column("description", String, nullable=False), Column("owner_id", String), Column("team_id", String),
            Column("cadence", String, nullable=False), Column("low", Float), Column("high", Float),
            Column("visibility", String, nullable=False), Column("since", Date, nullable=False),
            Column("archived_on", Date))
    _record("measurement", md,
                          Column("metric_id", String, ForeignKey("metric.id"), nullable=False),
                          Column("date", Date, nullable=False), Column("value", Float, nullable=False),
                          Column("note", String, nullable=False), Column("author_id", String),
                          indexes=("metric_id", "date"))
    return md


def upgrade(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE objective ADD COLUMN improves_id VARCHAR"))
    conn.execute(text("ALTER TABLE key_result ADD COLUMN improves_id VARCHAR"))
    tables().create_all(conn)
