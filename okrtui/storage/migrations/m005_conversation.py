"""The OKR cycle as a conversation: team approval and lead, submissions, comments, decisions, inbox marks.

Independent of m004 (another branch's columns): it only adds its own.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, MetaData, PrimaryKeyConstraint, String, Table, text
from sqlalchemy.engine import Connection

VERSION = 5
NAME = "comments, decisions, team approval"


def _record(name: str, metadata: MetaData, *columns: Column[object], indexes: tuple[str, ...] = ()) -> Table:
    table = Table(
        name, metadata,
        Column("id", String(64), primary_key=True),
        Column("origin", String, nullable=False),
        Column("created_at", String, nullable=False),
        Column("updated_at", String, nullable=False),
        Column("deleted", Boolean, nullable=False),
        *columns,
        Column("signature", String, nullable=False, server_default=""),  # as m004 gave every record table
    )
    for column in ("origin", *indexes):
        Index(f"ix_{name}_{column}", table.c[column])
    return table


def tables() -> MetaData:
    md = MetaData()
    _record("comment", md,
            Column("target_type", String, nullable=False), Column("target_id", String, nullable=False),
            Column("parent_id", String), Column("body", String, nullable=False), indexes=("target_id",))
    _record("decision", md,
            Column("subject_type", String, nullable=False), Column("subject_id", String, nullable=False),
            Column("verdict", String, nullable=False), Column("note", String, nullable=False),
            Column("basis", String, nullable=False), indexes=("subject_id",))
    Table("seen", md, Column("person_id", String, nullable=False), Column("item_id", String, nullable=False),
          Column("seen_at", String, nullable=False), PrimaryKeyConstraint("person_id", "item_id"))
    return md


def upgrade(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE team ADD COLUMN approval BOOLEAN NOT NULL DEFAULT false"))
    conn.execute(text("ALTER TABLE team ADD COLUMN lead_id VARCHAR"))
    conn.execute(text("ALTER TABLE objective ADD COLUMN submitted_at VARCHAR"))
    tables().create_all(conn)
