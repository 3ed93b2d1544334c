"""Entry point `dba_role`: a role the DBA hands to `okrtui admin add-person` that has more rights
than a person's, and the DBA's own setup followed as okrtui advises it.

Roles belong to the whole server, so each test names its roles with a fresh suffix.
"""

from __future__ import annotations

import re
import uuid

import pytest

from okrtui.storage.postgres import pg, pgsecurity
from tests.helpers import pg_database, sql


@pytest.fixture
def db(server, cli):
    """Here `db` is a PostgreSQL database with alice, bob and carol (tests/storage/postgres's), not the SQLite file."""
    return pg_database(server, cli)


def one_line(err: str) -> None:
    assert len(err.splitlines()) == 1 and err.startswith("okrtui: error: "), err


def members_of_person_group(db, logins: list[str]) -> int:
    with sql(db, "postgres") as su:
        return int(su.execute(
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g "
            "ON g.oid = m.roleid WHERE g.rolname = 'okrtui_person' AND r.rolname = ANY(%s)", (logins,)).fetchone()[0])


def test_add_person_refuses_roles_that_undo_the_security(db, cli, server):
    x = uuid.uuid4().hex[:6]
    setup = {
        f"prog_{x}": ("IN ROLE pg_execute_server_program", "pg_execute_server_program"),
        f"reads_{x}": ("IN ROLE pg_read_server_files", "pg_read_server_files"),
        f"writes_{x}": ("IN ROLE pg_write_server_files", "pg_write_server_files"),
        f"readall_{x}": ("IN ROLE pg_read_all_data", "pg_read_all_data"),
        f"writeall_{x}": (f"IN ROLE grp_{x}", "pg_write_all_data"),  # through a group: not directly
        f"creator_{x}": ("CREATEROLE", "CREATEROLE"),
        f"dbmaker_{x}": ("CREATEDB", "CREATEDB"),
        f"owner_{x}": ("", "owns"),
        f"frank_{x}": ("", f"mgr_{x} is a member of it"),
    }
    server.psql(f"CREATE ROLE grp_{x} NOLOGIN IN ROLE pg_write_all_data;\n"
                + "".join(f"CREATE ROLE {login} LOGIN {extra};\n" for login, (extra, _) in setup.items())
                + f"CREATE ROLE mgr_{x} LOGIN;\nGRANT frank_{x} TO mgr_{x};\n")
    with sql(db, "postgres") as su:
        su.execute(f"CREATE SCHEMA own_{x} AUTHORIZATION owner_{x}")
    for login, (_, why) in setup.items():
        result = cli("admin", "add-person", login, "--name", "X", "--db", db("postgres"))
        assert result.code == 2 and "cannot be a person" in result.err, (login, result.err)
        assert why in result.err.replace("the login ", "") or why == "owns" and "owns 1" in result.err, result.err
        one_line(result.err)
    assert members_of_person_group(db, list(setup)) == 0
    with sql(db, "postgres") as su:
        assert su.execute("SELECT count(*) FROM person WHERE id = ANY(%s)",
                          ([f"p-{login}" for login in setup],)).fetchone() == (0,)
    # Honest: an ordinary new login, and mgr once frank is no longer in it... mgr itself is ordinary.
    dave = cli("admin", "add-person", f"dave_{x}", "--name", "Dave", "--db", db("postgres"))
    assert dave.code == 0, dave.err
    mgr = cli("admin", "add-person", f"mgr_{x}", "--name", "Manager", "--db", db("postgres"))
    assert mgr.code == 0, mgr.err
    assert members_of_person_group(db, [f"dave_{x}", f"mgr_{x}"]) == 2


def _backticked(message: str) -> list[str]:
    return re.findall(r"`([^`]+)`", message)


@pytest.fixture
def own_group(monkeypatch):
    """A person group of this test's own: the server's okrtui_person exists already, and admin init's
    advice for a server without it is what this test follows."""
    group = f"okrtui_person_{uuid.uuid4().hex[:6]}"
    monkeypatch.setattr(pgsecurity, "PERSON_ROLE", group)
    monkeypatch.setattr(pg, "PERSON_ROLE", group)
    return group


def test_admin_inits_advice_works_when_followed_literally(server, cli, own_group, tmp_path):
    x = uuid.uuid4().hex[:6]
    dba, name, erin = f"dba_{x}", f"okr_adv_{x}", f"erin_{x}"
    server.psql(f"CREATE ROLE {dba} LOGIN;\nCREATE DATABASE {name} OWNER {dba};")
    host = server.get_uri().split("host=", 1)[1]
    url = f"postgresql://{dba}@/{name}?host={host}"

    first = cli("admin", "init", "--db", url)
    assert first.code == 2, first.err
    one_line(first.err)
    # The DBA keeps no CREATEROLE: the superuser runs the other way, word for word.
    commands = [c for c in _backticked(first.err) if own_group in c]
    assert [c.split()[0] for c in commands] == ["CREATE", "GRANT"], commands
    server.psql(";\n".join(commands) + ";")
    assert cli("admin", "init", "--db", url).code == 0

    refused = cli("admin", "add-person", erin, "--name", "Erin Park", "--db", url)
    assert refused.code == 2 and "may not create roles" in refused.err, refused.err
    one_line(refused.err)
    (create,) = [c for c in _backticked(refused.err) if c.startswith("CREATE ROLE")]
    server.psql(create + ";")
    added = cli("admin", "add-person", erin, "--name", "Erin Park", "--db", url)
    assert added.code == 0, added.err
    # Erin works as a person, and only as one.
    person = f"postgresql://{erin}@/{name}?host={host}"
    assert cli("--db", person, "whoami").out.startswith("Erin Park"), cli("--db", person, "whoami").out
    with server_conn(host, name, erin) as conn:
        assert conn.execute("SELECT okrtui_me()").fetchone() == (f"p-{erin}",)


def server_conn(host: str, name: str, login: str):
    import psycopg

    return psycopg.connect(dbname=name, host=host, user=login, autocommit=True)
