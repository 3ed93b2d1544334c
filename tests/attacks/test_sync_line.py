"""Attacks through `okrtui sync` of a line someone wrote into the team file by hand.

Each test performs the attack, asserts it fails (skipped or refused, named, nothing of it stored
or shown), and beside it performs the honest action that must still work."""

import json

from okrtui import signing, sync
from okrtui.storage.backend import open_engine
from okrtui.storage.model import Comment, KeyResult, Objective, Person
from okrtui.storage.store import reading
from tests.helpers import append_lines, team_of_three, warnings_of


def test_bad_lines_are_skipped_one_by_one_and_named_the_rest_merges(cli, tmp_path):
    t = team_of_three(cli, tmp_path)
    ana_line = next(line for line in t.file.read_text().splitlines() if '"id":"o-ana"' in line)
    bad = [
        ana_line.replace('"title":"Ship the platform"', '"title":"\\ud800"'),   # half a character
        ana_line.replace('"position":0', '"position":1e400'),                  # beyond any float
        ana_line.replace('"position":0', '"position":NaN'),
        "[" * 100_000 + "]" * 100_000,                                           # nesting
        '{"type":"comment","id":"c-big","body":"' + "x" * 50_000_000 + '"}',     # a 50 MB line
        ana_line.replace('"position":0', '"position":"zero"'),                 # a wrong type
        '"just a string"', "[1,2,3]", "not json at all",
        "1" * 5000,                                                              # digits beyond int's limit
    ]
    first = append_lines(t.file, bad)
    result = cli("--db", t.dbs["ben"], "sync", t.file)
    assert result.code == 1, result.err
    assert "unexpected" not in result.err and "error:" not in result.err
    warned = warnings_of(result)
    for offset in range(len(bad)):
        assert sum(f"team.jsonl:{first + offset}:" in w for w in warned) == 1, (first + offset, warned)
    assert len(warned) == len(bad)
    # The honest records merged, the bad ones did not, and the file is whole and readable again.
    with reading(open_engine(t.dbs["ben"])) as session:
        assert session.get(Objective, "o-ana").title == "Ship the platform"
        assert session.get(KeyResult, "kr-ana-0") is not None
        assert session.get(Comment, "c-big") is None
    assert len(t.file.read_bytes()) < 1_000_000
    again = sync.read(t.file)
    assert ("objective", "o-ana") in again.records
    # Cy, meeting the same file, is not stopped either.
    assert cli("--db", t.dbs["cy"], "sync", t.file).code in (0, 1)
    with reading(open_engine(t.dbs["cy"])) as session:
        assert session.get(Objective, "o-ana") is not None


def test_an_unsigned_person_and_comment_from_an_unknown_origin_are_refused(cli, tmp_path):
    """Issue 27: an appended, unsigned person record p-ana plus a comment from it made Ben's inbox
    say 'Ben, you are on a PIP. -- Ana'."""
    t = team_of_three(cli, tmp_path, lead=False)
    stamp = "2026-11-25T09:00:00.000000Z"
    base = {"created_at": stamp, "updated_at": stamp, "deleted": False, "signature": ""}
    fake_ana = {**base, "type": "person", "id": "p-ana", "origin": "p-ana", "name": "Ana",
                "email": "ana@example.com", "public_key": ""}
    pip = {**base, "type": "comment", "id": "c-pip", "origin": "p-ana", "target_type": "objective",
           "target_id": "o-ben", "parent_id": None, "body": "Ben, you are on a PIP. -- Ana"}
    append_lines(t.file, [sync.canonical(fake_ana), sync.canonical(pip)])
    result = cli("--db", t.dbs["ben"], "sync", t.file)
    assert result.code == 1
    warned = " ".join(warnings_of(result))
    assert "c-pip" in warned and "p-ana" in warned and "not signed" in warned
    with reading(open_engine(t.dbs["ben"])) as session:
        assert session.get(Comment, "c-pip") is None and session.get(Person, "p-ana") is None
    inbox = cli("--db", t.dbs["ben"], "inbox", "--as-of", "2026-11-26")
    assert "PIP" not in inbox.out
    # Honest: Cy's signed comment on Ben's objective arrives and shows.
    assert cli("--db", t.dbs["cy"], "sync", t.file).code in (0, 1)
    assert cli("--db", t.dbs["cy"], "comment", "o-ben", "Nice progress").code == 0
    assert cli("--db", t.dbs["cy"], "sync", t.file).code in (0, 1)
    assert cli("--db", t.dbs["ben"], "sync", t.file).code in (0, 1)
    assert "Nice progress" in cli("--db", t.dbs["ben"], "inbox", "--as-of", "2026-11-26").out


def test_a_record_signed_with_a_stolen_looking_signature_of_another_record_is_refused(cli, tmp_path):
    t = team_of_three(cli, tmp_path)
    lines = t.file.read_text().splitlines()
    kr = json.loads(next(line for line in lines if '"id":"kr-ana-0"' in line))
    obj = json.loads(next(line for line in lines if '"id":"o-ana"' in line))
    forged = {**kr, "id": "kr-ana-9", "title": "moved by hand", "signature": obj["signature"]}
    append_lines(t.file, [sync.canonical(forged)])
    result = cli("--db", t.dbs["ben"], "sync", t.file)
    assert result.code == 1 and "kr-ana-9" in " ".join(warnings_of(result))
    with reading(open_engine(t.dbs["ben"])) as session:
        assert session.get(KeyResult, "kr-ana-9") is None
        assert session.get(KeyResult, "kr-ana-0").title == kr["title"]
    assert signing.verifies(t.public("ana"), kr)
