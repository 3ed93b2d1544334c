"""Attacks in plain SQL as a person on the shared PostgreSQL (docs/security.md, column `sql_person`)."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from tests.helpers import HOSTILE, TODAY, raw_in, sql, write_doc
from tests.postgres.conftest import db  # noqa: F401  the fixture: a new database with alice, bob and carol

pytestmark = pytest.mark.xdist_group("postgres")


def _bobs(cli, db, tmp_path) -> None:  # noqa: F811
    doc = {"format": "okrtui/1", "objectives": [
        {"id": "o-bob", "title": "Ship it", "period": "2026-Q4", "key_results": [
            {"id": "kr-bob", "title": "Deploys from 0 to 100", "kind": "increase", "start": 0, "target": 100}]}]}
    assert cli("--db", db("bob"), "import", write_doc(tmp_path / "bob.json", doc)).code == 0


def test_text_hostile_text_written_in_plain_sql_is_shown_escaped(db, cli, tmp_path):  # noqa: F811
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


def test_dates_a_check_in_dated_ahead_in_sql_is_refused_by_the_database(db, cli, tmp_path):  # noqa: F811
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
