import csv
import io
import json
import re

import pytest

from tests.helpers import NO_TEXTUAL, run_subprocess, write_doc


def kinds_doc() -> dict:
    """One KR of each kind (and the spec's worked cases) with known check-ins in 2026-Q4."""

    def ci(i, date, value, conf=None):
        return {"id": f"c-{i}", "date": date, "value": value, "confidence": conf}

    return {
        "format": "okrtui/1",
        "people": [{"id": "p-kim", "name": "Kim"}],
        "objectives": [
            {"id": "o-a", "title": "Ship what users ask for", "period": "2026-Q4", "owner": "p-kim", "level": "team",
             "key_results": [
                 {"id": "kr-features", "title": "Features launched from 0 to 6", "kind": "increase", "start": 0,
                  "target": 6, "weight": 1,
                  "check_ins": [ci("f1", "2026-10-05", 1, 0.5), ci("f2", "2026-11-02", 3, 0.6),
                                ci("f0", "2026-09-30", 6)]},   # before the period: ignored
                 {"id": "kr-protos", "title": "Prototypes built from 0 to 10", "kind": "increase", "start": 0,
                  "target": 10, "weight": 3, "check_ins": [ci("p1", "2026-11-20", 7, 0.8)]},
             ]},
            {"id": "o-b", "title": "Pay suppliers on time", "period": "2026-Q4",
             "key_results": [
                 {"id": "kr-invoice", "title": "Invoice processing from 5 weeks to 2", "kind": "decrease",
                  "start": 5, "target": 2, "check_ins": [ci("i1", "2026-10-10", 4), ci("i2", "2026-11-25", 3, 0.7)]},
                 {"id": "kr-latency", "title": "p95 latency within 10..20", "kind": "range", "low": 10, "high": 20,
                  "check_ins": [ci("l1", "2026-10-05", 15), ci("l2", "2026-10-12", 25), ci("l3", "2026-10-19", 12),
                                ci("l4", "2026-11-24", 19)]},
                 {"id": "kr-base", "title": "Measure support load", "kind": "baseline", "unit": "tickets",
                  "check_ins": [ci("b1", "2026-11-23", 41)]},
                 {"id": "kr-done", "title": "Supplier portal live", "kind": "milestone",
                  "check_ins": [ci("m1", "2026-10-05", 0), ci("m2", "2026-11-23", 1)]},
                 {"id": "kr-undone", "title": "Contract signed", "kind": "milestone",
                  "check_ins": [ci("u1", "2026-10-05", 1), ci("u2", "2026-11-23", 0)]},
                 {"id": "kr-past", "title": "Suppliers onboarded from 0 to 10", "kind": "increase", "start": 0,
                  "target": 10, "check_ins": [ci("x1", "2026-11-23", 12)]},
                 {"id": "kr-below", "title": "Score from 10 to 20", "kind": "increase", "start": 10, "target": 20,
                  "check_ins": [ci("y1", "2026-11-23", 4)]},
                 {"id": "kr-scored", "title": "Audit passed from 0 to 1", "kind": "increase", "start": 0,
                  "target": 1, "self_score": 0.65, "check_ins": [ci("s1", "2026-11-23", 0.2)]},
                 {"id": "kr-zero", "title": "Ignored weight", "kind": "baseline", "unit": "x", "weight": 0},
             ]},
            {"id": "o-empty", "title": "Explore later", "period": "2026-Q4", "key_results": []},
        ],
    }


@pytest.fixture
def kinds_db(cli, db, tmp_path):
    assert cli("--db", db, "import", write_doc(tmp_path / "kinds.json", kinds_doc())).code == 0
    return db


def test_report_json_gives_the_spec_numbers(cli, kinds_db):
    result = cli("report", "--db", kinds_db, "--format", "json", "--as-of", "2026-11-26", "--period", "2026-Q4")
    assert result.code == 0, result.err
    rep = result.json()
    assert (rep["format"], rep["period"], rep["as_of"]) == ("okrtui-report/1", "2026-Q4", "2026-11-26")
    objs = {o["id"]: o for o in rep["objectives"]}
    krs = {k["id"]: k for o in rep["objectives"] for k in o["key_results"]}
    exp = 56 / 91  # 2026-10-01 → 2026-11-26 over 2026-10-01 → 2026-12-31

    f = krs["kr-features"]
    assert f["current"] == 3 and f["progress"] == pytest.approx(0.5, abs=1e-4)
    assert f["expected"] == pytest.approx(exp, abs=1e-4)
    assert f["pace"] == "at risk"                      # 0.5 < 0.615 − 0.10, ≥ 0.615 − 0.25
    # line through (4, 1/6) and (32, 1/2) read on day 91 = 1.202 → clamped
    assert f["forecast"] == 1.0
    assert f["last_check_in"] == "2026-11-02" and f["stale"] is True and f["confidence"] == 0.6
    assert (f["grade"], f["band"]) == (0.5, "yellow")

    p = krs["kr-protos"]
    assert p["progress"] == pytest.approx(0.7, abs=1e-4) and p["pace"] == "on track"
    assert p["forecast"] is None and p["stale"] is False and (p["grade"], p["band"]) == (0.7, "green")

    i = krs["kr-invoice"]
    assert i["progress"] == pytest.approx(2 / 3, abs=1e-4) and i["pace"] == "on track"
    # line through (9, 1/3) and (55, 2/3) read on day 91
    assert i["forecast"] == pytest.approx(2 / 3 + (1 / 3) / 46 * 36, abs=1e-4)
    assert i["grade"] == 0.7

    assert krs["kr-latency"]["progress"] == pytest.approx(0.75, abs=1e-4)
    assert krs["kr-latency"]["pace"] is None and krs["kr-latency"]["forecast"] is None
    assert krs["kr-base"]["progress"] == 1.0 and krs["kr-base"]["current"] == 41
    assert krs["kr-done"]["progress"] == 1.0
    assert krs["kr-undone"]["progress"] == 0.0
    assert krs["kr-past"]["progress"] == 1.0
    assert krs["kr-below"]["progress"] == 0.0 and krs["kr-below"]["pace"] == "behind"
    s = krs["kr-scored"]
    assert s["progress"] == pytest.approx(0.2, abs=1e-4) and s["score"] == pytest.approx(0.65, abs=1e-4)
    assert (s["grade"], s["band"]) == (0.7, "green")
    assert krs["kr-zero"]["progress"] == 0.0

    # o-a: (1·0.5 + 3·0.7) / 4 = 0.65 → 0.7 green
    assert objs["o-a"]["score"] == pytest.approx(0.65, abs=1e-4)
    assert (objs["o-a"]["grade"], objs["o-a"]["band"]) == (0.7, "green")
    # o-b: mean of the nine KRs with weight > 0
    scores = [2 / 3, 0.75, 1, 1, 0, 1, 0, 0.65]
    assert objs["o-b"]["score"] == pytest.approx(sum(scores) / 8, abs=1e-4)
    assert objs["o-empty"]["score"] is None and objs["o-empty"]["grade"] is None
    assert objs["o-empty"]["band"] is None


def test_checkin_by_prefix_then_report_shows_it(cli, kinds_db):
    result = cli("--db", kinds_db, "checkin", "kr-prot", "9", "--confidence", "0.8", "--note", "two more",
                 "--date", "2026-11-25")
    assert result.code == 0, result.err
    assert "kr-protos" in result.out and "0.90" in result.out
    rep = cli("--db", kinds_db, "report", "--format", "json", "--period", "2026-Q4", "--as-of", "2026-11-26").json()
    k = {k["id"]: k for o in rep["objectives"] for k in o["key_results"]}["kr-protos"]
    assert (k["current"], k["progress"], k["confidence"], k["last_check_in"]) == (9, 0.9, 0.8, "2026-11-25")


@pytest.mark.parametrize(
    "args, phrase",
    [
        (["kr-nothing", "1"], "no key result matches"),
        (["kr-p", "1"], "ambiguous"),              # kr-past, kr-protos
        (["kr", "1"], "at least 4 characters"),
        (["kr-protos", "many"], "expected a number"),
        (["kr-protos", "nan"], "finite"),
        (["kr-protos", "1", "--confidence", "1.5"], "from 0 to 1"),
        (["kr-protos", "1", "--date", "2026-02-30"], "expected a date"),
        (["kr-protos", "1", "--date", "2026-09-30"], "outside"),
        (["kr-protos", "1", "--date", "2026-12-01"], "after today"),
        (["kr-protos"], "required"),
    ],
)
def test_checkin_bad_input_is_one_line_exit_2_nothing_written(cli, kinds_db, args, phrase):
    from tests.helpers import digest

    before = digest(kinds_db)
    result = cli("--db", kinds_db, "checkin", *args)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("okrtui: error:") and phrase in lines[0]
    assert digest(kinds_db) == before


def test_ambiguous_prefix_lists_the_candidates(cli, kinds_db):
    err = cli("--db", kinds_db, "checkin", "kr-p", "1").err
    assert "kr-past" in err and "kr-protos" in err


def test_checkin_refuses_a_teammates_kr(cli, demo_db):
    result = cli("--db", demo_db, "checkin", "kr-activation", "40")
    assert result.code == 2 and "Chen Wei answers for it" in result.err


def test_report_text_md_csv(cli, kinds_db):
    text = cli("--db", kinds_db, "report", "--period", "2026-Q4", "--as-of", "2026-11-26")
    assert text.code == 0 and "Ship what users ask for" in text.out and "at risk" in text.out
    md = cli("--db", kinds_db, "report", "--period", "2026-Q4", "--format", "md").out
    assert md.startswith("# OKRs 2026-Q4") and "| Key result |" in md
    rows = list(csv.reader(io.StringIO(cli("--db", kinds_db, "report", "--period", "2026-Q4", "--format", "csv").out)))
    assert rows[0][0] == "period" and len(rows) == 1 + 2 + 9 + 1


def test_report_local_versus_team(cli, demo_db):
    local = cli("--db", demo_db, "report", "--format", "json", "--as-of", "2026-11-26").json()
    team = cli("--db", demo_db, "report", "--format", "json", "--as-of", "2026-11-26", "--team").json()
    assert {o["owner"] for o in local["objectives"]} == {"p-alice"}
    assert len(team["objectives"]) > len(local["objectives"])


def test_unknown_period(cli, kinds_db):
    result = cli("--db", kinds_db, "report", "--period", "someday")
    assert result.code == 2 and "unknown period" in result.err


def test_untrusted_text_is_shown_literally(cli, db, tmp_path):
    doc = {"format": "okrtui/1", "objectives": [
        {"id": "o-x", "title": "[bold red]pwned[/] \x1b[31mred\x1b[0m", "period": "2026-Q4",
         "key_results": [{"id": "kr-x", "title": "=HYPERLINK(\"http://evil\")", "kind": "milestone"}]}]}
    cli("--db", db, "import", write_doc(tmp_path / "x.json", doc))
    for fmt in ("text", "md", "csv"):
        out = cli("--db", db, "report", "--period", "2026-Q4", "--format", fmt).out
        assert "\x1b" not in out
        assert "[bold red]pwned[/]" in out and "\\x1b[31m" in out
    csv_out = cli("--db", db, "report", "--period", "2026-Q4", "--format", "csv").out
    assert "'=HYPERLINK" in csv_out
    exported = cli("--db", db, "export", "--format", "csv").out
    assert "'=HYPERLINK" in exported


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_that_would_run_as_formulas_are_neutralised(cli, db, tmp_path, start):
    doc = {"format": "okrtui/1", "objectives": [
        {"id": "o-f", "title": f"{start}SUM(A1:A9)", "period": "2026-Q4",
         "key_results": [{"id": "kr-f", "title": "Revenue", "kind": "increase", "start": -5, "target": 10}]}]}
    cli("--db", db, "import", write_doc(tmp_path / "f.json", doc))
    rows = list(csv.reader(io.StringIO(cli("--db", db, "export", "--format", "csv").out)))
    header, row = rows[0], rows[1]
    assert row[header.index("objective")] == f"'{start}SUM(A1:A9)"
    assert row[header.index("start")] == "-5"  # numbers stay numbers


def test_export_formats_and_output_file(cli, kinds_db, tmp_path):
    out = tmp_path / "out.json"
    assert cli("--db", kinds_db, "export", "-o", out).code == 0
    doc = json.loads(out.read_text())
    assert doc["format"] == "okrtui/1" and len(doc["objectives"]) == 3
    assert "Ship what users ask for" in cli("--db", kinds_db, "export", "--format", "md").out
    assert cli("--db", kinds_db, "export", "--period", "2026-Q3").json()["objectives"] == []
    assert cli("--db", kinds_db, "export", "--period", "nope").code == 2


def test_whoami_shows_and_sets(cli, db):
    me = re.search(r"\((p-tester-[a-z2-9]{6})\)", cli("--db", db, "whoami").out).group(1)
    out = cli("--db", db, "whoami", "--name", "Kim Park", "--email", "kim@example.com").out
    assert out.splitlines()[-1] == f"Kim Park <kim@example.com> ({me})"
    shown = cli("--db", db, "whoami").out.splitlines()
    assert shown[-1] == f"Kim Park <kim@example.com> ({me})"
    assert re.fullmatch(r"key [A-Z2-7]{4}(-[A-Z2-7]{4}){3}", shown[0])  # the key's fingerprint (docs/team.md)


def test_db_option_before_or_after_the_command(cli, kinds_db):
    assert cli("--db", kinds_db, "report", "--period", "2026-Q4").code == 0
    assert cli("report", "--period", "2026-Q4", "--db", kinds_db).code == 0


@pytest.mark.parametrize("args", [["frobnicate"], ["report", "--format", "xml"], ["report", "--bogus"],
                                  ["checkin"], ["import"]])
def test_bad_usage_is_one_error_line(cli, args):
    result = cli(*args)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("okrtui: error:")


def test_bad_config_is_one_error_line(cli, db, tmp_path, monkeypatch):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("stale_after_days = 'soon'\n")
    monkeypatch.setenv("OKRTUI_CONFIG", str(cfg))
    result = cli("--db", db, "report")
    assert result.code == 2 and "stale_after_days" in result.err


def test_db_is_a_directory(cli, tmp_path):
    result = cli("--db", tmp_path, "report")
    assert result.code == 2 and "directory" in result.err




@pytest.mark.parametrize("args", [["--help"], ["report"], ["checkin", "kr-protos", "8"], ["lint"], ["whoami"],
                                  ["export"], ["export", "--format", "md"], ["import", "/nonexistent.json"],
                                  ["sync", "/tmp/okrtui-test-team.jsonl"], ["merge-driver", "/a", "/b", "/c"],
                                  ["history", "kr-protos"], ["checkin", "--delete", "c-p1"], ["due"]])
def test_light_commands_never_import_textual(kinds_db, args):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", NO_TEXTUAL, "--db", str(kinds_db), *args],
                          capture_output=True, text=True, timeout=60)
    assert "IMPORTED []" in proc.stderr, proc.stderr


def test_python_dash_m_entry_point(kinds_db):
    proc = run_subprocess("--db", str(kinds_db), "report", "--period", "2026-Q4", "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["period"] == "2026-Q4"


def test_team_add_edit_list_and_only_the_maker_edits(cli, tmp_path):
    a, b, team = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "team.jsonl"
    assert cli("--db", a, "team", "add", "t-sre", "--name", "SRE", "--mission", "Keep the lights on").code == 0
    assert cli("--db", a, "team", "edit", "t-sre", "--vision", "Nobody gets paged").code == 0
    listed = cli("--db", a, "team", "list").out
    first, *rest = listed.splitlines()
    assert first.startswith("t-sre  SRE  (no approval; lead ")
    assert rest == ["    mission: Keep the lights on", "    vision: Nobody gets paged"]
    assert "exists already" in cli("--db", a, "team", "add", "t-sre", "--name", "x").err
    assert "no team 't-nope'" in cli("--db", a, "team", "edit", "t-nope", "--name", "x").err
    assert "is 201 characters long" in cli("--db", a, "team", "add", "t-2", "--name", "n" * 201).err
    for db in (a, b):  # teams sync like every other record
        cli("--db", db, "sync", team)
    assert cli("--db", b, "team", "list").out == listed
    refused = cli("--db", b, "team", "edit", "t-sre", "--name", "Mine now")
    assert refused.code == 2 and "only they can change it" in refused.err
    assert cli("--db", tmp_path / "none.db", "team", "list").err.startswith("okrtui: error: no database at")


def test_a_negative_value_with_an_exponent_is_a_value_not_an_option(cli, tmp_path):
    """`okrtui checkin KR -1e3` (a decrease KR far below zero) is read as -1000, as -1000 is."""
    db = tmp_path / "neg.db"
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-n", "title": "Cut the deficit", "period": "2026-Q4",
                                                 "key_results": [{"id": "kr-n", "title": "Net from -5000 to 0",
                                                                  "kind": "increase", "start": -5000, "target": 0}]}]}
    assert cli("--db", db, "import", write_doc(tmp_path / "neg.json", doc)).code == 0
    for text, shown in (("-1e3", "-1000"), ("-1.5E2", "-150"), ("-.5e1", "-5")):
        result = cli("--db", db, "checkin", "kr-n", text)
        assert result.code == 0 and f": {shown} → progress" in result.out, result.err
    assert cli("--db", db, "checkin", "kr-n", "--bogus").code == 2


def test_prefixes_are_case_sensitive_on_sqlite_as_on_postgresql(cli, tmp_path):
    """SQLite's LIKE ignores ASCII case, PostgreSQL's does not: a prefix names the same record on both."""
    db = tmp_path / "case.db"
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-case", "title": "Case", "period": "2026-Q4",
                                                 "key_results": [{"id": "kr-lower", "title": "Lower", "kind": "increase",
                                                                  "start": 0, "target": 10, "check_ins": [
                                                                      {"id": "c-lower-1", "date": "2026-11-20",
                                                                       "value": 1}]}]}]}
    assert cli("--db", db, "import", write_doc(tmp_path / "case.json", doc)).code == 0
    assert cli("--db", db, "checkin", "KR-LOW", "2").code == 2
    assert cli("--db", f"sqlite:///{db}", "checkin", "KR-LOW", "2").code == 2  # the ORM path too
    assert cli("--db", db, "checkin", "--fix", "C-LOWER", "3").code == 2
    assert cli("--db", db, "checkin", "--fix", "c-lower", "3").code == 0
    assert cli("--db", db, "checkin", "kr-low", "2").code == 0


def test_a_terminal_that_is_not_utf8_gets_the_page_in_utf8_and_reports_with_escapes(demo_db, tmp_path):
    """A real process with PYTHONIOENCODING=ascii: the page it prints is the very UTF-8 a file gets from -o
    (the page says UTF-8 in its <meta charset>), and the Markdown report comes out with escapes for what
    the stream cannot encode, not as `unexpected UnicodeEncodeError` and nothing."""
    ascii_out = {"PYTHONIOENCODING": "ascii"}
    day = ["--period", "2026-Q4", "--as-of", "2026-11-26"]
    page = tmp_path / "page.html"
    written = run_subprocess("--db", str(demo_db), "export", "--format", "html", *day, "-o", str(page), env=ascii_out,
                             timeout=120)
    assert written.returncode == 0, written.stderr
    printed = run_subprocess("--db", str(demo_db), "export", "--format", "html", *day, env=ascii_out, timeout=120,
                             text=False)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == page.read_bytes() and not printed.stdout.isascii()
    md = run_subprocess("--db", str(demo_db), "report", "--format", "md", *day, env=ascii_out, timeout=120, text=False)
    assert md.returncode == 0 and md.stderr == b"", md.stderr
    assert md.stdout.isascii() and b"| Now \\u2192 target |" in md.stdout


def test_exports_to_a_stream_that_is_not_utf8_keep_their_data_or_say_why_not(cli, tmp_path):
    """A real process with PYTHONIOENCODING=ascii over titles beyond ASCII: the JSON export is valid JSON with
    the same data as on a UTF-8 stream; the CSV export is one clear error line, exit 2, and no output."""
    db = tmp_path / "x.db"
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-1", "title": "Café 🙂 ⌡", "period": "2026-Q4",
                                                 "key_results": [{"id": "kr-1", "title": "Naïve → done",
                                                                  "kind": "milestone"}]}]}
    assert cli("--db", db, "import", write_doc(tmp_path / "doc.json", doc)).code == 0
    ascii_out = {"PYTHONIOENCODING": "ascii"}
    printed = run_subprocess("--db", str(db), "export", "--format", "json", env=ascii_out, timeout=120, text=False)
    assert printed.returncode == 0 and printed.stdout.isascii(), printed.stderr
    data = json.loads(printed.stdout)
    assert data == json.loads(cli("--db", db, "export", "--format", "json").out)
    assert data["objectives"][0]["title"] == "Café 🙂 ⌡"
    refused = run_subprocess("--db", str(db), "export", "--format", "csv", env=ascii_out, timeout=120, text=False)
    assert refused.returncode == 2 and refused.stdout == b""
    assert refused.stderr == (b"okrtui: error: stdout's encoding (ascii) cannot hold this CSV's text: run it with "
                              b"PYTHONIOENCODING=utf-8, or export it to a file with -o\n")
