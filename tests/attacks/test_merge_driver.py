"""Attacks through the git merge driver joining two branches of the team file (docs/security.md,
column `merge_driver`). The driver writes a file, never a database: what it keeps, every sync checks."""

import datetime as dt
import json
import shutil
import sqlite3

from tests.helpers import HOSTILE, TODAY, raw_in, signed_line, two_members


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
