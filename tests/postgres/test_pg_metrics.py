"""Health metrics on the shared PostgreSQL: the same document reads the same as on SQLite."""

from tests.helpers import METRIC_DOC as DOC
from tests.helpers import write_doc


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
