"""CPU used by an idle TUI: okrtui on SQLite (which reads PRAGMA data_version every second to see
changes made outside it) beside a bare Textual app, each on a real pseudo-terminal at 80×24 with
TERM=xterm, left alone for the same window after its first screen settled.

    python bench/idle_cpu.py [seconds]

Prints CPU seconds per minute of each (from /proc/PID/stat), and the cost of one read of the
change counter in-process (the only work the watch adds while nothing changes).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.terminal import Terminal  # noqa: E402

BARE = """
from textual.app import App
from textual.widgets import DataTable, Footer, Header

class Bare(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("Objective / key result", "Grade")
        table.add_rows([(f"Result {i}", "0.5") for i in range(30)])

Bare().run()
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def idle(argv: list[str], ready: str, seconds: float) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM")}
    env["TERM"] = "xterm"
    term = Terminal(argv, env=env)
    try:
        term.wait_for(ready)
        term.settle(quiet=1.0)
        before = cpu_seconds(term.pid)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            term.settle(quiet=0.5, limit=end - time.monotonic())
        return (cpu_seconds(term.pid) - before) * 60 / seconds
    finally:
        term.close()


def counter_cost(db: Path, n: int = 20000) -> float:
    from okrtui.storage.sqlite.quickread import ChangeCounter

    counter = ChangeCounter(db)
    start = time.perf_counter()
    for _ in range(n):
        counter()
    cost = (time.perf_counter() - start) / n
    counter.close()
    return cost


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE)
        floor = idle([sys.executable, str(bare)], "Result 1", seconds)
        ours = idle([sys.executable, "-m", "okrtui", "--demo", "--as-of", "2026-11-26", "--db", str(db)],
                    "Objective / key result", seconds)
        cost = counter_cost(db)
    print(f"idle {seconds:.0f} s at 80x24, TERM=xterm: CPU seconds per minute")
    print(f"| bare Textual app (floor) | {floor:.3f} |")
    print(f"| okrtui on SQLite, watching data_version every 1 s | {ours:.3f} ({ours / floor:.2f}x) |")
    print(f"one PRAGMA data_version read: {cost * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
