"""A story chart (okrtui.method.story) drawn by plotext, with a legend of its markers.

Markers, not colours, carry each line's meaning: on 16 colours or under NO_COLOR the
legend still names what `=`, `·` or `●` is. Only numbers, dates and markers go into
plotext's ANSI output; untrusted titles stay in the legend, as literal text.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.widget import Widget

from okrtui.core.text import plain
from okrtui.method.story import Chart

NOW_MARKER = "│"
NOW_COLOUR = "default"  # chrome, so not red: red means "behind"


class StoryChart(Widget):
    """The plot. plotext is imported on first draw, so it never weighs on start-up."""

    DEFAULT_CSS = """
    StoryChart { width: 1fr; height: 1fr; min-height: 6; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chart: Chart | None = None
        self._plot: Any = None
        self._cache: tuple[tuple[int, int], int, Text] | None = None  # (size, chart id, drawn)

    def draw(self, chart: Chart) -> None:
        self.chart = chart
        self._cache = None
        self.refresh()

    def render(self) -> RenderResult:
        chart, size = self.chart, (self.size.width, self.size.height)
        if chart is None or size[0] < 10 or size[1] < 4:
            return Text("")
        if self._cache is not None and self._cache[:2] == (size, id(chart)):
            return self._cache[2]  # a repaint (focus, hover) of the same chart: no new plot
        text = Text.from_ansi(self._build(chart, *size), no_wrap=True)
        self._cache = (size, id(chart), text)
        return text

    def _build(self, chart: Chart, width: int, height: int) -> str:
        from textual_plotext.plot import Plot  # plotext loads on the first chart, not at start-up

        plt = self._plot = self._plot or Plot()
        plt.clear_figure()
        plt.plotsize(width, height)
        plt._set_size(width, height)  # textual-plotext does both: plotsize alone keeps a stale size
        plt.theme("clear")  # no background of its own: the terminal's, in any colour mode
        for line in chart.lines:
            if line.points_only:
                plt.scatter(line.xs, line.ys, marker=line.marker, color=line.color)
            else:
                plt.plot(line.xs, line.ys, marker=line.marker, color=line.color)
        if chart.now is not None and chart.now < chart.days:
            plt.vline(chart.now, NOW_COLOUR)
        plt.xlim(0, chart.days)
        plt.ylim(*chart.y_range)
        plt.xticks([x for x, _ in chart.x_ticks], [label for _, label in chart.x_ticks])
        if chart.y_ticks:
            plt.yticks([y for y, _ in chart.y_ticks], [label for _, label in chart.y_ticks])
        return str(plt.build())


def legend(chart: Chart, width: int) -> Text:
    """`● check-ins  = target 100  · expected pace  │ today`, wrapped to the width."""
    text = Text(no_wrap=False)
    entries = [(line.legend_marker or line.marker, line.color, plain(line.label)) for line in chart.lines if line.label]
    if chart.now is not None and chart.now < chart.days:
        entries.append((NOW_MARKER, NOW_COLOUR, "as of"))
    used = 0
    for marker, color, label in entries:
        label = label if len(label) <= width - 4 else label[: max(1, width - 5)] + "…"
        piece = len(marker) + 1 + len(label) + 2
        if used and used + piece > width:
            text.append("\n")
            used = 0
        text.append(marker, style=f"bold {color}")
        text.append(f" {label}  ")
        used += piece
    return text


class Legend(Widget):
    """The legend, wrapped to its own width whenever the layout asks: its height follows."""

    DEFAULT_CSS = "Legend { height: auto; padding: 0 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chart: Chart | None = None

    def show(self, chart: Chart) -> None:
        self.chart = chart
        self.refresh(layout=True)

    def _text(self, width: int) -> Text:
        return Text("") if self.chart is None else legend(self.chart, max(20, width - 2))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._text(width).plain.splitlines()) or 1

    def render(self) -> RenderResult:
        return self._text(self.size.width)
