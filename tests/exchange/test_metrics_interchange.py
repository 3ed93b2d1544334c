"""Health metrics through okrtui/1: export, import all-or-nothing, the schema's strict checks, report."""

import copy
import json

import pytest

from tests.helpers import METRIC_DOC, digest, write_doc

DOC = METRIC_DOC


def test_a_document_round_trips(cli, db, tmp_path):
    assert cli("import", write_doc(tmp_path / "doc.json", DOC), "--db", db).code == 0
    listed = cli("metric", "list", "--format", "json", "--db", db).json()["metrics"]
    assert [(m["id"], m["status"], m["due"], m["streak"]) for m in listed] == [
        ("m-uptime", "unhealthy", False, 2), ("m-backlog", "healthy", True, 2)]
    assert listed[1]["improved_by"] == ["kr-first", "o-fast"]
    exported = cli("export", "--db", db).json()
    again = tmp_path / "again.db"
    assert cli("import", write_doc(tmp_path / "out.json", exported), "--db", again).code == 0
    assert cli("export", "--db", again).json()["metrics"] == exported["metrics"]
    metric = exported["metrics"][0]
    assert (metric["id"], metric["low"], metric["team"], [m["note"] for m in metric["measurements"]]) == (
        "m-backlog", None, None, [""])
    assert exported["objectives"][0]["improves"] == "m-backlog"
    assert exported["objectives"][0]["key_results"][0]["improves"] == "m-backlog"
    # importing the same document again changes nothing
    assert "0 created, 0 updated" in cli("import", write_doc(tmp_path / "out.json", exported), "--db", again).out


def _broken(path, value):
    doc = copy.deepcopy(DOC)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


@pytest.mark.parametrize(("path", "value", "says"), [
    (("metrics", 0, "low"), "high", "metrics[0].low: expected a number"),
    (("metrics", 0, "cadence"), "daily", "metrics[0].cadence"),
    (("metrics", 1, "low"), 50, "metrics[1].high: must not be below low"),
    (("metrics", 1, "name"), "uptime", None),  # a different team (none): allowed
    (("metrics", 0, "measurements", 0, "date"), "2025-12-31", "metrics[0].measurements[0].date: 2025-12-31 is outside"),
    (("metrics", 0, "measurements", 1, "date"), "2026-11-09", "a second measurement on 2026-11-09"),
    (("metrics", 0, "measurements", 1, "note"), "x" * 100_000, "metrics[0].measurements[1].note"),
    (("metrics", 0, "measurements", 1, "value"), float("nan"), "metrics[0].measurements[1].value"),
    (("metrics", 0, "owner"), "p-nobody", "metrics[0].owner: unknown person"),
    (("objectives", 0, "improves"), "m-nothing", "objectives[0].improves: unknown metric"),
    (("metrics", 0, "archived_on"), "2025-01-01", "metrics[0].archived_on"),
])
def test_a_bad_metric_refuses_the_whole_document(cli, db, tmp_path, path, value, says):
    doc = _broken(path, value)
    cli("whoami", "--name", "Ann", "--db", db)
    before = digest(db)
    r = cli("import", write_doc(tmp_path / "doc.json", json.dumps(doc)), "--db", db)
    if says is None:
        assert r.code == 0
        return
    assert r.code == 2 and says in r.err, r.err
    assert digest(db) == before


def test_the_report_has_a_health_section_in_every_format(cli, db, tmp_path):
    cli("import", write_doc(tmp_path / "doc.json", DOC), "--db", db)
    text = cli("report", "--db", db).out
    assert "\nHealth\n  ✗  Uptime  99.4 % (2026-11-23) vs ≥ 99.9 %  unhealthy  (unhealthy for 2 weeks)" in text
    md = cli("report", "--format", "md", "--db", db).out
    assert "## Health" in md and "| ✗ | Uptime | 99.4 % (2026-11-23) | ≥ 99.9 % |" in md
    doc = cli("report", "--format", "json", "--db", db).json()
    assert [m["id"] for m in doc["metrics"]] == ["m-uptime", "m-backlog"]
    csv_text = cli("report", "--format", "csv", "--db", db).out
    assert "metric_id,name,unit" in csv_text and "m-uptime,Uptime,%" in csv_text



def test_a_measurement_after_today_refuses_the_document(cli, db, tmp_path):
    doc = _broken(("metrics", 0, "measurements", 2, "date"), "2026-11-27")
    r = cli("import", write_doc(tmp_path / "doc.json", doc), "--db", db)
    assert r.code == 2 and "metrics[0].measurements[2].date" in r.err and "ahead of time" in r.err
