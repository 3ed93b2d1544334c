"""Opening a shared PostgreSQL database as an engine (checked, never migrated by a person), and
`okrtui admin init`, which creates or migrates its schema and (re)writes its security."""

from __future__ import annotations

from sqlalchemy import exc, text
from sqlalchemy.engine import Engine
from sqlmodel import create_engine

from okrtui.core.errors import OkrError, one_line
from okrtui.storage.migrations import LATEST
from okrtui.storage.postgres import pg, pgsecurity
from okrtui.storage.store import _apply_migrations, _ensure_migration_table


def open_postgres(target: str, *, read_only: bool = False) -> Engine:
    """A shared PostgreSQL database (okrtui.storage.backend's PostgresBackend): never migrated by a person
    (no DDL), only checked. `read_only`: every transaction of every connection is READ ONLY
    (default_transaction_read_only), so the server itself refuses a write."""
    url = pg.postgres_url(target)
    shown = url.render_as_string(hide_password=True)
    extra = {"connect_args": {"options": "-c default_transaction_read_only=on"}} if read_only else {}
    engine = create_engine(url, pool_pre_ping=True, **extra)
    try:
        with engine.connect() as conn:
            version = pg.schema_version(conn)
    except exc.DBAPIError as err:
        engine.dispose()
        raise OkrError(f"cannot open database {shown}: {_reason(err)}") from None
    if version is None or version < LATEST:
        engine.dispose()
        state = "is not set up for okrtui" if version is None else f"is at schema {version}, this okrtui needs {LATEST}"
        raise OkrError(f"database {shown} {state}: its owner runs `okrtui admin init --db URL`")
    if version > LATEST:
        engine.dispose()
        raise OkrError(f"database {shown} was written by a newer okrtui (schema {version}; this okrtui knows "
                       f"up to {LATEST}); upgrade okrtui")
    return engine


def admin_init(target: str) -> list[str]:
    """Create or migrate the schema of an existing database and (re)write its security; idempotent.

    One transaction: the role's privileges are checked before anything is written, and a failure
    half-way leaves the database as it was."""

    engine = create_engine(pg.postgres_url(target))
    try:
        with engine.connect() as conn, conn.begin():
            pgsecurity.check_init(conn)  # the owner, able to make the person role: else nothing is written
            before = pg.schema_version(conn) or 0
            if before > LATEST:
                raise OkrError(f"database {pg.shown(target)} was written by a newer okrtui (schema {before}; "
                               f"this okrtui knows up to {LATEST}); it was not changed: upgrade okrtui")
            _ensure_migration_table(conn)
            _apply_migrations(conn, before)
            owner = str(conn.execute(text("SELECT current_user")).scalar_one())
            done = pg.secure(conn, owner)
    except exc.DBAPIError as err:
        raise OkrError(f"admin init changed nothing: {_reason(err)}") from None
    finally:
        engine.dispose()
    after = LATEST
    schema_line = (f"schema already at version {after}" if before == after else
                   f"schema created at version {after}" if before == 0 else
                   f"schema migrated from version {before} to {after}")
    return [schema_line, *done]


def _reason(err: exc.DBAPIError) -> str:
    if pgsecurity.is_postgres_error(err.orig):
        return pgsecurity.explain(err.orig)  # one line, no SQL, and what to do
    return one_line(str(err.orig) if err.orig is not None else str(err))
