"""The signed team file: keys made with an identity, signatures checked on every sync, trust on
first use, records from before keys, moving an identity with its key, the merge driver."""

import json
import os
import re
import sys

from okrtui.core import signing
from okrtui.exchange import sync, teamformat
from okrtui.storage.backend import open_engine
from okrtui.storage.model import Objective, Person
from okrtui.storage.store import reading, set_meta, writing
from tests.helpers import git, write_doc

PLAN = {"format": "okrtui/1", "objectives": [
    {"id": "o-1", "title": "Grow", "period": "2026-Q4",
     "key_results": [{"id": "kr-1", "title": "Users", "kind": "increase", "start": 0, "target": 10}]}]}


def person(cli, db, name):
    assert cli("--db", db, "whoami", "--name", name).code == 0
    return re.search(r"\((p-[^)]+)\)", cli("--db", db, "whoami").out).group(1)


def lines_of(team):
    return [json.loads(line) for line in team.read_text().splitlines()[1:]]


def rewrite(team, change):
    head, *rest = team.read_text().splitlines()
    out = [head]
    for line in rest:
        rec = change(json.loads(line))
        out.append(teamformat.canonical(rec))
    team.write_text("\n".join(out) + "\n")


def test_an_identity_is_born_with_an_owner_only_key_and_every_record_is_signed(cli, tmp_path):
    db, team = tmp_path / "ann.db", tmp_path / "team.jsonl"
    me = person(cli, db, "Ann")
    key_file = tmp_path / "ann.db.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    cli("--db", db, "import", write_doc(tmp_path / "d.json", PLAN))
    assert cli("--db", db, "sync", team).code == 0
    records = lines_of(team)
    public = next(r["public_key"] for r in records if r["id"] == me)
    assert public == signing.public_text(signing.load(key_file))
    assert records and all(signing.verifies(public, r) for r in records)
    # The canonical content: sorted keys, compact, without the signature itself.
    rec = records[0]
    body = {k: v for k, v in rec.items() if k != "signature"}
    assert signing.content(rec) == json.dumps(body, sort_keys=True, separators=(",", ":"),
                                              ensure_ascii=False).encode()


def test_a_forged_line_is_skipped_and_named_the_rest_merge(cli, tmp_path):
    team = tmp_path / "team.jsonl"
    ann, cy = tmp_path / "ann.db", tmp_path / "cy.db"
    person(cli, ann, "Ann")
    person(cli, cy, "Cy")
    for db in (ann, cy):  # Cy knows Ann's key (a newcomer meeting a forged line trusts neither: test_newcomer)
        assert cli("--db", db, "sync", team).code == 0
    cli("--db", ann, "import", write_doc(tmp_path / "d.json", PLAN))
    cli("--db", ann, "sync", team)
    rewrite(team, lambda r: {**r, "target": 1.0} if r["id"] == "kr-1" else r)  # valid JSON, wrong signature
    result = cli("--db", cy, "sync", team)
    assert result.code == 1
    warned = [w for w in result.err.splitlines() if w.startswith("okrtui: warning:")]
    assert len(warned) == 1 and "kr-1" in warned[0] and "Ann" in warned[0] and "signature" in warned[0]
    with reading(open_engine(cy)) as session:
        assert session.get(Objective, "o-1") is not None  # the good records merged


def test_another_key_for_a_known_person_is_an_identity_clash(cli, tmp_path):
    team = tmp_path / "team.jsonl"
    ann, cy = tmp_path / "ann.db", tmp_path / "cy.db"
    ann_id = person(cli, ann, "Ann")
    person(cli, cy, "Cy")
    cli("--db", ann, "sync", team)
    cli("--db", cy, "sync", team)  # Cy now knows Ann's key
    mallory = signing.generate()

    def swap(rec):
        if rec["id"] == ann_id:
            rec = {**rec, "public_key": signing.public_text(mallory), "name": "Ann (new laptop)",
                   "updated_at": "2099-01-01T00:00:00.000000Z"}
            rec["signature"] = signing.sign(mallory, rec)
        return rec

    rewrite(team, swap)
    result = cli("--db", cy, "sync", team)
    assert result.code == 1 and "identity clash" in result.err and "Ann" in result.err
    assert "new laptop" not in result.err  # messages name people as this database knows them
    with reading(open_engine(cy)) as session:
        stored = session.get(Person, ann_id)
        assert stored.name == "Ann" and stored.public_key != signing.public_text(mallory)


def test_records_from_before_keys_are_refused_until_their_owner_signs_them(cli, tmp_path):
    """An old okrtui wrote unsigned records: refused, naming who signs them. The owner's first sync
    with keys signs them once; then they are taken in, and an unsigned change is refused."""
    team, cy = tmp_path / "team.jsonl", tmp_path / "cy.db"
    person(cli, cy, "Cy")
    old = open_engine(tmp_path / "old.db")  # a database from before keys: no key file, no public key
    with writing(old) as session:
        set_meta(session, "identity", "p-old")
        set_meta(session, "identity_keyless", "1")
        session.add(Person(id="p-old", origin="p-old", name="Old Timer"))
    from okrtui.exchange import interchange

    interchange.import_document(old, PLAN)
    sync.sync(old, team)
    assert all(not r["signature"] for r in lines_of(team))
    refused = cli("--db", cy, "sync", team)
    assert refused.code == 1 and "not signed" in refused.err and "Old Timer" in refused.err
    assert "next `okrtui sync`" in refused.err
    with reading(open_engine(cy)) as session:
        assert session.get(Objective, "o-1") is None
    # The old database upgrades: a key is made, every record of its own is signed and re-sent.
    with writing(old) as session:
        session.delete(session.get(__import__("okrtui.storage.model", fromlist=["Meta"]).Meta, "identity_keyless"))
    upgraded = sync.sync(old, team)
    assert upgraded.warnings == []  # its own old unsigned lines are simply replaced
    assert all(r["signature"] for r in lines_of(team) if r["origin"] == "p-old")
    assert cli("--db", cy, "sync", team).code == 0
    with reading(open_engine(cy)) as session:
        assert session.get(Objective, "o-1").title == "Grow"
    # Now an unsigned change in Old Timer's name is refused.
    rewrite(team, lambda r: {**r, "title": "unsigned", "signature": "",
                             "updated_at": "2099-01-01T00:00:00.000000Z"} if r["id"] == "o-1" else r)
    result = cli("--db", cy, "sync", team)
    assert result.code == 1 and "not signed" in result.err and "Old Timer" in result.err
    with reading(open_engine(cy)) as session:
        assert session.get(Objective, "o-1").title == "Grow"


def test_export_and_adopt_an_identity_with_its_key(cli, tmp_path):
    team = tmp_path / "team.jsonl"
    first, second, cy = tmp_path / "laptop.db", tmp_path / "desktop.db", tmp_path / "cy.db"
    me = person(cli, first, "Ann Lee")
    person(cli, cy, "Cy")
    cli("--db", first, "import", write_doc(tmp_path / "d.json", PLAN))
    cli("--db", first, "sync", team)
    cli("--db", cy, "sync", team)
    exported = tmp_path / "ann-identity.json"
    result = cli("--db", first, "whoami", "--export-identity", exported)
    assert result.code == 0 and exported.stat().st_mode & 0o777 == 0o600
    data = json.loads(exported.read_text())
    assert data["id"] == me and data["name"] == "Ann Lee" and data["private_key"]
    assert cli("--db", second, "whoami", "--adopt", exported).code == 0
    assert (tmp_path / "desktop.db.key").read_bytes() == (tmp_path / "laptop.db.key").read_bytes()
    assert (tmp_path / "desktop.db.key").stat().st_mode & 0o777 == 0o600
    assert cli("--db", second, "sync", team).code == 0
    assert cli("--db", second, "whoami").out.splitlines()[-1] == f"Ann Lee ({me})"
    # The second machine changes Ann's objective: her signature, so Cy takes it.
    engine = open_engine(second)
    with writing(engine) as session:
        row = session.get(Objective, "o-1")
        row.title, row.updated_at = "Grow faster", "2099-12-01T00:00:00.000000Z"
    engine.dispose()
    r = cli("--db", second, "sync", team)
    assert r.code == 0, r.err
    r = cli("--db", cy, "sync", team)
    assert r.code == 0, r.err
    with reading(open_engine(cy)) as session:
        assert session.get(Objective, "o-1").title == "Grow faster"
    # A database that already has records of its own cannot adopt.
    cli("--db", cy, "import", write_doc(tmp_path / "cy.json", {"format": "okrtui/1", "objectives": [
        {"id": "o-cy", "title": "Cy's", "period": "2026-Q4"}]}))
    refused = cli("--db", cy, "whoami", "--adopt", exported)
    assert refused.code == 2 and "already holds 1 record" in refused.err
    assert cli("--db", cy, "whoami").out.splitlines()[-1].startswith("Cy (")


def test_adopt_by_id_alone_makes_no_second_key_and_says_how_to_bring_it(cli, tmp_path):
    team = tmp_path / "team.jsonl"
    first, second = tmp_path / "laptop.db", tmp_path / "desktop.db"
    me = person(cli, first, "Ann")
    cli("--db", first, "sync", team)
    assert cli("--db", second, "whoami", "--adopt", me).code == 0
    assert not (tmp_path / "desktop.db.key").exists()
    assert cli("--db", second, "sync", team).code == 0
    cli("--db", second, "import", write_doc(tmp_path / "d.json", PLAN))
    result = cli("--db", second, "sync", team)
    assert result.code == 1 and "--adopt FILE" in result.err and "no signing key" in result.err


def test_the_merge_driver_keeps_signatures_valid(cli, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / ".gitattributes").write_text("team.jsonl merge=okrtui\n")
    git(repo, "config", "merge.okrtui.driver", f"{sys.executable} -m okrtui merge-driver %O %A %B")
    team = repo / "team.jsonl"
    ann, bob, cy = tmp_path / "ann.db", tmp_path / "bob.db", tmp_path / "cy.db"
    for db, name in ((ann, "Ann"), (bob, "Bob"), (cy, "Cy")):
        person(cli, db, name)
    cli("--db", ann, "import", write_doc(tmp_path / "d.json", PLAN))
    cli("--db", ann, "sync", team)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "bob")
    cli("--db", bob, "sync", team)
    git(repo, "commit", "-qam", "bob")
    git(repo, "checkout", "-q", "main")
    assert cli("--db", ann, "checkin", "kr-1", "4").code == 0
    cli("--db", ann, "sync", team)
    git(repo, "commit", "-qam", "ann")
    git(repo, "merge", "-q", "--no-edit", "bob")
    result = cli("--db", cy, "sync", team)
    assert result.code == 0 and "warning" not in result.err, result.err
    keys = {r["id"]: r["public_key"] for r in lines_of(team) if r["type"] == "person"}
    assert all(signing.verifies(keys[r["origin"]], r) for r in lines_of(team))
    assert any(r["type"] == "check_in" and r["value"] == 4 for r in lines_of(team))


def test_a_bad_line_is_told_once_then_counted(cli, tmp_path):
    team = tmp_path / "team.jsonl"
    ann, cy = tmp_path / "ann.db", tmp_path / "cy.db"
    person(cli, ann, "Ann")
    person(cli, cy, "Cy")
    cli("--db", ann, "import", write_doc(tmp_path / "d.json", PLAN))
    cli("--db", ann, "sync", team)
    with open(team, "a") as handle:
        handle.write('{"type":"key_result","id":"kr-bad","origin":"p-x","updated_at":"2026-01-01T00:00:00Z",'
                     '"deleted":false,"kind":"bogus"}\n')
    first = cli("--db", cy, "sync", team)
    assert first.code == 1 and "kr-bad" in first.err and "seen before" not in first.err
    again = cli("--db", cy, "sync", team)
    assert again.code == 0 and "kr-bad" not in again.err
    assert "1 bad record skipped, seen before" in again.err
    # Something new is told (and exits 1), the old one still only counted.
    rewrite(team, lambda r: {**r, "title": "forged"} if r.get("id") == "o-1" else r)
    third = cli("--db", cy, "sync", team)
    assert third.code == 1 and "o-1" in third.err and "kr-bad" not in third.err
    assert "1 bad record skipped, seen before" in third.err
    # Another database meets the bad line for the first time: told loudly there.
    assert "kr-bad" in cli("--db", ann, "sync", team).err


def test_a_key_file_readable_by_others_is_tightened(cli, tmp_path):
    db = tmp_path / "ann.db"
    person(cli, db, "Ann")
    os.chmod(tmp_path / "ann.db.key", 0o644)
    assert cli("--db", db, "sync", tmp_path / "team.jsonl").code == 0
    assert (tmp_path / "ann.db.key").stat().st_mode & 0o777 == 0o600



def test_a_bad_identity_file_is_refused_and_changes_nothing(cli, tmp_path):
    db = tmp_path / "new.db"
    for content, phrase in (("not json", "cannot read the identity file"),
                            ('{"format": "something"}', "not an okrtui identity file"),
                            ('{"format": "okrtui-identity/1", "id": "bad id!", "name": "A", "private_key": "x"}',
                             "identity file.id"),
                            ('{"format": "okrtui-identity/1", "id": "p-a", "name": "A", "private_key": "short"}',
                             "private key is not 32 bytes")):
        path = tmp_path / "id.json"
        path.write_text(content)
        result = cli("--db", db, "whoami", "--adopt", path)
        lines = result.err.strip().splitlines()
        assert result.code == 2 and len(lines) == 1 and phrase in lines[0], (content, result.err)
        assert not (tmp_path / "new.db.key").exists()
        assert content.startswith("{") or not db.exists()  # unreadable: the database is not even made
    assert cli("--db", db, "whoami", "--adopt", tmp_path / "missing.json").code == 2


def test_teammates_records_are_stored_with_their_signatures_and_written_back_unchanged(cli, tmp_path):
    team, fresh = tmp_path / "team.jsonl", tmp_path / "fresh.jsonl"
    ann, cy = tmp_path / "ann.db", tmp_path / "cy.db"
    person(cli, ann, "Ann")
    person(cli, cy, "Cy")
    cli("--db", ann, "import", write_doc(tmp_path / "d.json", PLAN))
    cli("--db", ann, "sync", team)
    cli("--db", cy, "sync", team)
    assert cli("--db", cy, "sync", fresh).code == 0  # Cy alone rebuilds a team file from his database
    ann_lines = {line for line in team.read_text().splitlines()[1:] if '"o-1"' in line or '"kr-1"' in line}
    assert ann_lines and ann_lines <= set(fresh.read_text().splitlines())  # byte for byte


def test_the_signed_version_of_an_unsigned_record_wins_the_tie_whatever_the_order():
    rec = {"type": "team", "id": "t", "origin": "p-a", "created_at": "x", "updated_at": "2026-01-01T00:00:00Z",
           "deleted": False, "name": "T", "mission": "", "vision": "", "signature": ""}
    signed = {**rec, "signature": signing.sign(signing.generate(), rec)}
    assert teamformat.newer(rec, signed) is signed and teamformat.newer(signed, rec) is signed


def test_a_second_machine_from_before_keys_makes_no_key_of_its_own_and_can_take_the_real_one(cli, tmp_path):
    """A desktop adopted Ann's id with an older okrtui (no flag, no key). After the upgrade its sync
    sees Ann's key in the file and makes none (a second key would be a clash); --adopt FILE then
    brings the real key even though the desktop has records of its own."""
    team = tmp_path / "team.jsonl"
    laptop, desktop, cy = tmp_path / "laptop.db", tmp_path / "desktop.db", tmp_path / "cy.db"
    me = person(cli, laptop, "Ann")
    person(cli, cy, "Cy")
    cli("--db", laptop, "sync", team)
    cli("--db", cy, "sync", team)
    engine = open_engine(desktop)
    with writing(engine) as session:
        set_meta(session, "identity", me)
        session.add(Person(id=me, origin=me, name="Ann", created_at="1970-01-01T00:00:00.000000Z",
                           updated_at="1970-01-01T00:00:00.000000Z"))
    engine.dispose()
    cli("--db", desktop, "import", write_doc(tmp_path / "d.json", PLAN))
    result = cli("--db", desktop, "sync", team)
    assert result.code == 1 and "no signing key" in result.err and "--adopt FILE" in result.err
    assert not (tmp_path / "desktop.db.key").exists()
    assert cli("--db", cy, "sync", team).code == 1  # Ann's key is known: the desktop's unsigned lines are not hers
    cli("--db", laptop, "whoami", "--export-identity", tmp_path / "ann.json")
    assert cli("--db", desktop, "whoami", "--adopt", tmp_path / "ann.json").code == 0
    assert cli("--db", desktop, "sync", team).code == 0
    assert cli("--db", cy, "sync", team).code == 0
    with reading(open_engine(cy)) as session:
        assert session.get(Objective, "o-1").title == "Grow"


def test_a_screen_that_shows_five_leaves_the_rest_for_the_next_sync(tmp_path):
    """The TUI's S shows five warnings: the others stay new, so the next sync names them."""
    team = tmp_path / "team.jsonl"
    engine = open_engine(tmp_path / "me.db")
    lines = ['{"format": "okrtui-team/1"}'] + [
        json.dumps({"type": "key_result", "id": f"kr-bad-{i}", "origin": "p-x", "deleted": False,
                    "updated_at": "2026-01-01T00:00:00Z", "kind": "bogus"}) for i in range(7)]
    team.write_text("\n".join(lines) + "\n")
    first = sync.sync(engine, team, tell_limit=5)
    assert len(first.warnings) == 5 and first.untold == 2
    second = sync.sync(engine, team)
    assert len(second.warnings) == 2 and second.seen_before == 5
    named = " ".join(first.warnings + second.warnings)
    assert all(f"kr-bad-{i}" in named for i in range(7))
    engine.dispose()
