"""The lead's minute: with the 50-person team file, from `okrtui` to "who is behind and why",
on a real pseudo-terminal at 80×24 with TERM=xterm, and then every person's worst KR in turn.

    python bench/lead_minute.py

Keys: t (team screen), b (band filter: red), down down (the first person's most urgent KR,
whose latest check-in and note show on the bottom line); then, for each further person, the
keys that reach their first KR. Prints the keys and the seconds; the goal is under a minute
for all 50 people and at most 10 keys to the first "who is behind".
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_data import make_team_file  # noqa: E402

from okrtui import sync  # noqa: E402
from okrtui.store import open_engine  # noqa: E402
from tests.terminal import DOWN, Terminal  # noqa: E402


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="okrtui-lead-"))
    team_file = make_team_file(folder, 50, "team50")
    db = folder / "lead.db"
    engine = open_engine(db)
    sync.sync(engine, team_file)
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR")}
    env.update(TERM="xterm", OKRTUI_CONFIG=str(folder / "config.toml"))
    term = Terminal([sys.executable, "-m", "okrtui", "--as-of", "2026-11-26", "--db", str(db)], 80, 24, env)
    try:
        start = time.monotonic()
        term.wait_for("Objective / key result")
        startup = term.last_output - start
        path = [b"t", b"b", DOWN, DOWN]
        spent = 0.0
        for key in path:
            term.press(key)
            spent += term.answer_time()
        assert "latest " in term.text(), term.text()
        # All 50 people: clear the band filter, then step down the whole list, key by key.
        for key in (b"b", b"b", b"b"):
            term.press(key)
            spent += term.answer_time()
        steps, answers = 0, []
        while True:
            before = term.text()
            term.press(DOWN)
            answers.append(term.answer_time())
            steps += 1
            if term.text() == before or steps > 2000:
                break
    finally:
        term.close()
    print(f"start to a usable screen: {startup:.2f} s")
    print(f"first 'who is behind and why': {len(path)} keys, {startup + spent:.2f} s of the program's time")
    print(f"whole team, every row: {steps} down presses, {sum(answers):.1f} s of the program's time "
          f"(median {sorted(answers)[len(answers) // 2] * 1000:.0f} ms per key); the rest is reading")


if __name__ == "__main__":
    main()
