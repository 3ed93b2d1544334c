import re
import sqlite3
import stat

import pytest
from sqlalchemy import inspect

from okrtui.core.errors import OkrError
from okrtui.storage import backend, store
from okrtui.storage.model import SQLModel
from okrtui.storage.sqlite import engine as engine_mod


def test_new_database_is_owner_only_wal_with_foreign_keys(db, engine):
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == engine_mod.BUSY_TIMEOUT_S * 1000


def test_migrations_from_an_empty_file_reach_the_model(engine):
    with engine.connect() as conn:
        assert store.schema_version(conn) == store.LATEST
        rows = conn.exec_driver_sql("SELECT version, name FROM schema_migration ORDER BY version").all()
    assert [r[0] for r in rows] == [v for v, _, _ in store.MIGRATIONS]
    tables = set(inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables


def test_migrations_are_numbered_without_gaps():
    assert [v for v, _, _ in store.MIGRATIONS] == list(range(1, store.LATEST + 1))


def test_reopening_runs_no_migration_again(db, engine):
    engine.dispose()
    again = backend.open_engine(db)
    with again.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM schema_migration").scalar() == store.LATEST
    again.dispose()


def test_database_from_a_newer_okrtui_is_refused_untouched(db, engine):
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO schema_migration VALUES (99, 'future', 'x')")
    engine.dispose()
    before = db.read_bytes()
    with pytest.raises(OkrError, match="newer okrtui"):
        backend.open_engine(db)
    assert db.read_bytes() == before


def test_directory_and_non_sqlite_files_are_clear_errors(tmp_path):
    with pytest.raises(OkrError, match="is a directory"):
        backend.open_engine(tmp_path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    before = junk.read_bytes()
    with pytest.raises(OkrError, match="cannot open database"):
        backend.open_engine(junk)
    assert junk.read_bytes() == before


def test_identity_is_the_login_name_made_unique_and_is_stable(engine, tmp_path):
    with store.writing(engine) as session:
        me = store.identity(session)
        assert re.fullmatch(r"p-tester-[a-z2-9]{6}", me.id)
        assert me.name == "tester"
    with store.writing(engine) as session:
        assert store.identity(session).id == me.id
    # Another database of the same login name gets another id: two people never share one.
    other = backend.open_engine(tmp_path / "other.db")
    with store.writing(other) as session:
        assert store.identity(session).id != me.id


def test_writing_rolls_back_on_error(engine):
    from okrtui.storage.model import Person

    with pytest.raises(RuntimeError):
        with store.writing(engine) as session:
            session.add(Person(id="p-x", name="X"))
            session.flush()
            raise RuntimeError("boom")
    with store.reading(engine) as session:
        assert session.get(Person, "p-x") is None


def test_backup_is_owner_only_and_complete(db, engine):
    with store.writing(engine) as session:
        store.identity(session)
    copy = store.backup(db, "test")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    con = sqlite3.connect(copy)
    assert con.execute("SELECT COUNT(*) FROM person").fetchone()[0] == 1
    con.close()


def test_kr_prefix_lookup(demo_db):
    eng = backend.open_engine(demo_db)
    with store.reading(eng) as session:
        assert store.find_key_result(session, "kr-deploys").id == "kr-deploys"
        assert store.find_key_result(session, "kr-dep").id == "kr-deploys"
        with pytest.raises(OkrError, match="ambiguous"):
            store.find_key_result(session, "kr-t")
        with pytest.raises(OkrError, match="at least 4"):
            store.find_key_result(session, "kr")
        with pytest.raises(OkrError, match="no key result matches"):
            store.find_key_result(session, "zzzz")
        with pytest.raises(OkrError, match="no key result matches"):
            store.find_key_result(session, "kr-%%")  # LIKE wildcards are taken literally
    eng.dispose()
