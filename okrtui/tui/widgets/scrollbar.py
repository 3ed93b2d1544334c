"""Scrollbars in whole cells on a 16-colour terminal and under NO_COLOR.

Textual draws a thumb's ends with part-cell glyphs (`▁`…`▇`, `▉`…`▏`) coloured against the track.
With ANSI colours the track and the thumb come out as the terminal's black and grey (or, under
NO_COLOR, as no colour at all), and the glyphs read as stray marks beside the rows (`▄ ▇▇ ▅▅`).
There the thumb is drawn in whole cells of reverse video, which reads the same in every terminal.
In truecolor and 256 colours Textual's own drawing is kept."""

from __future__ import annotations

from rich.color import Color, ColorType
from rich.segment import Segment, Segments
from rich.style import Style
from textual.scrollbar import ScrollBarRender

ANSI = (ColorType.DEFAULT, ColorType.STANDARD, ColorType.WINDOWS)
BACK, BAR = Color.parse("#555555"), Color.parse("bright_magenta")  # Textual's defaults


class WholeCellScrollBar(ScrollBarRender):
    @classmethod
    def render_bar(cls, size: int = 25, virtual_size: float = 50, window_size: float = 20, position: float = 0,
                   thickness: int = 1, vertical: bool = True, back_color: Color = BACK,
                   bar_color: Color = BAR) -> Segments:
        if back_color.type not in ANSI or bar_color.type not in ANSI:
            return super().render_bar(size, virtual_size, window_size, position, thickness, vertical,
                                      back_color, bar_color)
        blank = cls.BLANK_GLYPH * (thickness if vertical else 1)
        track = Segment(blank, Style(bgcolor=back_color))
        segments = [track] * int(size)
        if window_size and size and virtual_size and size != virtual_size and virtual_size > window_size:
            thumb = max(1, min(int(size), round(window_size * size / virtual_size)))
            top = round((size - thumb) * position / (virtual_size - window_size))
            top = min(max(0, top), int(size) - thumb)
            grab = Style(color=bar_color, reverse=True, meta={"@mouse.down": "grab"})
            up, down = Style(bgcolor=back_color, meta={"@mouse.down": "scroll_up"}), \
                Style(bgcolor=back_color, meta={"@mouse.down": "scroll_down"})
            segments = ([Segment(blank, up)] * top + [Segment(blank, grab)] * thumb
                        + [Segment(blank, down)] * (int(size) - top - thumb))
        if vertical:
            return Segments(segments, new_lines=True)
        return Segments((segments + [Segment.line()]) * thickness, new_lines=False)
