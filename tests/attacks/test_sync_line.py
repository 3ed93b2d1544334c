"""Attacks by a line someone wrote into the team file by hand (docs/security.md, column sync_line)."""

from okrtui import metrics, sync
from okrtui.storage.model import Measurement
from okrtui.storage.store import reading
from tests.helpers import TODAY, person_db, rec, team_file


def test_metric_hand_written_measurement_of_anothers_metric_is_skipped(tmp_path):
    ann = person_db(tmp_path, "ann")
    churn = metrics.add(ann, {"name": "Churn", "unit": "%", "high": 2}, owner=None, team=None, today=TODAY)
    bob = rec("person", "p-bob", name="Bob", email="")
    bobs_metric = rec("metric", "m-bob", name="Queue", unit="jobs", description="", owner_id=None, team_id=None,
                      cadence="weekly", low=None, high=100.0, visibility="shared", since="2026-10-01", archived_on=None)
    line = {"metric_id": churn.id, "date": "2026-11-20", "value": 0.1, "note": "", "author_id": "p-bob"}
    team = team_file(tmp_path / "team.jsonl", [
        bob, bobs_metric, rec("measurement", "me-forged", **line),
        rec("measurement", "me-honest", **{**line, "metric_id": "m-bob", "value": 80.0})])
    result = sync.sync(ann, team)
    assert any(f"Bob may not measure {churn.id}: Ann answers for it" in w for w in result.warnings), result.warnings
    with reading(ann) as session:
        assert session.get(Measurement, "me-forged") is None
        assert session.get(Measurement, "me-honest").value == 80.0  # Bob's own metric, measured by Bob
