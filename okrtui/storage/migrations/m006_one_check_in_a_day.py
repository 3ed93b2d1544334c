"""One live check-in per KR, author and day (docs/data.md): concurrent saves replace, never double.

Duplicates made before (three `okrtui checkin` at once left two rows) are settled first: the
latest (by updated_at, created_at, id) stays, the others become tombstones, as deleting one would.
Their updated_at is kept: a tombstone is a local settlement, not a newer version of the record.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

VERSION = 6
NAME = "one check-in per KR, author and day"

# The author of a check-in: its author_id, else its maker (okrtui.storage.store.DAY_KEY's SQL).
INDEX = ("CREATE UNIQUE INDEX IF NOT EXISTS ux_check_in_kr_author_date "
         "ON check_in (kr_id, COALESCE(author_id, origin), date) WHERE NOT deleted")


def upgrade(conn: Connection) -> None:
    conn.execute(text(
        "UPDATE check_in SET deleted = true WHERE NOT deleted AND EXISTS (SELECT 1 FROM check_in n "
        "WHERE NOT n.deleted AND n.kr_id = check_in.kr_id AND n.date = check_in.date "
        "AND COALESCE(n.author_id, n.origin) = COALESCE(check_in.author_id, check_in.origin) "
        "AND (n.updated_at > check_in.updated_at OR (n.updated_at = check_in.updated_at "
        "AND (n.created_at > check_in.created_at OR (n.created_at = check_in.created_at AND n.id > check_in.id)))))"))
    conn.execute(text(INDEX))
