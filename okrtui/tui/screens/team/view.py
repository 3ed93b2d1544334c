"""What the team screen's four views share: the screen as a view sees it (Board), the view's base
class (a list with keys of its own), and the keys that act on an objective in review (ReviewRows)."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.text import Text
from textual.binding import Binding

from okrtui.core.text import plain
from okrtui.method.views import ObjectiveView, PeriodReport, find
from okrtui.tui.screens.base import OkrScreen
from okrtui.tui.screens.talk import approve, awaits, request_changes
from okrtui.tui.widgets.table import OkrTable, Wide

if TYPE_CHECKING:
    from okrtui.method import teamview
    from okrtui.tui.screens.base import HostApp
    from okrtui.tui.state import Snapshot

KEYS_LINE = "1 people 2 tree 3 links 4 week  f team p person b band a pace  S sync"


class Board(Protocol):
    """The team screen as its views see it: the filters in force, the header's words for them,
    the table reset to the screen's width, and a redraw when a view's own key changed what it shows.
    (A Protocol, so that no view imports the screen, which builds on the views.)"""

    filters: teamview.Filters
    to_first_match: bool  # after a filter change the cursor goes to the first, worst match

    @property
    def room(self) -> int:
        """The screen's width in columns."""

    def filter_text(self, data: Snapshot) -> str: ...

    def reset_table(self, columns: list[tuple[str, int | None]], table: OkrTable | None = None,
                    minimum: int = 18) -> tuple[OkrTable, int, str | None]: ...

    def redraw(self) -> None:
        """Draw the shown view and the header again."""


class TeamView(OkrTable):
    """One of the team screen's views: a list, drawn by `draw`, whose keys and actions are its own
    (its BINDINGS act only while it is shown: it has the focus). What all views share (the filters,
    the person picker, sync, the detail line) stays with the screen."""

    app: HostApp
    VIEW: ClassVar[str]  # its id and its name in the header: "people"

    def __init__(self, board: Board) -> None:
        super().__init__(id=self.VIEW)
        self.board = board

    def draw(self, data: Snapshot) -> None:
        """Fill the list from the snapshot, through the board's filters."""
        raise NotImplementedError

    def context(self) -> list[Text]:
        """The header's lines under the filters and the health line: the keys, unless the view says more."""
        return [Text(KEYS_LINE, style="dim", no_wrap=True, overflow="ellipsis")]

    def open_detail(self) -> bool:
        """Enter or v on a row: open what this view's row stands for; False leaves it to the screen
        (the row's objective or KR, stepping through the list's rows of its kind)."""
        return False

    def team_id(self) -> str | None:
        """The team `e` edits here: the team filter's."""
        return self.board.filters.team

    # --- drawing helpers ---------------------------------------------------------------------

    def land(self, keep: str | None, first: str) -> None:
        """The cursor: on the first row starting with `first` after a filter change, else where it was."""
        match = next((self.key_at(i) for i in range(self.row_count) if self.key_at(i).startswith(first)), None)
        if self.board.to_first_match and self.select_key(match):
            return
        if not self.select_key(keep) and not self.select_key(match):
            self.move_cursor(row=0)

    def nothing(self, data: Snapshot) -> None:
        """Says so, naming the filters, wrapped to the width (four filters do not fit on one line)."""
        room = max(20, sum(w + 2 for _, w in self.columns) - 4)
        text = (f"Nothing matches {self.board.filter_text(data)}: b a p f change the filters."
                if self.board.filters.narrowing else "Nothing to show: no live objective in this period ([ ] change it).")
        for n, line in enumerate(textwrap.wrap(text, room)):
            self.add_row(Wide(line, style="bold"), key="none" if n == 0 else f"none:{n}")

    def team_heading(self, rep: PeriodReport, team_id: str | None, pid: str) -> None:
        team = rep.teams.get(team_id) if team_id else None
        self.add_row(Wide(f"▍{plain(team.name) if team else 'no team'}", style="bold underline"),
                     key=f"t:{team_id}:{pid}")
        room = max(20, sum(w + 2 for _, w in self.columns) - 4)
        for label in ("mission", "vision"):  # shown above the team's objectives, wrapped to the width
            value = getattr(team, label) if team is not None else ""
            if value:
                for n, line in enumerate(textwrap.wrap(f"{label}: {plain(value)}", room, subsequent_indent="  ")):
                    self.add_row(Wide(" " + line, style="italic dim"), key=f"m:{team_id}:{pid}:{label}:{n}")


class ReviewRows(TeamView):
    """A view listing objectives (people, alignment): as the team's lead, `A` approves the
    highlighted objective in review and `r` sends it back; both show, and act, only on one awaiting you."""

    BINDINGS = [
        Binding("A", "approve", "Approve",
                tooltip="As the team's lead: approve the highlighted objective in review (asks first)", id="team.approve"),
        Binding("r", "request_changes", "Request changes",
                tooltip="As the team's lead: send the highlighted objective back, saying what to change",
                id="team.request_changes"),
    ]

    _approvable = False  # the footer shows A and r (redrawn only when this changes: bytes per key)

    def objective_key(self, key: str) -> str:
        """The `o:ID` a row key stands for (the people view keys objectives per person)."""
        return key

    def objective(self, quiet: bool = False) -> ObjectiveView | None:
        key = self.current_key
        data = self.app.data
        if key is None or not key.startswith("o:") or data is None:
            if not quiet:
                self.notify("highlight an objective in review", timeout=2)
            return None
        return find(data.report, self.objective_key(key))[0]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`A` and `r` show in the footer, and act, on an objective awaiting the user's approval only."""
        if self.app.refuses(type(self), action):
            return False  # a read-only session
        if action in ("approve", "request_changes"):
            obj = self.objective(quiet=True) if self.is_mounted else None
            return awaits(self.app.data, obj.id if obj is not None else None)
        return True

    def on_okr_table_row_highlighted(self, event: OkrTable.RowHighlighted) -> None:
        now = self.check_action("approve", ()) is True
        if now != self._approvable:
            self._approvable = now
            self.refresh_bindings()

    def action_approve(self) -> None:
        obj = self.objective()
        if obj is not None and isinstance(self.screen, OkrScreen):
            approve(self.screen, obj.id, obj.title)

    def action_request_changes(self) -> None:
        obj = self.objective()
        if obj is not None and isinstance(self.screen, OkrScreen):
            request_changes(self.screen, obj.id, obj.title)
