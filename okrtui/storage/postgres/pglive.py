"""Live refresh on a shared PostgreSQL database: LISTEN/NOTIFY (docs/postgres.md, "Live").

Every change to a record table notifies CHANNEL with the table's name only: a payload never carries
an id, so no one learns of a private record but that something in that table changed. The TUI
listens on a connection of its own, made again when it is lost, and reads the period again; its 30 s
polling stays as the fallback while the server is away.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, Engine

CHANNEL = "okrtui_changed"
APPLICATION = "okrtui-listen"  # the listening session's name in pg_stat_activity, for the DBA
# Anyone connected may NOTIFY this channel too (PostgreSQL has no privilege for it): a notice only
# makes a TUI read what its person may read anyway, and the TUI reloads at most once a second.
NOTIFY_SQL = f"""
CREATE OR REPLACE FUNCTION {{s}}.okrtui_notify() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
  RETURN NULL;
END $$
"""


def live_notices(conn: Connection, record_tables: tuple[str, ...], schema: str = "public") -> list[str]:
    """One statement-level trigger per record table, made by `admin init` (idempotent) in `schema` (a
    quoted identifier): named in full, whatever the search_path."""
    s = schema
    conn.execute(text(NOTIFY_SQL.format(s=s)))
    for table in record_tables:
        conn.execute(text(f"DROP TRIGGER IF EXISTS okrtui_notify ON {s}.{table}"))
        conn.execute(text(f"CREATE TRIGGER okrtui_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {s}.{table} "
                          f"FOR EACH STATEMENT EXECUTE FUNCTION {s}.okrtui_notify()"))
    return [f"changes notify channel {CHANNEL} (open TUIs refresh at once)"]


def own_backends(engine: Engine) -> set[int]:
    """The server processes of this engine's connections, kept up to date: notices they caused
    (our own saves, already shown) need no reload."""

    pids: set[int] = set()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        record.info["okrtui_pid"] = pid = int(dbapi_conn.info.backend_pid)
        pids.add(pid)

    @event.listens_for(engine, "close")
    def _close(_dbapi_conn: Any, record: Any) -> None:
        # Its pid may later be a teammate's server process: their notices must not be ignored.
        pids.discard(record.info.get("okrtui_pid", -1))

    return pids


def listen(url: URL, changed: Callable[[str], None], stop: Callable[[], bool], ignore: set[int] | None = None,
           wait_s: float = 0.5, retry_s: tuple[float, float] = (0.5, 15.0)) -> None:
    """Call `changed(table)` for each change notice until `stop()`. A lost connection (a server
    restart, a killed backend) is made again, waiting longer each time up to `retry_s[1]`; once
    back, `changed("")` says that notices may have been missed (the caller reads again)."""
    import psycopg  # the driver itself: only for a live PostgreSQL session

    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    pause, lost = retry_s[0], False
    while not stop():
        try:
            with psycopg.connect(conninfo, autocommit=True, application_name=APPLICATION) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                if lost:
                    changed("")
                pause, lost = retry_s[0], False
                while not stop():
                    for notice in conn.notifies(timeout=wait_s):
                        if ignore is None or notice.pid not in ignore:
                            changed(notice.payload)
                        if stop():
                            return
        except psycopg.Error:
            lost = True
        waited = 0.0
        while waited < pause and not stop():  # stop() is asked often: the app may be closing
            time.sleep(min(0.1, pause))
            waited += 0.1
        pause = min(pause * 2, retry_s[1])
