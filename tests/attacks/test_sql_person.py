"""Attacks through plain SQL as a person on the shared PostgreSQL (docs/security.md, column sql_person)."""

import psycopg
import pytest

from tests.helpers import TODAY, sql, write_doc
from tests.postgres.conftest import db  # noqa: F401 - the shared database fixture (a new database per test)

pytestmark = pytest.mark.xdist_group("postgres")

METRICS = {"format": "okrtui/1", "metrics": [
    {"id": "m-uptime", "name": "Uptime", "unit": "%", "low": 99.9, "owner": "p-bob", "since": "2026-10-01"},
    {"id": "m-runway", "name": "Runway", "unit": "months", "visibility": "private", "since": "2026-10-01",
     "measurements": [{"id": "me-runway", "date": "2026-11-02", "value": 14}]}]}

MEASURE = ("INSERT INTO measurement (id, origin, created_at, updated_at, deleted, metric_id, date, value, note, "
           "author_id, signature) VALUES (%s, %s, 'x', 'x', false, 'm-uptime', '2026-11-20', %s, '', %s, '')")


def test_metric_measured_only_by_who_answers_for_it_and_private_stays_private(db, cli, tmp_path):  # noqa: F811
    people = {"format": "okrtui/1", "people": [{"id": "p-bob", "name": "Bob"}]}
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "p.json", people)).code == 0
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "m.json", METRICS)).code == 0
    with sql(db, "carol") as carol:  # neither its owner nor its maker
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            carol.execute(MEASURE, ("me-carol", "p-carol", 0.5, "p-carol"))
        assert carol.execute("SELECT count(*) FROM metric WHERE id = 'm-runway'").fetchone() == (0,)
        assert carol.execute("SELECT count(*) FROM measurement WHERE id = 'me-runway'").fetchone() == (0,)
        assert carol.execute("UPDATE metric SET low = 0 WHERE id = 'm-uptime'").rowcount == 0
    with sql(db, "alice") as alice:  # its maker, but Bob answers for it
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            alice.execute(MEASURE, ("me-alice", "p-alice", 99.99, "p-alice"))
    with sql(db, "bob") as bob:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # as himself, but naming Alice as the author
            bob.execute(MEASURE, ("me-bob-as-alice", "p-bob", 99.99, "p-alice"))
    # the honest actions: Bob measures the metric he owns, and everyone sees it
    assert cli("--db", db("bob"), "metric", "record", "m-uptime", "99.5", "--date", "2026-11-20").code == 0
    seen = cli("--db", db("carol"), "metric", "list", "--team", "--format", "json").json()["metrics"]
    assert [(m["id"], m["status"]) for m in seen] == [("m-uptime", "unhealthy")]
    own = cli("--db", db("alice"), "metric", "list", "--team", "--format", "json").json()["metrics"]
    assert sorted(m["id"] for m in own) == ["m-runway", "m-uptime"]
    assert cli("--db", db("alice"), "metric", "record", "m-uptime", "99.9", today=TODAY).code == 2
