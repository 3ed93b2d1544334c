"""Attacks through CLI commands (docs/security.md, column cli): each fails, and the honest action beside it works."""

from tests.helpers import digest, write_doc

TEAMMATE_OWNS = {"format": "okrtui/1", "people": [{"id": "p-bob", "name": "Bob"}], "metrics": [
    {"id": "m-backlog", "name": "Backlog", "unit": "tickets", "high": 40, "owner": "p-bob", "since": "2026-10-01"},
    {"id": "m-churn", "name": "Churn", "unit": "%", "high": 2, "since": "2026-10-01"}]}


def test_metric_measured_only_by_who_answers_for_it(cli, db, tmp_path):
    cli("whoami", "--name", "Lead", "--db", db)
    assert cli("import", write_doc(tmp_path / "doc.json", TEAMMATE_OWNS), "--db", db).code == 0
    before = digest(db)
    refused = cli("metric", "record", "m-backlog", "3", "--db", db)  # Lead made it; Bob owns it
    assert refused.code == 2 and "Bob answers for it (its owner); only they can measure it" in refused.err
    assert digest(db) == before
    assert cli("metric", "record", "m-churn", "1.5", "--db", db).code == 0  # the honest action still works


def test_metric_only_its_maker_edits_or_archives_it(cli, db, tmp_path):
    from sqlalchemy import text

    from okrtui.storage.backend import open_engine

    cli("whoami", "--name", "Ann", "--db", db)
    engine = open_engine(db)
    with engine.begin() as conn:  # Bob's metric, come in by sync
        conn.execute(text("INSERT INTO person (id, origin, created_at, updated_at, deleted, name, email, public_key, "
                          "signature) VALUES ('p-bob', 'p-bob', 'x', 'x', 0, 'Bob', '', '', '')"))
        conn.execute(text("INSERT INTO metric (id, origin, created_at, updated_at, deleted, name, unit, description, "
                          "cadence, visibility, since, signature) VALUES ('m-bob', 'p-bob', 'x', 'x', 0, "
                          "'Churn', '%', '', 'weekly', 'shared', '2026-10-01', '')"))
    engine.dispose()
    before = digest(db)
    for args in (("edit", "m-bob", "--at-most", "99"), ("archive", "m-bob")):
        r = cli("metric", *args, "--db", db)
        assert r.code == 2 and "was made by Bob; only they can change it" in r.err
        assert digest(db) == before
    assert cli("metric", "add", "Churn", "--unit", "%", "--db", db).code == 0  # Ann's own, same name, no team
    assert cli("metric", "edit", "m-churn", "--at-most", "3", "--db", db).code == 0
