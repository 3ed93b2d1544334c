"""Health metrics on the shared PostgreSQL: the same document reads the same as on SQLite."""

import pytest

from tests.helpers import METRIC_DOC as DOC
from tests.helpers import TODAY, write_doc


def test_metrics_round_trip_through_postgres_as_through_sqlite(db, cli, tmp_path):
    path = write_doc(tmp_path / "doc.json", DOC)
    local = tmp_path / "local.db"
    assert cli("--db", local, "import", path).code == 0
    assert cli("--db", db("alice"), "import", path).code == 0
    for args in (["metric", "list", "--team", "--format", "json"], ["report", "--format", "json", "--team"]):
        on_sqlite, on_postgres = cli("--db", local, *args), cli("--db", db("alice"), *args)
        assert on_postgres.code == on_sqlite.code
        def unnamed(result):  # the maker is Alice on PostgreSQL, the local identity on SQLite
            return [{**m, "owner": None} for m in result.json()["metrics"]]

        assert unnamed(on_postgres) == unnamed(on_sqlite) and len(unnamed(on_sqlite)) == 2
    exported = cli("--db", db("alice"), "export").json()["metrics"]
    assert [(m["id"], len(m["measurements"])) for m in exported] == [("m-backlog", 1), ("m-uptime", 3)]
    # Bob sees Alice's shared metrics and measures none of them
    assert [m["id"] for m in cli("--db", db("bob"), "metric", "list", "--team", "--format", "json").json()["metrics"]] \
        == ["m-uptime", "m-backlog"]
    refused = cli("--db", db("bob"), "metric", "record", "m-uptime", "99.99")
    assert refused.code == 2 and "Alice answers for it" in refused.err


def test_a_teammate_cannot_turn_anothers_kr_into_a_metric(db, cli, tmp_path, monkeypatch):
    """`metric from-kr` (the coach's health-metric-as-kr) on PostgreSQL: Bob is refused Alice's KR in one line,
    and a client without okrtui's own check (Bob's identity read as Alice's) is refused by row-level security:
    the whole conversion is one transaction, so nothing of it is left."""
    from okrtui.core.errors import OkrError
    from okrtui.cycle import metrics
    from okrtui.storage.backend import open_engine
    from okrtui.storage.model import Person

    path = write_doc(tmp_path / "doc.json", DOC)
    assert cli("--db", db("alice"), "import", path).code == 0
    refused = cli("--db", db("bob"), "metric", "from-kr", "kr-first")
    assert refused.code == 2 and refused.out == ""
    assert refused.err.count("\n") == 1 and "only they can turn it into a health metric" in refused.err

    monkeypatch.setattr(metrics, "identity", lambda session: Person(id="p-alice", name="Alice"))
    engine = open_engine(db("bob"), create=False)
    try:
        with pytest.raises(OkrError, match="row-level security"):  # Bob's metric named as Alice's
            metrics.from_key_result(engine, "kr-first", TODAY)
    finally:
        engine.dispose()
    listed = cli("--db", db("alice"), "metric", "list", "--team", "--format", "json").json()["metrics"]
    assert sorted(m["id"] for m in listed) == ["m-backlog", "m-uptime"]  # no metric made
    krs = [k["id"] for o in cli("--db", db("alice"), "report", "--format", "json", "--team").json()["objectives"]
           for k in o["key_results"]]
    assert "kr-first" in krs  # the KR is not deleted
