"""Entry point `sql_person`: an ordinary person on the shared PostgreSQL, in plain SQL.

Each test performs the attack (it must fail, or change nothing anyone sees) and, beside it,
the honest action (it must work). The `db` fixture (tests/storage/postgres/conftest.py) gives a new
database with the persons alice, bob and carol (tests/attacks/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json

import psycopg
import pytest

from tests.helpers import HOSTILE, PG_DOC, TODAY, pg_database, raw_in, sql, write_doc


@pytest.fixture
def db(server, cli):
    """Here `db` is a PostgreSQL database with alice, bob and carol (tests/storage/postgres's), not the SQLite file."""
    return pg_database(server, cli)

COLUMNS = "(id, origin, created_at, updated_at, deleted"
TEAM_DOC = {"format": "okrtui/1", "objectives": [
    {"id": "o-bob", "title": "Make deploys boring", "period": "2026-Q4", "level": "team", "team": "t-plat",
     "status": "draft", "key_results": [{"id": "kr-bob", "title": "Deploys from 10 to 30", "kind": "increase",
                                         "start": 10, "target": 30}]}]}


def refused(conn: psycopg.Connection, statement: str, *params: object) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as caught:
        with conn.transaction():
            conn.execute(statement, params or None)
    return caught.value


def one(conn: psycopg.Connection, statement: str, *params: object) -> object:
    row = conn.execute(statement, params or None).fetchone()
    return row[0] if row else None


def status(cli, url: str, objective: str) -> str:
    """The status the reader's report shows (computed from the records and the decisions)."""
    out = cli("--db", url, "report", "--format", "json", "--period", "2026-Q4", "--team")
    assert out.code == 0, out.err
    return next(o["status"] for o in json.loads(out.out)["objectives"] if o["id"] == objective)


@pytest.fixture
def cycle(db, cli, tmp_path):
    """Alice leads t-plat (approval on); Bob's o-bob in it is submitted for her approval."""
    assert cli("--db", db("alice"), "team", "add", "t-plat", "--name", "Platform", "--approval", "on").code == 0
    assert cli("--db", db("bob"), "import", write_doc(tmp_path / "bob.json", TEAM_DOC)).code == 0
    assert cli("--db", db("bob"), "submit", "o-bob").code == 0
    return db


# --- approve: an objective of an approval team is active only under the lead's approval of its content --

def test_a_member_cannot_make_his_objective_active_in_sql(cycle, cli):
    with sql(cycle, "bob") as bob:
        err = refused(bob, "UPDATE objective SET status = 'active' WHERE id = 'o-bob'")
        assert "asks for approval" in str(err) and "submit it" in (err.diag.message_hint or "")
        refused(bob, f"INSERT INTO objective {COLUMNS}, title, description, level, team_id, period_id, status, "
                     "visibility, position) VALUES ('o-bob2', 'p-bob', 'x', 'x', false, 'Sneaky', '', 'team', "
                     "'t-plat', '2026-Q4', 'active', 'shared', 0)")
        # A draft moved into the team as active goes to review, never straight to active.
        bob.execute(f"INSERT INTO objective {COLUMNS}, title, description, level, team_id, period_id, status, "
                    "visibility, position) VALUES ('o-bob3', 'p-bob', 'x', 'x', false, 'Elsewhere', '', 'team', "
                    "NULL, '2026-Q4', 'active', 'shared', 0)")
        bob.execute("UPDATE objective SET team_id = 't-plat' WHERE id = 'o-bob3'")
        assert one(bob, "SELECT status FROM objective WHERE id = 'o-bob3'") == "in_review"
    assert status(cli, cycle("alice"), "o-bob") == "in_review"
    assert "awaiting your approval: o-bob " in cli("--db", cycle("alice"), "inbox").out
    # Honest: the lead approves; it is active for everyone.
    assert cli("--db", cycle("alice"), "approve", "o-bob").code == 0
    assert status(cli, cycle("bob"), "o-bob") == status(cli, cycle("alice"), "o-bob") == "active"


def test_closed_or_archived_only_once_the_lead_approved_it(cycle, cli):
    """In review or a draft, straight to closed or archived in plain SQL: refused; approved, closing it works."""
    draft = (f"INSERT INTO objective {COLUMNS}, title, description, level, team_id, period_id, status, visibility, "
             "position) VALUES ('o-draft', 'p-bob', 'x', 'x', false, 'Later', '', 'team', 't-plat', '2026-Q4', "
             "'{status}', 'shared', 0)")
    with sql(cycle, "bob") as bob:
        for ended in ("closed", "archived"):
            err = refused(bob, f"UPDATE objective SET status = '{ended}' WHERE id = 'o-bob'")  # in review
            assert "has not approved it" in str(err) and "submit it" in (err.diag.message_hint or "")
            refused(bob, draft.format(status=ended))  # a new one, straight to an end
        bob.execute(draft.format(status="draft"))
        refused(bob, "UPDATE objective SET status = 'closed' WHERE id = 'o-draft'")  # a draft
        assert one(bob, "SELECT status FROM objective WHERE id = 'o-draft'") == "draft"
    assert status(cli, cycle("alice"), "o-bob") == "in_review" and status(cli, cycle("bob"), "o-draft") == "draft"
    # Approved, then changed: the change voided the approval, so closing it waits for the lead again.
    assert cli("--db", cycle("alice"), "approve", "o-bob").code == 0
    with sql(cycle, "bob") as bob:
        refused(bob, "UPDATE objective SET status = 'closed', title = 'Other' WHERE id = 'o-bob'")
        # Honest: approved as it is, its maker closes it, then archives it.
        bob.execute("UPDATE objective SET status = 'closed' WHERE id = 'o-bob'")
    assert status(cli, cycle("alice"), "o-bob") == status(cli, cycle("bob"), "o-bob") == "closed"
    with sql(cycle, "bob") as bob:
        bob.execute("UPDATE objective SET status = 'archived' WHERE id = 'o-bob'")
    assert status(cli, cycle("bob"), "o-bob") == "archived"


def test_closing_the_quarter_closes_what_the_lead_approved_and_leaves_the_rest(cycle, cli, tmp_path):
    """The honest end of a quarter on PostgreSQL: the approved objective is closed, the one still in
    review is left for the lead (closing it would need her approval), nothing is refused."""
    from okrtui.cycle import editing
    from okrtui.method import periods
    from okrtui.storage.backend import open_engine

    later = {"format": "okrtui/1", "objectives": [{**TEAM_DOC["objectives"][0], "id": "o-later", "key_results": [
        {**TEAM_DOC["objectives"][0]["key_results"][0], "id": "kr-later"}]}]}
    assert cli("--db", cycle("bob"), "import", write_doc(tmp_path / "later.json", later)).code == 0
    assert cli("--db", cycle("bob"), "submit", "o-later").code == 0
    assert cli("--db", cycle("alice"), "approve", "o-bob").code == 0
    done = editing.close_quarter(open_engine(cycle("bob")), periods.quarter("2026-Q4", 1), [])
    assert (done.closed, done.waiting) == (1, ["o-later"])
    assert [status(cli, cycle(who), o) for who in ("alice", "bob") for o in ("o-bob", "o-later")] == \
        ["closed", "in_review"] * 2


def test_a_changed_objective_or_kr_goes_back_to_review(cycle, cli):
    assert cli("--db", cycle("alice"), "approve", "o-bob").code == 0
    for change in ("UPDATE key_result SET target = 300 WHERE id = 'kr-bob'",
                   "UPDATE key_result SET unit = 'per day' WHERE id = 'kr-bob'",
                   "UPDATE objective SET title = 'Make deploys optional' WHERE id = 'o-bob'",
                   f"INSERT INTO key_result {COLUMNS}, objective_id, title, kind, unit, weight, score_comment, "
                   "position) VALUES ('kr-bob2', 'p-bob', 'x', 'x', false, 'o-bob', 'Extra', 'milestone', '', 1, '', 1)"):
        with sql(cycle, "bob") as bob:
            bob.execute(change)  # his own record: the change itself is his to make
        assert status(cli, cycle("bob"), "o-bob") == "in_review", change
        assert "awaiting your approval: o-bob " in cli("--db", cycle("alice"), "inbox").out, change
        # Honest: the lead approves what it is now, and it is active again.
        assert cli("--db", cycle("alice"), "approve", "o-bob").code == 0
        assert status(cli, cycle("bob"), "o-bob") == "active"
    with sql(cycle, "bob") as bob:  # what is not content (a self-score, a comment on the score) keeps it
        bob.execute("UPDATE key_result SET self_score = 0.7, score_comment = 'fine' WHERE id = 'kr-bob'")
        bob.execute("UPDATE objective SET description = 'why it matters' WHERE id = 'o-bob'")
    assert status(cli, cycle("bob"), "o-bob") == "active"


def test_an_objective_active_before_its_team_asked_goes_to_review_when_it_changes(db, cli, tmp_path):
    assert cli("--db", db("alice"), "team", "add", "t-plat", "--name", "Platform").code == 0
    doc = {**TEAM_DOC, "objectives": [{**TEAM_DOC["objectives"][0], "status": "active"}]}
    assert cli("--db", db("bob"), "import", write_doc(tmp_path / "bob.json", doc)).code == 0
    assert cli("--db", db("alice"), "team", "edit", "t-plat", "--approval", "on").code == 0
    assert status(cli, db("bob"), "o-bob") == "in_review"  # no approval covers it: in review (docs/team.md)
    with sql(db, "bob") as bob:
        bob.execute("UPDATE key_result SET target = 3000 WHERE id = 'kr-bob'")
        assert one(bob, "SELECT status FROM objective WHERE id = 'o-bob'") == "in_review"
    assert "awaiting your approval: o-bob " in cli("--db", db("alice"), "inbox").out
    assert cli("--db", db("alice"), "approve", "o-bob").code == 0
    assert status(cli, db("bob"), "o-bob") == "active"


# --- agree: an agreement covers the dependency's ends and text ----------------------------------

AGREED_DOC = {"format": "okrtui/1", "objectives": [
    {"id": "o-alice", "title": "Observability", "period": "2026-Q4",
     "key_results": [{"id": "kr-alice", "title": "Alerts from 0 to 9", "kind": "increase", "start": 0, "target": 9},
                     {"id": "kr-alice-sub", "title": "Pager rota", "kind": "milestone"}]}]}
BOB_DEP = {"format": "okrtui/1", "objectives": [
    {"id": "o-b", "title": "Faster builds", "period": "2026-Q4",
     "key_results": [{"id": "kr-b", "title": "Build minutes from 20 to 5", "kind": "decrease", "start": 20,
                      "target": 5}]}],
    "dependencies": [{"id": "d-bob", "from": "kr-b", "to": "kr-alice", "note": "alerts on builds"}]}


def test_a_changed_dependency_loses_its_agreement(db, cli, tmp_path):
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "a.json", AGREED_DOC)).code == 0
    assert cli("--db", db("bob"), "import", write_doc(tmp_path / "b.json", BOB_DEP)).code == 0
    assert cli("--db", db("alice"), "accept", "d-bob").code == 0
    assert "dependency request" not in cli("--db", db("alice"), "inbox").out
    for change in ("UPDATE dependency SET to_id = 'kr-alice-sub' WHERE id = 'd-bob'",
                   "UPDATE dependency SET note = 'Alice rewrites CI for me' WHERE id = 'd-bob'"):
        with sql(db, "bob") as bob:
            bob.execute(change)
        assert "dependency request: d-bob" in cli("--db", db("alice"), "inbox").out, change
        # Honest: she agrees to what it says now.
        assert cli("--db", db("alice"), "accept", "d-bob").code == 0
        assert "dependency request" not in cli("--db", db("alice"), "inbox").out
    with sql(db, "bob") as bob:  # touching nothing of its ends or text keeps the agreement
        bob.execute("UPDATE dependency SET updated_at = 'later' WHERE id = 'd-bob'")
    assert "dependency request" not in cli("--db", db("alice"), "inbox").out


# --- own: a reflection only in your own name ------------------------------------------------------

REFLECTION = (f"INSERT INTO reflection {COLUMNS}, person_id, period_id, question, answer) "
              "VALUES (%s, 'p-bob', 'x', 'x', false, %s, '2026-Q4', 'learned', %s)")


def test_a_reflection_only_in_your_own_name(db, cli, tmp_path):
    assert cli("--db", db("carol"), "team", "add", "t-c", "--name", "Core").code == 0
    for login in ("alice", "bob"):
        doc = {"format": "okrtui/1", "objectives": [{"id": f"o-{login}", "title": "Core work", "period": "2026-Q4",
                                                     "level": "team", "team": "t-c"}]}
        assert cli("--db", db(login), "import", write_doc(tmp_path / f"{login}.json", doc)).code == 0
    with sql(db, "bob") as bob:
        refused(bob, REFLECTION, "r-forged", "p-alice", "FORGED")
        bob.execute(REFLECTION, ("r-bob", "p-bob", "Ship smaller"))  # honest: his own
        refused(bob, "UPDATE reflection SET person_id = 'p-alice' WHERE id = 'r-bob'")
    md = cli("--db", db("carol"), "report", "--team", "--format", "md", "--period", "2026-Q4").out
    assert "FORGED" not in md and "### Bob" in md and "Ship smaller" in md


# --- private: visibility follows the target's table and type ----------------------------------------

def test_an_id_reused_in_another_table_shows_nothing_private(db, cli, tmp_path):
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "a.json", PG_DOC)).code == 0
    assert cli("--db", db("alice"), "comment", "o-secret", "my private plan").code == 0
    assert cli("--db", db("alice"), "comment", "o-reliable", "shared plan").code == 0
    assert cli("--db", db("bob"), "import", write_doc(tmp_path / "b.json", BOB_DEP | {"dependencies": []})).code == 0
    decoys = (f"INSERT INTO key_result {COLUMNS}, objective_id, title, kind, unit, weight, score_comment, position) "
              "VALUES ('o-secret', 'p-bob', 'x', 'x', false, 'o-b', 'decoy', 'milestone', '', 1, '', 0)",
              f"INSERT INTO objective {COLUMNS}, title, description, level, period_id, status, visibility, position) "
              "VALUES ('kr-secret', 'p-bob', 'x', 'x', false, 'decoy', '', 'personal', '2026-Q4', 'active', 'shared', 0)",
              f"INSERT INTO check_in {COLUMNS}, kr_id, date, value, note, author_id) "
              "VALUES ('o-reliable', 'p-bob', 'x', 'x', false, 'kr-b', '2026-11-02', 1, '', 'p-bob')")
    with sql(db, "bob") as bob:  # his own KR, objective and check-in under Alice's ids: refused
        for decoy in decoys:
            refused(bob, decoy)
        bob.execute(decoys[0].replace("'o-secret'", "'kr-b-new'"))  # honest: a KR under a new id
    with sql(db, "postgres") as dba:  # ...and where they exist (made before this release), they show nothing
        for decoy in decoys[:2]:
            dba.execute(decoy)
    with sql(db, "bob") as bob:
        assert bob.execute("SELECT body FROM comment WHERE target_id = 'o-secret'").fetchall() == []
        assert bob.execute("SELECT note FROM dependency WHERE id = 'd-secret'").fetchall() == []
        assert one(bob, "SELECT count(*) FROM decision WHERE subject_id = 'o-secret'") == 0
        # Honest: Alice's comment on her shared objective is his to read.
        assert bob.execute("SELECT body FROM comment WHERE target_id = 'o-reliable'").fetchall() == [("shared plan",)]
    with sql(db, "alice") as alice:  # and her own private things are still hers
        assert one(alice, "SELECT note FROM dependency WHERE id = 'd-secret'") == "private link"
        assert one(alice, "SELECT body FROM comment WHERE target_id = 'o-secret'") == "my private plan"


# --- checkin: a check-in is changed only while you answer for its KR --------------------------------

LEAD_DOC = {"format": "okrtui/1", "objectives": [
    {"id": "o-lead", "title": "Ship the platform", "period": "2026-Q4",
     "key_results": [{"id": "kr-x", "title": "Migrations from 0 to 10", "kind": "increase", "start": 0,
                      "target": 10, "owner": "p-bob"}]}]}


def around_the_servers_day(db, tmp_path) -> tuple[dt.date, object]:
    """The server's day (the database records a change of owner on it, whatever day the CLI is told) and
    LEAD_DOC in a period around it, as a written document."""
    with sql(db, "alice") as alice:
        day = one(alice, "SELECT current_date")
    assert isinstance(day, dt.date)
    doc = {"format": "okrtui/1", "periods": [{"id": "p-now", "start": str(day - dt.timedelta(days=40)),
                                              "end": str(day + dt.timedelta(days=40))}],
           "objectives": [{**LEAD_DOC["objectives"][0], "period": "p-now"}]}
    return day, write_doc(tmp_path / "lead.json", doc)


def kr_now(cli, url, day: dt.date) -> dict:
    out = cli("--db", url, "report", "--format", "json", "--period", "p-now", "--team", today=day)
    assert out.code == 0, out.err
    return next(k for o in json.loads(out.out)["objectives"] for k in o["key_results"] if k["id"] == "kr-x")


def test_a_check_in_is_not_rewritten_after_the_kr_is_handed_over(db, cli, tmp_path):
    day, doc = around_the_servers_day(db, tmp_path)
    assert cli("--db", db("alice"), "import", doc, today=day).code == 0
    assert cli("--db", db("bob"), "checkin", "kr-x", "4", "--date", str(day - dt.timedelta(days=3)), today=day).code == 0
    with sql(db, "bob") as bob:  # honest: while he answers for it, he corrects his check-in
        bob.execute("UPDATE check_in SET value = 5 WHERE kr_id = 'kr-x'")
    with sql(db, "alice") as alice:
        alice.execute("UPDATE key_result SET owner_id = 'p-carol' WHERE id = 'kr-x'")
    with sql(db, "bob") as bob:
        refused(bob, f"UPDATE check_in SET date = '{day}', value = 1 WHERE kr_id = 'kr-x'")
        refused(bob, "UPDATE check_in SET value = 1 WHERE kr_id = 'kr-x'")
    # Honest: Carol, who answers for it now, checks in.
    assert cli("--db", db("carol"), "checkin", "kr-x", "7", "--date", str(day), today=day).code == 0
    with sql(db, "carol") as carol:
        assert carol.execute("SELECT value FROM check_in WHERE kr_id = 'kr-x' ORDER BY date").fetchall() == [(5,), (7,)]


def test_the_owner_history_is_the_databases_to_write(db, cli, tmp_path):
    """A handover keeps Bob's check-ins counting; nobody rewrites when who answered, in plain SQL."""
    day, doc = around_the_servers_day(db, tmp_path)
    before = str(day - dt.timedelta(days=3))
    assert cli("--db", db("alice"), "import", doc, today=day).code == 0
    assert cli("--db", db("bob"), "checkin", "kr-x", "4", "--date", before, today=day).code == 0
    forged = json.dumps([{"from": str(day - dt.timedelta(days=30)), "owner": "p-alice"}])
    with sql(db, "alice") as alice:
        # Her own KR: the update goes through, the history she wrote does not.
        alice.execute("UPDATE key_result SET owner_history = %s WHERE id = 'kr-x'", (forged,))
        assert one(alice, "SELECT owner_history FROM key_result WHERE id = 'kr-x'") is None
        # Honest: she hands it to Carol; the database records the change, on its own day.
        alice.execute("UPDATE key_result SET owner_id = 'p-carol', owner_history = %s WHERE id = 'kr-x'", (forged,))
        stored = json.loads(str(one(alice, "SELECT owner_history FROM key_result WHERE id = 'kr-x'")))
        assert [(c["owner"]) for c in stored] == ["p-bob", "p-carol"] and stored[-1]["from"] == str(day)
        # A new KR may bring a history only in order, dated up to tomorrow, ending with its owner.
        for bad in ([{"from": str(day), "owner": "p-bob"}],
                    [{"from": str(day + dt.timedelta(days=5)), "owner": None}],
                    [{"from": str(day), "owner": None}, {"from": str(day - dt.timedelta(days=1)), "owner": None}],
                    "not json"):
            refused(alice, "INSERT INTO key_result (id, origin, created_at, updated_at, deleted, objective_id, title, "
                           "kind, unit, weight, score_comment, position, signature, owner_history) VALUES ('kr-new', "
                           "'p-alice', 'x', 'x', false, 'o-lead', 'New', 'increase', '', 1, '', 1, '', %s)",
                    bad if isinstance(bad, str) else json.dumps(bad))
    with sql(db, "bob") as bob:  # not his KR: row-level security lets him change nothing of it
        bob.execute("UPDATE key_result SET owner_history = %s WHERE id = 'kr-x'", (forged,))
    with sql(db, "carol") as carol:
        carol.execute("UPDATE key_result SET owner_history = %s WHERE id = 'kr-x'", (forged,))
        assert [c["owner"] for c in json.loads(str(one(carol, "SELECT owner_history FROM key_result")))] == \
            ["p-bob", "p-carol"]
    # Bob answered before the handover: his check-in still counts for everyone; then Carol's.
    assert [kr_now(cli, db(who), day)["current"] for who in ("alice", "bob", "carol")] == [4, 4, 4]
    assert cli("--db", db("carol"), "checkin", "kr-x", "7", "--date", str(day), today=day).code == 0
    assert [kr_now(cli, db(who), day)["current"] for who in ("alice", "bob", "carol")] == [7, 7, 7]
    # A check-in by Carol dated before she answered would never count: refused, as on SQLite.
    early = cli("--db", db("carol"), "checkin", "kr-x", "6", "--date", before, today=day)
    assert early.code == 2 and "answered for it on" in early.err


# --- own: a team id named by someone else's record is not another person's to create ----------------

def test_a_team_named_by_others_objectives_cannot_be_squatted(db, cli, tmp_path):
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "a.json", PG_DOC)).code == 0
    with sql(db, "alice") as alice:  # her objective names a team nobody has made yet
        alice.execute("UPDATE objective SET team_id = 't-sre' WHERE id = 'o-reliable'")
    squat = cli("--db", db("bob"), "team", "add", "t-sre", "--name", "SRE", "--approval", "on")
    assert squat.code == 2 and len(squat.err.splitlines()) == 1 and "already named" in squat.err, squat.err
    with sql(db, "bob") as bob:
        refused(bob, f"INSERT INTO team {COLUMNS}, name, mission, vision, approval) "
                     "VALUES ('t-sre', 'p-bob', 'x', 'x', false, 'SRE', '', '', true)")
        assert one(bob, "SELECT count(*) FROM team") == 1  # PG_DOC's t-platform only
    # Honest: a new team id is Bob's to make; t-sre is Alice's.
    assert cli("--db", db("bob"), "team", "add", "t-bob", "--name", "Builds").code == 0
    assert cli("--db", db("alice"), "team", "add", "t-sre", "--name", "SRE").code == 0


# --- checkin: one check-in per KR, author and day, however many saves race ----------------------

def test_a_second_check_in_of_the_same_day_replaces_never_doubles(db, cli, tmp_path):
    import threading

    from okrtui.cycle import checkins
    from okrtui.storage.backend import open_engine

    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "a.json", LEAD_DOC)).code == 0
    insert = (f"INSERT INTO check_in {COLUMNS}, kr_id, date, value, note, author_id) "
              "VALUES (%s, 'p-bob', 'x', 'x', false, 'kr-x', '2026-11-20', %s, '', 'p-bob')")
    with sql(db, "bob") as bob:
        bob.execute(insert, ("c-first", 1))
        refused(bob, insert, "c-double", 2)  # the attack: a second row for the same day
        bob.execute("UPDATE check_in SET value = 2 WHERE id = 'c-first'")  # honest: he corrects it
    # Two saves racing: Bob's open transaction writes the day's row after okrtui looked for one.
    engine = open_engine(db("bob"))
    try:
        with sql(db, "bob") as racer:
            racer.execute("BEGIN")
            racer.execute(insert.replace("2026-11-20", "2026-11-21"), ("c-racer", 3))
            done: list[object] = []
            saver = threading.Thread(target=lambda: done.append(
                checkins.record(engine, "kr-x", 4, day=dt.date(2026, 11, 21))))
            saver.start()
            saver.join(timeout=2)
            assert saver.is_alive()  # waiting on the racer's row
            racer.execute("COMMIT")
            saver.join(timeout=30)
        assert done and done[0].replaced  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    with sql(db, "bob") as bob:
        assert bob.execute("SELECT id, value FROM check_in WHERE kr_id = 'kr-x' AND NOT deleted "
                           "ORDER BY date").fetchall() == [("c-first", 2), ("c-racer", 4)]


# --- text and dates ---------------------------------------------------------------------------

def _bobs(cli, db, tmp_path) -> None:
    doc = {"format": "okrtui/1", "objectives": [
        {"id": "o-bob", "title": "Ship it", "period": "2026-Q4", "key_results": [
            {"id": "kr-bob", "title": "Deploys from 0 to 100", "kind": "increase", "start": 0, "target": 100}]}]}
    assert cli("--db", db("bob"), "import", write_doc(tmp_path / "bob.json", doc)).code == 0


def test_text_hostile_text_written_in_plain_sql_is_shown_escaped(db, cli, tmp_path):
    _bobs(cli, db, tmp_path)
    with sql(db, "bob") as conn:
        conn.execute("UPDATE person SET name = %s WHERE id = 'p-bob'", (f"Bob {HOSTILE}",))
        conn.execute("UPDATE objective SET title = %s WHERE id = 'o-bob'", (HOSTILE,))
        conn.execute("UPDATE key_result SET title = %s WHERE id = 'kr-bob'", (HOSTILE,))
    assert cli("--db", db("bob"), "checkin", "kr-bob", "5", "--note", HOSTILE).code == 0
    assert cli("--db", db("alice"), "comment", "o-bob", "Why?").code == 0
    for args in (["report", "--team"], ["report", "--team", "--format", "md"], ["history", "kr-bob"],
                 ["comments", "o-bob"], ["team", "list"]):
        out = cli("--db", db("alice"), *args)
        assert out.code in (0, 1) and not raw_in(out.out + out.err), (args, out.out, out.err)
    shown = cli("--db", db("alice"), "history", "kr-bob").out
    assert "\\x1b]0;pwned\\x07" in shown and "[red]x[/]" in shown  # honest: Bob's text arrives, as text


def test_dates_a_check_in_dated_ahead_in_sql_is_refused_by_the_database(db, cli, tmp_path):
    """The policy allows the server's today plus a day (a session's time zone); later is refused, as the
    CLI refuses it. The honest update beside it goes through."""
    _bobs(cli, db, tmp_path)
    assert cli("--db", db("bob"), "checkin", "kr-bob", "7", "--date", "2026-11-20").code == 0
    with sql(db, "bob") as conn:
        (today,) = conn.execute("SELECT CURRENT_DATE").fetchone()
        for statement in ("UPDATE check_in SET date = %s, value = 99 WHERE kr_id = 'kr-bob'",
                          "INSERT INTO check_in (id, origin, created_at, updated_at, deleted, kr_id, date, value, "
                          "note, author_id, signature) VALUES ('c-later', 'p-bob', '2026-11-20T00:00:00.000000Z', "
                          "'2026-11-20T00:00:00.000000Z', false, 'kr-bob', %s, 99, '', 'p-bob', '')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(statement, (today + dt.timedelta(days=2),))
        conn.execute("UPDATE check_in SET value = 8 WHERE kr_id = 'kr-bob'")  # honest: a correction
    out = cli("--db", db("alice"), "report", "--team", "--format", "json", "--as-of", TODAY)
    assert [k["current"] for o in out.json()["objectives"] for k in o["key_results"] if k["id"] == "kr-bob"] == [8]


METRICS = {"format": "okrtui/1", "metrics": [
    {"id": "m-uptime", "name": "Uptime", "unit": "%", "low": 99.9, "owner": "p-bob", "since": "2026-10-01"},
    {"id": "m-runway", "name": "Runway", "unit": "months", "visibility": "private", "since": "2026-10-01",
     "measurements": [{"id": "me-runway", "date": "2026-11-02", "value": 14}]}]}

MEASURE = ("INSERT INTO measurement (id, origin, created_at, updated_at, deleted, metric_id, date, value, note, "
           "author_id, signature) VALUES (%s, %s, 'x', 'x', false, 'm-uptime', '2026-11-20', %s, '', %s, '')")


def test_metric_measured_only_by_who_answers_for_it_and_private_stays_private(db, cli, tmp_path):
    people = {"format": "okrtui/1", "people": [{"id": "p-bob", "name": "Bob"}]}
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "p.json", people)).code == 0
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "m.json", METRICS)).code == 0
    with sql(db, "carol") as carol:  # neither its owner nor its maker
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            carol.execute(MEASURE, ("me-carol", "p-carol", 0.5, "p-carol"))
        assert carol.execute("SELECT count(*) FROM metric WHERE id = 'm-runway'").fetchone() == (0,)
        assert carol.execute("SELECT count(*) FROM measurement WHERE id = 'me-runway'").fetchone() == (0,)
        assert carol.execute("UPDATE metric SET low = 0 WHERE id = 'm-uptime'").rowcount == 0
    with sql(db, "alice") as alice:  # its maker, but Bob answers for it
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            alice.execute(MEASURE, ("me-alice", "p-alice", 99.99, "p-alice"))
    with sql(db, "bob") as bob:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # as himself, but naming Alice as the author
            bob.execute(MEASURE, ("me-bob-as-alice", "p-bob", 99.99, "p-alice"))
    # the honest actions: Bob measures the metric he owns, and everyone sees it
    assert cli("--db", db("bob"), "metric", "record", "m-uptime", "99.5", "--date", "2026-11-20").code == 0
    seen = cli("--db", db("carol"), "metric", "list", "--team", "--format", "json").json()["metrics"]
    assert [(m["id"], m["status"]) for m in seen] == [("m-uptime", "unhealthy")]
    own = cli("--db", db("alice"), "metric", "list", "--team", "--format", "json").json()["metrics"]
    assert sorted(m["id"] for m in own) == ["m-runway", "m-uptime"]
    assert cli("--db", db("alice"), "metric", "record", "m-uptime", "99.9", today=TODAY).code == 2


# --- own: a team made before someone's move-in names it leads none of what the move-in brings ------

# Alice made t-sre in her SQLite database (its maker leads it: her export marks no other origin).
SRE_DOC = {"format": "okrtui/1", "teams": [{"id": "t-sre", "name": "SRE", "approval": True}],
           "objectives": [{"id": "o-sre", "title": "Fewer pages at night", "period": "2026-Q4", "level": "team",
                           "team": "t-sre", "status": "draft",
                           "key_results": [{"id": "kr-pages", "title": "Pages from 30 to 5", "kind": "decrease",
                                            "start": 30, "target": 5}]}]}


def test_a_team_made_before_a_move_in_names_it_does_not_take_the_move_ins_objectives(db, cli, tmp_path):
    """Bob makes t-sre on the shared database before Alice moves in: her export says she leads t-sre.
    Her move-in is refused before writing, naming who leads the database's t-sre (else Bob would approve
    her objectives and see the team's)."""
    assert cli("--db", db("bob"), "team", "add", "t-sre", "--name", "SRE", "--approval", "on").code == 0
    out = cli("--db", db("alice"), "import", write_doc(tmp_path / "alice.json", SRE_DOC))
    assert out.code == 2 and len(out.err.splitlines()) == 1, out.err
    assert "t-sre" in out.err and "p-bob" in out.err and "nothing was imported" in out.err, out.err
    with sql(db, "alice") as alice:
        assert one(alice, "SELECT count(*) FROM objective WHERE id = 'o-sre'") == 0
    # Honest: her export of Bob's t-sre, come to her by sync (marked as his: she joins his team), or a
    # document naming no team record (a member importing into the team her lead made), moves in.
    joins = {**SRE_DOC, "teams": [{**SRE_DOC["teams"][0], "origin": "p-bob"}]}
    joined = cli("--db", db("alice"), "import", write_doc(tmp_path / "joins.json", joins))
    assert joined.code == 0, joined.err
    plain = {"format": "okrtui/1", "objectives": [{**SRE_DOC["objectives"][0], "id": "o-sre2",
                                                   "key_results": [{**SRE_DOC["objectives"][0]["key_results"][0],
                                                                    "id": "kr-pages2"}]}]}
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "plain.json", plain)).code == 0
