"""The storage seam's base: what every backend is (okrtui.storage.backend picks one)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:  # the quick write and its rules load with the first write, not before the TUI's first frame
    from sqlalchemy.engine import Engine

    from okrtui.rules.checkinrules import Saved
    from okrtui.rules.metricrules import Measured
    from okrtui.storage.sqlite import quickread

SHARED_OPTION = "okrtui_shared"  # the engine's execution option that store.is_shared reads
BACKEND_OPTION = "okrtui_backend"  # and the backend that built it (`of`)


class Backend:
    """A database okrtui can use: its capabilities, and its engine built lazily, once."""

    name: ClassVar[str]
    shared: ClassVar[bool] = False
    live: ClassVar[bool] = False
    admin: ClassVar[bool] = False
    quick_read: ClassVar[bool] = False
    quick_write: ClassVar[bool] = False
    kept: ClassVar[bool] = True  # what it holds outlives the process (the in-memory database's does not)

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
        """A period read without SQLAlchemy, or None: then the ORM path reads it (see okrtui.storage.sqlite.quickread)."""
        return None

    def prefetch(self, today: dt.date, *, fy_month: int = 1, stale_after: int = 7) -> quickread.Prefetch | None:
        """The first view's read started in a thread now, when this backend has a quick read."""
        return None

    def record(self, ref: str, value: float, *, confidence: float | None, note: str, day: dt.date,
               today: dt.date | None = None) -> Saved | None:
        """`okrtui checkin`'s write without SQLAlchemy, or None (nothing written): then the ORM path
        records it (okrtui.cycle.checkins.record; see okrtui.storage.sqlite.quickwrite)."""
        return None

    def measure(self, ref: str, value: float, *, note: str, day: dt.date, today: dt.date,
                fy_start_month: int | Callable[[], int] = 1) -> Measured | None:
        """`okrtui metric record`'s write without SQLAlchemy, or None (nothing written): then the ORM path
        records it (okrtui.cycle.metrics.record; see okrtui.storage.sqlite.quickwrite)."""
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
