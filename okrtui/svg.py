"""The detail chart, the sparkline and the grade bar as inline SVG text, for the HTML page.

Pure: a `story.Chart` (or numbers) in, SVG markup out. Every number comes from `story` and
`scoring`, as on the detail screen; every text goes through `esc`. Each line keeps the
terminal chart's meaning by its dash pattern as well as its colour (never colour alone).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from okrtui.story import Chart
from okrtui.text import plain

# Band colours that keep AA contrast: white text on red and green, dark text on yellow.
BAND_FILL = {"red": "#b42318", "yellow": "#f5d90a", "green": "#1a7f37"}
INK = "#1f2328"
MUTED = "#57606a"
# The terminal chart's colour names, as web colours on white.
COLOUR = {"white": MUTED, "default": MUTED, "green": "#1a7f37", "magenta": "#8250df", "cyan": "#0969da",
          "yellow": "#9a6700", "blue": "#0550ae", "red": "#b42318"}
# The terminal chart's markers, as dash patterns: expected pace dashed, forecast dotted.
DASH = {"·": "6 4", "-": "2 3", "_": "", "=": ""}

W, H = 600, 220  # the chart's own units; CSS scales it to the page's width
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 34


def esc(text: str | None) -> str:
    """Untrusted text as HTML text: control and bidi characters made visible, then escaped."""
    return html.escape(plain(text), quote=True)


def _f(x: float) -> str:
    return f"{x:.1f}"


def chart(c: Chart, title: str, band: tuple[float, float] | None = None) -> str:
    """The KR's chart: check-ins (joined, each a dot), start and target or the range's band,
    expected pace, forecast, a 'now' mark, and a legend under it."""
    (lo, hi), days = c.y_range, max(c.days, 1)
    span = (hi - lo) or 1.0

    def x(v: float) -> float:
        return LEFT + (W - LEFT - RIGHT) * v / days

    def y(v: float) -> float:
        return TOP + (H - TOP - BOTTOM) * (1 - (v - lo) / span)

    out = [f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{esc(title)}">',
           f"<title>{esc(title)}</title>",
           f'<rect x="{LEFT}" y="{TOP}" width="{W - LEFT - RIGHT}" height="{H - TOP - BOTTOM}" fill="#fff" '
           f'stroke="#d0d7de"/>']
    if band is not None:
        top, bottom = y(max(band)), y(min(band))
        out.append(f'<rect x="{LEFT}" y="{_f(top)}" width="{W - LEFT - RIGHT}" height="{_f(bottom - top)}" '
                   f'fill="#1a7f37" fill-opacity="0.15"/>')
    ticks = c.y_ticks or [(lo + span * i / 4, f"{lo + span * i / 4:.3g}") for i in range(1, 4)]
    for value, label in ticks:
        out.append(f'<text x="{LEFT - 4}" y="{_f(y(value) + 4)}" text-anchor="end" class="tick">{esc(label)}</text>')
    for i, (value, label) in enumerate(c.x_ticks):
        anchor = "end" if i == len(c.x_ticks) - 1 else "middle"  # the period's last day ends at the edge
        out.append(f'<text x="{_f(x(value))}" y="{H - BOTTOM + 14}" text-anchor="{anchor}" class="tick">'
                   f"{esc(label)}</text>")
    if c.now is not None:
        out.append(f'<line x1="{_f(x(c.now))}" x2="{_f(x(c.now))}" y1="{TOP}" y2="{H - BOTTOM}" stroke="{MUTED}" '
                   f'stroke-width="1" stroke-dasharray="1 3"/>')
    legend: list[str] = []
    gap = min(132, (W - LEFT) // max(1, sum(1 for line in c.lines if line.label)))  # every entry fits
    for line in c.lines:
        colour = COLOUR.get(line.color, INK)
        pts = " ".join(f"{_f(x(a))},{_f(y(b))}" for a, b in zip(line.xs, line.ys, strict=True))
        dash = DASH.get(line.marker, "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if line.points_only:
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.5" '
                       f'stroke-opacity="0.6"/>')
            out += [f'<circle cx="{_f(x(a))}" cy="{_f(y(b))}" r="3.5" fill="{colour}"/>'
                    for a, b in zip(line.xs, line.ys, strict=True)]
        else:
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        if line.label:
            legend.append(_legend_item(line.label, colour, dash, line.points_only, len(legend) * gap, gap))
    out.append(f'<g class="legend" transform="translate({LEFT},{H - 8})">{"".join(legend)}</g>')
    out.append("</svg>")
    return "".join(out)


def _legend_item(label: str, colour: str, dash: str, dot: bool, x0: int, gap: int) -> str:
    mark = (f'<circle cx="{x0 + 8}" cy="-4" r="3.5" fill="{colour}"/>' if dot else
            f'<line x1="{x0}" x2="{x0 + 16}" y1="-4" y2="-4" stroke="{colour}" stroke-width="2"'
            + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
    return f'{mark}<text x="{x0 + 20}" y="0" class="tick">{esc(label[:max(4, (gap - 24) // 6)])}</text>'


def sparkline(values: Sequence[float], label: str, width: int = 8) -> str:
    """The last `width` values, scaled between their min and max, as the lists' sparkline."""
    vals = list(values)[-width:]
    if not vals:
        return '<span class="muted" aria-label="no check-ins">·</span>'
    lo, hi = min(vals), max(vals)
    step = 60 / max(len(vals) - 1, 1)
    pts = " ".join(f"{_f(2 + i * step)},{_f(16 - (0 if hi == lo else (v - lo) / (hi - lo)) * 12)}"
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
