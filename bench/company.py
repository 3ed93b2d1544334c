"""Company scale on a shared PostgreSQL database beside SQLite, in one run:

    python bench/company.py          # about 3 minutes on 2 cores

500 people, 20,000 KRs, 260,000 check-ins in one quarter; the measured person ("lead") owns
one person's share. The same rows go into a SQLite file and into a PostgreSQL 16 database
that this script starts (pgserver), set up with `okrtui admin init` and `admin add-person`
(row-level security on). Measured, as medians of whole processes: the TUI from start to data
visible, `report --format json` (own records, and --team), one `checkin`; then the
throughput of 20 processes checking in at once (10 check-ins each).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_data import fill, make_db  # noqa: E402

PY = sys.executable
KRS, PEOPLE, RUNS, WRITERS = 20_000, 500, 3, 20

WRITER = """
import datetime as dt, sys
from okrtui.cycle import checkins
from okrtui.config import db_target
from okrtui.storage.backend import open_engine
engine = open_engine(db_target(sys.argv[1]))
for i in range(10):
    checkins.record(engine, sys.argv[2], 50 + i, day=dt.date(2026, 11, 20))
"""


def median_seconds(args: list[str]) -> float:
    times = []
    for _ in range(RUNS + 1):  # the first run warms the caches and is not counted
        start = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(args)}: {proc.stderr[-400:]}")
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def throughput(db: str) -> float:
    start = time.perf_counter()
    procs = [subprocess.Popen([PY, "-c", WRITER, db, f"kr-000000-{n % 3}"]) for n in range(WRITERS)]
    for proc in procs:
        if proc.wait() != 0:
            raise RuntimeError("a writer failed")
    return WRITERS * 10 / (time.perf_counter() - start)


def postgres(folder: Path) -> str:
    import pgserver
    from sqlalchemy import create_engine

    from okrtui.storage.postgres import pg
    from okrtui.storage.postgres.engine import admin_init

    server = pgserver.get_server(folder / "pg", cleanup_mode=None)
    server.psql("CREATE DATABASE company;")
    host = server.get_uri().split("host=", 1)[1]
    owner = f"postgresql://postgres@/company?host={host}"
    admin_init(owner)
    engine = create_engine(pg.postgres_url(owner))
    pg.add_person(engine, "lead", "Lead", "")
    with engine.begin() as conn:
        fill(conn, KRS, people_count=PEOPLE)
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return f"postgresql://lead@/company?host={host}"


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="okrtui-company-"))
    print(f"making {KRS:,} KRs, {KRS * 13:,} check-ins, {PEOPLE} people …", file=sys.stderr)
    sqlite = str(make_db(folder / "company.db", KRS, people_count=PEOPLE))
    shared = postgres(folder)
    rows = []
    for name, args in (
        ("TUI start to data visible", [PY, str(HERE / "probe_tui.py"), "{db}", "data"]),
        ("report --format json (own)", [PY, "-m", "okrtui", "report", "--db", "{db}", "--format", "json",
                                        "--as-of", "2026-11-26"]),
        ("report --format json --team", [PY, "-m", "okrtui", "report", "--db", "{db}", "--format", "json",
                                         "--as-of", "2026-11-26", "--team"]),
        ("one checkin", [PY, "-m", "okrtui", "checkin", "kr-000000-0", "50", "--date", "2026-11-20",
                         "--db", "{db}"]),
    ):
        a = median_seconds([x.replace("{db}", sqlite) for x in args])
        b = median_seconds([x.replace("{db}", shared) for x in args])
        rows.append((name, f"{a:.2f} s", f"{b:.2f} s", f"{b / a:.2f}×"))
    anchor = median_seconds([PY, "-c", "import sqlmodel"])
    rows.append(("(anchor) python -c 'import sqlmodel'", f"{anchor:.2f} s", "", ""))
    a, b = throughput(sqlite), throughput(shared)
    rows.append((f"{WRITERS} processes checking in at once", f"{a:.0f} check-ins/s", f"{b:.0f} check-ins/s",
                 f"{b / a:.2f}×"))
    print(f"| measure ({KRS:,} KRs, {KRS * 13:,} check-ins, {PEOPLE} people) | SQLite | PostgreSQL | "
          "PostgreSQL / SQLite |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nmachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}", file=sys.stderr)


if __name__ == "__main__":
    main()
