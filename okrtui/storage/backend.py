"""The storage seam: one class per kind of database, saying what it can do.

The app and the CLI ask a backend, never the dialect: `shared` (many people, the database
keeps each to their own records, identity is the login), `live` (teammates' changes arrive as
notices), `admin` (`okrtui admin` sets it up), `quick_read` (a period read with the standard
library, before SQLAlchemy is imported) and `quick_write` (`okrtui checkin`'s and
`okrtui metric record`'s one write, likewise). A backend builds its engine once, on first use; the engine carries `shared` as an
execution option, so the store's queries ask it too (`store.is_shared`). `backend_for` picks
the first class in BACKENDS that accepts the target: another database is one more class here.
This module imports nothing heavy at its top: the TUI chooses its backend before the first frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from okrtui.core.errors import OkrError
from okrtui.storage.base import BACKEND_OPTION, Backend
from okrtui.storage.memory import MemoryBackend
from okrtui.storage.postgres.backend import PostgresBackend
from okrtui.storage.sqlite.backend import SqliteBackend

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = ["BACKENDS", "Backend", "MemoryBackend", "PostgresBackend", "SqliteBackend", "backend_for", "of", "open_engine"]


# In order: the first that accepts a target serves it (SQLite last: it takes any path, `memory:` too).
BACKENDS: list[type[Backend]] = [PostgresBackend, MemoryBackend, SqliteBackend]


def backend_for(target: Path | str, *, read_only: bool = False) -> Backend:
    """The backend of a database path or URL (unbuilt: nothing is opened yet); `read_only`: its engine
    refuses every write."""
    for cls in BACKENDS:
        if cls.accepts(target):
            return cls(target, read_only=read_only)
    raise OkrError(f"no backend for {target}: use a file path, sqlite:///PATH, postgresql://LOGIN@HOST/DB "
                   "or memory: (nothing kept)")


def of(engine: Engine) -> Backend:
    """The backend that built an open engine (the TUI handed one by a test, or by a caller that opened it)."""
    backend = engine.get_execution_options().get(BACKEND_OPTION)
    if not isinstance(backend, Backend):
        raise TypeError("an engine okrtui.storage.backend did not build: open it with okrtui.storage.backend.open_engine")
    return backend


def open_engine(target: Path | str, *, create: bool = True) -> Engine:
    """Open a database (a path or URL) through its backend: migrated or checked, tagged with its
    capabilities. With create=False a missing SQLite file is an error, never a new database."""
    return backend_for(target).engine(create=create)
