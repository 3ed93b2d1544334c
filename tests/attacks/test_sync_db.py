"""Attacks through `okrtui sync` of your own database after editing it with `sqlite3`: the rows
`signed`, `badline` and `flood` (the decision rows are tests of their own, beside these).

Each test performs the attack, asserts it fails for every other member (nothing of it stored,
named), and beside it performs the honest action that must still work."""

import datetime as dt
import sqlite3

from sqlalchemy import text
from sqlmodel import select

from okrtui.core.stamps import now_stamp
from okrtui.cycle import metrics
from okrtui.exchange import sync, teamtrust
from okrtui.storage.backend import open_engine
from okrtui.storage.model import Comment, KeyResult, Measurement, Objective
from okrtui.storage.store import reading, writing
from tests.helpers import (
    HOSTILE,
    TODAY,
    Crew,
    metric_views,
    okr_objective,
    person_db,
    raw_in,
    team_of_three,
    two_members,
    warnings_of,
)


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
    assert "o-fake-ana" not in t.file.read_text()  # a row of someone else's that their key does not sign is not sent
    assert cli("--db", t.dbs["ben"], "sync", t.file).code == 0
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

    monkeypatch.setattr(teamtrust, "MAX_NEW_RECORDS", 2_000)
    t = team_of_three(cli, tmp_path)
    rows = [(f"c-flood-{i:06d}", "p-cy", STAMP, STAMP, "", "objective", "o-ben", None, f"spam {i}")
            for i in range(teamtrust.MAX_NEW_RECORDS + 1)]
    with sqlite3.connect(t.dbs["cy"]) as conn:
        conn.executemany("insert into comment (id, origin, created_at, updated_at, deleted, signature, target_type, "
                         "target_id, parent_id, body) values (?, ?, ?, ?, 0, ?, ?, ?, ?, ?)", rows)
    assert cli("--db", t.dbs["ana"], "comment", "o-ben", "Real feedback").code == 0  # honest, beside it
    assert cli("--db", t.dbs["ana"], "sync", t.file).code == 0
    assert cli("--db", t.dbs["cy"], "sync", t.file).code == 0
    result = cli("--db", t.dbs["ben"], "sync", t.file)
    assert result.code == 1
    named = warnings_of(result)
    assert len(named) == 1 and "Cy Third" in named[0] and f"{teamtrust.MAX_NEW_RECORDS + 1:,}" in named[0]
    with reading(open_engine(t.dbs["ben"])) as session:
        assert session.get(Comment, "c-flood-000000") is None
        assert [c.body for c in session.exec(select(Comment))] == ["Real feedback"]



def test_metric_measurement_forged_in_own_database_is_skipped(tmp_path):
    ann, bob = person_db(tmp_path, "ann"), person_db(tmp_path, "bob")
    team = tmp_path / "team.jsonl"
    sync.sync(bob, team)  # Ann learns Bob's person first
    sync.sync(ann, team)
    churn = metrics.add(ann, {"name": "Churn", "unit": "%", "high": 2}, owner=None, team=None, today=TODAY)
    backlog = metrics.add(ann, {"name": "Backlog", "unit": "tickets", "high": 40}, owner="p-bob", team=None,
                          today=TODAY)
    sync.sync(ann, team)
    sync.sync(bob, team)
    # Bob edits his own database to measure Ann's metric, then syncs: Ann never takes it in
    with writing(bob) as session:
        session.connection().execute(text(
            "INSERT INTO measurement (id, origin, created_at, updated_at, deleted, metric_id, date, value, note, "
            "author_id, signature) VALUES ('forged', 'p-bob', '2026-11-26T09:00:00.000000Z', "
            "'2026-11-26T09:00:00.000000Z', 0, :m, '2026-11-26', 0.1, '', 'p-bob', '')"), {"m": churn.id})
    metrics.record(bob, backlog.id, 35, day=TODAY, today=TODAY)  # the honest one: Bob owns the backlog
    sync.sync(bob, team)
    result = sync.sync(ann, team)
    assert any(f"Bob may not measure {churn.id}: Ann answers for it" in w for w in result.warnings), result.warnings
    with reading(ann) as session:
        assert session.get(Measurement, "forged") is None
    assert metric_views(ann)[backlog.id].health.latest.value == 35


# --- Attacks through `okrtui sync` of your own database after editing it with sqlite3 (docs/security.md,
# column `sync_db`): the attacker's edit fails for teammates, a newcomer and the attacker's own reports;
# the honest action beside it works for everyone.

EVERYONE = ("ana", "ben", "cleo")
# A hand edit that wins the merge: the same second as the stored version, its last microsecond.
LATER = "updated_at = substr(updated_at, 1, 20) || '999999Z'"
# Later than LATER's edit, whatever second it fell in: the next minute's last microsecond. (The minute's own
# last microsecond was LATER's very time when the record was written in its minute's last second.)
LATEST = "updated_at = strftime('%Y-%m-%dT%H:%M:59.999999Z', substr(updated_at, 1, 19), '+1 minute')"


def _md(t: Crew, who: str) -> str:
    return t.run(who, "report", "--team", "--format", "md", "--period", "2026-Q4").out


def _submitted(t: Crew) -> Crew:
    """Ben's objective o-ben of team Platform, submitted: in review with Ana Lead."""
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben")]})
    assert t.run("ben", "submit", "o-ben").code == 0
    t.sync("ben", "ana")
    return t


def test_sync_db_a_status_written_by_hand_activates_nothing(cli, tmp_path):
    t = _submitted(Crew(cli, tmp_path))
    t.sql("ben", "UPDATE objective SET status = 'active', " + LATER + " "
                 "WHERE id = 'o-ben'")
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    assert t.statuses("o-ben") == ["in_review"] * 3
    assert "awaiting your approval: o-ben" in t.run("ana", "inbox").out
    # The honest way: the lead approves, active for everyone.
    assert t.lead_approves("o-ben") == ["active"] * 3


def test_sync_db_a_closed_status_written_by_hand_ends_nothing_the_lead_did_not_approve(cli, tmp_path):
    """closed or archived by hand, on an objective in review and on a draft: each reads as what PostgreSQL
    (which refuses the change) leaves, for every member, a newcomer included."""
    from okrtui.cycle import editing
    from okrtui.method import periods

    t = _submitted(Crew(cli, tmp_path))
    t.load("ben", {"objectives": [okr_objective("o-draft", "Later", "t-plat", "kr-draft")]})
    t.sql("ben", "UPDATE objective SET status = 'closed', " + LATER + " WHERE id = 'o-ben'")
    t.sql("ben", "UPDATE objective SET status = 'archived', " + LATER + " WHERE id = 'o-draft'")
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    assert t.statuses("o-ben") == ["in_review"] * 3 and t.statuses("o-draft") == ["draft"] * 3
    assert "awaiting your approval: o-ben" in t.run("ana", "inbox").out
    # The honest way: the lead approves, and closing the quarter closes it for everyone (a draft is left).
    t.load("ben", {"objectives": [okr_objective("o-ok", "Shipped", "t-plat", "kr-ok"),
                                  okr_objective("o-new", "Next", "t-plat", "kr-new")]})
    assert t.run("ben", "submit", "o-ok").code == 0
    t.sync("ben", "ana")
    assert t.lead_approves("o-ok") == ["active"] * 3
    done = editing.close_quarter(open_engine(t.dbs["ben"]), periods.quarter("2026-Q4", 1), [])
    assert (done.closed, done.waiting) == (1, ["o-new"])
    t.sync("ben", "ana", "cleo")
    assert t.statuses("o-ok") == ["closed"] * 3 and t.statuses("o-new") == ["draft"] * 3


def test_sync_db_editing_an_approved_objectives_kr_by_hand_sends_it_back_to_review(cli, tmp_path):
    t = _submitted(Crew(cli, tmp_path))
    assert t.run("ana", "approve", "o-ben").code == 0
    t.sync("ana", "ben")
    assert t.status("ben", "o-ben") == "active"
    t.sql("ben", "UPDATE key_result SET title = 'Rewritten', unit = 'parsecs', " + LATER + " "
                 "WHERE id = 'kr-ben'")
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    assert t.statuses("o-ben") == ["in_review"] * 3
    # A decision in the lead's name, written by hand, goes nowhere.
    t.sql("ben", "INSERT INTO decision (id, origin, created_at, updated_at, deleted, subject_type, subject_id, "
                 "verdict, note, basis, signature) SELECT 'x-forged', ?, '2026-11-25T11:00:00.000000Z', "
                 "'2026-11-25T11:00:00.000000Z', 0, 'objective', 'o-ben', 'approved', '', basis, 'Zm9yZ2Vk' "
                 "FROM decision LIMIT 1", t.ids["ana"])
    t.sync("ben", "ana", "cleo")
    assert [t.status(who, "o-ben") for who in ("ana", "cleo")] == ["in_review"] * 2
    # The honest way: the lead approves the new KR.
    assert t.lead_approves("o-ben") == ["active"] * 3


def test_sync_db_changing_an_agreed_dependency_by_hand_asks_again(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ana", {"objectives": [okr_objective("o-ana", "Observability", "t-plat", "kr-ana"),
                                  okr_objective("o-ana2", "CI", "t-plat", "kr-ana2")]})
    t.sync("ana", "ben")
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben")],
                   "dependencies": [{"id": "d-ben-ana", "from": "kr-ben", "to": "kr-ana", "note": "dashboards"}]})
    t.sync("ben", "ana")
    assert t.run("ana", "accept", "d-ben-ana").code == 0
    t.sync("ana", "ben")
    assert "d-ben-ana" not in _md(t, "ben")
    t.sql("ben", "UPDATE dependency SET to_id = 'kr-ana2', note = 'rewrite all of CI for me', "
                 + LATER + " WHERE id = 'd-ben-ana'")
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    for who in EVERYONE:
        assert "- d-ben-ana: Deploys KR → CI KR, **proposed** (waiting for Ana Lead)" in _md(t, who), who
    # The honest way: Ana declines the new request, saying why; everyone reads her answer.
    assert t.run("ana", "decline", "d-ben-ana", "not this quarter").code == 0
    t.sync("ana", "ben", "cleo")
    for who in EVERYONE:
        assert "d-ben-ana: Deploys KR → CI KR, **declined** by Ana Lead: “not this quarter”" in _md(t, who), who


def test_sync_db_flipping_a_krs_owner_by_hand_gives_everyone_one_score(cli, tmp_path):
    """The issue's attack: Ana, the maker, names herself owner of Ben's KR, checks in 1.0, syncs, names Ben again."""
    t = Crew(cli, tmp_path)
    t.load("ana", {"objectives": [okr_objective("o-x", "Platform", None, "kr-x", status="active",
                                                owner=t.ids["ben"])]})
    t.sync("ana", "ben")
    t.sql("ana", "UPDATE key_result SET owner_id = ?, " + LATER + " WHERE id = 'kr-x'",
          t.ids["ana"])
    assert t.run("ana", "checkin", "kr-x", "10", "--date", "2026-11-20").code == 0
    t.sync("ana", "ben")
    assert t.kr("ben", "kr-x")["current"] == 10  # while Ana answers for it, her check-in counts
    t.sql("ana", "UPDATE key_result SET owner_id = ?, " + LATEST + " WHERE id = 'kr-x'",
          t.ids["ben"])
    t.sync("ana", "ben")
    t.join("cleo", "Cleo New")
    seen = [t.kr(who, "kr-x") for who in EVERYONE]
    assert [(k["current"], k["progress"], k["band"]) for k in seen] == [(0, 0.0, "red")] * 3
    # A check-in written by hand on a KR someone else answers for counts nowhere either (Cleo signs it).
    t.sql("cleo", "INSERT INTO check_in (id, origin, created_at, updated_at, deleted, kr_id, date, value, note, "
                  "author_id, signature) VALUES ('c-hand', ?, '2026-11-25T10:00:00.000000Z', "
                  "'2026-11-25T10:00:00.000000Z', 0, 'kr-x', '2026-11-25', 9, '', ?, '')",
          t.ids["cleo"], t.ids["cleo"])
    t.sync("cleo")
    # The honest way: Ben, the owner, checks in; everyone sees his value.
    assert t.run("ben", "checkin", "kr-x", "4", "--date", "2026-11-24").code == 0
    t.sync("ben", "ana", "cleo")
    assert [t.kr(who, "kr-x")["current"] for who in EVERYONE] == [4, 4, 4]


def test_sync_db_rewriting_a_teammates_record_by_hand_changes_it_for_nobody(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ana", {"objectives": [okr_objective("o-ana", "Observability", "t-plat", "kr-ana")]})
    t.sync("ana", "ben")
    t.sql("ben", "UPDATE objective SET title = 'Ben owns this now' WHERE id = 'o-ana'")
    # Far in the future: Ben's every sync would put his version back over Ana's newer ones.
    t.sql("ben", "UPDATE key_result SET target = 1, updated_at = '2099-01-01T00:00:00.000000Z' WHERE id = 'kr-ana'")
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    t.sync("ana", "cleo")
    for who in ("ana", "cleo"):
        assert t.objective(who, "o-ana")["title"] == "Observability", who
        assert t.kr(who, "kr-ana")["target"] == 10, who
    # The honest way: Ana changes her own objective; everyone sees it.
    assert t.load("ana", {"objectives": [okr_objective("o-ana", "Observability", "t-plat", "kr-ana", target=12)]}
                  ).code == 0
    t.sync("ana", "ben", "cleo")
    assert [t.kr(who, "kr-ana")["target"] for who in ("ana", "cleo")] == [12, 12]


def test_private_rows_edited_by_hand_never_carry_a_teammates_private_objective_out(cli, tmp_path):
    """Ana keeps o-sec private (a KR, a check-in, a comment). Ben, in his own database, writes o-sec in
    Ana's name marked shared, and his own KR and comment onto her ids; Ana touches her private KR by
    hand. Nobody's sync carries anything of hers out, nor attaches Ben's rows to it. Beside it the
    honest edits arrive: Ben's own check-in, and Ana sharing her own objective."""
    t = Crew(cli, tmp_path)
    secret = {**okr_objective("o-sec", "Reorg in March", None, "kr-sec"), "visibility": "private"}
    assert t.load("ana", {"objectives": [secret]}).code == 0
    assert t.run("ana", "checkin", "kr-sec", "4").code == 0
    assert t.run("ana", "comment", "o-sec", "tell nobody").code == 0
    assert t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", None, "kr-ben")]}).code == 0
    t.sync("ana", "ben")
    now = now_stamp()
    t.sql("ben", "insert into objective (id, origin, created_at, updated_at, deleted, signature, title, description, "
          "level, team_id, owner_id, period_id, parent_id, status, visibility, position) values (?, ?, ?, ?, 0, '', "
          "'Reorg in March', '', 'personal', null, null, '2026-Q4', null, 'draft', 'shared', 0)",
          "o-sec", t.ids["ana"], now, now)
    t.sql("ben", "insert into comment (id, origin, created_at, updated_at, deleted, signature, target_type, "
          "target_id, parent_id, body) values ('c-ben', ?, ?, ?, 0, '', 'objective', 'o-sec', null, 'what is it?')",
          t.ids["ben"], now, now)
    t.sql("ana", "update key_result set updated_at = ?, title = 'touched' where id = 'kr-sec'", now)
    assert t.run("ben", "checkin", "kr-ben", "3").code == 0  # honest, beside it
    t.sync("ben", "ana", "ben")
    t.join("cleo", "Cleo New")
    shared = t.file.read_text()
    assert [w for w in ("Reorg in March", "tell nobody", "kr-sec", "touched") if w in shared] == []
    assert "Reorg in March" not in t.run("cleo", "report", "--team").out
    with sqlite3.connect(t.dbs["ana"]) as conn:
        assert conn.execute("select visibility, origin from objective where id = 'o-sec'").fetchall() == \
            [("private", t.ids["ana"])]
    conn.close()
    assert t.kr("ana", "kr-ben")["current"] == 3 and t.kr("cleo", "kr-ben")["current"] == 3
    # The honest way: Ana shares her own objective (her own row, her own key), and it reaches everyone.
    t.sql("ana", "update objective set visibility = 'shared', updated_at = ? where id = 'o-sec'", now_stamp())
    t.sync("ana", "cleo")
    assert t.objective("cleo", "o-sec")["title"] == "Reorg in March"
