"""PostgreSQL import against COPY of the same rows (issue 31, item 6), in one run:

    python bench/pg_import.py            # about 3 minutes on 2 cores; --runs N, --keep DIR

Starts its own PostgreSQL 16 (pgserver) in a temporary folder, makes two databases with `okrtui admin
init` and the document's 100 people added (`admin add-person`), and times whole processes, interleaved
(ours, floor, ours, …) after a warm-up of each:

- ours: `okrtui --db postgresql://lead@… import DOC` (2,000 objectives, 10,000 KRs, 130,000 check-ins):
  a member of the shared database, through row-level security, with every check the import makes;
- the floor: bench/bare_copy.py, the standard library's json and psycopg's COPY of the same rows into
  the same tables of the other database, as its owner (COPY FROM is refused where a policy applies).

Before each run the OKR tables of the run's database are emptied (TRUNCATE: new files, as a fresh
database's). Target: ours <= 2x the floor. The load average is printed before and after.

    python bench/pg_import.py --before DIR    # also another checkout's okrtui (a git worktree), in the same runs

With --before, a third database is set up by DIR's own `okrtui admin init` (its policies, its triggers)
and DIR's `okrtui import` runs there (PYTHONPATH=DIR), interleaved with the other two.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
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

from make_data import make_document  # noqa: E402

PY = sys.executable
TABLES = "check_in, key_result, dependency, reflection, objective, team, period"


def wall(args: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} failed: {proc.stderr[-800:]}")
    return elapsed


def database(server, name: str, doc: dict, env: dict[str, str] | None = None
             ) -> tuple[str, Callable[[], None], Callable[[], int]]:
    """A database set up by `admin init` with the document's people: its URL without a login, a reset
    (empty OKR tables) and a count of check-ins (to see that a run wrote them all). With `env`, set up
    by that environment's okrtui (`admin init`, `admin add-person`)."""
    from sqlalchemy import create_engine, text

    from okrtui.storage.postgres import pg
    from okrtui.storage.postgres.engine import admin_init

    server.psql(f"DROP DATABASE IF EXISTS {name};")
    server.psql(f"CREATE DATABASE {name};")
    host = server.get_uri().split("host=", 1)[1]
    owner = f"postgresql://postgres@/{name}?host={host}"
    if env is None:
        admin_init(owner)
    else:
        wall([PY, "-m", "okrtui", "admin", "init", "--db", owner], env)
    engine = create_engine(pg.postgres_url(owner))
    for person in doc["people"]:
        if env is None:
            pg.add_person(engine, person["id"].removeprefix("p-"), person["name"], person["email"])
        else:
            wall([PY, "-m", "okrtui", "admin", "add-person", person["id"].removeprefix("p-"), "--name",
                  person["name"], "--email", person["email"], "--db", owner], env)

    def reset() -> None:
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {TABLES}"))

    def check_ins() -> int:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM check_in")).scalar_one())

    return f"@/{name}?host={host}", reset, check_ins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per median (default 5)")
    parser.add_argument("--keep", type=Path, help="keep the document in this folder")
    parser.add_argument("--before", type=Path, help="also time this checkout's okrtui (PYTHONPATH=DIR)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="okrtui-pgimport-"))
    folder.mkdir(parents=True, exist_ok=True)
    start_load = os.getloadavg()

    # The quarter before the benchmark's: `okrtui import` refuses a check-in after today (bench/bulk.py).
    # One person's history, every record theirs: a member imports only their own records (a check-in
    # on a teammate's KR is refused), as someone moving their OKRs into the company's database does.
    doc = make_document(day=dt.date(2026, 8, 15), people=1)
    doc_path = folder / "company-q3.json"
    if not doc_path.exists():
        doc_path.write_text(json.dumps(doc))
    rows = sum(1 + len(o["key_results"]) + sum(len(k["check_ins"]) for k in o["key_results"])
               for o in doc["objectives"])

    import pgserver

    server = pgserver.get_server(folder / "pg", cleanup_mode="stop")
    try:
        ours_db, ours_reset, ours_count = database(server, "imported", doc)
        floor_db, floor_reset, floor_count = database(server, "copied", doc)
        ours_cmd = [PY, "-m", "okrtui", "--db", f"postgresql://lead{ours_db}", "import", str(doc_path)]
        floor_cmd = [PY, str(HERE / "bare_copy.py"), str(doc_path), f"postgresql://postgres{floor_db}"]
        sides: list[tuple[str, list[str], Callable[[], None], Callable[[], int], dict[str, str] | None]] = [
            ("ours", ours_cmd, ours_reset, ours_count, None), ("floor", floor_cmd, floor_reset, floor_count, None)]
        if args.before is not None:
            env = {**os.environ, "PYTHONPATH": str(args.before.resolve())}
            before_db, before_reset, before_count = database(server, "before", doc, env)
            sides.append(("before", [PY, "-m", "okrtui", "--db", f"postgresql://lead{before_db}", "import",
                                     str(doc_path)], before_reset, before_count, env))
        times: dict[str, list[float]] = {name: [] for name, *_ in sides}
        for i in range(args.runs + 1):  # run 0: the warm-up of each
            for name, cmd, reset, count, env in sides:
                reset()
                t = wall(cmd, env)
                written = count()
                if written != 130_000:
                    raise RuntimeError(f"{name} wrote {written} check-ins, not 130,000")
                if i:
                    times[name].append(t)
                print(f"run {i} {name}: {t:.2f} s", file=sys.stderr)
    finally:
        server.cleanup()

    ours, floor = statistics.median(times["ours"]), statistics.median(times["floor"])
    ratio = ours / floor
    print(f"\n{time.strftime('%Y-%m-%d %H:%M')} · {os.cpu_count()} cores · Python {sys.version.split()[0]} · "
          f"medians of {args.runs}, interleaved · {rows:,} rows · load average "
          f"{' '.join(f'{x:.2f}' for x in start_load)} at start, "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at end\n")
    print("| measure | okrtui vs COPY | ratio | target |")
    print("| --- | --- | --- | --- |")
    print(f"| `okrtui import` as a member, through RLS, vs psycopg COPY as the owner, 10,000 KRs + 130,000 "
          f"check-ins | {ours:.2f} s vs {floor:.2f} s | {ratio:.2f}× | ≤ 2× {'met' if ratio <= 2 else 'missed'} |")
    if "before" in times:
        before = statistics.median(times["before"])
        print(f"| the same, {args.before}'s okrtui (same runs) | {before:.2f} s vs {floor:.2f} s | "
              f"{before / floor:.2f}× | ≤ 2× {'met' if before / floor <= 2 else 'missed'} |")
    print("\nall runs (s): " + " · ".join(f"{name} " + " ".join(f"{t:.2f}" for t in runs)
                                         for name, runs in times.items()))


if __name__ == "__main__":
    main()
