"""The person picker (p on the team screen): type to filter, like the command palette."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from okrtui.core.text import plain
from okrtui.tui.screens.base import Dialog
from okrtui.tui.screens.keys import hint_key
from okrtui.tui.widgets.table import OkrTable, Wide

PICKER_WIDTH = 66  # the list's column in a 72-wide dialog (app.tcss): the filter's line is read whole at 80
EVERYONE = ""  # the picker's answer for "no person filter"; None means cancelled


@dataclass(frozen=True)
class Choice:
    id: str
    name: str
    detail: str  # team and what needs attention, shown dim after the name


def fuzzy(query: str, name: str) -> bool:
    """Every typed character appears in the name, in order (case ignored): `bdz` finds Bruno Diaz."""
    rest = iter(name.casefold())
    return all(ch in rest for ch in query.casefold() if not ch.isspace())


def rank(query: str, name: str) -> int:
    """How well a name matches what was typed: 0 a word of it starts with the query (`da`: Dana
    Okafor), 1 the query is inside it, 2 its letters are there in order (`bdz`: Bruno Diaz)."""
    typed, folded = query.casefold().strip(), name.casefold()
    if any(word.startswith(typed) for word in folded.split()) or folded.startswith(typed):
        return 0
    return 1 if typed in folded else 2


def ranked(query: str, choices: list[Choice]) -> list[Choice]:
    """The choices that match, best match first; worst first (their order) within a rank."""
    return sorted((c for c in choices if fuzzy(query, c.name)), key=lambda c: rank(query, c.name))


class PersonPicker(Dialog[str]):
    """Pick a person to filter the team screen by; `enter` picks the highlighted one."""

    types_text = True  # its filter has the focus ([keys] checks)
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("enter", "pick", "Pick", priority=True, id="picker.pick"),
        Binding("down", "move(1)", "Next", show=False, priority=True, id="picker.next"),
        Binding("up", "move(-1)", "Previous", show=False, priority=True, id="picker.previous"),
        Binding("pagedown", "move(8)", "Page down", show=False, priority=True, id="picker.page_down"),
        Binding("pageup", "move(-8)", "Page up", show=False, priority=True, id="picker.page_up"),
    ]

    def __init__(self, choices: list[Choice], current: str | None = None, hidden: list[Choice] | None = None,
                 filters: str = "") -> None:
        super().__init__()
        self.choices = choices  # worst first, as the team screen lists people
        self.hidden = hidden or []  # people the team screen's filters (named by `filters`) hide
        self.filters = filters
        self.current = current
        self.shown: list[str] = []
        self.ranks: list[int] = []  # each shown person's rank for the query (`rank`)
        self.shown_for = ""  # the query the list was filled for

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small picker"):
            yield Static(Text("Filter by person: type part of a name", style="bold"))
            yield Input(placeholder="name…", compact=True, id="picker-query")
            yield OkrTable(id="picker-list")  # repaints two lines per move, as every list does
            k = self.app.keymap
            yield Static(Text(f"{hint_key(k, 'picker.previous', '↑')} {hint_key(k, 'picker.next', '↓')} choose   "
                              f"{hint_key(k, 'picker.pick', 'enter')}: pick   {hint_key(k, 'picker.cancel', 'esc')}: cancel",
                              style="dim"))

    def on_mount(self) -> None:  # Dialog.on_mount runs too (Textual calls each class's): no super()
        query = self.query_one(Input)
        query.cursor_blink = self.app.cfg.cursor_blink
        self._fill("")
        query.focus()

    def _fill(self, query: str) -> None:
        self.shown_for = query
        table = self.query_one(OkrTable)
        table.clear(columns=True)
        table.add_column("Person · team · what needs attention", PICKER_WIDTH)
        self.shown, self.ranks = [], []
        if not query.strip():
            table.add_row(Wide("Everyone (no person filter)", style="italic"), key="*")
            self.shown.append(EVERYONE)
            self.ranks.append(0)
        self._add(table, ranked(query, self.choices), "", query)
        if query.strip() and self.hidden:
            outside = ranked(query, self.hidden)
            if outside:
                note = "nobody matches" if not self.shown else "also"
                table.add_row(Wide(f"{note} outside the filter ({plain(self.filters)}); picking one clears it:",
                                   style="italic"), key="outside")
                self._add(table, outside, "outside the filter", query)
        if not self.shown:
            table.add_row(Wide(f"nobody matches{'' if not self.hidden else ', filter or not'}", style="dim"),
                          key="none")
            return
        if query == "":
            start = self.shown.index(self.current) if self.current in self.shown else 0
        else:  # the best match, outside the filter too: `da` then enter picks Dana, not D…a in the filter
            start = self.ranks.index(min(self.ranks))
        table.move_cursor(row=self._row_of(start))

    def _add(self, table: OkrTable, choices: list[Choice], note: str, query: str) -> None:
        for c in choices:
            prompt = Wide(plain(c.name), style="bold")
            prompt.append(f"  {plain(c.detail)}{'  · ' + note if note else ''}", style="dim")
            table.add_row(prompt, key=f"p:{c.id}")
            self.shown.append(c.id)
            self.ranks.append(rank(query, c.name))

    def _row_of(self, index: int) -> int:
        """The table row of shown[index] (the "outside the filter" heading takes a row)."""
        table = self.query_one(OkrTable)
        keys = [table.key_at(i) for i in range(table.row_count)]
        rows = [i for i, k in enumerate(keys) if k.startswith("p:") or k == "*"]
        return rows[index]

    @property
    def highlighted(self) -> int | None:
        """The index in `shown` of the highlighted row (None on the heading or when nothing matches)."""
        if not self.shown:
            return None
        table = self.query_one(OkrTable)
        key = table.current_key or ""
        if key == "*":
            return 0
        if not key.startswith("p:"):
            return None
        return self.shown.index(key[2:])

    def on_key(self, event: events.Key) -> None:
        """Letters that reach the dialog itself, not its query field (typed right after `p`, as a
        paste or keys bunched by a slow SSH link, before the field had focus), go into the field,
        and the list follows at once: an enter right behind them picks from the filtered list."""
        if event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            query = self.query_one(Input)
            query.focus()
            query.insert_text_at_cursor(event.character)
            self._fill(query.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_pick()

    def action_move(self, step: int) -> None:
        if self.shown:
            self.query_one(OkrTable).action_cursor(int(step))

    def on_okr_table_row_selected(self, event: OkrTable.RowSelected) -> None:
        self.action_pick()  # a click on a name

    def action_pick(self) -> None:
        query = self.query_one(Input).value
        if query != self.shown_for:  # an enter right behind the letters: their Changed is still on its way
            self._fill(query)
        index = self.highlighted
        if index is None:
            return
        self.dismiss(self.shown[index])

    def action_cancel(self) -> None:
        self.dismiss(None)
