"""Attacks through `okrtui sync` of your own database after editing it with `sqlite3`: the rows
`signed`, `badline` and `flood` (the decision rows are tests of their own, beside these).

Each test performs the attack, asserts it fails for every other member (nothing of it stored,
named), and beside it performs the honest action that must still work."""

import sqlite3

from sqlmodel import select

from okrtui.storage.backend import open_engine
from okrtui.storage.model import Comment, KeyResult, Objective
from okrtui.storage.store import reading
from tests.helpers import team_of_three, warnings_of

STAMP = "2026-11-25T09:00:00.000000Z"


def insert_objective(db, ident, origin, title, signature=""):
    with sqlite3.connect(db) as conn:
        conn.execute(
            "insert into objective (id, origin, created_at, updated_at, deleted, signature, title, description, "
            "level, team_id, owner_id, period_id, parent_id, status, visibility, position) values "
            "(?, ?, ?, ?, 0, ?, ?, '', 'personal', null, null, '2026-Q4', null, 'active', 'shared', 0)",
            (ident, origin, STAMP, STAMP, signature, title))


def test_a_row_written_in_someone_elses_name_into_your_own_database_reaches_nobody(cli, tmp_path):
    t = team_of_three(cli, tmp_path)
    real = sqlite3.connect(t.dbs["cy"]).execute("select signature from objective where id='o-ana'").fetchone()[0]
    insert_objective(t.dbs["cy"], "o-fake-ana", "p-ana", "Ana quits", signature=real)  # a copied signature
    insert_objective(t.dbs["cy"], "o-fake-ana2", "p-ana", "Ana quits, unsigned")
    insert_objective(t.dbs["cy"], "o-cy", "p-cy", "Cy's own, typed in sqlite3")  # honest: her own row
    assert cli("--db", t.dbs["cy"], "sync", t.file).code == 0  # her own sync signs her own row
    result = cli("--db", t.dbs["ben"], "sync", t.file)
    assert result.code == 1 and "o-fake-ana" in " ".join(warnings_of(result))
    assert "o-fake-ana2" not in t.file.read_text()  # an unsigned row of someone else is not even sent
    with reading(open_engine(t.dbs["ben"])) as session:
        assert session.get(Objective, "o-fake-ana") is None and session.get(Objective, "o-fake-ana2") is None
        assert session.get(Objective, "o-cy").title == "Cy's own, typed in sqlite3"


def test_a_value_no_record_may_hold_stops_only_that_record(cli, tmp_path):
    t = team_of_three(cli, tmp_path)
    with sqlite3.connect(t.dbs["ana"]) as conn:
        conn.execute("update key_result set target = 9e999, updated_at = ? where id = 'kr-ana-0'", (STAMP[:-8] + "1Z",))
        conn.execute("update key_result set title = 'renamed', updated_at = '2099-01-01T00:00:00.000000Z' "
                     "where id = 'kr-ana-1'")
    result = cli("--db", t.dbs["ana"], "sync", t.file)
    assert result.code == 1 and "unexpected" not in result.err
    named = warnings_of(result)
    assert len(named) == 1 and "kr-ana-0" in named[0] and "not sent" in named[0]
    assert cli("--db", t.dbs["ben"], "sync", t.file).code == 0
    with reading(open_engine(t.dbs["ben"])) as session:
        assert session.get(KeyResult, "kr-ana-0").target == 10  # the last good version
        assert session.get(KeyResult, "kr-ana-1").title == "renamed"  # honest: her other change arrived


def test_a_flood_of_comments_from_one_database_is_refused_in_one_line(cli, tmp_path, monkeypatch):
    """Issue 27: 100,000 comments (61 MB) from one origin went in. Beyond the limit of new records of
    one person in one sync (20,000; 2,000 here, to keep the test quick), all of them are refused, in
    one line; the rest merges."""
    from okrtui import sync

    monkeypatch.setattr(sync, "MAX_NEW_RECORDS", 2_000)
    t = team_of_three(cli, tmp_path)
    rows = [(f"c-flood-{i:06d}", "p-cy", STAMP, STAMP, "", "objective", "o-ben", None, f"spam {i}")
            for i in range(sync.MAX_NEW_RECORDS + 1)]
    with sqlite3.connect(t.dbs["cy"]) as conn:
        conn.executemany("insert into comment (id, origin, created_at, updated_at, deleted, signature, target_type, "
                         "target_id, parent_id, body) values (?, ?, ?, ?, 0, ?, ?, ?, ?, ?)", rows)
    assert cli("--db", t.dbs["ana"], "comment", "o-ben", "Real feedback").code == 0  # honest, beside it
    assert cli("--db", t.dbs["ana"], "sync", t.file).code == 0
    assert cli("--db", t.dbs["cy"], "sync", t.file).code == 0
    result = cli("--db", t.dbs["ben"], "sync", t.file)
    assert result.code == 1
    named = warnings_of(result)
    assert len(named) == 1 and "Cy Third" in named[0] and f"{sync.MAX_NEW_RECORDS + 1:,}" in named[0]
    with reading(open_engine(t.dbs["ben"])) as session:
        assert session.get(Comment, "c-flood-000000") is None
        assert [c.body for c in session.exec(select(Comment))] == ["Real feedback"]
