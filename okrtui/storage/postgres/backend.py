"""The PostgreSQL backend: a shared database, row-level security, live notices, set up by `okrtui admin`."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from okrtui.storage.base import Backend

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# Every way SQLAlchemy and libpq spell a PostgreSQL URL: postgresql://, postgres://, and either
# with a driver (+psycopg, +psycopg2, +asyncpg, +pg8000, ...). okrtui always talks psycopg 3.
POSTGRES_URL_RE = re.compile(r"^postgres(?:ql)?(?:\+[A-Za-z0-9_]+)?://", re.IGNORECASE)


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
        from okrtui.storage.postgres.engine import open_postgres  # the storage layer: never before the first frame

        return open_postgres(str(self.target), read_only=self.read_only)

    def listen(self, engine: Engine, changed: Callable[[str], None], stop: Callable[[], bool]) -> None:
        from okrtui.storage.postgres import pglive  # psycopg: only on a shared database

        own = pglive.own_backends(engine)  # our own saves' notices need no reload
        # A daemon thread, not a worker: it never completes, and the app's workers are waited for.
        threading.Thread(target=pglive.listen, args=(engine.url, changed, stop, own),
                         name="okrtui-listen", daemon=True).start()

    def shown(self) -> str:
        from okrtui.storage.postgres import pg  # SQLAlchemy's URL parser: for a message only

        return pg.shown(str(self.target))
