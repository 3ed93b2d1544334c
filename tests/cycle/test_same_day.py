"""One live check-in per KR, author and day on SQLite (migration 6): old duplicates settle to the
latest, every write path replaces, and a team file's duplicates settle the same in any order."""

from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine

from okrtui.cycle import checkins
from okrtui.storage import bulk
from okrtui.storage.migrations import m006_one_check_in_a_day
from okrtui.storage.model import CheckIn
from okrtui.storage.sqlite.quickwrite import record as quick_record
from okrtui.storage.store import writing
from tests.helpers import TODAY, person_db

ROW = ("INSERT INTO check_in (id, origin, created_at, updated_at, deleted, kr_id, date, value, confidence, note, "
       "author_id, signature) VALUES (?, 'p-ann', ?, ?, 0, 'kr-ann-0', '2026-11-20', ?, NULL, '', ?, '')")


def live(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT id, value FROM check_in WHERE deleted = 0 ORDER BY date, id").fetchall()


def test_migration_6_keeps_the_latest_of_old_duplicates(tmp_path):
    person_db(tmp_path, "ann").dispose()
    path = tmp_path / "ann.db"
    with sqlite3.connect(path) as conn:  # a database from before migration 6, with the race's leftovers
        conn.execute("DROP INDEX ux_check_in_kr_author_date")
        for ident, stamp, value, author in (("c-a", "2026-11-20T09:00:00.000000Z", 1, "p-ann"),
                                            ("c-b", "2026-11-20T09:00:01.000000Z", 2, None),
                                            ("c-c", "2026-11-20T09:00:00.500000Z", 3, "p-ann")):
            conn.execute(ROW, (ident, stamp, stamp, value, author))
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # migration 6 itself, as it runs on such a database
        m006_one_check_in_a_day.upgrade(conn)
    engine.dispose()
    assert live(path) == [("c-b", 2)]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM check_in").fetchone() == (3,)  # tombstones, nothing lost
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ux_check_in_kr_author_date'"
                            ).fetchone() == (1,)


def test_every_write_path_replaces_the_days_check_in(tmp_path):
    engine = person_db(tmp_path, "ann")
    path = tmp_path / "ann.db"
    checkins.record(engine, "kr-ann-0", 1, day=TODAY)
    second = checkins.record(engine, "kr-ann-0", 2, day=TODAY)
    engine.dispose()
    third = quick_record(path, "kr-ann-0", 3, confidence=None, note="", day=TODAY)
    assert second.replaced and third is not None and third.replaced
    assert [value for _, value in live(path)] == [3]
    with sqlite3.connect(path) as conn:  # the attack in SQL: a second live row for the day
        try:
            conn.execute(ROW.replace("'2026-11-20'", f"'{TODAY.isoformat()}'"), ("c-x", "s", "s", 9, "p-ann"))
        except sqlite3.IntegrityError:
            pass
        else:
            raise AssertionError("a second check-in of the same day was stored")


def test_duplicates_from_a_team_file_settle_the_same_in_any_order(tmp_path):
    """Two members receive the same two same-day check-ins (a file from before migration 6) in
    opposite orders, each in its own sync: both keep the latest, and the other as a tombstone."""
    old = {"id": "c-old", "origin": "p-ann", "created_at": "2026-11-20T09:00:00.000000Z",
           "updated_at": "2026-11-20T09:00:00.000000Z", "deleted": False, "kr_id": "kr-bo-0",
           "date": TODAY, "value": 1.0, "author_id": "p-ann"}
    new = {**old, "id": "c-new", "created_at": "2026-11-20T10:00:00.000000Z",
           "updated_at": "2026-11-20T10:00:00.000000Z", "value": 2.0}
    for name, order in (("bo", (old, new)), ("cy", (new, old))):
        engine = person_db(tmp_path, name)
        for row in order:  # one write each, as two syncs would
            with writing(engine) as session:
                bulk.insert_rows(session.connection(), CheckIn, [{**row, "kr_id": f"kr-{name}-0"}])
        engine.dispose()
        assert live(tmp_path / f"{name}.db") == [("c-new", 2.0)], name
        with sqlite3.connect(tmp_path / f"{name}.db") as conn:
            assert conn.execute("SELECT deleted FROM check_in WHERE id = 'c-old'").fetchone() == (1,)
