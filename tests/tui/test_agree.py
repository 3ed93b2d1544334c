"""What you read must agree with itself (issue 32, point 12): markers, counts, chart steps,
milestone words and the scrollbars at 16 colours and under NO_COLOR."""

from __future__ import annotations

import pytest

PARTIAL_CELLS = "▁▂▃▄▅▆▇"  # Textual's part-cell scrollbar ends (a sparkline's glyphs too: none on these screens)


def _blank_reverse_rows(term) -> list[int]:
    """Rows with no text drawn mostly in reverse video: a scrollbar thumb across the width."""
    out = []
    for y, line in enumerate(term.screen.display):
        row = term.screen.buffer[y]
        if not any(ch.isalnum() for ch in line) and sum(1 for x in range(len(line)) if row[x].reverse) >= 20:
            out.append(y)
    return out


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {}], ids=["no-color", "16-colours"])
def test_no_stray_scrollbar_on_a_real_terminal_without_colour(tmp_path, env):
    """32.12: a horizontal scrollbar drew a full-width reverse bar under the objectives (NO_COLOR),
    and part-cell scrollbar ends drew stray `▄ ▇▇ ▅▅` at 16 colours (team list, picker, ? help)."""
    from tests.terminal import demo_terminal

    term = demo_terminal(tmp_path, **env)
    try:
        assert _blank_reverse_rows(term) == [], term.text()
        for keys, shown, back in [(b"t", "Person / objective", None), (b"p", "Everyone", b"\x1b"),
                                  (b"?", "Anywhere (outside a text field)", b"\x1b")]:
            term.press(keys)
            term.wait_for(shown)
            term.settle()
            assert not set(term.text()) & set(PARTIAL_CELLS), term.text()
            assert _blank_reverse_rows(term) == [], term.text()
            if back:
                term.press(back)
                term.settle()
    finally:
        term.close()


def _kr(ident, **extra):
    return {"id": ident, "title": f"result {ident}", "kind": "increase", "start": 0, "target": 100, **extra}


PRIVATE_DOC = {"format": "okrtui/1", "objectives": [
    {"id": "o-shared", "title": "Shared goal", "period": "2026-Q4", "key_results": [_kr("kr-s1")]},
    {"id": "o-mine", "title": "Quiet goal", "period": "2026-Q4", "visibility": "private",
     "key_results": [_kr("kr-p1")]},
    {"id": "o-draft", "title": "Quiet draft", "period": "2026-Q4", "visibility": "private", "status": "draft",
     "key_results": [_kr("kr-p2")]},
]}


def _rows(table) -> dict[str, str]:
    return {table.key_at(i): " | ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)}


async def test_a_private_objective_is_marked_in_words_in_every_list_and_its_detail(cli, tmp_path):
    """32.12: private objectives had no marker in the list (nor in the detail)."""
    from okrtui.tui.widgets.table import OkrTable
    from tests.helpers import close, open_app, press, settle, write_doc

    path = tmp_path / "me.db"
    assert cli("--db", path, "import", write_doc(tmp_path / "doc.json", PRIVATE_DOC)).code == 0
    app = open_app(path, load_demo=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = _rows(app.screen.query_one(OkrTable))
        assert "Quiet goal (private)" in rows["o:o-mine"]
        assert "Quiet draft (draft, private)" in rows["o:o-draft"]
        assert "(" not in rows["o:o-shared"]
        app.screen.query_one(OkrTable).select_key("o:o-mine")
        await press(pilot, "enter")
        head = str(app.screen.query_one("#context").render())
        assert "Quiet goal (private)" in head and head.rstrip().endswith("active · private"), head
        await press(pilot, "escape", "s")  # scoring lists them with the same words
        scoring = _rows(app.screen.query_one(OkrTable))
        assert any("Quiet goal (private)" in row for row in scoring.values()), scoring
        await press(pilot, "t")  # the team screen shows the lead's own private objectives: marked there too
        people = _rows(app.screen.query_one("#people", OkrTable))
        assert any("Quiet goal (private)" in row for row in people.values()), people
        assert not any("Shared goal (" in row for row in people.values()), people
        await press(pilot, "2")
        tree = _rows(app.screen.query_one("#alignment", OkrTable))
        assert "Quiet goal (private)" in tree["o:o-mine"], tree
    close(app)
