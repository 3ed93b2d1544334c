"""The PostgreSQL backend: a shared database, row-level security, live notices, set up by `okrtui admin`."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrtui.core.errors import OkrError
from okrtui.storage.base import Backend, Capabilities

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection, Engine
    from sqlmodel import Session

    from okrtui.storage.model import Person

# Every way SQLAlchemy and libpq spell a PostgreSQL URL: postgresql://, postgres://, and either
# with a driver (+psycopg, +psycopg2, +asyncpg, +pg8000, ...). okrtui always talks psycopg 3.
POSTGRES_URL_RE = re.compile(r"^postgres(?:ql)?(?:\+[A-Za-z0-9_]+)?://", re.IGNORECASE)

RELOAD_S = 30.0  # an open TUI reloads this often whatever the notices (should the listening connection be lost)

NO_TEAM_FILE = "a shared PostgreSQL database needs no team file: everyone sees the others' records live"

# Imports inside functions: psycopg and SQLAlchemy load only on a shared database, never before the TUI's first frame.


class PostgresBackend(Backend):
    """A shared PostgreSQL database: row-level security, live notices, set up by `okrtui admin`.
    The user is the login (okrtui_me() in the database), each person is kept to their own records
    by the database itself, and there is no team file and no signing key."""

    name = "PostgreSQL"

    def __init__(self, target: Path | str, *, read_only: bool = False) -> None:
        super().__init__(str(target).strip(), read_only=read_only)  # accepted stripped, so opened stripped: a pasted URL's spaces

    @classmethod
    def accepts(cls, target: Path | str) -> bool:
        return isinstance(target, str) and POSTGRES_URL_RE.match(target.strip()) is not None

    def build(self, *, create: bool) -> Engine:
        from okrtui.storage.postgres.engine import open_postgres  # the storage layer: never before the first frame

        return open_postgres(str(self.target), read_only=self.read_only)

    def shown(self) -> str:
        from okrtui.storage.postgres import pg  # SQLAlchemy's URL parser: for a message only

        return pg.shown(str(self.target))

    def capabilities(self) -> Capabilities:
        return Capabilities(shared=True, live=True, admin=True)

    def explain(self, orig: Any) -> str:
        from okrtui.storage.postgres import pgsecurity  # the explanations: only on an error

        return pgsecurity.explain(orig) if pgsecurity.is_postgres_error(orig) else super().explain(orig)

    def batch_insert(self, conn: Connection, table: Table, columns: list[str]) -> Callable[[list[list[Any]]], object]:
        """One INSERT … SELECT FROM unnest(one array per column) a batch: psycopg's executemany ran the
        row-level security check's subquery once per row (a 130,000-row import took two minutes), and a
        statement of many VALUES rows spent its time in psycopg's placeholder parsing. The arrays go in
        binary (%b): psycopg's text dump of 130,000-element arrays was 1.8 s of Python per five columns."""
        quote = conn.dialect.identifier_preparer.quote
        types = [table.c[c].type.compile(dialect=conn.dialect) for c in columns]
        statement = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
                     "SELECT * FROM unnest(" + ", ".join(f"%b::{t}[]" for t in types) + ")")
        return lambda values: conn.exec_driver_sql(statement, tuple(values))

    def describe(self, err: BaseException) -> str:
        from okrtui.storage.postgres import pgsecurity  # the explanations: only on an error

        return pgsecurity.describe(err)

    # --- identity: the login ---------------------------------------------------------------------------

    def me(self, session: Session) -> str:
        from okrtui.storage.postgres import pg  # SQLAlchemy: a session is open already

        return pg.me(session.connection())

    def person(self, session: Session, default_name: str = "", default_email: str = "") -> Person:
        from okrtui.storage.model import Person  # the tables: a session is open already

        pid = self.me(session)
        found = session.get(Person, pid)
        if found is None:
            raise OkrError(f"no person {pid} in this database: its owner runs "
                           f"`okrtui admin add-person {pid.removeprefix('p-')} --name NAME`")
        return found

    def check_identity_move(self, verb: str) -> None:
        raise OkrError(f"on a shared PostgreSQL database your identity is your login; there is nothing to {verb}")

    def enforces_ownership(self) -> bool:
        return True

    def check_team_file(self) -> None:
        raise OkrError(NO_TEAM_FILE)

    def check_signing_keys(self) -> None:
        raise OkrError("a shared PostgreSQL database has no signing keys: they belong to team files")

    # --- okrtui admin, as the database's owner ---------------------------------------------------------

    def init(self) -> list[str]:
        from okrtui.storage.postgres.engine import admin_init  # SQLAlchemy and psycopg: admin only

        return admin_init(str(self.target))

    def add_person(self, login: str, name: str, email: str, adopt: str | None = None) -> str:
        from sqlalchemy import create_engine, exc  # admin only

        from okrtui.storage.postgres import pg, pgsecurity  # admin only

        engine = create_engine(pg.postgres_url(str(self.target)))
        try:
            return pg.add_person(engine, login, name, email, adopt)
        except exc.DBAPIError as err:
            raise OkrError(f"admin add-person changed nothing: {pgsecurity.explain(err.orig)}") from None
        finally:
            engine.dispose()

    def can_login(self, login: str) -> bool:
        from sqlalchemy import create_engine  # admin only

        from okrtui.storage.postgres import pg, pgsecurity  # admin only

        engine = create_engine(pg.postgres_url(str(self.target)))
        try:
            return pgsecurity.can_login(engine, login)
        finally:
            engine.dispose()

    # --- teammates' changes -------------------------------------------------------------------------

    def listen(self, engine: Engine, changed: Callable[[str], None], stop: Callable[[], bool]) -> bool:
        from okrtui.storage.postgres import pglive  # psycopg: only on a shared database

        own = pglive.own_backends(engine)  # our own saves' notices need no reload
        # A daemon thread, not a worker: it never completes, and the app's workers are waited for.
        threading.Thread(target=pglive.listen, args=(engine.url, changed, stop, own),
                         name="okrtui-listen", daemon=True).start()
        return True

    def reload_every(self) -> float | None:
        return RELOAD_S
