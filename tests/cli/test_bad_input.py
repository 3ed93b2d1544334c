"""The catalogue of bad input: every path in, each case a clear message and nothing changed.

CLI cases run `okrtui` in-process on a copy of the demo database, with a config
file and a team file beside it; each must exit 1 or 2 with one `okrtui: error:`
line holding the expected phrase and leave the database, the config and the
team file byte-for-byte as they were. Form cases run the TUI forms' checks:
each must name the field, and being pure they cannot change anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from okrtui.rules import validate


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple = ()                      # CLI arguments ({db}, {dir}, {team}, {doc} are filled in)
    phrase: str = ""
    doc: object = None                    # written to {doc} first
    config: str | None = None             # config.toml content
    team: str | None = None               # team file content
    setup: str = ""                       # special preparation
    form: tuple | None = None             # (check function, raw values, field)
    codes: tuple = (2,)
    env: dict = field(default_factory=dict)


def doc(**objective) -> dict:
    base = {"id": "o-new", "title": "Delight users", "period": "2026-Q4",
            "key_results": [{"id": "kr-new", "title": "NPS", "kind": "increase", "start": 1, "target": 5}]}
    return {"format": "okrtui/1", "objectives": [{**base, **objective}]}


HEAD = '{"format": "okrtui-team/1"}\n'
KR = {"title": "Activation", "kind": "increase", "start": "31", "target": "45", "unit": "%",
      "objective_id": "o-1", "weight": "1"}
OBJ = {"title": "Delight users", "level": "team", "status": "draft", "visibility": "shared"}

CASES = [
    # command line: commands, flags, arguments
    Case("cli-unknown-command", ("frobnicate",), "invalid choice"),
    Case("cli-unknown-flag", ("report", "--bogus"), "unrecognized arguments"),
    Case("cli-report-format", ("report", "--format", "xml"), "invalid choice"),
    Case("cli-report-bad-quarter", ("report", "--period", "2026-Q5"), "unknown period"),
    Case("cli-report-unknown-period", ("report", "--period", "someday"), "unknown period"),
    Case("cli-as-of-impossible", ("report", "--as-of", "2026-13-01"), "expected a date"),
    Case("cli-as-of-word", ("report", "--as-of", "tomorrow"), "expected a date"),
    Case("cli-export-format", ("export", "--format", "xml"), "invalid choice"),
    Case("cli-export-period", ("export", "--period", "nope"), "unknown period"),
    Case("cli-lint-format", ("lint", "--format", "yaml"), "invalid choice"),
    Case("cli-checkin-no-value", ("checkin", "kr-deploys"), "required"),
    Case("cli-checkin-text-value", ("checkin", "kr-deploys", "ninety"), "expected a number"),
    Case("cli-checkin-nan", ("checkin", "kr-deploys", "nan"), "finite"),
    Case("cli-checkin-infinity", ("checkin", "kr-deploys", "inf"), "finite"),
    Case("cli-checkin-confidence-high", ("checkin", "kr-deploys", "1", "--confidence", "1.01"), "from 0 to 1"),
    Case("cli-checkin-confidence-negative", ("checkin", "kr-deploys", "1", "--confidence", "-0.1"), "from 0 to 1"),
    Case("cli-checkin-confidence-text", ("checkin", "kr-deploys", "1", "--confidence", "sure"), "expected a number"),
    Case("cli-checkin-date-impossible", ("checkin", "kr-deploys", "1", "--date", "2026-02-30"), "expected a date"),
    Case("cli-checkin-date-outside-period", ("checkin", "kr-deploys", "1", "--date", "2026-09-30"), "outside"),
    Case("cli-checkin-date-after-today", ("checkin", "kr-deploys", "1", "--date", "2026-11-27"), "after today"),
    Case("cli-checkin-unknown-kr", ("checkin", "kr-nothing", "1"), "no key result matches"),
    Case("cli-checkin-ambiguous-prefix", ("checkin", "kr-t", "1"), "ambiguous"),
    Case("cli-checkin-short-prefix", ("checkin", "kr", "1"), "at least 4 characters"),
    Case("cli-checkin-teammates-kr", ("checkin", "kr-activation", "40"), "Chen Wei answers for it"),
    Case("cli-checkin-closed-objective", ("checkin", "kr-prev-build", "12", "--date", "2026-09-01"), "closed"),
    Case("cli-checkin-note-too-long", ("checkin", "kr-deploys", "1", "--note", "n" * 10_001), "at most 10000"),
    Case("cli-whoami-name-too-long", ("whoami", "--name", "x" * 300), "at most 200"),
    Case("cli-import-no-file-argument", ("import",), "required"),
    Case("cli-import-missing-file", ("import", "{dir}/nope.json"), "no such file"),
    Case("cli-import-directory", ("import", "{dir}"), "is a directory"),
    Case("cli-sync-no-team-file", ("sync",), "no team file"),
    Case("cli-sync-folder-missing", ("sync", "{dir}/nowhere/team.jsonl"), "does not exist"),
    Case("cli-merge-driver-missing-files", ("merge-driver", "{dir}/a", "{dir}/b", "{dir}/c"), "no such file"),
    # --db
    Case("db-is-a-directory", ("--db", "{dir}", "report"), "is a directory"),
    Case("db-not-sqlite", ("--db", "{dir}/junk.db", "report"), "cannot open database", setup="junk-db"),
    Case("db-newer-schema", ("report",), "newer okrtui", setup="newer-schema"),
    Case("db-read-only-file", ("checkin", "kr-deploys", "42"), "read-only", setup="read-only-db"),
    Case("db-in-read-only-folder", ("--db", "{dir}/ro/new.db", "whoami"), "cannot", setup="read-only-folder"),
    # config.toml
    Case("config-not-toml", ("report",), "not valid TOML", config="this is = = not toml"),
    Case("config-unknown-key", ("report",), "unknown setting 'colour'", config='colour = "blue"\n'),
    Case("config-stale-days-text", ("report",), "stale_after_days", config='stale_after_days = "soon"\n'),
    Case("config-stale-days-negative", ("report",), "stale_after_days", config="stale_after_days = -3\n"),
    Case("config-fiscal-month-13", ("report",), "fiscal_year_start_month", config="fiscal_year_start_month = 13\n"),
    Case("config-fiscal-month-zero", ("report",), "fiscal_year_start_month", config="fiscal_year_start_month = 0\n"),
    Case("config-name-number", ("whoami",), "name: expected a string", config="name = 7\n"),
    Case("config-is-a-directory", ("report",), "is a directory", setup="config-dir"),
    # import documents
    Case("import-not-json", ("import", "{doc}"), "not valid JSON", doc="{ nope"),
    Case("import-empty", ("import", "{doc}"), "empty", doc=""),
    Case("import-wrong-format", ("import", "{doc}"), "format: expected 'okrtui/1'", doc={"format": "okr/9"}),
    Case("import-target-string", ("import", "{doc}"), "key_results[0].target: expected a number",
         doc=doc(key_results=[{"id": "k", "title": "t", "kind": "increase", "start": 1, "target": "5"}])),
    Case("import-confidence-1.5", ("import", "{doc}"), "confidence: expected a number from 0 to 1",
         doc=doc(key_results=[{"id": "k", "title": "t", "kind": "milestone",
                               "check_ins": [{"id": "c", "date": "2026-10-01", "value": 1, "confidence": 1.5}]}])),
    Case("import-unknown-owner", ("import", "{doc}"), "owner: unknown person", doc=doc(owner="p-ghost")),
    Case("import-negative-weight", ("import", "{doc}"), "weight",
         doc=doc(key_results=[{"id": "k", "title": "t", "kind": "milestone", "weight": -2}])),
    Case("import-duplicate-id", ("import", "{doc}"), "duplicate id",
         doc={"format": "okrtui/1", "objectives": [doc()["objectives"][0], doc()["objectives"][0]]}),
    Case("import-title-of-50-mb", ("import", "{doc}"), "title: is 50000000 characters", doc=doc(title="t" * 50_000_000)),
    Case("import-nan", ("import", "{doc}"), "got NaN",
         doc=json.dumps(doc()).replace('"target": 5', '"target": NaN')),
    # team files
    # (a bad line after the header is one skipped line, named: tests/attacks/test_sync_line.py)
    Case("team-corrupt", ("sync", "{team}"), "not an okrtui team file", team="{{{\n" + HEAD),
    Case("team-truncated", ("sync", "{team}"), "truncated", team=HEAD + '{"type": "team"'),
    Case("team-wrong-format", ("sync", "{team}"), "not an okrtui team file", team='{"format": "csv"}\n'),
    Case("team-newer-version", ("sync", "{team}"), "newer okrtui", team='{"format": "okrtui-team/2"}\n'),
    Case("team-too-large", ("sync", "{team}"), "MiB", setup="huge-team"),
    # TUI form fields
    Case("form-objective-empty-title", form=(validate.check_objective, {**OBJ, "title": " "}, "title")),
    Case("form-objective-title-too-long", form=(validate.check_objective, {**OBJ, "title": "t" * 501}, "title")),
    Case("form-objective-bad-level", form=(validate.check_objective, {**OBJ, "level": "galaxy"}, "level")),
    Case("form-kr-empty-title", form=(validate.check_key_result, {**KR, "title": ""}, "title")),
    Case("form-kr-text-in-start", form=(validate.check_key_result, {**KR, "start": "abc"}, "start")),
    Case("form-kr-empty-target", form=(validate.check_key_result, {**KR, "target": ""}, "target")),
    Case("form-kr-target-equals-start", form=(validate.check_key_result, {**KR, "target": "31"}, "target")),
    Case("form-kr-decrease-target-above", form=(validate.check_key_result,
                                                {**KR, "kind": "decrease", "start": "5", "target": "9"}, "target")),
    Case("form-kr-range-low-above-high", form=(validate.check_key_result,
                                               {**KR, "kind": "range", "low": "300", "high": "100"}, "high")),
    Case("form-kr-baseline-without-unit", form=(validate.check_key_result,
                                                {**KR, "kind": "baseline", "unit": ""}, "unit")),
    Case("form-kr-negative-weight", form=(validate.check_key_result, {**KR, "weight": "-1"}, "weight")),
    Case("form-kr-huge-weight", form=(validate.check_key_result, {**KR, "weight": "1e9"}, "weight")),
    Case("form-kr-nan-start", form=(validate.check_key_result, {**KR, "start": "nan"}, "start")),
    Case("form-checkin-text-value", form=(lambda raw: validate.check_check_in(**raw),
                                          {"value": "lots", "confidence": "", "note": ""}, "value")),
    Case("form-checkin-confidence-2", form=(lambda raw: validate.check_check_in(**raw),
                                            {"value": "3", "confidence": "2", "note": ""}, "confidence")),
    Case("form-checkin-confidence-negative", form=(lambda raw: validate.check_check_in(**raw),
                                                   {"value": "3", "confidence": "-0.5", "note": ""}, "confidence")),
    Case("form-checkin-infinite-value", form=(lambda raw: validate.check_check_in(**raw),
                                              {"value": "inf", "confidence": "", "note": ""}, "value")),
    Case("form-checkin-note-too-long", form=(lambda raw: validate.check_check_in(**raw),
                                             {"value": "3", "confidence": "", "note": "n" * 10_001}, "note")),
]


def test_the_catalogue_covers_every_input_path():
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)
    prefixes = {c.id.split("-")[0] for c in CASES}
    assert prefixes == {"cli", "db", "config", "import", "team", "form"}


def digest(path: Path) -> str | None:
    if path.is_dir():
        return "dir"
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def _immutable(path: Path, on: bool) -> None:
    """Read-only even for root (chattr); for other users a mode is enough."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i" if on else "-i", str(path)], check=True)
    else:
        path.chmod(0o500 if path.is_dir() else 0o400) if on else path.chmod(0o700 if path.is_dir() else 0o600)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case, tmp_path, demo_template, cli, monkeypatch):
    if case.form is not None:
        check, raw, field_name = case.form
        with pytest.raises(validate.FieldErrors) as caught:
            check(raw)
        assert field_name in caught.value.errors and caught.value.errors[field_name]
        return
    db = tmp_path / "okrtui.db"
    shutil.copy(demo_template, db)
    cfg = tmp_path / "config.toml"
    if case.config is not None:
        cfg.write_text(case.config)
    monkeypatch.setenv("OKRTUI_CONFIG", str(cfg))
    monkeypatch.setenv("OKRTUI_DB", str(db))
    team = tmp_path / "team.jsonl"
    if case.team is not None:
        team.write_text(case.team)
    doc_path = tmp_path / "doc.json"
    if case.doc is not None:
        doc_path.write_text(case.doc if isinstance(case.doc, str) else json.dumps(case.doc))
    immutable: list[Path] = []
    if case.setup == "junk-db":
        (tmp_path / "junk.db").write_bytes(b"this is not a database " * 50)
    elif case.setup == "newer-schema":
        import sqlite3

        con = sqlite3.connect(db)
        con.execute("INSERT INTO schema_migration VALUES (999, 'from the future', 'x')")
        con.commit()
        con.close()
    elif case.setup == "read-only-db":
        immutable = [db, tmp_path]  # the folder too: SQLite must not create a -wal beside it
    elif case.setup == "read-only-folder":
        (tmp_path / "ro").mkdir()
        immutable = [tmp_path / "ro"]
    elif case.setup == "config-dir":
        cfg.mkdir()
    elif case.setup == "huge-team":
        with open(team, "wb") as handle:
            handle.truncate(300 * 1024 * 1024)
    for path in immutable:
        _immutable(path, True)
    watched = [db, cfg, team, tmp_path / "junk.db"]
    before = [digest(p) for p in watched]
    try:
        args = [str(a).format(db=db, dir=tmp_path, team=team, doc=doc_path) for a in case.args]
        if "--db" not in args:
            args = ["--db", str(db), *args]
        result = cli(*args)
    finally:
        for path in immutable:
            _immutable(path, False)
    assert result.code in case.codes, (result.code, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("okrtui: error: "), result.err
    assert case.phrase in lines[0]
    assert "Traceback" not in result.err and result.out == ""
    assert [digest(p) for p in watched] == before
