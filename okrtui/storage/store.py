"""Sessions, numbered schema migrations, the local identity and the queries the services share.

Nothing here asks which database it is: what differs is the backend's (okrtui.storage.base.of(bind)).
"""

from __future__ import annotations

import getpass
import os
import re
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, exc, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, func, select

from okrtui.core.errors import OkrError, one_line
from okrtui.core.text import count
from okrtui.rules import checkinrules
from okrtui.storage.base import of
from okrtui.storage.migrations import LATEST, MIGRATIONS
from okrtui.storage.model import CheckIn, Dependency, KeyResult, Meta, Objective, Period, Person, Reflection, Team, now_stamp

if TYPE_CHECKING:
    from okrtui.core import signing  # cryptography loads only when a key is made or used

# --- migrations -------------------------------------------------------------
# The steps live in okrtui/storage/migrations/, frozen as released.

def _ensure_migration_table(conn: Connection) -> None:
    conn.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS schema_migration ("
        "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at VARCHAR NOT NULL)"
    )


def schema_version(conn: Connection) -> int:
    _ensure_migration_table(conn)
    return int(conn.exec_driver_sql("SELECT COALESCE(MAX(version), 0) FROM schema_migration").scalar_one())


def migrate(engine: Engine, path: Path | None = None) -> int:
    """Bring the schema to LATEST in one transaction; back the file up first if it had data."""
    with engine.connect() as conn:
        current = schema_version(conn)
        conn.commit()
    if current > LATEST:
        raise OkrError(
            f"database {path or engine.url} was written by a newer okrtui "
            f"(schema {current}; this okrtui knows up to {LATEST}); it was not changed"
        )
    if current == LATEST:
        return current
    if current > 0 and path is not None:
        backup(path, f"schema{current}")
    with engine.connect().execution_options(okrtui_write=True) as conn:
        with conn.begin():
            # Another process may have opened the same old file at the same moment: read the
            # version again under the write lock (the IMMEDIATE transaction), or both would add the
            # same column. A shared database is migrated by `okrtui admin init` only.
            _apply_migrations(conn, schema_version(conn))
    return LATEST


def _apply_migrations(conn: Connection, current: int) -> None:
    for version, name, step in MIGRATIONS:
        if version > current:
            step(conn)
            conn.execute(
                text("INSERT INTO schema_migration VALUES (:v, :n, :t)"),
                {"v": version, "n": name, "t": now_stamp()},
            )


def backup(path: Path, tag: str) -> Path:
    """Copy the database (through SQLite's backup API, so WAL content is included), owner-only."""
    target = path.with_name(f"{path.name}.{tag}.bak")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    src = sqlite3.connect(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def reason(bind: Engine | Connection, err: exc.DBAPIError) -> str:
    """A driver's error as one line, as the database's backend explains it (no SQL, and what to do)."""
    if err.orig is None:
        return one_line(str(err))
    try:
        return of(bind).explain(err.orig)
    except TypeError:  # an engine no backend built
        return one_line(str(err.orig))


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@contextmanager
def writing(engine: Engine) -> Iterator[Session]:
    """One short IMMEDIATE transaction: all of it is committed, or none of it."""
    with Session(engine.execution_options(okrtui_write=True), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except exc.OperationalError as err:
            session.rollback()
            raise OkrError(f"cannot write the database: {reason(engine, err)}") from None
        except (exc.ProgrammingError, exc.IntegrityError, exc.InternalError) as err:
            # PostgreSQL's row-level security, grants, keys, a read-only session (InternalError: 25006)
            session.rollback()
            raise OkrError(f"the database refused the change: {reason(engine, err)}") from None
        except BaseException:
            session.rollback()
            raise


# --- identity ------------------------------------------------------------------

def get_meta(session: Session, key: str) -> str | None:
    row = session.get(Meta, key)
    return row.value if row else None


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(Meta, key) or Meta(key=key)
    row.value = value
    session.add(row)


# A person record made only to hold an adopted id until the real one arrives by sync:
# older than any real version, so the real one always wins the merge.
PLACEHOLDER_STAMP = "1970-01-01T00:00:00.000000Z"


def login_name() -> str:
    try:
        login = getpass.getuser()
    except Exception:
        login = "me"
    return re.sub(r"[^A-Za-z0-9._-]", "-", login)[:50].strip("-") or "me"


def new_person_id() -> str:
    """p-LOGIN-xxxxxx: readable, and unique across machines where LOGIN is not (dev, ubuntu, root)."""
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    suffix = "".join(secrets.choice(alphabet) for _ in range(6))
    return f"p-{login_name()}-{suffix}"


def my_id(session: Session) -> str:
    """The user's person id, without writing anything (for read-only sessions), as the backend knows it.

    A database with no identity yet has no records of its own: "" matches no origin."""
    return of(session.get_bind()).me(session)


def identity(session: Session, default_name: str = "", default_email: str = "") -> Person:
    """The user's person record, as the backend knows it (made on first use in a database one person keeps)."""
    return of(session.get_bind()).person(session, default_name, default_email)


def local_id(session: Session) -> str:
    """`my_id` in a database one person keeps (a file): the identity its meta table names."""
    return get_meta(session, "identity") or ""


def local_person(session: Session, default_name: str = "", default_email: str = "") -> Person:
    """`identity` in a database one person keeps: created on first use from the login name (or config
    defaults), born with its signing key where the backend keeps one."""
    pid = get_meta(session, "identity")
    if pid:
        person = session.get(Person, pid)
        if person is not None:
            return person
    made = not pid
    pid = pid or new_person_id()
    person = session.get(Person, pid) or Person(id=pid, origin=pid)
    if not person.name:
        person.name = default_name or login_name()
    if not person.email:
        person.email = default_email
    session.add(person)
    set_meta(session, "identity", pid)
    if made:
        signing_key(session, person)  # a new identity is born with its key
    session.flush()
    return person


# --- signing keys (docs/team.md "Keys") ------------------------------------------------

# Meta flag: this identity was adopted by id alone; its key lives on another machine, so
# none is made here (a second key for one id would be an identity clash for everyone).
KEYLESS = "identity_keyless"


def key_path(session: Session) -> Path | None:
    """Where the backend keeps the user's private signing key; None: it keeps none."""
    return of(session.get_bind()).key_file(session.get_bind())


def signing_key(session: Session, person: Person, create: bool = True) -> signing.PrivateKey | None:
    """This database's private key for the local identity, made once if the identity has none anywhere.

    None when it cannot sign: a shared database, an in-memory one, an identity whose key
    is known but lives elsewhere (adopted by id, or the key file is another identity's)."""
    from okrtui.core import signing  # cryptography loads only when a key is made or used

    path = key_path(session)
    if path is None:
        return None
    key = signing.load(path)
    if key is not None:
        public = signing.public_text(key)
        if not person.public_key:
            touch(person, public_key=public)
            session.add(person)
        return key if person.public_key == public else None
    if person.public_key or get_meta(session, KEYLESS) or not create:
        return None
    key = signing.generate()
    signing.save(path, key)
    touch(person, public_key=signing.public_text(key))
    session.add(person)
    return key


def export_identity(session: Session) -> dict[str, str]:
    """The local identity with its private key: what `whoami --adopt FILE` takes on another machine."""
    from okrtui.core import signing  # cryptography loads only when a key is made or used

    of(session.get_bind()).check_identity_move("export")
    person = identity(session)
    key = signing_key(session, person)
    if key is None:
        raise OkrError(f"this database holds no signing key for {person.name} ({person.id}); export the "
                       "identity from the machine that has it")
    return {"format": IDENTITY_FORMAT, "id": person.id, "name": person.name, "email": person.email,
            "public_key": signing.public_text(key), "private_key": signing.private_text(key)}


IDENTITY_FORMAT = "okrtui-identity/1"


def adopt_file(session: Session, data: Any) -> Person:
    """Adopt an identity with its key (a file `export_identity` wrote), before this database has records."""
    from okrtui.core import signing  # pydantic and cryptography: only when adopting
    from okrtui.rules import schema  # pydantic and cryptography: only when adopting

    if not isinstance(data, dict) or data.get("format") != IDENTITY_FORMAT:
        raise OkrError(f"not an okrtui identity file (expected format {IDENTITY_FORMAT!r})")
    checked = schema.check(schema.PersonData, {"id": data.get("id"), "name": data.get("name"),
                                               "email": data.get("email") or ""}, "identity file")
    pid, name, email = checked.id, checked.name, checked.email
    if not name.strip():
        raise OkrError("the identity file has no name")
    key = signing.private_from_text(data.get("private_key"))
    public = signing.public_text(key)
    if data.get("public_key") not in (None, public):
        raise OkrError("the identity file's private key does not match its public key")
    path = key_path(session)
    if path is None:
        raise OkrError("only a database file can hold a signing key")
    known = session.get(Person, pid)
    if get_meta(session, "identity") == pid and known is not None:
        # Already this identity here (adopted by id, or a key made here before the first machine's
        # arrived): take the real key, so what this database signs verifies for everyone.
        signing.save(path, key)
        if known.public_key != public:
            touch(known, public_key=public)
            session.add(known)
            _unsign_own(session, pid)  # signed with another key: the next sync signs them anew
        _drop_keyless(session)
        session.flush()
        return known
    if known is not None and known.public_key and known.public_key != public:
        raise OkrError(f"this database knows {pid} by another key; the identity file is not that person's")
    person = adopt(session, pid, name, email, keep_key=True)
    signing.save(path, key)
    if not person.public_key:
        person.public_key = public  # the placeholder's stamp stays 1970: the real record still wins
        session.add(person)
    _drop_keyless(session)
    session.flush()
    return person


def _unsign_own(session: Session, pid: str) -> None:
    for model in (Person, Team, Period, Objective, KeyResult, CheckIn, Dependency, Reflection):
        session.execute(update(model).where(col(model.origin) == pid).values(signature=""))


def _drop_keyless(session: Session) -> None:
    flag = session.get(Meta, KEYLESS)
    if flag is not None:
        session.delete(flag)


def adopt(session: Session, pid: str, default_name: str = "", default_email: str = "",
          keep_key: bool = False) -> Person:
    """Use an existing identity (the same person's, from another machine) in this database.

    Only before this database holds records of its own: they would keep the old origin,
    and no one else may change them."""
    of(session.get_bind()).check_identity_move("adopt")
    current = get_meta(session, "identity")
    if current == pid:
        return identity(session, default_name, default_email)
    if current:
        own = sum(session.exec(select(func.count()).select_from(model).where(model.origin == current)).one()
                  for model in (Team, Objective, KeyResult, CheckIn, Dependency, Reflection))
        if own:
            raise OkrError(f"this database already holds {count(own, 'record')} made as {current}; "
                           f"adopt {pid} in a new database (okrtui --db NEW.db whoami --adopt {pid}), "
                           "before making any record")
        old = session.get(Person, current)
        if old is not None and old.origin == current:
            session.delete(old)
            session.flush()
    person = session.get(Person, pid)
    if person is None:
        person = Person(id=pid, origin=pid, name=default_name or login_name(), email=default_email,
                        created_at=PLACEHOLDER_STAMP, updated_at=PLACEHOLDER_STAMP)
        session.add(person)
    set_meta(session, "identity", pid)
    if current != pid:
        # The key made for the identity given up belongs to no one now; by id alone the
        # adopted identity's key stays on its first machine (`whoami --adopt FILE` brings it).
        path = key_path(session)
        if path is not None:
            path.unlink(missing_ok=True)
        if not keep_key:
            set_meta(session, KEYLESS, "1")
    session.flush()
    return person


def touch(record: Any, **changes: Any) -> bool:
    """Apply changes; bump updated_at only if something really changed."""
    changed = False
    for key, value in changes.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed = True
    if changed:
        record.updated_at = now_stamp()
    return changed


# --- queries -------------------------------------------------------------------

def starts_with(column: Mapped[str], ref: str) -> ColumnElement[bool]:
    """`column` starts with `ref`, exactly: LIKE finds the candidates (the index), substr keeps the
    case, which SQLite's LIKE ignores and PostgreSQL's does not."""
    return and_(column.like(checkinrules.like_prefix(ref), escape="\\"), func.substr(column, 1, len(ref)) == ref)


def find_key_result(session: Session, ref: str) -> KeyResult:
    """A KR by id or by a unique prefix of at least 4 characters."""
    kr = session.get(KeyResult, ref)
    if kr is not None:
        if kr.deleted:
            raise checkinrules.kr_deleted(ref)
        return kr
    if len(ref) < checkinrules.PREFIX_MIN:
        raise checkinrules.kr_not_found(ref)
    rows = session.exec(
        select(KeyResult)
        .where(starts_with(col(KeyResult.id), ref), col(KeyResult.deleted).is_(False))
        .order_by(KeyResult.id)
        .limit(checkinrules.PREFIX_SHOWN + 1)
    ).all()
    if not rows:
        raise checkinrules.kr_not_found(ref)
    if len(rows) > 1:
        raise checkinrules.ambiguous(ref, [(r.id, r.title) for r in rows])
    return rows[0]


# The period's reads live in okrtui.storage.reads (one definition for both read paths); this one
# serves the check-in service's plausibility check.


def check_ins_of_kr(session: Session, kr_id: str) -> Sequence[CheckIn]:
    return session.exec(
        select(CheckIn)
        .where(CheckIn.kr_id == kr_id, col(CheckIn.deleted).is_(False))
        .order_by(col(CheckIn.date), col(CheckIn.created_at), col(CheckIn.id))
    ).all()


def is_empty(session: Session) -> bool:
    return session.exec(select(Objective.id).limit(1)).first() is None
