"""Detail (enter / v on a row): a KR's or an objective's story over the period, as a chart,
its numbers and its history. k / j step through the list it was opened from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from okrtui import story
from okrtui.text import count
from okrtui.views import KRView, ObjectiveView, PeriodReport, fmt_grade, fmt_num, kr_target_text
from okrtui.widgets.chart import Legend, StoryChart
from okrtui.widgets.grade_bar import BAND_STYLE
from okrtui.widgets.kr_row import title_cell
from okrtui.widgets.table import OkrTable

if TYPE_CHECKING:
    from okrtui.app import OkrApp
    from okrtui.checkins import Saved
    from okrtui.state import Snapshot

PACE_STYLE = {"on track": "green", "at risk": "yellow", "behind": "bold red"}


def can_check_in(kr: KRView, me: str) -> bool:
    """Who answers for a KR (as in the check-in round): its owner, or the maker of an unowned one."""
    return kr.error is None and (kr.owner_id == me or (kr.owner_id is None and kr.origin == me))


def find(rep: PeriodReport, ref: str) -> tuple[ObjectiveView | None, KRView | None]:
    """The objective (and KR) a row key `o:ID` / `k:ID` names in this period."""
    kind, ident = ref.split(":", 1)
    for o in rep.objectives:
        if kind == "o" and o.id == ident:
            return o, None
        for kr in o.key_results:
            if kind == "k" and kr.id == ident:
                return o, kr
    return None, None


class DetailScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to the list"),
        # Priority: the history list below has focus and would take k / j as its own cursor keys.
        Binding("k", "step(-1)", "Prev", priority=True, tooltip="The previous row of the list this came from"),
        Binding("j", "step(1)", "Next", priority=True, tooltip="The next row of the list this came from"),
        Binding("c", "checkin", "Check in", tooltip="Record a value for this key result, then come back here"),
    ]

    app: OkrApp

    def __init__(self, refs: list[str], index: int = 0) -> None:
        super().__init__()
        self.refs, self.index = refs, index
        self.shown_version = -1
        self.shown_kr: KRView | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="◎")
        yield Static(id="context", classes="context")
        with Horizontal(id="story-top"):
            with Vertical(id="story-chart"):
                yield StoryChart(id="chart")
                yield Legend(id="legend")
            yield Static(id="numbers")
        yield OkrTable(id="history")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(OkrTable).focus()
        self.refresh_data()

    def on_screen_resume(self) -> None:
        if self.app.data is not None and self.shown_version != self.app.data_version:
            self.refresh_data()

    def on_resize(self) -> None:
        self.refresh_data()  # the history's columns and the legend follow the width

    @property
    def ref(self) -> str:
        return self.refs[self.index]

    def refresh_data(self) -> None:
        data = self.app.data
        if data is None:
            return
        self.shown_version = self.app.data_version
        obj, kr = find(data.report, self.ref)
        self.shown_kr = kr
        if kr is not None and obj is not None:
            self._show_kr(data, obj, kr)
        elif obj is not None:
            self._show_objective(data, obj)
        else:
            self._missing(data)

    def _head(self, data: Snapshot, title: str, sub: str, mine: bool) -> None:
        rep = data.report
        width = max(20, self.size.width - 2)
        head = title_cell(title, width, style="bold")
        where = f"{self.index + 1} of {len(self.refs)} · as of {rep.as_of:%b %-d %Y}{'' if mine else ' · read-only'}"
        line = title_cell(f"{where} · {sub}", width, style="dim")
        self.query_one("#context", Static).update(Text.assemble(head, "\n", line))

    def _show_chart(self, chart: story.Chart) -> None:
        self.query_one(StoryChart).draw(chart)
        self.query_one(Legend).show(chart)

    def _show_kr(self, data: Snapshot, obj: ObjectiveView, kr: KRView) -> None:
        rep = data.report
        unit = f" {kr.unit}" if kr.unit else ""
        self._head(data, f"· {kr.title}", f"{kr.kind} · {rep.person(kr.owner_id)} · in: {obj.title}",
                      can_check_in(kr, data.me))
        self._show_chart(story.kr_chart(kr, rep.period, rep.as_of))
        rows: list[tuple[str, Text | str]] = [("now", kr_target_text(kr))]
        if kr.error:
            rows.append(("", Text(kr.error, style="bold red")))
        rows += [
            ("progress", f"{kr.progress:.2f}"),
            ("grade", Text(f"{fmt_grade(kr.grade)} {kr.band or ''}", style=BAND_STYLE[kr.band])),
        ]
        if kr.self_score is not None:
            rows.append(("self-score", f"{kr.self_score:.1f}"))
        if kr.kind in ("increase", "decrease"):
            rows += [
                ("expected", "–" if kr.expected is None else f"{kr.expected:.2f}"),
                ("pace", Text(kr.pace or "–", style=PACE_STYLE.get(kr.pace or "", "dim"))),
                ("forecast", "–" if kr.forecast is None else f"{kr.forecast:.2f}"
                 + ("" if kr.forecast is None or kr.start is None or kr.target is None else
                    f" ({fmt_num(round(kr.start + kr.forecast * (kr.target - kr.start), 2))}{unit})")),
            ]
        rows += [("confidence", story.confidence_trend(kr)),
                 ("last", str(kr.last_check_in) if kr.last_check_in else "never")]
        if kr.stale:
            rows.append(("", Text("⚠ stale", style="bold yellow")))
        self._numbers(rows)
        table, width, keep = self._reset_history([("Date", 10), ("Value", 10), ("Cnf", 3), ("Note", None)])
        for c in reversed(kr.check_ins):  # newest first
            table.add_row(str(c.date), title_cell(fmt_num(c.value), 10),
                          "–" if c.confidence is None else f"{c.confidence:.1f}",
                          title_cell(c.note, width, style="italic"), key=c.id)
        if not kr.check_ins:
            table.add_row("", Text("no check-ins in this period yet", style="dim"), "", "", key="none")
        if not table.select_key(keep):
            table.move_cursor(row=0)

    def _show_objective(self, data: Snapshot, obj: ObjectiveView) -> None:
        rep = data.report
        self._head(data, obj.title, f"{obj.level} objective · {rep.person(obj.owner_id)} · {obj.status}",
                      obj.origin == data.me)
        chart = story.objective_chart(obj, rep.period, rep.as_of)
        self._show_chart(chart)
        behind = sum(1 for kr in obj.key_results if kr.pace == "behind")
        stale = sum(1 for kr in obj.key_results if kr.stale)
        self._numbers([
            ("score", "–" if obj.score is None else f"{obj.score:.2f}"),
            ("grade", Text(f"{fmt_grade(obj.grade)} {obj.band or ''}", style=BAND_STYLE[obj.band])),
            ("KRs", count(len(obj.key_results), "key result")),
            ("behind", str(behind)),
            ("stale", str(stale)),
        ])
        table, width, keep = self._reset_history([("#", 1), ("Key result", None), ("Prog", 4), ("Grade", 5),
                                                  ("Wt", 4)])
        scored = [kr for kr in obj.key_results if kr.error is None]
        for kr in obj.key_results:
            i = scored.index(kr) if kr in scored else -1
            mark = story.KR_MARKERS[i] if 0 <= i < len(story.KR_MARKERS) else "+" if i >= 0 else "✖"
            table.add_row(mark, title_cell(kr.title, width), f"{kr.progress:.2f}",
                          Text(fmt_grade(kr.grade), style=BAND_STYLE[kr.band]), fmt_num(kr.weight), key=f"k:{kr.id}")
        if not obj.key_results:
            table.add_row("", Text("no key results yet", style="dim"), "", "", "", key="none")
        if not table.select_key(keep):
            table.move_cursor(row=0)

    def _missing(self, data: Snapshot) -> None:
        self.query_one("#context", Static).update(Text.assemble(
            Text("Not in this period", style="bold"), "\n",
            Text(f"{data.report.period.label} has no such row: [ ] changes period, esc goes back.", style="dim")))
        self.query_one(StoryChart).draw(story.Chart([], 1, None, (0, 1)))
        self.query_one(Legend).update("")
        self._numbers([])
        self._reset_history([("", None)])

    def _numbers(self, rows: list[tuple[str, Text | str]]) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, (label, value) in enumerate(rows):
            if i:
                text.append("\n")
            text.append(f"{label:<11}", style="dim")  # "confidence" and a space
            text.append_text(value if isinstance(value, Text) else Text(value))
        self.query_one("#numbers", Static).update(text)

    def _reset_history(self, columns: list[tuple[str, int | None]]) -> tuple[OkrTable, int, str | None]:
        table = self.query_one(OkrTable)
        keep = table.current_key
        fixed = sum(w for _, w in columns if w is not None) + 2 * len(columns) + 1
        width = max(10, self.size.width - fixed)
        table.clear(columns=True)
        for label, w in columns:
            table.add_column(label, width=width if w is None else w)
        return table, width, keep

    # --- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_step(self, step: int) -> None:
        new = self.index + int(step)
        if 0 <= new < len(self.refs):
            self.index = new
            self.query_one(OkrTable).clear()  # the cursor starts on the newest check-in
            self.refresh_data()

    def action_checkin(self) -> None:
        from okrtui.screens.checkin import CheckinForm

        kr, data = self.shown_kr, self.app.data
        if kr is None or data is None:
            self.notify("choose a key result: j / k, or enter on one below", timeout=3)
            return
        if not can_check_in(kr, data.me):
            who = data.report.person(kr.owner_id or kr.origin)
            self.notify(f"read-only: {who} checks in on this key result", severity="warning", markup=False)
            return

        def done(saved: Saved | None) -> None:
            if saved:
                self.notify(saved.summary(), timeout=3, markup=False)

        self.app.push_screen(CheckinForm(kr, self.app.today), done)

    def on_okr_table_row_selected(self, event: OkrTable.RowSelected) -> None:
        """In an objective's view, enter on a KR opens that KR, stepping through the objective's KRs."""
        if not event.key.startswith("k:"):
            return
        keys = [event.table.key_at(i) for i in range(event.table.row_count)]
        refs = [k for k in keys if k.startswith("k:")]
        self.app.push_screen(DetailScreen(refs, refs.index(event.key)))


def open_detail(screen: Screen[None], table: OkrTable, prefix: str = "") -> None:
    """Open the row under the cursor (`o:` or `k:` key; `prefix` makes bare ids into keys), with
    the list's rows of the same kind to step through."""
    key = table.current_key
    if key is None:
        return
    key = prefix + key
    kind = key.split(":", 1)[0]
    if kind not in ("o", "k"):
        screen.notify("choose an objective or a key result", timeout=2)
        return
    refs = [prefix + table.key_at(i) for i in range(table.row_count)]
    refs = [r for r in refs if r.startswith(kind + ":")]
    screen.app.push_screen(DetailScreen(refs, refs.index(key)))
