"""Start-up in instructions, not milliseconds: okrtui's first frame and "usable" against their floors,
counted by callgrind (user space, every thread), which the machine's load does not move (two runs of
the same code agree within 0.5 %). `python bench/instructions.py [--only T1|T2]`.

T1: bench/probe_tui.py on an empty database, to its first frame, against bench/bare_app.py 0.
T2: the same probe until the period is on screen, against bench/bare_sqlite.py on the same file.
Needs valgrind (`apt-get install valgrind`). Each count takes 20-60 s on this machine.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_data import make_db  # noqa: E402


def instructions(args: list[str]) -> int:
    """The instructions one whole process executes (callgrind's total, all threads)."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # else every run compiles changed modules again
    subprocess.run(args, env=env, check=True, capture_output=True)  # warm: bytecode written
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cg.out"
        done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *args],
                              env=env, check=True, capture_output=True, text=True)
        found = re.search(r"Collected : (\d+)", done.stderr)
        if found is None:
            raise SystemExit(f"no total in callgrind's output:\n{done.stderr[-2000:]}")
        return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=("T1", "T2"))
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        empty = make_db(Path(tmp) / "empty.db", 0)
        cases = {
            "T1": ([py, str(HERE / "probe_tui.py"), str(empty), "first-frame"], [py, str(HERE / "bare_app.py"), "0"],
                   1.15, "first frame, empty database"),
            "T2": ([py, str(HERE / "probe_tui.py"), str(empty), "data"], [py, str(HERE / "bare_sqlite.py"), str(empty)],
                   1.2, "usable, empty database"),
        }
        print("| measure | okrtui | floor | ratio | goal |\n| --- | --- | --- | --- | --- |")
        for name, (ours, floor, goal, what) in cases.items():
            if args.only and name != args.only:
                continue
            a, b = instructions(ours), instructions(floor)
            verdict = "met" if a / b <= goal else "missed"
            print(f"| {name} {what} | {a / 1e6:,.0f} M | {b / 1e6:,.0f} M | {a / b:.3f}× | ≤ {goal}× {verdict} |",
                  flush=True)


if __name__ == "__main__":
    main()
