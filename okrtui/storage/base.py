"""The storage seam: what every backend does, each in its own way (okrtui.storage.backend picks one).

A backend is a kind of database (storage/sqlite/, storage/postgres/). Everything that differs
between them is a method here, never a flag a caller branches on: who the user is (`me`,
`person`), whether an identity may move between databases, whether a team file belongs to it,
how `okrtui admin` sets it up, its quick read and write without SQLAlchemy, how teammates'
changes reach an open TUI, and how its errors read. The abstract methods are what a new backend
must write; the others have the answer of a database one person keeps (docs/development.md,
"How to add a backend").

Imports nothing heavy: the TUI picks its backend before its first frame.
"""

from __future__ import annotations

import datetime as dt
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from okrtui.core.errors import OkrError, one_line

if TYPE_CHECKING:  # the quick write and its rules load with the first write, not before the TUI's first frame
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection, Engine
    from sqlmodel import Session

    from okrtui.method.health import MetricView
    from okrtui.rules.checkinrules import Saved
    from okrtui.rules.metricrules import Measured
    from okrtui.storage.model import Person
    from okrtui.storage.reads import Read

BACKEND_OPTION = "okrtui_backend"  # the engine's execution option naming the backend that built it (`of`)

NO_ADMIN = "okrtui admin is for a shared PostgreSQL database: --db postgresql://OWNER@HOST/DB"


class ReadAhead(Protocol):
    """The first view's read, started in a thread before the TUI's first frame (`Backend.prefetch`)."""

    today: dt.date

    def hold(self) -> None:
        """Pause the period's read at its next step (the Health screen draws first) until `release`."""

    def release(self) -> None: ...

    def result(self) -> Read | None:
        """The period's read once done; None: the ORM path reads it."""

    def metrics(self) -> tuple[list[MetricView], str] | None:
        """The health metrics and the user's id, read first; None: the ORM path reads them."""


class ChangeCounter(Protocol):
    """A number that moves when anyone commits to the database (`Backend.change_counter`)."""

    def __call__(self) -> int | None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Capabilities:
    """What a backend offers, for a message or a table (docs/development.md); callers ask the methods."""

    shared: bool = False  # many people; the database keeps each to their own records; identity is the login
    live: bool = False  # teammates' changes arrive as notices (`listen`)
    admin: bool = False  # `okrtui admin` sets it up (`init`, `add_person`, `can_login`)
    quick_read: bool = False  # a period read with the standard library (`read`, `prefetch`, `read_metrics`)
    quick_write: bool = False  # `okrtui checkin`'s and `okrtui metric record`'s write likewise (`record`, `measure`)
    kept: bool = True  # what it holds outlives the process (`note` says so when it does not)


class Backend(ABC):
    """A database okrtui can use: its engine built lazily, once, and everything it does its own way."""

    name: ClassVar[str]

    def __init__(self, target: Path | str, *, read_only: bool = False) -> None:
        self.target = target
        self.read_only = read_only  # the engine refuses every write (`okrtui --read-only`, `okrtui serve`)
        self._engine: Engine | None = None
        self._building = threading.Lock()  # one thread builds the engine; the others wait for it

    # --- opening ------------------------------------------------------------------------------------

    @classmethod
    @abstractmethod
    def accepts(cls, target: Path | str) -> bool:
        """This backend serves this path or URL (backend_for asks each in turn)."""

    @abstractmethod
    def build(self, *, create: bool) -> Engine:
        """The open, migrated (or checked) database; OkrError if it cannot be. Called once, by `engine`."""

    def engine(self, *, create: bool = True) -> Engine:
        """The open, migrated (or checked) database, built on the first call; OkrError if it cannot be."""
        with self._building:
            if self._engine is None:
                engine = self.build(create=create)
                engine.update_execution_options(**{BACKEND_OPTION: self})
                self._engine = engine
            return self._engine

    @property
    def opened(self) -> Engine | None:
        """The engine if it was built already, without building it."""
        return self._engine

    def shown(self) -> str:
        """The target fit for a message (a password masked)."""
        return str(self.target)

    def capabilities(self) -> Capabilities:
        return Capabilities()

    def note(self) -> str | None:
        """A line the CLI says once a command when it opens this database (what the user must know about it)."""
        return None

    def explain(self, orig: Any) -> str:
        """A driver's error as one line fit for the user."""
        return one_line(str(orig))

    def batch_insert(self, conn: Connection, table: Table, columns: list[str]) -> Callable[[list[list[Any]]], object]:
        """How okrtui.storage.bulk inserts a batch of new rows into `table`: a function given one list of
        values per column (bind processors applied). Here an executemany of one VALUES row."""
        quote = conn.dialect.identifier_preparer.quote
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        statement = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
                     f"VALUES ({', '.join([mark] * len(columns))})")
        return lambda values: conn.exec_driver_sql(statement, list(zip(*values, strict=True)))

    def describe(self, err: BaseException) -> str:
        """Any error as one line, named by its type (the CLI's last resort)."""
        return one_line(f"unexpected {type(err).__name__}: {err}")

    # --- identity -----------------------------------------------------------------------------------

    @abstractmethod
    def me(self, session: Session) -> str:
        """The user's person id, without writing anything ("" when this database has none yet: it
        matches no record's origin)."""

    @abstractmethod
    def person(self, session: Session, default_name: str = "", default_email: str = "") -> Person:
        """The user's person record (made on first use where the database lets the user make it)."""

    def check_identity_move(self, verb: str) -> None:
        """OkrError when an identity cannot `verb` ("export", "adopt") here: it is not this database's to give."""
        return None  # a database one person keeps: it may

    def key_file(self, bind: Engine | Connection) -> Path | None:
        """The file beside the database holding its user's private signing key; None: it keeps none."""
        return None

    def enforces_ownership(self) -> bool:
        """The database itself keeps each person to their own records (and the user is its login): an
        import moves in, leaving others' records to their makers (okrtui.exchange.movein), and writes
        check-ins in the importer's name only."""
        return False

    def check_team_file(self) -> None:
        """OkrError when a team file (`okrtui sync`) has no place here."""
        return None  # a database one person keeps: it may

    def check_signing_keys(self) -> None:
        """OkrError when this database keeps no signing keys (`okrtui keys`)."""
        return None  # a database one person keeps: it may

    # --- okrtui admin -------------------------------------------------------------------------------

    def init(self) -> list[str]:
        """`okrtui admin init`: create or migrate the schema and (re)write its security; what was done."""
        raise OkrError(NO_ADMIN)

    def add_person(self, login: str, name: str, email: str, adopt: str | None = None) -> str:
        """`okrtui admin add-person`: a login and the person it is; its person id."""
        raise OkrError(NO_ADMIN)

    def can_login(self, login: str) -> bool:
        """The login can connect (after `add_person`)."""
        raise OkrError(NO_ADMIN)

    # --- quick read and write (no SQLAlchemy) -------------------------------------------------------

    def read(self, label: str | None, today: dt.date, as_of: dt.date | None = None, *, team: bool = True,
             fy_month: int = 1, stale_after: int = 7, notes: bool = True) -> Read | None:
        """A period read without SQLAlchemy, or None: then the ORM path reads it (okrtui.cycle.ormread)."""
        return None

    def prefetch(self, today: dt.date, *, fy_month: int = 1, stale_after: int = 7) -> ReadAhead | None:
        """The first view's read started in a thread now, when this backend has a quick read."""
        return None

    def read_metrics(self, day: dt.date, fy_month: int = 1) -> tuple[list[Any], str] | None:
        """Every metric the user sees as of `day`, and their id, without SQLAlchemy; or None: then
        the ORM path reads them (okrtui.cycle.metrics.read_all)."""
        return None

    def record(self, ref: str, value: float, *, confidence: float | None, note: str, day: dt.date,
               today: dt.date | None = None) -> Saved | None:
        """`okrtui checkin`'s write without SQLAlchemy, or None (nothing written): then the ORM path
        records it (okrtui.cycle.checkins.record)."""
        return None

    def measure(self, ref: str, value: float, *, note: str, day: dt.date, today: dt.date,
                fy_start_month: int | Callable[[], int] = 1) -> Measured | None:
        """`okrtui metric record`'s write without SQLAlchemy, or None (nothing written): then the ORM path
        records it (okrtui.cycle.metrics.record)."""
        return None

    # --- teammates' changes in an open TUI ------------------------------------------------------------

    def listen(self, engine: Engine, changed: Callable[[str], None], stop: Callable[[], bool]) -> bool:
        """Call `changed(table)` for each teammate's change until `stop()`, from a daemon thread; False
        (and nothing started) when this database sends no notices: then `change_counter` tells."""
        return False

    def reload_every(self) -> float | None:
        """Seconds between whole reloads of an open TUI whatever the notices say (should a listening
        connection be lost); None: never."""
        return None

    def change_counter(self) -> ChangeCounter | None:
        """A counter that moves when anyone commits to the database, cheap enough to read every
        second, for a backend without notices; None when there is none."""
        return None


def of(bind: Engine | Connection) -> Backend:
    """The backend that built an open engine (or a connection or option engine of it)."""
    backend = bind.get_execution_options().get(BACKEND_OPTION)
    if not isinstance(backend, Backend):
        raise TypeError("an engine okrtui.storage.backend did not build: open it with okrtui.storage.backend.open_engine")
    return backend
