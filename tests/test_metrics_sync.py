"""Health metrics through the team file: signed records under the same trust rules as KRs and check-ins."""

import datetime as dt

from sqlalchemy import text

from okrtui import metrics, sync
from okrtui.storage.model import Measurement
from okrtui.storage.store import reading, writing
from tests.helpers import TODAY, person_db


def _views(eng):
    with reading(eng) as session:
        return {v.id: v for v in metrics.read_all(session, TODAY)}


def test_shared_metrics_travel_signed_and_private_ones_never_leave(tmp_path):
    ann, bob = person_db(tmp_path, "ann"), person_db(tmp_path, "bob")
    team = tmp_path / "team.jsonl"
    uptime = metrics.add(ann, {"name": "Uptime", "unit": "%", "low": 99.9}, owner=None, team=None, today=TODAY,
                         since=dt.date(2026, 10, 1))
    secret = metrics.add(ann, {"name": "Secret runway", "unit": "months", "visibility": "private"}, owner=None,
                         team=None, today=TODAY)
    metrics.record(ann, uptime.id, 99.2, day=dt.date(2026, 11, 23), today=TODAY)
    metrics.record(ann, secret.id, 7, day=TODAY, today=TODAY)
    sync.sync(ann, team)
    assert "Secret runway" not in team.read_text()
    sync.sync(bob, team)
    seen = _views(bob)
    assert list(seen) == [uptime.id]
    assert seen[uptime.id].health.state.value == "unhealthy" and seen[uptime.id].owner == "Ann"
    lines = [line for line in team.read_text().splitlines() if '"type":"measurement"' in line]
    assert len(lines) == 1 and '"signature":"' in lines[0] and '"signature":""' not in lines[0]


def test_a_measurement_of_someone_elses_metric_is_skipped_and_the_owners_is_taken(tmp_path):
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
    assert _views(ann)[backlog.id].health.latest.value == 35
