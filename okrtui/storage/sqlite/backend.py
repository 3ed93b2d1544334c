"""The SQLite backend: one person's file, read and written quickly with sqlite3."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrtui.core.errors import OkrError
from okrtui.storage.base import Backend, Capabilities
from okrtui.storage.sqlite import quickread

if TYPE_CHECKING:  # the quick write and its rules load with the first write, not before the TUI's first frame
    from sqlalchemy.engine import Connection, Engine
    from sqlmodel import Session

    from okrtui.rules.checkinrules import Saved
    from okrtui.rules.metricrules import Measured
    from okrtui.storage.model import Person


class SqliteBackend(Backend):
    """A SQLite file (or sqlite:// URL): one person's database, read quickly with sqlite3."""

    name = "SQLite"

    @classmethod
    def accepts(cls, target: Path | str) -> bool:
        return isinstance(target, Path) or "://" not in target or target.startswith("sqlite:")

    def _file(self) -> Path | None:
        return self.target if isinstance(self.target, Path) else None  # quickread reads files only

    def _in_memory(self) -> bool:
        """`sqlite://` or `sqlite:///:memory:` (SQLAlchemy's spellings, as okrtui.storage.sqlite.engine
        opens them): a new, empty database each time, gone when the engine is."""
        url = self.target.strip() if isinstance(self.target, str) else ""
        return "://" in url and not (url.startswith("sqlite:///") and url != "sqlite:///:memory:")

    def build(self, *, create: bool) -> Engine:
        from okrtui.storage.sqlite.engine import open_sqlite, open_sqlite_read_only  # never before the first frame

        if self._in_memory() and (self.read_only or not create):  # only reading: there is nothing to read
            raise OkrError(f"no database at {self.target}: SQLite's in-memory database is new and empty each time "
                           "(--db memory: keeps one for this okrtui)")
        return open_sqlite_read_only(self.target) if self.read_only else open_sqlite(self.target, create=create)

    def capabilities(self) -> Capabilities:
        return Capabilities(quick_read=True, quick_write=True, kept=not self._in_memory())

    def note(self) -> str | None:
        if self._in_memory():
            return f"{self.target} is SQLite's in-memory database: nothing is kept when this okrtui ends"
        return None

    # --- identity: the one person who keeps the file ------------------------------------------------

    def me(self, session: Session) -> str:
        from okrtui.storage import store  # SQLAlchemy: a session is open already

        return store.local_id(session)

    def person(self, session: Session, default_name: str = "", default_email: str = "") -> Person:
        from okrtui.storage import store  # SQLAlchemy: a session is open already

        return store.local_person(session, default_name, default_email)

    def key_file(self, bind: Engine | Connection) -> Path | None:
        from okrtui.core import signing  # cryptography loads only when a key is made or used

        url = bind.engine.url
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return None
        return signing.key_file(Path(url.database))

    def read(self, label: str | None, today: dt.date, as_of: dt.date | None = None, *, team: bool = True,
             fy_month: int = 1, stale_after: int = 7, notes: bool = True) -> quickread.Read | None:
        path = self._file()
        if path is None:
            return None
        return quickread.read(path, label, today, as_of, team=team, fy_month=fy_month, stale_after=stale_after,
                              notes=notes)

    def read_metrics(self, day: dt.date, fy_month: int = 1) -> tuple[list[Any], str] | None:
        path = self._file()
        return None if path is None else quickread.read_metrics(path, day, fy_month)

    def prefetch(self, today: dt.date, *, fy_month: int = 1, stale_after: int = 7) -> quickread.Prefetch | None:
        path = self._file()
        return None if path is None else quickread.Prefetch(path, today, fy_month=fy_month, stale_after=stale_after)

    def record(self, ref: str, value: float, *, confidence: float | None, note: str, day: dt.date,
               today: dt.date | None = None) -> Saved | None:
        if self.read_only:
            raise OkrError("the database is open read-only: nothing is saved")
        from okrtui.storage.sqlite import quickwrite  # the write's rules: not before the TUI's first frame

        return quickwrite.record(self.target, ref, value, confidence=confidence, note=note, day=day, today=today)

    def measure(self, ref: str, value: float, *, note: str, day: dt.date, today: dt.date,
                fy_start_month: int | Callable[[], int] = 1) -> Measured | None:
        if self.read_only:
            raise OkrError("the database is open read-only: nothing is saved")
        from okrtui.storage.sqlite import quickwrite  # the write's rules: not before the TUI's first frame

        return quickwrite.measure(self.target, ref, value, note=note, day=day, today=today,
                                  fy_start_month=fy_start_month)

    def change_counter(self) -> quickread.ChangeCounter | None:
        path = self._file()
        if path is None or not path.exists():
            return None
        try:
            return quickread.ChangeCounter(path)
        except sqlite3.Error:
            return None
