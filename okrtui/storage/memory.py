"""An in-memory database: okrtui's tables inside the process, gone when it ends (a test and trial backend).

`--db memory:` (or `memory:NAME`, one database per name) is SQLite's shared-cache memory
database, migrated like a file. It has no quick read or write, no change counter, no signing
key, and is neither shared nor live: every read and write takes the ORM path, which is its
point. `tests/storage/test_backend_contract.py` runs a whole round on it (import, check-in,
report, sync), so the ORM path is proved whole without a file or a server.

Every engine of one name in this process reaches the same database: SQLite keeps a shared-cache
memory database while a connection to it is open, and this module keeps one open per name (the
*keeper*) until `forget(name)` or the end of the process. An engine is one connection at a time
(a pool of one), so two threads take turns as two writers of a file wait on its lock.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from okrtui.core.errors import OkrError
from okrtui.storage.base import Backend, Capabilities

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlmodel import Session

    from okrtui.storage.model import Person

PREFIX = "memory:"
WAIT_S = 30  # how long a second thread waits for the one connection (a SQLite file's busy timeout)

_keepers: dict[str, sqlite3.Connection] = {}  # name -> the connection that keeps its database alive
_lock = threading.Lock()


class MemoryBackend(Backend):
    """`memory:` or `memory:NAME`: a database inside the process, gone when it ends. A test and trial
    backend with no quick path at all: every read and write takes the ORM path."""

    name = "in-memory"

    def __init__(self, target: Path | str, *, read_only: bool = False) -> None:
        super().__init__(str(target).strip(), read_only=read_only)

    @classmethod
    def accepts(cls, target: Path | str) -> bool:
        return accepts(target)

    def build(self, *, create: bool) -> Engine:
        return open_memory(str(self.target), create=create, read_only=self.read_only)

    def capabilities(self) -> Capabilities:
        return Capabilities(kept=False)

    def note(self) -> str | None:
        return f"{self.shown()} is an in-memory database: nothing is kept when this okrtui ends"

    def check_identity_move(self, verb: str) -> None:
        raise OkrError(f"an in-memory database's identity ends with this okrtui and has no signing key: "
                       f"there is nothing to {verb}")

    def me(self, session: Session) -> str:
        from okrtui.storage import store  # SQLAlchemy: a session is open already

        return store.local_id(session)  # one person's database, as a file is

    def person(self, session: Session, default_name: str = "", default_email: str = "") -> Person:
        from okrtui.storage import store  # SQLAlchemy: a session is open already

        return store.local_person(session, default_name, default_email)


def accepts(target: Path | str) -> bool:
    """`memory:` as given, a string: a Path is a file (`--db ./memory:`, which pathlib would print as
    `memory:`, is the way to a file of that name; okrtui.config.db_target keeps `memory:` a string)."""
    return isinstance(target, str) and target.strip().lower().startswith(PREFIX)


def name_of(target: Path | str) -> str:
    """`memory:` -> "", `memory:team` -> "team" (the spelling is case-blind, the name is not)."""
    return str(target).strip()[len(PREFIX):]


def _uri(name: str) -> str:
    return f"file:okrtui-memory-{quote(name, safe='')}?mode=memory&cache=shared"


def _connect(name: str) -> sqlite3.Connection:
    return sqlite3.connect(_uri(name), uri=True, check_same_thread=False, isolation_level=None)


def exists(name: str) -> bool:
    with _lock:
        return name in _keepers


def forget(name: str) -> None:
    """Drop a database: once its engines are disposed too, its memory is freed."""
    with _lock:
        keeper = _keepers.pop(name, None)
    if keeper is not None:
        keeper.close()


def open_memory(target: str, *, create: bool = True, read_only: bool = False) -> Engine:
    """An engine on the named in-memory database, migrated (made first when `create`). A database
    that is not there (another process made it, or it was never made) is one error line when
    only reading, never a new empty one that looks like a fresh start."""
    from sqlalchemy import create_engine, event, exc  # SQLAlchemy: never before the TUI's first frame
    from sqlalchemy.pool import QueuePool  # SQLAlchemy, likewise

    from okrtui.storage.store import migrate  # the storage layer, likewise

    name = name_of(target)
    shown = f"{PREFIX}{name}"
    with _lock:
        if name not in _keepers:
            if not create or read_only:
                raise OkrError(f"{shown} holds no database in this process: an in-memory database lives only "
                               "in the okrtui process that made it, and nothing is kept when it ends")
            _keepers[name] = _connect(name)

    # One connection at a time: a second thread waits for it, as a second writer of a file
    # waits on SQLite's lock (shared-cache tables refuse at once instead of waiting).
    engine = create_engine("sqlite://", creator=lambda: _connect(name), poolclass=QueuePool, pool_size=1,
                           max_overflow=0, pool_timeout=WAIT_S)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        if read_only:
            cur.execute("PRAGMA query_only = ON")  # as `--read-only` on a file: every write refused
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("okrtui_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    try:
        if not read_only:
            migrate(engine)
    except (exc.DatabaseError, OkrError) as err:
        engine.dispose()
        raise OkrError(f"cannot open database {shown}: {err}") from None
    return engine
