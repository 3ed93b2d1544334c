"""Attacks on a newcomer's first sync: a database that has trusted no key yet.

Each test performs the attack, asserts it fails (nothing of it stored or shown, named), and beside
it performs the honest action that must still work."""

import datetime as dt
import re
import sqlite3

from okrtui.core import signing
from okrtui.exchange import teamformat, teamtrust
from okrtui.storage.backend import open_engine
from okrtui.storage.model import Comment, Objective, Person
from okrtui.storage.store import reading
from tests.helpers import (
    HOSTILE,
    TODAY,
    append_lines,
    ben_depends_on_ana,
    decision_line,
    raw_in,
    signed_line,
    status_of,
    submitted_for_approval,
    team_of_three,
    two_members,
    warnings_of,
)


def _newcomer(cli, tmp_path):
    cleo = tmp_path / "cleo.db"
    assert cli("--db", cleo, "whoami", "--name", "Cleo").code == 0
    return cleo


def test_text_a_first_sync_over_hostile_records_prints_them_escaped(cli, tmp_path):
    ana, ben, team = two_members(cli, tmp_path, ben_title=HOSTILE)
    signed_line(team, ben, id="c-hostile", note=HOSTILE, value=20.0)
    cleo = _newcomer(cli, tmp_path)
    first = cli("--db", cleo, "sync", team)
    assert first.code == 0 and not raw_in(first.out + first.err)
    for args in (["report", "--team"], ["history", "kr-ben"], ["due"], ["inbox"]):
        out = cli("--db", cleo, *args)
        assert not raw_in(out.out + out.err), args
    assert "\\x1b]0;pwned\\x07" in cli("--db", cleo, "history", "kr-ben").out  # honest: taken in, as text


def test_dates_a_first_sync_skips_what_is_dated_too_far_ahead(cli, tmp_path):
    ana, ben, team = two_members(cli, tmp_path)
    signed_line(team, ben, id="c-ahead1", date=str(TODAY + dt.timedelta(days=1)), value=30.0)
    signed_line(team, ben, id="c-ahead9", date=str(TODAY + dt.timedelta(days=9)), value=99.0)
    cleo = _newcomer(cli, tmp_path)
    first = cli("--db", cleo, "sync", team)
    assert first.code == 1 and "skipped check_in 'c-ahead9'" in first.err
    with sqlite3.connect(cleo) as conn:
        ids = {i for (i,) in conn.execute("SELECT id FROM check_in")}
    conn.close()
    assert "c-ahead1" in ids and "c-ahead9" not in ids


LATER = "2099-01-01T00:00:00.000000Z"  # newer than the real line, so it is the one read


def cleo_claims_ana(t, replace):
    """Cleo writes Ana's person record with Cleo's own key (and 'Ana' as lead of nothing real)."""
    cleo = signing.load(t.dbs["cy"].with_name("cy.db.key"))
    lines = t.file.read_text().splitlines()
    real = next(line for line in lines if '"id":"p-ana"' in line and '"type":"person"' in line)
    fake = {**teamformat.validate(__import__("json").loads(real)), "public_key": signing.public_text(cleo),
            "updated_at": LATER}
    fake.pop("signature")
    fake["signature"] = signing.sign(cleo, fake)
    if replace:
        t.file.write_text("\n".join(teamformat.canonical(fake) if line == real else line for line in lines) + "\n")
    else:
        append_lines(t.file, [teamformat.canonical(fake)])
    return signing.public_text(cleo)


def fingerprint_of(cli, db):
    out = cli("--db", db, "whoami").out
    return re.search(r"key ([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})", out).group(1)


def nia(cli, tmp_path):
    db = tmp_path / "nia.db"
    assert cli("--db", db, "whoami", "--name", "Nia New").code == 0
    return db


def first_sync_after_cleos_claim(cli, tmp_path, replace):
    """Cleo claims Ana's id with her key (beside Ana's line, or instead of it), then Nia's first sync:
    exit 1, and the line that names Ana."""
    t = team_of_three(cli, tmp_path)
    cleo_key = cleo_claims_ana(t, replace=replace)
    newcomer = nia(cli, tmp_path)
    result = cli("--db", newcomer, "sync", t.file)
    assert result.code == 1
    return t, cleo_key, newcomer, next(w for w in warnings_of(result) if "p-ana" in w)


def test_two_keys_for_one_person_make_a_newcomer_trust_neither_until_settled_by_fingerprint(cli, tmp_path):
    """Issue 27: Cleo writes Ana's person record with Cleo's own key before Nia's first sync."""
    t, cleo_key, newcomer, line = first_sync_after_cleos_claim(cli, tmp_path, replace=False)
    real_fpr = fingerprint_of(cli, t.dbs["ana"])
    assert real_fpr in line and signing.fingerprint(cleo_key) in line
    assert "okrtui keys trust p-ana FINGERPRINT" in line
    with reading(open_engine(newcomer)) as session:
        assert session.get(Objective, "o-ana") is None  # neither key trusted: nothing of Ana's
        assert session.get(Person, "p-ana") is None
        assert session.get(Objective, "o-ben") is not None  # the honest rest merged
    # Nia asks Ana for her fingerprint and settles it: Ana's real records come in, Cleo's key is refused.
    trusted = cli("--db", newcomer, "keys", "trust", "p-ana", real_fpr.lower().replace("-", " "))
    assert trusted.code == 0 and real_fpr in trusted.out
    settled = cli("--db", newcomer, "sync", t.file)
    assert "p-ana" in settled.err  # Cleo's line, named as another key
    with reading(open_engine(newcomer)) as session:
        assert session.get(Objective, "o-ana").title == "Ship the platform"
        assert signing.fingerprint(session.get(Person, "p-ana").public_key) == real_fpr
    listed = cli("--db", newcomer, "keys").out
    assert re.search(rf"p-ana  {real_fpr}  \d{{4}}-\d\d-\d\d  trusted by hand  Ana Lead", listed), listed


def test_a_person_record_whose_key_signs_none_of_their_records_is_not_trusted(cli, tmp_path):
    t, cleo_key, newcomer, line = first_sync_after_cleos_claim(cli, tmp_path, replace=True)
    assert signing.fingerprint(cleo_key) in line and "does not sign" in line and "keys trust p-ana" in line
    with reading(open_engine(newcomer)) as session:
        assert session.get(Person, "p-ana") is None and session.get(Objective, "o-ana") is None
        assert session.get(Person, "p-ben").public_key == t.public("ben")  # honest: Ben trusted on first sync
    assert re.search(r"p-ben  [A-Z2-7-]{19}  \d{4}-\d\d-\d\d  first sync  Ben Member",
                     cli("--db", newcomer, "keys").out)


def test_pinned_keys_refuse_a_consistent_capture_that_first_use_cannot_see(cli, tmp_path):
    """Cleo replaces Ana's key and re-signs all of Ana's records with hers: the file agrees with itself,
    so only the lead's pins (team.jsonl.keys) can tell."""
    t = team_of_three(cli, tmp_path)
    pinned = cli("--db", t.dbs["ana"], "keys", "pin", t.file)
    assert pinned.code == 0 and (tmp_path / "team.jsonl.keys").exists()
    cleo = signing.load(t.dbs["cy"].with_name("cy.db.key"))
    head, *rest = t.file.read_text().splitlines()
    out = [head]
    for line in rest:
        rec = teamformat.validate(__import__("json").loads(line))
        if rec["origin"] == "p-ana":
            if rec["type"] == "person":
                rec["public_key"] = signing.public_text(cleo)
            if rec["type"] == "objective":
                rec["title"] = "Cleo leads now"
            rec.pop("signature")
            rec["signature"] = signing.sign(cleo, rec)
        out.append(teamformat.canonical(rec))
    t.file.write_text("\n".join(out) + "\n")
    newcomer = nia(cli, tmp_path)
    result = cli("--db", newcomer, "sync", t.file)
    assert result.code == 1
    line = next(w for w in warnings_of(result) if "p-ana" in w)
    assert "pinned" in line and signing.fingerprint(signing.public_text(cleo)) in line
    with reading(open_engine(newcomer)) as session:
        assert session.get(Objective, "o-ana") is None and session.get(Person, "p-ana") is None
        assert session.get(Objective, "o-ben") is not None  # honest: Ben's pinned key matches
    assert re.search(r"p-ben  \S+  \S+  pinned  Ben Member", cli("--db", newcomer, "keys").out)
    assert "Cleo leads now" not in cli("--db", newcomer, "report", "--team", "--period", "2026-Q4").out


def test_whoami_shows_the_fingerprint_teammates_see(cli, tmp_path):
    t = team_of_three(cli, tmp_path)
    assert fingerprint_of(cli, t.dbs["ben"]) == signing.fingerprint(t.public("ben"))
    listed = cli("--db", t.dbs["ana"], "keys").out
    assert f"p-ben  {signing.fingerprint(t.public('ben'))}" in listed and "(you)" in listed
    # A fingerprint typed wrong is one error line, and trusts nothing.
    bad = cli("--db", t.dbs["ana"], "keys", "trust", "p-ben", "not-a-fingerprint")
    assert bad.code == 2 and bad.err.startswith("okrtui: error:") and bad.out == ""
    mine = cli("--db", t.dbs["ana"], "keys", "trust", "p-ana", signing.fingerprint(t.public("ben")))
    assert mine.code == 2 and "is you" in mine.err
    assert f"p-ben  {signing.fingerprint(t.public('ben'))}" in cli("--db", t.dbs["ana"], "keys").out


def test_a_newcomers_first_sync_skips_a_bad_line_and_takes_the_rest(cli, tmp_path):
    t = team_of_three(cli, tmp_path)
    first = append_lines(t.file, ['{"type":"comment","id":"c-x","body":"' + "\\ud800" + '"}', "[" * 50_000])
    newcomer = nia(cli, tmp_path)
    result = cli("--db", newcomer, "sync", t.file)
    assert result.code == 1 and "unexpected" not in result.err
    warned = warnings_of(result)
    assert any(f"team.jsonl:{first}:" in w for w in warned) and any(f"team.jsonl:{first + 1}:" in w for w in warned)
    with reading(open_engine(newcomer)) as session:
        assert session.get(Objective, "o-ana") is not None and session.get(Comment, "c-x") is None


STAMP = "2026-11-25T09:00:00.000000Z"


def test_a_newcomer_skips_a_check_in_by_someone_who_does_not_answer_for_the_kr(cli, tmp_path):
    t = team_of_three(cli, tmp_path)
    forged = {"type": "check_in", "id": "c-cy-on-ana", "origin": "p-cy", "created_at": STAMP, "updated_at": STAMP,
              "deleted": False, "kr_id": "kr-ana-0", "date": "2026-11-25", "value": 10.0, "confidence": 1.0,
              "note": "done!", "author_id": "p-cy"}
    append_lines(t.file, [t.signed_by("cy", forged)])
    assert cli("--db", t.dbs["ben"], "checkin", "kr-ben", "3").code == 0  # honest, beside it
    assert cli("--db", t.dbs["ben"], "sync", t.file).code == 1
    newcomer = nia(cli, tmp_path)
    result = cli("--db", newcomer, "sync", t.file)
    assert result.code == 1 and any("may not check in on kr-ana-0" in w for w in warnings_of(result))
    report = cli("--db", newcomer, "report", "--team", "--format", "json", "--period", "2026-Q4",
                 "--as-of", "2026-11-26").json()
    scores = {kr["id"]: kr for o in report["objectives"] for kr in o["key_results"]}
    assert scores["kr-ana-0"]["current"] in (None, 0) and scores["kr-ben"]["current"] == 3


def test_a_newcomers_first_sync_refuses_a_flood_in_one_line(cli, tmp_path, monkeypatch):
    """Beyond the limit of one person's new records in one sync (20,000; 500 here, to keep it quick)."""
    monkeypatch.setattr(teamtrust, "MAX_NEW_RECORDS", 500)
    t = team_of_three(cli, tmp_path)
    append_lines(t.file, [t.signed_by("cy", {
        "type": "comment", "id": f"c-spam-{i:04d}", "origin": "p-cy", "created_at": STAMP, "updated_at": STAMP,
        "deleted": False, "target_type": "objective", "target_id": "o-ana", "parent_id": None, "body": "spam"})
        for i in range(501)])
    newcomer = nia(cli, tmp_path)
    result = cli("--db", newcomer, "sync", t.file)
    assert result.code == 1
    named = warnings_of(result)
    assert len(named) == 1 and "502 new records" in named[0]  # her person record too and "Cy Third" in named[0]
    with reading(open_engine(newcomer)) as session:
        assert session.get(Comment, "c-spam-0000") is None
        assert session.get(Objective, "o-ana") is not None and session.get(Person, "p-cy") is None


def test_a_newcomer_skips_an_approval_and_an_agreement_by_someone_not_entitled(cli, tmp_path):
    t = team_of_three(cli, tmp_path)
    submitted_for_approval(cli, t, tmp_path)
    ben_depends_on_ana(cli, t, tmp_path)
    append_lines(t.file, [decision_line(t, "cy", "d-cy-approves", "objective", "o-plat", "approved"),
                          decision_line(t, "cy", "d-cy-agrees", "dependency", "d-ben-ana", "agreed")])
    newcomer = nia(cli, tmp_path)
    result = cli("--db", newcomer, "sync", t.file)
    named = " ".join(warnings_of(result))
    assert result.code == 1 and "d-cy-approves" in named and "d-cy-agrees" in named
    assert status_of(cli, newcomer, "o-plat") == "in_review"
    status = cli("--db", newcomer, "report", "--team", "--format", "md", "--period", "2026-Q4",
                 "--as-of", "2026-11-26").out
    assert "**proposed** (waiting for Ana Lead)" in status
    # Honest: the lead's approval, made before Nia's first sync, counts for her.
    assert cli("--db", t.dbs["ana"], "sync", t.file).code == 1
    assert cli("--db", t.dbs["ana"], "approve", "o-plat").code == 0
    assert cli("--db", t.dbs["ana"], "sync", t.file).code == 0
    (tmp_path / "late").mkdir()
    late = nia(cli, tmp_path / "late")
    assert cli("--db", late, "sync", t.file).code == 1  # Cy's lines, named to her too
    assert status_of(cli, late, "o-plat") == "active"
