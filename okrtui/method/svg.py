"""The detail chart, the sparkline and the grade bar as inline SVG text, for the HTML page.

Pure: a `story.Chart` (or numbers) in, SVG markup out. Every number comes from `story` and
`scoring`, as on the detail screen; every text goes through `esc`. Each line keeps the
terminal chart's meaning by its dash pattern as well as its colour (never colour alone). What
every chart shares (the frame, the period's months, the legends, the dot) is drawn once per page
(`defs`) and used by reference: 10,000 charts cost a tenth of the bytes and time.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from okrtui.core.text import plain
from okrtui.method.story import Chart

# Band colours that keep AA contrast: white text on red and green, dark text on yellow.
BAND_FILL = {"red": "#b42318", "yellow": "#f5d90a", "green": "#1a7f37"}
INK = "#1f2328"
MUTED = "#57606a"
W, H = 600, 220  # the chart's own units; CSS scales it to the page's width
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 34
PLOT_W, PLOT_H = W - LEFT - RIGHT, H - TOP - BOTTOM
# A line's class by the terminal chart's marker: start, target (and a range's edges), expected pace
# (dashed), forecast (dotted), check-ins (dots, joined). Their look is in CHART_CSS, once per page.
LINE_CLASS = {"_": "s", "=": "t", "·": "e", "-": "f", "●": "p"}
CHART_CSS = (
    "svg .s,svg .t,svg .e,svg .f,svg .p{fill:none;stroke-width:2}"
    "svg .s{stroke:#57606a}svg .t{stroke:#1a7f37}svg .e{stroke:#57606a;stroke-dasharray:6 4}"
    "svg .f{stroke:#8250df;stroke-dasharray:2 3}svg .p{stroke:#0969da;stroke-width:1.5;marker:url(#dot)}"
    "svg .b{fill:#1a7f37;fill-opacity:.15}"
)
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
    return html.escape(text if text.isprintable() else plain(text), quote=True)


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


def chart(c: Chart, title: str, legend: str, band: tuple[float, float] | None = None) -> str:
    """A KR's chart over the shared frame (`defs`): its check-ins (dots, joined), start and target
    or the range's band, expected pace and forecast; `legend` names the legend's symbol."""
    (lo, hi), days = c.y_range, max(c.days, 1)
    sx, sy = PLOT_W / days, PLOT_H / ((hi - lo) or 1.0)
    base = TOP + PLOT_H + lo * sy  # y(v) = base - v * sy
    label = esc(title)
    out = [f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{label}"><title>{label}</title>'
           '<use href="#frame"/>']
    if band is not None:
        top, bottom = base - max(band) * sy, base - min(band) * sy
        out.append(f'<rect class="b" x="{LEFT}" y="{top:.0f}" width="{PLOT_W}" height="{bottom - top:.0f}"/>')
    ticks = c.y_ticks or [(lo + (hi - lo) * i / 4, f"{lo + (hi - lo) * i / 4:.3g}") for i in (1, 2, 3)]
    out += [f'<text x="{LEFT - 4}" y="{base - v * sy + 4:.0f}" text-anchor="end" class="tick">{esc(t)}</text>'
            for v, t in ticks]
    for line in c.lines:
        pts = " ".join(f"{LEFT + a * sx:.0f},{base - b * sy:.0f}" for a, b in zip(line.xs, line.ys, strict=True))
        out.append(f'<polyline class="{LINE_CLASS.get(line.marker, "s")}" points="{pts}"/>')
    out.append(f'<use href="#{legend}"/></svg>')
    return "".join(out)


def sparkline(values: Sequence[float], label: str, width: int = 8) -> str:
    """The last `width` values, scaled between their min and max, as the lists' sparkline."""
    vals = list(values)[-width:]
    if not vals:
        return '<span class="muted" aria-label="no check-ins">·</span>'
    lo, hi = min(vals), max(vals)
    step = 60 / max(len(vals) - 1, 1)
    pts = " ".join(f"{2 + i * step:.1f},{16 - (0 if hi == lo else (v - lo) / (hi - lo)) * 12:.1f}"
                   for i, v in enumerate(vals))
    return (f'<svg class="spark" viewBox="0 0 64 18" role="img" aria-label="{esc(label)}">'
            f'<polyline points="{pts}" fill="none" stroke="#0969da" stroke-width="1.5"/></svg>')


def grade_bar(score: float | None, band: str | None) -> str:
    """The grade's bar: filled to the score, in the band's colour, on a grey track."""
    if score is None:
        return '<svg class="bar" viewBox="0 0 50 8" aria-hidden="true"><rect width="50" height="8" fill="#eaeef2"/></svg>'
    filled = round(max(0.0, min(1.0, score)) * 50, 1)
    fill = BAND_FILL.get(band or "", MUTED)
    return (f'<svg class="bar" viewBox="0 0 50 8" aria-hidden="true"><rect width="50" height="8" fill="#eaeef2"/>'
            f'<rect width="{filled}" height="8" fill="{fill}"/></svg>')
