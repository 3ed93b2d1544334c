"""okrtui's benchmarks, beside a bare Textual app, in one run: `python bench/run.py`.

Makes data sets of 1,000, 10,000 and 50,000 KRs (13 weekly check-ins each) and
team files of 50 and 100 people, then measures T1–T6 of the performance issue.
Whole-process figures are medians of several runs after a warm-up. Prints a
Markdown table of figures, ratios and targets.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
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


def run_process(args: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall time of one process (or, when it prints USABLE_S, the time from its start until its
    screen was usable), and the peak memory it printed (MAXRSS_KB), if any."""
    t0 = time.time()
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True,
                          env={**os.environ, **(env or {}), "BENCH_T0": repr(t0)})
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {proc.stderr[-500:]}")
    rss = 0
    for line in proc.stdout.splitlines():
        if line.startswith("MAXRSS_KB"):
            rss = int(line.split()[1])
        if line.startswith("USABLE_S"):
            elapsed = float(line.split()[1])
    return elapsed, rss


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
    from okrtui.app import OkrApp
    from okrtui.config import Config
    from okrtui.store import open_engine

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
    from okrtui import sync
    from okrtui.store import open_engine

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
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="okrtui-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    runs = args.runs
    started = time.perf_counter()

    dbs = {}
    for n in (100, 1_000, 10_000, 50_000):
        path = folder / f"krs-{n}.db"
        if not path.exists():
            make_db(path, n)
        dbs[n] = path
    empty = folder / "empty.db"
    if not empty.exists():
        make_db(empty, 0)
    teams = {p: (folder / f"team-{p}.jsonl") for p in (50, 100)}
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

    bare = [PY, str(HERE / "bare_app.py")]
    probe = [PY, str(HERE / "probe_tui.py")]

    t_bare0, _ = median_of([*bare, "0"], runs * 2)  # small figures: more runs against noise
    t_first, _ = median_of([*probe, str(empty), "first-frame"], runs * 2)
    row("T1", "cold start to first frame, empty database", t_first, t_bare0, 1.15)

    t_bare10k, rss_bare10k = median_of([*bare, "10000"], runs)
    t_data10k, rss_data10k = median_of([*probe, str(dbs[10_000]), "data"], runs)
    row("T2", "cold start until objectives show data, 10,000 KRs", t_data10k, t_bare10k, 1.5)
    scale = []
    for n in (1_000, 50_000):
        t_b, _ = median_of([*bare, str(n)], 1 if n > 10_000 else runs)
        t_d, rss_d = median_of([*probe, str(dbs[n]), "data"], 1 if n > 10_000 else runs)
        scale.append((n, t_d, t_b, rss_d))

    def interactions(db: Path) -> dict[str, float]:
        rounds = [asyncio.run(interaction_times(db)) for _ in range(3)]
        return {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}

    small = interactions(dbs[100])
    large = interactions(dbs[10_000])
    for name in small:
        target = 1.5
        row("T3", f"{name}, 10,000 vs 100 KRs", large[name], small[name], target)

    t_import, _ = median_of([PY, "-c", "import sqlmodel"], runs)
    db10k = folder / "cli-10000.db"
    shutil.copy(dbs[10_000], db10k)
    t_checkin, _ = median_of([PY, "-m", "okrtui", "--db", str(db10k), "checkin", "kr-000000-0", "42",
                              "--date", "2026-11-26"], runs)
    t_report, _ = median_of([PY, "-m", "okrtui", "--db", str(db10k), "report", "--format", "json"], runs)
    row("T4", "`okrtui checkin`, 10,000 KRs, vs `import sqlmodel`", t_checkin, t_import, 1.3)
    db100 = folder / "cli-100.db"
    shutil.copy(dbs[100], db100)
    t_checkin100, _ = median_of([PY, "-m", "okrtui", "--db", str(db100), "checkin", "kr-000000-0", "42",
                                 "--date", "2026-11-26"], runs)
    context.append(("`okrtui checkin` at 100 KRs (the same fixed start-up)", t_checkin100))
    row("T4", "`okrtui report --format json`, 10,000 KRs", t_report, t_import, 1.3)

    s50 = sync_times(folder, teams[50], runs)
    s100 = sync_times(folder, teams[100], runs)
    row("T5", "sync of the 50-person team file, nothing new (in process)", s50["steady"], s50["plain"], 3)
    row("T5", "first sync of it into a new database (in process)", s50["first"], s50["plain"], 3)
    row("T5", "twice the data vs once (nothing new)", s100["steady"], s50["steady"], 2.2)
    row("T5", "twice the data vs once (first sync)", s100["first"], s50["first"], 2.2)
    context.append(("whole `okrtui sync` process, 50 people, nothing new", s50["process"]))
    context.append(("whole `okrtui sync` process, 100 people, nothing new", s100["process"]))

    row("T6", "peak memory of the TUI, 10,000 KRs", rss_data10k, rss_bare10k, 1.5, unit="kb")
    _, rss_empty = median_of([*probe, str(empty), "data"], 1)
    _, rss_bare0 = median_of([*bare, "0"], 1)
    context.append(("peak memory, empty database (okrtui / bare app)", f"{rss_empty / 1024:.0f} MiB / "
                                                                       f"{rss_bare0 / 1024:.0f} MiB"))

    print(f"\n{platform.platform()} · Python {platform.python_version()} · {os.cpu_count()} cores · "
          f"{time.strftime('%Y-%m-%d')} · {runs} runs per median\n")
    print("| id | what | okrtui vs baseline | ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print("\nScale (cold start until data shows; bare app with the same number of rows):\n")
    print("| KRs | okrtui | bare app | ratio | okrtui peak memory |")
    print("| --- | --- | --- | --- | --- |")
    for n, t_d, t_b, rss in [(1_000, *scale[0][1:])] + [(10_000, t_data10k, t_bare10k, rss_data10k)] + \
            [(50_000, *scale[1][1:])]:
        print(f"| {n:,} | {t_d * 1000:.0f} ms | {t_b * 1000:.0f} ms | {t_d / t_b:.2f}× | {rss / 1024:.0f} MiB |")
    print("\nContext:\n")
    for what, value in context:
        shown = f"{value * 1000:.0f} ms" if isinstance(value, float) else value
        print(f"- {what}: {shown}")
    print(f"\nteam files: 50 people = {teams[50].stat().st_size / 2**20:.1f} MiB, "
          f"100 people = {teams[100].stat().st_size / 2**20:.1f} MiB")
    print(f"whole run: {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
