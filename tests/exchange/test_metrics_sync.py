"""Health metrics through the team file: signed records under the same trust rules as KRs and check-ins."""

import datetime as dt

from okrtui.cycle import metrics
from okrtui.exchange import sync
from tests.helpers import TODAY, metric_views, person_db


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
    seen = metric_views(bob)
    assert list(seen) == [uptime.id]
    assert seen[uptime.id].health.state.value == "unhealthy" and seen[uptime.id].owner == "Ann"
    lines = [line for line in team.read_text().splitlines() if '"type":"measurement"' in line]
    assert len(lines) == 1 and '"signature":"' in lines[0] and '"signature":""' not in lines[0]


def test_a_kr_turned_into_a_metric_travels_as_a_signed_metric_and_the_kr_as_deleted(tmp_path):
    """`metric from-kr` (the coach's health-metric-as-kr): the new metric and its measurements reach a teammate
    as signed records of their maker, and the KR's deletion with them."""
    from okrtui.cycle import checkins

    ann, bob = person_db(tmp_path, "ann"), person_db(tmp_path, "bob")
    team = tmp_path / "team.jsonl"
    checkins.record(ann, "kr-ann-0", 40, day=dt.date(2026, 11, 16), today=TODAY)
    sync.sync(ann, team)
    sync.sync(bob, team)
    made = metrics.from_key_result(ann, "kr-ann-0", TODAY)
    sync.sync(ann, team)
    sync.sync(bob, team)
    seen = metric_views(bob)
    assert made.metric_id in seen and seen[made.metric_id].owner == "Ann"
    lines = [line for line in team.read_text().splitlines() if '"type":"metric"' in line and made.metric_id in line]
    assert len(lines) == 1 and '"signature":"' in lines[0] and '"signature":""' not in lines[0]
    assert '"origin":"p-ann"' in lines[0]
    (measured,) = [line for line in team.read_text().splitlines() if '"type":"measurement"' in line]
    assert made.metric_id in measured and '"signature":""' not in measured  # the KR's check-in, carried over
    assert seen[made.metric_id].points[-1].value == 40
    with bob.connect() as conn:
        assert conn.exec_driver_sql("SELECT deleted FROM key_result WHERE id = 'kr-ann-0'").scalar_one()
