"""okrtui import of CSV and XLSX spreadsheets (docs/import.md): round trip, errors by row and column,
rows as people write them, cells as data, limits; export --format xlsx and the template."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select

from okrtui.exchange import sheetread
from okrtui.exchange.sheetrows import COMPUTED
from okrtui.method.render import CSV_COLUMNS
from okrtui.storage.backend import open_engine
from okrtui.storage.model import CheckIn, KeyResult, Objective, Person
from tests.helpers import digest, write_doc

INPUTS = [c for c in CSV_COLUMNS if c not in COMPUTED]


def rows_of(db, model):
    engine = open_engine(db)
    try:
        with Session(engine) as s:
            return s.exec(select(model).where(model.deleted == False)).all()
    finally:
        engine.dispose()


def write_csv(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def inputs(csv_text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(csv_text)))
    keep = [i for i, h in enumerate(rows[0]) if h in INPUTS]
    return [[r[i] for i in keep] for r in rows]


# --- the round trip ----------------------------------------------------------------------------------

_titles = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp")),
                  min_size=1, max_size=20).filter(lambda t: t.strip())
_numbers = st.integers(-1000, 1000).map(float) | st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 3))


@st.composite
def documents(draw):
    objectives = []
    for i in range(draw(st.integers(1, 4))):
        krs = []
        for j in range(draw(st.integers(0, 3))):
            kind = draw(st.sampled_from(["increase", "decrease", "range", "milestone", "baseline"]))
            kr = {"id": f"kr-{i}-{j}", "title": draw(_titles), "kind": kind,
                  "unit": draw(st.sampled_from(["", "%", "users", "=x"])), "weight": draw(st.sampled_from([1, 2, 0.5])),
                  "owner": draw(st.sampled_from([None, "p-ana", "p-bo"]))}
            a, b = draw(_numbers), draw(_numbers)
            if kind == "increase":
                kr.update(start=min(a, b), target=max(a, b) + 1)
            elif kind == "decrease":
                kr.update(start=max(a, b) + 1, target=min(a, b))
            elif kind == "range":
                kr.update(low=min(a, b), high=max(a, b))
            elif kind == "baseline":
                kr["unit"] = "ms"
            krs.append(kr)
        objectives.append({
            "id": f"o-{i}", "title": draw(_titles), "period": draw(st.sampled_from(["2026-Q4", "2027-Q1"])),
            "level": draw(st.sampled_from(["company", "team", "personal"])),
            "status": draw(st.sampled_from(["draft", "active", "closed"])),
            "owner": draw(st.sampled_from([None, "p-ana"])), "key_results": krs})
    return {"format": "okrtui/1", "people": [{"id": "p-ana", "name": "Ana"}, {"id": "p-bo", "name": "Bo"}],
            "objectives": objectives}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents())
def test_export_csv_then_import_then_export_gives_the_same_input_columns(cli, tmp_path_factory, doc):
    tmp = tmp_path_factory.mktemp("rt")
    assert cli("--db", tmp / "a.db", "import", write_doc(tmp / "d.json", doc)).code == 0
    first = cli("--db", tmp / "a.db", "export", "--format", "csv").out
    result = cli("--db", tmp / "b.db", "import", write_csv(tmp / "e.csv", first))
    assert result.code == 0, result.err
    again = cli("--db", tmp / "b.db", "export", "--format", "csv").out
    assert inputs(again) == inputs(first)
    assert len(inputs(first)) > 1


def test_the_xlsx_export_reads_back_the_same(cli, tmp_path):
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-1", "title": "=HYPERLINK(\"http://x\")", "period": "2026-Q4",
                                                 "key_results": [{"id": "kr-1", "title": "@sum", "kind": "increase",
                                                                  "start": -5, "target": 10,
                                                                  "check_ins": [{"id": "c1", "date": "2026-11-02",
                                                                                 "value": 3, "note": "+1 win"}]}]}]}
    cli("--db", tmp_path / "a.db", "import", write_doc(tmp_path / "d.json", doc))
    assert cli("--db", tmp_path / "a.db", "export", "--format", "xlsx", "-o", tmp_path / "e.xlsx").code == 0
    wb = load_workbook(tmp_path / "e.xlsx")  # not read-only: the cell types are checked
    assert wb.sheetnames == ["okrs", "check_ins", "reflections"]
    title = wb["okrs"]["C2"]
    assert title.value == "=HYPERLINK(\"http://x\")" and title.data_type == "s"  # text, never a formula
    assert wb["check_ins"]["E2"].value == "+1 win"
    result = cli("--db", tmp_path / "b.db", "import", tmp_path / "e.xlsx")
    assert result.code == 0, result.err
    assert "formula" not in result.out  # text cells, not formulas
    assert inputs(cli("--db", tmp_path / "b.db", "export", "--format", "csv").out) == \
        inputs(cli("--db", tmp_path / "a.db", "export", "--format", "csv").out)
    [c] = rows_of(tmp_path / "b.db", CheckIn)
    assert (c.date, c.value, c.note) == (dt.date(2026, 11, 2), 3, "+1 win")


# --- errors, all at once, by row and column -------------------------------------------------------------

def test_every_problem_is_named_by_file_row_and_column_and_nothing_is_written(cli, tmp_path):
    db = tmp_path / "x.db"
    cli("--db", db, "import", write_doc(tmp_path / "p.json", {"format": "okrtui/1", "people": [
        {"id": "p-dana", "name": "Dana Okafor"}], "objectives": []}))
    before = digest(db)
    path = write_csv(tmp_path / "okrs.csv", "\n".join([
        "Period,Objective,Key Result,Owner,KR Owner,Start,Target,Kind",
        "2026-Q4,Grow,Users,Dana O.,,0,ten,increase",
        "2026-Q4,Grow,Churn,,,5,1,sideways",
        "2026-Q4,Ship,Launch,,Dana Okafr,,,",
        "2026-Q4,,,,,,,",
        "2026-Q4,Grow,Speed,,,3,3,",
    ]) + "\n")
    result = cli("--db", db, "import", path)
    assert result.code == 2
    lines = result.err.splitlines()
    assert lines[:-1] == [
        "okrs.csv:2:Owner: no person named 'Dana O.' (did you mean Dana Okafor?)",
        "okrs.csv:2:Target: expected a number, got 'ten'",
        "okrs.csv:3:Kind: expected one of increase, decrease, range, baseline, milestone, got 'sideways'",
        "okrs.csv:4:KR Owner: no person named 'Dana Okafr' (did you mean Dana Okafor?)",
        "okrs.csv:6:Kind: cannot tell the kind: start equals target (write the kind: increase, decrease, range, "
        "baseline or milestone)",
    ]
    assert lines[-1] == "okrtui: error: 5 problems; nothing was imported"
    assert digest(db) == before


def test_more_than_fifty_problems_show_fifty_then_a_count(cli, tmp_path):
    body = "".join(f"2026-Q4,O{i},K,x{i},1\n" for i in range(60))
    path = write_csv(tmp_path / "m.csv", "period,objective,key_result,start,target\n" + body)
    result = cli("--db", tmp_path / "x.db", "import", path)
    lines = result.err.splitlines()
    assert result.code == 2 and len(lines) == 52
    assert lines[0] == "m.csv:2:start: expected a number, got 'x0'"
    assert lines[50] == "… and 10 more problems"
    assert lines[51] == "okrtui: error: 60 problems; nothing was imported"


def test_the_imports_own_rules_are_named_at_their_row_and_column(cli, tmp_path):
    path = write_csv(tmp_path / "okrs.csv", "period,objective,key_result,start,target,parent\n"
                                           "2026-Q4,Grow,Users,0,10,\n"
                                           "2031-H9,Ship,Launch,,,\n")
    result = cli("--db", tmp_path / "x.db", "import", path)
    assert result.code == 2
    assert result.err.splitlines()[0] == ("okrs.csv:3:period: unknown period '2031-H9' "
                                          "(use YYYY-Qn or a periods entry)")
    assert not (tmp_path / "x.db").exists() or rows_of(tmp_path / "x.db", Objective) == []


def test_a_missing_required_column_and_a_sheet_with_no_header(cli, tmp_path):
    result = cli("--db", tmp_path / "x.db", "import", write_csv(tmp_path / "a.csv", "period,key_result\n2026-Q4,Users\n"))
    assert result.err.splitlines()[0] == "a.csv:1:objective: no such column (it is required)"
    result = cli("--db", tmp_path / "x.db", "import", write_csv(tmp_path / "b.csv", "a,b\n1,2\n"))
    assert result.code == 2
    assert result.err.splitlines()[0].startswith("b.csv:1:-: no header row: expected columns named like objective")


def test_rows_of_one_objective_that_disagree_are_named(cli, tmp_path):
    path = write_csv(tmp_path / "o.csv", "period,objective_id,objective,level\n"
                                         "2026-Q4,o-1,Grow,team\n2026-Q4,o-1,Grow,company\n")
    result = cli("--db", tmp_path / "x.db", "import", path)
    assert result.err.splitlines()[0] == "o.csv:3:level: differs from row 2 for the same objective ('team'), got 'company'"


# --- rows as people write them ------------------------------------------------------------------------

def test_owners_by_email_or_name_percentages_thousands_and_inferred_kinds(cli, tmp_path):
    db = tmp_path / "x.db"
    cli("--db", db, "import", write_doc(tmp_path / "p.json", {"format": "okrtui/1", "people": [
        {"id": "p-dana", "name": "Dana Okafor", "email": "dana@example.com"}], "objectives": []}))
    path = write_csv(tmp_path / "okrs.csv", "\n".join([
        "Period,Objective,Owner,Key Result,KR Owner,Start,Target,Low,High",
        "Q4 2026,Grow,DANA@example.com,Activation,dana okafor,31%,45%,,",
        ",Grow,,Revenue,Lee Chen,\"1,200\",\"3,400.5\",,",
        "Q4 2026,Grow,,Latency,lee@example.com,,,120,250",
        "Q4 2026,Grow,,Restore time,,90,30,,",
        "Q4 2026,Grow,,Tracing live,,,,,",
        "Q4 2026,Hire,,,,,,,",
    ]) + "\n")
    result = cli("--db", db, "import", path, today=dt.date(2026, 11, 26))
    assert result.code == 0, result.err
    out = result.out.splitlines()
    assert "kinds inferred for 5 key results: 1 decrease, 2 increase, 1 milestone, 1 range" in out
    assert "made 2 new people from the owners named: Lee Chen (lee-chen), lee (lee)" in out
    krs = {k.title: k for k in rows_of(db, KeyResult)}
    assert (krs["Activation"].start, krs["Activation"].target, krs["Activation"].owner_id) == (31, 45, "p-dana")
    assert (krs["Revenue"].start, krs["Revenue"].target, krs["Revenue"].kind) == (1200, 3400.5, "increase")
    assert (krs["Latency"].kind, krs["Latency"].low, krs["Latency"].high) == ("range", 120, 250)
    assert krs["Restore time"].kind == "decrease" and krs["Tracing live"].kind == "milestone"
    objectives = {o.title: o for o in rows_of(db, Objective)}
    assert set(objectives) == {"Grow", "Hire"}  # grouped by title within the period; the blank period row too
    assert objectives["Grow"].owner_id == "p-dana" and objectives["Grow"].period_id == "2026-Q4"
    assert {p.name for p in rows_of(db, Person)} >= {"Lee Chen", "lee"}
    # the same file again changes nothing: ids come from what names each row
    assert "0 created" in cli("--db", db, "import", path).out


def test_parent_by_title_and_a_blank_objective_cell_continues_the_row_above(cli, tmp_path):
    db = tmp_path / "x.db"
    path = write_csv(tmp_path / "h.csv", "period,objective,parent,key_result\n"
                                         "2026-Q4,Company wins,,\n"
                                         "2026-Q4,Team helps,Company wins,First\n"
                                         ",,,Second\n")
    assert cli("--db", db, "import", path).code == 0
    objectives = {o.title: o for o in rows_of(db, Objective)}
    assert objectives["Team helps"].parent_id == objectives["Company wins"].id
    assert {k.title: k.objective_id for k in rows_of(db, KeyResult)} == {
        "First": objectives["Team helps"].id, "Second": objectives["Team helps"].id}


def test_dates_iso_excel_serials_and_day_or_month_first(cli, tmp_path):
    db = tmp_path / "x.db"
    okrs = write_csv(tmp_path / "okrs.csv", "period,objective,kr_id,key_result,start,target\n"
                                            "2026-Q4,Grow,kr-a,Users,0,10\n")
    checks = write_csv(tmp_path / "c.csv", "kr_id,date,value,confidence,note\n"
                                           "kr-a,2026-10-05,1,70%,iso\n"
                                           "kr-a,46301,2,0.5,serial\n"
                                           "kr-a,03/11/2026,3,,slashed\n")
    result = cli("--db", db, "import", okrs, "--check-ins", checks)
    assert result.code == 2
    assert result.err.splitlines()[0] == ("c.csv:4:date: ambiguous date '03/11/2026': day/month or month/day? "
                                          "(use --dayfirst or --monthfirst)")
    assert cli("--db", db, "import", okrs, "--check-ins", checks, "--dayfirst").code == 0
    got = {c.note: (c.date, c.confidence) for c in rows_of(db, CheckIn)}
    assert got == {"iso": (dt.date(2026, 10, 5), 0.7), "serial": (dt.date(2026, 10, 6), 0.5),
                   "slashed": (dt.date(2026, 11, 3), None)}
    db2 = tmp_path / "y.db"
    assert cli("--db", db2, "import", okrs, "--check-ins", checks, "--monthfirst").code == 0
    assert {c.note: c.date for c in rows_of(db2, CheckIn)}["slashed"] == dt.date(2026, 3, 11)


def test_a_workbook_with_a_merged_title_row_a_blank_row_date_cells_and_a_check_ins_sheet(cli, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws["A1"] = "Q4 plan"
    ws.merge_cells("A1:F1")  # a merged title row above the headers
    ws.append(["Period", "Objective", "KR ID", "Key Result", "Start", "Target"])
    ws.merge_cells("G2:H2")  # merged header cells with no field under them
    ws.append(["2026-Q4", "Grow", "kr-a", "Users", 0, 10])
    ws.append([])  # a blank row
    ws.append(["2026-Q4", "Grow", "kr-b", "Revenue", "=1+1", 10])
    ws.append(["2026-Q4", "Ship", "kr-c", "=HYPERLINK(\"http://x\",\"Launch\")", None, None])
    checks = wb.create_sheet("check_ins")
    checks.append(["kr_id", "date", "value"])
    checks.append(["kr-a", dt.datetime(2026, 10, 5), 4])
    path = tmp_path / "sheet1.xlsx"
    wb.save(path)
    result = cli("--db", tmp_path / "x.db", "import", path)
    assert result.code == 2
    assert result.err.splitlines()[0] == "sheet1.xlsx:5:Start: expected a number, got '=1+1'"  # never evaluated
    ws["E5"] = 1
    wb.save(path)
    result = cli("--db", tmp_path / "x.db", "import", path)
    assert result.code == 0, result.err
    assert "sheet1.xlsx: 1 formula cell read as their formula text, not the values Excel cached" in result.out
    krs = {k.id: k for k in rows_of(tmp_path / "x.db", KeyResult)}
    assert krs["kr-c"].title == "=HYPERLINK(\"http://x\",\"Launch\")" and krs["kr-c"].kind == "milestone"
    [c] = rows_of(tmp_path / "x.db", CheckIn)
    assert (c.kr_id, c.date, c.value) == ("kr-a", dt.date(2026, 10, 5), 4)
    assert cli("--db", tmp_path / "y.db", "import", path, "--sheet", "Nope").err.strip() == (
        "okrtui: error: sheet1.xlsx has no sheet 'Nope' (it has Plan, check_ins)")


def test_a_map_names_another_tools_headers_values_and_date_format(cli, tmp_path):
    (tmp_path / "m.toml").write_text('date_format = "%d.%m.%Y"\n[columns]\nobjective = "Goal"\n'
                                     'key_result = "Key Result Title"\nstatus = "State"\nkr_id = "Ref"\n'
                                     '[values.status]\n"On Track" = "active"\n"Not Started" = "draft"\n')
    okrs = write_csv(tmp_path / "v.csv", "Goal,State,Ref,Key Result Title,Start,Target\n"
                                         "Grow,On Track,k1,Users,0,5\nShip,Not Started,,,,\n")
    checks = write_csv(tmp_path / "c.csv", "kr_id,date,value\nk1,05.10.2026,2\n")
    result = cli("--db", tmp_path / "x.db", "import", okrs, "--map", tmp_path / "m.toml", "--check-ins", checks)
    assert result.code == 0, result.err
    assert {o.title: o.status for o in rows_of(tmp_path / "x.db", Objective)} == {"Grow": "active", "Ship": "draft"}
    assert [c.date for c in rows_of(tmp_path / "x.db", CheckIn)] == [dt.date(2026, 10, 5)]
    (tmp_path / "bad.toml").write_text('[columns]\ntitel = "Goal"\n')
    bad = cli("--db", tmp_path / "x.db", "import", okrs, "--map", tmp_path / "bad.toml")
    assert bad.code == 2 and bad.err.startswith("okrtui: error: bad.toml: unknown field 'titel'")


# --- cells are data: encodings, formats, limits ------------------------------------------------------------

@pytest.mark.parametrize("encoding,prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b"")])
def test_utf8_with_or_without_a_bom_and_utf16(cli, tmp_path, encoding, prefix):
    text = "period\tobjective\tkey_result\n2026-Q4\tCafé ☕\tÜber\n" if encoding == "utf-16" else \
        "period,objective,key_result\n2026-Q4,Café ☕,Über\n"
    path = tmp_path / "u.csv"
    path.write_bytes(prefix + text.encode(encoding))
    assert cli("--db", tmp_path / "x.db", "import", path).code == 0
    assert [o.title for o in rows_of(tmp_path / "x.db", Objective)] == ["Café ☕"]


def test_cp1252_only_when_named_and_an_undecodable_byte_is_named_by_row(cli, tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes(("period,objective\n" + "2026-Q4,Plain\n" * 5 + "2026-Q4,It’s done\n").encode("cp1252"))
    result = cli("--db", tmp_path / "x.db", "import", path)
    assert result.code == 2
    assert result.err.strip() == "okrtui: error: w.csv: row 7: byte 0x92 is not UTF-8; try --encoding cp1252"
    assert not (tmp_path / "x.db").exists()
    assert cli("--db", tmp_path / "x.db", "import", path, "--encoding", "cp1252").code == 0
    assert "It’s done" in {o.title for o in rows_of(tmp_path / "x.db", Objective)}
    assert cli("--db", tmp_path / "x.db", "import", path, "--encoding", "klingon").err.strip() == (
        "okrtui: error: unknown encoding 'klingon' (e.g. utf-8, utf-16, cp1252)")


def test_other_spreadsheet_formats_are_refused_naming_what_to_export(cli, tmp_path):
    xls = tmp_path / "old.xls"
    xls.write_bytes(sheetread.OLE_MAGIC + b"\0" * 100)
    assert "Excel 97-2003 (.xls)" in cli("--db", tmp_path / "x.db", "import", xls).err
    ods = tmp_path / "a.ods"
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    err = cli("--db", tmp_path / "x.db", "import", ods).err
    assert "OpenDocument spreadsheet (.ods)" in err and "as .xlsx (Excel Workbook) or CSV UTF-8" in err
    numbers = tmp_path / "b.numbers"
    with zipfile.ZipFile(numbers, "w") as zf:
        zf.writestr("Index/Document.iwa", b"x")
    assert "Apple Numbers document: in Numbers, File > Export To > Excel or CSV" in \
        cli("--db", tmp_path / "x.db", "import", numbers).err
    assert not (tmp_path / "x.db").exists()


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(cli, tmp_path, monkeypatch):
    import openpyxl

    def never(*a, **k):
        raise AssertionError("openpyxl opened the bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (50 * 2**20))
    result = cli("--db", tmp_path / "x.db", "import", path)
    assert result.code == 2
    assert result.err.startswith("okrtui: error: bomb.xlsx looks like a zip bomb: xl/worksheets/sheet1.xml unpacks")
    assert len(result.err.splitlines()) == 1


def test_a_100_mb_sheet_and_too_many_rows_are_refused_in_one_line(cli, tmp_path, monkeypatch):
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.write(b"period,objective\n")
        f.truncate(sheetread.MAX_BYTES + 1)  # sparse: refused by its size, never read
    result = cli("--db", tmp_path / "x.db", "import", big)
    assert result.err.strip() == "okrtui: error: big.csv is 100 MiB; a sheet may be at most 100 MiB"
    monkeypatch.setattr(sheetread, "MAX_ROWS", 10)
    many = write_csv(tmp_path / "many.csv", "period,objective\n" + "2026-Q4,O\n" * 20)
    assert cli("--db", tmp_path / "x.db", "import", many).err.strip() == (
        "okrtui: error: many.csv has more than 10 rows; split it into smaller files")
    wb = Workbook()
    for i in range(200):
        wb.active.append(["2026-Q4", f"O{i}"])
    wb.save(tmp_path / "many.xlsx")
    assert cli("--db", tmp_path / "x.db", "import", tmp_path / "many.xlsx").err.strip() == (
        "okrtui: error: many.xlsx has 200 rows; a sheet may have at most 10")
    assert not (tmp_path / "x.db").exists()


# --- the template and flags ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_imports_as_it_is(cli, tmp_path, fmt):
    out = tmp_path / f"t.{fmt}"
    assert cli("--db", tmp_path / "x.db", "template", "--format", fmt, "-o", out).code == 0
    if fmt == "csv":
        notes = (tmp_path / "t-notes.csv").read_text()
        assert "objective_owner,\"a person's id, email or name" in notes
    else:
        assert load_workbook(out).sheetnames == ["okrs", "check_ins", "notes"]
    assert cli("--db", tmp_path / "x.db", "import", out).code == 0
    [o] = rows_of(tmp_path / "x.db", Objective)
    assert o.title == "Make onboarding effortless" and o.period_id == "2026-Q4"
    assert len(rows_of(tmp_path / "x.db", KeyResult)) == 2


def test_sheet_flags_on_a_json_document_are_one_error(cli, tmp_path):
    path = write_doc(tmp_path / "d.json", {"format": "okrtui/1", "objectives": []})
    result = cli("--db", tmp_path / "x.db", "import", path, "--dayfirst")
    assert result.code == 2
    assert result.err.strip() == "okrtui: error: --dayfirst is for a CSV or XLSX file; d.json is an okrtui/1 JSON document"


def test_the_schemas_rules_are_named_on_every_row_beside_bad_cells_and_the_imports_own_errors(cli, tmp_path):
    def problems(name, *rows):
        path = write_csv(tmp_path / name, "period,objective,key_result,start,target,weight\n" + "".join(rows))
        return cli("--db", tmp_path / "x.db", "import", path).err.splitlines()

    assert problems("s.csv", f"2026-Q4,{'x' * 600},K,0,10,1\n", "2026-Q4,Fine,K,0,ten,1\n", "2026-Q4,Fine,L,0,10,-2\n") == [
        "s.csv:2:objective: is 600 characters long; at most 500 are allowed",
        "s.csv:3:target: expected a number, got 'ten'",
        "s.csv:4:weight: expected a number from 0 to 1e+06, got -2",
        "okrtui: error: 3 problems; nothing was imported"]
    assert problems("r.csv", "2031-H9,Ship,K,0,10,1\n", "2026-Q4,Fine,L,0,10,-2\n") == [
        "r.csv:2:period: unknown period '2031-H9' (use YYYY-Qn or a periods entry)",
        "r.csv:3:weight: expected a number from 0 to 1e+06, got -2",
        "okrtui: error: 2 problems; nothing was imported"]


def test_the_maps_docs_import_md_ships_read_files_with_their_tools_documented_headers(cli, tmp_path):
    maps = Path(__file__).resolve().parents[2] / "docs" / "maps"
    db = tmp_path / "x.db"
    cues = write_csv(tmp_path / "cues.csv", "Objective Title,Owner_Email_ID,Start_Date,Due_Date,Description,"
                                            "Metric_Name,Metric_Type,Metric_Start_Value,Metric_Target_Value\n"
                                            "Grow,ana@example.com,2026-10-01,2026-12-31,More,Users,Percentage,10,40\n")
    result = cli("--db", db, "import", cues, "--map", maps / "peoplecues.toml")
    assert result.code == 0, result.err
    [kr] = rows_of(db, KeyResult)
    assert (kr.title, kr.unit, kr.start, kr.target, kr.kind) == ("Users", "%", 10, 40, "increase")
    box = write_csv(tmp_path / "box.csv", "Row ID,Parent Row IDs,Goal ID,Action,Goal Title,Owner Emails,Scope\n"
                                          "pb-1,,,,Company goal,ana@example.com,Company\n"
                                          "pb-2,pb-1,,,Team goal,ana@example.com,Department\n")
    result = cli("--db", db, "import", box, "--map", maps / "peoplebox.toml")
    assert result.code == 0, result.err
    objectives = {o.id: o for o in rows_of(db, Objective)}
    assert objectives["pb-2"].parent_id == "pb-1" and objectives["pb-2"].level == "team"
    assert objectives["pb-1"].owner_id == objectives["pb-2"].owner_id


def test_a_semicolon_csv_and_an_xlsx_export_without_a_file(cli, tmp_path):
    path = write_csv(tmp_path / "eu.csv", "period;objective;key_result;start;target\n2026-Q4;Grow;Users;\"1,200\";2000\n")
    assert cli("--db", tmp_path / "x.db", "import", path).code == 0
    assert [k.start for k in rows_of(tmp_path / "x.db", KeyResult)] == [1200]
    result = cli("--db", tmp_path / "x.db", "export", "--format", "xlsx")
    assert result.code == 2 and result.out == ""
    assert result.err.strip() == "okrtui: error: a workbook is written to a file: give -o FILE.xlsx"


def test_rows_are_numbered_as_the_spreadsheet_shows_them_when_a_cell_holds_line_breaks(cli, tmp_path):
    path = write_csv(tmp_path / "n.csv", 'period,objective,description,key_result,start,target\n'
                                         '2026-Q4,Grow,"line one\nline two\nline three",Users,0,10\n'
                                         '2026-Q4,Ship,,Launch,0,many\n')
    assert cli("--db", tmp_path / "x.db", "import", path).err.splitlines()[0] == (
        "n.csv:3:target: expected a number, got 'many'")


def test_a_number_too_large_for_a_float_is_named(cli, tmp_path):
    path = write_csv(tmp_path / "big.csv", "period,objective,key_result,start,target\n2026-Q4,Grow,Users,0,1e400\n")
    assert cli("--db", tmp_path / "x.db", "import", path).err.splitlines()[0] == (
        "big.csv:2:target: expected a finite number, got '1e400'")


def test_the_kind_of_file_is_told_by_its_content_first(cli, tmp_path):
    out = tmp_path / "plan.json"  # a workbook, whatever its name
    assert cli("--db", tmp_path / "x.db", "template", "--format", "xlsx", "-o", out).code == 0
    assert cli("--db", tmp_path / "x.db", "import", out).code == 0
    named = write_csv(tmp_path / "okrs.txt", "period,objective\n2026-Q4,Grow\n")  # text, no JSON in sight: CSV
    assert cli("--db", tmp_path / "x.db", "import", named).code == 0
    assert {o.title for o in rows_of(tmp_path / "x.db", Objective)} == {"Make onboarding effortless", "Grow"}
    empty = write_csv(tmp_path / "e.csv", "\n\n")
    assert cli("--db", tmp_path / "x.db", "import", empty).err.strip() == "okrtui: error: e.csv is empty"


def test_every_bad_check_in_row_is_named_with_the_rows_problems(cli, tmp_path):
    okrs = write_csv(tmp_path / "okrs.csv", "period,objective,kr_id,key_result,start,target\n2026-Q4,Grow,kr-a,Users,0,10\n")
    checks = write_csv(tmp_path / "c.csv", "kr_id,date,value,confidence\n"
                                           "kr-a,2026-10-05,1,2\n"
                                           "kr-a,2026-02-30,1,\n"
                                           "kr-zz,2026-10-05,1,\n"
                                           "kr-a,2026-10-06,1,0.5\n")
    result = cli("--db", tmp_path / "x.db", "import", okrs, "--check-ins", checks)
    assert result.err.splitlines() == [
        "c.csv:2:confidence: expected a number from 0 to 1, got 2",
        "c.csv:3:date: no such day, got '2026-02-30'",
        "c.csv:4:kr_id: no key result with this id in the file, got 'kr-zz'",
        "okrtui: error: 3 problems; nothing was imported"]
