"""Bulk writes at the speed of the database (issue 20, point 5), in one run:

    python bench/bulk.py                 # about 10 minutes on 2 cores; --runs N, --keep DIR, --no-postgres

(a) `okrtui import` of one okrtui/1 document (2,000 objectives, 10,000 KRs, 130,000 check-ins) into
    an empty SQLite database, whole process, against bench/bare_import.py (stdlib json + sqlite3
    executemany of the same rows) in the same run: target <= 3x.
(b) the same size of document, every record the person "lead"'s own, into PostgreSQL 16 (pgserver,
    row-level security on, as "lead"), against bare_import.py with psycopg executemany of the same rows
    as the same login: target <= 3x. bench/pg_import.py measures it against COPY (issue 31).
(c) the first sync of the 50- and 100-person team files into a new database, in process: twice
    the data <= 2.2x the time.
(d) `okrtui checkin` of a new value on a 10,000-KR SQLite database, the team's (the user owns one
    person's share) and the heavy single user's (every row their own), against
    `python -c "import sqlmodel"`: target <= 1.3x. Each run writes a new check-in into a fresh copy.

    python bench/bulk.py --only d        # only (d): about a minute

(e) `okrtui import` of the same 10,000 KRs (2,000 objectives) as a CSV file and as an XLSX workbook
    (shared strings, as Excel writes them) against the same data as okrtui/1 JSON, whole processes,
    each into an empty SQLite database, in the same run: targets CSV <= 1.5x, XLSX <= 4x (issue 30).
    With --check-ins, the 130,000 check-ins too (a check-ins file / sheet; those dated after today
    are left out of all three, as a spreadsheet import refuses them).

    python bench/bulk.py --only e        # only (e)

Each pair runs interleaved (ours, baseline, ours, …) after a warm-up, and the medians are compared;
the load average is printed before and after, since the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_data import make_db, make_document, make_team_file, write_sheets  # noqa: E402

PY = sys.executable


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {proc.stderr[-800:]}")
    return elapsed


def pair(ours: list[str], base: list[str], runs: int, before: Callable[[], None] | None = None,
         warm: bool = True) -> tuple[float, float]:
    """Medians of `runs` interleaved whole-process runs of each, after one warm-up of each."""
    times: dict[str, list[float]] = {"ours": [], "base": []}
    for i in range(0 if warm else 1, runs + 1):
        for name, args in (("ours", ours), ("base", base)):
            if before is not None:
                before()
            t = wall(args)
            if i:
                times[name].append(t)
    return statistics.median(times["ours"]), statistics.median(times["base"])


def fresh_sqlite(template: Path, target: Path) -> Callable[[], None]:
    def reset() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copy(template, target)
    return reset


# --- PostgreSQL --------------------------------------------------------------------------------

def postgres(folder: Path, doc: dict) -> tuple[str, Callable[[], None], Callable[[], None]]:
    """A database set up by `admin init`, with every person of the document added; the URL of
    "lead", a reset (empty OKR tables, as the owner) and a stop."""
    import pgserver
    from sqlalchemy import create_engine, text

    from okrtui.storage.postgres import pg
    from okrtui.storage.postgres.engine import admin_init

    server = pgserver.get_server(folder / "pg", cleanup_mode="stop")
    server.psql("DROP DATABASE IF EXISTS bulk;")
    server.psql("CREATE DATABASE bulk;")
    host = server.get_uri().split("host=", 1)[1]
    owner = f"postgresql://postgres@/bulk?host={host}"
    admin_init(owner)
    engine = create_engine(pg.postgres_url(owner))
    for person in doc["people"]:
        pg.add_person(engine, person["id"].removeprefix("p-"), person["name"], person["email"])

    def reset() -> None:
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE check_in, key_result, dependency, reflection, objective, team, period"))

    def stop() -> None:
        engine.dispose()
        server.cleanup()

    return f"postgresql://lead@/bulk?host={host}", reset, stop


# --- first sync (in process) ---------------------------------------------------------------------

def first_sync(folder: Path, team: Path, runs: int) -> float:
    from okrtui.exchange import sync
    from okrtui.storage.backend import open_engine

    lead = folder / f"lead-{team.stem}.db"
    if not lead.exists():
        make_db(lead, krs=9)
    target, work = folder / f"synced-{team.stem}.db", folder / f"work-{team.name}"
    times = []
    for i in range(runs + 1):
        fresh_sqlite(lead, target)()
        shutil.copy(team, work)
        engine = open_engine(target)
        start = time.perf_counter()
        sync.sync(engine, work)
        if i:
            times.append(time.perf_counter() - start)
        engine.dispose()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per median (default 5)")
    parser.add_argument("--keep", type=Path, help="keep the data sets in this folder")
    parser.add_argument("--no-postgres", action="store_true", help="leave out (b)")
    parser.add_argument("--only", default="abcde", metavar="SECTIONS", help="the sections to run (default abcde)")
    parser.add_argument("--check-ins", action="store_true", dest="check_ins",
                        help="(e) with the 130,000 check-ins (default: the 10,000 KRs alone)")
    args = parser.parse_args()
    if args.no_postgres:
        args.only = args.only.replace("b", "")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="okrtui-bulk-"))
    folder.mkdir(parents=True, exist_ok=True)
    runs = args.runs
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)

    from okrtui.storage.backend import open_engine

    rows: list[tuple[str, str, str, str]] = []

    def row(what: str, ours: float, base: float, target: float, unit: str = "s") -> None:
        ratio = ours / base
        verdict = "met" if ratio <= target else "missed"
        shown = f"{ours:.2f} s vs {base:.2f} s" if unit == "s" else f"{ours * 1000:.0f} ms vs {base * 1000:.0f} ms"
        rows.append((what, shown, f"{ratio:.2f}×", f"≤ {target}× {verdict}"))

    if "a" in args.only or "b" in args.only:
        # The quarter before the benchmark's: `okrtui import` refuses a check-in after today (the real
        # clock), and the benchmark quarter's 13 weeks run past its first weeks.
        doc = make_document(day=dt.date(2026, 8, 15))
        doc_path = folder / "company-q3.json"
        if not doc_path.exists():
            doc_path.write_text(json.dumps(doc))
    if "a" in args.only:
        empty = folder / "empty.db"
        if not empty.exists():
            open_engine(empty).dispose()
        target = folder / "imported.db"
        ours, base = pair([PY, "-m", "okrtui", "--db", str(target), "import", str(doc_path)],
                          [PY, str(HERE / "bare_import.py"), str(doc_path), str(target)], runs,
                          before=fresh_sqlite(empty, target))
        row("(a) import, 10,000 KRs + 130,000 check-ins, SQLite (vs json + sqlite3 executemany)", ours, base, 3)

    if "b" in args.only:
        # One person's history: a member imports only their own records, and the company document's
        # check-ins on teammates' KRs are refused on a shared database (bench/pg_import.py, against COPY).
        own = make_document(day=dt.date(2026, 8, 15), people=1)
        own_path = folder / "own-q3.json"
        if not own_path.exists():
            own_path.write_text(json.dumps(own))
        url, reset, stop = postgres(folder, own)
        try:
            # The baseline takes about two minutes a run here: fewer runs, no warm-up (the file
            # cache is warm from (a)).
            ours, base = pair([PY, "-m", "okrtui", "--db", url, "import", str(own_path)],
                              [PY, str(HERE / "bare_import.py"), str(own_path), url], max(1, runs // 2),
                              before=reset, warm=False)
            row("(b) the same import, PostgreSQL (vs json + psycopg executemany)", ours, base, 3)
        finally:
            stop()

    if "c" in args.only:
        teams = {}
        for people in (50, 100):
            path = folder / f"team-{people}.jsonl"
            teams[people] = path if path.exists() else make_team_file(folder, people, f"team-{people}")
        # Half a second each: three times the runs, alternating, against the noise of a shared machine.
        s50_runs, s100_runs = [], []
        for _ in range(3):
            s50_runs.append(first_sync(folder, teams[50], runs))
            s100_runs.append(first_sync(folder, teams[100], runs))
        s50, s100 = statistics.median(s50_runs), statistics.median(s100_runs)
        row("(c) first sync, 100-person vs 50-person team file (in process)", s100, s50, 2.2, unit="ms")

    if "d" in args.only:
        for label, name, people in (("team", "krs-10000.db", None), ("heavy single user", "solo-10000.db", 1)):
            template = folder / name
            if not template.exists():
                make_db(template, 10_000, people_count=people)
            db = folder / f"checkin-{name}"
            # The user's own KR in both; a fresh copy each run, so each run writes a new check-in
            # (a second one the same day with the same value would write nothing).
            ours, base = pair([PY, "-m", "okrtui", "--db", str(db), "checkin", "kr-000000-0", "42",
                               "--date", "2026-11-26"],
                              [PY, "-c", "import sqlmodel"], runs * 2, before=fresh_sqlite(template, db))
            row(f"(d) `okrtui checkin`, 10,000 KRs, {label} (vs `import sqlmodel`)", ours, base, 1.3, unit="ms")

    if "e" in args.only:
        weeks = 0
        if args.check_ins:  # only check-ins up to today: a spreadsheet import refuses later ones
            weeks = min(13, (dt.date.today() - dt.date(2026, 10, 1)).days // 7 + 1)
        sheet_doc = make_document(weeks=weeks)
        sheet_doc["teams"] = []  # a sheet names teams, it does not make them: the same data both ways
        for o in sheet_doc["objectives"]:
            o.pop("team")
        name = f"sheet-{weeks}"
        json_path = folder / f"{name}.json"
        json_path.write_text(json.dumps(sheet_doc))
        okrs, checks, book = write_sheets(sheet_doc, folder, name)
        empty = folder / "empty.db"
        if not empty.exists():
            open_engine(empty).dispose()
        target = folder / "sheet.db"
        what = "10,000 KRs" + (f" + {10_000 * weeks:,} check-ins" if weeks else "")
        as_csv = [str(okrs)] + (["--check-ins", str(checks)] if weeks else [])
        ours, base = pair([PY, "-m", "okrtui", "--db", str(target), "import", *as_csv],
                          [PY, "-m", "okrtui", "--db", str(target), "import", str(json_path)], runs,
                          before=fresh_sqlite(empty, target))
        row(f"(e) import from CSV, {what} (vs the same as okrtui/1 JSON)", ours, base, 1.5)
        ours, base = pair([PY, "-m", "okrtui", "--db", str(target), "import", str(book)],
                          [PY, "-m", "okrtui", "--db", str(target), "import", str(json_path)], runs,
                          before=fresh_sqlite(empty, target))
        row(f"(e) import from XLSX, {what} (vs the same as okrtui/1 JSON)", ours, base, 4)

    print(f"\n{time.strftime('%Y-%m-%d')} · {os.cpu_count()} cores · Python {sys.version.split()[0]} · "
          f"medians of {runs} ({max(1, runs // 2)} for (b), 3 × {runs} for (c), {runs * 2} for (d)) · load average at end: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| measure | okrtui vs baseline | ratio | target |")
    print("| --- | --- | --- | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
