"""The TUI on a real pseudo-terminal, as a lead over SSH sees it: 16 colours, NO_COLOR, bytes."""

import re
import sys

import pytest

from tests.terminal import DOWN, demo_terminal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


def run(tmp_path, **env_changes):
    term = demo_terminal(tmp_path, **env_changes)
    term.wait_for("0.")
    term.settle()
    return term


def grade_cells(term):
    """(grade, colour of its bar) for every grade bar on screen."""
    out = []
    for y, line in enumerate(term.screen.display):
        for match in re.finditer(r"([█░]{5}) (\d\.\d)", line):
            bar = term.screen.buffer[y][match.start()]
            if line[match.start()] == "█":
                out.append((float(match.group(2)), bar.fg))
    return out


def test_bands_are_green_yellow_red_on_a_16_colour_terminal(tmp_path):
    term = run(tmp_path)
    try:
        cells = grade_cells(term)
        assert cells, term.text()
        want = {"red": "red", "yellow": "brown", "green": "green"}  # pyte names ANSI yellow "brown"
        seen = set()
        for grade, fg in cells:
            band = "red" if grade <= 0.3 else "yellow" if grade <= 0.6 else "green"
            assert fg == want[band], (grade, fg)
            seen.add(band)
        assert seen == {"red", "yellow", "green"}
    finally:
        term.close()


def test_no_color_leaves_the_meaning_to_the_grade_and_the_bar(tmp_path):
    term = run(tmp_path, NO_COLOR="1")
    try:
        cells = grade_cells(term)
        assert cells and all(fg == "default" for _, fg in cells)
        assert "█" in term.text() and re.search(r"[█░]{5} \d\.\d", term.text())
    finally:
        term.close()


def test_footer_shows_the_keys_help_at_80_columns(tmp_path):
    term = run(tmp_path)
    try:
        for key in (b"o", b"c", b"w", b"s", b"t"):
            term.press(key)
            assert "? Keys" in term.screen.display[-1], term.screen.display[-1]
    finally:
        term.close()


def test_a_cursor_move_writes_only_what_changed(tmp_path):
    """No timing: the bytes written for one key are a property of the repaint, not of speed."""
    term = run(tmp_path)
    try:
        sizes = [term.press(DOWN) for _ in range(5)]
        assert max(sizes) <= 2000, sizes
    finally:
        term.close()
