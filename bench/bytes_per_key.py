"""Bytes written to the terminal per key, okrtui beside a bare Textual DataTable app, on a real
pseudo-terminal at 80×24 and 120×40 with TERM=xterm (16 colours, as over SSH).

    python bench/bytes_per_key.py

Cursor moves: the median and the largest of 10 `down` presses in the middle of the list.
Screen switches: each of c w s t o once. Then the detail screen: opening it (enter), the median and
largest of 6 `j` (the next KR: a new chart), a cursor move in its history and esc back.
Prints a Markdown table for docs/performance.md.
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


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM")}
    out["TERM"] = "xterm"
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
    print("| size | measure | okrtui (bytes) | bare DataTable (bytes) | ratio |")
    print("| --- | --- | ---: | ---: | ---: |")
    for size, okr, bare in results:
        for name, value in okr.items():
            anchor = bare.get(name)
            ratio = f"{value / anchor:.1f}×" if anchor else "–"
            print(f"| {size} | {name} | {value:,.0f} | {'' if anchor is None else f'{anchor:,.0f}'} | {ratio} |")


if __name__ == "__main__":
    main()
