"""Opening a SQLite file as an engine: private to its owner, WAL, IMMEDIATE writes, migrated (or
opened read-only and only checked)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Engine
from sqlmodel import create_engine

from okrtui.core.errors import OkrError
from okrtui.storage.migrations import LATEST
from okrtui.storage.store import migrate, reason, schema_version

BUSY_TIMEOUT_S = 30


def _create_private_file(path: Path) -> None:
    if path.exists():
        if path.is_dir():
            raise OkrError(f"database path {path} is a directory")
        return
    if path.is_symlink():  # its target is missing: an unmounted sync folder, say; a new database there would take the writes
        raise OkrError(f"database path {path} is a link to {path.readlink()}, which is missing")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as err:
        raise OkrError(f"cannot create database {path}: {err.strerror}") from None


def _sqlite_setup(engine: Engine, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below) so write transactions can be IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA foreign_keys = ON")
        if read_only:  # mode=ro already refuses writes; query_only says so again, per connection
            cur.execute("PRAGMA query_only = ON")
        else:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A write transaction takes the write lock up front, so it waits on the
        # busy timeout instead of failing half-way with "database is locked".
        immediate = conn.get_execution_options().get("okrtui_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def open_sqlite_read_only(target: str | Path) -> Engine:
    """A SQLite file opened read-only (`okrtui --read-only`, `okrtui serve`): SQLite's `mode=ro`, so the
    file itself refuses every write; never created, never migrated (an older schema is one line)."""
    target_s = str(target)
    path = Path(target_s.removeprefix("sqlite:///") if target_s.startswith("sqlite:///") else target_s).expanduser()
    if not path.is_file():
        raise OkrError(f"no database at {path} (--read-only opens an existing one)")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S,
                                                                        check_same_thread=False))
    _sqlite_setup(engine, read_only=True)
    try:
        with engine.connect() as conn:
            version = schema_version(conn)
    except exc.DatabaseError as err:
        engine.dispose()
        raise OkrError(f"cannot open database {path} read-only: {reason(engine, err)}") from None
    if version != LATEST:
        engine.dispose()
        raise OkrError(f"database {path} is at schema {version}, this okrtui needs {LATEST}: open it once "
                       "without --read-only to upgrade it")
    return engine


def open_sqlite(target: str | Path, *, create: bool = True) -> Engine:
    """Open and migrate a SQLite database: a file path or a sqlite:// URL (okrtui.storage.backend's SqliteBackend).

    With create=False (the commands that only read) a missing file is an error, and
    nothing is created: a mistyped path must not look like an empty database."""
    target_s = str(target)
    path: Path | None = None
    if "://" in target_s:
        url = target_s
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":  # SQLAlchemy's in-memory spelling
            path = Path(url.removeprefix("sqlite:///")).expanduser()  # ~ as in a path: not a folder named "~"
            url = f"sqlite:///{path}"
    else:
        path = Path(target_s).expanduser()
        url = f"sqlite:///{path}"
    if path is not None and not create and not path.exists():
        raise OkrError(f"no database at {path}")
    if path is not None:
        _create_private_file(path)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S} if path else {})
    _sqlite_setup(engine)
    try:
        migrate(engine, path)
    except exc.DatabaseError as err:
        engine.dispose()
        why = reason(engine, err)
        if "unable to open" in why or "readonly" in why:
            why += " (is the file or its folder read-only? SQLite writes a -wal file beside it)"
        raise OkrError(f"cannot open database {path or url}: {why}") from None
    except OkrError:
        engine.dispose()
        raise
    return engine
