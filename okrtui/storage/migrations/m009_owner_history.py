"""Each KR keeps the changes of its owner (okrtui.method.owners): a check-in counts when its writer
answered for the KR on its day, so handing a KR over keeps the earlier owner's check-ins.

Existing KRs get none: their owner (else their maker) answers since the start, as before."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

VERSION = 9
NAME = "owner history of key results"


def upgrade(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE key_result ADD COLUMN owner_history VARCHAR"))
