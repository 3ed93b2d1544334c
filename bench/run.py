"""okrtui's benchmarks, beside a bare Textual app, in one run: `python bench/run.py`.

Makes two kinds of data set, 13 weekly check-ins per KR: the team (100 to 50,000 KRs
of which the user owns one person's share, the rest synced in) and the heavy single
user (100, 2,500 and 10,000 KRs, every row their own), and team files of 50 and 100
people; then measures T1–T6 of the performance issues. "Usable" is the time from the
process's start until the period's rows are on screen, against bench/bare_sqlite.py (a
bare Textual app reading its rows with sqlite3). Whole-process figures are medians of
several runs after a warm-up. Prints a Markdown table of figures, ratios and targets.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_data import TODAY, make_db, make_team_file  # noqa: E402

PY = sys.executable


CPU_S: dict[tuple[str, ...], list[float]] = {}  # each command's whole-process CPU times (user + system), by its args


def run_process(args: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall time of one process (or, when it prints USABLE_S, the time from its start until its
    screen was usable), and the peak memory it printed (MAXRSS_KB), if any. Its CPU time (user +
    system, the whole process) goes to CPU_S: on a shared machine it moves less than the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    start = time.perf_counter()
    # Without PYTHONDONTWRITEBYTECODE (set in some shells and CI): the warm-up writes the .pyc files a
    # user's install has, else every run compiles okrtui's modules again (0.3 s of a 1 s command).
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.run(args, capture_output=True, text=True, env={**base, **(env or {}), "BENCH_T0": repr(t0)})
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {proc.stderr[-500:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_S.setdefault(tuple(args), []).append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    rss = 0
    for line in proc.stdout.splitlines():
        if line.startswith("MAXRSS_KB"):
            rss = int(line.split()[1])
        if line.startswith("USABLE_S"):
            elapsed = float(line.split()[1])
    return elapsed, rss


def paired(ours: list[str], base: list[str], runs: int) -> tuple[tuple[float, int], tuple[float, int]]:
    """Medians (and peak memory) of `runs` interleaved runs of each (ours, base, ours, …) after one
    warm-up of each: on a shared machine a burst of load then lands on both, not on one of them."""
    times: dict[int, list[float]] = {0: [], 1: []}
    rss: dict[int, list[int]] = {0: [], 1: []}
    for i in range(runs + 1):
        for n, args in enumerate((ours, base)):
            t, r = run_process(args)
            if i:
                times[n].append(t)
                rss[n].append(r)
            else:
                CPU_S[tuple(args)].pop()  # the warm-up's
    return ((statistics.median(times[0]), max(rss[0])), (statistics.median(times[1]), max(rss[1])))


def median_of(args: list[str], runs: int, env: dict | None = None, before=None) -> tuple[float, int]:
    if before:
        before()
    run_process(args, env)  # warm-up: file cache, .pyc
    times, rss = [], []
    for _ in range(runs):
        if before:
            before()
        t, r = run_process(args, env)
        times.append(t)
        rss.append(r)
    return statistics.median(times), max(rss)


# --- in-process interaction timings (T3) --------------------------------------------------------

async def interaction_times(db: Path) -> dict[str, float]:
    """Key presses that switch screens, and a check-in save, in a headless app."""
    from okrtui.config import Config
    from okrtui.storage.backend import open_engine
    from okrtui.tui.app import OkrApp

    engine = open_engine(db)
    app = OkrApp(engine, Config(cursor_blink=False), TODAY)
    app.animation_level = "none"
    out: dict[str, float] = {}

    async def settle(pilot) -> None:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key, name in (("c", "check-in"), ("w", "review"), ("s", "scoring"), ("t", "team"), ("o", "objectives")):
            start = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            out[f"switch to {name}"] = time.perf_counter() - start
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        start = time.perf_counter()
        await pilot.press("4", "2", "enter")
        while app.screen.__class__.__name__ == "CheckinForm":
            await asyncio.sleep(0.001)
        out["save a check-in (form closed)"] = time.perf_counter() - start
        await settle(pilot)
        out["save + background reload"] = time.perf_counter() - start
    engine.dispose()
    return out


# --- sync (T5) ---------------------------------------------------------------------------------------

def plain_rewrite(path: Path) -> None:
    """The baseline: read, parse and rewrite the same file in plain Python (temp file, fsync, rename)."""
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            records.append(json.loads(line))
    out = Path(f"{path}.plain")
    with open(out, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(out, f"{path}.copy")


def timed(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sync_times(folder: Path, team: Path, runs: int) -> dict[str, float]:
    """In one process with imports done: the sync's own work against the plain rewrite.
    Also the whole `okrtui sync` process, which adds Python and SQLModel start-up."""
    from okrtui.exchange import sync
    from okrtui.storage.backend import open_engine

    lead = folder / f"lead-{team.stem}.db"
    if not lead.exists():
        make_db(lead, krs=9)
    work = folder / f"work-{team.name}"
    target = folder / f"synced-{team.stem}.db"
    firsts = []
    for _ in range(runs):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copy(lead, target)
        shutil.copy(team, work)
        engine = open_engine(target)
        start = time.perf_counter()
        sync.sync(engine, work)
        firsts.append(time.perf_counter() - start)
        engine.dispose()
    engine = open_engine(target)
    steady = timed(lambda: sync.sync(engine, work), runs)
    engine.dispose()
    plain = timed(lambda: plain_rewrite(work), runs)
    process, _ = median_of([PY, "-m", "okrtui", "--db", str(target), "sync", str(work)], runs)
    return {"first": statistics.median(firsts), "steady": steady, "plain": plain, "process": process}


# --- the run -----------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per whole-process median (default 5)")
    parser.add_argument("--keep", type=Path, help="keep the data sets in this folder")
    parser.add_argument("--start-only", action="store_true", dest="start_only",
                        help="only T1, T2 and T6 (start-up, about a minute)")
    parser.add_argument("--python", default=PY,
                        help="the interpreter the app and floor processes run under, e.g. a venv with a regular "
                             "(non-editable) `pip install .` (default: this one)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="okrtui-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    runs = args.runs
    started = time.perf_counter()

    dbs = {}
    team_sizes = (1_000, 10_000) if args.start_only else (100, 1_000, 10_000, 20_000, 50_000)
    for n in team_sizes:  # the team: the user owns one person's share
        path = folder / f"krs-{n}.db"
        if not path.exists():
            make_db(path, n)
        dbs[n] = path
    solo = {}
    for n in (10_000,) if args.start_only else (100, 2_500, 10_000):  # the heavy single user: every row is their own
        path = folder / f"solo-{n}.db"
        if not path.exists():
            make_db(path, n, people_count=1)
        solo[n] = path
    empty = folder / "empty.db"
    if not empty.exists():
        make_db(empty, 0)
    teams = {} if args.start_only else {p: (folder / f"team-{p}.jsonl") for p in (50, 100)}
    for people, path in teams.items():
        if not path.exists():
            teams[people] = make_team_file(folder, people, f"team-{people}")
    print(f"data ready in {time.perf_counter() - started:.1f} s ({folder})", file=sys.stderr)

    rows: list[tuple[str, str, str, str, str]] = []
    context: list[tuple[str, object]] = []

    def row(tid: str, what: str, ours: float, base: float, target: float, unit: str = "s") -> None:
        ratio = ours / base
        fmt = (lambda v: f"{v * 1000:.0f} ms") if unit == "s" else (lambda v: f"{v / 1024:.0f} MiB")
        verdict = "met" if ratio <= target else "missed"
        rows.append((tid, what, f"{fmt(ours)} vs {fmt(base)}", f"{ratio:.2f}×", f"≤ {target}× {verdict}"))

    bare = [args.python, str(HERE / "bare_app.py")]
    anchor = [args.python, str(HERE / "bare_sqlite.py")]
    probe = [args.python, str(HERE / "probe_tui.py")]
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)

    def cpu(ours: list[str], base: list[str], what: str) -> None:
        mine, theirs = statistics.median(CPU_S[tuple(ours)]), statistics.median(CPU_S[tuple(base)])
        context.append((f"CPU, whole process, {what} (okrtui / floor)",
                        f"{mine * 1000:.0f} ms / {theirs * 1000:.0f} ms, {mine / theirs:.2f}×"))

    # Small figures: more runs against noise, interleaved with the floor's.
    (t_first, _), (t_bare0, _) = paired([*probe, str(empty), "first-frame"], [*bare, "0"], runs * 2)
    row("T1", "cold start to first frame, empty database (vs bare app)", t_first, t_bare0, 1.15)
    cpu([*probe, str(empty), "first-frame"], [*bare, "0"], "T1")

    # Usable at once: from start until the period's rows (or the empty-state hint) are on screen,
    # against a bare Textual app that reads its rows from the same file with sqlite3.
    memory = {}
    for label, db, count in (("empty database", empty, runs * 2), ("1,000 KRs, team", dbs[1_000], runs),
                             ("10,000 KRs, team", dbs[10_000], runs), ("10,000 KRs, heavy single user", solo[10_000], runs)):
        (t_usable, rss_usable), (t_anchor, rss_anchor) = paired([*probe, str(db), "data"], [*anchor, str(db)], count)
        row("T2", f"start until usable, {label}", t_usable, t_anchor, 1.2)
        cpu([*probe, str(db), "data"], [*anchor, str(db)], f"T2, {label}")
        memory[label] = (rss_usable, rss_anchor)
    if args.start_only:
        for label, (ours, base) in memory.items():
            row("T6", f"peak memory until usable, {label}", ours, base, 2, unit="kb")
        report(rows, context, runs, teams=None)
        print(f"whole run: {time.perf_counter() - started:.0f} s", file=sys.stderr)
        return
    t_50k, _ = median_of([*probe, str(dbs[50_000]), "data"], 1)
    t_50k_anchor, rss_50k_anchor = median_of([*anchor, str(dbs[50_000])], 1)
    context.append(("start until usable, 50,000 KRs (okrtui / sqlite3 anchor)",
                    f"{t_50k * 1000:.0f} ms / {t_50k_anchor * 1000:.0f} ms"))

    def interactions(db: Path) -> dict[str, float]:
        rounds = [asyncio.run(interaction_times(db)) for _ in range(3)]
        return {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}

    for label, small_db, large_db in (("team", dbs[100], dbs[10_000]), ("heavy single user", solo[100], solo[10_000])):
        small = interactions(small_db)
        large = interactions(large_db)
        for name in small:
            row("T3", f"{name}, 10,000 vs 100 KRs, {label}", large[name], small[name], 1.5)

    t_import, _ = median_of([PY, "-c", "import sqlmodel"], runs)
    for label, source in (("team", dbs[10_000]), ("heavy single user", solo[10_000])):
        db = folder / f"cli-{source.name}"
        shutil.copy(source, db)
        mine = "kr-000000-0"  # the user's own KR in both data sets
        # A fresh copy before each run, so each run writes a new check-in (a repeat of the same
        # value on the same day would write nothing and flatter the figure).
        t_checkin, _ = median_of([PY, "-m", "okrtui", "--db", str(db), "checkin", mine, "42", "--date", "2026-11-26"],
                                 runs, before=lambda source=source, db=db: shutil.copy(source, db))
        shutil.copy(source, db)
        row("T4", f"`okrtui checkin`, 10,000 KRs, {label}, vs `import sqlmodel`", t_checkin, t_import, 1.3)
        t_report, _ = median_of([PY, "-m", "okrtui", "--db", str(db), "report", "--format", "json",
                                 "--as-of", "2026-11-26"], runs)
        row("T4", f"`okrtui report --format json`, 10,000 KRs, {label}", t_report, t_import, 1.3)
    for fmt in ("json", "md", "text"):
        t_own, _ = median_of([PY, "-m", "okrtui", "--db", str(solo[2_500]), "report", "--format", fmt,
                              "--as-of", "2026-11-26"], runs)
        row("T4", f"`report --format {fmt}`, 2,500 own KRs (32,500 check-ins)", t_own, t_import, 1.3)
    for fmt in ("json", "md", "text"):
        t_team, _ = median_of([PY, "-m", "okrtui", "--db", str(dbs[20_000]), "report", "--team", "--format", fmt,
                               "--as-of", "2026-11-26"], runs)
        row("T4", f"`report --team --format {fmt}`, 20,000-KR team period", t_team, t_import, 2)

    s50 = sync_times(folder, teams[50], runs)
    s100 = sync_times(folder, teams[100], runs)
    row("T5", "sync of the 50-person team file, nothing new (in process)", s50["steady"], s50["plain"], 3)
    row("T5", "first sync of it into a new database (in process)", s50["first"], s50["plain"], 3)
    row("T5", "twice the data vs once (nothing new)", s100["steady"], s50["steady"], 2.2)
    row("T5", "twice the data vs once (first sync)", s100["first"], s50["first"], 2.2)
    context.append(("whole `okrtui sync` process, 50 people, nothing new", s50["process"]))
    context.append(("whole `okrtui sync` process, 100 people, nothing new", s100["process"]))

    for label, (ours, base) in memory.items():
        row("T6", f"peak memory until usable, {label}", ours, base, 2, unit="kb")

    report(rows, context, runs, teams)
    print(f"whole run: {time.perf_counter() - started:.0f} s", file=sys.stderr)


def report(rows: list[tuple[str, str, str, str, str]], context: list[tuple[str, object]], runs: int,
           teams: dict[int, Path] | None) -> None:
    print(f"\n{platform.platform()} · Python {platform.python_version()} · {os.cpu_count()} cores · "
          f"{time.strftime('%Y-%m-%d %H:%M')} · {runs} runs per median · load average at end: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| id | what | okrtui vs baseline | ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    if context:
        print("\nContext:\n")
    for what, value in context:
        shown = f"{value * 1000:.0f} ms" if isinstance(value, float) else value
        print(f"- {what}: {shown}")
    if teams:
        print(f"\nteam files: 50 people = {teams[50].stat().st_size / 2**20:.1f} MiB, "
              f"100 people = {teams[100].stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
