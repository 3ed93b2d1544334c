"""The batched import on a real PostgreSQL (pgserver): updates, repeats, and all-or-nothing."""

from __future__ import annotations

import copy

from tests.helpers import PG_DOC as DOC
from tests.helpers import sql, write_doc


def test_a_repeated_import_is_unchanged_and_an_edit_updates_only_those_rows(db, cli, tmp_path):
    path = write_doc(tmp_path / "doc.json", DOC)
    assert cli("--db", db("alice"), "import", path).code == 0
    again = cli("--db", db("alice"), "import", path)
    assert again.code == 0 and ": 0 created, 0 updated," in again.out
    edited = copy.deepcopy(DOC)
    edited["objectives"][0]["key_results"][0]["target"] = 100
    edited["objectives"][0]["key_results"][0]["check_ins"][1]["value"] = 97
    changed = cli("--db", db("alice"), "import", write_doc(tmp_path / "edited.json", edited))
    assert changed.code == 0 and ": 0 created, 2 updated," in changed.out
    with sql(db, "alice") as alice:
        assert alice.execute("SELECT target, origin FROM key_result WHERE id = 'kr-deploys'").fetchone() == (
            100.0, "p-alice")
        assert alice.execute("SELECT value FROM check_in WHERE id = 'c-2'").fetchone() == (97.0,)


def test_an_import_that_would_change_another_persons_row_writes_nothing(db, cli, tmp_path):
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "doc.json", DOC)).code == 0
    theirs = {"format": "okrtui/1", "objectives": [
        {"id": "o-new", "title": "Bob's new objective", "period": "2026-Q4",
         "key_results": [{"id": f"kr-new-{i}", "title": "R", "kind": "milestone"} for i in range(50)]},
        {"id": "o-reliable", "title": "Bob's title on Alice's objective", "period": "2026-Q4"}]}
    refused = cli("--db", db("bob"), "import", write_doc(tmp_path / "theirs.json", theirs))
    assert refused.code == 2 and refused.out == "" and len(refused.err.splitlines()) == 1
    with sql(db, "postgres") as owner:
        assert owner.execute("SELECT count(*) FROM objective WHERE id = 'o-new'").fetchone() == (0,)
        assert owner.execute("SELECT count(*) FROM key_result WHERE id LIKE 'kr-new-%'").fetchone() == (0,)
        assert owner.execute("SELECT title, origin FROM objective WHERE id = 'o-reliable'").fetchone() == (
            "Make deploys boringly reliable", "p-alice")


def test_the_policies_ask_who_is_writing_once_a_statement_not_once_a_row(db, cli, tmp_path):
    """okrtui_me() in a policy is a scalar subquery, run once per statement: called bare (it pins its
    search_path, so PostgreSQL never inlines it) it ran three or four times for every row a batched
    import wrote, half of a 130,000-check-in import's time (docs/performance.md)."""
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "doc.json", DOC)).code == 0
    with sql(db, "postgres") as owner:
        owner.execute(f"ALTER ROLE alice IN DATABASE {db.name} SET track_functions = 'all'")
    with sql(db, "alice") as alice, alice.transaction():
        alice.execute(
            "INSERT INTO check_in (id, origin, created_at, updated_at, deleted, kr_id, date, value, note, author_id) "
            "SELECT 'c-many-' || n, 'p-alice', 'x', 'x', false, 'kr-nps', DATE '2026-10-01' + n, n, '', 'p-alice' "
            "FROM generate_series(1, 60) n")
        assert alice.execute("SELECT count(*) FROM check_in WHERE id LIKE 'c-many-%'").fetchone() == (60,)
        (calls,) = alice.execute("SELECT pg_stat_get_xact_function_calls('okrtui_me'::regproc)").fetchone()
    assert calls is not None and 0 < calls < 20, calls


def test_a_nul_character_postgresql_cannot_store_is_one_line_naming_it_and_writes_nothing(db, cli, tmp_path):
    """SQLite stores U+0000 in a text (a document or a teammate's line may carry one); PostgreSQL's text
    never can, and the batched import (arrays in binary) said only 'invalid byte sequence for encoding
    "UTF8": 0x00'. Moving such a database in is refused in one line that says what to remove."""
    doc = copy.deepcopy(DOC)
    doc["objectives"][0]["key_results"][0]["check_ins"][0]["note"] = "rollback\x00fixed"
    refused = cli("--db", db("alice"), "import", write_doc(tmp_path / "nul.json", doc))
    assert refused.code == 2 and refused.out == "" and refused.err.count("\n") == 1, refused.err
    assert "U+0000" in refused.err and "remove it" in refused.err, refused.err
    with sql(db, "alice") as alice:
        assert alice.execute("SELECT count(*) FROM objective").fetchone() == (0,)
    doc["objectives"][0]["key_results"][0]["check_ins"][0]["note"] = "rollback fixed"  # the honest document
    assert cli("--db", db("alice"), "import", write_doc(tmp_path / "doc.json", doc)).code == 0
