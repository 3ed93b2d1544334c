"""A shared PostgreSQL database: roles, row-level security, and the one mapping of login to person.

The client is in the user's hands, so the database keeps each person to their own
records: every table has row-level security forced on, and the policies below hold
for plain SQL as much as for okrtui. `okrtui admin init` (as the database owner)
creates or migrates the schema and (re)writes these rules; `okrtui admin add-person`
makes a login role and its person. docs/postgres.md explains the model.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, Engine, make_url

from okrtui.core.errors import OkrError, one_line
from okrtui.rules import schema
from okrtui.storage.model import now_stamp
from okrtui.storage.postgres import pglogin, pgsecurity
from okrtui.storage.postgres.pgsecurity import ME_SQL, PERSON_ROLE, RECORD_TABLES, ident

__all__ = ["ME_SQL", "PERSON_ROLE", "RECORD_TABLES", "ident"]  # defined beside the rules that use them

# A login a person connects as: Unix and directory logins such as john.smith or Ann-Marie included
# (always a quoted identifier); p-LOGIN stays a valid record id (at most 64 characters).
LOGIN_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,61}$")




def postgres_url(target: str) -> URL:
    """postgresql://LOGIN@HOST/DB (libpq style, query parameters kept) with the psycopg 3 driver."""
    url = make_url(target)
    return url.set(drivername="postgresql+psycopg")


def shown(target: str) -> str:
    """A database URL fit for a message: the password masked."""
    try:
        return make_url(target).render_as_string(hide_password=True)
    except Exception:
        return one_line(target)


def schema_version(conn: Connection) -> int | None:
    """The schema a shared database is at, read without any DDL (persons may not run it)."""
    exists = conn.execute(text("SELECT to_regclass('schema_migration') IS NOT NULL")).scalar_one()
    if not exists:
        return None
    return int(conn.execute(text("SELECT COALESCE(MAX(version), 0) FROM schema_migration")).scalar_one())


def me(conn: Connection) -> str:
    return str(conn.execute(text("SELECT okrtui_me()")).scalar_one())


def secure(conn: Connection, owner: str) -> list[str]:
    """(Re)write functions, grants and policies; idempotent. Returns what it did, for the DBA."""
    return pgsecurity.secure(conn, owner)


def add_person(engine: Engine, login: str, name: str, email: str, adopt: str | None = None) -> str:
    """A login role and the person it maps to: p-LOGIN, or `adopt` (an existing id, such as the one a
    SQLite database made: docs/postgres.md, moving in). Run as the database owner."""
    if not LOGIN_RE.match(login):
        raise OkrError(f"login {login[:70]!r}: use 1-62 of A-Z a-z 0-9 . _ - (not starting with . or -)")
    identity = schema.check(schema.Identity, {"name": name, "email": email})
    pid = adopt or f"p-{login}"
    with engine.begin() as conn:
        pgsecurity.check_owner(conn, "add-person")
        pgsecurity.check_person_role(conn, login)  # refuses what would undo the security, before writing
        pglogin.map_login(conn, login, pid, RECORD_TABLES)
        role = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": login}).first()
        if role is None:
            pgsecurity.check_may_create_role(conn, login)
            conn.execute(text(f"CREATE ROLE {ident(login)} LOGIN"))
        # A member uses the person privileges but cannot SET ROLE to them (PostgreSQL 16).
        conn.execute(text(f"GRANT {PERSON_ROLE} TO {ident(login)} WITH INHERIT TRUE, SET FALSE"))
        pgsecurity.revoke_temp(conn, login)
        stamp = now_stamp()
        conn.execute(text(
            "INSERT INTO person (id, origin, created_at, updated_at, deleted, name, email) "
            "VALUES (:id, :id, :t, :t, false, :name, :email) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, "
            "updated_at = excluded.updated_at, deleted = false, origin = excluded.origin"),
            {"id": pid, "t": stamp, "name": identity.name, "email": identity.email})
    return pid
