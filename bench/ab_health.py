"""H1 before and after a change, in one run: `python bench/ab_health.py BEFORE_SRC BEFORE_DB AFTER_DB [--runs N]`.

BEFORE_SRC is a checkout of the code before (`git worktree add --detach DIR COMMIT`); this checkout is the
code after. Each database is bench/health.py's (`--keep DIR`), opened once by its own code (a migration in
between makes them differ). Each round runs, one after the other, the floor (bench/bare_metrics.py) and the
Health probe (bench/probe_health.py) with the code before on its database, then both with the code after on
its own, so load that comes and goes falls on all four alike. Prints each one's median time until usable and
median CPU seconds until then (all threads: on a loaded machine the wall clock also counts the other
processes' turns), each against its own floor, and the load average during the run."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


def once(src: Path, script: str, db: Path) -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as bench/run.py
    env["PYTHONPATH"] = str(src)
    t0 = time.time()
    env["BENCH_T0"] = repr(t0)
    proc = subprocess.run([PY, str(HERE / script), str(db)], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"{script} ({src}) failed: {proc.stderr[-500:]}")
    found = dict(line.split()[:2] for line in proc.stdout.splitlines() if line.startswith(("USABLE_S", "CPU_S")))
    return float(found["USABLE_S"]), float(found["CPU_S"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("before_src", type=Path)
    parser.add_argument("before_db", type=Path)
    parser.add_argument("after_db", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    after_src = HERE.parent
    runs = [("floor, before", args.before_src, "bare_metrics.py", args.before_db),
            ("Health, before", args.before_src, "probe_health.py", args.before_db),
            ("floor, after", after_src, "bare_metrics.py", args.after_db),
            ("Health, after", after_src, "probe_health.py", args.after_db)]
    for _, src, script, db in runs:
        once(src, script, db)  # warm-up: file cache, .pyc
    got: dict[str, list[tuple[float, float]]] = {name: [] for name, *_ in runs}
    loads = [os.getloadavg()[0]]
    for _ in range(args.runs):
        for name, src, script, db in runs:
            got[name].append(once(src, script, db))
        loads.append(os.getloadavg()[0])
    med = {name: (statistics.median(u for u, _ in xs), statistics.median(c for _, c in xs)) for name, xs in got.items()}
    print("| | usable | CPU until usable |\n| --- | --- | --- |")
    for name, (usable, cpu) in med.items():
        floor = med["floor, " + name.split(", ")[1]]
        print(f"| {name} | {usable * 1000:.0f} ms ({usable / floor[0]:.2f}×) | {cpu * 1000:.0f} ms ({cpu / floor[1]:.2f}×) |")
    print(f"medians of {args.runs} rounds; 1-minute load average {min(loads):.1f}–{max(loads):.1f} "
          f"(median {statistics.median(loads):.1f})")


if __name__ == "__main__":
    main()
