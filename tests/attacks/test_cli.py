"""Attacks through a CLI command (docs/security.md, column `cli`).

`text`: every command okrtui has, run over two databases whose people, titles, comments, notes and
check-in notes are hostile (terminal escapes, BEL, C1 controls, bidi overrides, Rich markup), prints no
raw control or direction character, while the honest command beside it still says what it did.
The commands are read from the parser, so a new command fails here until it is given arguments.
`dates`: a check-in dated after today is refused with one line; today's is taken.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from okrtui.cli import build_parser, main
from tests.helpers import TODAY, write_doc

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202e[red]x[/]\x85\u2066é漢🙂"
SHOWN = "\\x1b]0;pwned\\x07\\x1b[2J\\u202e[red]x[/]\\x85\\u2066é漢🙂"  # what a terminal receives instead
# Every character a terminal acts on or that reorders what it shows (tests/test_text.py checks the full set).
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
