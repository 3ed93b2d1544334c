"""Quarterly scoring (s): self-score every KR, answer the reflections, close the quarter."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.strip import Strip
from textual.widgets import Input, OptionList, SelectionList, Static
from textual.widgets.selection_list import Selection

from okrtui.core.text import count, plain
from okrtui.method.domain import REFLECTION_QUESTIONS
from okrtui.method.views import KRView, ObjectiveView, fmt_grade, fmt_progress, self_scored
from okrtui.rules import validate
from okrtui.rules.schema import MAX_TEXT
from okrtui.tui.screens.base import Dialog, FormScreen, OkrScreen
from okrtui.tui.screens.dialogs import ConfirmDialog
from okrtui.tui.screens.keys import hint_key
from okrtui.tui.state import Snapshot
from okrtui.tui.widgets.grade_bar import grade_bar
from okrtui.tui.widgets.kr_row import objective_tags, title_cell
from okrtui.tui.widgets.table import OkrTable

if TYPE_CHECKING:  # the storage layer loads in workers, not with the screen
    from okrtui.cycle.editing import Closed
    from okrtui.tui.screens.base import HostApp

SCORE_SCALE = "0.0 none · 0.3 what we knew we could do · 0.7 hard but achieved · 1.0 beyond"


def _kr_cells(kr: KRView, width: int, comment: int = 16) -> list[Text | str]:
    return [title_cell("· " + kr.title, width), fmt_progress(kr.progress),
            Text("–" if kr.self_score is None else f"{kr.self_score:.1f}", style="dim" if kr.self_score is None else "bold"),
            grade_bar(kr.score, kr.grade, kr.band), title_cell(kr.score_comment, comment)]


class ScoringScreen(OkrScreen):
    BINDINGS = [
        Binding("enter", "score", "Self-score", tooltip="Score the selected KR 0.0-1.0", id="scoring.score"),
        Binding("r", "reflect", "Reflections", tooltip="Answer the quarter's reflection questions", id="scoring.reflect"),
        Binding("C", "close_quarter", "Close quarter",
                tooltip="Close this period's objectives and carry some over", id="scoring.close_quarter"),
    ]

    def mine(self) -> list[ObjectiveView]:
        data = self.data
        return [] if data is None else [o for o in data.report.objectives if o.origin == data.me]

    def show(self, data: Snapshot) -> None:
        # Below 100 columns the numbers and the comment narrow so titles keep ~40 characters.
        wide = self.size.width >= 100
        comment = 16 if wide else 10
        table, width, keep = self.reset_table([("Objective / key result", None), ("Prog", 6 if wide else 4),
                                               ("Self", 6 if wide else 4), ("Grade", 9), ("Comment", comment)])
        for o in self.mine():
            status = objective_tags(o)
            title = title_cell(o.title, width - len(status), style="bold")
            title.append(status, style="italic dim")
            table.add_row(title, "", "", grade_bar(o.score, o.grade, o.band), "", key=f"o:{o.id}")
            for kr in o.key_results:
                table.add_lazy_row(f"k:{kr.id}", _kr_cells, kr, width, comment)  # cells made only when on screen
        if not table.select_key(keep):
            table.move_cursor(row=0)
        scored, total = self_scored(self.mine())  # the close dialog's count too
        answered = sum(1 for q in REFLECTION_QUESTIONS if data.reflections.get(q, "").strip())
        head = Text(f"Scoring {data.report.period.label} · {scored} of {total} KRs self-scored · "
                    f"{answered} of {len(REFLECTION_QUESTIONS)} reflections", style="bold")
        self.set_context(head, Text(SCORE_SCALE, style="dim"))

    def _kr(self) -> KRView | None:
        key = self.query_one(OkrTable).current_key
        if not key or not key.startswith("k:"):
            return None
        return next((kr for o in self.mine() for kr in o.key_results if kr.id == key[2:]), None)

    def action_score(self) -> None:
        kr = self._kr()
        if kr is None:
            table = self.query_one(OkrTable)
            if table.cursor_row + 1 < table.row_count:
                table.move_cursor(row=table.cursor_row + 1)
            return
        self.app.push_screen(ScoreForm(kr), self._next)

    def _next(self, saved: object) -> None:
        if saved:
            table = self.query_one(OkrTable)
            for row in range(table.cursor_row + 1, table.row_count):
                key = table.key_at(row)
                if key.startswith("k:"):
                    table.move_cursor(row=row)
                    break

    def on_okr_table_row_selected(self, event: OkrTable.RowSelected) -> None:
        self.action_score()

    def action_reflect(self) -> None:
        self.app.push_screen(ReflectionsForm(self.data.reflections if self.data else {}))

    def action_close_quarter(self) -> None:
        if self.data is None:
            return
        open_ones = [o for o in self.mine() if o.status not in ("closed", "archived")]
        if not open_ones:
            self.notify("nothing to close: your objectives of this period are closed", timeout=3)
            return
        self.app.push_screen(CloseQuarterDialog(open_ones, self.app.today, self.data.report.period.end, self.mine()))


class ScoreForm(FormScreen[bool]):
    def __init__(self, kr: KRView) -> None:
        super().__init__()
        self.kr = kr

    def compose(self) -> ComposeResult:
        kr = self.kr
        start = kr.self_score if kr.self_score is not None else round(kr.progress, 1)
        with Vertical(classes="dialog form"):
            yield Static(title_cell("Self-score: " + kr.title, 70, style="bold"))
            yield Static(Text(f"computed progress {fmt_progress(kr.progress)} (grade {fmt_grade(kr.grade)})", style="dim"))
            yield Static(Text("0.0  no progress\n0.3  what we knew we could do with little help\n"
                              "0.7  hard but achieved: the level we hoped for\n1.0  far beyond expectations"))
            yield self.field_row("score", "Score", Input(f"{start:.1f}", compact=True, placeholder="0.0 – 1.0"))
            yield self.field_row("comment", "Comment", Input(kr.score_comment, compact=True))
            yield Static("", id="err-form", classes="error")
            yield Static(Text(f"{hint_key(self.app.keymap, 'form.enter', 'enter')}: save   empty score: clear it   "
                              f"{hint_key(self.app.keymap, 'form.cancel', 'esc')}: cancel", style="dim"), classes="keys")

    def on_mount(self) -> None:
        self.query_one("#in-score", Input).focus()

    def action_save(self) -> None:
        try:
            score = validate.parse_unit_interval(self.query_one("#in-score", Input).value)
        except ValueError as err:
            self.show_errors({"score": str(err)})
            return
        comment = self.query_one("#in-comment", Input).value
        kr_id = self.kr.id
        self.send(lambda s: s.set_self_score(kr_id, score, comment), on_done=lambda _: self.dismiss(True))


class ReflectionsForm(FormScreen[bool]):
    def __init__(self, answers: dict[str, str]) -> None:
        super().__init__()
        self.answers = answers

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(Text("Reflections", style="bold"))
            for key, question in REFLECTION_QUESTIONS.items():
                yield Static(Text(question, style="italic"))
                yield self.field_row(key, "›", Input(self.answers.get(key, ""), compact=True))
            yield Static("", id="err-form", classes="error")
            k = self.app.keymap
            yield Static(Text(f"{hint_key(k, 'form.enter', 'enter')}: next answer, saves on the last   "
                              f"{hint_key(k, 'form.save', 'f2')}: save   {hint_key(k, 'form.cancel', 'esc')}: cancel",
                              style="dim"),
                         classes="keys")

    def on_mount(self) -> None:
        self.query_one(f"#in-{next(iter(REFLECTION_QUESTIONS))}", Input).focus()

    def enter_pressed(self, field: Input) -> None:
        # Enter in an answer moves on to the next question; only the last one saves.
        keys = list(REFLECTION_QUESTIONS)
        current = (field.id or "").removeprefix("in-")
        if current in keys and current != keys[-1]:
            # Screen.set_focus moves focus now; Widget.focus would wait behind keys already queued.
            self.set_focus(self.query_one(f"#in-{keys[keys.index(current) + 1]}", Input))
        else:
            self.action_save()

    def action_save(self) -> None:
        answers = {key: self.query_one(f"#in-{key}", Input).value for key in REFLECTION_QUESTIONS}
        too_long = {k: f"at most {MAX_TEXT:,} characters" for k, v in answers.items() if len(v) > MAX_TEXT}
        if too_long:
            self.show_errors(too_long)
            return
        app = self.app
        self.send(lambda s: s.save_reflections(app.span, answers), on_done=lambda _: self.dismiss(True))


class TickList(SelectionList[str]):
    """A SelectionList whose ticks read `[x]` / `[ ]`: without colour (NO_COLOR, 16 colours) the
    stock toggle looks the same ticked or not."""

    def _get_left_gutter_width(self) -> int:
        return 4

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)
        index = round(self.scroll_offset.y) + y
        if not 0 <= index < self.option_count:
            return line
        value = self.get_option_at_index(index).value
        style = next(iter(line)).style or self.rich_style
        tick = "[x] " if value in self.selected else "[ ] "
        segments = [Segment(tick, style + Style(bold=True)), *line]
        # Textual's option style drops app.tcss's `text-style: reverse` (16 colours, NO_COLOR): the
        # cursor row was drawn exactly like the others. It is applied here, from the same rule.
        if index == self.highlighted and self.get_component_rich_style("option-list--option-highlighted").reverse:
            segments = list(Segment.apply_style(segments, post_style=Style(reverse=True)))
        return Strip(segments)


def close_warnings(objectives: list[ObjectiveView], today: dt.date, period_end: dt.date) -> list[str]:
    """Why closing now may be early: the quarter has not ended, or KRs have no self-score."""
    out = []
    if today < period_end:
        days = (period_end - today).days
        out.append(f"The quarter ends on {period_end:%b %-d}: {count(days, 'day')} left.")
    scored, total = self_scored(objectives)  # the scoring header's count, in its words
    if scored < total:
        out.append(f"{scored} of {count(total, 'key result')} self-scored: {total - scored} "
                   f"{'has' if total - scored == 1 else 'have'} no self-score yet (enter on a KR scores it).")
    return out


def offer_retitles(app: HostApp, stale: list[tuple[str, str, str]]) -> None:
    """Carried KRs whose titles state last quarter's start: retitle them with the new numbers (y), or
    keep them (n; the coach's `stale-title` finding then marks them, ▲ on the objective)."""
    lines = "\n".join(f"{plain(old)}\n  → {plain(new)}" for _, old, new in stale)
    question = f"{count(len(stale), 'carried key result')} still state{'s' if len(stale) == 1 else ''} last quarter's numbers"

    def answered(yes: bool | None) -> None:
        if yes:
            app.save(lambda s: s.retitle_key_results({kr_id: new for kr_id, _, new in stale}),
                     on_done=lambda n: app.notify(f"retitled {count(n, 'key result')}", timeout=3))

    app.push_screen(ConfirmDialog(f"{question}: retitle with the new numbers?", lines), answered)


class CloseQuarterDialog(Dialog[None]):
    """Close the period's objectives; the checked unfinished ones come back next quarter as drafts."""

    # enter must close the quarter even though the focused list would take it as "toggle".
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="close.cancel"),
                Binding("enter", "close", "Close quarter", priority=True, id="close.confirm")]
    saves = True

    def __init__(self, objectives: list[ObjectiveView], today: dt.date, period_end: dt.date,
                 counted: list[ObjectiveView] | None = None) -> None:
        """`objectives` are those it closes; `counted` those the scoring header counts (the same
        self-scores: views.self_scored), by default the same."""
        super().__init__()
        self.objectives = objectives
        self.warnings = close_warnings(objectives if counted is None else counted, today, period_end)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(Text("Close the quarter", style="bold"))
            for warning in self.warnings:  # guard rails: say so, and let the person decide
                yield Static(Text(f"⚠ {warning}", style="bold yellow"), classes="warning")
            yield Static(Text(f"Closes {count(len(self.objectives), 'objective')}. Checked ones are carried into "
                              "the next quarter as drafts; their history stays here.", style="dim"))
            yield TickList(*[
                Selection(Text(f"{fmt_grade(o.grade)}  {plain(o.title)[:60]}"), o.id,
                          o.grade is None or o.grade < 0.7)
                for o in self.objectives
            ], id="carry")
            k = self.app.keymap
            close = f"{hint_key(k, 'close.confirm', 'enter')}: close {'anyway' if self.warnings else 'quarter'}"
            yield Static(Text(f"space: toggle carry-over   {close}   {hint_key(k, 'close.cancel', 'esc')}: cancel",
                              style="dim"))

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_close(self) -> None:
        carry = list(self.query_one(SelectionList).selected)
        app = self.app

        def done(result: Closed) -> None:
            waiting = (f"; {count(len(result.waiting), 'objective')} its team's lead has not approved left as "
                       "it is" if len(result.waiting) == 1 else
                       f"; {len(result.waiting)} objectives their team's lead has not approved left as they are"
                       ) if result.waiting else ""
            self.notify(f"closed {count(result.closed, 'objective')}, carried {len(result.carried)} into the "
                        f"next quarter{waiting}", timeout=4)
            self.dismiss(None)
            if result.stale_titles:  # `from 92% to 99%` on a KR that now starts at 97: offer the new numbers
                offer_retitles(app, result.stale_titles)

        app.save(lambda s: s.close_quarter(app.span, carry, app.cfg.fiscal_year_start_month),
                 on_done=done)

    def action_cancel(self) -> None:
        self.dismiss(None)


SCREEN = ScoringScreen  # the mode's class (okrtui.tui.screens.MAIN)
