"""Operating a shared PostgreSQL database as docs/postgres.md says: moving in from SQLite, backups that
restore, live refresh through LISTEN/NOTIFY. Against the suite's one real PostgreSQL 16 (tests/conftest.py)."""

from __future__ import annotations

import copy
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.helpers import PG_DOC as DOC
from tests.helpers import count_check_in_saves, sql, tui_as, write_doc

OWNER = "okr_dba"  # the DBA: owns the database, no superuser, no BYPASSRLS, as in docs/postgres.md


def new_database(server, host: str, cli, persons=("alice", "bob", "carol")):
    """A database as docs/postgres.md sets it up: owned by an ordinary role (not a superuser, which
    would bypass row-level security and hide what a real DBA meets), initialised and with `persons`
    added by that owner. A function of the login gives its URL, like `db`."""
    server.psql(f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{OWNER}') THEN "
                f"CREATE ROLE {OWNER} LOGIN CREATEROLE CREATEDB; END IF; END $$;")
    # The person role already exists in this cluster (made by the superuser's `db`): let the DBA manage it.
    server.psql(f"GRANT okrtui_person TO {OWNER} WITH ADMIN OPTION;")
    name = f"okr_{uuid.uuid4().hex[:10]}"
    server.psql(f"CREATE DATABASE {name} OWNER {OWNER};")

    def url(login: str) -> str:
        return f"postgresql://{login}@/{name}?host={host}"

    init = cli("admin", "init", "--db", url(OWNER))
    assert init.code == 0, init.err
    for login in persons:
        added = cli("admin", "add-person", login, "--name", login.title(), "--db", url(OWNER))
        assert added.code == 0, added.err
    url.name, url.host = name, host  # type: ignore[attr-defined]
    return url


@pytest.fixture
def owned(server, db, cli):
    return new_database(server, db.host, cli)


REPORT = ("report", "--format", "json", "--period", "2026-Q4", "--as-of", "2026-11-26")


def pg_bin(name: str) -> str:
    """pg_dump and pg_restore ship beside the postgres that pgserver runs."""
    import pgserver

    return str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)


def reports(cli, url, logins=("alice", "bob", "carol")) -> dict[str, object]:
    out = {}
    for login in logins:
        for extra in ([], ["--team"]):
            result = cli("--db", url(login), *REPORT, *extra)
            assert result.code == 0, result.err
            out[f"{login}{extra}"] = result.json()
    return out


def test_export_json_works_for_every_person(db, cli, tmp_path):
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "doc.json", DOC)).code == 0
    for login in ("alice", "bob", "carol"):
        result = cli("--db", db(login), "export")
        assert result.code == 0, result.err
        ids = [o["id"] for o in result.json()["objectives"]]
        assert ids == (["o-reliable", "o-secret"] if login == "alice" else ["o-reliable"])


def dump(url, target: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([pg_bin("pg_dump"), "-Fc", *extra, "-h", url.host, "-U", OWNER, "-f", str(target),
                           url.name], capture_output=True, text=True)


def test_a_plain_dump_as_the_owner_is_refused_by_row_level_security(owned, tmp_path):
    """Why the documented command says --enable-row-security: without it pg_dump refuses (exit 1)."""
    made = dump(owned, tmp_path / "okr.dump")
    assert made.returncode == 1 and "row-level security" in made.stderr


def test_the_documented_backup_restores_every_row_into_an_empty_database(owned, cli, tmp_path):
    db = owned
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "doc.json", DOC)).code == 0
    assert cli("--db", db("bob"), "team", "add", "t-bob", "--name", "Bob's").code == 0
    answer = {"format": "okrtui/1", "reflections": [{"id": "r-bob", "period": "2026-Q4", "question": "learned",
                                                     "answer": "Canaries first"}]}
    assert cli("--db", db("bob"), "import", write_doc(tmp_path / "r.json", answer)).code == 0  # his alone to read
    assert cli("--db", db("carol"), "checkin", "kr-deploys", "97", "--date", "2026-11-20").code == 2  # not hers
    before = reports(cli, db)
    assert [o["id"] for o in before["alice[]"]["objectives"]] == ["o-reliable", "o-secret"]
    # The commands of docs/postgres.md, as the database's owner.
    made = dump(db, tmp_path / "okr.dump", "--enable-row-security")
    assert made.returncode == 0, made.stderr
    restored = f"okr_{uuid.uuid4().hex[:10]}"
    for step in (["createdb", restored], ["pg_restore", "-d", restored, str(tmp_path / "okr.dump")]):
        done = subprocess.run([pg_bin(step[0]), "-h", db.host, "-U", OWNER, *step[1:]], capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stderr

    def url(login: str) -> str:
        return f"postgresql://{login}@/{restored}?host={db.host}"

    assert cli("admin", "init", "--db", url(OWNER)).code == 0
    assert reports(cli, url) == before
    tables = ("person", "team", "period", "objective", "key_result", "check_in", "dependency", "reflection")
    every_row = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    with psycopg.connect(dbname=db.name, host=db.host, user=OWNER) as old, \
            psycopg.connect(dbname=restored, host=db.host, user=OWNER) as new:
        assert new.execute(every_row).fetchall() == old.execute(every_row).fetchall()
        assert old.execute("SELECT count(*) FROM check_in").fetchone() == (4 + 1,)
        assert new.execute("SELECT origin, answer FROM reflection").fetchall() == [("p-bob", "Canaries first")]


# --- moving in --------------------------------------------------------------------------------------

def sqlite_person(cli, path: Path, name: str) -> str:
    """A person's own SQLite database, made with the CLI as they would; returns their identity."""
    made = cli("--db", path, "whoami", "--name", name)
    assert made.code == 0, made.err
    return made.out.strip().rsplit("(", 1)[1].rstrip(")")


def test_moving_in_from_sqlite_keeps_ids_and_leaves_teammates_records_to_them(server, db, cli, tmp_path):
    # Bob and Alice use SQLite and a team file: Alice's database holds Bob's records too.
    team_file = tmp_path / "team.jsonl"
    bob_db, alice_db = tmp_path / "bob.db", tmp_path / "alice.db"
    alice_id = sqlite_person(cli, alice_db, "Alice Ng")
    bob_id = sqlite_person(cli, bob_db, "Bob Li")
    # Bob's objective, with a KR he drafted for Alice to answer for.
    bob_doc = {"format": "okrtui/1", "people": [{"id": alice_id, "name": "Alice Ng"}], "objectives": [
        {"id": "o-bob", "title": "Ship the paved road", "period": "2026-Q4", "owner": bob_id,
         "key_results": [{"id": "kr-bob", "title": "Teams on it from 2 to 10", "kind": "increase", "start": 2,
                          "target": 10, "check_ins": [{"id": "c-bob", "date": "2026-11-02", "value": 5}]},
                         {"id": "kr-for-alice", "title": "Docs pages from 0 to 20", "kind": "increase",
                          "start": 0, "target": 20, "owner": alice_id}]}]}
    assert cli("--db", bob_db, "import", write_doc(tmp_path / "bob.json", bob_doc)).code == 0
    assert cli("--db", bob_db, "sync", team_file).code == 0
    assert cli("--db", alice_db, "sync", team_file).code == 0
    mine = {**copy.deepcopy(DOC), "people": []}
    mine["objectives"][0]["owner"] = alice_id
    mine["objectives"][0]["parent"] = "o-bob"  # her objective aligns to Bob's
    mine["objectives"][0]["key_results"][0]["owner"] = alice_id
    assert cli("--db", alice_db, "import", write_doc(tmp_path / "mine.json", mine)).code == 0
    assert cli("--db", alice_db, "checkin", "kr-deploys", "97.5", "--date", "2026-11-20").code == 0
    assert cli("--db", alice_db, "team", "add", "t-alice", "--name", "Alice's").code == 0
    assert cli("--db", alice_db, "sync", team_file).code == 0
    assert cli("--db", alice_db, "checkin", "kr-for-alice", "8", "--date", "2026-11-21").code == 0
    on_sqlite = {who: {extra: cli("--db", path, *REPORT, *extra).json() for extra in ((), ("--team",))}
                 for who, path in (("alice", alice_db), ("bob", bob_db))}
    assert {o["id"] for o in on_sqlite["alice"][("--team",)]["objectives"]} >= {"o-bob", "o-reliable"}

    # docs/postgres.md, moving in: each person exports, the owner adds them with --adopt, they import.
    assert cli("--db", alice_db, "export", "-o", tmp_path / "alice-export.json").code == 0
    assert cli("--db", bob_db, "export", "-o", tmp_path / "bob-export.json").code == 0
    url = new_database(server, db.host, cli, persons=())
    added = cli("admin", "add-person", "alice", "--name", "Alice Ng", "--adopt", alice_id, "--db", url(OWNER))
    assert added.code == 0 and alice_id in added.out
    assert cli("--db", url("alice"), "whoami").out.strip() == f"Alice Ng ({alice_id})"
    moved = cli("--db", url("alice"), "import", tmp_path / "alice-export.json")
    assert moved.code == 0, moved.err
    # His objective, its two KRs and his check-in; her check-in on the KR he drafted waits for him.
    assert ("left out 4 records made by others (Bob Li (" + bob_id + "): 4), and 1 record of yours on theirs, "
            "which this database does not have yet: each person imports their own export") in moved.out
    assert "left out 1 person this database does not have and no record names: Bob Li" in moved.out
    # Her records kept their ids and are hers; nothing of Bob's came along as hers.
    assert cli("--db", url("alice"), *REPORT).json() == on_sqlite["alice"][()]
    with psycopg.connect(dbname=url.name, host=url.host, user=OWNER) as conn:
        assert conn.execute("SELECT DISTINCT origin FROM objective").fetchall() == [(alice_id,)]
        assert conn.execute("SELECT count(*) FROM objective WHERE id = 'o-bob'").fetchone() == (0,)
    # Bob moves in the same way; then each reads what they read on SQLite, Alice's team view (which
    # had Bob's records by sync) included.
    assert cli("admin", "add-person", "bob", "--name", "Bob Li", "--adopt", bob_id, "--db", url(OWNER)).code == 0
    assert cli("--db", url("bob"), "import", tmp_path / "bob-export.json").code == 0
    assert cli("--db", url("bob"), *REPORT).json() == on_sqlite["bob"][()]
    # Alice's export again, after Bob's: her check-in on his KR goes in; the rest of hers is unchanged,
    # Bob's records still his.
    again = cli("--db", url("alice"), "import", tmp_path / "alice-export.json")
    assert again.code == 0 and "1 created, 0 updated" in again.out and "left out 4 records" in again.out
    assert "of yours" not in again.out
    for who, extra in (("alice", ()), ("alice", ("--team",))):
        assert cli("--db", url(who), *REPORT, *extra).json() == on_sqlite[who][extra], (who, extra)
    with psycopg.connect(dbname=url.name, host=url.host, user=OWNER) as conn:
        assert conn.execute("SELECT origin FROM objective WHERE id = 'o-bob'").fetchone() == (bob_id,)


def test_an_import_naming_people_not_added_is_refused_before_writing_naming_them(owned, cli, tmp_path):
    doc = {"format": "okrtui/1", "people": [{"id": "p-dave", "name": "Dave Ode"}],
           "objectives": [{"id": "o-team", "title": "Make deploys boring", "period": "2026-Q4",
                           "key_results": [{"id": "kr-dave", "title": "Deploys from 10 to 30", "kind": "increase",
                                            "start": 10, "target": 30, "owner": "p-dave"}]}]}
    path = write_doc(tmp_path / "draft.json", doc)
    refused = cli("--db", owned("alice"), "import", path)
    assert refused.code == 2 and refused.out == ""
    assert refused.err.count("\n") == 1 and "Dave Ode (p-dave)" in refused.err
    assert "okrtui admin add-person LOGIN --name NAME --adopt ID" in refused.err
    assert "violates" not in refused.err and "SQL" not in refused.err
    with psycopg.connect(dbname=owned.name, host=owned.host, user=OWNER) as conn:
        assert conn.execute("SELECT count(*) FROM objective").fetchone() == (0,)
    # The owner adds Dave (p-dave is the default id of login dave); the same document then imports.
    assert cli("admin", "add-person", "dave", "--name", "Dave Ode", "--db", owned(OWNER)).code == 0
    assert cli("--db", owned("alice"), "import", path).code == 0
    assert cli("--db", owned("dave"), "checkin", "kr-dave", "12", "--date", "2026-11-20").code == 0
    # Named without a people entry: the line names the field and, again, whom the owner adds.
    doc["people"], doc["objectives"][0]["key_results"][0]["owner"] = [], "p-erin"
    unknown = cli("--db", owned("alice"), "import", write_doc(tmp_path / "erin.json", doc))
    assert unknown.code == 2 and unknown.err.count("\n") == 1
    assert ("objectives[0].key_results[0].owner: unknown person 'p-erin', not in this database; nothing was "
            "imported. The database's owner adds them first: okrtui admin add-person LOGIN --name NAME "
            "--adopt p-erin") in unknown.err


def test_one_person_one_login(owned, cli, tmp_path):
    taken = cli("admin", "add-person", "carol", "--name", "Carol", "--adopt", "p-alice", "--db", owned(OWNER))
    assert taken.code == 2 and "already the person of login 'alice'" in taken.err
    cli("--db", owned("carol"), "team", "add", "t-carol", "--name", "Carol's")
    moved = cli("admin", "add-person", "carol", "--name", "Carol", "--adopt", "p-carol-x1", "--db", owned(OWNER))
    assert moved.code == 2 and "made 1 record" in moved.err
    assert cli("--db", owned("carol"), "whoami").out.strip() == "Carol (p-carol)"


# --- live refresh ----------------------------------------------------------------------------------

def test_a_change_notifies_others_with_the_table_name_only(db, cli, tmp_path):
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "doc.json", DOC)).code == 0
    with sql(db, "carol") as carol, sql(db, "alice") as alice:
        carol.execute("LISTEN okrtui_changed")
        alice.execute("UPDATE objective SET title = 'Find a job I love' WHERE id = 'o-secret'")
        alice.execute("INSERT INTO check_in (id, origin, created_at, updated_at, deleted, kr_id, date, value, note) "
                      "VALUES ('c-new', 'p-alice', 'x', 'x', false, 'kr-secret', '2026-11-20', 2, 'o-secret')")
        payloads = [n.payload for n in carol.notifies(timeout=2, stop_after=2)]
    assert payloads == ["objective", "check_in"]  # never an id: Carol cannot see o-secret


def kr_now(app, kr_id: str) -> float | None:
    return next(k.current for o in app.data.report.objectives for k in o.key_results if k.id == kr_id)


async def test_a_teammates_check_in_reaches_an_open_tui_without_a_key_or_the_30_s_poll(db, cli, tmp_path):
    import time

    from tests.helpers import settle

    app, engine = tui_as("bob", db, cli, tmp_path)  # Bob reads Alice's KR
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert kr_now(app, "kr-deploys") == 96.5
        await pilot.pause(0.3)  # the listener is connected
        started = time.monotonic()
        assert cli("--db", db("alice"), "checkin", "kr-deploys", "98", "--date", "2026-11-25").code == 0
        while kr_now(app, "kr-deploys") != 98 and time.monotonic() - started < 10:
            await pilot.pause(0.05)  # no key pressed; the 30 s poll is far off
        assert kr_now(app, "kr-deploys") == 98
        print(f"a teammate's check-in reached the TUI in {time.monotonic() - started:.2f} s")
        # One arriving under an open dialog waits for it to close, then shows.
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        form = app.screen
        assert form.is_modal
        assert cli("--db", db("alice"), "checkin", "kr-deploys", "99", "--date", "2026-11-26").code == 0
        await pilot.pause(1)
        assert app.screen is form and kr_now(app, "kr-deploys") == 98
        await pilot.press("escape")
        started = time.monotonic()
        while kr_now(app, "kr-deploys") != 99 and time.monotonic() - started < 10:
            await pilot.pause(0.05)
        assert kr_now(app, "kr-deploys") == 99
    engine.dispose()


async def test_the_tui_listens_again_after_its_connection_is_killed(db, cli, tmp_path):
    import time

    from tests.helpers import settle

    def listener() -> list[int]:
        with sql(db, "postgres") as su:
            return [r[0] for r in su.execute("SELECT pid FROM pg_stat_activity WHERE application_name = "
                                             "'okrtui-listen' AND datname = %s", (db.name,))]

    async def wait_for(check, seconds: float = 10) -> bool:
        started = time.monotonic()
        while not check() and time.monotonic() - started < seconds:
            await pilot.pause(0.05)
        return bool(check())

    app, engine = tui_as("bob", db, cli, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await wait_for(lambda: len(listener()) == 1)
        (first,) = listener()
        with sql(db, "postgres") as su:  # a server restart, or a DBA ending sessions
            assert su.execute("SELECT pg_terminate_backend(%s)", (first,)).fetchone() == (True,)
        assert await wait_for(lambda: listener() not in ([], [first]))  # listening again, on a new session
        assert cli("--db", db("alice"), "checkin", "kr-deploys", "98", "--date", "2026-11-25").code == 0
        assert await wait_for(lambda: kr_now(app, "kr-deploys") == 98)  # by its notice: the poll is 30 s off
    engine.dispose()


# --- saving is visible ------------------------------------------------------------------------------

async def test_enter_three_times_while_postgres_waits_on_a_lock_saves_once(db, cli, tmp_path):
    from okrtui.tui.screens.checkin import CheckinForm
    from tests.helpers import press, settle

    app, engine = tui_as("alice", db, cli, tmp_path)
    calls = count_check_in_saves(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c", "enter")
        form = app.screen
        assert isinstance(form, CheckinForm) and form.kr.id == "kr-deploys"
        await pilot.press("9", "7")
        loads = app.workspace.loads
        with psycopg.connect(dbname=db.name, host=db.host, user="postgres") as dba:
            dba.execute("LOCK TABLE check_in IN EXCLUSIVE MODE")  # held until this block commits
            for _ in range(3):
                await pilot.press("enter")
                await pilot.pause(0.1)
            assert app.screen is form and "saving…" in str(form.query_one(".keys").render())
        await settle(pilot)
        assert app.screen is not form and len(calls) == 1
        assert kr_now(app, "kr-deploys") == 97
        # The save's own change notice brings no second read of the period (only its KR was read).
        await pilot.pause(1)
        assert app.workspace.loads == loads
    with sql(db, "alice") as alice:
        assert alice.execute("SELECT count(*) FROM check_in WHERE value = 97").fetchone() == (1,)
    engine.dispose()


def test_add_person_on_a_database_set_up_by_an_older_okrtui_asks_for_admin_init(owned, cli):
    with psycopg.connect(dbname=owned.name, host=owned.host, user=OWNER) as conn:
        conn.execute("DROP TABLE okrtui_login CASCADE")  # as before logins were mapped
    old = cli("admin", "add-person", "dave", "--name", "Dave", "--db", owned(OWNER))
    assert old.code == 2 and "run `okrtui admin init --db URL`" in old.err
    assert cli("admin", "init", "--db", owned(OWNER)).code == 0
    assert cli("admin", "add-person", "dave", "--name", "Dave", "--db", owned(OWNER)).code == 0
    assert cli("--db", owned("alice"), "whoami").out.strip() == "Alice (p-alice)"


def test_the_login_map_and_the_notices_are_made_whatever_the_search_path(owned):
    """admin init may pin search_path to pg_catalog first (no name a caller planted can change what ours mean):
    the map and the triggers name their schema in full, so they are made there all the same."""
    from sqlalchemy import create_engine, text

    from okrtui.storage.postgres import pg, pglive, pglogin
    from okrtui.storage.postgres.pgsecurity import CONVERSATION_TABLES

    engine = create_engine(pg.postgres_url(owned(OWNER)))
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL search_path = pg_catalog, public, pg_temp"))
            pglogin.login_table(conn, pg.PERSON_ROLE, '"public"')
            assert "okrtui_changed" in pglive.live_notices(conn, pg.RECORD_TABLES, '"public"')[0]
            triggers = conn.execute(text("SELECT count(*) FROM pg_catalog.pg_trigger WHERE tgname = 'okrtui_notify'"))
            # admin init made them on the conversation's tables too; this call remade the record tables'
            assert triggers.scalar_one() == len(pg.RECORD_TABLES) + len(CONVERSATION_TABLES)
    finally:
        engine.dispose()


def test_an_export_imported_before_its_identity_is_adopted_is_refused_then_goes_in(owned, cli, tmp_path):
    """The report of issue 20: Alice added without --adopt imports her SQLite export. No RLS error: a line
    naming her SQLite identity and the fix; nothing written; after the owner adopts it, the same file imports."""
    local = tmp_path / "alice.db"
    alice_id = sqlite_person(cli, local, "Alice Ng")
    mine = copy.deepcopy(DOC)
    mine["people"] = []
    for o in mine["objectives"]:
        o["owner"] = alice_id
        for k in o["key_results"]:
            k["owner"] = alice_id if "owner" in k else None
    assert cli("--db", local, "import", write_doc(tmp_path / "mine.json", mine)).code == 0
    assert cli("--db", local, "export", "-o", tmp_path / "export.json").code == 0
    refused = cli("--db", owned("alice"), "import", tmp_path / "export.json")
    assert refused.code == 2 and "row-level security" not in refused.err
    assert f"names 1 person this database does not have: Alice Ng ({alice_id}); nothing was imported" in refused.err
    adopted = cli("admin", "add-person", "alice", "--name", "Alice Ng", "--adopt", alice_id, "--db", owned(OWNER))
    assert adopted.code == 0, adopted.err
    moved = cli("--db", owned("alice"), "import", tmp_path / "export.json")
    assert moved.code == 0 and "left out" not in moved.out
    with psycopg.connect(dbname=owned.name, host=owned.host, user=OWNER) as conn:  # no second Alice to pick
        assert conn.execute("SELECT id FROM person WHERE name LIKE 'Alice%' AND NOT deleted").fetchall() == [
            (alice_id,)]
    assert cli("--db", owned("alice"), *REPORT).json() == cli("--db", local, *REPORT).json()


async def test_a_flood_of_notices_makes_at_most_one_reload_a_second(db, cli, tmp_path):
    """Anyone connected may NOTIFY the channel: a TUI then reads the period again, but not on every notice."""
    import time

    from tests.helpers import settle

    app, engine = tui_as("bob", db, cli, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)  # the listener is connected
        before = app.workspace.loads
        with sql(db, "carol") as carol:
            started = time.monotonic()
            while time.monotonic() - started < 2:
                carol.execute("NOTIFY okrtui_changed, 'objective'")
                await pilot.pause(0.05)
        await pilot.pause(0.5)
        # 40 notices over 2 s: a reload 0.2 s after the first, then at most one a second (a slower
        # machine makes fewer, never more).
        assert 1 <= app.workspace.loads - before <= 4
    engine.dispose()


def test_moving_in_keeps_the_name_the_dba_gave(owned, cli, tmp_path):
    """Issue 27: the SQLite database was made as the shell user "root"; the DBA adds the login as
    "Erin Park". Importing the export keeps "Erin Park"; the rest of the identity moves in."""
    local = tmp_path / "erin.db"
    erin_id = sqlite_person(cli, local, "root")
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-erin", "title": "Make backups boring", "period": "2026-Q4",
                                                 "owner": erin_id}]}
    assert cli("--db", local, "import", write_doc(tmp_path / "mine.json", doc)).code == 0
    assert cli("--db", local, "export", "-o", tmp_path / "export.json").code == 0
    assert '"name": "root"' in (tmp_path / "export.json").read_text()
    added = cli("admin", "add-person", "erin", "--name", "Erin Park", "--adopt", erin_id, "--db", owned(OWNER))
    assert added.code == 0, added.err
    moved = cli("--db", owned("erin"), "import", tmp_path / "export.json")
    assert moved.code == 0, moved.err
    assert cli("--db", owned("erin"), "whoami").out.strip() == f"Erin Park ({erin_id})"
    with psycopg.connect(dbname=owned.name, host=owned.host, user=OWNER) as conn:
        assert conn.execute("SELECT name FROM person WHERE id = %s", (erin_id,)).fetchone() == ("Erin Park",)


def test_admin_init_rewrites_an_older_databases_policies_to_ask_who_is_writing_once(owned, cli, tmp_path):
    """docs/postgres.md: a database set up before the policies called `(SELECT okrtui_me())` keeps the
    bare call, the same rules, until its owner reruns `admin init`, which rewrites every policy."""
    import re

    bare = re.compile(r"(?<!SELECT )\b(?:\w+\.)?okrtui_me\(\)")  # a call not wrapped in its own SELECT

    def policies(conn):
        return conn.execute("SELECT tablename, policyname, qual, with_check FROM pg_policies "
                            "WHERE schemaname = 'public' ORDER BY 1, 2").fetchall()

    def calls_bare(rows):
        return [(t, p) for t, p, qual, check in rows if bare.search(qual or "") or bare.search(check or "")]

    with psycopg.connect(dbname=owned.name, host=owned.host, user=OWNER, autocommit=True) as conn:
        fresh = policies(conn)
        assert fresh and not calls_bare(fresh)
        wrapped = re.compile(r"\(\s*SELECT\s+((?:\w+\.)?okrtui_me\(\))\s+AS\s+okrtui_me\)")
        for table, name, qual, check in fresh:  # as an okrtui before the rewrite made them
            old_qual, old_check = (wrapped.sub(r"\1", text or "") for text in (qual, check))
            parts = [f"USING ({old_qual})" if qual else "", f"WITH CHECK ({old_check})" if check else ""]
            conn.execute(f'ALTER POLICY "{name}" ON "{table}" {" ".join(parts)}')
        assert len(calls_bare(policies(conn))) == len([r for r in fresh if "okrtui_me" in f"{r[2]}{r[3]}"])
    # The older policies hold the same rule: Bob cannot write into Alice's objective.
    assert cli("--db", owned("alice"), "import", write_doc(tmp_path / "doc.json", DOC)).code == 0
    theirs = {"format": "okrtui/1", "objectives": [{"id": "o-reliable", "title": "Bob's", "period": "2026-Q4"}]}
    assert cli("--db", owned("bob"), "import", write_doc(tmp_path / "theirs.json", theirs)).code == 2
    assert cli("admin", "init", "--db", owned(OWNER)).code == 0
    with psycopg.connect(dbname=owned.name, host=owned.host, user=OWNER, autocommit=True) as conn:
        assert policies(conn) == fresh  # every policy as a new database's
