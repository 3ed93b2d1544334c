"""Small dialogs: confirm, choose one of a few, keys help."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from okrtui.tui.screens.base import Dialog
from okrtui.tui.screens.keys import LEGEND, Key, hint_key


class ConfirmDialog(Dialog[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("enter", "enter", "Yes", show=False, id="confirm.yes_enter"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", show=False, id="confirm.no_escape"),
    ]

    def __init__(self, question: str, detail: str = "", *, guard: bool = False) -> None:
        """`guard`: the question guards against a slip (a typo's value, a deletion), so `enter` answers
        no and only `y` goes on: typed fast, `984 enter enter` would otherwise confirm the very typo asked about."""
        super().__init__()
        self.question, self.detail, self.guard = question, detail, guard

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Static(Text(self.question, style="bold"))
            if self.detail:
                yield Static(Text(self.detail))
            k = self.app.keymap
            yes, enter, no, esc = (hint_key(k, i, d) for i, d in (("confirm.yes", "y"), ("confirm.yes_enter", "enter"),
                                                                   ("confirm.no", "n"), ("confirm.no_escape", "esc")))
            hint = f"{yes}: yes    {no} / {enter} / {esc}: no" if self.guard else f"{yes} / {enter}: yes    {no} / {esc}: no"
            yield Static(Text(hint, style="dim"))

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def action_enter(self) -> None:
        self.dismiss(not self.guard)


class ChoiceDialog(Dialog[str]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.heading, self.choices = title, choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Static(Text(self.heading, style="bold"))
            yield OptionList(*[Option(Text(label), id=key) for key, label in self.choices], id="choices")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpDialog(Dialog[None]):
    """Every key of the app and of each screen, generated from their bindings; scrolls."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help.close"),
                Binding("g", "guide", "Guide", id="help.guide")]

    def __init__(self, sections: list[tuple[str, list[Key]]]) -> None:
        super().__init__()
        self.sections = sections

    def action_guide(self) -> None:
        self.app.show_guide()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static(Text("Keys", style="bold"))
            with VerticalScroll(id="help-body", can_focus=True):
                for title, keys in self.sections:
                    yield Static(Text(title, style="bold underline"), classes="help-title")
                    yield Static(_key_table(keys))
                yield Static(Text("What the marks mean", style="bold underline"), classes="help-title")
                yield Static(_key_table([Key(glyph, meaning, "", "") for glyph, meaning in LEGEND]))
            k = self.app.keymap
            yield Static(Text(f"↑ ↓ pgup pgdn scroll   {hint_key(k, 'help.guide', 'g')}: how to write good OKRs   "
                              f"{hint_key(k, 'help.close', 'esc')} closes", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)


def _key_table(keys: list[Key]) -> Table:
    # A table, so a long line wraps inside its own column.
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column(no_wrap=True, style="bold", min_width=9)
    table.add_column(ratio=1)
    for key in keys:
        text = Text(key.description)
        if key.help:
            text.append(f": {key.help}", style="dim")
        table.add_row(Text(key.keys), text)
    return table
