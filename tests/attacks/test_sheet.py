"""The threat matrix's `sheet` column (docs/security.md): `okrtui import` of a CSV or XLSX file.

Each test makes the attack and, beside it, the honest import that must still work. A sheet becomes
an okrtui/1 document and goes through the JSON import's rules, so these check that nothing about
rows and columns opens a way around them."""

from __future__ import annotations

import csv
import io

from sqlalchemy import text
from sqlmodel import Session, select

from okrtui.storage.backend import open_engine
from okrtui.storage.model import CheckIn, KeyResult, Objective
from tests.helpers import TODAY, digest, write_doc

DOC = {"format": "okrtui/1",
       "people": [{"id": "p-bob", "name": "Bob Stone"}],
       "teams": [{"id": "t-ops", "name": "Ops", "approval": True}],
       "objectives": [
           {"id": "o-bob", "title": "Bob's objective", "period": "2026-Q4", "owner": "p-bob", "status": "active",
            "key_results": [{"id": "kr-bob", "title": "Ship it", "owner": "p-bob", "kind": "increase",
                             "start": 0, "target": 10}]},
           {"id": "o-me", "title": "Mine", "period": "2026-Q4", "status": "active",
            "key_results": [{"id": "kr-me", "title": "Mine too", "kind": "increase", "start": 0, "target": 5}]}]}


def bobs_database(cli, tmp_path):
    """My database holding Bob's objective and KR (as a sync brings them: his origin) and my own."""
    db = tmp_path / "me.db"
    assert cli("--db", db, "import", write_doc(tmp_path / "doc.json", DOC)).code == 0
    engine = open_engine(db)
    with Session(engine) as s:
        s.execute(text("UPDATE objective SET origin = 'p-bob' WHERE id = 'o-bob'"))
        s.execute(text("UPDATE key_result SET origin = 'p-bob' WHERE id = 'kr-bob'"))
        s.commit()
    engine.dispose()
    return db


def rows(db, model):
    engine = open_engine(db)
    with Session(engine) as s:
        out = s.exec(select(model)).all()
    engine.dispose()
    return out


def exported(cli, db, tmp_path, name="okrs.csv"):
    path = tmp_path / name
    path.write_text(cli("--db", db, "export", "--format", "csv").out)
    return path


def edit(path, ident, column, value):
    table = list(csv.reader(io.StringIO(path.read_text())))
    at = table[0].index(column)
    for row in table[1:]:
        if ident in row:
            row[at] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(table)
    path.write_text(buf.getvalue())


def test_a_check_in_on_a_teammates_kr_is_refused_and_on_my_own_it_is_recorded(cli, tmp_path):
    db = bobs_database(cli, tmp_path)
    okrs = exported(cli, db, tmp_path)
    forged = tmp_path / "forged.csv"
    forged.write_text("kr_id,date,value\nkr-bob,2026-11-20,9\n")
    before = digest(db)
    result = cli("--db", db, "import", okrs, "--check-ins", forged)
    assert result.code == 2
    assert "Bob Stone's key result (a check-in on it) 'kr-bob'" in result.err and "Nothing was imported" in result.err
    assert digest(db) == before
    honest = tmp_path / "honest.csv"
    honest.write_text("kr_id,date,value\nkr-me,2026-11-20,3\n")
    assert cli("--db", db, "import", okrs, "--check-ins", honest).code == 0
    assert [(c.kr_id, c.value) for c in rows(db, CheckIn)] == [("kr-me", 3)]


def test_an_approval_teams_objective_cannot_come_in_active_but_comes_in_as_a_draft(cli, tmp_path):
    db = bobs_database(cli, tmp_path)
    path = tmp_path / "t.csv"
    path.write_text("period,objective_id,objective,team,status\n2026-Q4,o-ops,Ops wins,t-ops,active\n")
    result = cli("--db", db, "import", path)
    assert result.code == 2
    assert result.err.splitlines()[0] == ("t.csv:2:status: team t-ops asks for approval: import it as a draft, "
                                          "then submit it (okrtui submit) for its lead")
    assert "o-ops" not in {o.id for o in rows(db, Objective)}
    path.write_text("period,objective_id,objective,team,status\n2026-Q4,o-ops,Ops wins,t-ops,draft\n")
    assert cli("--db", db, "import", path).code == 0
    assert {o.id: o.status for o in rows(db, Objective)}["o-ops"] == "draft"


def test_a_row_changing_a_teammates_objective_is_refused_and_my_own_rows_import(cli, tmp_path):
    db = bobs_database(cli, tmp_path)
    okrs = exported(cli, db, tmp_path)
    edit(okrs, "o-bob", "objective", "Taken over")
    before = digest(db)
    result = cli("--db", db, "import", okrs)
    assert result.code == 2 and "Bob Stone's objective 'o-bob'" in result.err
    assert digest(db) == before
    okrs = exported(cli, db, tmp_path)  # his rows unchanged beside mine: only mine change
    edit(okrs, "o-me", "objective", "Mine, renamed")
    assert cli("--db", db, "import", okrs).code == 0
    titles = {o.id: o.title for o in rows(db, Objective)}
    assert titles["o-me"] == "Mine, renamed" and titles["o-bob"] == "Bob's objective"


def test_markup_escapes_and_bidi_in_cells_are_stored_as_text_and_printed_escaped(cli, tmp_path):
    db = tmp_path / "x.db"
    title = "[bold red]pwned[/] \u202etxt.exe"
    path = tmp_path / "t.csv"
    path.write_text(f"period,objective,key_result,start,target\n2026-Q4,{title},K,0,\x1b[2J\n", encoding="utf-8")
    result = cli("--db", db, "import", path)
    assert result.code == 2
    assert "\x1b" not in result.err and "\u202e" not in result.err
    assert "t.csv:2:target: expected a number, got '\\x1b[2J'" in result.err
    path.write_text(f"period,objective,key_result,start,target\n2026-Q4,{title},K,0,10\n", encoding="utf-8")
    result = cli("--db", db, "import", path, today=TODAY)
    assert result.code == 0 and "\u202e" not in result.out
    assert [o.title for o in rows(db, Objective)] == [title]


def test_one_bad_cell_refuses_the_whole_file_naming_its_place_and_the_fixed_file_imports(cli, tmp_path):
    db = bobs_database(cli, tmp_path)
    body = "".join(f"2026-Q4,O{i},K{i},0,{i + 1}\n" for i in range(100))
    path = tmp_path / "many.csv"
    path.write_text("period,objective,key_result,start,target\n" + body.replace("0,51\n", "0,fifty\n"))
    before = digest(db)
    result = cli("--db", db, "import", path)
    assert result.code == 2
    assert result.err.splitlines() == ["many.csv:52:target: expected a number, got 'fifty'",
                                       "okrtui: error: 1 problem; nothing was imported"]
    assert digest(db) == before
    path.write_text("period,objective,key_result,start,target\n" + body)
    assert cli("--db", db, "import", path).code == 0
    assert len(rows(db, KeyResult)) == 102


def test_a_check_in_dated_after_today_is_refused_and_today_is_accepted(cli, tmp_path):
    db = bobs_database(cli, tmp_path)
    okrs = exported(cli, db, tmp_path)
    later = tmp_path / "later.csv"
    later.write_text(f"kr_id,date,value\nkr-me,{TODAY.replace(day=TODAY.day + 1)},3\n")
    result = cli("--db", db, "import", okrs, "--check-ins", later, today=TODAY)
    assert result.code == 2
    assert result.err.splitlines()[0] == (f"later.csv:2:date: {TODAY.replace(day=TODAY.day + 1)} is after today "
                                          f"({TODAY}): nothing is recorded ahead of time")
    assert rows(db, CheckIn) == []
    later.write_text(f"kr_id,date,value\nkr-me,{TODAY},3\n")
    assert cli("--db", db, "import", okrs, "--check-ins", later, today=TODAY).code == 0
    assert [c.date for c in rows(db, CheckIn)] == [TODAY]
