"""Attacks through `okrtui sync` of a line someone wrote into the team file by hand.

Each test performs the attack, asserts it fails (skipped or refused, named, nothing of it stored
or shown), and beside it performs the honest action that must still work."""

import datetime as dt
import json
import sqlite3

from sqlmodel import select

from okrtui.core import signing
from okrtui.cycle import metrics
from okrtui.exchange import sync, teamformat
from okrtui.storage.backend import open_engine
from okrtui.storage.model import Comment, KeyResult, Measurement, Objective, Person
from okrtui.storage.store import reading
from tests.helpers import (
    HOSTILE,
    TODAY,
    append_lines,
    ben_depends_on_ana,
    decision_line,
    person_db,
    raw_in,
    rec,
    signed_line,
    status_of,
    submitted_for_approval,
    team_file,
    team_of_three,
    two_members,
    warnings_of,
)


def _check_ins(db) -> dict[str, tuple]:
    with sqlite3.connect(db) as conn:
        rows = {r[0]: r[1:] for r in conn.execute("SELECT id, date, value, note FROM check_in WHERE deleted = 0")}
    conn.close()
    return rows


def test_text_a_hostile_line_is_named_and_shown_escaped(cli, tmp_path):
    ana, ben, team = two_members(cli, tmp_path)
    # honest record (a day of its own: one check-in per KR, author and day), hostile note
    signed_line(team, ben, id="c-hostile", note=HOSTILE, value=20.0, date="2026-10-02")
    with team.open("a") as handle:  # and a broken line whose type and id are escapes
        handle.write(json.dumps({"type": HOSTILE, "id": HOSTILE}, ensure_ascii=False) + "\n")
    lines = team.read_bytes().count(b"\n")
    synced = cli("--db", ana, "sync", team)
    assert synced.code == 1 and f"team.jsonl:{lines}: skipped" in synced.err
    assert not raw_in(synced.out + synced.err)
    assert _check_ins(ana)["c-hostile"][2] == HOSTILE  # the data is kept as written
    history = cli("--db", ana, "history", "kr-ben")
    assert "\\x1b]0;pwned\\x07" in history.out and "[red]x[/]" in history.out and not raw_in(history.out)


def test_dates_a_line_two_days_ahead_is_skipped_and_one_day_ahead_taken(cli, tmp_path):
    ana, ben, team = two_members(cli, tmp_path)
    ahead1, ahead2 = TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=2)
    signed_line(team, ben, id="c-ahead1", date=str(ahead1), value=30.0)  # their time zone may be ahead
    signed_line(team, ben, id="c-ahead2", date=str(ahead2), value=99.0)
    lines = team.read_bytes().count(b"\n")
    synced = cli("--db", ana, "sync", team)
    assert synced.code == 1
    assert (f"okrtui: warning: team.jsonl:{lines}: skipped check_in 'c-ahead2': dated {ahead2}, more than 1 day "
            f"after today ({TODAY})") in synced.err
    assert "c-ahead1" in _check_ins(ana) and "c-ahead2" not in _check_ins(ana)
    assert "c-ahead2" in team.read_text()  # kept in the file as it was: its day comes
    later = cli("--db", ana, "sync", team, today=ahead1)
    assert later.code == 0 and "c-ahead2" in _check_ins(ana)


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
    again = teamformat.read(t.file)
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
    append_lines(t.file, [teamformat.canonical(fake_ana), teamformat.canonical(pip)])
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
    append_lines(t.file, [teamformat.canonical(forged)])
    result = cli("--db", t.dbs["ben"], "sync", t.file)
    assert result.code == 1 and "kr-ana-9" in " ".join(warnings_of(result))
    with reading(open_engine(t.dbs["ben"])) as session:
        assert session.get(KeyResult, "kr-ana-9") is None
        assert session.get(KeyResult, "kr-ana-0").title == kr["title"]
    assert signing.verifies(t.public("ana"), kr)


STAMP = "2026-11-25T09:00:00.000000Z"


def line_of(t, ident):
    return json.loads(next(line for line in t.file.read_text().splitlines() if f'"id":"{ident}"' in line))


def test_a_signed_check_in_line_by_someone_who_does_not_answer_for_the_kr_is_skipped(cli, tmp_path):
    t = team_of_three(cli, tmp_path)
    forged = {"type": "check_in", "id": "c-cy-on-ana", "origin": "p-cy", "created_at": STAMP, "updated_at": STAMP,
              "deleted": False, "kr_id": "kr-ana-0", "date": "2026-11-25", "value": 10.0, "confidence": 1.0,
              "note": "done!", "author_id": "p-cy"}
    append_lines(t.file, [t.signed_by("cy", forged)])
    assert cli("--db", t.dbs["ana"], "checkin", "kr-ana-1", "4").code == 0  # honest: Ana checks in on her KR
    assert cli("--db", t.dbs["ana"], "sync", t.file).code == 1  # Ana is told of Cy's line too
    result = cli("--db", t.dbs["ben"], "sync", t.file)
    assert result.code == 1 and any("may not check in on kr-ana-0" in w for w in warnings_of(result))
    with reading(open_engine(t.dbs["ben"])) as session:
        from okrtui.storage.model import CheckIn

        assert session.get(CheckIn, "c-cy-on-ana") is None
        assert [c.value for c in session.exec(select(CheckIn).where(CheckIn.kr_id == "kr-ana-1"))] == [4.0]


def test_a_signed_version_of_someone_elses_record_under_your_own_origin_is_refused(cli, tmp_path):
    t = team_of_three(cli, tmp_path)
    real = line_of(t, "o-ana")
    taken = {**real, "origin": "p-cy", "title": "Cy's now", "updated_at": later(real)}
    lines = [t.signed_by("cy", taken) if '"id":"o-ana"' in line else line for line in t.file.read_text().splitlines()]
    t.file.write_text("\n".join(lines) + "\n")
    assert cli("--db", t.dbs["ben"], "comment", "o-ana", "Looks good").code == 0  # honest, beside it
    result = cli("--db", t.dbs["ben"], "sync", t.file)
    assert result.code == 1 and any("o-ana" in w and "Cy Third" in w for w in warnings_of(result))
    with reading(open_engine(t.dbs["ben"])) as session:
        assert session.get(Objective, "o-ana").title == "Ship the platform"
    assert line_of(t, "o-ana")["origin"] == "p-ana"  # Ben's sync wrote the real one back
    assert cli("--db", t.dbs["ana"], "sync", t.file).code == 0
    assert "Looks good" in cli("--db", t.dbs["ana"], "inbox", "--as-of", "2026-11-26").out


def test_a_flood_of_big_hand_written_lines_from_one_person_is_refused_in_one_line(cli, tmp_path):
    """Over 16 MiB of new records from one person in one sync (1,700 comments of 10,000 characters)."""
    t = team_of_three(cli, tmp_path)
    flood = [t.signed_by("cy", {"type": "comment", "id": f"c-big-{i:05d}", "origin": "p-cy", "created_at": STAMP,
                                "updated_at": STAMP, "deleted": False, "target_type": "objective",
                                "target_id": "o-ben", "parent_id": None, "body": "x" * 10_000})
             for i in range(1_700)]
    assert cli("--db", t.dbs["ana"], "comment", "o-ben", "Real feedback").code == 0  # honest, beside it
    assert cli("--db", t.dbs["ana"], "sync", t.file).code == 0
    append_lines(t.file, flood)
    result = cli("--db", t.dbs["ben"], "sync", t.file)
    assert result.code == 1
    named = warnings_of(result)
    assert len(named) == 1 and "MiB" in named[0] and "Cy Third" in named[0]
    with reading(open_engine(t.dbs["ben"])) as session:
        assert [c.body for c in session.exec(select(Comment))] == ["Real feedback"]


def test_names_in_syncs_warnings_are_shown_not_run(cli, tmp_path):
    t = team_of_three(cli, tmp_path)
    with sqlite3.connect(t.dbs["ben"]) as conn:  # the name Ben's database holds for Ana
        conn.execute("update person set name = ? where id = 'p-ana'", ("Ana\x1b]0;pwned\x07\x1b[2J\u202e",))
    kr = line_of(t, "kr-ana-0")
    append_lines(t.file, [teamformat.canonical({**kr, "title": "changed by hand", "updated_at": later(kr)})])
    result = cli("--db", t.dbs["ben"], "sync", t.file)
    assert result.code == 1 and "kr-ana-0" in result.err and "Ana\\x1b]0;pwned\\x07\\x1b[2J\\u202e" in result.err
    assert "\x1b" not in result.err + result.out and "\u202e" not in result.err + result.out


def later(record):
    """A stamp a second after the record's own (newer, so it is the version read; never a far future)."""
    import datetime as dt

    stamp = dt.datetime.strptime(record["updated_at"], "%Y-%m-%dT%H:%M:%S.%fZ") + dt.timedelta(seconds=1)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_an_approval_line_by_someone_who_is_not_the_teams_lead_is_skipped(cli, tmp_path):
    t = team_of_three(cli, tmp_path)
    submitted_for_approval(cli, t, tmp_path)
    append_lines(t.file, [decision_line(t, "cy", "d-cy-approves", "objective", "o-plat", "approved")])
    result = cli("--db", t.dbs["ben"], "sync", t.file)
    assert result.code == 1 and any("d-cy-approves" in w for w in warnings_of(result))
    assert status_of(cli, t.dbs["ben"], "o-plat") == "in_review"
    # Honest: the lead approves, and it is active for Ben.
    assert cli("--db", t.dbs["ana"], "sync", t.file).code == 1  # Ana is told of Cy's line too
    assert cli("--db", t.dbs["ana"], "approve", "o-plat").code == 0
    assert cli("--db", t.dbs["ana"], "sync", t.file).code == 0
    assert cli("--db", t.dbs["ben"], "sync", t.file).code == 0
    assert status_of(cli, t.dbs["ben"], "o-plat") == "active"


def test_an_agreement_line_by_someone_who_does_not_answer_for_the_kr_is_skipped(cli, tmp_path):
    t = team_of_three(cli, tmp_path)
    ben_depends_on_ana(cli, t, tmp_path)
    append_lines(t.file, [decision_line(t, "cy", "d-cy-agrees", "dependency", "d-ben-ana", "agreed")])
    result = cli("--db", t.dbs["ben"], "sync", t.file)
    assert result.code == 1 and any("d-cy-agrees" in w for w in warnings_of(result))
    status = cli("--db", t.dbs["ben"], "report", "--team", "--format", "md", "--period", "2026-Q4",
                 "--as-of", "2026-11-26").out
    assert "d-ben-ana" in status and "**proposed** (waiting for Ana Lead)" in status
    # Honest: Ana, who answers for kr-ana-0, accepts; then it is agreed for Ben.
    assert cli("--db", t.dbs["ana"], "sync", t.file).code == 1  # Ana is told of Cy's line too
    assert cli("--db", t.dbs["ana"], "accept", "d-ben-ana").code == 0
    assert cli("--db", t.dbs["ana"], "sync", t.file).code == 0
    assert cli("--db", t.dbs["ben"], "sync", t.file).code == 0
    status = cli("--db", t.dbs["ben"], "report", "--team", "--format", "md", "--period", "2026-Q4",
                 "--as-of", "2026-11-26").out
    assert "d-ben-ana" not in status


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
