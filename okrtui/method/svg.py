"""The detail chart, the sparkline and the grade bar as inline SVG text, for the HTML page.

Pure: a `story.Series` (or numbers) in, SVG markup out. Every number comes from `story` and
`scoring`, as on the detail screen; every text goes through `esc`. Each line keeps the
terminal chart's meaning by its dash pattern as well as its colour (never colour alone). What
every chart shares (the frame, the period's months, the legends, the dot) is drawn once per page
(`defs`) and used by reference: 10,000 charts cost a tenth of the bytes and time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import floor

from okrtui.core.text import plain
from okrtui.method.story import Series

# Band colours that keep AA contrast: white text on red and green, dark text on yellow.
BAND_FILL = {"red": "#b42318", "yellow": "#f5d90a", "green": "#1a7f37"}
INK = "#1f2328"
MUTED = "#57606a"
W, H = 600, 220  # the chart's own units; CSS scales it to the page's width
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 34
PLOT_W, PLOT_H = W - LEFT - RIGHT, H - TOP - BOTTOM
# The lines each chart draws of its own, by the terminal chart's marker: forecast (dotted) and check-ins
# (dots, joined); their look is in CHART_CSS, once per page. What charts share (start, target, expected
# pace, a range's band: `_axes`) is drawn once per page and used by reference, with attributes
# (`AXIS_LINE`), as the legends are: a page's CSS does not reach into a <use>'s copy everywhere.
CHART_CSS = (
    "svg .f,svg .p{fill:none;stroke-width:2}"
    "svg .f{stroke:#8250df;stroke-dasharray:2 3}svg .p{stroke:#0969da;stroke-width:1.5;marker:url(#dot)}"
    "svg .b{fill:#1a7f37;fill-opacity:.15}svg.spark polyline{fill:none;stroke:#0969da;stroke-width:1.5}"
)
AXIS_LINE = {"s": 'fill="none" stroke-width="2" stroke="#57606a"', "t": 'fill="none" stroke-width="2" stroke="#1a7f37"',
             "e": 'fill="none" stroke-width="2" stroke="#57606a" stroke-dasharray="6 4"'}
BAND_AREA = 'fill="#1a7f37" fill-opacity=".15"'
# What each kind of chart's legend names (the values are in the row's "now → target").
LEGEND = {"scale": [("start", "s"), ("target", "t"), ("expected pace", "e"), ("forecast", "f")],
          "band": [("the range's band", "b")], "done": [], "points": []}


LEGEND_STROKE = {"s": 'stroke="#57606a"', "t": 'stroke="#1a7f37"', "e": 'stroke="#57606a" stroke-dasharray="6 4"',
                 "f": 'stroke="#8250df" stroke-dasharray="2 3"'}


def esc(text: str | None) -> str:
    """Untrusted text as HTML text: control and bidi characters made visible, then escaped. Every
    character `plain` would rewrite is unprintable (control, format, separator), so printable text
    skips its search."""
    text = text or ""
    if not text.isprintable():
        text = plain(text)
    # html.escape(text, quote=True), its very replacements in its order (& first): not importing
    # the html package (and its entities table) saves the page's process about 1.5 ms.
    return _escaped(text)


def esc_all(texts: Sequence[str | None]) -> list[str]:
    """[esc(t) for t in texts], escaped as one text: a page's 10,000 KR titles cost five C passes
    over them all, not six C calls each. Joined by newlines, which no printable text holds: when the
    newlines are all separators and everything else is printable (none needs `plain`), the joined
    text is escaped and split again; otherwise each is escaped on its own."""
    joined = "\n".join([t or "" for t in texts])
    if joined.count("\n") != len(texts) - 1 or not joined.replace("\n", "").isprintable():
        return [esc(t) for t in texts]
    return _escaped(joined).split("\n")


def _escaped(text: str) -> str:  # esc's replacements, for text known printable
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))


def ascii_html(text: str) -> str:
    """HTML text as ASCII: each other character as its character reference (`→` as `&#8594;`), which a
    browser shows as the character itself. The page's KR rows are made of such pieces (a KR's title aside):
    text of one byte a character in Python, written to the file as it is, never converted character by
    character to UTF-8."""
    return text if text.isascii() else text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def defs(days: int, x_ticks: Sequence[tuple[float, str]], now: int | None,
         legends: Sequence[tuple[str, str, str]]) -> str:
    """What every chart of the page shares, drawn once and used by reference (`<use href="#…">`, no
    request): the frame with the period's months and today's mark, the check-ins' dot, and each
    legend (id, kind of chart, the points' label)."""
    days = max(days, 1)
    out = ['<svg class="defs" aria-hidden="true" width="0" height="0"><defs>',
           '<marker id="dot" viewBox="0 0 8 8" refX="4" refY="4" markerWidth="7" markerHeight="7" '
           'markerUnits="userSpaceOnUse"><circle cx="4" cy="4" r="4" fill="#0969da"/></marker>',
           f'<symbol id="frame" viewBox="0 0 {W} {H}"><rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" '
           f'height="{PLOT_H}" fill="#fff" stroke="#d0d7de"/>']
    for i, (value, label) in enumerate(x_ticks):
        anchor = "end" if i == len(x_ticks) - 1 else "middle"  # the period's last day ends at the edge
        out.append(f'<text x="{LEFT + PLOT_W * value / days:.0f}" y="{H - BOTTOM + 14}" text-anchor="{anchor}" '
                   f'class="tick">{esc(label)}</text>')
    if now is not None:
        x = f"{LEFT + PLOT_W * now / days:.0f}"
        out.append(f'<line x1="{x}" x2="{x}" y1="{TOP}" y2="{H - BOTTOM}" stroke="#57606a" stroke-dasharray="1 3"/>')
    out.append("</symbol>")
    for ident, kind, points_label in legends:
        items = [*LEGEND.get(kind, []), (points_label, "p")]
        gap = min(132, (W - LEFT) // len(items))
        out.append(f'<symbol id="{ident}" viewBox="0 0 {W} {H}">')
        for i, (label, cls) in enumerate(items):
            x0 = LEFT + i * gap
            # Attributes, not the classes: a page's CSS does not reach into a <use>'s copy everywhere.
            mark = (f'<rect x="{x0}" y="{H - 17}" width="16" height="10" fill="#1a7f37" fill-opacity=".15"/>'
                    if cls == "b" else f'<circle cx="{x0 + 8}" cy="{H - 12}" r="3.5" fill="#0969da"/>' if cls == "p"
                    else f'<line x1="{x0}" x2="{x0 + 16}" y1="{H - 12}" y2="{H - 12}" stroke-width="2" {LEGEND_STROKE[cls]}/>')
            out.append(f'{mark}<text x="{x0 + 20}" y="{H - 8}" class="tick">{esc(label[:max(4, (gap - 24) // 6)])}</text>')
        out.append("</symbol>")
    out.append("</defs></svg>")
    return "".join(out)


@dataclass(frozen=True)
class _Frame:
    """What every chart of a period shares, made once: each day's x (check-ins fall on whole days)
    and the lines' markup around their y values."""

    x_at: dict[float, str]
    last: str  # the period's last day's x: where the lines end
    scale: str  # start, target and expected pace: % (y start, y start, y target, y target, y start, y target)
    band: str  # the range's shaded rect: % (top, height)
    band_lines: str  # its high and low lines: % (y high, y high, y low, y low)
    forecast: str  # % (x of the first check-in, its y, y at the end: each round(y), an int)
    points: dict[tuple[float, ...], str]  # the check-ins' polyline by their x's, the x's written in: % (each y)


_FRAMES: dict[int, _Frame] = {}  # by the period's length in days


def _frame(days: int) -> _Frame:
    frame = _FRAMES.get(days)
    if frame is None:
        if len(_FRAMES) >= 8:
            _FRAMES.clear()
        frame = _FRAMES[days] = _make_frame(days)
    return frame


def _make_frame(days: int) -> _Frame:
    span = max(days, 1)
    x_at = {float(d): f"{LEFT + float(d) * (PLOT_W / span):.0f}" for d in range(span + 1)}
    x0 = x_at[0.0]
    x1 = x_at.get(float(days), x0)
    return _Frame(
        x_at, x1,
        f'<polyline {AXIS_LINE["s"]} points="{x0},%s {x1},%s"/><polyline {AXIS_LINE["t"]} points="{x0},%s {x1},%s"/>'
        f'<polyline {AXIS_LINE["e"]} points="{x0},%s {x1},%s"/>',
        f'<rect {BAND_AREA} x="{LEFT}" y="%.0f" width="{PLOT_W}" height="%.0f"/>',
        f'<polyline {AXIS_LINE["t"]} points="{x0},%s {x1},%s"/><polyline {AXIS_LINE["t"]} points="{x0},%s {x1},%s"/>',
        f'<polyline class="f" points="%s,%d {x1},%d"/>',
        {},
    )


_TICK = f'<text x="{LEFT - 4}" y="%.0f" text-anchor="end" class="tick">'
_TICK_LABEL = _TICK + "%s</text>"
_TICK_TEXTS: dict[str, str] = {}  # a tick's label, escaped: a page's charts share a few hundred


def _tick_text(label: str) -> str:
    shown = _TICK_TEXTS.get(label)
    if shown is None:
        shown = esc(label)
        if len(_TICK_TEXTS) < 4096:
            _TICK_TEXTS[label] = shown
    return shown


def _points(frame: _Frame, xs: tuple[float, ...]) -> str:
    """The check-ins' polyline at these x's as one %-format: each x's text written in (`_Frame.x_at`),
    each y a "%s" field (its text: `_y_texts`). Made once per (period, check-in days): KRs checked in
    on the same days share it."""
    line = frame.points.get(xs)
    if line is None:
        if len(frame.points) >= 4096:
            frame.points.clear()
        x_at = frame.x_at
        line = frame.points[xs] = '<polyline class="p" points="' + " ".join([x_at[x] + ",%s" for x in xs]) + '"/>'
    return line


def _y_texts(texts: dict[float, str], base: float, sy: float, values: Sequence[float]) -> tuple[str, ...]:
    """Each value's y on a chart's scale (y = base - v * sy) as "%.0f" writes it, kept in `texts` (the
    scale's: `_AXES`) by value: KRs on one scale (0 → 100 %) share their check-ins' values (whole
    numbers, often, whose hash is cheap), and a float's formatting costs about five dictionary
    lookups. (A value equal to another has its y: -0.0 and 0.0 both give base.)"""
    try:
        return tuple(map(texts.__getitem__, values))
    except KeyError:  # a value not seen on this scale yet (or a NaN, never found: written each time)
        shown = []
        for v in values:
            text = texts.get(v)
            if text is None:
                text = "%.0f" % (base - v * sy)
                if len(texts) < 2048:
                    texts[v] = text
            shown.append(text)
        return tuple(shown)


NUM_TICKS = f"{_TICK}%.3g</text>" * 3  # y, value; three times
CHART_OPEN = f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="'  # then the label: a chart is one f-string


Axes = tuple[str, float, float]  # a chart's markup that hangs on its y range alone; base; scale (y = base - v * scale)
# By (days, shape, lo, hi, edges), with the y ticks they were made for and the y's written on that scale
# (`_y_texts`): a page's charts share a few hundred.
_AXES: dict[tuple[object, ...], tuple[str, float, float, tuple[tuple[float, str], ...], dict[float, str]]] = {}


def _axes(days: int, shape: str, lo: float, hi: float, edges: tuple[float, float] | None,
          y_ticks: tuple[tuple[float, str], ...]) -> Axes:
    """What a chart draws from its y range only: the y axis's ticks and labels, and start, target
    and expected pace (a scale) or the range's band and its edges (a band), in the page's order;
    with the numbers that place a value (base, scale)."""
    frame = _frame(days)
    sy = PLOT_H / ((hi - lo) or 1.0)
    base = TOP + PLOT_H + lo * sy  # y(v) = base - v * sy
    if y_ticks:
        ticks = "".join([_TICK_LABEL % (base - v * sy + 4, _tick_text(t)) for v, t in y_ticks])
    else:  # numbers: a quarter, half and three quarters up
        step = hi - lo
        v1, v2, v3 = lo + step * 1 / 4, lo + step * 2 / 4, lo + step * 3 / 4
        ticks = NUM_TICKS % (base - v1 * sy + 4, v1, base - v2 * sy + 4, v2, base - v3 * sy + 4, v3)
    if shape == "scale" and edges is not None:
        y0, y1 = round(base - edges[0] * sy), round(base - edges[1] * sy)
        return ticks + frame.scale % (y0, y0, y1, y1, y0, y1), base, sy
    if shape == "band" and edges is not None:
        top, bottom = base - max(edges) * sy, base - min(edges) * sy
        yh, yl = round(base - edges[1] * sy), round(base - edges[0] * sy)
        return frame.band % (top, bottom - top) + ticks + frame.band_lines % (yh, yh, yl, yl), base, sy
    return ticks, base, sy


class Charts:
    """A page's charts. What a chart shares with every chart of its y range and kind (the frame, the y
    axis's ticks, start, target and expected pace or the range's band, the legend) is drawn once, in
    the first such chart's `<defs>` as a group with an id, and used by reference (`<use href>`, no
    request) by it and every later one: a chart's own markup is its label, its forecast and its
    check-ins. One per page: the ids are the page's."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], str] = {}  # (what hangs on the y range, legend) → the group's id

    def chart(self, s: Series, label: str, legend: str) -> str:
        """A KR's chart: its check-ins (dots, joined), start and target or the range's band, expected
        pace and forecast (story.kr_series: the terminal chart's numbers); `label` is the chart's name,
        already escaped; `legend` names the legend's symbol. 10,000 charts make a page, so each is a few
        %-formats of markup made once per period (`_frame`), and what hangs on the y range alone
        (`_axes`) is made once per range: most KRs share one (0 → 100 %). A y is written as `round(y)`:
        the same digits as "%.0f" (both round half to even, on the exact value), for every y lies
        inside the plot, never near the "-0" where they differ."""
        yt = s.y_ticks  # most charts share their ticks' very tuple (story.ticks_of): compared by identity first
        key = (s.days, s.shape, s.lo, s.hi, s.edges)
        axes = _AXES.get(key)
        if axes is None or (axes[3] is not yt and axes[3] != tuple(yt)):
            if len(_AXES) >= 4096:
                _AXES.clear()
            yt = tuple(yt)
            axes = _AXES[key] = (*_axes(s.days, s.shape, s.lo, s.hi, s.edges, yt), yt, {})
        mid, base, sy, _, y_texts = axes
        frame = _FRAMES.get(s.days) or _frame(s.days)
        xs = s.xs
        forecast = points = ""
        if s.forecast is not None and s.shape == "scale" and s.edges is not None:
            f0, f1 = base - s.forecast[0] * sy, base - s.forecast[1] * sy  # inside the plot: "%d" of round(y) is "%.0f"
            try:
                forecast = frame.forecast % (frame.x_at[xs[0]], round(f0), round(f1))
            except (ValueError, OverflowError):  # a NaN or infinite y (numbers near the float's limits): as "%.0f" writes it
                forecast = frame.forecast.replace("%d", "%.0f") % (frame.x_at[xs[0]], f0, f1)
        if xs:  # story.check_in_days' shared tuple, usually: its polyline's x's are already written
            if type(xs) is not tuple:
                xs = tuple(xs)
            points = (frame.points.get(xs) or _points(frame, xs)) % _y_texts(y_texts, base, sy, s.ys)
        ident = self.ids.get((mid, legend))  # `mid` is _AXES's own string: its hash is kept
        if ident is None:
            ident = self.ids[(mid, legend)] = f"a{len(self.ids)}"
            return (f'{CHART_OPEN}{label}"><title>{label}</title><defs><g id="{ident}"><use href="#frame"/>{mid}'
                    f'<use href="#{legend}"/></g></defs><use href="#{ident}"/>{forecast}{points}</svg>')
        return f'{CHART_OPEN}{label}"><title>{label}</title><use href="#{ident}"/>{forecast}{points}</svg>'


_SPARKS: dict[int, tuple[str, str]] = {}


def _spark(n: int) -> tuple[str, str]:
    """A sparkline of n values as one %-format: the label, then each y's text (its x's written once);
    and the flat one's, the label only."""
    made = _SPARKS.get(n)
    if made is None:
        step = 60 / max(n - 1, 1)
        xs = [f"{2 + i * step:.1f}" for i in range(n)]
        head, tail = SPARK.split('points="%s"')
        made = _SPARKS[n] = (f'{head}points="{" ".join(f"{x},%s" for x in xs)}"{tail}',
                             f'{head}points="{" ".join(f"{x},16.0" for x in xs)}"{tail}')
    return made


NO_SPARK = '<span class="muted" aria-label="no check-ins">&#183;</span>'  # a "·"


def sparkline(values: Sequence[float], label: str, width: int = 8) -> str:
    """The last `width` values, scaled between their min and max, as the lists' sparkline; `label`
    already escaped. Each y is 16 - (v - lo) / r * 12 (between 4 and 16) to the nearest tenth, a half
    up: in tenths, floor(160.5 - (v - lo) * (120 / r)), read from `_TENTHS` (no float formatted).
    A NaN or an infinity among the values (or a range that overflows) draws each y as "%.1f" writes
    it."""
    vals = values if len(values) <= width else values[-width:]
    if not vals:
        return NO_SPARK
    lo, hi = min(vals), max(vals)
    points, flat = _SPARKS.get(len(vals)) or _spark(len(vals))
    if hi == lo:
        return flat % label
    r = hi - lo
    s = 120 / r
    try:
        ys = [_TENTHS[floor(160.5 - (v - lo) * s)] for v in vals]  # 40 to 160 tenths: never a negative index
    except (ValueError, OverflowError, IndexError):  # a NaN or an infinity: no tenths to read
        ys = ["%.1f" % (16 - (v - lo) / r * 12) for v in vals]
    if len(ys) == 8:  # eight values, most KRs' line: one f-string costs half the %-format of nine fields
        y0, y1, y2, y3, y4, y5, y6, y7 = ys
        return (f'{_SPARK_OPEN}{label}"><polyline points="2.0,{y0} 10.6,{y1} 19.1,{y2} 27.7,{y3} 36.3,{y4} '
                f'44.9,{y5} 53.4,{y6} 62.0,{y7}"/></svg>')
    return points % (label, *ys)


_TENTHS = ["%.1f" % (k / 10) for k in range(162)]  # k tenths as "%.1f" writes them: "0.0" to "16.1"


# A KR's sparkline: 64 by 18 px (the page's CSS, svg.spark), so its units are pixels without a viewBox;
# its line's look is in CHART_CSS, once per page.
SPARK = '<svg class="spark" role="img" aria-label="%s"><polyline points="%s"/></svg>'
_SPARK_OPEN = SPARK[:SPARK.index("%s")]  # then the label: sparkline's line of eight is one f-string


# 50 by 8 px (the page's CSS, svg.bar): its units are pixels without a viewBox.
NO_BAR = '<svg class="bar" aria-hidden="true"><rect width="50" height="8" fill="#eaeef2"/></svg>'


def bar_tenths(score: float | None) -> int | None:
    """The grade bar's filled width in tenths of a pixel (0 to 500): the score, kept between 0 and 1,
    to the nearest tenth, a half up. A page's 10,000 bars have at most 501 widths: made once each."""
    return None if score is None else floor(max(0.0, min(1.0, score)) * 500 + 0.5)


def grade_bar(score: float | None, band: str | None) -> str:
    """The grade's bar: filled to the score, in the band's colour, on a grey track."""
    tenths = bar_tenths(score)
    if tenths is None:
        return NO_BAR
    fill = BAND_FILL.get(band or "", MUTED)
    return (f'<svg class="bar" aria-hidden="true"><rect width="50" height="8" fill="#eaeef2"/>'
            f'<rect width="{tenths / 10:.1f}" height="8" fill="{fill}"/></svg>')


def health_spark(values: Sequence[float | None], low: float | None, high: float | None, label: str) -> str:
    """A health metric's last windows (the Health screen's "Last 12"), scaled between their least and
    greatest value: a window with no measurement is a gap in its place (never a zero, nor the value
    before it), a lone value a dot; the healthy band (`low`, `high`: an expectation's bounds, None for
    an open side) is shaded where it falls inside. `label` already escaped."""
    known = [v for v in values if v is not None]
    if not known:
        return f'<span class="muted" role="img" aria-label="{label}: no measurements">·</span>'
    lo, hi = min(known), max(known)
    r = hi - lo
    n = len(values)
    step = 60 / max(n - 1, 1)

    def y(v: float) -> float:
        return 10.0 if r == 0 else 16 - (v - lo) / r * 12

    d: list[str] = []
    run = 0  # the length of the run of values the last one drawn belongs to
    for i, v in enumerate(values):
        if v is None:
            if run == 1:
                d.append("h0")  # a lone value: a zero-length line, drawn as a dot by its round cap
            run = 0
            continue
        d.append(f"{'L' if run else 'M'}{2 + i * step:.1f},{y(v):.1f}")
        run += 1
    if run == 1:
        d.append("h0")
    band = ""
    if low is not None or high is not None:
        def edge(v: float) -> float:  # a bound's y, kept inside the box
            if r == 0:
                return 10.0 if v == lo else 0.0 if v > lo else 18.0
            return max(0.0, min(18.0, y(v)))

        top = 0.0 if high is None else edge(high)
        bottom = 18.0 if low is None else edge(low)
        if bottom > top:
            band = f'<rect class="b" x="0" y="{top:.1f}" width="64" height="{bottom - top:.1f}"/>'
    return (f'<svg class="spark" viewBox="0 0 64 18" role="img" aria-label="{label}">{band}'
            f'<path d="{"".join(d)}" fill="none" stroke="#0969da" stroke-width="1.5" stroke-linecap="round"/></svg>')
