"""Frozen migrations: what they build matches the model, and an upgraded database matches a new one."""

import shutil

from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

from okrtui.storage import model  # noqa: F401 - registers the tables on SQLModel.metadata
from okrtui.storage.backend import open_engine
from okrtui.storage.migrations import MIGRATIONS, m001_initial
from tests.helpers import TODAY

FIXTURE = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "schema-1.db"


def shape(url):
    """Every table, column, index and foreign key, in a comparable form."""
    engine = create_engine(url)
    insp = inspect(engine)
    out = {}
    for table in sorted(insp.get_table_names()):
        if table == "schema_migration":
            continue
        out[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)],
            "pk": insp.get_pk_constraint(table)["constrained_columns"],
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                              for i in insp.get_indexes(table)),
            "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                          for f in insp.get_foreign_keys(table)),
        }
    engine.dispose()
    return out


def test_migration_1_builds_exactly_what_okrtui_0_1_shipped(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'one.db'}")
    with engine.begin() as conn:
        m001_initial.upgrade(conn)
    engine.dispose()
    assert shape(f"sqlite:///{tmp_path / 'one.db'}") == shape(f"sqlite:///{FIXTURE}")


def test_an_upgraded_database_matches_a_new_one(tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(FIXTURE, old)
    open_engine(old).dispose()
    open_engine(tmp_path / "new.db").dispose()
    upgraded, new = shape(f"sqlite:///{old}"), shape(f"sqlite:///{tmp_path / 'new.db'}")
    assert upgraded == new
    assert set(new) == {"person", "team", "period", "objective", "key_result", "check_in", "dependency",
                        "reflection", "meta", "comment", "decision", "seen", "metric", "measurement"}


def test_the_migrations_build_what_the_model_describes(tmp_path):
    """A model change without a migration fails here (indexes that only a migration adds aside)."""
    open_engine(tmp_path / "migrated.db").dispose()
    engine = create_engine(f"sqlite:///{tmp_path / 'model.db'}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    migrated, described = shape(f"sqlite:///{tmp_path / 'migrated.db'}"), shape(f"sqlite:///{tmp_path / 'model.db'}")
    for table in described:
        migrated[table]["indexes"] = [i for i in migrated[table]["indexes"]
                                      if i[0] not in ("ix_check_in_kr_id_date", "ix_measurement_metric_id_date_value")]
    assert migrated == described


def test_migration_1_does_not_read_the_model():
    source = (__import__("pathlib").Path(m001_initial.__file__)).read_text()
    assert "okrtui.storage.model" not in source and "SQLModel" not in source
    assert [v for v, _, _ in MIGRATIONS][:2] == [1, 2]


def test_two_processes_opening_an_old_file_at_once_migrate_it_once(tmp_path, monkeypatch):
    """Another okrtui upgrades the file while this one backs it up: this one must not apply
    the same migrations again (it failed with 'duplicate column name')."""
    from okrtui.storage import store

    old = tmp_path / "old.db"
    shutil.copy(FIXTURE, old)
    real_backup = store.backup

    def backup_while_another_process_migrates(path, tag):
        made = real_backup(path, tag)
        monkeypatch.setattr(store, "backup", real_backup)
        open_engine(path).dispose()  # the other process: it opens the same file and upgrades it
        return made

    monkeypatch.setattr(store, "backup", backup_while_another_process_migrates)
    open_engine(old).dispose()
    engine = create_engine(f"sqlite:///{old}")
    with engine.connect() as conn:
        versions = [row[0] for row in conn.exec_driver_sql("SELECT version FROM schema_migration ORDER BY version")]
    engine.dispose()
    assert versions == [version for version, _name, _step in MIGRATIONS]


def test_a_schema_9_database_with_measurements_gains_the_summary_index_and_reads_the_same(tmp_path, monkeypatch, cli):
    """Migration 10 (issue 28's speed): measurements indexed by metric, date and value, so every read of the
    metrics counts them from the index alone. An old file with metrics reads the same before and after."""
    import sqlite3

    from okrtui.method import health
    from okrtui.storage import store
    from okrtui.storage.sqlite import quickread

    old = tmp_path / "old.db"
    monkeypatch.setattr(store, "MIGRATIONS", MIGRATIONS[:-1])  # the okrtui before this migration
    monkeypatch.setattr(store, "LATEST", MIGRATIONS[-2][0])
    assert cli("whoami", "--name", "Ann", "--db", old).code == 0
    made = cli("metric", "add", "Uptime", "--unit", "%", "--at-least", "99.9", "--since", "2026-09-01", "--db", old)
    metric = made.out.split()[2]
    for day, value in (("2026-11-09", 99.5), ("2026-11-16", 99.4), ("2026-11-23", 99.95)):
        assert cli("metric", "record", metric, value, "--date", day, "--db", old).code == 0
    before = cli("metric", "list", "--format", "json", "--db", old).out
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_migration").fetchone() == (9,)
        assert "ix_measurement_metric_id_date_value" not in {r[1] for r in conn.execute("PRAGMA index_list(measurement)")}
    conn.close()
    assert quickread.read_metrics(old, TODAY) is None  # not the schema it expects: the ORM path migrates
    monkeypatch.undo()

    open_engine(old).dispose()
    assert (tmp_path / "old.db.schema9.bak").exists()
    assert quickread.SCHEMA == MIGRATIONS[-1][0] == 10
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_migration").fetchone() == (10,)
        plan = " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + health.SUMMARY_SQL, {"day": "2026-11-26"}))
    conn.close()
    assert "COVERING INDEX ix_measurement_metric_id_date_value" in plan
    assert quickread.read_metrics(old, TODAY) is not None  # now the quick path reads it
    assert cli("metric", "list", "--format", "json", "--db", old).out == before
