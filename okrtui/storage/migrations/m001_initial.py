"""Schema 1, exactly as okrtui 0.1 created it (see tests/fixtures/schema-1.db)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Float, ForeignKey, Index, Integer, MetaData, String, Table
from sqlalchemy.engine import Connection

VERSION = 1
NAME = "initial schema"


def _record(name: str, metadata: MetaData, *columns: Column[object], indexes: tuple[str, ...] = ()) -> Table:
    table = Table(
        name, metadata,
        Column("id", String(64), primary_key=True),
        Column("origin", String, nullable=False),
        Column("created_at", String, nullable=False),
        Column("updated_at", String, nullable=False),
        Column("deleted", Boolean, nullable=False),
        *columns,
    )
    for column in ("origin", *indexes):
        Index(f"ix_{name}_{column}", table.c[column])
    return table


def tables() -> MetaData:
    md = MetaData()
    _record("person", md, Column("name", String, nullable=False), Column("email", String, nullable=False))
    _record("team", md, Column("name", String, nullable=False), Column("mission", String, nullable=False),
            Column("vision", String, nullable=False))
    _record("period", md, Column("start", Date, nullable=False), Column("end", Date, nullable=False))
    _record("dependency", md, Column("from_id", String, nullable=False), Column("to_id", String, nullable=False),
            Column("note", String, nullable=False), indexes=("from_id", "to_id"))
    Table("meta", md, Column("key", String, primary_key=True), Column("value", String, nullable=False))
    _record("objective", md,
            Column("title", String, nullable=False), Column("description", String, nullable=False),
            Column("level", String, nullable=False), Column("team_id", String),
            Column("owner_id", String), Column("period_id", String, ForeignKey("period.id"), nullable=False),
            Column("parent_id", String), Column("status", String, nullable=False),
            Column("visibility", String, nullable=False), Column("position", Integer, nullable=False),
            indexes=("owner_id", "parent_id", "period_id"))
    _record("reflection", md,
            Column("person_id", String, nullable=False),
            Column("period_id", String, ForeignKey("period.id"), nullable=False),
            Column("question", String, nullable=False), Column("answer", String, nullable=False))
    _record("key_result", md,
            Column("objective_id", String, ForeignKey("objective.id"), nullable=False),
            Column("title", String, nullable=False), Column("owner_id", String),
            Column("kind", String, nullable=False), Column("unit", String, nullable=False),
            Column("start", Float), Column("target", Float), Column("low", Float), Column("high", Float),
            Column("weight", Float, nullable=False), Column("self_score", Float),
            Column("score_comment", String, nullable=False), Column("position", Integer, nullable=False),
            indexes=("objective_id",))
    _record("check_in", md,
            Column("kr_id", String, ForeignKey("key_result.id"), nullable=False),
            Column("date", Date, nullable=False), Column("value", Float, nullable=False),
            Column("confidence", Float), Column("note", String, nullable=False), Column("author_id", String),
            indexes=("kr_id", "date"))
    return md


def upgrade(conn: Connection) -> None:
    tables().create_all(conn)
