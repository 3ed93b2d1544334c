"""The team screen's week view (4): the team's weekly review, what moved and who has not checked in,
worst first; `<` `>` step a week (never past this one), and `m` (the screen's, from any view) opens
it on the week holding the period's middle."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding

from okrtui.core.text import plain
from okrtui.method import periods
from okrtui.method.review import change_text, value_text
from okrtui.method.teamweek import team_week
from okrtui.tui.screens.team.view import Board, TeamView
from okrtui.tui.widgets.grade_bar import pace_cell
from okrtui.tui.widgets.kr_row import title_cell

if TYPE_CHECKING:
    from okrtui.tui.state import Snapshot


class WeekView(TeamView):
    VIEW = "week"

    BINDINGS = [
        Binding("less_than_sign", "week(-1)", "Prev week", show=False,
                tooltip="Team review of the week before", id="team.prev_week"),
        Binding("greater_than_sign", "week(1)", "Next week", show=False,
                tooltip="Team review of the week after (up to this week)", id="team.next_week"),
    ]

    def __init__(self, board: Board) -> None:
        super().__init__(board)
        self.week_start: dt.date | None = None  # None: this week (or, on a Monday nobody has checked in, the last)
        self.week_lines: list[Text] = []

    def context(self) -> list[Text]:
        return self.week_lines

    def draw(self, data: Snapshot) -> None:
        rep, today, filters = data.report, self.app.today, self.board.filters
        stale_after = self.app.cfg.stale_after_days
        week = None
        if self.week_start is None or not (rep.period.start - dt.timedelta(days=6) <= self.week_start
                                           <= rep.period.end):
            start = periods.week_of(today if rep.period.contains(today) else rep.period.end)[0]
            before = start - dt.timedelta(days=7)
            # Monday's review is of the week that just ended: this one has no check-in yet (`>` shows it).
            if today == start and before >= rep.period.start - dt.timedelta(days=6):
                week = team_week(rep, start, today, filters, stale_after)
                if week.people and not any(p.checked_in for p in week.people):
                    start, week = before, None
            self.week_start = start
        if week is None:
            week = team_week(rep, self.week_start, today, filters, stale_after)
        # At half-time (or from 100 columns) the forecast joins: pace and forecast matter most then.
        forecast = week.mid_quarter or self.board.room >= 100
        columns: list[tuple[str, int | None]] = [("Person / key result", None), ("Pace", 8), ("Now", 8),
                                                 ("Δ", 6), ("Conf", 4), ("⚠", 1)]
        if forecast:
            columns.insert(5, ("Fcst", 4))
        _, width, keep = self.board.reset_table(columns, self)
        blank = [""] * (len(columns) - 1)
        which = "this week" if week.week_start == periods.week_of(today)[0] else "that week"
        for pw in week.people:
            due = sum(1 for r in pw.rows if r.objective.status == "active")
            title = title_cell(pw.name, width - 22, style="bold")
            if pw.missing and not pw.checked_in:
                title.append(f"  no check-in {which}", style="bold reverse")
            else:
                title.append(f"  {len(pw.checked_in)} of {due} checked in", style="dim")
            self.add_row(title, *blank, key=f"p:{pw.id}")
            for row in pw.rows:
                mark = "✓ " if row.kr.id in pw.checked_in else "• "
                cells: list[Text | str] = [
                    title_cell(mark + row.kr.title, width, indent=2), pace_cell(row.pace),
                    title_cell(value_text(row.kr, row.value), 8),  # a milestone in words, as in the review
                    Text(change_text(row.kr, row.value_change, 1), style="dim" if not row.value_change else "bold"),
                    "–" if row.confidence is None else f"{row.confidence:.1f}{row.confidence_trend}",
                    Text("⚠", style="bold yellow") if row.stale else "",
                ]
                if forecast:
                    cells.insert(5, "–" if row.forecast is None else f"{row.forecast:.2f}")
                self.add_row(*cells, key=f"k:{row.kr.id}")
        if self.row_count == 0:
            self.nothing(data)
        self.land(keep, "k:" if filters.narrowing else "p:")
        c = week.counts
        label = "Mid-quarter · " if week.mid_quarter else ""
        upto = f" (to {week.as_of:%b %-d})" if week.as_of < week.week_start + dt.timedelta(days=6) else ""
        if week.week_start + dt.timedelta(days=7) == periods.week_of(today)[0]:
            upto = " (last week)"
        head = Text(f"{label}week of {week.week_start:%b %-d}{upto}: ", style="bold")
        head.append(f"on track {c['on track']} · at risk {c['at risk']} · behind {c['behind']} · "
                    f"stale {c['stale']}")
        missing = week.not_checked_in
        who = Text(f"Not checked in ({len(missing)} of {len(week.people)}): ", style="bold")
        who.append(", ".join(plain(p.name) for p in missing) if missing else "nobody", style="")
        rows_shown = sum(len(p.rows) for p in week.people)
        who.append(f" · {sum(p.moved for p in week.people)} of {rows_shown} KRs moved", style="dim")
        legend = Text(f"✓ checked in {which}  • not yet   < > week  m mid-quarter  1 2 3 views", style="dim",
                      no_wrap=True, overflow="ellipsis")
        self.week_lines = [head, who, legend]

    def action_week(self, step: int) -> None:
        data = self.app.data
        if data is None or self.week_start is None:
            return
        span = data.report.period
        new = self.week_start + dt.timedelta(days=7 * int(step))
        this_week = periods.week_of(self.app.today)[0]  # never past the current week
        if span.start - dt.timedelta(days=6) <= new <= min(span.end, this_week):
            self.week_start = new
            self.board.redraw()

    def mid_quarter(self) -> None:
        """Show the week holding the period's middle next (never past this week)."""
        data = self.app.data
        if data is None:
            return
        span = data.report.period
        self.week_start = min(periods.week_of(span.start + (span.end - span.start) / 2)[0],
                              periods.week_of(self.app.today)[0])
