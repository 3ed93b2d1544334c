"""Attacks by a member who edits their own database with sqlite3, then syncs (docs/security.md, column sync_db)."""

from sqlalchemy import text

from okrtui import metrics, sync
from okrtui.storage.model import Measurement
from okrtui.storage.store import reading, writing
from tests.helpers import TODAY, person_db


def _metric_views(eng):
    with reading(eng) as session:
        return {v.id: v for v in metrics.read_all(session, TODAY)}


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
    assert _metric_views(ann)[backlog.id].health.latest.value == 35
