"""Check-in (c): KRs due this week first; value, enter, value, enter."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static
from textual.widgets.input import Selection

from okrtui.core.text import plain
from okrtui.method import kinds, periods, scoring
from okrtui.method.domain import Kind
from okrtui.method.views import CheckInView, KRView, find, fmt_grade, fmt_num, fmt_progress, kr_target_text, round_of
from okrtui.rules import schema, validate
from okrtui.tui.screens.base import Dialog, FormScreen, OkrScreen, Refreshable
from okrtui.tui.screens.dialogs import ConfirmDialog
from okrtui.tui.screens.keys import hint_key
from okrtui.tui.state import Snapshot
from okrtui.tui.widgets.grade_bar import BAND_STYLE
from okrtui.tui.widgets.kr_row import confidence_cell, title_cell
from okrtui.tui.widgets.sparkline import sparkline
from okrtui.tui.widgets.table import OkrTable

if TYPE_CHECKING:
    from okrtui.cycle.checkins import Saved


def rounds(data: Snapshot) -> list[tuple[KRView, bool]]:
    """The KRs the user answers for, due first: views.round_of, the rule `okrtui due` shares."""
    return round_of(data.report, data.me)


def _round_cells(kr: KRView, is_due: bool, width: int) -> list[Text]:
    mark = Text("⚠", style="bold yellow") if kr.stale else Text("•", style="bold") if is_due else Text("✓", style="green")
    return [mark, title_cell(kr.title, width), title_cell(kr_target_text(kr), 12),
            Text(str(kr.last_check_in or "never"), style="dim"), confidence_cell(kr),
            sparkline([c.value for c in kr.check_ins], width=6)]


class CheckinScreen(OkrScreen):
    # One source for the footer (show=True), the ? help and the command palette (tooltip).
    BINDINGS = [
        # Priority, and the form mounted before the next key is read: "enter 97 enter" typed at
        # once puts 97 in the form instead of losing it to the list.
        Binding("enter", "checkin", "Check in", tooltip="Record a value for the selected key result",
                priority=True, id="checkin.checkin"),
        Binding("h", "history", "History", tooltip="Correct or delete a past check-in", id="checkin.history"),
        Binding("v", "detail", "Detail", tooltip="The KR's chart, numbers and history over the period", id="checkin.detail"),
    ]

    detail_prefix = "k:"

    def __init__(self) -> None:
        super().__init__()
        self._advance = False  # after a save: move the cursor to the next KR that is due

    def show(self, data: Snapshot) -> None:
        table, width, keep = self.reset_table([(" ", 2), ("Key result", None), ("Now → target", 12),
                                               ("Last", 10), ("Cnf", 3), ("Trend", 6)])
        rows = rounds(data)
        for kr, is_due in rows:
            table.add_lazy_row(kr.id, _round_cells, kr, is_due, width)  # cells made only when on screen
        if self._advance:
            self._advance = False
            first_due = next((kr.id for kr, is_due in rows if is_due), None)
            table.select_key(first_due) or table.select_key(keep)
        elif not table.select_key(keep):
            table.move_cursor(row=0)
        count = sum(1 for _, d in rows if d)
        stale = sum(1 for kr, _ in rows if kr.stale)
        monday, sunday = periods.week_of(data.report.as_of)
        head = Text(f"Week of {monday:%b %-d} · {count} of {len(rows)} due", style="bold")
        if stale:
            head.append(f" · {stale} stale ⚠", style="bold yellow")
        if not rows:
            head = Text("Nothing to check in: you have no active key results in this period.", style="dim")
        k = self.app.keymap
        self.set_context(head, Text(f"{hint_key(k, 'checkin.checkin', 'enter')}: check in   "
                                    f"{hint_key(k, 'checkin.history', 'h')}: history (correct or delete)", style="dim"))

    def current(self) -> KRView | None:
        key = self.query_one(OkrTable).current_key
        if key is None or self.data is None:
            return None
        return find(self.data.report, f"k:{key}")[1]

    async def action_checkin(self) -> None:
        kr = self.current()
        if kr is None:
            return

        def done(saved: Saved | None) -> None:
            if saved:
                self._advance = True
                self._to_next_due(kr.id)
                self.notify(saved.summary(), timeout=3, markup=False)

        await self.app.push_screen(CheckinForm(kr, self.app.today), done)  # mounted, value field focused

    def _to_next_due(self, saved_id: str) -> None:
        """The cursor on the next KR due as soon as the form closes: the list is read again after
        the save, and an enter typed before that (a loaded machine, a big team) reopened the KR
        just saved, whose next value replaced it. The read then keeps the cursor there (show)."""
        if self.data is None:
            return
        due = [kr.id for kr, is_due in rounds(self.data) if is_due and kr.id != saved_id]
        if due:
            self.query_one(OkrTable).select_key(due[0])

    async def on_okr_table_row_selected(self, event: OkrTable.RowSelected) -> None:
        await self.action_checkin()  # a mouse click on a row

    def action_history(self) -> None:
        kr = self.current()
        if kr is not None:
            self.app.push_screen(HistoryDialog(kr.id))


class CheckinForm(FormScreen["Saved"]):  # okrtui.cycle.checkins.Saved, a type only here
    """Value (pre-filled with the last value and selected), confidence, note; a live preview."""

    def __init__(self, kr: KRView, today: dt.date, editing_check_in: CheckInView | None = None) -> None:
        super().__init__()
        self.kr, self.today, self.edited = kr, today, editing_check_in

    def compose(self) -> ComposeResult:
        kr, c = self.kr, self.edited
        last = kr.check_ins[-1] if kr.check_ins else None
        value = c.value if c else (last.value if last else (kr.start if kr.start is not None else None))
        conf = c.confidence if c else (last.confidence if last else None)
        with Vertical(classes="dialog form"):
            yield Static(title_cell(("Correct: " if c else "Check in: ") + kr.title, 70, style="bold"))
            yield Static(Text(self._spec_line(), style="dim"))
            history = Text()
            for past in kr.check_ins[-5:]:
                conf_text = "" if past.confidence is None else f" ({past.confidence:.1f})"
                history.append(f"{past.date}  {fmt_num(past.value):>8}{conf_text}  ", style="dim")
                history.append(plain(past.note)[:40] + "\n", style="dim italic")
            if not kr.check_ins:
                history.append("no check-ins yet", style="dim")
            history.rstrip()
            yield Static(history, classes="history")
            yield self.field_row("value", "Value", Input("" if value is None else fmt_num(value), compact=True,
                                                         select_on_focus=True))
            yield self.field_row("confidence", "Confidence", Input(
                "" if conf is None else f"{conf:g}", compact=True, placeholder="0.0 – 1.0"))
            yield self.field_row("note", "Note", Input(c.note if c else "", compact=True, placeholder="what moved?"))
            if c:
                yield self.field_row("date", "Date", Input(str(c.date), compact=True))
            yield Static("", id="preview", classes="preview")
            yield Static("", id="err-form", classes="error")
            yield Static(Text(f"{hint_key(self.app.keymap, 'form.enter', 'enter')}: save   "
                              f"{hint_key(self.app.keymap, 'form.cancel', 'esc')}: cancel", style="dim"), classes="keys")

    def _spec_line(self) -> str:
        kind = kinds.get(self.kr.kind) or kinds.REGISTRY[Kind.BASELINE]  # an unknown kind: just measure
        return kind.spec_line(self.kr)

    def on_mount(self) -> None:
        value = self.query_one("#in-value", Input)
        self.set_focus(value)  # now, not after keys already queued (Widget.focus waits for them)
        value.selection = Selection(0, len(value.value))  # typing replaces the last value
        self._preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._preview()

    def _preview(self) -> None:
        text = Text()
        try:
            value = validate.parse_number(self.query_one("#in-value", Input).value)
        except ValueError:
            value = None
        if value is None:
            self.query_one("#preview", Static).update(Text("enter a number to see the progress it gives",
                                                           style="dim"))
            return
        kr = self.kr
        points = [scoring.Point(c.date, c.value) for c in kr.check_ins
                  if self.edited is None or c.id != self.edited.id]
        day = self.edited.date if self.edited else self.today
        prog = scoring.preview_progress(kr.spec, points, scoring.Point(day, value, "~"))
        score = scoring.kr_score(kr.self_score, prog)
        g = scoring.grade(score)
        band = scoring.band(g)
        text.append(f"progress {fmt_progress(kr.progress)} → ", style="dim")
        text.append(f"{prog:.2f}  grade {fmt_grade(g)} {band}", style=BAND_STYLE[band])
        self.query_one("#preview", Static).update(text)

    def action_save(self) -> None:
        raw_value = self.query_one("#in-value", Input).value
        raw_conf = self.query_one("#in-confidence", Input).value
        note = self.query_one("#in-note", Input).value
        errors: dict[str, str] = {}
        day = self.today
        try:
            value, conf, note = validate.check_check_in(raw_value, raw_conf, note)
        except validate.FieldErrors as err:
            errors.update(err.errors)
        if self.edited is not None:
            try:
                day = periods.parse_date(self.query_one("#in-date", Input).value.strip())
            except ValueError as err:
                errors["date"] = str(err)
            else:
                too_late = periods.after_today(day, self.today)  # a check-in records what happened
                if too_late:
                    errors["date"] = too_late
        if errors:
            self.show_errors(errors)
            return
        self.show_errors({})
        kr = self.kr
        why = schema.implausible(kr.spec, value)
        if why is None:
            self._store(value, conf, note, day)
            return
        def answered(yes: bool | None) -> None:
            if yes:
                self._store(value, conf, note, day)

        # `why` may end on its own question ("a digit too many or too few?"): no full stop after it.
        ask = why if why.endswith("?") else f"{why}."
        self.app.push_screen(ConfirmDialog(f"Save {fmt_num(value)}?", f"{ask} Save it anyway?", guard=True), answered)

    def _store(self, value: float, conf: float | None, note: str, day: dt.date) -> None:
        kr_id, edited = self.kr.id, self.edited
        if edited is None:
            # A second check-in of the same day in the round corrects that day's value.
            self.send(lambda s: s.record_check_in(kr_id, value, conf, note, day, today=self.today),
                      self.dismiss, kr_id=kr_id)
        else:
            self.send(lambda s: s.correct_check_in(edited.id, value, conf, note, day, today=self.today), self.dismiss,
                      kr_id=kr_id)


class HistoryDialog(Refreshable, Dialog[None]):
    """A KR's check-ins in the period: e corrects one, d deletes one."""

    shows_list = True

    BINDINGS = [
        Binding("escape", "close", "Back", id="history.close"),
        Binding("e,enter", "edit", "Correct", id="history.correct"),
        Binding("d", "delete", "Delete", id="history.delete"),
    ]

    def __init__(self, kr_id: str) -> None:
        super().__init__()
        self.kr_id = kr_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(id="history-title")
            yield OkrTable(id="history")
            k = self.app.keymap
            yield Static(Text(f"{hint_key(k, 'history.correct', 'e / enter')}: correct   "
                              f"{hint_key(k, 'history.delete', 'd')}: delete   {hint_key(k, 'history.close', 'esc')}: back",
                              style="dim"))

    def on_mount(self) -> None:
        self.fill()
        self.query_one(OkrTable).focus()

    def on_screen_resume(self) -> None:
        self.fill()

    @property
    def kr(self) -> KRView | None:
        data = self.app.data
        if data is None:
            return None
        return next((k for o in data.report.objectives for k in o.key_results if k.id == self.kr_id), None)

    def fill(self) -> None:
        kr = self.kr
        table = self.query_one(OkrTable)
        keep = table.current_key
        table.clear(columns=True)
        if kr is None:
            return
        self.query_one("#history-title", Static).update(title_cell("History: " + kr.title, 70, style="bold"))
        table.add_column("Date", width=10)
        table.add_column("Value", width=9)
        table.add_column("Cnf", width=3)
        table.add_column("Note", width=40)
        for c in reversed(kr.check_ins):
            table.add_row(str(c.date), fmt_num(c.value), "–" if c.confidence is None else f"{c.confidence:.1f}",
                          title_cell(c.note, 40), key=c.id)
        table.select_key(keep)

    def _current(self) -> CheckInView | None:
        kr, key = self.kr, self.query_one(OkrTable).current_key
        if kr is None or key is None:
            return None
        return next((c for c in kr.check_ins if c.id == key), None)

    def action_edit(self) -> None:
        c, kr = self._current(), self.kr
        if c is not None and kr is not None:
            self.app.push_screen(CheckinForm(kr, self.app.today, c), lambda _: self.fill())

    def action_delete(self) -> None:
        c = self._current()
        if c is None:
            return
        app = self.app

        def answered(yes: bool | None) -> None:
            if yes:
                app.save(lambda s: s.delete_check_in(c.id), on_done=lambda _: self.notify("deleted"),
                         kr_id=self.kr_id)

        app.push_screen(ConfirmDialog(f"Delete the check-in of {c.date} ({fmt_num(c.value)})?", guard=True), answered)

    def action_close(self) -> None:
        self.dismiss(None)

    def on_okr_table_row_selected(self) -> None:
        self.action_edit()

    def refresh_data(self) -> None:
        self.fill()


SCREEN = CheckinScreen  # the mode's class (okrtui.tui.screens.MAIN)
