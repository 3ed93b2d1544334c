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

import datetime as dt
import re
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from okrtui.core.errors import OkrError
from okrtui.storage import quickread

if TYPE_CHECKING:  # the quick write and its rules load with the first write, not before the TUI's first frame
    from sqlalchemy.engine import Engine

    from okrtui.rules.checkinrules import Saved
    from okrtui.rules.metricrules import Measured

SHARED_OPTION = "okrtui_shared"  # the engine's execution option that store.is_shared reads
BACKEND_OPTION = "okrtui_backend"  # and the backend that built it (`of`)

# Every way SQLAlchemy and libpq spell a PostgreSQL URL: postgresql://, postgres://, and either
# with a driver (+psycopg, +psycopg2, +asyncpg, +pg8000, ...). okrtui always talks psycopg 3.
POSTGRES_URL_RE = re.compile(r"^postgres(?:ql)?(?:\+[A-Za-z0-9_]+)?://", re.IGNORECASE)


class Backend:
    """A database okrtui can use: its capabilities, and its engine built lazily, once."""

    name: ClassVar[str]
    shared: ClassVar[bool] = False
    live: ClassVar[bool] = False
    admin: ClassVar[bool] = False
    quick_read: ClassVar[bool] = False
    quick_write: ClassVar[bool] = False

    def __init__(self, target: Path | str, *, read_only: bool = False) -> None:
        self.target = target
        self.read_only = read_only  # the engine refuses every write (`okrtui --read-only`, `okrtui serve`)
        self._engine: Engine | None = None
        self._building = threading.Lock()  # one thread builds the engine; the others wait for it

    @classmethod
    def accepts(cls, target: Path | str) -> bool:
        raise NotImplementedError

    def engine(self, *, create: bool = True) -> Engine:
        """The open, migrated (or checked) database, built on the first call; OkrError if it cannot be."""
        with self._building:
            if self._engine is None:
                engine = self.build(create=create)
                engine.update_execution_options(**{SHARED_OPTION: self.shared, BACKEND_OPTION: self})
                self._engine = engine
            return self._engine

    @property
    def opened(self) -> Engine | None:
        """The engine if it was built already, without building it."""
        return self._engine

    def build(self, *, create: bool) -> Engine:
        raise NotImplementedError

    def read(self, label: str | None, today: dt.date, as_of: dt.date | None = None, *, team: bool = True,
             fy_month: int = 1, stale_after: int = 7, notes: bool = True) -> quickread.Read | None:
        """A period read without SQLAlchemy, or None: then the ORM path reads it (see okrtui.storage.quickread)."""
        return None

    def prefetch(self, today: dt.date, *, fy_month: int = 1, stale_after: int = 7) -> quickread.Prefetch | None:
        """The first view's read started in a thread now, when this backend has a quick read."""
        return None

    def record(self, ref: str, value: float, *, confidence: float | None, note: str, day: dt.date,
               today: dt.date | None = None) -> Saved | None:
        """`okrtui checkin`'s write without SQLAlchemy, or None (nothing written): then the ORM path
        records it (okrtui.cycle.checkins.record; see okrtui.storage.quickwrite)."""
        return None

    def measure(self, ref: str, value: float, *, note: str, day: dt.date, today: dt.date,
                fy_start_month: int | Callable[[], int] = 1) -> Measured | None:
        """`okrtui metric record`'s write without SQLAlchemy, or None (nothing written): then the ORM path
        records it (okrtui.cycle.metrics.record; see okrtui.storage.quickwrite)."""
        return None

    def listen(self, engine: Engine, changed: Callable[[str], None], stop: Callable[[], bool]) -> None:
        """Call `changed(table)` for each teammate's change until `stop()`, from a daemon thread
        (backends with `live` only)."""
        raise NotImplementedError(f"{self.name} sends no change notices")

    def shown(self) -> str:
        """The target fit for a message (a password masked)."""
        return str(self.target)

    def change_counter(self) -> quickread.ChangeCounter | None:
        """A counter that moves when anyone commits to the database, cheap enough to read every
        second, for a backend without `live` notices; None when there is none."""
        return None


class SqliteBackend(Backend):
    """A SQLite file (or sqlite:// URL): one person's database, read quickly with sqlite3."""

    name = "SQLite"
    quick_read = True
    quick_write = True

    @classmethod
    def accepts(cls, target: Path | str) -> bool:
        return isinstance(target, Path) or "://" not in target or target.startswith("sqlite:")

    def _file(self) -> Path | None:
        return self.target if isinstance(self.target, Path) else None  # quickread reads files only

    def build(self, *, create: bool) -> Engine:
        from okrtui.storage.store import open_sqlite, open_sqlite_read_only  # never before the first frame

        return open_sqlite_read_only(self.target) if self.read_only else open_sqlite(self.target, create=create)

    def read(self, label: str | None, today: dt.date, as_of: dt.date | None = None, *, team: bool = True,
             fy_month: int = 1, stale_after: int = 7, notes: bool = True) -> quickread.Read | None:
        path = self._file()
        if path is None:
            return None
        return quickread.read(path, label, today, as_of, team=team, fy_month=fy_month, stale_after=stale_after,
                              notes=notes)

    def prefetch(self, today: dt.date, *, fy_month: int = 1, stale_after: int = 7) -> quickread.Prefetch | None:
        path = self._file()
        return None if path is None else quickread.Prefetch(path, today, fy_month=fy_month, stale_after=stale_after)

    def record(self, ref: str, value: float, *, confidence: float | None, note: str, day: dt.date,
               today: dt.date | None = None) -> Saved | None:
        if self.read_only:
            raise OkrError("the database is open read-only: nothing is saved")
        from okrtui.storage import quickwrite  # the write's rules: not before the TUI's first frame

        return quickwrite.record(self.target, ref, value, confidence=confidence, note=note, day=day, today=today)

    def measure(self, ref: str, value: float, *, note: str, day: dt.date, today: dt.date,
                fy_start_month: int | Callable[[], int] = 1) -> Measured | None:
        if self.read_only:
            raise OkrError("the database is open read-only: nothing is saved")
        from okrtui.storage import quickwrite  # the write's rules: not before the TUI's first frame

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


class PostgresBackend(Backend):
    """A shared PostgreSQL database: row-level security, live notices, set up by `okrtui admin`."""

    name = "PostgreSQL"
    shared = True
    live = True
    admin = True

    def __init__(self, target: Path | str, *, read_only: bool = False) -> None:
        super().__init__(str(target).strip(), read_only=read_only)  # accepted stripped, so opened stripped: a pasted URL's spaces

    @classmethod
    def accepts(cls, target: Path | str) -> bool:
        return isinstance(target, str) and POSTGRES_URL_RE.match(target.strip()) is not None

    def build(self, *, create: bool) -> Engine:
        from okrtui.storage.store import open_postgres  # the storage layer: never before the first frame

        return open_postgres(str(self.target), read_only=self.read_only)

    def listen(self, engine: Engine, changed: Callable[[str], None], stop: Callable[[], bool]) -> None:
        from okrtui.storage import pglive  # psycopg: only on a shared database

        own = pglive.own_backends(engine)  # our own saves' notices need no reload
        # A daemon thread, not a worker: it never completes, and the app's workers are waited for.
        threading.Thread(target=pglive.listen, args=(engine.url, changed, stop, own),
                         name="okrtui-listen", daemon=True).start()

    def shown(self) -> str:
        from okrtui.storage import pg  # SQLAlchemy's URL parser: for a message only

        return pg.shown(str(self.target))


# In order: the first that accepts a target serves it (SQLite last: it takes any path).
BACKENDS: list[type[Backend]] = [PostgresBackend, SqliteBackend]


def backend_for(target: Path | str, *, read_only: bool = False) -> Backend:
    """The backend of a database path or URL (unbuilt: nothing is opened yet); `read_only`: its engine
    refuses every write."""
    for cls in BACKENDS:
        if cls.accepts(target):
            return cls(target, read_only=read_only)
    raise OkrError(f"no backend for {target}: use a file path, sqlite:///PATH or postgresql://LOGIN@HOST/DB")


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
