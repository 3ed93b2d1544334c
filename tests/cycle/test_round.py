"""The everyday round on the command line (issue 21, points 6, 8, 9): due, the README's reminder
recipes, confidence carried over, same-day replace, history / --fix / --delete, readable ids,
--demo on an existing database, reflections in Markdown."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from okrtui.cycle import editing
from okrtui.method import periods
from okrtui.method.domain import ID_RE, readable_id, slug
from okrtui.method.views import is_due
from okrtui.rules import schema
from okrtui.storage.backend import open_engine
from okrtui.storage.model import CheckIn, KeyResult, Objective
from okrtui.storage.store import reading
from tests.helpers import run_subprocess, write_doc

MONDAY = dt.date(2026, 12, 7)
README = Path(__file__).resolve().parents[2] / "README.md"


def one_kr_doc(**kr) -> dict:
    return {"format": "okrtui/1", "objectives": [{
        "id": "o-1", "title": "Ship reliably", "period": "2026-Q4",
        "key_results": [{"id": "kr-deploys", "title": "Deploys from 92 to 99", "kind": "increase", "start": 92,
                         "target": 99, **kr}]}]}


@pytest.fixture
def kr_db(cli, db, tmp_path):
    doc = one_kr_doc(check_ins=[{"id": "c-1", "date": "2026-11-02", "value": 93, "confidence": 0.6, "note": "ok"},
                                {"id": "c-2", "date": "2026-11-16", "value": 95, "confidence": 0.7}])
    assert cli("--db", db, "import", write_doc(tmp_path / "d.json", doc)).code == 0
    return db


def check_ins(db) -> list[CheckIn]:
    engine = open_engine(db)
    try:
        with reading(engine) as session:
            return list(session.exec(select(CheckIn).where(CheckIn.deleted == False)
                                     .order_by(CheckIn.date, CheckIn.created_at)).all())
    finally:
        engine.dispose()


# --- point 6: one "due" ------------------------------------------------------------------------

@pytest.mark.parametrize(("last", "day", "due"), [
    (None, MONDAY, True),                           # never checked in
    (dt.date(2026, 12, 6), MONDAY, True),           # Sunday is last week
    (MONDAY, MONDAY, False),
    (dt.date(2026, 12, 7), dt.date(2026, 12, 13), False),  # Monday counts up to Sunday
    (dt.date(2026, 12, 4), dt.date(2026, 12, 10), True),
])
def test_due_is_the_week_rule(last, day, due):
    assert is_due(last, day) is due


def test_due_on_a_monday_lists_what_last_week_covered(cli, kr_db):
    assert cli("--db", kr_db, "checkin", "kr-deploys", "96", "--date", "2026-12-03", today=MONDAY).code == 0
    result = cli("--db", kr_db, "due", "--as-of", MONDAY.isoformat(), today=MONDAY)
    assert (result.code, result.out) == (1, "kr-deploys  Deploys from 92 to 99  last check-in 2026-12-03\n")
    assert cli("--db", kr_db, "checkin", "kr-deploys", "97", today=MONDAY).code == 0
    quiet = cli("--db", kr_db, "due", today=MONDAY)
    assert (quiet.code, quiet.out) == (0, "")


def readme_recipes() -> dict[str, str]:
    text = README.read_text()
    block = text[text.index("`okrtui due` lists"):]
    block = block[block.index("```sh") + 5:block.index("```", block.index("```sh") + 5)]
    lines = [line for line in block.splitlines() if line and not line.startswith("#")]
    prompt = next(line for line in lines if line.startswith("PS1="))
    cron = next(line for line in lines if re.match(r"^[\d*,/-]+( [\d*,/-]+){4}\s", line))
    login = next(line for line in lines if "| sed" in line)
    return {"prompt": prompt, "cron": cron.split(None, 5)[5], "login": login}


def run_recipe(tmp_path, db, script: str) -> subprocess.CompletedProcess:
    """Run a README line in bash, with `okrtui` on PATH running as of MONDAY (no real clock)."""
    shim = tmp_path / "bin" / "okrtui"
    shim.parent.mkdir(exist_ok=True)
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -c 'import datetime, sys; from okrtui.cli import main; "
                    f"sys.exit(main(sys.argv[1:], today=datetime.date(2026, 12, 7)))' \"$@\"\n")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{shim.parent}:{os.environ['PATH']}", "OKRTUI_DB": str(db)}
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60)


def test_the_readme_reminder_recipes_run_as_written(tmp_path, kr_db, cli):
    recipes = readme_recipes()
    # Monday: last week's check-ins do not count, so the KR is due.
    prompt = run_recipe(tmp_path, kr_db, f"PS1='$ '\n{recipes['prompt']}\neval \"printf %s \\\"$PS1\\\"\"")
    assert prompt.stdout == "[okr] $ ", prompt.stderr
    cron = run_recipe(tmp_path, kr_db, recipes["cron"])
    assert cron.returncode == 1 and cron.stdout.startswith("kr-deploys  Deploys from 92 to 99  last check-in")
    login = run_recipe(tmp_path, kr_db, recipes["login"])
    assert login.stdout.splitlines() == ["OKR check-in due: " + cron.stdout.strip()]
    # Checked in this week: nothing to say anywhere, exit 0 for cron (no mail).
    assert cli("--db", kr_db, "checkin", "kr-deploys", "97", today=MONDAY).code == 0
    assert run_recipe(tmp_path, kr_db, f"PS1='$ '\n{recipes['prompt']}\neval \"printf %s \\\"$PS1\\\"\"").stdout == "$ "
    quiet = run_recipe(tmp_path, kr_db, recipes["cron"])
    assert (quiet.returncode, quiet.stdout) == (0, "")
    assert run_recipe(tmp_path, kr_db, recipes["login"]).stdout == ""


# --- point 7: plausibility by the scale's span --------------------------------------------------

@pytest.mark.parametrize(("start", "target", "value", "asks"), [
    (92, 99, 971, True), (92, 99, 9, True), (92, 99, 97, False), (92, 99, 100, False), (92, 99, 88, False),
    (0, 4, 40, True), (0, 4, 10, True), (0, 4, 5, False), (0, 4, 3, False),
    (90, 30, 900, True), (90, 30, 120, False), (90, 30, 35, False),
])
def test_one_extra_or_missing_digit_asks(start, target, value, asks):
    kind = "increase" if target > start else "decrease"
    why = schema.implausible(schema.Spec(kind, start, target, None, None), value)
    assert (why is not None) is asks
    if asks:
        assert "far outside" in why


def test_a_range_kr_is_measured_by_its_own_span():
    spec = schema.Spec("range", None, None, 120, 250)
    assert schema.implausible(spec, 2500) is not None and schema.implausible(spec, 300) is None


# --- point 8: the CLI round ---------------------------------------------------------------------

def test_checkin_without_confidence_keeps_the_last_one(cli, kr_db):
    result = cli("--db", kr_db, "checkin", "kr-deploys", "96", "--date", "2026-11-23")
    assert result.code == 0 and "confidence 0.7" in result.out
    assert check_ins(kr_db)[-1].confidence == 0.7
    assert cli("--db", kr_db, "checkin", "kr-deploys", "97", "--confidence", "0.9").code == 0
    assert check_ins(kr_db)[-1].confidence == 0.9


def test_a_second_check_in_the_same_day_replaces_the_first(cli, kr_db):
    first = cli("--db", kr_db, "checkin", "kr-deploys", "96", "--note", "first")
    second = cli("--db", kr_db, "checkin", "kr-deploys", "97")
    assert first.code == second.code == 0
    assert second.out.startswith("replaced 96 with 97 in the 2026-11-26 check-in of kr-deploys")
    today = [c for c in check_ins(kr_db) if c.date == dt.date(2026, 11, 26)]
    assert [(c.value, c.note) for c in today] == [(97, "")]


def test_a_back_dated_check_in_prints_its_own_progress(cli, kr_db):
    result = cli("--db", kr_db, "checkin", "kr-deploys", "94", "--date", "2026-11-09")
    # 94 on a 92 → 99 scale is 2/7 = 0.29; the later check-in (95 on Nov 16) would say 0.43.
    assert result.code == 0 and "94, confidence 0.6 → progress 0.29" in result.out, result.out


def test_history_lists_check_ins_with_ids_then_fix_and_delete(cli, kr_db):
    history = cli("--db", kr_db, "history", "kr-dep")
    assert history.code == 0
    assert history.out.splitlines() == ["kr-deploys  Deploys from 92 to 99",
                                        "  c-1  2026-11-02        93  conf 0.6   ok",
                                        "  c-2  2026-11-16        95  conf 0.7 "]
    fixed = cli("--db", kr_db, "checkin", "--fix", "c-2", "95.5")
    assert fixed.code == 0 and fixed.out.startswith("corrected check-in c-2 (2026-11-16) of kr-deploys")
    assert [(c.id, c.value, c.confidence) for c in check_ins(kr_db)] == [("c-1", 93, 0.6), ("c-2", 95.5, 0.7)]
    gone = cli("--db", kr_db, "checkin", "--delete", "c-1")
    assert gone.code == 0 and gone.out.startswith("deleted check-in c-1 (2026-11-02, 93) of kr-deploys")
    assert [c.id for c in check_ins(kr_db)] == ["c-2"]
    assert "c-1" not in cli("--db", kr_db, "history", "kr-deploys").out


@pytest.mark.parametrize("args", [
    ("checkin", "--fix", "c-nope", "3"), ("checkin", "--delete", "c-nope"),
    ("checkin", "--fix", "c-1"), ("checkin", "--fix", "c-1", "x"), ("checkin", "--fix", "c-1", "3", "4"),
    ("checkin", "--delete", "c-1", "kr-deploys"), ("checkin", "--fix", "c-1", "3", "--delete", "c-2"),
    ("checkin", "kr-deploys"), ("history", "kr-nope"),
])
def test_bad_fix_or_delete_is_one_line_and_writes_nothing(cli, kr_db, args):
    before = [(c.id, c.value) for c in check_ins(kr_db)]
    result = cli("--db", kr_db, *args)
    assert result.code == 2 and result.err.startswith("okrtui: error:") and len(result.err.splitlines()) == 1
    assert [(c.id, c.value) for c in check_ins(kr_db)] == before


def test_only_the_author_fixes_or_deletes_a_check_in(cli, db, tmp_path):
    from tests.helpers import GOOD_KR, GOOD_OBJECTIVE, GOOD_PERIOD, rec, team_file

    bobs = rec("check_in", "c-bob", kr_id="kr-bob", date="2026-11-20", value=4.0, confidence=None, note="",
               author_id="p-bob")
    bob = rec("person", "p-bob", name="Bob Stone", email="")
    assert cli("--db", db, "sync", team_file(tmp_path / "t.jsonl", [GOOD_PERIOD, bob, GOOD_OBJECTIVE, GOOD_KR,
                                                                     bobs])).code == 0
    for args in (("--fix", "c-bob", "5"), ("--delete", "c-bob")):
        result = cli("--db", db, "checkin", *args)
        assert result.code == 2 and "only they can change it" in result.err
    assert [(c.id, c.value) for c in check_ins(db)] == [("c-bob", 4)]
    assert cli("--db", db, "history", "kr-bob").out.splitlines()[1] == "  c-bob  2026-11-20         4  conf –     by Bob Stone"


def test_new_objectives_and_krs_get_short_readable_ids(engine):
    span = periods.quarter("2026-Q4")
    oid = editing.save_objective(engine, span, {"title": "Make deploys boringly reliable", "description": "",
                                                "level": "team", "status": "draft", "visibility": "shared",
                                                "parent_id": None, "team_id": None})
    kid = editing.save_key_result(engine, {"objective_id": oid, "title": "Deploy success rate from 92% to 99%",
                                           "kind": "increase", "start": 92, "target": 99, "unit": "%",
                                           "owner_id": None, "weight": 1})
    assert re.fullmatch(r"o-make-deploys-[a-z2-9]{4}", oid)
    assert re.fullmatch(r"kr-deploy-success-[a-z2-9]{4}", kid)
    assert ID_RE.match(oid) and ID_RE.match(kid)


def test_readable_ids_stay_unique_and_valid():
    taken: set[str] = set()
    for _ in range(300):
        ident = readable_id("kr", "Deploy success rate", lambda i: i in taken)
        assert ident not in taken and ID_RE.match(ident)
        taken.add(ident)
    assert slug("Ünïcode façade, from A to Z!") == "unicode-facade-z"
    assert slug("体验") == "" and ID_RE.match(readable_id("kr", "体验", lambda i: False))
    # After clashes the suffix grows rather than giving up.
    longer = readable_id("kr", "Deploys", lambda i: len(i.rsplit("-", 1)[1]) < 6)
    assert re.fullmatch(r"kr-deploys-[a-z2-9]{6}", longer)


def test_every_command_takes_a_readable_id_or_its_prefix_and_uuids_still_work(cli, db, tmp_path):
    uuid = "0b7e9c1e-5f0e-4d4b-9f5e-2f6a8d1c3b4a"
    doc = one_kr_doc(id=uuid)
    cli("--db", db, "import", write_doc(tmp_path / "d.json", doc))
    assert cli("--db", db, "checkin", uuid[:8], "95").code == 0
    engine = open_engine(db)
    try:
        kid = editing.save_key_result(engine, {"objective_id": "o-1", "title": "Rollbacks under 5 minutes",
                                               "kind": "milestone", "start": None, "target": None, "unit": "",
                                               "owner_id": None, "weight": 1})
    finally:
        engine.dispose()
    for ref in (kid, kid[:len("kr-rollbacks")]):
        assert cli("--db", db, "checkin", ref, "1").code == 0
        assert cli("--db", db, "history", ref).out.startswith(f"{kid}  Rollbacks under 5 minutes")
    with reading(open_engine(db)) as session:
        assert session.get(KeyResult, kid) is not None and session.get(Objective, "o-1") is not None


# --- point 9 ------------------------------------------------------------------------------------

def test_demo_with_an_existing_database_errors_before_drawing(demo_db):
    result = run_subprocess("--demo", "--db", str(demo_db), timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"okrtui: error: --demo goes only into an empty database; {demo_db} already holds OKRs "
        "(leave out --db for a fresh demo)"]


def test_reflections_appear_in_the_md_report_and_export(cli, demo_db):
    answer = "Check in weekly even when nothing moved."
    report = cli("--db", demo_db, "report", "--period", "2026-Q3", "--format", "md")
    assert report.code == 0
    assert "## Reflections — Alice Ng" in report.out and answer in report.out
    assert "What did you learn this quarter" in report.out
    export = cli("--db", demo_db, "export", "--format", "md")
    q3 = export.out[export.out.index("# OKRs 2026-Q3"):]
    assert answer in q3 and "## Reflections — Alice Ng" in q3
    assert "Reflections" not in cli("--db", demo_db, "report", "--period", "2026-Q4", "--format", "md").out


def test_fix_and_delete_take_a_prefix_of_the_check_in_id(cli, kr_db):
    assert cli("--db", kr_db, "checkin", "kr-deploys", "96").code == 0
    made = check_ins(kr_db)[-1].id  # a UUID: long to type
    assert f"  {made}  2026-11-26" in cli("--db", kr_db, "history", "kr-deploys").out
    fixed = cli("--db", kr_db, "checkin", "--fix", made[:6], "96.5")
    assert fixed.code == 0 and f"corrected check-in {made} " in fixed.out
    assert check_ins(kr_db)[-1].value == 96.5
    ambiguous = cli("--db", kr_db, "checkin", "--delete", "c-")
    assert ambiguous.code == 2 and "too short" not in ambiguous.err and "no check-in" in ambiguous.err
    assert cli("--db", kr_db, "checkin", "--delete", made[:6]).code == 0
    assert made not in [c.id for c in check_ins(kr_db)]


def test_the_review_rows_say_due_by_the_same_rule(demo_template):
    from okrtui.method.review import week_review
    from okrtui.method.views import round_of
    from okrtui.storage.sqlite import quickread

    read = quickread.read(demo_template, "2026-Q4", MONDAY)
    rows = week_review(read.report, MONDAY, MONDAY).rows
    assert rows and all(row.due for row in rows if row.objective.status == "active")  # nothing yet this week
    last_week = week_review(read.report, dt.date(2026, 11, 23), MONDAY).rows
    due_then = {kr.id for kr, due in round_of(read.report, read.me, dt.date(2026, 11, 29)) if due}
    assert {row.kr.id for row in last_week if row.due} >= due_then
    assert not any(row.due for row in last_week if row.kr.check_ins and row.kr.check_ins[-1].date >= dt.date(2026, 11, 23))
