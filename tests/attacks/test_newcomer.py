"""Attacks on a new member's first sync, who has trusted no key yet (docs/security.md, column `newcomer`)."""

import datetime as dt
import sqlite3

from tests.helpers import HOSTILE, TODAY, raw_in, signed_line, two_members


def _newcomer(cli, tmp_path):
    cleo = tmp_path / "cleo.db"
    assert cli("--db", cleo, "whoami", "--name", "Cleo").code == 0
    return cleo


def test_text_a_first_sync_over_hostile_records_prints_them_escaped(cli, tmp_path):
    ana, ben, team = two_members(cli, tmp_path, ben_title=HOSTILE)
    signed_line(team, ben, id="c-hostile", note=HOSTILE, value=20.0)
    cleo = _newcomer(cli, tmp_path)
    first = cli("--db", cleo, "sync", team)
    assert first.code == 0 and not raw_in(first.out + first.err)
    for args in (["report", "--team"], ["history", "kr-ben"], ["due"], ["inbox"]):
        out = cli("--db", cleo, *args)
        assert not raw_in(out.out + out.err), args
    assert "\\x1b]0;pwned\\x07" in cli("--db", cleo, "history", "kr-ben").out  # honest: taken in, as text


def test_dates_a_first_sync_skips_what_is_dated_too_far_ahead(cli, tmp_path):
    ana, ben, team = two_members(cli, tmp_path)
    signed_line(team, ben, id="c-ahead1", date=str(TODAY + dt.timedelta(days=1)), value=30.0)
    signed_line(team, ben, id="c-ahead9", date=str(TODAY + dt.timedelta(days=9)), value=99.0)
    cleo = _newcomer(cli, tmp_path)
    first = cli("--db", cleo, "sync", team)
    assert first.code == 1 and "skipped check_in 'c-ahead9'" in first.err
    with sqlite3.connect(cleo) as conn:
        ids = {i for (i,) in conn.execute("SELECT id FROM check_in")}
    conn.close()
    assert "c-ahead1" in ids and "c-ahead9" not in ids
