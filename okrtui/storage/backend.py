"""The storage seam's registry: which backend serves a database path or URL.

`backend_for` picks the first class in BACKENDS that accepts the target (unbuilt: nothing is
opened yet); `of` finds the backend that built an open engine; `open_engine` does both. Each
backend (storage/sqlite/, storage/postgres/) is a subclass of okrtui.storage.base.Backend, whose
methods are everything that differs between databases: another database is one more class here.
This module imports nothing heavy at its top: the TUI chooses its backend before the first frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from okrtui.core.errors import OkrError
from okrtui.storage.base import Backend, Capabilities, of
from okrtui.storage.memory import MemoryBackend
from okrtui.storage.postgres.backend import PostgresBackend
from okrtui.storage.sqlite.backend import SqliteBackend

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = ["BACKENDS", "Backend", "Capabilities", "MemoryBackend", "PostgresBackend", "SqliteBackend", "backend_for", "of",
           "open_engine"]


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


def open_engine(target: Path | str, *, create: bool = True) -> Engine:
    """Open a database (a path or URL) through its backend: migrated or checked, tagged with its
    capabilities. With create=False a missing SQLite file is an error, never a new database."""
    return backend_for(target).engine(create=create)
