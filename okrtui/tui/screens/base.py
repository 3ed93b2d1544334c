"""What every main screen and every form shares."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.text import Text
from textual import events, widgets
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.visual import Visual
from textual.widget import Widget
from textual.widgets import Header, Input, Select, Static

from okrtui.core.text import count
from okrtui.tui.screens.keys import hint_key
from okrtui.tui.widgets.footer import OkrFooter
from okrtui.tui.widgets.table import OkrTable

if TYPE_CHECKING:
    from textual.app import App
    from textual.visual import Visual

    from okrtui.core.errors import OkrError
    from okrtui.tui.host import ScreenHost
    from okrtui.tui.services import Services
    from okrtui.tui.state import Snapshot

    class HostApp(App[None], ScreenHost):
        """For the type checker only: Textual's App with what okrtui's screens ask of theirs
        (host.py). Never OkrApp: the app builds on the screens."""

# The dialogs', the detail's and the inbox's stylesheet: Textual reads it when the first of them is shown, not
# before the first frame (app.tcss has the main screens'; docs/performance.md).
LATER_CSS = Path(__file__).resolve().parents[1] / "later.tcss"

R = TypeVar("R")  # what a dialog closes with (None when cancelled)
T = TypeVar("T")  # what a save returns
V = TypeVar("V")  # a form's checked values
W = TypeVar("W")  # and its raw ones


class OpenDetail(Message):
    """Open the detail screen on refs[index], stepping through refs (`o:ID` or `k:ID` keys)."""

    def __init__(self, refs: list[str], index: int) -> None:
        super().__init__()
        self.refs, self.index = refs, index


class Refreshable:
    """A screen or dialog that draws the app's Snapshot: the app calls refresh_data when a new one
    arrives and it is on top."""

    def refresh_data(self) -> None:
        raise NotImplementedError


class OkrScreen(Refreshable, Screen[None]):
    """A main screen: shows the app's Snapshot, refreshed when new data arrives."""

    app: HostApp
    shows_list: ClassVar[bool] = True  # its focused OkrTable's keys come before the screen's ([keys] checks)
    # Lists it shows in turn, each with keys of its own (the team screen's views): the help, the
    # palette, [keys] and a read-only session count their keys as this screen's (keys.screen_bindings).
    VIEWS: ClassVar[tuple[type[OkrTable], ...]] = ()

    def __init__(self) -> None:
        super().__init__()
        self.shown: Snapshot | None = None  # the snapshot drawn last: another one is redrawn on resume
        self.shown_width: int | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="◎")
        yield Static(id="context", classes="context")
        yield from self.body()
        yield OkrFooter(compact=True)

    def body(self) -> ComposeResult:
        yield OkrTable(id="table")

    def on_mount(self) -> None:
        self.query(OkrTable).first().focus()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, each key bound as Textual binds it, in the footer's order: a shown view's own keys
        (VIEWS) after the screen's, as when they were the screen's (`1 2 3 S`, then `A r`), not before."""
        found = super().active_bindings
        if not self.VIEWS:
            return found
        views = {k: b for k, b in found.items() if isinstance(b.node, self.VIEWS)}
        screen = {k: b for k, b in found.items() if b.node is self}
        return {**screen, **views, **{k: b for k, b in found.items() if k not in views and k not in screen}}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A read-only session: the keys that save are absent from the footer and do nothing here
        # (the app refuses them with one line: OkrApp.on_event).
        return not self.app.refuses(type(self), action)

    @property
    def data(self) -> Snapshot | None:
        return self.app.data

    @property
    def loaded(self) -> Snapshot:
        """The data, for actions that only run once it is on screen."""
        data = self.app.data
        if data is None:
            raise LookupError("no data loaded yet")
        return data

    def on_screen_resume(self) -> None:
        if self.app.data is not None and self.shown is not self.app.data:
            self.refresh_data()

    def refresh_data(self) -> None:
        if self.data is None:
            return
        self.shown = self.data
        self.shown_width = self.size.width
        self.show(self.data)

    def show(self, data: Snapshot) -> None:
        """Draw data; each screen overrides."""

    async def run_key(self, action: str) -> None:
        """Run one of its keys' actions as a palette command does (a screen with VIEWS runs a view's
        key on that view)."""
        await self.run_action(action)

    def action_detail(self) -> None:
        """The story of the row under the cursor, with the list's rows of its kind to step through
        (`o:` or `k:` keys; detail_prefix makes bare ids into keys). The App opens the detail
        screen: it builds on this module, so this one never imports it."""
        table = self.focused if isinstance(self.focused, OkrTable) else self.query(OkrTable).first()
        key = table.current_key
        if key is None:
            return
        key = self.detail_prefix + key
        kind = key.split(":", 1)[0]
        if kind not in ("o", "k"):
            self.notify("choose an objective or a key result", timeout=2)
            return
        refs = [self.detail_prefix + table.key_at(i) for i in range(table.row_count)]
        refs = [r for r in refs if r.startswith(kind + ":")]
        self.post_message(OpenDetail(refs, refs.index(key)))

    detail_prefix = ""  # what makes a row key `k:ID` (the check-in list keys rows by bare KR id)

    def on_resize(self) -> None:
        # Column widths follow the terminal; redraw only when the width really changed.
        if self.data is not None and self.size.width != self.shown_width:
            self.refresh_data()

    def set_context(self, *lines: Text) -> None:
        text = Text()
        for i, line in enumerate(lines):
            if i:
                text.append("\n")
            text.append_text(line)
        self.query_one("#context", Static).update(text)

    def reset_table(self, columns: list[tuple[str, int | None]], table: OkrTable | None = None,
                    minimum: int = 18) -> tuple[OkrTable, int, str | None]:
        """Clear a table for a redraw. The one column of width None takes what the others leave.

        Returns the table, that column's width and the key under the cursor before.
        """
        table = table or self.query_one(OkrTable)
        keep = table.current_key
        fixed = sum(w for _, w in columns if w is not None) + 2 * len(columns) + 1  # padding, scrollbar
        width = max(minimum, self.size.width - fixed)
        table.clear(columns=True)
        for label, w in columns:
            table.add_column(label, width=width if w is None else w)
        return table, width, keep


async def drained(widget: Widget | None) -> None:
    """Wait until `widget` has handled the keys already routed to it.

    Textual routes each key to the widget focused when the app reads the key, into that
    widget's own queue; a Tab left to the field is acted on later, so keys that arrived
    with it (a paste, a slow SSH link) went to the old field. A priority binding runs while
    the app holds the next key; this waits for the keys before it (the form's tab and enter,
    and the app's replay of keys held for a dialog)."""
    if widget is None:
        return
    handled = asyncio.Event()
    if widget.call_later(handled.set):  # runs after every message already in its queue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(handled.wait(), 2)


class Dialog(ModalScreen[R]):
    """A modal dialog with its own footer: its keys are shown, and clickable with a mouse. It
    closes with an R (ConfirmDialog a bool, ChoiceDialog a key), or None when cancelled."""

    CSS_PATH = LATER_CSS
    app: HostApp
    saves: ClassVar[bool] = False  # a form: the database opens while the user types, so the save never waits
    shows_list: ClassVar[bool] = False  # True when an OkrTable has the focus: as OkrScreen's
    types_text: ClassVar[bool] = False  # True when a text field has the focus (a form's)
    keys_ready = False  # until drawn, the app holds the keys typed for it (screens/keyline.py)

    @property
    def holds_keys(self) -> bool:
        """The app holds the keys typed now until this is False again (a form's save on its way)."""
        return False

    def repeats_save(self, key: str) -> bool:
        """`key` is one that saves this dialog (while it holds keys, a repeat of it is not held twice)."""
        return False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.app.refuses(type(self), action)  # as OkrScreen's

    def on_mount(self) -> None:
        # Textual calls each class's on_mount along the chain: subclasses never call this one again.
        if self.saves and self.app.read_only:  # however it was opened (a key, a click, the palette)
            self.app.refuse_write()
            self.dismiss(None)
            return
        # Textual's Footer, loaded here on first use (textual.widgets loads each widget as it is asked for): the
        # main screens draw OkrFooter, and before the first frame nothing needs Textual's.
        self.mount(widgets.Footer())
        if self.saves:  # only then: help, coach and guide keep a reading session free of SQLAlchemy
            self.app.warm_storage()
        self.call_after_refresh(self._keys_now)  # after the first refresh: drawn, its field focused

    async def _keys_now(self) -> None:
        self.keys_ready = True
        await self.app.hand_out_keys()

    def on_unmount(self) -> None:
        self.keys_ready = True  # closed before it was drawn: keys held for it go on to the next screen
        self.app.call_later(self.app.hand_out_keys)


class FormScreen(Dialog[R]):
    """A dialog form: fields in rows, a message under each field, enter (or f2) saves, esc cancels.
    It closes with what its save returned (R), or None when cancelled."""

    types_text = True  # a text field has the focus: [keys] may not move a key onto a typed one
    saves = True

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("f2", "save", "Save", id="form.save"),
        Binding("f1,ctrl+g", "guide", "Guide", id="form.guide"),
        # Priority: the app runs these as it reads the key, before it routes the next one (see drained).
        Binding("tab", "next_field(1)", "Next field", show=False, priority=True, id="form.next_field"),
        Binding("shift+tab", "next_field(-1)", "Previous field", show=False, priority=True, id="form.previous_field"),
        Binding("enter", "enter", "Save", show=False, priority=True, tooltip="from any field", id="form.enter"),
    ]

    async def action_next_field(self, step: int) -> None:
        await drained(self.focused)
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    async def action_enter(self) -> None:
        focused = self.focused
        if isinstance(focused, Select):  # closed (an open one's list has the focus): the form saves,
            await drained(focused)       # as its hint says; space or ↓ opens the list
            self.action_save()
            return
        if not isinstance(focused, Input):
            raise SkipAction()  # a list, or an open select's list, takes enter itself: it picks
        await drained(self.focused)
        self.enter_pressed(focused)

    _form_keys: Visual | None = None  # the form's own hint line, while a select's hint stands in

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The hint line says what the keys do where the focus is: on a select, that enter saves
        and space opens it; in its open list, that enter picks and esc closes the list."""
        hint = next(self.query(".keys").results(Static), None)
        if hint is None:
            return
        if self._form_keys is None:
            self._form_keys = hint.visual
        widget, k = event.widget, self.app.keymap
        if isinstance(widget.parent, Select):  # its open list
            hint.update(Text("↑ ↓: choose   enter: pick   esc: close the list", style="dim"))
        elif isinstance(widget, Select):
            hint.update(Text(f"{hint_key(k, 'form.enter', 'enter')}: save   space or ↓: open the list   "
                             f"{hint_key(k, 'form.cancel', 'esc')}: cancel", style="dim"))
        else:
            hint.update(self._form_keys)

    def enter_pressed(self, field: Input) -> None:
        """Enter in a text field: saves, from any field (a form may move on instead)."""
        self.action_save()

    def action_guide(self) -> None:
        self.app.show_guide()  # the app opens it: the guide's module builds on this one

    def field_row(self, name: str, label: str, widget: Widget) -> Vertical:
        widget.id = widget.id or f"in-{name}"
        if isinstance(widget, Input):
            widget.cursor_blink = self.app.cfg.cursor_blink
        return Vertical(
            Horizontal(Static(label, classes="label"), widget, classes="row"),
            Static("", id=f"err-{name}", classes="error"),
            id=f"f-{name}", classes="field",
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        for err in self.query(".error").results(Static):
            err.update("")
            err.display = False
        unplaced = []
        for name, message in errors.items():
            found = self.query(f"#err-{name}").results(Static)
            first = next(found, None)
            if first is not None:
                first.update(Text(message))
                first.display = True
            else:
                unplaced.append(message)
        if unplaced:
            self.notify("; ".join(unplaced), severity="error", markup=False)

    def on_mount(self) -> None:
        for err in self.query(".error"):
            err.display = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not self.saving:
            self.action_save()

    def action_save(self) -> None:
        raise NotImplementedError

    def submit(self, check: Callable[[W], V], raw: W, write: Callable[[Services, V], R]) -> None:
        """Check the raw form values (messages under the fields, nothing saved), then save
        `write(services, values)` in a worker; the form closes with its result, or shows the error."""
        from okrtui.rules.validate import FieldErrors  # pydantic: loaded by the first form, not before the first frame

        try:
            values = check(raw)
        except FieldErrors as err:
            self.show_errors(err.errors)
            return
        self.show_errors({})
        self.send(lambda services: write(services, values), self.dismiss)

    # --- one save at a time ---------------------------------------------------------------------
    saving = False  # a save is on its way: the app holds the keys typed meanwhile (holds_keys)

    @property
    def holds_keys(self) -> bool:
        return self.saving

    def repeats_save(self, key: str) -> bool:
        k = self.app.keymap
        keys = f"{k.get('form.enter', 'enter')},{k.get('form.save', 'f2')}"
        return key in (one.strip() for one in keys.split(","))

    def send(self, write: Callable[[Services], T], on_done: Callable[[T], object], kr_id: str | None = None) -> None:
        """Save `write(services)` in a worker, once. While the database works (or waits on a lock)
        the form says "saving…" and a second enter sends nothing; `on_done` gets the result (most
        forms: self.dismiss), or the form shows the error and can be sent again."""
        if self.saving:
            return
        self._show_saving(True)

        def failed(err: OkrError) -> None:
            self._show_saving(False)
            self.failed(err)
            dropped = self.app.drop_held_keys()
            if dropped:
                self.notify(f"{count(dropped, 'key')} typed during the save not used", severity="warning",
                            timeout=4, markup=False)

        self.app.save(write, on_done=on_done, on_error=failed, kr_id=kr_id)

    def _show_saving(self, on: bool) -> None:
        self.saving = on
        self.set_class(on, "saving")
        for keys in self.query(".keys").results(Static):
            if on:
                self._keys_hint = keys.visual
                keys.update(Text("saving… (waiting for the database)", style="bold"))
            elif self._keys_hint is not None:
                keys.update(self._keys_hint)

    _keys_hint: Visual | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Under a save nothing sends it again or closes the form beneath it (send() refuses a
        # second one too, whichever key or path asks).
        return not (self.saving and action in ("save", "cancel", "enter")) and super().check_action(action, parameters)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def failed(self, err: Exception) -> None:
        errors = getattr(err, "errors", None)
        self.show_errors(errors if errors else {"form": str(err)})

    def value_of(self, name: str) -> str | None:
        """A field's text, or its Select's chosen key (every choice is keyed by a string); None if blank."""
        widget = self.query_one(f"#in-{name}")
        value = getattr(widget, "value", None)  # an Input's text or a Select's choice
        return value if isinstance(value, str) else None
