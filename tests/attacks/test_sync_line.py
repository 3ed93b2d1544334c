"""Attacks through `okrtui sync` of a line someone wrote into the team file by hand (docs/security.md,
column `sync_line`). Each line is signed with its maker's own key, so only the rule under test stops it."""

import datetime as dt
import json
import sqlite3

from tests.helpers import HOSTILE, TODAY, raw_in, signed_line, two_members


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
