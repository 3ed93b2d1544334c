"""Weekly review (w): what moved this week, worst objectives first. At half-time: the mid-quarter review."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.binding import Binding

from okrtui.method import periods
from okrtui.method.review import ReviewRow, change_text, value_text, week_review
from okrtui.method.views import fmt_grade, own, round_of
from okrtui.tui.screens.base import OkrScreen
from okrtui.tui.state import Snapshot
from okrtui.tui.widgets.grade_bar import BAND_STYLE, pace_cell
from okrtui.tui.widgets.health_cells import attention, attention_line
from okrtui.tui.widgets.kr_row import title_cell
from okrtui.tui.widgets.table import OkrTable


def signed(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "–"
    if abs(x) < 10 ** -digits / 2:
        return "±0"
    return f"{x:+.{digits}f}".rstrip("0").rstrip(".") if digits else f"{x:+.0f}"


def _row_cells(row: ReviewRow, width: int, wide: bool) -> list[Text | str]:
    conf = "–" if row.confidence is None else f"{row.confidence:.1f}{row.confidence_trend}"
    cells: list[Text | str] = [
        title_cell("· " + row.kr.title, width),
        pace_cell(row.pace),
        title_cell(value_text(row.kr, row.value), 8),  # a milestone in words: done / not done, ✓ done
        Text(change_text(row.kr, row.value_change, 1), style="dim" if not row.value_change else ""),
        conf,
        Text("⚠", style="bold yellow") if row.stale else "",
    ]
    if wide:
        cells += [Text(signed(row.progress_change), style="green" if row.progress_change > 0 else "dim"),
                  "–" if row.forecast is None else f"{row.forecast:.2f}"]
    return cells


class ReviewScreen(OkrScreen):
    BINDINGS = [
        Binding("enter,v", "detail", "Detail", show=False,
                tooltip="The row's chart, numbers and history over the period", id="review.detail"),
        Binding("less_than_sign", "week(-1)", "Prev week", tooltip="Review the week before", id="review.prev_week"),
        Binding("greater_than_sign", "week(1)", "Next week",
                tooltip="Review the week after (up to this week)", id="review.next_week"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.week_start: dt.date | None = None

    def show(self, data: Snapshot) -> None:
        rep = data.report
        today = self.app.today
        if self.week_start is None or not (rep.period.start - dt.timedelta(days=6) <= self.week_start <= rep.period.end):
            anchor = today if rep.period.contains(today) else rep.period.end
            self.week_start = periods.week_of(anchor)[0]
        review = week_review(own(rep, data.me), self.week_start, today, self.app.cfg.stale_after_days)
        # Titles take the spare width; below 100 columns the secondary numbers (Δ progress,
        # forecast) step aside so a title stays readable at 80.
        wide = self.size.width >= 100
        columns = [("Objective / key result", None), ("Pace", 8), ("Now", 8), ("Δ value", 7), ("Conf", 4), ("⚠", 1)]
        if wide:
            columns += [("Δ prog", 6), ("Fcst", 4)]
        table, width, keep = self.reset_table(columns)
        blank = [""] * (len(columns) - 1)
        current = None
        for row in review.rows:
            if row.objective.id != current:
                current = row.objective.id
                o = row.objective
                title = title_cell(o.title, width - 4, style="bold")
                title.append(f" {fmt_grade(row.objective_grade)}", style=BAND_STYLE[row.objective_band])
                table.add_row(title, *blank, key=f"o:{o.id}")
            table.add_lazy_row(f"k:{row.kr.id}", _row_cells, row, width, wide)  # cells made only when on screen
        if not table.select_key(keep):
            table.move_cursor(row=0)
        c = review.counts
        label = "Mid-quarter · " if review.mid_quarter else ""
        head = Text(f"{label}Week of {review.week_start:%b %-d} (to {review.as_of:%b %-d}) · ", style="bold")
        head.append(f"on track {c['on track']}", style="green")
        head.append(" · ")
        head.append(f"at risk {c['at risk']}", style="yellow")
        head.append(" · ")
        head.append(f"behind {c['behind']}", style="bold red")
        head.append(" · ")
        head.append(f"stale {c['stale']}", style="bold yellow")
        mine = sum(1 for _, due in round_of(rep, data.me, review.as_of) if due)
        teams = {o.team_id for o in rep.objectives if o.origin == data.me and o.team_id}
        health_line = attention_line(attention(data, teams))  # the team's unhealthy and due metrics first
        self.set_context(*([health_line] if health_line else []), head,
                         Text(f"Weekly review, worst objectives first · {mine} of yours due · < > change week",
                              style="dim"))

    def action_week(self, step: int) -> None:
        if self.week_start is None or self.data is None:
            return
        span = self.data.report.period
        new = self.week_start + dt.timedelta(days=7 * int(step))
        this_week = periods.week_of(self.app.today)[0]  # the review never looks past the current week
        if span.start - dt.timedelta(days=6) <= new <= min(span.end, this_week):
            self.week_start = new
            self.show(self.data)

    def on_okr_table_row_selected(self, event: OkrTable.RowSelected) -> None:
        self.action_detail()


SCREEN = ReviewScreen  # the mode's class (okrtui.tui.screens.MAIN)
