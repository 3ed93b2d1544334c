"""Attacks through a CLI command (docs/security.md, column `cli`).

`text`: every command okrtui has, run over two databases whose people, titles, comments, notes and
check-in notes are hostile (terminal escapes, BEL, C1 controls, bidi overrides, Rich markup), prints no
raw control or direction character, while the honest command beside it still says what it did.
The commands are read from the parser, so a new command fails here until it is given arguments.
`dates`: a check-in dated after today is refused with one line; today's is taken.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from okrtui.cli import main
from okrtui.cli.parse import build_parser
from tests.helpers import TODAY, Crew, digest, okr_objective, teammates_metric, write_doc

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202e[red]x[/]\x85\u2066é漢🙂"
SHOWN = "\\x1b]0;pwned\\x07\\x1b[2J\\u202e[red]x[/]\\x85\\u2066é漢🙂"  # what a terminal receives instead
# Every character a terminal acts on or that reorders what it shows (tests/core/test_text.py checks the full set).
RAW = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} - {"\n"} | set("\u061c\u200e\u200f") | \
    {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def raw_in(text: str) -> list[str]:
    return sorted(f"U+{ord(ch):04X}" for ch in set(text) & RAW)


def _run(*args: object) -> int:
    return main([str(a) for a in args], today=TODAY)


def _objective(ident: str, team: str | None, status: str, kr: str, **extra: object) -> dict:
    return {"id": ident, "title": f"{ident} {HOSTILE}", "level": "team" if team else "personal", "team": team,
            "period": "2026-Q4", "status": status, "description": HOSTILE,
            "key_results": [{"id": kr, "title": f"{kr} {HOSTILE}", "kind": "increase", "start": 0,
                             "target": 100, "unit": HOSTILE[:8], **extra}]}


def build(folder: Path) -> None:
    """Ana (lead of t-plat, approval on) and Ben (a member) share team.jsonl; every text is hostile."""
    ana, ben, team = folder / "ana.db", folder / "ben.db", folder / "team.jsonl"
    assert _run("--db", ana, "whoami", "--name", f"Ana {HOSTILE}") == 0
    assert _run("--db", ben, "whoami", "--name", f"Ben {HOSTILE}") == 0
    assert _run("--db", ana, "team", "add", "t-plat", "--name", f"Plat {HOSTILE}", "--mission", HOSTILE,
                "--approval", "on") == 0
    doc = {"format": "okrtui/1", "objectives": [_objective("o-ana", None, "active", "kr-ana")]}
    assert _run("--db", ana, "import", write_doc(folder / "ana.json", doc)) == 0
    for who in (ana, ben, ana):
        assert _run("--db", who, "sync", team) == 0
    checkins = [{"id": f"c-{d}", "date": f"2026-11-{d}", "value": int(d), "note": HOSTILE} for d in (10, 20)]
    doc = {"format": "okrtui/1",
           "objectives": [_objective("o-draft", "t-plat", "draft", "kr-draft"),
                          _objective("o-rev1", "t-plat", "draft", "kr-rev1"),
                          _objective("o-rev2", "t-plat", "draft", "kr-rev2"),
                          _objective("o-ben", None, "active", "kr-ben", check_ins=checkins)],
           "dependencies": [{"id": f"d-{n}", "from": "kr-ben", "to": "kr-ana", "note": HOSTILE} for n in (1, 2)],
           "reflections": [{"id": "r-1", "period": "2026-Q4", "question": "went_well", "answer": HOSTILE}]}
    assert _run("--db", ben, "import", write_doc(folder / "ben.json", doc)) == 0
    for ref in ("o-rev1", "o-rev2"):
        assert _run("--db", ben, "submit", ref) == 0
    assert _run("--db", ben, "comment", "o-ana", HOSTILE) == 0
    for who in (ben, ana):
        assert _run("--db", who, "sync", team) in (0, 1)
    assert _run("--db", ana, "comment", "o-ben", HOSTILE) == 0
    for who in (ana, ben):
        assert _run("--db", who, "sync", team) in (0, 1)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    build(folder)
    return folder


@pytest.fixture
def world(template, tmp_path) -> Path:
    folder = tmp_path / "w"
    shutil.copytree(template, folder)
    return folder


def _my_comment(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        (me,) = conn.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()
        (cid,) = conn.execute("SELECT id FROM comment WHERE origin = ? AND deleted = 0", (me,)).fetchone()
    conn.close()
    return str(cid)


def _merge(w: Path) -> list[object]:
    for side in ("base", "theirs"):
        shutil.copy(w / "team.jsonl", w / f"{side}.jsonl")
    return ["merge-driver", w / "base.jsonl", w / "team.jsonl", w / "theirs.jsonl"]


def _doc(w: Path) -> list[object]:
    doc = {"format": "okrtui/1", "objectives": [_objective("o-new", None, "active", "kr-new")]}
    return ["import", write_doc(w / "new.json", doc)]


def _metric(w: Path, *args: object) -> list[object]:
    """Ben's metric m-hostile (its name, description and a note hostile), then `metric ARGS`."""
    doc = {"format": "okrtui/1", "metrics": [
        {"id": "m-hostile", "name": HOSTILE, "unit": "u", "description": HOSTILE, "since": "2026-10-01", "low": 5,
         "measurements": [{"id": "me-h", "date": "2026-11-20", "value": 3, "note": HOSTILE}]}]}
    with contextlib.redirect_stdout(io.StringIO()):  # the import's own line is not the command's output
        assert _run("--db", w / "ben.db", "import", write_doc(w / "metric.json", doc)) == 0
    return ["metric", *args]


def _sheet(w: Path) -> list[object]:
    """A spreadsheet whose titles and owner name are hostile: its notes name the new person."""
    path = w / "new.csv"
    path.write_text(f"period,objective,objective_owner,key_result,start,target\n"
                    f"2026-Q4,o {HOSTILE},Zed {HOSTILE},k {HOSTILE},0,10\n", encoding="utf-8")
    return ["import", path]


# Each command: (who runs it, its arguments given the world's folder). A variant list per command.
CALLS: dict[str, list[tuple[str, object]]] = {
    "submit": [("ben", lambda w: ["submit", "o-draft"])],
    "approve": [("ana", lambda w: ["approve", "o-rev1"])],
    "request-changes": [("ana", lambda w: ["request-changes", "o-rev2", HOSTILE])],
    "accept": [("ana", lambda w: ["accept", "d-1", "--note", HOSTILE])],
    "decline": [("ana", lambda w: ["decline", "d-2", HOSTILE])],
    "comment": [("ben", lambda w: ["comment", "o-ben", HOSTILE])],
    "comments": [("ben", lambda w: ["comments", "o-ben"]), ("ana", lambda w: ["comments", "o-ana"])],
    "comment-edit": [("ben", lambda w: ["comment-edit", _my_comment(w / "ben.db"), HOSTILE])],
    "comment-delete": [("ben", lambda w: ["comment-delete", _my_comment(w / "ben.db")])],
    "inbox": [("ana", lambda w: ["inbox"]), ("ben", lambda w: ["inbox"])],
    "due": [("ben", lambda w: ["due"])],
    "team list": [("ana", lambda w: ["team", "list"])],
    "team add": [("ana", lambda w: ["team", "add", "t-new", "--name", HOSTILE, "--vision", HOSTILE])],
    "team edit": [("ana", lambda w: ["team", "edit", "t-plat", "--mission", HOSTILE, "--lead", "Ana " + HOSTILE])],
    "admin init": [("ana", lambda w: ["admin", "init"])],
    "admin add-person": [("ana", lambda w: ["admin", "add-person", "erin", "--name", HOSTILE])],
    "import": [("ben", _doc), ("ben", _sheet)],
    "export": [("ben", lambda w, f=f: ["export", "--format", f]) for f in ("json", "csv", "md", "html")]
    + [("ben", lambda w: ["export", "--format", "xlsx", "-o", w / "out.xlsx"])],
    "template": [("ben", lambda w, f=f: ["template", "--format", f, "-o", w / f"plan.{f}"]) for f in ("csv", "xlsx")],
    # a hostile address: refused with one line before anything listens
    "serve": [("ben", lambda w: ["serve", "--host", HOSTILE, "--port", "0"])],
    "checkin": [("ben", lambda w: ["checkin", "kr-ben", "30", "--note", HOSTILE]),
                ("ana", lambda w: ["checkin", "kr-ben", "30"])],
    "history": [("ben", lambda w: ["history", "kr-ben"]), ("ana", lambda w: ["history", "kr-ben"])],
    "report": [("ana", lambda w, f=f, t=t: ["report", "--format", f, *t])
               for f in ("text", "md", "csv", "json") for t in ((), ("--team",))],
    "lint": [("ben", lambda w, f=f: ["lint", "--format", f]) for f in ("text", "json")],
    "sync": [("ben", lambda w: ["sync", w / "team.jsonl"])],
    "merge-driver": [("ben", _merge)],
    "whoami": [("ana", lambda w: ["whoami"]), ("ben", lambda w: ["whoami", "--name", "Ben " + HOSTILE])],
    "keys list": [("ana", lambda w: ["keys", "list"])],
    "keys trust": [("ana", lambda w: ["keys", "trust", "p-zed", "AAAA-BBBB-CCCC-DDDD"])],
    "keys pin": [("ben", lambda w: ["keys", "pin", w / "team.jsonl"])],
    "metric add": [("ben", lambda w: ["metric", "add", HOSTILE, "--unit", "u", "--description", HOSTILE])],
    "metric record": [("ben", lambda w: _metric(w, "record", "m-hostile", "4", "--note", HOSTILE))],
    "metric list": [("ben", lambda w, f=f: _metric(w, "list", "--format", f)) for f in ("text", "json", "csv")],
    "metric history": [("ben", lambda w: _metric(w, "history", "m-hostile"))],
    "metric edit": [("ben", lambda w: _metric(w, "edit", "m-hostile", "--name", HOSTILE + " 2"))],
    "metric archive": [("ben", lambda w: _metric(w, "archive", "m-hostile"))],
    # Ben's KR (hostile title, unit and notes) becomes a metric: the new metric's name is printed
    "metric from-kr": [("ben", lambda w: ["metric", "from-kr", "kr-ben"])],
}


def parser_commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    """Every leaf command the parser knows (`team add`, `admin init`, …), read from the parser."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += parser_commands(sub, f"{prefix}{name} ") or [f"{prefix}{name}"]
    return found


def test_every_command_of_the_parser_is_attacked():
    assert sorted(parser_commands(build_parser())) == sorted(CALLS), "give each new command its CALLS entry"


CASES = [(name, i) for name, variants in CALLS.items() for i in range(len(variants))]


@pytest.mark.parametrize(("name", "variant"), CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_text_hostile_text_reaches_no_terminal_from_any_command(cli, world, name, variant):
    who, make = CALLS[name][variant]
    args = make(world)
    out = cli("--db", world / f"{who}.db", *args)
    assert "unexpected" not in out.err, out.err
    assert not raw_in(out.out) and not raw_in(out.err), (raw_in(out.out), raw_in(out.err), out.out, out.err)
    if "--format" in args and "json" in args:
        json.loads(out.out)  # a machine format stays valid
    if name.startswith("admin") or name == "serve" or (name, who) == ("checkin", "ana"):  # refused
        assert out.code == 2 and out.err.startswith("okrtui: error: ") and out.err.count("\n") == 1
    else:
        assert out.code in (0, 1), out.err


@pytest.mark.parametrize("name", ["accept", "decline", "request-changes", "submit"])
def test_text_cycle_commands_show_the_hostile_title_escaped(cli, world, name):
    """The issue's four: the title and names come through as visible escapes, the honest message intact."""
    who, args = CALLS[name][0]
    out = cli("--db", world / f"{who}.db", *args(world))
    assert out.code == 0, out.err
    assert SHOWN in out.out and not raw_in(out.out)
    word = {"accept": "accepted d-1", "decline": "declined d-2", "request-changes": "asked Ben",
            "submit": "submitted o-draft"}[name]
    assert word in out.out


def test_text_csv_cells_are_escaped_and_still_csv(cli, world):
    import csv
    import io

    out = cli("--db", world / "ben.db", "report", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out.out)))
    assert len({len(r) for r in rows}) == 1  # every row as wide as the header
    assert any(SHOWN in cell for row in rows for cell in row)


def test_text_json_keeps_the_data(cli, world):
    exported = cli("--db", world / "ben.db", "export").json()
    titles = [o["title"] for o in exported["objectives"]]
    assert f"o-ben {HOSTILE}" in titles  # escaped for the terminal, the same text to a JSON reader


def test_dates_a_future_checkin_is_refused_and_today_is_taken(cli, world):
    db = world / "ben.db"
    later = cli("--db", db, "checkin", "kr-ben", "99", "--date", str(TODAY + dt.timedelta(days=1)))
    assert later.code == 2 and later.out == ""
    assert later.err == (f"okrtui: error: date {TODAY + dt.timedelta(days=1)} is after today ({TODAY}): "
                         "a check-in records what happened\n")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM check_in WHERE value = 99").fetchone() == (0,)
    conn.close()
    moved = cli("--db", db, "checkin", "--fix", "c-20", "21", "--date", str(TODAY + dt.timedelta(days=3)))
    assert moved.code == 2 and "is after today" in moved.err  # --fix may not move one ahead either
    fixed = cli("--db", db, "checkin", "--fix", "c-20", "21", "--date", str(TODAY))
    assert fixed.code == 0 and fixed.out.startswith("corrected check-in c-20")
    # today's check-in is c-20 now: one per KR, author and day, so today's honest one replaces it
    honest = cli("--db", db, "checkin", "kr-ben", "42", "--date", str(TODAY))
    assert honest.code == 0 and honest.out.startswith("replaced 21 with 42 in the"), honest.out


def test_text_the_bytes_a_real_process_writes_hold_no_raw_control(world):
    """The same check on the bytes a real `okrtui` process writes to its pipes (no clock read: these
    commands ask no day)."""
    import os
    import subprocess
    import sys

    for args in (["comments", "o-ana"], ["history", "kr-ben"], ["team", "list"]):
        done = subprocess.run([sys.executable, "-m", "okrtui", "--db", str(world / "ana.db"), *args],
                              capture_output=True, env=dict(os.environ), timeout=60)
        assert done.returncode == 0, done.stderr
        raw = [b for b in (b"\x1b", b"\x07", b"\xc2\x85", "\u202e".encode(), "\u2066".encode())
               if b in done.stdout + done.stderr]
        assert raw == [] and b"\\x1b]0;pwned\\x07" in done.stdout, (args, done.stdout)


TEAMMATE_OWNS = {"format": "okrtui/1", "people": [{"id": "p-bob", "name": "Bob"}], "metrics": [
    {"id": "m-backlog", "name": "Backlog", "unit": "tickets", "high": 40, "owner": "p-bob", "since": "2026-10-01"},
    {"id": "m-churn", "name": "Churn", "unit": "%", "high": 2, "since": "2026-10-01"}]}


def test_metric_measured_only_by_who_answers_for_it(cli, tmp_path):
    db = tmp_path / "okrtui.db"  # SQLite (this folder's `db` fixture is PostgreSQL)
    cli("whoami", "--name", "Lead", "--db", db)
    assert cli("import", write_doc(tmp_path / "doc.json", TEAMMATE_OWNS), "--db", db).code == 0
    before = digest(db)
    refused = cli("metric", "record", "m-backlog", "3", "--db", db)  # Lead made it; Bob owns it
    assert refused.code == 2 and "Bob answers for it (its owner); only they can measure it" in refused.err
    assert digest(db) == before
    assert cli("metric", "record", "m-churn", "1.5", "--db", db).code == 0  # the honest action still works


def test_metric_only_its_maker_edits_or_archives_it(cli, tmp_path):
    db = tmp_path / "okrtui.db"  # SQLite (this folder's `db` fixture is PostgreSQL)
    cli("whoami", "--name", "Ann", "--db", db)
    teammates_metric(db)
    before = digest(db)
    for args in (("edit", "m-bob", "--at-most", "99"), ("archive", "m-bob")):
        r = cli("metric", *args, "--db", db)
        assert r.code == 2 and "was made by Bob; only they can change it" in r.err
        assert digest(db) == before
    assert cli("metric", "add", "Churn", "--unit", "%", "--db", db).code == 0  # Ann's own, same name, no team
    assert cli("metric", "edit", "m-churn", "--at-most", "3", "--db", db).code == 0


# --- Attacks through the CLI's commands (docs/security.md, column `cli`): `checkin`, `approve`, `accept`,
# `team edit`. Each refusal is one line that says who may act, writes nothing, and the honest command beside
# it works for everyone after a sync.

EVERYONE = ("ana", "ben", "cleo")


def test_cli_checkin_by_the_kr_maker_who_named_another_owner_is_refused(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ana", {"objectives": [okr_objective("o-x", "Platform", None, "kr-x", status="active",
                                                owner=t.ids["ben"])]})
    t.sync("ana", "ben")
    refused = t.run("ana", "checkin", "kr-x", "10", "--date", "2026-11-20")
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "Ben Member answers for it (its owner); only they can check in on it" in refused.err
    # The honest way: Ben checks in, and everyone, a newcomer too, sees his value.
    assert t.run("ben", "checkin", "kr-x", "4", "--date", "2026-11-24").code == 0
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    assert [t.kr(who, "kr-x")["current"] for who in EVERYONE] == [4, 4, 4]


def test_cli_approve_by_a_member_is_refused_and_says_who_approves(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben")]})
    assert t.run("ben", "submit", "o-ben").code == 0
    refused = t.run("ben", "approve", "o-ben")
    assert refused.code == 2 and "only Ana Lead, the lead of team Platform, may approve o-ben" in refused.err
    t.sync("ben", "ana")
    # Approving it again after its content changed needs the lead again; the lead's approval works.
    assert t.run("ana", "approve", "o-ben").code == 0
    t.sync("ana", "ben")
    t.join("cleo", "Cleo New")
    assert t.statuses("o-ben") == ["active"] * 3
    active = t.run("ben", "approve", "o-ben")
    assert active.code == 2 and "only Ana Lead" in active.err


def test_cli_accept_by_the_asker_is_refused(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ana", {"objectives": [okr_objective("o-ana", "Observability", "t-plat", "kr-ana")]})
    t.sync("ana", "ben")
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben")],
                   "dependencies": [{"id": "d-ben-ana", "from": "kr-ben", "to": "kr-ana", "note": "dashboards"}]})
    refused = t.run("ben", "accept", "d-ben-ana")
    assert refused.code == 2 and "only Ana Lead, who answers for kr-ana, may accept or decline d-ben-ana" \
        in refused.err
    t.sync("ben", "ana")
    asked = t.run("ana", "report", "--team", "--format", "md", "--period", "2026-Q4").out
    assert "- d-ben-ana: Deploys KR → Observability KR, **proposed** (waiting for Ana Lead)" in asked
    # The honest way: Ana accepts; the agreement reads as agreed for everyone.
    assert t.run("ana", "accept", "d-ben-ana").code == 0
    t.sync("ana", "ben")
    t.join("cleo", "Cleo New")
    for who in EVERYONE:
        md = t.run(who, "report", "--team", "--format", "md", "--period", "2026-Q4").out
        assert "d-ben-ana" not in md, who


def test_cli_team_edit_by_a_member_is_refused(cli, tmp_path):
    t = Crew(cli, tmp_path)
    refused = t.run("ben", "team", "edit", "t-plat", "--approval", "off")
    assert refused.code == 2 and "team t-plat was made by Ana Lead; only they can change it" in refused.err
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben", status="in_review")]})
    t.sync("ben", "ana")
    assert t.status("ana", "o-ben") == "in_review"
    # The honest way: Ana, its maker, turns approval off; Ben's objective is his to make active.
    assert t.run("ana", "team", "edit", "t-plat", "--approval", "off").code == 0
    t.sync("ana", "ben")
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben", status="active")]})
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    assert t.statuses("o-ben") == ["active"] * 3


# --- private, badline, flood through CLI commands (docs/security.md, column `cli`) ----------------

def test_private_ben_s_private_objective_reaches_no_teammate_command_and_his_shared_one_does(cli, tmp_path):
    """Ben has a private objective (with a KR, a check-in and his comment) beside a shared one; after
    everyone syncs, nothing of the private one is in the team file, Ana's report or export, and her
    commands cannot reach it; the shared one reaches her and she comments on it."""
    t = Crew(cli, tmp_path)
    secret = {**okr_objective("o-sec", "Leave in March", None, "kr-sec"), "visibility": "private"}
    assert t.load("ben", {"objectives": [secret, okr_objective("o-ben", "Deploys", None, "kr-ben")]}).code == 0
    assert t.run("ben", "checkin", "kr-sec", "3").code == 0
    assert t.run("ben", "comment", "o-sec", "only for me").code == 0
    t.sync("ben", "ana", "ben")
    t.join("cleo", "Cleo New")
    shared = t.file.read_text()
    assert "o-ben" in shared and not any(s in shared for s in ("o-sec", "kr-sec", "Leave in March", "only for me"))
    for who in ("ana", "cleo"):
        for args in (["report", "--team"], ["report", "--team", "--format", "json"], ["export"],
                     ["export", "--format", "html", "--team"], ["inbox"]):
            seen = t.run(who, *args)
            assert seen.code in (0, 1) and "Leave in March" not in seen.out and "o-sec" not in seen.out, (who, args)
        for args in (["comment", "o-sec", "tell me"], ["comments", "o-sec"], ["history", "kr-sec"]):
            refused = t.run(who, *args)
            assert refused.code == 2 and refused.out == "" and refused.err.count("\n") == 1, (who, args)
            assert refused.err.startswith("okrtui: error:") and "Leave in March" not in refused.err
    # Ben's own export --team leaves it out too; his own report keeps it.
    assert "Leave in March" not in t.run("ben", "export", "--format", "html", "--team").out
    assert "Leave in March" in t.run("ben", "report").out
    # The honest way: the shared objective is everyone's to see and to comment on.
    assert "Deploys" in t.run("ana", "report", "--team").out
    assert t.run("ana", "comment", "o-ben", "nice").code == 0


def test_badline_a_flag_no_record_may_hold_is_one_error_line_and_writes_nothing(cli, tmp_path):
    db = tmp_path / "x.db"
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-1", "title": "Ship", "period": "2026-Q4", "key_results": [
        {"id": "kr-1", "title": "Ship", "kind": "increase", "start": 0, "target": 9}]}]}
    assert cli("--db", db, "import", write_doc(tmp_path / "d.json", doc)).code == 0
    before = digest(db)
    for args in (["checkin", "kr-1", "1e400"], ["checkin", "kr-1", "nan"], ["checkin", "kr-1", "-inf"],
                 ["checkin", "kr-1", "2", "--note", "lone \ud800 surrogate"],
                 ["checkin", "kr-1", "2", "--note", "x" * 2_000_000],
                 ["comment", "o-1", "lone \udfff surrogate"], ["comment", "o-1", "y" * 2_000_000]):
        refused = cli("--db", db, *args)
        assert refused.code == 2 and refused.out == "", args[:3]
        assert refused.err.startswith("okrtui: error:") and refused.err.count("\n") == 1, (args[:3], refused.err[:200])
        assert len(refused.err) < 400 and "unexpected" not in refused.err and not raw_in(refused.err), args[:3]
        assert digest(db) == before, args[:3]
    # The honest way: the same commands with values a record may hold.
    assert cli("--db", db, "checkin", "kr-1", "2", "--note", "fine é漢").code == 0
    assert cli("--db", db, "comment", "o-1", "ok").code == 0


def test_flood_a_huge_text_flag_is_refused_in_one_line_and_a_long_honest_one_is_kept(cli, tmp_path):
    """A command writes one record of its caller's; its size is bounded by the field limits
    (okrtui.rules.fieldrules via schema), so no command stores a text the others would have to carry."""
    from okrtui.rules.schema import MAX_TEXT

    db = tmp_path / "x.db"
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-1", "title": "Ship", "period": "2026-Q4", "key_results": [
        {"id": "kr-1", "title": "Ship", "kind": "increase", "start": 0, "target": 9}]}]}
    assert cli("--db", db, "import", write_doc(tmp_path / "d.json", doc)).code == 0
    before = digest(db)
    for args in (["comment", "o-1", "z" * (MAX_TEXT + 1)], ["checkin", "kr-1", "2", "--note", "z" * (MAX_TEXT + 1)]):
        refused = cli("--db", db, *args)
        assert refused.code == 2 and refused.err.count("\n") == 1 and str(MAX_TEXT) in refused.err, refused.err[:200]
        assert digest(db) == before
    assert cli("--db", db, "comment", "o-1", "z" * MAX_TEXT).code == 0
