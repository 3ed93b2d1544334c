"""Attacks through `okrtui sync` of your own database after editing it with sqlite3 (docs/security.md,
column `sync_db`): the sync signs what the database holds, so each teammate's sync is what stops it."""

import datetime as dt
import sqlite3

from sqlalchemy import text

from okrtui import metrics, sync
from okrtui.stamps import now_stamp
from okrtui.storage.model import Measurement
from okrtui.storage.store import reading, writing
from tests.helpers import HOSTILE, TODAY, metric_views, person_db, raw_in, two_members


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



def test_metric_measurement_forged_in_own_database_is_skipped(tmp_path):
    ann, bob = person_db(tmp_path, "ann"), person_db(tmp_path, "bob")
    team = tmp_path / "team.jsonl"
    sync.sync(bob, team)  # Ann learns Bob's person first
    sync.sync(ann, team)
    churn = metrics.add(ann, {"name": "Churn", "unit": "%", "high": 2}, owner=None, team=None, today=TODAY)
    backlog = metrics.add(ann, {"name": "Backlog", "unit": "tickets", "high": 40}, owner="p-bob", team=None,
                          today=TODAY)
    sync.sync(ann, team)
    sync.sync(bob, team)
    # Bob edits his own database to measure Ann's metric, then syncs: Ann never takes it in
    with writing(bob) as session:
        session.connection().execute(text(
            "INSERT INTO measurement (id, origin, created_at, updated_at, deleted, metric_id, date, value, note, "
            "author_id, signature) VALUES ('forged', 'p-bob', '2026-11-26T09:00:00.000000Z', "
            "'2026-11-26T09:00:00.000000Z', 0, :m, '2026-11-26', 0.1, '', 'p-bob', '')"), {"m": churn.id})
    metrics.record(bob, backlog.id, 35, day=TODAY, today=TODAY)  # the honest one: Bob owns the backlog
    sync.sync(bob, team)
    result = sync.sync(ann, team)
    assert any(f"Bob may not measure {churn.id}: Ann answers for it" in w for w in result.warnings), result.warnings
    with reading(ann) as session:
        assert session.get(Measurement, "forged") is None
    assert metric_views(ann)[backlog.id].health.latest.value == 35
