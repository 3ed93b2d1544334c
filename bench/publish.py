"""The HTML page against the Markdown report, on the same data in the same run:

    python bench/publish.py [--runs 5] [--keep DIR] [--metrics 200] [--compile-each-run]

10,000 KRs with 13 weekly check-ins each (bench/make_data.py) and health metrics with about three
years of weekly measurements (bench/health.py's add_metrics: both commands show them, each in its
Health section): the heavy single user (every KR and metric their own: `report` and
`export --format html` both show all of them), and the team (10,000 KRs synced in, the metrics
shared: `--team` on both). Whole processes, medians, the two commands taking turns; each process's
wall time and CPU time (user + system, which a loaded machine moves less). A shared machine's speed
moves between runs by as much as the page's difference, so the ratio is also given as the median of
each page's wall time over its neighbouring report's (the two ran under the same load). The goal
(issue 29): the page in at most 1.3x the time of `report --format md`."""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from health import add_metrics  # noqa: E402
from make_data import make_db  # noqa: E402

PY = sys.executable
AS_OF = "2026-11-26"


ENV = dict(os.environ)


def once(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, env=ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="a folder to keep (and reuse) the data in")
    parser.add_argument("--metrics", type=int, default=200, help="health metrics (150 measurements each)")
    parser.add_argument("--compile-each-run", action="store_true",
                        help="as a checkout run with PYTHONDONTWRITEBYTECODE=1: each process compiles okrtui anew")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="okrtui-bench-publish-"))
    folder.mkdir(parents=True, exist_ok=True)
    if not args.compile_each_run:
        # As an installed okrtui runs: its bytecode made once (by the warm-up runs, in the bench's
        # folder, not the checkout). Without it every process compiles okrtui's modules again (about
        # 170 ms of CPU in `report --format md` here), which both commands pay and hides their ratio.
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    solo, team = folder / f"solo-10000-m{args.metrics}.db", folder / f"team-10000-m{args.metrics}.db"
    for db, people in ((solo, 1), (team, None)):
        if not db.exists():
            make_db(db, 10_000, people_count=people)
            if args.metrics:
                add_metrics(db, args.metrics)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; okrtui "
          f"{'compiled by each process' if args.compile_each_run else 'from its bytecode, as installed'}")
    print("| data | `report --format md` wall / CPU | `export --format html` wall / CPU | ratio wall | ratio CPU "
          "| ratio of pairs | goal |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for label, db, extra in (("10,000 own KRs", solo, []), ("10,000-KR team period, --team", team, ["--team"])):
        md = [PY, "-m", "okrtui", "--db", str(db), "report", "--format", "md", "--as-of", AS_OF, *extra]
        html = [PY, "-m", "okrtui", "--db", str(db), "export", "--format", "html", "--as-of", AS_OF, *extra,
                "-o", str(folder / "page.html")]
        once(md), once(html)  # warm the file cache
        t_md, t_html = [], []
        for _ in range(args.runs):
            t_md.append(once(md))
            t_html.append(once(html))
        a, b = (statistics.median(w for w, _ in t_md), statistics.median(c for _, c in t_md))
        c, d = (statistics.median(w for w, _ in t_html), statistics.median(c for _, c in t_html))
        size = (folder / "page.html").stat().st_size / 2**20
        # Each page against the report run just before it, and the one just after (the same load).
        neighbours = [h / m for i, (h, _) in enumerate(t_html) for m, _ in t_md[i:i + 2]]
        pairs = statistics.median(neighbours)
        print(f"| {label} ({size:.1f} MiB page) | {a * 1000:.0f} / {b * 1000:.0f} ms | {c * 1000:.0f} / "
              f"{d * 1000:.0f} ms | {c / a:.2f}× | {d / b:.2f}× | {pairs:.2f}× "
              f"| ≤ 1.3× {'met' if c / a <= 1.3 else 'missed'} |")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
