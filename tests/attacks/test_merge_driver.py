"""Attacks through the git merge driver (`okrtui merge-driver BASE OURS THEIRS`) joining two branches
of the team file. Each test performs the attack beside the honest change that must still merge."""

import datetime as dt
import json
import shutil
import sqlite3

from okrtui.core import signing
from okrtui.exchange import teamformat
from tests.helpers import HOSTILE, TODAY, raw_in, signed_line, team_of_three, two_members


def _branches(team):
    base, theirs = team.with_name("base.jsonl"), team.with_name("theirs.jsonl")
    shutil.copy(team, base)
    shutil.copy(team, theirs)
    return base, theirs


def test_text_a_hostile_branch_merges_with_nothing_raw_on_the_terminal(cli, tmp_path):
    ana, ben, team = two_members(cli, tmp_path)
    base, theirs = _branches(team)
    signed_line(theirs, ben, id="c-hostile", note=HOSTILE, value=20.0)
    with theirs.open("a") as handle:
        handle.write(json.dumps({"type": HOSTILE, "id": HOSTILE}, ensure_ascii=False) + "\n")
    merged = cli("--db", ana, "merge-driver", base, team, theirs)
    assert merged.code == 0 and not raw_in(merged.out + merged.err)
    assert "c-hostile" in team.read_text()  # honest: their branch's record is in the merge
    synced = cli("--db", ana, "sync", team)
    assert not raw_in(synced.out + synced.err)


def test_dates_a_branch_dated_ahead_merges_but_no_sync_takes_it_early(cli, tmp_path):
    ana, ben, team = two_members(cli, tmp_path)
    base, theirs = _branches(team)
    later = TODAY + dt.timedelta(days=30)
    signed_line(theirs, ben, id="c-later", date=str(later), value=99.0)
    signed_line(theirs, ben, id="c-today", date=str(TODAY), value=20.0)
    assert cli("--db", ana, "merge-driver", base, team, theirs).code == 0
    synced = cli("--db", ana, "sync", team)
    assert synced.code == 1 and f"skipped check_in 'c-later': dated {later}" in synced.err
    with sqlite3.connect(ana) as conn:
        ids = {i for (i,) in conn.execute("SELECT id FROM check_in")}
    conn.close()
    assert "c-today" in ids and "c-later" not in ids


def branches(t, tmp_path):
    base, ours, theirs = (tmp_path / f"{name}.jsonl" for name in ("base", "ours", "theirs"))
    for side in (base, ours, theirs):
        shutil.copy(t.file, side)
    return base, ours, theirs


def edit(path, ident, change):
    head, *rest = path.read_text().splitlines()
    out = [head]
    for line in rest:
        rec = json.loads(line)
        if rec["id"] == ident:
            rec = change(rec)
        out.append(teamformat.canonical(rec))
    path.write_text("\n".join(out) + "\n")


def titled(path, ident):
    return teamformat.read(path).records[("objective", ident)]["title"]


def honest_rename(cli, t, path, short, ident, title):
    """A real change made in one branch: the owner edits and syncs into that branch's file."""
    shutil.copy(path, t.file)
    assert cli("--db", t.dbs[short], "import", _doc(ident, title)).code == 0
    assert cli("--db", t.dbs[short], "sync", t.file).code == 0
    shutil.copy(t.file, path)


def _doc(ident, title):
    from tests.helpers import write_doc

    return write_doc(_doc.folder / f"{ident}.json", {"format": "okrtui/1", "objectives": [
        {"id": ident, "title": title, "period": "2026-Q4"}]})


def test_a_forged_far_future_version_never_wins_over_the_signed_line(cli, tmp_path):
    """Issue 27: given a forged far-future version in one branch, the driver kept the forgery."""
    _doc.folder = tmp_path
    t = team_of_three(cli, tmp_path)
    base, ours, theirs = branches(t, tmp_path)
    honest_rename(cli, t, theirs, "ben", "o-ben", "Ben's renamed")  # the honest change beside it
    edit(theirs, "o-ana", lambda r: {**r, "title": "HIJACKED", "updated_at": "2099-01-01T00:00:00.000000Z"})
    for first, second in ((ours, theirs), (theirs, ours)):
        out = tmp_path / "out.jsonl"
        shutil.copy(first, out)
        result = cli("merge-driver", base, out, second)
        assert result.code == 0, result.err
        assert titled(out, "o-ana") == "Ship the platform"
        assert titled(out, "o-ben") == "Ben's renamed"
        assert "HIJACKED" not in out.read_text()


def test_a_branch_that_swaps_a_persons_key_cannot_carry_records_signed_with_it(cli, tmp_path):
    """The branch also replaces Ana's person record with Cleo's key and re-signs the forgery with it:
    the common ancestor says whose key is Ana's."""
    _doc.folder = tmp_path
    t = team_of_three(cli, tmp_path)
    base, ours, theirs = branches(t, tmp_path)
    cleo = signing.load(t.dbs["cy"].with_name("cy.db.key"))

    def resign(rec, **changes):
        rec = {**rec, **changes, "updated_at": "2099-01-01T00:00:00.000000Z"}
        rec.pop("signature")
        return {**rec, "signature": signing.sign(cleo, rec)}

    edit(theirs, "p-ana", lambda r: resign(r, public_key=signing.public_text(cleo)))
    edit(theirs, "o-ana", lambda r: resign(r, title="Cleo leads now"))
    honest_rename(cli, t, ours, "ana", "o-ana", "Ship the platform, v2")  # Ana's real change
    result = cli("merge-driver", base, ours, theirs)
    assert result.code == 0, result.err
    merged = teamformat.read(ours).records
    assert merged[("objective", "o-ana")]["title"] == "Ship the platform, v2"
    assert merged[("person", "p-ana")]["public_key"] == t.public("ana")


def test_a_bad_line_in_a_branch_is_named_and_the_rest_merges(cli, tmp_path):
    _doc.folder = tmp_path
    t = team_of_three(cli, tmp_path)
    base, ours, theirs = branches(t, tmp_path)
    honest_rename(cli, t, theirs, "ben", "o-ben", "Ben's renamed")
    with open(theirs, "a", encoding="utf-8") as handle:
        handle.write('{"type":"objective","id":"o-x","title":"\\ud800"}\n' + "[" * 100_000 + "\n")
    result = cli("merge-driver", base, ours, theirs)
    assert result.code == 0 and "unexpected" not in result.err
    assert "theirs.jsonl:" in result.err and result.err.count("okrtui: warning:") == 2
    assert titled(ours, "o-ben") == "Ben's renamed" and titled(ours, "o-ana") == "Ship the platform"


def test_a_branch_cannot_take_a_record_over_by_signing_its_own_version(cli, tmp_path):
    """Cy publishes, in her branch, her own signed version of Ana's objective (origin p-cy, later date)."""
    _doc.folder = tmp_path
    t = team_of_three(cli, tmp_path)
    base, ours, theirs = branches(t, tmp_path)
    cy = signing.load(t.dbs["cy"].with_name("cy.db.key"))

    def take(rec):
        rec = {**rec, "origin": "p-cy", "title": "Cy's now", "updated_at": "2099-01-01T00:00:00.000000Z"}
        rec.pop("signature")
        return {**rec, "signature": signing.sign(cy, rec)}

    edit(theirs, "o-ana", take)
    honest_rename(cli, t, ours, "ben", "o-ben", "Ben's renamed")
    assert cli("merge-driver", base, ours, theirs).code == 0
    merged = teamformat.read(ours).records
    assert merged[("objective", "o-ana")]["origin"] == "p-ana"
    assert merged[("objective", "o-ana")]["title"] == "Ship the platform"
    assert merged[("objective", "o-ben")]["title"] == "Ben's renamed"
