"""The progress bar of long commands: on a terminal after a second, never on a pipe."""

from __future__ import annotations

import io
import subprocess
import sys
import time

from okrtui.core import progress
from tests.helpers import write_doc


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_once_the_work_takes_longer_than_the_delay():
    screen = Terminal()
    with progress.bar("importing doc.json", screen, delay=0.05) as shown:
        assert shown is not None
        time.sleep(0.3)  # past the delay: the bar is drawn (pulsing: no total yet)
        shown(50, 200)
        time.sleep(0.3)
    text = screen.getvalue()
    assert "importing doc.json" in text and "25%" in text


def test_quick_work_shows_nothing_even_on_a_terminal():
    screen = Terminal()
    with progress.bar("importing doc.json", screen, delay=5) as shown:
        assert shown is not None
        shown(1, 1)
    time.sleep(0.05)
    assert screen.getvalue() == ""


def test_a_pipe_gets_nothing():
    pipe = io.StringIO()
    with progress.bar("importing", pipe, delay=0) as shown:
        assert shown is None
    assert pipe.getvalue() == ""


def test_the_label_is_shown_literally(tmp_path):
    screen = Terminal()
    with progress.bar("importing [bold]x[/bold].json", screen, delay=0) as shown:
        assert shown is not None
        time.sleep(0.3)
    assert "[bold]x[/bold]" in screen.getvalue()


def test_import_on_a_pipe_writes_only_its_summary_and_loads_neither_rich_nor_textual(tmp_path):
    doc = write_doc(tmp_path / "doc.json", {"format": "okrtui/1", "objectives": [
        {"id": "o-1", "title": "Grow", "period": "2026-Q4",
         "key_results": [{"id": f"k-{i}", "title": "R", "kind": "milestone"} for i in range(3_000)]}]})
    code = ("import sys; from okrtui.cli import main; code = main(sys.argv[1:]); "
            "print('rich' in sys.modules, 'textual' in sys.modules); sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", code, "--db", str(tmp_path / "x.db"), "import", str(doc)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.splitlines() == [f"imported {doc}: 3001 created, 0 updated, 0 unchanged", "False False"]
