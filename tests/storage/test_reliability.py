"""Crashes, concurrency, upgrades and files: okrtui never loses or half-writes data."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from okrtui import config
from okrtui.core.errors import OkrError
from okrtui.cycle import checkins
from okrtui.exchange import interchange, sync, teamformat
from okrtui.storage import backend, store
from okrtui.storage.migrations import MIGRATIONS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DAY = dt.date(2026, 11, 26)


def integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


# --- upgrades ----------------------------------------------------------------------------------

def test_a_schema_1_database_opens_after_its_migrations_with_every_record(tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-1.db", db)
    expected = json.loads((FIXTURES / "schema-1.rows.json").read_text())
    engine = backend.open_engine(db)
    with engine.connect() as conn:
        assert store.schema_version(conn) == store.LATEST
        indexes = {r[1] for r in conn.exec_driver_sql("PRAGMA index_list(check_in)").all()}
        assert "ix_check_in_kr_id_date" in indexes
    engine.dispose()
    backup = tmp_path / "old.db.schema1.bak"
    assert backup.exists() and stat.S_IMODE(backup.stat().st_mode) == 0o600
    con = sqlite3.connect(db)
    for table, count in expected["counts"].items():
        rows = [[str(v) if v is not None else None for v in r]
                for r in con.execute(f"SELECT * FROM {table} ORDER BY 1")]
        want = [[str(v) if v is not None else None for v in r] for r in expected["rows"][table]]
        width = len(want[0]) if want else 0
        # Later migrations only add columns, empty (a flag: false) on upgrade: the shipped ones are unchanged.
        assert len(rows) == count and [r[:width] for r in rows] == want, table
        assert all(v in (None, "", "0") for r in rows for v in r[width:]), table  # no key, signature or flag yet
    con.close()
    # the backup is the untouched schema-1 database
    con = sqlite3.connect(backup)
    assert con.execute("SELECT MAX(version) FROM schema_migration").fetchone()[0] == 1
    con.close()


def test_every_migration_runs_on_an_empty_file(tmp_path):
    engine = backend.open_engine(tmp_path / "new.db")
    with engine.connect() as conn:
        versions = [r[0] for r in conn.exec_driver_sql("SELECT version FROM schema_migration ORDER BY 1")]
    # Every step, in order (numbers are owned by branches: m004 and m005 may land apart).
    assert versions == [v for v, _, _ in MIGRATIONS] and versions == sorted(versions) and versions[-1] == store.LATEST
    engine.dispose()
    assert not list(tmp_path.glob("*.bak"))  # nothing to back up in a new database


# --- crashes -----------------------------------------------------------------------------------------

def _child_loop(db: Path, team: Path, write_fd: int, seed: int) -> None:
    """In a forked child: save check-ins, import documents, sync; report each one done."""
    engine = backend.open_engine(db)
    out = os.fdopen(write_fd, "w", buffering=1)
    ops = ("checkin", "import", "checkin", "sync")
    for i in range(10_000):
        op = ops[(i + seed) % len(ops)]  # each seed starts elsewhere in the cycle
        if op == "checkin":
            saved = checkins.record(engine, "kr-crash", i, day=DAY)
            out.write(f"C {saved.check_in_id}\n")
        elif op == "import":
            prefix = f"imp-{seed}-{i}"
            interchange.import_document(engine, {"format": "okrtui/1", "objectives": [
                {"id": f"{prefix}-{n}", "title": f"Imported {n}", "period": "2026-Q4",
                 "key_results": [{"id": f"{prefix}-{n}-kr", "title": "r", "kind": "milestone"}]}
                for n in range(5)]})
            out.write(f"I {prefix}\n")
        else:
            sync.sync(engine, team)
            out.write("S\n")


def _crash_trials(tmp_path: Path, trials: int) -> None:
    db = tmp_path / "crash.db"
    engine = backend.open_engine(db)
    interchange.import_document(engine, {"format": "okrtui/1", "objectives": [
        {"id": "o-crash", "title": "Survive crashes", "period": "2026-Q4",
         "key_results": [{"id": "kr-crash", "title": "r", "kind": "increase", "start": 0, "target": 100}]}]})
    engine.dispose()
    team = tmp_path / "team.jsonl"
    rng = random.Random(2026)
    done_checkins: set[str] = set()
    done_imports: set[str] = set()
    for trial in range(trials):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child never returns into pytest
            os.close(read_fd)
            try:
                _child_loop(db, team, write_fd, trial)
            finally:
                os._exit(0)
        os.close(write_fd)
        reports = os.fdopen(read_fd)
        # Kill after trial % 4 reported operations, then at a random moment: a slow machine
        # still does work between kills, so the final assertion always holds.
        early = [reports.readline() for _ in range(trial % 4)]
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with reports:
            for line in "".join(early).splitlines() + reports.read().splitlines():
                kind, _, ident = line.partition(" ")
                if kind == "C":
                    done_checkins.add(ident)
                elif kind == "I":
                    done_imports.add(ident)
        assert integrity(db) == "ok"
        con = sqlite3.connect(db)
        have = {r[0] for r in con.execute("SELECT id FROM check_in")}
        assert done_checkins <= have, "a check-in reported done was lost"
        counts: dict[str, int] = {}
        for (oid,) in con.execute("SELECT id FROM objective WHERE id LIKE 'imp-%'"):
            prefix = oid.rsplit("-", 1)[0]
            counts[prefix] = counts.get(prefix, 0) + 1
        con.close()
        assert all(n == 5 for n in counts.values()), "an import was half-written"
        assert done_imports <= set(counts)
        if team.exists():
            teamformat.read(team)  # the team file is always whole
    assert done_checkins and done_imports  # the trials really did work between kills


def test_sigkill_during_saves_imports_and_syncs(tmp_path):
    _crash_trials(tmp_path, 24)  # each start of the cycle of operations six times; -m slow runs 2,000


@pytest.mark.slow
def test_sigkill_many_more_trials(tmp_path):
    _crash_trials(tmp_path, 2000)


# --- concurrency -------------------------------------------------------------------------------------

WRITER = """
import datetime as dt, sys
from okrtui.cycle import checkins
from okrtui.cycle import ormread
from okrtui.method import periods
from okrtui.storage.backend import open_engine
from okrtui.storage.store import reading
eng = open_engine(sys.argv[1])
for i in range(int(sys.argv[2])):
    # its own KR and a day per check-in: one check-in per KR, author and day (a second replaces)
    checkins.record(eng, f"kr-{sys.argv[3]}", i, day=dt.date(2026, 10, 1) + dt.timedelta(days=i), note=sys.argv[3])
    with reading(eng) as s:
        ormread.build(s, periods.quarter("2026-Q4"), dt.date(2026, 11, 26), "p-tester", team=True)
print("ok")
"""


def test_writers_at_once_never_see_database_is_locked(tmp_path):
    db = tmp_path / "busy.db"
    engine = backend.open_engine(db)
    interchange.import_document(engine, {"format": "okrtui/1", "objectives": [
        {"id": "o-busy", "title": "Busy", "period": "2026-Q4",
         "key_results": [{"id": kr, "title": "r", "kind": "increase", "start": 0, "target": 100}
                         for kr in ("kr-busy", "kr-w0", "kr-w1", "kr-w2")]}]})
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), "40", f"w{i}"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(3)]
    errors = []

    def cli_writer() -> None:  # a CLI in this process too
        from okrtui.cli import main

        for i in range(20):
            # One a day: a second CLI check-in the same day replaces the first (the TUI's round).
            code = main(["--db", str(db), "checkin", "kr-busy", str(i), "--note", "cli", "--date", f"2026-11-{i + 1:02d}"])
            if code != 0:
                errors.append(code)

    thread = threading.Thread(target=cli_writer)
    thread.start()
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and "ok" in out, err
        assert "locked" not in err
    thread.join()
    assert errors == []
    con = sqlite3.connect(db)
    notes = [r[0] for r in con.execute("SELECT note FROM check_in")]
    con.close()
    assert sorted(notes) == sorted(["w0"] * 40 + ["w1"] * 40 + ["w2"] * 40 + ["cli"] * 20)
    engine.dispose()


async def test_the_tui_waits_for_a_writer_instead_of_failing(tmp_path):
    from tests.helpers import make_app, press, settle

    app = make_app(tmp_path / "tui.db")
    holder = sqlite3.connect(tmp_path / "tui.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock for a while
    release = threading.Timer(1.5, lambda: holder.execute("COMMIT"))
    release.start()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await press(pilot, "enter")
        await press(pilot, "9", "9", "enter")
        assert not app.notified_errors
    release.join()
    holder.close()
    con = sqlite3.connect(tmp_path / "tui.db")
    assert con.execute("SELECT COUNT(*) FROM check_in WHERE value = 99").fetchone()[0] == 1
    con.close()
    app.engine.dispose()


# --- files -------------------------------------------------------------------------------------------

def test_config_is_written_owner_only_and_atomically(tmp_path):
    path = tmp_path / "conf" / "config.toml"
    config.update(path, theme="nord", name='Zoë "Z" Ng')
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert config.load(path).name == 'Zoë "Z" Ng' and config.load(path).theme == "nord"
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]


def test_changing_one_setting_keeps_the_users_comments_and_order(tmp_path):
    path = tmp_path / "config.toml"
    original = ('# my okrtui settings\n'
                'team_file = "/srv/okr/team.jsonl"   # the shared host\n'
                '\n'
                'stale_after_days = 10\n'
                'theme = "textual-dark"\n')
    path.write_text(original)
    config.update(path, theme="nord", cursor_blink=False)
    assert path.read_text() == original.replace('"textual-dark"', '"nord"') + "cursor_blink = false\n"
    cfg = config.load(path)
    assert (cfg.theme, cfg.cursor_blink, cfg.stale_after_days) == ("nord", False, 10)


def test_a_broken_config_is_never_rewritten(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("stale_after_days = 'soon'\n")
    with pytest.raises(OkrError):
        config.update(path, theme="nord")
    assert path.read_text() == "stale_after_days = 'soon'\n"


def test_export_file_is_replaced_whole(tmp_path, cli, demo_db):
    out = tmp_path / "backup.json"
    out.write_text("old backup")
    os.chmod(out, 0o640)
    assert cli("--db", demo_db, "export", "-o", out).code == 0
    assert json.loads(out.read_text())["format"] == "okrtui/1"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # owner-only: an export holds private objectives


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
from okrtui.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_a_full_disk_during_sync_leaves_the_old_team_file(tmp_path):
    from tests.helpers import person_db

    ann = person_db(tmp_path, "ann", objectives=200)  # a team file well over the 64 KiB limit below
    team = tmp_path / "team.jsonl"
    team.write_text('{"format": "okrtui-team/1"}\n')
    before = team.read_bytes()
    ann.dispose()
    # SQLite itself needs its 32 KiB shared-memory file; the new team file would need ~150 KiB.
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, "65536", "--db", str(tmp_path / "ann.db"), "sync",
                           str(team)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("okrtui: error: cannot write") and "too large" in lines[0]
    assert team.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".team")] == []


def test_a_full_disk_during_import_leaves_the_database(tmp_path, demo_db):
    doc = tmp_path / "big.json"
    doc.write_text(json.dumps({"format": "okrtui/1", "objectives": [
        {"id": f"o-{i}", "title": "x" * 400, "description": "y" * 5000, "period": "2026-Q4"}
        for i in range(400)]}))
    size = demo_db.stat().st_size
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, str(size + 65536), "--db", str(demo_db), "import",
                           str(doc)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("okrtui: error:"), proc.stderr
    assert integrity(demo_db) == "ok"
    con = sqlite3.connect(demo_db)
    assert con.execute("SELECT COUNT(*) FROM objective WHERE id LIKE 'o-%' AND title LIKE 'xxx%'").fetchone()[0] == 0
    con.close()


TUI_ROUND = """
import asyncio, datetime as dt, sys
from okrtui.tui.app import OkrApp
from okrtui.config import Config

class Recording(OkrApp):
    errors = []

    def notify(self, message, *, severity="information", **kwargs):
        if severity == "error":
            self.errors.append(str(message))
        super().notify(message, severity=severity, **kwargs)

async def main():
    app = Recording(sys.argv[1], Config(cursor_blink=False), dt.date(2026, 11, 26))
    async with app.run_test(size=(80, 24)) as pilot:
        async def settle():
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
        await settle()
        await pilot.press("c")
        await settle()
        for value in sys.argv[2:]:
            await pilot.press("enter")
            await settle()
            await pilot.press(*value, "enter")
            await settle()
        errors = app.errors
        print("ERRORS", errors)
asyncio.run(main())
"""


def test_two_tuis_and_a_cli_writing_at_once(tmp_path, cli):
    db = tmp_path / "shared.db"
    engine = backend.open_engine(db)
    interchange.import_document(engine, {"format": "okrtui/1", "objectives": [
        {"id": "o-1", "title": "Busy together", "period": "2026-Q4",
         "key_results": [{"id": f"kr-{i}", "title": f"r{i}", "kind": "increase", "start": 0, "target": 1000}
                         for i in range(3)]}]})
    engine.dispose()
    tuis = [subprocess.Popen([sys.executable, "-c", TUI_ROUND, str(db), *[f"{base + n}" for n in range(6)]],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for base in (100, 200)]
    # The CLI writes on earlier days, one a day (a same-day check-in replaces its own, in the TUI
    # round and the CLI alike), so the CLI's rows must all survive beside the TUIs'.
    codes = [cli("--db", db, "checkin", f"kr-{i % 3}", str(300 + i), "--date", f"2026-11-{i + 1:02d}").code
             for i in range(15)]
    for proc in tuis:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "ERRORS []" in out, out
    assert codes == [0] * 15
    con = sqlite3.connect(db)
    by_cli = sorted(int(v) for (v,) in con.execute("SELECT value FROM check_in WHERE date < '2026-11-16'"))
    by_tui = con.execute("SELECT kr_id, value FROM check_in WHERE date = '2026-11-26' AND deleted = 0").fetchall()
    con.close()
    assert by_cli == list(range(300, 315))
    # Two rounds at once, one person: each KR ends with one check-in for the day (never a
    # duplicate), holding one of the values typed, and every KR was checked in.
    assert sorted(kr for kr, _ in by_tui) == ["kr-0", "kr-1", "kr-2"]
    assert all(int(v) in [*range(100, 106), *range(200, 206)] for _, v in by_tui)
