"""Scrollbars in whole cells with ANSI colours (16 colours, NO_COLOR); Textual's own drawing otherwise."""

from __future__ import annotations

from rich.color import Color
from textual.scrollbar import ScrollBarRender

from okrtui.tui.widgets.scrollbar import WholeCellScrollBar

ANSI = {"back_color": Color.parse("default"), "bar_color": Color.parse("default")}
TRUE = {"back_color": Color.parse("#000000"), "bar_color": Color.parse("#003054")}


def _cells(bar) -> list[tuple[str, bool]]:
    return [(s.text, bool(s.style and s.style.reverse)) for s in bar.segments if s.text != "\n"]


def test_with_ansi_colours_the_thumb_is_whole_reverse_cells_and_no_part_cell_glyph():
    for position in (0, 3.3, 7.6, 12.9, 20):
        cells = _cells(WholeCellScrollBar.render_bar(size=20, virtual_size=40, window_size=20, position=position,
                                                     **ANSI))
        assert len(cells) == 20 and {text for text, _ in cells} == {" "}
        thumb = [i for i, (_, rev) in enumerate(cells) if rev]
        assert len(thumb) == 10 and thumb == list(range(thumb[0], thumb[0] + 10))  # one block, half the track
    assert [rev for _, rev in _cells(WholeCellScrollBar.render_bar(20, 40, 20, 20, **ANSI))][-1]  # at the end


def test_in_truecolor_textuals_own_drawing_is_kept():
    args = {"size": 20, "virtual_size": 40, "window_size": 20, "position": 7.6, **TRUE}
    assert _cells(WholeCellScrollBar.render_bar(**args)) == _cells(ScrollBarRender.render_bar(**args))
