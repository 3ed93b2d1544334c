"""Attacks through `okrtui sync` of your own database after editing it with sqlite3 (docs/security.md,
column `sync_db`): the sync signs what the database holds, so each teammate's sync is what stops it."""

import datetime as dt
import sqlite3

from okrtui.stamps import now_stamp
from tests.helpers import HOSTILE, TODAY, raw_in, two_members


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
