"""Detail (enter / v on a row): a KR's or an objective's story over the period, as a chart,
its numbers and its history. k / j step through the list it was opened from."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from okrtui.core.text import count, plain
from okrtui.method import kinds, story
from okrtui.method.views import (
    UNGRADED,
    KRView,
    ObjectiveView,
    answers_for,
    find,
    fmt_grade,
    fmt_num,
    fmt_progress,
    kr_target_text,
)
from okrtui.tui.screens import talk
from okrtui.tui.screens.base import LATER_CSS, OkrScreen
from okrtui.tui.screens.checkin import CheckinForm
from okrtui.tui.screens.dialogs import ChoiceDialog, ConfirmDialog
from okrtui.tui.screens.talk import ReadDialog, TextDialog, approve, awaits, comment_lines, request_changes, review_line
from okrtui.tui.widgets.chart import Legend, StoryChart
from okrtui.tui.widgets.grade_bar import BAND_STYLE, pace_cell
from okrtui.tui.widgets.health_cells import improves_cell
from okrtui.tui.widgets.kr_row import objective_tags, title_cell, wrapped
from okrtui.tui.widgets.table import OkrTable

if TYPE_CHECKING:
    from okrtui.cycle.checkins import Saved
    from okrtui.tui.state import Snapshot


class DetailScreen(OkrScreen):
    CSS_PATH = LATER_CSS  # its rules load with it (base.LATER_CSS)
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to the list", id="detail.back"),
        # Priority: the history list below has focus and would take k / j as its own cursor keys.
        Binding("k", "step(-1)", "Prev", priority=True, tooltip="The previous row of the list this came from", id="detail.prev"),
        Binding("j", "step(1)", "Next", priority=True, tooltip="The next row of the list this came from", id="detail.next"),
        Binding("c", "checkin", "Check in",
                tooltip="Record a value for this key result, then come back here", id="detail.checkin"),
        Binding("m", "comment", "Comment", show=False,
                tooltip="Comment on this (or the highlighted check-in); on a comment: reply, or edit or delete your own",
                id="detail.comment"),
        Binding("A", "approve", "Approve", tooltip="As its lead: approve this objective in review (asks first)",
                id="detail.approve"),
        Binding("r", "request_changes", "Request changes",
                tooltip="As its lead: send this objective back, saying what to change", id="detail.request_changes"),
        Binding("tab", "more", "More", tooltip="Read the rest of the review's history and comments (↑ ↓ scroll them); "
                "tab again: back to the list", id="detail.more"),
    ]

    def __init__(self, refs: list[str], index: int = 0) -> None:
        super().__init__()
        self.refs, self.index = refs, index
        self.shown_kr: KRView | None = None

    def body(self) -> ComposeResult:
        with Horizontal(id="story-top"):
            with Vertical(id="story-chart"):
                yield StoryChart(id="chart")
                yield Legend(id="legend")
            yield Static(id="numbers")
        # Focusable (tab): a review history taller than its room scrolls, ↑ ↓, and reads whole.
        with VerticalScroll(id="comments-scroll", classes="comments"):
            yield Static(id="comments")
        yield OkrTable(id="history")

    @property
    def ref(self) -> str:
        return self.refs[self.index]

    def show(self, data: Snapshot) -> None:
        obj, kr = find(data.report, self.ref)
        self.shown_kr = kr
        self.refresh_bindings()  # A and r show on an objective awaiting the user's approval
        self._show_comments(data, kr.id if kr is not None else obj.id if obj is not None else None)
        if kr is not None and obj is not None:
            self._show_kr(data, obj, kr)
        elif obj is not None:
            self._show_objective(data, obj)
        else:
            self._missing(data)

    def _head(self, data: Snapshot, title: str, sub: str, mine: bool) -> None:
        """The title, then what it is, whose, and where it stands; where in the list at the title's
        right when there is room, else after the rest. Wrapped, never cut: a long title, owner or
        objective reads whole at 80 columns (the chart gives a row)."""
        rep = data.report
        width = max(20, self.size.width - 2)
        where = f"{self.index + 1} of {len(self.refs)} · as of {rep.as_of:%b %-d %Y}{'' if mine else ' · read-only'}"
        head, what = wrapped(title, style="bold"), wrapped(sub, style="dim")
        if head.cell_len + 2 + cell_len(where) <= width:
            head.append(" " * (width - head.cell_len - cell_len(where)))
            head.append(where, style="dim")
        elif what.cell_len + 3 + cell_len(where) <= width:
            what.append(f" · {where}")
        else:  # a line of its own: never broken inside "as of Nov 26 2026"
            what.append(f"\n{where}")
        self.set_context(head, what)

    def _show_chart(self, chart: story.Chart) -> None:
        self.query_one(StoryChart).draw(chart)
        self.query_one(Legend).show(chart)

    def _show_kr(self, data: Snapshot, obj: ObjectiveView, kr: KRView) -> None:
        rep = data.report
        unit = f" {kr.unit}" if kr.unit else ""
        self._head(data, f"· {kr.title}",
                   f"{kr.kind} · {rep.person(kr.owner_id or kr.origin)} · in: {obj.title}{objective_tags(obj, statuses=())}",
                   answers_for(kr, data.me) and kr.error is None)
        self._show_chart(story.kr_chart(kr, rep.period, rep.as_of))
        rows: list[tuple[str, Text | str]] = [("now", kr_target_text(kr))]
        if kr.error:
            rows.append(("", Text(kr.error, style="bold red")))
        rows += [
            ("progress", fmt_progress(kr.progress)),
            ("grade", ungraded(obj.status) or Text(f"{fmt_grade(kr.grade)} {kr.band or ''}", style=BAND_STYLE[kr.band])),
        ]
        if kr.self_score is not None:
            rows.append(("self-score", f"{kr.self_score:.1f}"))
        if kinds.paced(kr.kind):
            rows += [
                ("expected", "–" if kr.expected is None else f"{kr.expected:.2f}"),
                ("pace", pace_cell(kr.pace, "–")),
                ("forecast", "–" if kr.forecast is None else f"{kr.forecast:.2f}"
                 + ("" if kr.forecast is None or kr.start is None or kr.target is None else
                    f" ({fmt_num(round(kr.start + kr.forecast * (kr.target - kr.start), 2))}{unit})")),
            ]
        rows += [("confidence", story.confidence_trend(kr)),
                 ("last", str(kr.last_check_in) if kr.last_check_in else "never")]
        if kr.stale:
            rows.append(("", Text("⚠ stale", style="bold yellow")))
        improves = improves_cell(data, kr.id)
        if improves is not None:
            rows.append(("improves", improves))
        self._numbers(rows)
        table, width, keep = self.reset_table([("Date", 10), ("Value", 10), ("Cnf", 3), ("Note", None)],
                                              minimum=10)
        for c in reversed(kr.check_ins):  # newest first
            table.add_row(str(c.date), title_cell(fmt_num(c.value), 10),
                          "–" if c.confidence is None else f"{c.confidence:.1f}",
                          title_cell(c.note, width, style="italic"), key=c.id)
            said = rep.conversation.comments_on(c.id) if rep.conversation is not None and c.id else []
            for line, (_, comment) in zip(comment_lines(rep, c.id, width), said, strict=True):
                table.add_row("", "", "", line, key=f"m:{comment.id}")
        if not kr.check_ins:
            table.add_row("", Text("no check-ins in this period yet", style="dim"), "", "", key="none")
        if not table.select_key(keep):
            table.move_cursor(row=0)

    def _show_objective(self, data: Snapshot, obj: ObjectiveView) -> None:
        rep = data.report
        who = rep.person(obj.owner_id or obj.origin)  # naming no owner, it is its maker's
        # Marked as in the lists: "(private)" after the title, and in words under it.
        private = " · private" if obj.visibility == "private" else ""
        self._head(data, obj.title + objective_tags(obj, statuses=()),
                   f"{obj.level} objective · {who} · {obj.status.replace('_', ' ')}{private}",
                   obj.origin == data.me)
        chart = story.objective_chart(obj, rep.period, rep.as_of)
        self._show_chart(chart)
        behind = sum(1 for kr in obj.key_results if kr.pace == "behind")
        stale = sum(1 for kr in obj.key_results if kr.stale)
        improves = improves_cell(data, obj.id)
        self._numbers([
            ("score", "–" if obj.score is None or obj.status in UNGRADED else f"{obj.score:.2f}"),
            ("grade", ungraded(obj.status) or Text(f"{fmt_grade(obj.grade)} {obj.band or ''}", style=BAND_STYLE[obj.band])),
            ("KRs", count(len(obj.key_results), "key result")),
            ("behind", "–" if obj.status in UNGRADED else str(behind)),
            ("stale", str(stale)),
            *([("improves", improves)] if improves is not None else []),
        ])
        table, width, keep = self.reset_table([("#", 1), ("Key result", None), ("Prog", 4), ("Grade", 5),
                                                  ("Wt", 4)], minimum=10)
        scored = [kr for kr in obj.key_results if kr.error is None]
        for kr in obj.key_results:
            i = scored.index(kr) if kr in scored else -1
            mark = story.KR_MARKERS[i] if 0 <= i < len(story.KR_MARKERS) else "+" if i >= 0 else "✖"
            table.add_row(mark, title_cell(kr.title, width), fmt_progress(kr.progress),
                          Text(fmt_grade(kr.grade), style=BAND_STYLE[kr.band]), fmt_num(kr.weight), key=f"k:{kr.id}")
        if not obj.key_results:
            table.add_row("", Text("no key results yet", style="dim"), "", "", "", key="none")
        if not table.select_key(keep):
            table.move_cursor(row=0)

    def _show_comments(self, data: Snapshot, target_id: str | None) -> None:
        """Under the chart: where the objective stands with its lead, and the record's comments."""
        rep = data.report
        lines = comment_lines(rep, target_id, None) if target_id else []  # whole: wrapped to the width
        review = review_line(rep, target_id) if target_id else None
        # Where it stands with its lead, then every round of the review, whole (okrtui.method.rounds),
        # then the latest comments, when a long thread would push the list away.
        rounds = talk.round_lines(rep, target_id or "") if review is not None else []
        head = [review, *rounds] if review is not None else []
        shown = head + lines[-6:]
        box = self.query_one("#comments", Static)
        self.query_one("#comments-scroll").display = bool(shown)
        # A review's history takes the room it needs: the chart shrinks (an objective still in review
        # has no progress to draw), so every round reads whole at 80×24.
        self.set_class(bool(rounds), "-rounds")
        obj = find(rep, self.ref)[0]
        self.set_class(bool(rounds) and obj is not None and obj.status != "active", "-open-round")
        text = Text()
        for i, line in enumerate(shown):
            if i:
                text.append("\n")
            text.append_text(line)
        box.update(text)
        self.call_after_refresh(self._laid_out)

    def _laid_out(self) -> None:
        """`tab` shows, and the box takes the focus, only when it holds more than it shows."""
        scroll = self.query_one("#comments-scroll")
        scroll.can_focus = self._cut()
        if not scroll.can_focus and self.focused is scroll:
            self.query_one("#history", OkrTable).focus()
        self.refresh_bindings()

    def _cut(self) -> bool:
        """The history and comments box holds more than it shows."""
        scroll = self.query_one("#comments-scroll")
        return scroll.display and scroll.max_scroll_y > 0

    def action_more(self) -> None:
        scroll = self.query_one("#comments-scroll")
        if self.focused is scroll:
            self.query_one("#history", OkrTable).focus()
        elif self._cut():
            scroll.focus()

    def _missing(self, data: Snapshot) -> None:
        self.set_context(Text("Not in this period", style="bold"),
                         Text(f"{data.report.period.label} has no such row: [ ] changes period, esc goes back.",
                              style="dim"))
        self._show_chart(story.Chart([], 1, None, (0, 1)))  # an empty chart and legend
        self._numbers([])
        self.reset_table([("", None)], minimum=10)

    def _numbers(self, rows: list[tuple[str, Text | str]]) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, (label, value) in enumerate(rows):
            if i:
                text.append("\n")
            text.append(f"{label:<11}", style="dim")  # "confidence" and a space
            text.append_text(value if isinstance(value, Text) else Text(value))
        self.query_one("#numbers", Static).update(text)

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
        kr, data = self.shown_kr, self.app.data
        if kr is None or data is None:
            self.notify("choose a key result: j / k, or enter on one below", timeout=3)
            return
        if kr.error is not None or not answers_for(kr, data.me):
            who = data.report.person(kr.owner_id or kr.origin)
            self.notify(f"read-only: {who} checks in on this key result", severity="warning", markup=False)
            return

        def done(saved: Saved | None) -> None:
            if saved:
                self.notify(saved.summary(), timeout=3, markup=False)

        self.app.push_screen(CheckinForm(kr, self.app.today), done)

    def action_comment(self) -> None:
        """A comment on the highlighted check-in (or on a comment's record, as a reply), else on what is shown."""

        data = self.app.data
        if data is None or data.report.conversation is None:
            return
        rep, conv = data.report, data.report.conversation
        obj, kr = find(rep, self.ref)
        if obj is None:
            return
        target, about = (kr.id, kr.title) if kr is not None else (obj.id, obj.title)
        key = self.query_one("#history", OkrTable).current_key or ""
        replying = conv.comment(key[2:]) if key.startswith("m:") else None
        check_in = next((c for c in (kr.check_ins if kr is not None else []) if c.id and c.id == key), None)
        if replying is not None:
            target = replying.target_id
        elif check_in is not None:
            target, about = check_in.id, f"{about} ({check_in.date})"
        app = self.app

        def write(parent: str | None) -> None:
            def said(body: str | None) -> None:
                if body:
                    app.save(lambda s: s.comment(target, body, parent),
                             on_done=lambda _: self.notify("comment sent", timeout=2))
            heading = "Reply" if parent else "Comment"
            answered = conv.comment(parent) if parent else None
            shown = answered.body if answered is not None else about
            app.push_screen(TextDialog(heading, shown, "your comment"), said)

        if replying is not None and replying.origin == data.me:
            self._own_comment(replying.id, replying.body, write)
            return
        if replying is not None:
            write(replying.id)
            return
        thread = conv.comments_on(target)
        if not thread:
            write(None)
            return
        choices = [("", "New comment")] + [
            (c.id, f"Reply to {plain(rep.person(c.origin))}: {plain(c.body)[:50]}") for _, c in thread]
        app.push_screen(ChoiceDialog("Comment", choices), lambda chosen: None if chosen is None else write(chosen or None))

    def _shown_objective(self) -> ObjectiveView | None:
        data = self.app.data
        return find(data.report, self.ref)[0] if data is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`A` and `r` show in the footer, and act, on an objective awaiting the user's approval only."""
        if not super().check_action(action, parameters):
            return False  # a read-only session
        if action in ("approve", "request_changes"):
            obj = self._shown_objective()
            return awaits(self.app.data, obj.id if obj is not None else None)
        if action == "more":
            return self.is_mounted and self._cut()
        return True

    def action_approve(self) -> None:
        obj = self._shown_objective()
        if obj is not None and awaits(self.app.data, obj.id):
            approve(self, obj.id, obj.title)

    def action_request_changes(self) -> None:
        obj = self._shown_objective()
        if obj is not None and awaits(self.app.data, obj.id):
            request_changes(self, obj.id, obj.title)

    def _read_whole(self, key: str) -> None:
        data = self.app.data
        if data is None:
            return
        rep, kr = data.report, self.shown_kr
        conv = rep.conversation
        comment = conv.comment(key[2:]) if conv is not None and key.startswith("m:") else None
        if comment is not None:
            self.app.push_screen(ReadDialog(f"{rep.person(comment.origin)} wrote", comment.body))
            return
        check_in = next((c for c in (kr.check_ins if kr is not None else []) if c.id and c.id == key), None)
        if check_in is not None and check_in.note:
            self.app.push_screen(ReadDialog(f"Check-in of {check_in.date}: {fmt_num(check_in.value)}", check_in.note))

    def _own_comment(self, comment_id: str, body: str, reply: Callable[[str | None], None]) -> None:
        """On a comment of one's own: reply to it, edit it or delete it (a comment is its writer's)."""

        app = self.app

        def edited(text: str | None) -> None:
            if text:
                app.save(lambda s: s.edit_comment(comment_id, text),
                         on_done=lambda _: self.notify("comment changed", timeout=2))

        def deleted(yes: bool | None) -> None:
            if yes:
                app.save(lambda s: s.delete_comment(comment_id),
                         on_done=lambda _: self.notify("comment deleted", timeout=2))

        def chosen(choice: str | None) -> None:
            if choice == "reply":
                reply(comment_id)
            elif choice == "edit":
                app.push_screen(TextDialog("Edit your comment", body, value=body), edited)
            elif choice == "delete":
                app.push_screen(ConfirmDialog("Delete your comment?", plain(body), guard=True), deleted)

        app.push_screen(ChoiceDialog("Your comment", [("reply", "Reply"), ("edit", "Edit"), ("delete", "Delete")]),
                        chosen)

    def on_okr_table_row_selected(self, event: OkrTable.RowSelected) -> None:
        """In an objective's view, enter on a KR opens that KR, stepping through the objective's KRs;
        in a KR's history, enter on a comment or a check-in shows its text whole (the row cuts it)."""
        if not event.key.startswith("k:"):
            self._read_whole(event.key)
            return
        keys = [event.table.key_at(i) for i in range(event.table.row_count)]
        refs = [k for k in keys if k.startswith("k:")]
        self.app.push_screen(DetailScreen(refs, refs.index(event.key)))


def ungraded(status: str) -> Text | None:
    """A proposal nobody has agreed to yet is not graded, here as in the lists (views.UNGRADED)."""
    if status not in UNGRADED:
        return None
    return Text("– (draft)" if status == "draft" else "– (awaiting)", style="italic")  # the lists' words
