"""Bytes written to the terminal per key, okrtui beside a bare Textual DataTable app, on a real
pseudo-terminal at 80×24 and 120×40 with TERM=xterm (16 colours, as over SSH).

    python bench/bytes_per_key.py

Cursor moves: the median and the largest of 10 `down` presses in the middle of the list.
Screen switches: each of c w s t o once. Then the detail screen: opening it (enter), the median and
largest of 6 `j` (the next KR: a new chart), a cursor move in its history and esc back.
Prints a Markdown table for docs/performance.md.

Then the team screen at 80×24 as a lead over SSH gets it, with TERM=xterm-256color and TERM=xterm,
on the 50-person team file of bench/lead_minute.py: cursor moves (median and largest of 8 `down`)
in the people view, filtered to red (`b`), in the person picker (`p`, moving through the names)
and in the team's weekly review (`4`).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.terminal import DOWN, Terminal  # noqa: E402

SIZES = ((80, 24), (120, 40))


def env(term: str = "xterm") -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM")}
    out["TERM"] = term
    return out


TEAM_VIEWS = (("people", b"t"), ("filtered to red", b"b"), ("person picker", b"p"), ("team week", b"\x1b4"))


def team_db(folder: Path) -> Path:
    """A lead's database holding the 50-person team file (bench/make_data.py), as after `okrtui sync`."""
    sys.path.insert(0, str(HERE))
    from make_data import make_team_file

    from okrtui.exchange import sync
    from okrtui.storage.backend import open_engine

    db = folder / "lead.db"
    engine = open_engine(db)
    sync.sync(engine, make_team_file(folder, 50, "team50"))
    engine.dispose()
    return db


def measure_team(argv: list[str], term_name: str, cols: int = 80, rows: int = 24) -> dict[str, tuple[float, int]]:
    """(median, largest) bytes of 8 cursor moves in each team view, entered in turn."""
    term = Terminal(argv, cols, rows, env(term_name))
    out = {}
    try:
        term.wait_for("Objective / key result")
        term.settle(quiet=1.0)
        for name, keys in TEAM_VIEWS:
            for key in (keys[:1], keys[1:]) if len(keys) > 1 else (keys,):
                term.press(key)
            term.press(DOWN)  # off the first row: every move below is an ordinary one
            moves = [term.press(DOWN) for _ in range(8)]
            out[name] = (statistics.median(moves), max(moves))
    finally:
        term.close()
    return out


def measure(argv: list[str], cols: int, rows: int, ready: str, switches: bytes = b"",
            detail: bool = False) -> dict[str, float]:
    term = Terminal(argv, cols, rows, env())
    try:
        term.wait_for(ready)
        term.settle(quiet=1.0)
        first = term.total
        term.press(DOWN)
        term.press(DOWN)  # off the first row, so every move below is an ordinary one
        moves = [term.press(DOWN) for _ in range(10)]
        out = {"first screen": first, "cursor move (median)": statistics.median(moves),
               "cursor move (max)": max(moves)}
        for key in switches:
            out[f"switch to {chr(key)}"] = term.press(bytes([key]))
        if detail:
            out["detail: open (enter)"] = term.press(b"\r")
            steps = [term.press(b"j") for _ in range(6)]
            out["detail: next KR, j (median)"] = statistics.median(steps)
            out["detail: next KR, j (max)"] = max(steps)
            out["detail: history cursor move"] = term.press(DOWN)
            out["detail: back (esc)"] = term.press(b"\x1b")
        return out
    finally:
        term.close()


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="okrtui-bytes-"))
    results = []
    for cols, rows in SIZES:
        okr = measure([sys.executable, "-m", "okrtui", "--demo", "--as-of", "2026-11-26", "--db",
                       str(folder / f"demo-{cols}.db")],
                      cols, rows, "Objective / key result", switches=b"cwsto", detail=True)
        bare = measure([sys.executable, str(HERE / "bare_table.py"), "18"], cols, rows, "Result 0")
        results.append((f"{cols}×{rows}", okr, bare))
    team = []
    lead_db = team_db(folder)
    for term_name in ("xterm-256color", "xterm"):
        argv = [sys.executable, "-m", "okrtui", "--as-of", "2026-11-26", "--db", str(lead_db)]
        team.append((term_name, measure_team(argv, term_name)))
    print("| size | measure | okrtui (bytes) | bare DataTable (bytes) | ratio |")
    print("| --- | --- | ---: | ---: | ---: |")
    for size, okr, bare in results:
        for name, value in okr.items():
            anchor = bare.get(name)
            ratio = f"{value / anchor:.1f}×" if anchor else "–"
            print(f"| {size} | {name} | {value:,.0f} | {'' if anchor is None else f'{anchor:,.0f}'} | {ratio} |")
    print()
    print("| team screen at 80×24 (50 people), TERM | view | cursor move, median (bytes) | largest (bytes) |")
    print("| --- | --- | ---: | ---: |")
    for term_name, views in team:
        for name, (median, largest) in views.items():
            print(f"| {term_name} | {name} | {median:,.0f} | {largest:,.0f} |")


if __name__ == "__main__":
    main()
