"""A red team in the suite: an ordinary person attacks the shared database in plain SQL.

Each test is one attack (it must fail) beside the honest action next to it (it must work).
One database for the module, owned by `dba`, an ordinary role with CREATEROLE (not a
superuser), as a company's DBA would run it; every test's statements are rolled back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest

from okrtui.cli import main
from tests.helpers import PG_DOC as DOC
from tests.helpers import TODAY, write_doc

LEAD = {"format": "okrtui/1", "objectives": [
    {"id": "o-lead", "title": "Ship the platform", "period": "2026-Q4",
     "key_results": [{"id": "kr-ben", "title": "Migrations from 0 to 10", "kind": "increase", "start": 0,
                      "target": 10, "owner": "p-bob"}]}]}
BOBS = {"format": "okrtui/1", "objectives": [
    {"id": "o-bob", "title": "Faster builds", "period": "2026-Q4",
     "key_results": [{"id": "kr-bob", "title": "Build minutes from 20 to 5", "kind": "decrease", "start": 20,
                      "target": 5, "check_ins": [{"id": "c-bob", "date": "2026-11-02", "value": 15}]}]},
    {"id": "o-bob2", "title": "Fewer flaky tests", "period": "2026-Q4"}],
    "dependencies": [{"id": "d-shared", "from": "kr-bob", "to": "o-reliable", "note": "needs deploys"}]}

COLUMNS = "(id, origin, created_at, updated_at, deleted"
KR_INSERT = (f"INSERT INTO key_result {COLUMNS}, objective_id, title, kind, unit, weight, score_comment, position) "
             "VALUES (%s, 'p-bob', 'x', 'x', false, %s, 'mine', 'increase', '', 1000, '', 0)")
CHECK_IN_INSERT = (f"INSERT INTO check_in {COLUMNS}, kr_id, date, value, note, author_id) "
                   "VALUES (%s, %s, 'x', 'x', false, %s, '2026-11-20', 40, '', %s)")
PERIOD_INSERT = f'INSERT INTO period {COLUMNS}, start, "end") VALUES (%s, %s, \'x\', \'x\', false, %s, %s)'


def run_cli(*args: object) -> int:
    return main([str(a) for a in args], today=TODAY)


@pytest.fixture(scope="module")
def dba(server):
    """The DBA: an ordinary login with CREATEROLE (no superuser) that manages the person role."""
    server.psql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dba') THEN "
                "CREATE ROLE dba LOGIN CREATEROLE; END IF; "
                "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'okrtui_person') THEN "
                "CREATE ROLE okrtui_person NOLOGIN; END IF; END $$;\n"
                "GRANT okrtui_person TO dba WITH ADMIN TRUE, INHERIT FALSE, SET FALSE;")
    return "dba"


@pytest.fixture(scope="module")
def company(server, dba, tmp_path_factory):
    """A database owned by dba, with alice, bob and carol and their OKRs."""
    name = f"okr_rt_{uuid.uuid4().hex[:8]}"
    server.psql(f"CREATE DATABASE {name} OWNER dba;")
    host = server.get_uri().split("host=", 1)[1]
    tmp = tmp_path_factory.mktemp("redteam")

    def url(login: str, scheme: str = "postgresql") -> str:
        return f"{scheme}://{login}@/{name}?host={host}"

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OKRTUI_CONFIG", str(tmp / "config.toml"))
        assert run_cli("admin", "init", "--db", url("dba")) == 0
        for login in ("alice", "bob", "carol"):
            assert run_cli("admin", "add-person", login, "--name", login.title(), "--db", url("dba")) == 0
        for login, doc in (("alice", DOC), ("alice", LEAD), ("bob", BOBS)):
            assert run_cli("--db", url(login), "import", write_doc(tmp / f"{uuid.uuid4().hex}.json", doc)) == 0
    return SimpleNamespace(name=name, host=host, url=url)


@contextmanager
def as_(company, login: str) -> Iterator[psycopg.Connection]:
    """Plain SQL as a login, in one transaction that is rolled back: tests leave nothing behind."""
    conn = psycopg.connect(dbname=company.name, host=company.host, user=login)
    try:
        conn.execute("SELECT 1")
        yield conn
    finally:
        conn.rollback()
        conn.close()


def refused(conn: psycopg.Connection, statement: str, *params: object) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as caught:
        with conn.transaction():
            conn.execute(statement, params or None)
    return caught.value


def run(conn: psycopg.Connection, statement: str, *params: object) -> psycopg.Cursor:
    with conn.transaction():
        return conn.execute(statement, params or None)


def same_refusal(a: psycopg.Error, b: psycopg.Error) -> bool:
    return (a.sqlstate, a.diag.message_primary, a.diag.message_detail) == (
        b.sqlstate, b.diag.message_primary, b.diag.message_detail)


# --- records: columns, ownership, answers-for -------------------------------------------------------

def test_a_check_in_cannot_be_moved_onto_anothers_kr_or_rewritten(company):
    with as_(company, "bob") as bob:
        refused(bob, "UPDATE check_in SET kr_id = 'kr-deploys', value = 40, author_id = 'p-alice', "
                     "created_at = '2099-01-01' WHERE id = 'c-bob'")
        for column, value in (("kr_id", "kr-deploys"), ("author_id", "p-alice"), ("created_at", "2099"),
                              ("origin", "p-alice"), ("id", "c-moved")):
            refused(bob, f"UPDATE check_in SET {column} = %s WHERE id = 'c-bob'", value)
        # Honest: Bob corrects his own check-in's value and note.
        assert run(bob, "UPDATE check_in SET value = 14, note = 'typo' WHERE id = 'c-bob'").rowcount == 1
    with as_(company, "alice") as alice:
        assert run(alice, "SELECT count(*) FROM check_in WHERE kr_id = 'kr-deploys'").fetchone() == (2,)


def test_ownership_columns_are_immutable_on_every_table(company):
    with as_(company, "bob") as bob:
        for table, row in (("objective", "o-bob"), ("key_result", "kr-bob"), ("dependency", "d-shared"),
                           ("person", "p-bob")):
            for column in ("id", "origin", "created_at"):
                refused(bob, f"UPDATE {table} SET {column} = 'p-alice' WHERE id = %s", row)
        # Honest: every data column of his own records is his to change.
        assert run(bob, "UPDATE objective SET title = 'Much faster builds', status = 'draft' "
                        "WHERE id = 'o-bob'").rowcount == 1
        assert run(bob, "UPDATE person SET name = 'Bob Li', email = 'bob@example.com' WHERE id = 'p-bob'").rowcount == 1
        assert run(bob, "UPDATE dependency SET note = 'still needs deploys' WHERE id = 'd-shared'").rowcount == 1
        run(bob, f"INSERT INTO reflection {COLUMNS}, person_id, period_id, question, answer) "
                 "VALUES ('r-bob', 'p-bob', 'x', 'x', false, 'p-bob', '2026-Q4', 'What went well?', '')")
        refused(bob, "UPDATE reflection SET person_id = 'p-alice' WHERE id = 'r-bob'")
        assert run(bob, "UPDATE reflection SET answer = 'builds' WHERE id = 'r-bob'").rowcount == 1


def test_grants_are_computed_from_the_columns_a_migration_adds(server, dba, cli):
    """admin init reads the tables as they are: a new data column is its maker's to change, a new
    ownership column (signed_by) is no one's."""
    from okrtui.storage.postgres import pgsecurity

    assert not pgsecurity.immutable("objective", "signature") and not pgsecurity.immutable("person", "public_key")
    assert pgsecurity.immutable("objective", "signed_by") and pgsecurity.immutable("check_in", "author_id")
    name = f"okr_rt_{uuid.uuid4().hex[:8]}"
    server.psql(f"CREATE DATABASE {name} OWNER dba;")
    host = server.get_uri().split("host=", 1)[1]
    url = f"postgresql://dba@/{name}?host={host}"
    assert cli("admin", "init", "--db", url).code == 0
    with psycopg.connect(dbname=name, host=host, user="dba", autocommit=True) as owner:
        owner.execute("ALTER TABLE key_result ADD COLUMN stretch_note text, ADD COLUMN signed_by text")
        assert cli("admin", "init", "--db", url).code == 0
        rows = dict(owner.execute(
            "SELECT column_name, has_column_privilege('okrtui_person', 'key_result', column_name, 'UPDATE') "
            "FROM information_schema.columns WHERE table_name = 'key_result' AND table_schema = 'public'").fetchall())
    assert rows["stretch_note"] and rows["signature"] and rows["title"] and rows["weight"] and rows["objective_id"]
    assert not any(rows[c] for c in ("signed_by", "id", "origin", "created_at"))


def test_admin_init_over_an_older_release_closes_its_holes(server, dba, cli):
    """What the previous rules left (the owner-run okrtui_hidden(), DELETE, TEMP for everyone) is gone
    after the owner reruns admin init, the upgrade step docs/postgres.md gives."""
    name = f"okr_rt_{uuid.uuid4().hex[:8]}"
    server.psql(f"CREATE DATABASE {name} OWNER dba;")
    host = server.get_uri().split("host=", 1)[1]
    url = f"postgresql://dba@/{name}?host={host}"
    assert cli("admin", "init", "--db", url).code == 0
    assert cli("admin", "add-person", "bob", "--name", "Bob", "--db", url).code == 0
    with psycopg.connect(dbname=name, host=host, user="dba", autocommit=True) as owner:
        owner.execute("CREATE FUNCTION okrtui_hidden(ref text) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER "
                    "SET search_path = public AS $$ SELECT EXISTS (SELECT 1 FROM objective o WHERE o.id = ref) $$")
        owner.execute("GRANT EXECUTE ON FUNCTION okrtui_hidden(text) TO okrtui_person")
        owner.execute("CREATE POLICY okrtui_delete ON check_in FOR DELETE TO okrtui_person USING (true)")
        owner.execute("GRANT DELETE ON check_in TO okrtui_person")
        owner.execute(f"GRANT TEMPORARY ON DATABASE {name} TO PUBLIC")
        again = cli("admin", "init", "--db", url)
        assert again.code == 0 and "schema already at version" in again.out
        assert owner.execute("SELECT count(*) FROM pg_proc WHERE proname = 'okrtui_hidden'").fetchone() == (0,)
        assert owner.execute("SELECT count(*) FROM pg_policies WHERE policyname = 'okrtui_delete'").fetchone() == (0,)
        assert owner.execute("SELECT has_table_privilege('okrtui_person', 'check_in', 'DELETE'), "
                           f"has_database_privilege('bob', '{name}', 'TEMPORARY'), "
                           f"has_database_privilege('bob', '{name}', 'CONNECT')").fetchone() == (False, False, True)
        # The DBA, who manages the person role, keeps the owner's own rights.
        assert owner.execute(f"SELECT has_database_privilege('dba', '{name}', 'TEMPORARY')").fetchone() == (True,)
    # A company whose fiscal year starts in April: its first quarter sets the months for the rest.
    with psycopg.connect(dbname=name, host=host, user="bob", autocommit=True) as bob:
        assert run(bob, PERIOD_INSERT, "2026-Q1", "p-bob", "2026-04-01", "2026-06-30").rowcount == 1
        assert run(bob, PERIOD_INSERT, "2026-Q4", "p-bob", "2027-01-01", "2027-03-31").rowcount == 1
        refused(bob, PERIOD_INSERT, "2026-Q2", "p-bob", "2026-04-01", "2026-06-30")


def test_a_kr_goes_only_into_an_objective_its_maker_made(company):
    with as_(company, "bob") as bob:
        for target in ("o-reliable", "o-secret", "o-nowhere"):
            refused(bob, KR_INSERT, f"kr-into-{target}", target)
        refused(bob, "UPDATE key_result SET objective_id = 'o-reliable' WHERE id = 'kr-bob'")
        # Honest: his own objectives take his KRs, and he moves a KR between them.
        assert run(bob, KR_INSERT, "kr-bob-new", "o-bob").rowcount == 1
        assert run(bob, "UPDATE key_result SET objective_id = 'o-bob2', weight = 2 WHERE id = 'kr-bob'").rowcount == 1
    with as_(company, "alice") as alice:
        assert run(alice, "SELECT sum(weight) FROM key_result WHERE objective_id = 'o-reliable'").fetchone() == (4,)


def test_no_error_tells_whether_a_hidden_id_exists(company):
    """Bob gets the same refusal for Alice's private ids as for ids that exist nowhere."""
    with as_(company, "bob") as bob:
        assert same_refusal(refused(bob, KR_INSERT, "kr-x1", "o-secret"), refused(bob, KR_INSERT, "kr-x2", "o-none"))
        assert same_refusal(refused(bob, CHECK_IN_INSERT, "c-x1", "p-bob", "kr-secret", None),
                            refused(bob, CHECK_IN_INSERT, "c-x2", "p-bob", "kr-none", None))
        assert same_refusal(refused(bob, "UPDATE key_result SET objective_id = 'o-secret' WHERE id = 'kr-bob'"),
                            refused(bob, "UPDATE key_result SET objective_id = 'o-none' WHERE id = 'kr-bob'"))
        dep = (f"INSERT INTO dependency {COLUMNS}, from_id, to_id, note) "
               "VALUES (%s, 'p-bob', 'x', 'x', false, 'kr-bob', %s, '')")
        assert same_refusal(refused(bob, dep, "d-x1", "kr-secret"), refused(bob, dep, "d-x2", "kr-none"))
        for statement in ("UPDATE objective SET title = 'x' WHERE id = %s", "SELECT * FROM objective WHERE id = %s"):
            assert run(bob, statement, "o-secret").rowcount == run(bob, statement, "o-none").rowcount == 0
        # Honest: a link onto a KR he can see.
        assert run(bob, dep, "d-ok", "kr-deploys").rowcount == 1


def test_no_function_answers_for_hidden_rows(company):
    with as_(company, "bob") as bob:
        refused(bob, "SELECT okrtui_hidden('o-secret')")
        functions = bob.execute(
            "SELECT p.proname, p.prosecdef, p.proconfig, p.prorettype = 'trigger'::regtype "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'").fetchall()
        assert functions, "the schema defines okrtui_me()"
        for fname, definer, config, trigger in functions:
            # A trigger function cannot be called, only fired: the rule triggers may see every row.
            assert not definer or trigger, f"{fname} runs as its owner"
            if trigger:
                refused(bob, f"SELECT {fname}()")
            path = next((c for c in config or () if c.startswith("search_path=")), "")
            assert path.startswith("search_path=pg_catalog"), (fname, config)  # pinned, built-ins first
        # Honest: whoever the caller says the search_path is, they are who they log in as.
        run(bob, "SET search_path = pg_temp, public")
        assert run(bob, "SELECT okrtui_me()").fetchone() == ("p-bob",)


def test_only_who_answers_for_a_kr_checks_in_on_it(company):
    """okr-method.md "answers for": the named owner, else the maker; the maker of a KR naming
    another owner does not check in."""
    with as_(company, "alice") as alice:
        refused(alice, CHECK_IN_INSERT, "c-lead", "p-alice", "kr-ben", None)  # she made it, Bob owns it
        assert run(alice, CHECK_IN_INSERT, "c-own", "p-alice", "kr-deploys", None).rowcount == 1
        assert run(alice, CHECK_IN_INSERT, "c-unowned", "p-alice", "kr-latency", None).rowcount == 1
    with as_(company, "carol") as carol:
        refused(carol, CHECK_IN_INSERT, "c-carol", "p-carol", "kr-ben", None)
    with as_(company, "bob") as bob:
        refused(bob, CHECK_IN_INSERT, "c-b1", "p-bob", "kr-latency", None)  # unowned: its maker's
        assert run(bob, CHECK_IN_INSERT, "c-ben", "p-bob", "kr-ben", "p-bob").rowcount == 1


def test_a_check_in_names_no_one_else_as_its_author(company):
    with as_(company, "bob") as bob:
        refused(bob, CHECK_IN_INSERT, "c-forged", "p-bob", "kr-bob", "p-alice")
        refused(bob, CHECK_IN_INSERT, "c-forged2", "p-alice", "kr-bob", "p-bob")
        assert run(bob, CHECK_IN_INSERT, "c-mine", "p-bob", "kr-bob", "p-bob").rowcount == 1
        # (another day: one check-in per KR, author and day)
        assert run(bob, CHECK_IN_INSERT.replace("2026-11-20", "2026-11-21"), "c-mine2", "p-bob", "kr-bob",
                   None).rowcount == 1


def test_anothers_rows_are_neither_changed_nor_deleted(company):
    with as_(company, "bob") as bob:
        assert run(bob, "UPDATE objective SET title = 'HIJACKED' WHERE id = 'o-reliable'").rowcount == 0
        assert run(bob, "UPDATE key_result SET weight = 1000 WHERE id = 'kr-deploys'").rowcount == 0
        assert run(bob, "UPDATE person SET name = 'HIJACKED' WHERE id = 'p-alice'").rowcount == 0
        assert run(bob, "UPDATE objective SET deleted = true WHERE id = 'o-reliable'").rowcount == 0
        assert run(bob, "SELECT 1 FROM objective WHERE id = 'o-reliable' FOR UPDATE").rowcount == 0  # no row lock
        for statement in ("DELETE FROM objective WHERE id = 'o-reliable'", "DELETE FROM check_in",
                          "TRUNCATE objective CASCADE", "TRUNCATE check_in"):
            refused(bob, statement)
        refused(bob, f"INSERT INTO person {COLUMNS}, name, email) VALUES ('p-mallory', 'p-mallory', 'x', 'x', "
                     "false, 'Mallory', '')")
        refused(bob, f"INSERT INTO team {COLUMNS}, name, mission, vision) VALUES ('t-x', 'p-alice', 'x', 'x', "
                     "false, 'Forged', '', '')")
        refused(bob, f"INSERT INTO objective {COLUMNS}, title, description, level, period_id, status, visibility, "
                     "position) VALUES ('o-reliable', 'p-bob', 'x', 'x', false, 'x', '', 'team', '2026-Q4', 'active', "
                     "'shared', 0) ON CONFLICT (id) DO UPDATE SET title = 'HIJACKED'")
        try:  # MERGE matches none of her rows for an update, or is refused: either way nothing changes
            run(bob, "MERGE INTO objective o USING (SELECT 'o-reliable' AS id) s ON o.id = s.id "
                     "WHEN MATCHED THEN UPDATE SET title = 'HIJACKED'")
        except psycopg.Error:
            pass
        refused(bob, "WITH gone AS (DELETE FROM check_in RETURNING id) SELECT count(*) FROM gone")
        assert run(bob, "SELECT title FROM objective WHERE id = 'o-reliable'").fetchone() == (
            "Make deploys boringly reliable",)
        # Honest: his own rows, tombstoned the way okrtui deletes, and locked for his own update.
        assert run(bob, "SELECT 1 FROM objective WHERE id = 'o-bob' FOR UPDATE").rowcount == 1
        assert run(bob, "UPDATE objective SET deleted = true WHERE id = 'o-bob2'").rowcount == 1


def test_periods_are_not_a_persons_to_change(company):
    with as_(company, "alice") as alice:  # she used 2026-Q4 first, so its row is hers
        assert run(alice, "SELECT origin FROM period WHERE id = '2026-Q4'").fetchone() == ("p-alice",)
        refused(alice, "UPDATE period SET \"end\" = '2026-10-02' WHERE id = '2026-Q4'")
        refused(alice, "UPDATE period SET deleted = true WHERE id = '2026-Q4'")
        refused(alice, "DELETE FROM period WHERE id = '2026-Q4'")
    with as_(company, "bob") as bob:
        refused(bob, PERIOD_INSERT, "2027-Q1", "p-bob", "2027-01-01", "2027-01-02")  # a quarter of two days
        refused(bob, PERIOD_INSERT, "2027-Q2", "p-bob", "2027-04-15", "2027-07-14")
        refused(bob, PERIOD_INSERT, "2027-Q2", "p-bob", "2027-05-01", "2027-07-31")  # another fiscal year
        refused(bob, PERIOD_INSERT, "2027-Q1", "p-bob", "2026-01-01", "2026-03-31")  # another year
        refused(bob, PERIOD_INSERT, "Hack", "p-alice", "2027-01-01", "2027-01-05")
        refused(bob, PERIOD_INSERT, "Backwards", "p-bob", "2027-01-05", "2027-01-01")
        # Honest: the company's next quarters and a custom period; his check-ins still go in.
        assert run(bob, PERIOD_INSERT, "2027-Q1", "p-bob", "2027-01-01", "2027-03-31").rowcount == 1
        assert run(bob, PERIOD_INSERT, "2027-Q2", "p-bob", "2027-04-01", "2027-06-30").rowcount == 1
        assert run(bob, PERIOD_INSERT, "Hack week", "p-bob", "2027-01-11", "2027-01-15").rowcount == 1
        assert run(bob, CHECK_IN_INSERT, "c-week", "p-bob", "kr-bob", None).rowcount == 1


# --- hidden rows, whatever the statement -----------------------------------------------------------

HIDDEN = {"objective": "o-secret", "key_result": "kr-secret", "check_in": "c-secret", "dependency": "d-secret"}


def test_hidden_rows_stay_hidden_through_copy_joins_and_aggregates(company):
    with as_(company, "bob") as bob:
        for table, row in HIDDEN.items():
            assert run(bob, f"SELECT count(*) FROM {table} WHERE id = %s", row).fetchone() == (0,)
            with bob.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                dumped = b"".join(bytes(chunk) for chunk in copy)
            assert row.encode() not in dumped
        assert run(bob, "SELECT count(*) FROM check_in c JOIN key_result k ON k.id = c.kr_id "
                        "WHERE k.title LIKE 'Interviews%'").fetchone() == (0,)
        assert "SECRET" not in str(run(bob, "SELECT string_agg(note, ',') FROM dependency").fetchone())
        # Honest: he sees Alice's shared objective and his own link to it.
        with bob.cursor().copy("COPY objective TO STDOUT") as copy:
            assert b"o-reliable" in b"".join(bytes(chunk) for chunk in copy)
        assert run(bob, "SELECT id FROM dependency ORDER BY id").fetchall() == [("d-shared",)]
    with as_(company, "alice") as alice:
        assert run(alice, "SELECT count(*) FROM dependency").fetchone() == (2,)


def test_no_temporary_table_or_search_path_shadows_a_table(company):
    with as_(company, "bob") as bob:
        for statement in ("CREATE TEMP TABLE objective (id text, origin text, visibility text)",
                          "CREATE TEMP TABLE key_result (id text, objective_id text)",
                          "CREATE TEMP VIEW objective AS SELECT 1",
                          "CREATE FUNCTION pg_temp.okrtui_me() RETURNS text LANGUAGE sql AS $$ SELECT 'p-alice' $$"):
            refused(bob, statement)
        run(bob, "SET search_path = pg_temp, public")
        # Honest: the shared rows read the same whatever his search_path.
        assert run(bob, "SELECT id FROM public.dependency").fetchall() == [("d-shared",)]
        assert run(bob, "SELECT count(*) FROM objective WHERE id = 'o-reliable'").fetchone() == (1,)


def test_no_views_functions_operators_or_schemas_of_a_persons_own(company):
    with as_(company, "bob") as bob:
        for statement in (
            "CREATE VIEW public.everything AS SELECT * FROM objective",
            "CREATE TABLE public.mine (x int)",
            "CREATE SCHEMA bob",
            "CREATE FUNCTION public.okrtui_me() RETURNS text LANGUAGE sql AS $$ SELECT 'p-alice' $$",
            "CREATE OR REPLACE FUNCTION public.okrtui_me() RETURNS text LANGUAGE sql AS $$ SELECT 'p-alice' $$",
            "CREATE FUNCTION public.steal() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS "
            "$$ SELECT count(*) FROM objective $$",
            "CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = texteq)",
            "CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = texteq)",
            "CREATE AGGREGATE public.leak(text) (SFUNC = textcat, STYPE = text)",
            "CREATE EXTENSION IF NOT EXISTS dblink",
        ):
            refused(bob, statement)
        # Honest: the schema's own function, as him.
        assert run(bob, "SELECT okrtui_me()").fetchone() == ("p-bob",)


def test_no_ddl_on_the_tables_or_their_policies(company):
    with as_(company, "bob") as bob:
        for statement in ("ALTER TABLE objective DISABLE ROW LEVEL SECURITY",
                          "ALTER TABLE objective NO FORCE ROW LEVEL SECURITY",
                          "ALTER TABLE check_in DROP CONSTRAINT check_in_kr_id_fkey",
                          "ALTER TABLE objective ADD COLUMN x int",
                          "DROP TABLE check_in", "DROP POLICY okrtui_read ON objective",
                          "CREATE POLICY mine ON objective FOR SELECT USING (true)",
                          "ALTER FUNCTION okrtui_me() RESET search_path",
                          "CREATE INDEX ON objective (title)", "CREATE TRIGGER t BEFORE INSERT ON objective "
                          "FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()",
                          "COMMENT ON TABLE objective IS 'mine'", "REINDEX TABLE objective",
                          "CLUSTER objective USING objective_pkey", "ALTER TABLE objective OWNER TO bob",
                          "SECURITY LABEL ON TABLE objective IS 'x'", "PREPARE TRANSACTION 'hold-locks'"):
            refused(bob, statement)
        run(bob, "GRANT SELECT ON objective TO PUBLIC")  # PostgreSQL only warns: he holds no grant option
        assert run(bob, "SELECT has_table_privilege('public', 'objective', 'SELECT')").fetchone() == (False,)
        # Honest: he reads what the rules are.
        assert run(bob, "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'objective'"
                   ).fetchone() == (True, True)


def test_meta_and_schema_migration_are_not_a_persons(company):
    with as_(company, "bob") as bob:
        for statement in ("SELECT * FROM meta", "INSERT INTO meta VALUES ('identity', 'p-alice')",
                          "INSERT INTO schema_migration VALUES (99, 'future', 'x')",
                          "UPDATE schema_migration SET version = 1", "DELETE FROM schema_migration"):
            refused(bob, statement)
        # Honest: the version a client checks.
        from okrtui.storage.migrations import LATEST

        assert run(bob, "SELECT max(version) FROM schema_migration").fetchone() == (LATEST,)


def test_no_server_files_programs_or_large_objects(company):
    with as_(company, "bob") as bob:
        for statement in ("COPY objective TO PROGRAM 'id'", "COPY objective TO '/tmp/okrtui-stolen'",
                          "COPY (SELECT 1) TO PROGRAM 'touch /tmp/okrtui-owned'",
                          "COPY objective FROM '/etc/passwd'",
                          f"COPY objective {COLUMNS}, title, description, level, period_id, status, visibility, "
                          "position) FROM PROGRAM 'echo'",
                          "SELECT lo_import('/etc/passwd')", "SELECT lo_export(1, '/tmp/okrtui-lo')",
                          "SELECT pg_read_file('/etc/passwd')", "SELECT pg_ls_dir('.')",
                          "SELECT pg_read_binary_file('/etc/hostname')"):
            refused(bob, statement)
        # COPY FROM into a table with row-level security: refused whole, even for his own rows.
        with pytest.raises(psycopg.Error), bob.transaction():
            with bob.cursor().copy("COPY team (id, origin, created_at, updated_at, deleted, name, mission, vision) "
                                   "FROM STDIN") as copy:
                copy.write_row(("t-copied", "p-bob", "x", "x", False, "Copied", "", ""))
        # Honest: his own team through INSERT.
        assert run(bob, f"INSERT INTO team {COLUMNS}, name, mission, vision) VALUES ('t-bob', 'p-bob', 'x', 'x', "
                        "false, 'Builds', '', '')").rowcount == 1


def test_no_role_switch_or_setting_lets_a_person_past_the_rules(company):
    with as_(company, "bob") as bob:
        for statement in ("SET ROLE alice", "SET ROLE okrtui_person", "SET ROLE dba", "SET ROLE postgres",
                          "SET SESSION AUTHORIZATION alice", "SELECT set_config('role', 'alice', false)",
                          "SELECT set_config('session_authorization', 'alice', false)",
                          "RESET SESSION AUTHORIZATION; SET ROLE alice"):
            refused(bob, statement)
        # Turning row security off makes a query that it would filter fail, never show more.
        run(bob, "SELECT set_config('row_security', 'off', true)")
        refused(bob, "SELECT * FROM objective")
        run(bob, "SELECT set_config('row_security', 'on', true)")
        # Honest: settings of his own session.
        run(bob, "SELECT set_config('application_name', 'bob-tui', false)")
        assert run(bob, "SELECT okrtui_me(), current_user").fetchone() == ("p-bob", "bob")


def test_no_table_lock_that_shuts_out_everyone_else(company):
    with as_(company, "bob") as bob:
        for mode in ("ACCESS EXCLUSIVE", "EXCLUSIVE", "SHARE ROW EXCLUSIVE", "SHARE"):
            refused(bob, f"LOCK TABLE objective IN {mode} MODE")
        # Honest: the locks reading and writing take.
        run(bob, "LOCK TABLE objective IN ACCESS SHARE MODE")
        run(bob, "LOCK TABLE check_in IN ROW EXCLUSIVE MODE")


def test_statistics_show_nothing_of_hidden_rows(company):
    with psycopg.connect(dbname=company.name, host=company.host, user="postgres", autocommit=True) as admin:
        admin.execute("ANALYZE objective")
        assert admin.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'objective'").fetchone()[0] > 0
    with as_(company, "bob") as bob:
        # pg_stats hides every column of a table under row-level security: no most common titles.
        assert run(bob, "SELECT count(*) FROM pg_stats WHERE tablename = 'objective'").fetchone() == (0,)
        assert run(bob, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%secret%' "
                        "AND usename <> current_user").fetchone() == (0,)
        # Honest: his own session's statistics.
        assert run(bob, "SELECT count(*) FROM pg_stat_activity WHERE pid = pg_backend_pid()").fetchone() == (1,)


def test_no_role_changes_of_a_persons_own(company):
    with as_(company, "bob") as bob:
        for statement in ("GRANT bob TO carol", "GRANT okrtui_person TO mallory_role",
                          "GRANT okrtui_person TO carol WITH ADMIN TRUE", "ALTER ROLE bob BYPASSRLS",
                          "ALTER ROLE bob SUPERUSER", "ALTER ROLE bob CREATEROLE", "ALTER ROLE bob RENAME TO alice2",
                          "ALTER ROLE alice PASSWORD 'mine'", "CREATE ROLE mallory LOGIN", "DROP ROLE alice",
                          "REVOKE okrtui_person FROM alice"):
            refused(bob, statement)
        # Honest: his own password.
        run(bob, "ALTER ROLE bob PASSWORD 'his own'")


READ_ONLY_TABLES = {"schema_migration", "okrtui_login"}  # tables persons read but never write (no record of anyone's)


def test_a_person_reads_only_the_record_tables_and_the_schema_version(company):
    """Closed by default: a table, view or sequence a later release adds is no person's until
    secure() says so."""
    with as_(company, "bob") as bob:
        readable = {r[0] for r in run(bob, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                                           "c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN "
                                           "('r', 'v', 'm', 'S', 'f', 'p') "
                                           "AND has_table_privilege(c.oid, 'SELECT')").fetchall()}
        writable = {r[0] for r in run(bob, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                                           "c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN "
                                           "('r', 'v', 'm', 'S', 'f', 'p') AND (has_table_privilege(c.oid, "
                                           "'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE') OR "
                                           "has_table_privilege(c.oid, 'UPDATE'))").fetchall()}
    from okrtui.storage.postgres.pg import RECORD_TABLES
    from okrtui.storage.postgres.pgsecurity import CONVERSATION_TABLES

    assert readable == {*RECORD_TABLES, *CONVERSATION_TABLES, *READ_ONLY_TABLES}
    assert writable == set()  # column grants only, and no DELETE or TRUNCATE anywhere


# --- the admin's commands ------------------------------------------------------------------------

def one_clean_line(err: str, *, secret: str = "s3cret") -> None:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("okrtui: error: "), err
    for noise in ("\\n", "sqlalche.me", "[SQL", "SELECT ", "INSERT ", secret, "Traceback"):
        assert noise not in err, (noise, err)


def test_dangerous_roles_cannot_become_persons(company, cli, server):
    server.psql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_bypasser') THEN "
                "CREATE ROLE rls_bypasser LOGIN BYPASSRLS; END IF; "
                "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dba_friend') THEN "
                "CREATE ROLE dba_friend LOGIN IN ROLE dba; END IF; "
                "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'alice_alt') THEN "
                "CREATE ROLE alice_alt LOGIN IN ROLE alice; END IF; "
                "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'no_login') THEN "
                "CREATE ROLE no_login NOLOGIN; END IF; END $$;")
    try:
        for login, why in (("postgres", "superuser"), ("dba", "owner"), ("rls_bypasser", "bypass row-level security"),
                           ("dba_friend", "through its membership in dba"), ("okrtui_person", "group"),
                           ("alice_alt", "a member of alice's login"), ("alice", "alice_alt is a member of it")):
            result = cli("admin", "add-person", login, "--name", "X", "--db", company.url("dba"))
            assert result.code == 2 and why in result.err, (login, result.err)
            one_clean_line(result.err)
    finally:  # roles are the server's: alice_alt would keep alice from being added to any later database
        server.psql("DROP ROLE alice_alt;")
    with as_(company, "dba") as dba:
        persons = {r[0] for r in dba.execute("SELECT id FROM person")}
        assert not persons & {"p-postgres", "p-dba", "p-rls_bypasser", "p-dba_friend", "p-okrtui_person", "p-alice_alt"}
        assert dba.execute("SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                           "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = 'okrtui_person' "
                           "AND r.rolname IN ('postgres', 'rls_bypasser', 'dba_friend')").fetchone() == (0,)
    # A role that cannot log in is not told it can connect.
    nologin = cli("admin", "add-person", "no_login", "--name", "No Login", "--db", company.url("dba"))
    assert nologin.code == 0 and "can connect" not in nologin.out and "cannot log in" in nologin.out
    # Honest: an ordinary new login.
    dave = cli("admin", "add-person", "dave", "--name", "Dave", "--db", company.url("dba"))
    assert dave.code == 0 and "login dave can connect; it is the person p-dave" in dave.out


def test_admin_commands_as_a_person_are_refused_and_say_who_runs_them(company, cli):
    for args in (("admin", "init"), ("admin", "add-person", "mallory", "--name", "M")):
        result = cli(*args, "--db", company.url("bob"))
        assert result.code == 2 and "you are bob, not the database's owner dba" in result.err, result.err
        assert "run it as dba" in result.err or "`okrtui admin init` as dba" in result.err
        one_clean_line(result.err)
    # Honest: the owner reruns init and nothing changes.
    again = cli("admin", "init", "--db", company.url("dba"))
    assert again.code == 0 and "schema already at version" in again.out


def test_admin_init_checks_its_privileges_before_writing_anything(server, cli, monkeypatch):
    from okrtui.storage.postgres import pg, pgsecurity

    name, group = f"okr_rt_{uuid.uuid4().hex[:8]}", f"okrtui_person_{uuid.uuid4().hex[:6]}"
    monkeypatch.setattr(pg, "PERSON_ROLE", group)
    monkeypatch.setattr(pgsecurity, "PERSON_ROLE", group)
    server.psql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'plain_owner') THEN "
                "CREATE ROLE plain_owner LOGIN; END IF; END $$;\n"
                f"CREATE DATABASE {name} OWNER plain_owner;")
    host = server.get_uri().split("host=", 1)[1]

    def tables() -> int:
        with psycopg.connect(dbname=name, host=host, user="postgres") as conn:
            return conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]

    # A superuser who is not the owner: the owner would be shut out of their own tables.
    result = cli("admin", "init", "--db", f"postgresql://postgres@/{name}?host={host}")
    assert result.code == 2 and "not the database's owner plain_owner" in result.err
    one_clean_line(result.err)
    # The owner without CREATEROLE, and no person role yet: nothing half-made.
    result = cli("admin", "init", "--db", f"postgresql://plain_owner@/{name}?host={host}")
    assert result.code == 2 and "CREATEROLE" in result.err and "changed nothing" in result.err, result.err
    one_clean_line(result.err)
    assert tables() == 0
    # The schema or a table another role's: the owner could not write the rules.
    server.psql(f"\\c {name}\nALTER SCHEMA public OWNER TO postgres;\nCREATE TABLE public.meta (key text);")
    result = cli("admin", "init", "--db", f"postgresql://plain_owner@/{name}?host={host}")
    assert "may not create tables in the schema public" in result.err and "table meta belongs to postgres" in result.err
    one_clean_line(result.err)
    server.psql(f"\\c {name}\nDROP TABLE public.meta;\nALTER SCHEMA public OWNER TO pg_database_owner;")
    # The person role made by a superuser: the owner could not add anyone to it.
    server.psql(f"CREATE ROLE {group} NOLOGIN;")
    result = cli("admin", "init", "--db", f"postgresql://plain_owner@/{name}?host={host}")
    assert result.code == 2 and f"cannot add persons to the role {group}" in result.err, result.err
    assert f"GRANT {group} TO" in result.err and "CREATEROLE" not in result.err
    one_clean_line(result.err)
    assert tables() == 0
    # Honest: once a superuser grants what it says, the owner's init does it all.
    server.psql(f"GRANT {group} TO plain_owner WITH ADMIN TRUE, INHERIT FALSE, SET FALSE;")
    done = cli("admin", "init", "--db", f"postgresql://plain_owner@/{name}?host={host}")
    assert done.code == 0 and "schema created at version" in done.out
    assert tables() > 5
    # Still no CREATEROLE: add-person says what is missing, in one line, and adds no one.
    nobody = cli("admin", "add-person", "newcomer", "--name", "N", "--db", f"postgresql://plain_owner@/{name}?host={host}")
    assert nobody.code == 2 and "CREATEROLE" in nobody.err and "changed nothing" in nobody.err, nobody.err
    one_clean_line(nobody.err)
    server.psql("ALTER ROLE plain_owner CREATEROLE;")
    added = cli("admin", "add-person", "newcomer", "--name", "N", "--db", f"postgresql://plain_owner@/{name}?host={host}")
    assert added.code == 0 and "login newcomer can connect" in added.out, added.err


# --- logins, URLs and messages ---------------------------------------------------------------------

def test_logins_with_dots_capitals_and_dashes_work_everywhere(company, cli, tmp_path):
    for login in ("john.smith", "Ann-Marie"):
        added = cli("admin", "add-person", login, "--name", login, "--db", company.url("dba"))
        assert added.code == 0 and f"it is the person p-{login}" in added.out, added.err
        me = cli("--db", company.url(login), "whoami")
        assert me.code == 0 and f"(p-{login})" in me.out, me.err
        doc = {"format": "okrtui/1", "objectives": [{"id": f"o-{login}", "title": "Mine", "period": "2026-Q4",
               "key_results": [{"id": f"kr-{login}", "title": "Calls from 0 to 3", "kind": "increase",
                                "start": 0, "target": 3}]}]}
        assert cli("--db", company.url(login), "import", write_doc(tmp_path / f"{login}.json", doc)).code == 0
        done = cli("--db", company.url(login), "checkin", f"kr-{login}", "2", "--date", "2026-11-20")
        assert done.code == 0, done.err
        with as_(company, login) as conn:
            assert run(conn, "SELECT origin, author_id FROM check_in WHERE kr_id = %s", f"kr-{login}").fetchall() == [
                (f"p-{login}", f"p-{login}")]
            refused(conn, "SELECT * FROM meta")  # and the same limits as everyone
    bad = cli("admin", "add-person", "bad name;drop", "--name", "X", "--db", company.url("dba"))
    assert bad.code == 2 and "A-Z a-z 0-9 . _ -" in bad.err
    for reserved in ("public", "pg_monitor", "PUBLIC"):
        kept = cli("admin", "add-person", reserved, "--name", "X", "--db", company.url("dba"))
        assert kept.code == 2 and "keeps for itself" in kept.err, kept.err
        one_clean_line(kept.err)


@pytest.mark.parametrize("scheme", ["postgresql", "postgresql+psycopg", "postgresql+psycopg2", "postgres",
                                    "postgresql+asyncpg", "postgresql+pg8000", "PostgreSQL"])
def test_every_postgresql_url_form_is_postgresql(company, cli, scheme):
    from okrtui.storage.backend import PostgresBackend, backend_for

    assert isinstance(backend_for(company.url("alice", scheme)), PostgresBackend)
    me = cli("--db", company.url("alice:s3cret", scheme), "whoami")
    assert me.code == 0 and "(p-alice)" in me.out, me.err
    stranger = cli("--db", company.url("nobody:s3cret", scheme), "report")
    assert stranger.code == 2 and "admin add-person nobody" in stranger.err, stranger.err
    one_clean_line(stranger.err)


def test_errors_on_postgres_are_one_line_and_name_the_fix(company, cli, tmp_path, monkeypatch):
    missing = cli("--db", f"postgresql://alice:s3cret@/no_such_db?host={company.host}", "report")
    assert missing.code == 2 and "createdb" in missing.err
    one_clean_line(missing.err)
    # A change the database refuses (a period is not a person's to change), through okrtui.
    doc = {"format": "okrtui/1", "periods": [{"id": "2026-Q4", "start": "2026-10-01", "end": "2026-10-02"}]}
    refused_change = cli("--db", company.url("alice"), "import", write_doc(tmp_path / "p.json", doc))
    assert refused_change.code == 2 and "database owner" in refused_change.err, refused_change.err
    one_clean_line(refused_change.err)
    nowhere = cli("--db", "postgresql://alice:s3cret@/okr?host=/nonexistent", "report")
    assert nowhere.code == 2 and "check the URL's host and port" in nowhere.err
    one_clean_line(nowhere.err)
    # A quarter from someone whose config starts the fiscal year in another month.
    (tmp_path / "fy.toml").write_text("fiscal_year_start_month = 2\n")
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-fy", "title": "Next", "period": "2027-Q3"}]}
    monkeypatch.setenv("OKRTUI_CONFIG", str(tmp_path / "fy.toml"))
    skewed = cli("--db", company.url("carol"), "import", write_doc(tmp_path / "fy.json", doc))
    assert skewed.code == 2 and "fiscal_year_start_month" in skewed.err, skewed.err
    one_clean_line(skewed.err)
    # An id taken already (through okrtui, a key error becomes one line).
    taken = {"format": "okrtui/1", "objectives": [{"id": "o-reliable", "title": "Mine", "period": "2026-Q4"}]}
    clash = cli("--db", company.url("carol"), "import", write_doc(tmp_path / "t.json", taken))
    assert clash.code == 2
    one_clean_line(clash.err)
    from okrtui.storage.postgres import pgsecurity

    wrong = SimpleNamespace(sqlstate="28P01", diag=SimpleNamespace(
        message_primary='password authentication failed for user "alice"'))
    assert pgsecurity.explain(wrong) == ('password authentication failed for user "alice" (give the password '
                                         "through ~/.pgpass, PGPASSWORD or a service file, never in the URL)")
    from sqlalchemy import exc

    wrapped = exc.ProgrammingError("SELECT meta.key FROM meta", {}, psycopg.errors.InsufficientPrivilege(
        "permission denied for table meta\nDETAIL: x"))
    assert pgsecurity.describe(wrapped).startswith("permission denied for table meta (not a person's right")
    assert pgsecurity.describe(ValueError("a\nb")) == "unexpected ValueError: a b"
    from okrtui.core.errors import one_line

    raw = ('(psycopg.errors.InsufficientPrivilege) permission denied for table meta\\n'
           '[SQL: SELECT meta.key FROM meta WHERE meta.key = %(pk_1)s::VARCHAR]\n'
           '(Background on this error at: https://sqlalche.me/e/21/f405)\npostgresql://a:pw@h/db password=pw')
    assert one_line(raw) == ("(psycopg.errors.InsufficientPrivilege) permission denied for table meta "
                             "postgresql://a:***@h/db password=***")


async def test_the_tuis_sync_key_refuses_on_a_shared_database(company, tmp_path):
    from okrtui.config import Config
    from okrtui.storage.backend import open_engine
    from tests.helpers import RecordingApp, press, settle

    team_file = tmp_path / "team.jsonl"
    engine = open_engine(company.url("alice"))
    app = RecordingApp(engine, Config(cursor_blink=False, team_file=str(team_file)), TODAY, native_ansi=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await press(pilot, "S")
        assert any("needs no team file" in m for m in app.notified_errors), app.notified
    assert not team_file.exists() and not Path(f"{team_file}.lock").exists()
    engine.dispose()
    # With no team file set, S still says so, and never advises setting one.
    app = RecordingApp(engine, Config(cursor_blink=False), TODAY, native_ansi=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await press(pilot, "S")
        assert any("needs no team file" in m for m in app.notified_errors), app.notified
        assert not any("team_file" in m for m in app.notified), app.notified
    engine.dispose()


def test_sync_on_a_shared_database_says_so_with_or_without_a_team_file(company, cli, tmp_path):
    for args in ((), (tmp_path / "team.jsonl",)):
        result = cli("--db", company.url("alice"), "sync", *args)
        assert result.code == 2 and "needs no team file" in result.err, result.err
    assert not (tmp_path / "team.jsonl").exists()
