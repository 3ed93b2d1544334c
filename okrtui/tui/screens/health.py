"""Health (H): the health metrics, unhealthy first; enter records a measurement, v the detail chart."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static
from textual.widgets.input import Selection

from okrtui.core.text import fmt_num, plain
from okrtui.method import health, healthchart
from okrtui.method.health import MetricView, State
from okrtui.tui.screens.base import Dialog, FormScreen, OkrScreen
from okrtui.tui.screens.dialogs import ConfirmDialog
from okrtui.tui.screens.keys import hint_key
from okrtui.tui.state import Snapshot
from okrtui.tui.widgets.chart import Legend, StoryChart
from okrtui.tui.widgets.health_cells import STATE_STYLE, mark_cell
from okrtui.tui.widgets.kr_row import title_cell
from okrtui.tui.widgets.sparkline import sparkline
from okrtui.tui.widgets.table import OkrTable

if TYPE_CHECKING:
    from okrtui.cycle.metrics import Measured

def _cells(v: MetricView, width: int, wide: bool) -> list[Text | str]:
    latest = "–" if v.health.latest is None else fmt_num(v.health.latest.value)
    h = v.health
    # Below 100 columns the unit and the status's word step aside (the mark says it): names stay readable.
    cells: list[Text | str] = [
        mark_cell(v), title_cell(v.name, width),
        title_cell(latest + (f" {v.unit}" if v.unit and wide else ""), 14 if wide else 10),
        title_cell(v.expect.describe(v.unit if wide else ""), 14 if wide else 8),
        sparkline(v.spark, width=health.SPARK_WINDOWS),  # a window with no measurement stays a gap
        Text((h.streak_text() if wide else h.streak_span()) or "no data", style=STATE_STYLE[h.state]),
    ]
    if wide:
        cells += [title_cell(v.owner, 14), v.cadence]
    return cells


class HealthScreen(OkrScreen):
    BINDINGS = [
        Binding("enter", "measure", "Measure", tooltip="Record a measurement of the selected metric",
                priority=True, id="health.measure"),
        Binding("v", "chart", "Chart", tooltip="The metric's measurements over time, with its healthy band",
                id="health.chart"),
    ]

    drawn: list[MetricView] | None = None  # the metrics on screen (the snapshot's, or read ahead of it)

    def compose(self) -> ComposeResult:
        # Opened before the first period is in (a user pressing H at once): that period's read waits
        # until the metrics read ahead of it are on screen, rather than share the interpreter with them.
        self.app.hold_read_ahead()
        yield from super().compose()

    def refresh_data(self) -> None:
        if self.data is not None:
            super().refresh_data()
            return
        early = self.app.metrics  # the period is still being read: its metrics came first
        if early is not None and early is not self.drawn:
            self.draw(early)
            self.call_after_refresh(self.app.release_read_ahead)  # drawn: the period's read goes on

    def on_screen_resume(self) -> None:
        if self.data is None:  # OkrScreen's handler draws a snapshot; this, the metrics read ahead of it
            self.refresh_data()

    def on_screen_suspend(self) -> None:
        self.app.release_read_ahead()  # left before its metrics came: the period is what is wanted now

    def show(self, data: Snapshot) -> None:
        self.draw(data.metrics)

    def draw(self, metrics: list[MetricView]) -> None:
        self.drawn = metrics
        wide = self.size.width >= 100
        columns: list[tuple[str, int | None]] = [(" ", 2), ("Metric", None), ("Latest", 14 if wide else 10),
                                                 ("Expected", 14 if wide else 8), ("Last 12", 12),
                                                 ("Streak", 24 if wide else 10)]
        if wide:
            columns += [("Measured by", 14), ("Cadence", 9)]
        table, width, keep = self.reset_table(columns)
        for v in metrics:  # unhealthy first (okrtui.method.health.read)
            table.add_lazy_row(v.id, _cells, v, width, wide)
        if not table.select_key(keep):
            table.move_cursor(row=0)
        sick = sum(1 for v in metrics if v.health.state is State.UNHEALTHY)
        due = sum(1 for v in metrics if v.health.due)
        head = Text(f"{len(metrics)} health metrics · ", style="bold")
        head.append(f"unhealthy {sick}", style="bold red" if sick else "")
        head.append(" · ")
        head.append(f"due {due}", style="bold yellow" if due else "")
        if not metrics:
            head = Text("No health metrics yet: okrtui metric add NAME --unit U --at-least X", style="dim")
        k = self.app.keymap
        self.set_context(head, Text(f"✓ healthy  ✗ unhealthy  · no data  ! due   "
                                    f"{hint_key(k, 'health.measure', 'enter')}: measure   "
                                    f"{hint_key(k, 'health.chart', 'v')}: chart", style="dim"))

    def current(self) -> MetricView | None:
        key = self.query_one(OkrTable).current_key
        if key is None or self.drawn is None:
            return None
        return next((v for v in self.drawn if v.id == key), None)

    async def action_measure(self) -> None:
        v = self.current()
        if v is None:
            return

        def done(saved: Measured | None) -> None:
            if saved:
                self.notify(saved.summary(), timeout=3, markup=False)

        await self.app.push_screen(MeasureForm(v, self.app.today, self.app.cfg.fiscal_year_start_month), done)

    async def on_okr_table_row_selected(self, event: OkrTable.RowSelected) -> None:
        await self.action_measure()

    def action_chart(self) -> None:
        v = self.current()
        if v is not None:
            self.app.push_screen(MetricChartDialog(v, self.app.today, self.app.cfg.fiscal_year_start_month))


class MeasureForm(FormScreen["Measured"]):  # okrtui.cycle.metrics.Measured, a type only here
    """Value (the last one, selected) and note: the check-in form's burst and typo rules."""

    def __init__(self, metric: MetricView, today: dt.date, fy_month: int = 1) -> None:
        super().__init__()
        self.metric, self.today, self.fy_month = metric, today, fy_month

    def compose(self) -> ComposeResult:
        v = self.metric
        latest = v.health.latest
        with Vertical(classes="dialog form"):
            yield Static(title_cell("Measure: " + v.name, 70, style="bold"))
            yield Static(Text(f"healthy: {v.expectation_text} · {v.cadence} · {v.health.label()}", style="dim"))
            history = Text()
            for p in v.points[-5:]:
                history.append(f"{p.date}  {fmt_num(p.value):>10}\n", style="dim")
            if not v.points:
                history.append("no measurements yet", style="dim")
            history.rstrip()
            yield Static(history, classes="history")
            yield self.field_row("value", "Value", Input("" if latest is None else fmt_num(latest.value), compact=True,
                                                         select_on_focus=True))
            yield self.field_row("note", "Note", Input("", compact=True, placeholder="what happened?"))
            yield Static("", id="err-form", classes="error")
            yield Static(Text(f"{hint_key(self.app.keymap, 'form.enter', 'enter')}: save   "
                              f"{hint_key(self.app.keymap, 'form.cancel', 'esc')}: cancel", style="dim"), classes="keys")

    def on_mount(self) -> None:
        value = self.query_one("#in-value", Input)
        self.set_focus(value)  # now, not after keys already queued
        value.selection = Selection(0, len(value.value))  # typing replaces the last value

    def action_save(self) -> None:
        from okrtui.rules import validate  # pydantic: loaded by the first save, not before the screen's first frame

        try:  # a check-in's value and note rules, no confidence
            value, _, note = validate.check_check_in(self.query_one("#in-value", Input).value, "",
                                                     self.query_one("#in-note", Input).value)
        except validate.FieldErrors as err:
            self.show_errors(err.errors)
            return
        self.show_errors({})
        why = health.implausible(self.metric.expect, self.metric.known_values(), value)
        if why is None:
            self._store(value, note)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._store(value, note)

        self.app.push_screen(ConfirmDialog(f"Save {fmt_num(value)}?", f"{why}. Save it anyway?", guard=True), answered)

    def _store(self, value: float, note: str) -> None:
        mid, today, fy = self.metric.id, self.today, self.fy_month
        self.send(lambda s: s.record_measurement(mid, value, note, today, today, fy), self.dismiss)


def improvers(data: Snapshot | None, v: MetricView) -> str:
    """The objectives and KRs that name the metric, by title where the period shown holds them."""
    titles = {} if data is None else {
        i: t for o in data.report.objectives for i, t in [(o.id, o.title), *((k.id, k.title) for k in o.key_results)]}
    return ", ".join(f"{plain(titles[i])[:40]} ({i})" if i in titles else i for i in v.improved_by)


class MetricChartDialog(Dialog[None]):
    """The measurements of the last 12 windows with the healthy band, and the OKRs that improve it."""

    BINDINGS = [Binding("escape,v,q", "close", "Back", id="metric.close")]

    def __init__(self, metric: MetricView, today: dt.date, fy_month: int = 1) -> None:
        super().__init__()
        self.metric, self.today, self.fy_month = metric, today, fy_month

    def compose(self) -> ComposeResult:
        v = self.metric
        with Vertical(classes="dialog wide"):
            title = title_cell(v.name, 60, style="bold")
            title.append(f"  {v.id}", style="dim")
            yield Static(title)
            line = Text()
            line.append_text(mark_cell(v))
            line.append(f"{v.health.label()} · {v.health.streak_text() or 'no measurement yet'} · latest "
                        f"{v.latest_text} · healthy {v.expectation_text} · {v.cadence} · measured by {plain(v.owner)}")
            yield Static(line)
            yield StoryChart(id="chart")
            yield Legend(id="legend")
            extra = Text(f"Improved by: {improvers(self.app.data, v) or 'none yet'}", style="dim")
            if v.description:
                extra.append(f"\n{plain(v.description)}", style="dim italic")
            yield Static(extra)

    def on_mount(self) -> None:
        chart = healthchart.metric_chart(self.metric, self.today, self.fy_month)
        self.query_one(StoryChart).draw(chart)
        self.query_one(Legend).show(chart)

    def action_close(self) -> None:
        self.dismiss(None)


SCREEN = HealthScreen  # the mode's class (okrtui.tui.screens.MAIN)
