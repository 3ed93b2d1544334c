"""Attacks in plain SQL as a person on the shared PostgreSQL (docs/security.md, column `sql_person`)."""

from __future__ import annotations

import datetime as dt

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


def test_dates_a_check_in_moved_ahead_in_sql_counts_only_from_its_day(db, cli, tmp_path):  # noqa: F811
    _bobs(cli, db, tmp_path)
    assert cli("--db", db("bob"), "checkin", "kr-bob", "7", "--date", "2026-11-20").code == 0
    assert cli("--db", db("bob"), "checkin", "kr-bob", "5").code == 0  # today's: the honest one
    later = TODAY + dt.timedelta(days=30)
    with sql(db, "bob") as conn:  # the CLI refuses this date; plain SQL writes it
        conn.execute("UPDATE check_in SET date = %s, value = 99 WHERE kr_id = 'kr-bob' AND value = 7", (later,))

    def current(day: dt.date) -> float:
        out = cli("--db", db("alice"), "report", "--team", "--format", "json", "--as-of", day, today=day)
        return next(k["current"] for o in out.json()["objectives"] for k in o["key_results"] if k["id"] == "kr-bob")

    assert current(TODAY) == 5  # not 99 today, and never the latest before its day
    assert current(later) == 99
