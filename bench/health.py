"""Health metrics' benchmarks (issue 28), each against its floor in the same run:
`python bench/health.py [--runs N] [--keep DIR]`.

- H1: the Health screen with 1,000 metrics and 150,000 measurements, from the process's start until
  its rows are on screen, vs bench/bare_metrics.py (a bare Textual app showing 1,000 rows read with
  sqlite3); target ≤ 1.5×.
- H2: `okrtui metric record` vs `okrtui checkin` on the 10,000-KR database (with the metrics); ≤ 1.1×.
- H3: `okrtui metric list --team --format json` on that data vs `okrtui report --format json` at
  10,000 KRs; ≤ 1.3×.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_data import ME, STAMP, TODAY, make_db  # noqa: E402
from run import PY, run_process  # noqa: E402

METRICS, PER_METRIC = 1_000, 150
# `okrtui ARGS` as `python -m okrtui` runs it, exit 1 ("something needs you") counted as done: metric
# list exits 1 when one of yours is unhealthy, and the bench's runner takes any other status as a failure.
CLI = [PY, "-c", "import sys; from okrtui.cli import main; sys.exit(0 if main(sys.argv[1:]) in (0, 1) else 2)"]


def add_metrics(path: Path, metrics: int = METRICS, per_metric: int = PER_METRIC, seed: int = 28) -> None:
    """`metrics` weekly metrics, one in ten the user's own, each with `per_metric` weekly measurements
    up to TODAY's week (about three years)."""
    rng = random.Random(seed)
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    since = monday - dt.timedelta(weeks=per_metric)
    base = ("origin", "created_at", "updated_at", "deleted", "signature")
    with sqlite3.connect(path) as conn:
        owners = [ME] + [r[0] for r in conn.execute("SELECT id FROM person WHERE id <> ? ORDER BY id LIMIT 99", (ME,))]
        rows, values = [], []
        for i in range(metrics):
            owner = ME if i % 10 == 0 else owners[i % len(owners)]
            rows.append((f"m-{i:05d}", owner, STAMP, STAMP, 0, "", f"Metric {i}", "%", "", None, None, "weekly",
                         99.0 if i % 3 == 0 else None, None, "shared", since.isoformat(), None))
            for w in range(per_metric):
                day = since + dt.timedelta(weeks=w + 1)
                values.append((f"x-{i:05d}-{w:03d}", owner, STAMP, STAMP, 0, "", f"m-{i:05d}", day.isoformat(),
                               round(rng.uniform(98.5, 100), 2), "", owner))
        conn.executemany(f"INSERT INTO metric ({', '.join(base)}, id, name, unit, description, owner_id, team_id, "
                         "cadence, low, high, visibility, since, archived_on) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [(r[1], r[2], r[3], r[4], r[5], r[0], *r[6:]) for r in rows])
        conn.executemany(f"INSERT INTO measurement ({', '.join(base)}, id, metric_id, date, value, note, author_id) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [(v[1], v[2], v[3], v[4], v[5], v[0], *v[6:]) for v in values])
    conn.close()


def pair(floor: list[str], ours: list[str], runs: int, before=None) -> tuple[float, float]:
    """Median seconds of `floor` and of `ours`, run in turns (a warm-up of each first)."""
    times: tuple[list[float], list[float]] = ([], [])
    for i in range(runs + 1):
        for side, args in enumerate((floor, ours)):
            if before:
                before()
            t, _ = run_process(args, None)
            if i:
                times[side].append(t)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="okrtui-bench-health-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "health-10k.db"
    if not db.exists():
        make_db(db, 10_000)
        add_metrics(db)
    rows = []

    def row(tid: str, what: str, ours: float, base: float, target: float) -> None:
        ratio = ours / base
        rows.append(f"| {tid} | {what} | {ours * 1000:.0f} ms vs {base * 1000:.0f} ms | {ratio:.2f}× | "
                    f"≤ {target}× {'met' if ratio <= target else 'missed'} |")
        print(rows[-1], file=sys.stderr)  # as it comes: a long run that fails later keeps its figures

    # Each pair alternates, run by run (floor, okrtui, floor, okrtui, ...), so load that comes and goes
    # falls on both alike; all of one then all of the other once read H2 at 1.28x and, alternated, 0.94x.
    t_bare, t_health = pair([PY, str(HERE / "bare_metrics.py"), str(db)],
                            [PY, str(HERE / "probe_health.py"), str(db)], args.runs)
    row("H1", "Health screen usable, 1,000 metrics, 150,000 measurements (vs bare Textual + sqlite3, 1,000 rows)",
        t_health, t_bare, 1.5)

    work = folder / "work.db"
    mine = "kr-000000-0"
    fresh = lambda: shutil.copy(db, work)  # noqa: E731 - each run writes a new row
    t_checkin, t_record = pair(
        [PY, "-m", "okrtui", "--db", str(work), "checkin", mine, "42", "--date", "2026-11-26"],
        [PY, "-m", "okrtui", "--db", str(work), "metric", "record", "m-00000", "99.5", "--date", "2026-11-26"],
        args.runs, before=fresh)
    row("H2", "`okrtui metric record` vs `okrtui checkin` (10,000 KRs, 1,000 metrics)", t_record, t_checkin, 1.1)
    t_report, t_list = pair(
        [*CLI, "--db", str(db), "report", "--format", "json", "--as-of", "2026-11-26"],
        [*CLI, "--db", str(db), "metric", "list", "--team", "--format", "json", "--as-of", "2026-11-26"], args.runs)
    row("H3", "`okrtui metric list --team --format json` (1,000 metrics, 150,000 measurements) vs "
        "`report --format json` (10,000 KRs)", t_list, t_report, 1.3)
    print("| id | what | okrtui vs floor | ratio | target |\n| --- | --- | --- | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
