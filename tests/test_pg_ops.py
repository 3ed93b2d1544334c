"""Operating a shared PostgreSQL database as docs/postgres.md says: moving in from SQLite, backups that
restore, live refresh through LISTEN/NOTIFY. Against the real PostgreSQL 16 of tests/test_postgres.py."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest

from . import test_postgres
from .conftest import write_doc
from .test_postgres import DOC

# The one server and its fixtures, shared with tests/test_postgres.py.
server, db = test_postgres.server, test_postgres.db

OWNER = "okr_dba"  # the DBA: owns the database, no superuser, no BYPASSRLS, as in docs/postgres.md


@pytest.fixture
def owned(server, db, cli):
    """A database as docs/postgres.md sets it up: owned by an ordinary role (not a superuser, which
    would bypass row-level security and hide what a real DBA meets), initialised and with its persons
    added by that owner. URLs by login, like `db`."""
    server.psql(f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{OWNER}') THEN "
                f"CREATE ROLE {OWNER} LOGIN CREATEROLE CREATEDB; END IF; END $$;")
    # The person role already exists in this cluster (made by the superuser's `db`): let the DBA manage it.
    server.psql(f"GRANT okrtui_person TO {OWNER} WITH ADMIN OPTION;")
    name = f"okr_{uuid.uuid4().hex[:10]}"
    server.psql(f"CREATE DATABASE {name} OWNER {OWNER};")

    def url(login: str) -> str:
        return f"postgresql://{login}@/{name}?host={db.host}"

    init = cli("admin", "init", "--db", url(OWNER))
    assert init.code == 0, init.err
    for login in ("alice", "bob", "carol"):
        added = cli("admin", "add-person", login, "--name", login.title(), "--db", url(OWNER))
        assert added.code == 0, added.err
    url.name, url.host = name, db.host  # type: ignore[attr-defined]
    return url


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
    cli("--db", db("alice"), "import", write_doc(tmp_path / "doc.json", DOC))
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


def test_the_documented_backup_restores_every_row_into_an_empty_database(server, owned, cli, tmp_path):
    db = owned
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "doc.json", DOC)).code == 0
    assert cli("--db", db("bob"), "team", "add", "t-bob", "--name", "Bob's").code == 0
    assert cli("--db", db("carol"), "checkin", "kr-deploys", "97", "--date", "2026-11-20").code == 2  # not hers
    before = reports(cli, db)
    assert [o["id"] for o in before["alice[]"]["objectives"]] == ["o-reliable", "o-secret"]
    # The commands of docs/postgres.md, as the database's owner.
    made = dump(db, tmp_path / "okr.dump", "--enable-row-security")
    assert made.returncode == 0, made.stderr
    restored = f"okr_{uuid.uuid4().hex[:10]}"
    server.psql(f"CREATE DATABASE {restored} OWNER {OWNER};")
    put = subprocess.run([pg_bin("pg_restore"), "-h", db.host, "-U", OWNER, "-d", restored,
                          str(tmp_path / "okr.dump")], capture_output=True, text=True)
    assert put.returncode == 0, put.stderr

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
