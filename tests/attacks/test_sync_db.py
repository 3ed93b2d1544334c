"""Attacks through `okrtui sync` of your own database after editing it with `sqlite3`: the rows
`signed`, `badline` and `flood` (the decision rows are tests of their own, beside these).

Each test performs the attack, asserts it fails for every other member (nothing of it stored,
named), and beside it performs the honest action that must still work."""

import datetime as dt
import sqlite3

from sqlmodel import select

from okrtui.stamps import now_stamp
from okrtui.storage.backend import open_engine
from okrtui.storage.model import Comment, KeyResult, Objective
from okrtui.storage.store import reading
from tests.helpers import HOSTILE, TODAY, raw_in, team_of_three, two_members, warnings_of


def _sql(db, statement: str, *params) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(statement, params)
    conn.close()


def test_text_a_hostile_name_and_title_reach_a_teammate_escaped(cli, tmp_path):
    ana, ben, team = two_members(cli, tmp_path)
    _sql(ben, "UPDATE person SET name = ? WHERE id = (SELECT value FROM meta WHERE key = 'identity')",
         f"Ben {HOSTILE}")
    _sql(ben, "UPDATE objective SET title = ?, updated_at = ? WHERE id = 'o-ben'", HOSTILE, now_stamp())
    assert cli("--db", ben, "sync", team).code == 0
    synced = cli("--db", ana, "sync", team)
    assert not raw_in(synced.out + synced.err)
    for args in (["report", "--team"], ["report", "--team", "--format", "md"], ["history", "kr-ben"], ["inbox"]):
        out = cli("--db", ana, *args)
        assert out.code in (0, 1) and not raw_in(out.out + out.err), args
    shown = cli("--db", ana, "report", "--team").out
    assert "\\x1b]0;pwned\\x07" in shown  # honest: the teammate's change arrived, shown as text


def test_dates_an_edited_future_check_in_is_skipped_by_the_teammate(cli, tmp_path):
    ana, ben, team = two_members(cli, tmp_path)
    assert cli("--db", ben, "checkin", "kr-ben", "40").code == 0  # today's: honest
    _sql(ben, "UPDATE check_in SET date = '2026-12-20', updated_at = ? WHERE value = 10",  # the CLI refuses it
         now_stamp())
    assert cli("--db", ben, "sync", team).code == 0
    synced = cli("--db", ana, "sync", team)
    assert synced.code == 1
    assert f"dated 2026-12-20, more than 1 day after today ({TODAY})" in synced.err
    with sqlite3.connect(ana) as conn:
        dates = sorted(d for (d,) in conn.execute("SELECT date FROM check_in WHERE kr_id = 'kr-ben'"))
    conn.close()
    assert dates == ["2026-11-20", str(TODAY)]  # the version from before the edit stays
    assert cli("--db", ana, "sync", team, today=dt.date(2026, 12, 19)).code == 0  # a day ahead of Dec 19: taken


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
