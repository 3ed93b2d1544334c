"""The HTML page against the Markdown report, on the same data in the same run:

    python bench/publish.py [--runs 3]

10,000 KRs with 13 weekly check-ins each (bench/make_data.py): the heavy single user (every KR
their own: `report` and `export --format html` both show all 10,000), and the team (10,000 KRs
synced in: `--team` on both). Whole processes, medians, the two commands taking turns. The goal
(issue 29): the page in at most 1.3x the time of `report --format md`."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_data import make_db  # noqa: E402

PY = sys.executable
AS_OF = "2026-11-26"


def once(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="okrtui-bench-publish-"))
    solo, team = folder / "solo-10000.db", folder / "team-10000.db"
    make_db(solo, 10_000, people_count=1)
    make_db(team, 10_000)
    print("| data | `report --format md` | `export --format html` | ratio | goal |")
    print("| --- | --- | --- | --- | --- |")
    for label, db, extra in (("10,000 own KRs", solo, []), ("10,000-KR team period, --team", team, ["--team"])):
        md = [PY, "-m", "okrtui", "--db", str(db), "report", "--format", "md", "--as-of", AS_OF, *extra]
        html = [PY, "-m", "okrtui", "--db", str(db), "export", "--format", "html", "--as-of", AS_OF, *extra,
                "-o", str(folder / "page.html")]
        once(md), once(html)  # warm the file cache
        t_md, t_html = [], []
        for _ in range(args.runs):
            t_md.append(once(md))
            t_html.append(once(html))
        a, b = statistics.median(t_md), statistics.median(t_html)
        size = (folder / "page.html").stat().st_size / 2**20
        print(f"| {label} ({size:.1f} MiB page) | {a * 1000:.0f} ms | {b * 1000:.0f} ms | {b / a:.2f}× | "
              f"≤ 1.3× {'met' if b / a <= 1.3 else 'missed'} |")


if __name__ == "__main__":
    main()
