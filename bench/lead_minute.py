"""The lead's minute: with the 50-person team file, from `okrtui` to "who is behind and why",
on a real pseudo-terminal at 80×24 with TERM=xterm, and then every person's worst KR in turn.

    python bench/lead_minute.py

Keys: t (team screen), b (band filter: red): the cursor lands on the first, worst match, the
worst person's worst KR (people with the most stale and behind KRs first, and in each person the
stale, then behind, then lowest KR first), whose latest check-in and note show on the bottom line.
The bench checks that the row under the cursor (reverse video at 16 colours) is that KR, worked
out from the views. Then every row of the whole team, key by key. Prints the keys and the
seconds; the goals: at most 4 keys after `t` to that KR, under a minute for all 50 people.
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

from make_data import TODAY, make_team_file  # noqa: E402

from okrtui.exchange import sync  # noqa: E402
from okrtui.method import teamview  # noqa: E402
from okrtui.storage.backend import open_engine  # noqa: E402
from tests.terminal import DOWN, Terminal  # noqa: E402


def worst_of(db: Path) -> tuple[str, str]:
    """The worst person's name and the title of their worst KR, as the team screen orders them."""
    from okrtui.cycle import ormread
    from okrtui.method.periods import quarter_of
    from okrtui.storage.store import my_id, reading

    engine = open_engine(db)
    with reading(engine) as session:
        rep = ormread.build(session, quarter_of(TODAY), TODAY, my_id(session) or "", team=True)
    engine.dispose()
    worst = teamview.people(rep)[0]
    return worst.name, sorted(worst.key_results(), key=teamview.attention)[0].title


def cursor_line(term: Terminal, index: bool = False) -> str:
    """The screen line drawn in reverse video, the cursor row (with `index`, its number too)."""
    for y, line in enumerate(term.screen.display):
        if sum(term.screen.buffer[y][x].reverse for x in range(len(line))) > len(line) // 2:
            return f"{y}:{line}" if index else line
    raise AssertionError("no cursor row on screen:\n" + term.text())


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="okrtui-lead-"))
    team_file = make_team_file(folder, 50, "team50")
    db = folder / "lead.db"
    engine = open_engine(db)
    sync.sync(engine, team_file)
    engine.dispose()
    name, title = worst_of(db)
    env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR")}
    env.update(TERM="xterm", OKRTUI_CONFIG=str(folder / "config.toml"))
    term = Terminal([sys.executable, "-m", "okrtui", "--as-of", "2026-11-26", "--db", str(db)], 80, 24, env)
    try:
        start = time.monotonic()
        term.wait_for("Objective / key result")
        startup = term.last_output - start
        path = [b"t", b"b"]
        spent = 0.0
        for key in path:
            term.press(key)
            spent += term.answer_time()
        assert "latest " in term.text(), term.text()
        row = cursor_line(term)
        assert title in row, (title, row, term.text())
        above = term.text().splitlines()[:term.text().splitlines().index(row)]
        assert next(line for line in reversed(above) if line.startswith(" Person")).startswith(f" {name} "), above
        # All 50 people: clear the band filter, then step down the whole list, key by key.
        for key in (b"b", b"b", b"b"):
            term.press(key)
            spent += term.answer_time()
        steps, answers = 0, []
        while True:
            before = (term.text(), cursor_line(term, index=True))
            term.press(DOWN)
            answers.append(term.answer_time())
            steps += 1
            if (term.text(), cursor_line(term, index=True)) == before or steps > 2000:
                break
    finally:
        term.close()
    print(f"start to a usable screen: {startup:.2f} s")
    print(f"the worst person's worst KR ({name}: {title}): {len(path)} keys, {len(path) - 1} after t, "
          f"{startup + spent:.2f} s of the program's time")
    print(f"whole team, every row: {steps} down presses, {sum(answers):.1f} s of the program's time "
          f"(median {sorted(answers)[len(answers) // 2] * 1000:.0f} ms per key); the rest is reading")


if __name__ == "__main__":
    main()
