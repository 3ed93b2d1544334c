"""The conversation in the TUI: a comment dialog, comment lines, and the inbox (i, from anywhere)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from okrtui.core.text import count, plain
from okrtui.method import covers, cycle, rounds
from okrtui.method.views import KRView, PeriodReport
from okrtui.tui.screens.base import LATER_CSS, Dialog, OkrScreen, OpenDetail
from okrtui.tui.screens.keys import hint_key
from okrtui.tui.state import Snapshot
from okrtui.tui.widgets.kr_row import title_cell, wrapped
from okrtui.tui.widgets.table import OkrTable


class TextDialog(Dialog[str]):
    """One line of text about something (a comment, a reply, what to change): enter saves, esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="text.cancel")]
    saves = True  # what it returns is saved: the database opens while the user types
    types_text = True  # a text field has the focus ([keys] checks)

    def __init__(self, heading: str, about: str, placeholder: str = "", value: str = "", *,
                 optional: bool = False) -> None:
        super().__init__()
        self.heading, self.about, self.placeholder, self.value = heading, about, placeholder, value
        self.optional = optional  # enter on an empty field answers "" (a confirmation without a note)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Static(Text(self.heading, style="bold"))
            yield Static(wrapped(self.about, style="italic"), classes="about")  # whole, literally: what you answer
            yield Input(self.value, placeholder=self.placeholder, id="text", max_length=cycle_max())
            send = "confirm (the note is optional)" if self.optional else "send"
            yield Static(Text(f"enter: {send}    {hint_key(self.app.keymap, 'text.cancel', 'esc')}: cancel", style="dim"))

    def on_mount(self) -> None:  # Dialog.on_mount runs first, by Textual (no super(): two Footers)
        field = self.query_one(Input)
        field.cursor_blink = self.app.cfg.cursor_blink
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip() and not self.optional:
            self.notify("write something first (esc cancels)", severity="warning", timeout=3)
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReadDialog(Dialog[None]):
    """A text a list cut to its width, shown whole (enter on the row): a comment, a change request."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="read.close")]

    def __init__(self, heading: str, body: str) -> None:
        super().__init__()
        self.heading, self.body = heading, body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Static(wrapped(self.heading, style="bold"))
            yield Static(wrapped(self.body), classes="about")
            yield Static(Text(f"{hint_key(self.app.keymap, 'read.close', 'esc')}: close", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)


def awaits(data: Snapshot | None, objective_id: str | None) -> bool:
    """The objective is in review and the user is the lead it waits for: `A` and `r` apply."""
    conv = data.report.conversation if data is not None else None
    rev = conv.reviews.get(objective_id or "") if conv is not None else None
    return rev is not None and rev.state == "in_review" and data is not None and rev.lead == data.me


def approve(screen: OkrScreen, objective_id: str, title: str) -> None:
    """`A`: asks first, with an optional note (kept with the approval: its maker reads it in the inbox
    and the review's history), then approves."""
    app = screen.app

    def answered(note: str | None) -> None:
        if note is None:
            return
        app.save(lambda services: services.approve(objective_id, note),
                 on_done=lambda message: screen.notify(plain(message), timeout=3, markup=False))

    app.push_screen(TextDialog("Approve it? It becomes active as submitted.", title, "a note for its maker (optional)",
                               optional=True), answered)


def request_changes(screen: OkrScreen, objective_id: str, title: str) -> None:
    """`r`: what should change (required); the objective goes back to its maker as a draft."""
    app = screen.app

    def said(note: str | None) -> None:
        if note:
            app.save(lambda s: s.request_changes(objective_id, note),
                     on_done=lambda message: screen.notify(plain(message), timeout=3, markup=False))

    app.push_screen(TextDialog("Request changes: what should change?", title, "what to change"), said)


def cycle_max() -> int:
    return 10_000  # okrtui.rules.schema.MAX_TEXT, without loading pydantic in the TUI's first frame


def comment_lines(rep: PeriodReport, target_id: str, width: int | None, indent: int = 0) -> list[Text]:
    """A record's comments as lines, replies indented under what they answer; text shown literally,
    cut to `width` (a list's row), or whole when width is None (wrapped where they are the point)."""
    conv = rep.conversation
    if conv is None:
        return []
    lines = []
    for depth, c in conv.comments_on(target_id):
        who = rep.person(c.origin)
        said = f"{'  ' * (depth + indent)}{'↳ ' if depth else '✎ '}{who}: {c.body}"
        line = wrapped(said) if width is None else title_cell(said, width)
        if c.id not in conv.seen:
            line.stylize("bold")
        lines.append(line)
    return lines


def review_line(rep: PeriodReport, objective_id: str) -> Text | None:
    """Where a submitted objective stands with its lead, for the detail and team screens."""
    conv = rep.conversation
    rev = conv.reviews.get(objective_id) if conv is not None else None
    if rev is None:
        return None
    lead = rep.person(rev.lead)
    if rev.state == cycle.CHANGES:
        return wrapped(f"changes requested by {lead}: {rev.note}", style="bold yellow")
    if rev.state == cycle.APPROVED:
        return Text(f"approved by {lead}", style="green")
    return Text(f"in review with {lead}" + (" (changed since approved)" if rev.changed else ""),
                style="bold cyan")


def round_lines(rep: PeriodReport, objective_id: str) -> list[Text]:
    """The objective's review rounds (okrtui.method.rounds), oldest first, each whole: text from a
    teammate shown literally, wrapped by the widget that shows it."""
    conv = rep.conversation
    obj = cycle.objective_of(rep, objective_id) if conv is not None else None
    if conv is None or obj is None:
        return []
    return [wrapped(f"  {line}") for line in rounds.lines(rounds.of_objective(obj, rep.period.label, conv), rep.person)]


def reopens(rep: PeriodReport, objective_id: str, kr: KRView | None, values: dict[str, object]) -> str | None:
    """The lead's name when saving these KR values would send an approved objective back to review."""
    conv = rep.conversation
    rev = conv.reviews.get(objective_id) if conv is not None else None
    if rev is None or rev.state != cycle.APPROVED:
        return None
    if kr is not None and kr.objective_id == values.get("objective_id") and all(
            _same(getattr(kr, f), values.get(f)) if f in covers.NUMBERS else getattr(kr, f) == values.get(f)
            for f in covers.KR_CONTENT if f != "id"):
        return None
    return rep.person(rev.lead)


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is b
    return float(a) == float(b)  # type: ignore[arg-type]  # numbers, as the form's check made them


class InboxScreen(OkrScreen):
    """What needs me, one line each: enter opens it (a comment is then read), a / d answer a request."""

    CSS_PATH = LATER_CSS  # its rules load with it (base.LATER_CSS)
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to where you were", id="inbox.back"),
        Binding("enter,v", "open", "Open",
                tooltip="Open the objective or KR it is about (a comment is then read)", id="inbox.open"),
        Binding("a", "accept", "Accept", show=False, tooltip="Agree to the highlighted dependency request", id="inbox.accept"),
        Binding("x", "decline", "Decline", show=False,
                tooltip="Decline the highlighted dependency request, saying why", id="inbox.decline"),
        Binding("r", "read", "Mark read", show=False, tooltip="Mark the highlighted comment as read", id="inbox.read"),
        Binding("A", "approve", "Approve", tooltip="As its lead: approve the highlighted objective (asks first)",
                id="inbox.approve"),
        Binding("R", "request_changes", "Request changes",
                tooltip="As its lead: send the highlighted objective back, saying what to change", id="inbox.request_changes"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[cycle.InboxItem] = []

    def body(self) -> ComposeResult:
        yield OkrTable(id="table")
        yield Static(id="whole", classes="whole")  # the highlighted item's text, whole: the row cuts it

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`A` and `R` show in the footer, and act, on what awaits the user's approval only."""
        if not super().check_action(action, parameters):
            return False  # a read-only session
        if action in ("approve", "request_changes"):
            item = self._item() if self.is_mounted else None
            return awaits(self.data, item.objective_id if item is not None else None)
        return True

    def action_approve(self) -> None:
        item = self._item()
        if item is not None and item.objective_id and awaits(self.data, item.objective_id):
            approve(self, item.objective_id, self._title(item.objective_id))

    def action_request_changes(self) -> None:
        item = self._item()
        if item is not None and item.objective_id and awaits(self.data, item.objective_id):
            request_changes(self, item.objective_id, self._title(item.objective_id))

    def _title(self, objective_id: str) -> str:
        obj = cycle.objective_of(self.loaded.report, objective_id)
        return obj.title if obj is not None else objective_id

    def on_okr_table_row_highlighted(self, event: OkrTable.RowHighlighted) -> None:
        self.refresh_bindings()  # A and R show where they apply (the inbox is short: no bytes to save)
        item = self._item()
        self.query_one("#whole", Static).update(
            Text() if item is None else wrapped(f"{item.who + ': ' if item.who else ''}{item.text}"))
        if self.data is not None:
            self._say_keys(self.data)

    def _say_keys(self, data: Snapshot) -> None:
        """The head and the keys that apply to the highlighted item: on one awaiting the user's
        approval, `A` and `R` (the dependency and comment keys do nothing there)."""
        k = self.app.keymap
        item = self._item()
        if item is not None and awaits(data, item.objective_id):
            keys = (f"{hint_key(k, 'inbox.open', 'enter')} opens · {hint_key(k, 'inbox.approve', 'A')} approves · "
                    f"{hint_key(k, 'inbox.request_changes', 'R')} requests changes")
        else:
            keys = (f"{hint_key(k, 'inbox.open', 'enter')} opens · {hint_key(k, 'inbox.accept', 'a')} accepts / "
                    f"{hint_key(k, 'inbox.decline', 'x')} declines a request · "
                    f"{hint_key(k, 'inbox.read', 'r')} marks a comment read")
        self.set_context(Text(f"Inbox · {data.report.period.label} · {count(len(self.items), 'item')}", style="bold"),
                         Text(keys, style="dim"))

    def show(self, data: Snapshot) -> None:
        self.items = cycle.inbox(data.report, data.dependencies, data.me)
        table, width, keep = self.reset_table([("What", 20), ("About", None), ("From", 12)])
        for i, item in enumerate(self.items):
            table.add_row(Text(cycle.INBOX_KINDS[item.kind], style="bold" if item.kind != "due" else "dim"),
                          title_cell(item.text, width), title_cell(item.who, 12), key=f"i:{i}")
        if not self.items:
            table.add_row("", Text("Nothing needs you.", style="dim"), "", key="none")
        if not table.select_key(keep):
            table.move_cursor(row=0)
        self._say_keys(data)

    def _item(self) -> cycle.InboxItem | None:
        key = self.query_one(OkrTable).current_key
        if key is None or not key.startswith("i:"):
            return None
        index = int(key[2:])
        return self.items[index] if index < len(self.items) else None

    def action_back(self) -> None:
        self.dismiss()

    def action_open(self) -> None:
        item = self._item()
        if item is None or item.objective_id is None:
            return
        if item.kind in ("comment", "reply"):
            self.action_read()
        ref = f"k:{item.ref}" if item.kind == "due" else f"o:{item.objective_id}"
        self.post_message(OpenDetail([ref], 0))  # the App opens it: no screen imports the detail

    def on_okr_table_row_selected(self, event: object) -> None:
        self.action_open()

    def action_read(self) -> None:
        item, app = self._item(), self.app
        if item is not None and item.kind in ("comment", "reply"):
            app.save(lambda s: s.mark_seen([item.ref]))

    def action_accept(self) -> None:
        item, app = self._item(), self.app
        if item is None or item.kind != "dependency":
            self.notify("highlight a dependency request", timeout=2)
            return
        app.save(lambda s: s.answer_dependency(item.ref, cycle.AGREED, ""),
                 on_done=lambda message: self.notify(plain(message), timeout=3, markup=False))

    def action_decline(self) -> None:
        item, app = self._item(), self.app
        if item is None or item.kind != "dependency":
            self.notify("highlight a dependency request", timeout=2)
            return

        def said(why: str | None) -> None:
            if why:
                app.save(lambda s: s.answer_dependency(item.ref, cycle.DECLINED, why),
                         on_done=lambda message: self.notify(plain(message), timeout=3, markup=False))

        app.push_screen(TextDialog("Decline: say why", item.text, "why not"), said)
