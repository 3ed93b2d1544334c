"""A shared PostgreSQL database, against a real PostgreSQL 16 that the suite starts itself (pgserver).

The rules are the database's, so they are tested the way an attacker would try them: plain SQL
as another person's role.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import uuid

import psycopg
import pytest

from okrtui.cycle import checkins
from okrtui.storage.backend import open_engine
from tests.helpers import PG_DOC as DOC
from tests.helpers import TODAY, sql, tui_as, write_doc


def test_init_is_idempotent_says_what_it_did_and_refuses_a_newer_schema(db, cli):
    again = cli("admin", "init", "--db", db("postgres"))
    assert again.code == 0 and "schema already at version" in again.out and "row-level security" in again.out
    with sql(db, "postgres") as conn:
        conn.execute("INSERT INTO schema_migration VALUES (99, 'future', 'x')")
    newer = cli("admin", "init", "--db", db("postgres"))
    assert newer.code == 2 and "newer okrtui" in newer.err
    assert "newer okrtui" in cli("--db", db("alice"), "report").err


def test_the_same_document_gives_the_same_report_on_sqlite_and_postgres(db, cli, tmp_path):
    path = write_doc(tmp_path / "doc.json", DOC)
    local = tmp_path / "local.db"
    assert cli("--db", local, "whoami", "--adopt", "p-alice").code == 0  # Alice's check-ins are hers alone
    assert cli("--db", local, "import", path).code == 0
    assert cli("--db", db("alice"), "import", path).code == 0
    for extra in ([], ["--team"]):
        args = ["report", "--format", "json", "--period", "2026-Q4", "--as-of", "2026-11-26", *extra]
        on_sqlite = cli("--db", local, *args)
        on_postgres = cli("--db", db("alice"), *args)
        assert on_sqlite.code == on_postgres.code == 0
        assert on_postgres.json() == on_sqlite.json()
    # Bob sees Alice's shared records, never her private objective, its KR, check-ins or links.
    bob = cli("--db", db("bob"), "report", "--team", "--format", "json", "--period", "2026-Q4").json()
    assert [o["id"] for o in bob["objectives"]] == ["o-reliable"]


def test_policies_hold_against_plain_sql_as_another_person(db, cli, tmp_path):
    cli("--db", db("alice"), "import", write_doc(tmp_path / "doc.json", DOC))
    with sql(db, "bob") as bob:
        assert bob.execute("UPDATE objective SET title = 'mine now' WHERE id = 'o-reliable'").rowcount == 0
        assert bob.execute("SELECT count(*) FROM objective WHERE id = 'o-secret'").fetchone() == (0,)
        assert bob.execute("SELECT count(*) FROM key_result WHERE id = 'kr-secret'").fetchone() == (0,)
        assert bob.execute("SELECT count(*) FROM check_in WHERE id = 'c-secret'").fetchone() == (0,)
        assert bob.execute("SELECT count(*) FROM dependency WHERE id = 'd-secret'").fetchone() == (0,)
        for attack in (
            "INSERT INTO objective (id, origin, created_at, updated_at, deleted, title, description, level, "
            "period_id, status, visibility, position) VALUES ('o-forged', 'p-alice', 'x', 'x', false, 'forged', "
            "'', 'team', '2026-Q4', 'active', 'shared', 0)",
            "INSERT INTO check_in (id, origin, created_at, updated_at, deleted, kr_id, date, value, note) "
            "VALUES ('c-forged', 'p-bob', 'x', 'x', false, 'kr-deploys', '2026-11-20', 1, '')",
            "SET ROLE alice",
            "SET ROLE okrtui_person",
            "CREATE TABLE mine (x int)",
            "ALTER TABLE objective DISABLE ROW LEVEL SECURITY",
            "DROP POLICY okrtui_read ON objective",
            "SELECT * FROM meta",
            "DELETE FROM check_in WHERE kr_id = 'kr-deploys'",  # persons delete by tombstone only
        ):
            with pytest.raises(psycopg.Error):
                bob.execute(attack)
        # Bob's own record: still no changing of id or origin.
        bob.execute("INSERT INTO team (id, origin, created_at, updated_at, deleted, name, mission, vision) "
                    "VALUES ('t-bob', 'p-bob', 'x', 'x', false, 'Bob''s', '', '')")
        for attack in ("UPDATE team SET origin = 'p-alice' WHERE id = 't-bob'",
                       "UPDATE team SET id = 't-other' WHERE id = 't-bob'"):
            with pytest.raises(psycopg.Error):
                bob.execute(attack)
    with sql(db, "alice") as alice:
        assert alice.execute("SELECT title FROM objective WHERE id = 'o-reliable'").fetchone() == (
            "Make deploys boringly reliable",)
        assert alice.execute("SELECT count(*) FROM objective WHERE id IN ('o-secret', 'o-forged')").fetchone() == (1,)


def test_the_owner_checks_in_on_a_kr_someone_else_made(db, cli, tmp_path):
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-team", "title": "Make deploys boring", "period": "2026-Q4",
           "key_results": [{"id": "kr-bob1", "title": "Deploys from 10 to 30", "kind": "increase", "start": 10,
                            "target": 30, "owner": "p-bob"}]}]}
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "d.json", doc)).code == 0
    done = cli("--db", db("bob"), "checkin", "kr-bob1", "20", "--date", "2026-11-20")
    assert done.code == 0, done.err
    refused = cli("--db", db("carol"), "checkin", "kr-bob1", "25", "--date", "2026-11-20")
    assert refused.code == 2 and "only they can check in" in refused.err
    with sql(db, "carol") as carol:  # and the database says the same without okrtui
        with pytest.raises(psycopg.Error):
            carol.execute("INSERT INTO check_in (id, origin, created_at, updated_at, deleted, kr_id, date, value, "
                          "note) VALUES ('c-carol', 'p-carol', 'x', 'x', false, 'kr-bob1', '2026-11-20', 25, '')")
    rep = cli("--db", db("alice"), "report", "--format", "json", "--period", "2026-Q4", "--as-of", "2026-11-26")
    assert rep.json()["objectives"][0]["key_results"][0]["current"] == 20
    with sql(db, "alice") as alice:
        assert alice.execute("SELECT origin FROM check_in").fetchall() == [("p-bob",)]


WRITER = """
import datetime as dt, sys
from okrtui.cycle import checkins
from okrtui.storage.backend import open_engine
engine = open_engine(sys.argv[1])
for i in range(10):
    # a day of its own for each (one check-in per KR, author and day: a second one replaces)
    day = dt.date(2026, 10, 1) + dt.timedelta(days=int(sys.argv[3]) * 10 + i)
    checkins.record(engine, sys.argv[2], float(sys.argv[3]) * 100 + i, day=day)
print("ok")
"""


def test_six_processes_checking_in_at_once_lose_nothing(db, cli, tmp_path):
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-busy", "title": "Busy together", "period": "2026-Q4",
           "key_results": [{"id": f"kr-{i}", "title": f"r{i}", "kind": "increase", "start": 0, "target": 1000}
                           for i in range(3)]}]}
    cli("--db", db("alice"), "import", write_doc(tmp_path / "d.json", doc))
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, db("alice"), f"kr-{n % 3}", str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(6)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and "ok" in out, err
    with sql(db, "alice") as alice:
        values = sorted(int(v) for (v,) in alice.execute("SELECT value FROM check_in"))
    assert values == sorted(n * 100 + i for n in range(6) for i in range(10))


def test_a_database_not_set_up_or_unknown_person_gives_one_clear_line(server, db, cli):
    name = f"okr_{uuid.uuid4().hex[:10]}"
    server.psql(f"CREATE DATABASE {name};")
    bare = f"postgresql://postgres@/{name}?host={db.host}"
    result = cli("--db", bare, "report")
    assert result.code == 2 and "not set up for okrtui" in result.err and "admin init" in result.err
    server.psql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dave') THEN "
                "CREATE ROLE dave LOGIN IN ROLE okrtui_person; END IF; END $$;")
    stranger = cli("--db", db("dave"), "whoami")
    assert stranger.code == 2 and "admin add-person dave" in stranger.err
    assert "nothing to adopt" in cli("--db", db("alice"), "whoami", "--adopt", "p-x").err
    assert "needs no team file" in cli("--db", db("alice"), "sync", "/tmp/team.jsonl").err


async def test_the_tui_works_on_postgres(db, cli, tmp_path):
    from okrtui.storage.model import CheckIn
    from okrtui.storage.store import reading
    from tests.helpers import press, settle

    app, engine = tui_as("alice", db, cli, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.data is not None and app.data.me == "p-alice"
        assert {o.id for o in app.data.report.objectives} == {"o-reliable", "o-secret"}
        await press(pilot, "c", "enter")
        for key in "97":
            await pilot.press(key)
        await press(pilot, "enter")
        assert not app.notified_errors
    with reading(engine) as session:
        from sqlmodel import select

        values = [c.value for c in session.exec(select(CheckIn).where(CheckIn.date == TODAY)).all()]
    assert values == [97]
    engine.dispose()


def test_checkins_service_refuses_a_stranger_in_the_database_too(db, cli, tmp_path):
    cli("--db", db("alice"), "import", write_doc(tmp_path / "doc.json", DOC))
    engine = open_engine(db("bob"))
    try:
        with pytest.raises(Exception) as caught:
            checkins.record(engine, "kr-deploys", 97, day=dt.date(2026, 11, 20))
        assert "only they can check in" in str(caught.value)
    finally:
        engine.dispose()


async def test_teammates_changes_appear_without_a_restart(db, cli, tmp_path):
    from tests.helpers import press, settle

    app, engine = tui_as("bob", db, cli, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        kr = next(k for o in app.data.report.objectives for k in o.key_results if k.id == "kr-deploys")
        assert kr.current == 96.5
        assert cli("--db", db("alice"), "checkin", "kr-deploys", "98", "--date", "2026-11-25").code == 0
        await press(pilot, "f5")
        kr = next(k for o in app.data.report.objectives for k in o.key_results if k.id == "kr-deploys")
        assert kr.current == 98
    engine.dispose()


def test_importing_twice_changes_nothing_on_postgres_as_on_sqlite(db, cli, tmp_path):
    """The upsert path on both dialects: the same document again is all 'unchanged'."""
    path = write_doc(tmp_path / "doc.json", DOC)
    local = tmp_path / "local.db"
    assert cli("--db", local, "whoami", "--adopt", "p-alice").code == 0  # Alice's check-ins are hers alone
    for target in (str(local), db("alice")):
        first = cli("--db", target, "import", path)
        again = cli("--db", target, "import", path)
        assert first.code == again.code == 0
        assert "0 created, 0 updated" in again.out, (target, again.out)


# --- the OKR cycle as a conversation (okrtui.method.cycle), as two roles and in plain SQL ------------------

CYCLE_DOC = {"format": "okrtui/1", "objectives": [
    {"id": "o-bob", "title": "Make deploys boring", "period": "2026-Q4", "level": "team", "team": "t-plat",
     "status": "draft", "key_results": [{"id": "kr-bob", "title": "Deploys from 10 to 30", "kind": "increase",
                                         "start": 10, "target": 30}]}]}


def test_the_cycle_on_postgres_as_two_roles(db, cli, tmp_path):
    lead, member = db("alice"), db("bob")
    assert cli("--db", lead, "team", "add", "t-plat", "--name", "Platform", "--approval", "on").code == 0
    assert cli("--db", member, "import", write_doc(tmp_path / "d.json", CYCLE_DOC)).code == 0
    assert "only Alice, the lead of team Platform" in cli("--db", member, "approve", "o-bob").err
    assert cli("--db", member, "submit", "o-bob").code == 0
    assert "awaiting your approval: o-bob" in cli("--db", lead, "inbox").out
    assert cli("--db", lead, "request-changes", "o-bob", "Aim higher").code == 0
    assert "changes requested: o-bob  Make deploys boring: Aim higher" in cli("--db", member, "inbox").out
    higher = {**CYCLE_DOC, "objectives": [{**CYCLE_DOC["objectives"][0], "key_results": [
        {**CYCLE_DOC["objectives"][0]["key_results"][0], "target": 40}]}]}
    assert cli("--db", member, "import", write_doc(tmp_path / "d2.json", higher)).code == 0
    assert cli("--db", member, "submit", "o-bob").code == 0
    assert cli("--db", lead, "approve", "o-bob", "--note", "better").code == 0
    # The review's history reads the same for both roles (okrtui.method.rounds): what changed since the request.
    rounds = [[line for line in cli("--db", who, "comments", "o-bob").out.splitlines() if line.startswith("review")]
              for who in (lead, member)]
    assert rounds[0] == rounds[1] and len(rounds[0]) == 4, rounds
    assert rounds[0][2].endswith('resubmitted by Bob: KR "Deploys from 10 to 30": target 30 → 40'), rounds
    assert rounds[0][3].endswith("approved by Alice: better"), rounds
    assert cli("--db", member, "checkin", "kr-bob", "20", "--date", "2026-11-25").code == 0
    with sql(db, "bob") as bob:
        (check_in,) = bob.execute("SELECT id FROM check_in WHERE kr_id = 'kr-bob'").fetchone()
        (status,) = bob.execute("SELECT status FROM objective WHERE id = 'o-bob'").fetchone()
    assert status == "in_review"  # as stored: the lead's approval is the lead's own record
    said = cli("--db", lead, "comment", check_in, "What blocks the rest?")
    assert said.code == 0
    inbox = cli("--db", member, "inbox", "--mark-seen")
    assert inbox.code == 1 and "What blocks the rest?  (from Alice)" in inbox.out
    assert cli("--db", member, "comment", check_in, "Flaky runner", "--reply-to", said.out.split()[1]).code == 0
    assert "Flaky runner  (from Bob)" in cli("--db", lead, "inbox").out
    assert cli("--db", member, "inbox").code == 0
    deps = {"format": "okrtui/1", "objectives": [{"id": "o-alice", "title": "Observability", "period": "2026-Q4",
            "key_results": [{"id": "kr-alice", "title": "Alerts from 0 to 9", "kind": "increase", "start": 0,
                             "target": 9}]}],
            "dependencies": [{"id": "d-1", "from": "kr-alice", "to": "kr-bob", "note": "boring deploys"},
                             {"id": "d-2", "from": "kr-alice", "to": "kr-bob", "note": "weekend deploys"}]}
    assert cli("--db", lead, "import", write_doc(tmp_path / "deps.json", deps)).code == 0
    assert "dependency request: d-1" in cli("--db", member, "inbox").out
    assert "only Bob, who answers for kr-bob" in cli("--db", lead, "accept", "d-1").err
    assert cli("--db", member, "accept", "d-1").code == 0
    assert cli("--db", member, "decline", "d-2", "No weekend work").code == 0
    md = cli("--db", lead, "report", "--team", "--format", "md", "--period", "2026-Q4").out
    assert "d-2" in md and "**declined** by Bob: “No weekend work”" in md and "d-1:" not in md


def test_plain_sql_cannot_approve_comment_as_another_or_answer_for_anothers_kr(db, cli, tmp_path):
    assert cli("--db", db("alice"), "team", "add", "t-plat", "--name", "Platform", "--approval", "on").code == 0
    assert cli("--db", db("bob"), "import", write_doc(tmp_path / "d.json", CYCLE_DOC)).code == 0
    assert cli("--db", db("bob"), "submit", "o-bob").code == 0
    dep = {"format": "okrtui/1", "objectives": [{"id": "o-carol", "title": "Observability", "period": "2026-Q4",
           "key_results": [{"id": "kr-carol", "title": "Alerts from 0 to 9", "kind": "increase", "start": 0,
                            "target": 9}]}], "dependencies": [{"id": "d-1", "from": "kr-carol", "to": "kr-bob"}]}
    assert cli("--db", db("carol"), "import", write_doc(tmp_path / "c.json", dep)).code == 0
    decision = ("INSERT INTO decision (id, origin, created_at, updated_at, deleted, subject_type, subject_id, "
                "verdict, note, basis) VALUES ('{id}', '{origin}', 'x', 'x', false, '{kind}', '{subject}', "
                "'{verdict}', '', '')")
    comment = ("INSERT INTO comment (id, origin, created_at, updated_at, deleted, target_type, target_id, body) "
               "VALUES ('{id}', '{origin}', 'x', 'x', false, 'objective', 'o-bob', 'hi')")
    with sql(db, "bob") as bob:
        for attack in (
            decision.format(id="x1", origin="p-bob", kind="objective", subject="o-bob", verdict="approved"),
            decision.format(id="x2", origin="p-alice", kind="objective", subject="o-bob", verdict="approved"),
            comment.format(id="x3", origin="p-alice"),
            "UPDATE comment SET target_id = 'o-carol'",
        ):
            with pytest.raises(psycopg.Error):
                bob.execute(attack)
        bob.execute(comment.format(id="ok-1", origin="p-bob"))  # the honest comment, as himself
        with pytest.raises(psycopg.Error):  # a comment never moves to another target
            bob.execute("UPDATE comment SET target_id = 'o-carol' WHERE id = 'ok-1'")
        bob.execute("UPDATE comment SET body = 'hello' WHERE id = 'ok-1'")
        bob.execute(decision.format(id="ok-2", origin="p-bob", kind="dependency", subject="d-1", verdict="agreed"))
    with sql(db, "carol") as carol:  # carol does not own kr-bob: she cannot agree for bob
        with pytest.raises(psycopg.Error):
            carol.execute(decision.format(id="x4", origin="p-carol", kind="dependency", subject="d-1",
                                          verdict="agreed"))
        assert carol.execute("SELECT count(*) FROM comment WHERE origin = 'p-bob'").fetchone() == (1,)
        carol.execute("INSERT INTO seen VALUES ('p-carol', 'ok-1', 'x')")
        with pytest.raises(psycopg.Error):
            carol.execute("INSERT INTO seen VALUES ('p-bob', 'ok-1', 'x')")
    with sql(db, "alice") as alice:  # the lead approves, in plain SQL too
        alice.execute(decision.format(id="ok-3", origin="p-alice", kind="objective", subject="o-bob",
                                      verdict="approved"))
        assert alice.execute("SELECT count(*) FROM seen").fetchone() == (0,)


def test_the_lead_reads_a_members_reflections_and_no_one_else_does(db, cli, tmp_path):
    assert cli("--db", db("alice"), "team", "add", "t-plat", "--name", "Platform").code == 0
    doc = {**CYCLE_DOC, "reflections": [{"id": "r-bob", "period": "2026-Q4", "question": "learned",
                                         "answer": "Ship smaller"}]}
    assert cli("--db", db("bob"), "import", write_doc(tmp_path / "d.json", doc)).code == 0
    with sql(db, "alice") as alice:
        assert alice.execute("SELECT answer FROM reflection").fetchall() == [("Ship smaller",)]
    with sql(db, "carol") as carol:
        assert carol.execute("SELECT count(*) FROM reflection").fetchone() == (0,)
    md = cli("--db", db("alice"), "report", "--team", "--format", "md", "--period", "2026-Q4").out
    assert "### Bob" in md and "Ship smaller" in md


def test_a_leads_document_with_check_ins_others_answer_for_is_refused_alike_on_both(db, cli, tmp_path):
    """Both databases refuse it before writing, naming the KR and who answers for it, in one line."""
    from okrtui.storage.backend import open_engine as opened
    from okrtui.storage.model import Person
    from okrtui.storage.store import set_meta, writing

    doc = {"format": "okrtui/1", "people": [{"id": "p-bob", "name": "Bob"}], "objectives": [
        {"id": "o-lead", "title": "Ship the platform", "period": "2026-Q4",
         "key_results": [{"id": "kr-ben", "title": "Migrations from 0 to 10", "kind": "increase", "start": 0,
                          "target": 10, "owner": "p-bob",
                          "check_ins": [{"id": "c-lead", "date": "2026-11-02", "value": 9}]}]}]}
    local = tmp_path / "alice.db"
    engine = opened(local)
    with writing(engine) as session:
        set_meta(session, "identity", "p-alice")
        session.add(Person(id="p-alice", name="Alice", origin="p-alice"))
    engine.dispose()
    errors = []
    for target in (str(local), db("alice")):
        refused = cli("--db", target, "import", write_doc(tmp_path / "lead.json", doc))
        assert refused.code == 2 and len(refused.err.splitlines()) == 1, (target, refused.err)
        assert "Bob's key result (a check-in on it) 'kr-ben'" in refused.err and "Nothing was imported" in refused.err
        errors.append(refused.err)
        # Honest: the same document without the check-ins, then Bob checks in himself.
        clean = {**doc, "objectives": [{**doc["objectives"][0], "key_results": [
            {k: v for k, v in doc["objectives"][0]["key_results"][0].items() if k != "check_ins"}]}]}
        assert cli("--db", target, "import", write_doc(tmp_path / "clean.json", clean)).code == 0
    assert errors[0] == errors[1]
    assert cli("--db", db("bob"), "checkin", "kr-ben", "3", "--date", "2026-11-03").code == 0


def test_the_conversation_of_an_objective_made_private_reaches_no_one_else(db, cli, tmp_path):
    """The conversation's records are one read on both drivers (okrtui.storage.reads): Alice's replies
    and comments on her objective, once it is private, reach Bob through no command, his own
    comment aside; before, he sees the thread."""
    import copy

    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "doc.json", DOC)).code == 0
    assert cli("--db", db("bob"), "comment", "o-reliable", "How do you count a deploy?").code == 0
    comment_id = cli("--db", db("bob"), "comments", "o-reliable").out.split()[0]
    reply = cli("--db", db("alice"), "comment", "o-reliable", "Green pipelines only (the secret answer)",
                "--reply-to", comment_id)
    assert reply.code == 0, reply.err
    assert cli("--db", db("alice"), "comment", "kr-deploys", "KR talk (the secret answer)").code == 0
    honest = cli("--db", db("bob"), "inbox")
    assert "the secret answer" in honest.out  # shared: Bob sees Alice's reply to him
    private = copy.deepcopy(DOC)
    private["objectives"][0]["visibility"] = "private"
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "private.json", private)).code == 0
    for args in (["inbox"], ["report", "--team"], ["export"], ["comments", "o-reliable"], ["comments", "kr-deploys"],
                 ["history", "kr-deploys"], ["export", "--format", "html", "--team"]):
        seen = cli("--db", db("bob"), *args)
        assert "the secret answer" not in seen.out + seen.err and "Make deploys" not in seen.out, (args, seen.out)
    assert "the secret answer" in cli("--db", db("alice"), "comments", "o-reliable").out  # hers to read
