"""A health metric's detail chart: its measurements over the last windows, with the healthy band
(on the KR detail's scale rules: okrtui.method.story's chart, y range and ticks)."""

from __future__ import annotations

import datetime as dt

from okrtui.core.text import fmt_num
from okrtui.method import health, periods
from okrtui.method.health import MetricView
from okrtui.method.story import Chart, Line, round_ticks, x_ticks, y_range

WINDOWS = 12  # as the Health screen's sparkline


def metric_chart(v: MetricView, day: dt.date, fy_start_month: int = 1) -> Chart:
    start = health.windows_back(v.cadence, day, WINDOWS, fy_start_month)[0][0]
    start = max(start, v.since) if v.since < day else start
    span = periods.Span(start, day, "")
    days = max((day - start).days, 1)
    shown = [p for p in v.points if start <= p.date <= day]
    lines: list[Line] = []
    scale = [p.value for p in shown]
    low, high = v.expect.low, v.expect.high
    if low is not None and high is not None:
        lines.append(Line(f"healthy {fmt_num(low)}..{fmt_num(high)}", [0, days], [high, high], "=", "green"))
        lines.append(Line("", [0, days], [low, low], "=", "green"))  # one legend entry for both
    elif low is not None:
        lines.append(Line(f"healthy at or above {fmt_num(low)}", [0, days], [low, low], "=", "green"))
    elif high is not None:
        lines.append(Line(f"healthy at or below {fmt_num(high)}", [0, days], [high, high], "=", "green"))
    scale += [b for b in (low, high) if b is not None]
    if shown:
        label = f"measurements ({v.unit})" if v.unit else "measurements"
        lines.append(Line(label, [float((p.date - start).days) for p in shown], [p.value for p in shown], "●", "cyan",
                          points_only=True))
    lo, hi = y_range(scale or [0.0, 1.0])
    return Chart(lines, days, None, (lo, hi), round_ticks(lo, hi), x_ticks(span), v.unit)  # the KR chart's steps
