"""Attacks through `okrtui import` of a hand-written okrtui/1 document (docs/security.md, column import)."""

from sqlalchemy import text

from okrtui.storage.backend import open_engine
from tests.helpers import digest, write_doc


def test_metric_import_measures_and_changes_only_your_own(cli, db, tmp_path):
    cli("whoami", "--name", "Ann", "--db", db)
    engine = open_engine(db)
    with engine.begin() as conn:  # Bob's metric, come in by sync
        conn.execute(text("INSERT INTO person (id, origin, created_at, updated_at, deleted, name, email, public_key, "
                          "signature) VALUES ('p-bob', 'p-bob', 'x', 'x', 0, 'Bob', '', '', '')"))
        conn.execute(text("INSERT INTO metric (id, origin, created_at, updated_at, deleted, name, unit, description, "
                          "cadence, visibility, since, low, signature) VALUES ('m-bob', 'p-bob', 'x', 'x', 0, "
                          "'Churn', '%', '', 'weekly', 'shared', '2026-10-01', NULL, '')"))
    engine.dispose()
    before = digest(db)
    bobs = {"id": "m-bob", "name": "Churn", "unit": "%", "since": "2026-10-01"}
    for doc in ({"metrics": [{**bobs, "measurements": [{"id": "me-x", "date": "2026-11-20", "value": 1}]}]},
                {"metrics": [{**bobs, "high": 99}]}):
        r = cli("import", write_doc(tmp_path / "doc.json", {"format": "okrtui/1", **doc}), "--db", db)
        assert r.code == 2 and "Bob's metric" in r.err and "'m-bob'" in r.err and "Nothing was imported" in r.err
        assert digest(db) == before
    mine = {"format": "okrtui/1", "metrics": [{"id": "m-ann", "name": "Churn", "unit": "%", "since": "2026-10-01",
                                               "measurements": [{"id": "me-a", "date": "2026-11-20", "value": 1}]}]}
    assert cli("import", write_doc(tmp_path / "mine.json", mine), "--db", db).code == 0
