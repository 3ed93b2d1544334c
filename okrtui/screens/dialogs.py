"""Small dialogs: confirm, choose one of a few, keys help."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from okrtui.screens.base import Dialog


class ConfirmDialog(Dialog):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("enter", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question, self.detail = question, detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Static(Text(self.question, style="bold"))
            if self.detail:
                yield Static(Text(self.detail))
            yield Static(Text("y / enter: yes    n / esc: no", style="dim"))

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ChoiceDialog(Dialog):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

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


KEYS = """\
Anywhere (outside a text field)
  o  objectives   c  check-in   w  weekly review   s  scoring   t  team
  [  previous period ]  next period      ?  these keys      q  quit
  ctrl+p  command palette: every action of every screen, themes too

Lists
  ↑ ↓ or j k  move      enter  open / act     esc  back
  n  new                e  edit               d  delete (asks first)

Objectives                        Check-in
  J / K  move row down / up         enter  check in (value, enter)
  x      add a dependency           h      history: correct or delete
  a      activate a draft           l      coach: findings and hints
                                  Weekly review
Scoring                             < >  previous / next week
  enter  self-score a KR
  r      reflection questions     Team
  C      close the quarter          1 2 3  people / alignment / dependencies
                                    f p b  filter by team / person / band
Forms: enter saves, esc cancels,   S      sync with the team file now
  f1 / ctrl+g the writing guide
"""


class HelpDialog(Dialog):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close"), Binding("g", "guide", "Guide")]

    def action_guide(self) -> None:
        self.app.show_guide()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static(Text("Keys", style="bold"))
            yield Static(Text(KEYS))
            yield Static(Text("g: how to write good OKRs   esc closes", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
