"""The team screen's dependencies view (3): who relies on whom, each end of a link on its own line,
those not agreed yet saying where they stand; `enter` on any line of a link opens the other end."""

from __future__ import annotations

from typing import TYPE_CHECKING

from okrtui.core.text import plain
from okrtui.method import cycle, teamview
from okrtui.tui.screens.base import OpenDetail
from okrtui.tui.screens.team.view import Board, TeamView
from okrtui.tui.widgets.table import Wide

if TYPE_CHECKING:
    from okrtui.tui.state import Snapshot


class DependenciesView(TeamView):
    VIEW = "dependencies"

    def __init__(self, board: Board) -> None:
        super().__init__(board)
        self.links: list[teamview.Link] = []

    def draw(self, data: Snapshot) -> None:
        rep, filters = data.report, self.board.filters
        # One full-width column: each end of a link gets its own line, so neither title is cut short.
        _, _, keep = self.board.reset_table([("Who relies on whom (enter: the other end's detail)", None)], self)
        self.links = teamview.links(rep, data.dependencies, filters.person, filters)
        for i, link in enumerate(self.links):
            self.add_row(Wide(f"{plain(rep.person(link.person))} · {plain(link.mine)}", style="bold"), key=f"d:{i}")
            other = Wide(f"   {link.direction} ", style="italic")
            other.append(f"{plain(rep.person(link.other_owner))} · {plain(link.other)}")
            self.add_row(other, key=f"d:{i}:other")
            if link.note:
                self.add_row(Wide(f"   “{plain(link.note)}”", style="italic dim"), key=f"d:{i}:note")
            state = agreement(data, link.dep_id)
            if state is not None:  # agreed links say nothing more; the others say where they stand
                self.add_row(Wide(f"   {plain(state)}", style="bold"), key=f"d:{i}:state")
        if self.row_count == 0:
            empty = f"No dependency matches {self.board.filter_text(data)}." if filters.narrowing \
                else "No dependencies in this period."
            self.add_row(Wide(empty, style="dim"), key="none")
        self.land(keep, "d:")

    def open_detail(self) -> bool:
        key = self.current_key or ""
        if key.startswith("d:"):  # any line of a link opens the other end's story
            link = self.links[int(key.split(":")[1])]
            self.screen.post_message(OpenDetail([link.other_key], 0))
        return True  # a line that is no link's opens nothing


def agreement(data: Snapshot, dep_id: str) -> str | None:
    """"proposed (waiting for X)" or "declined by X: why" for a link not agreed; None when agreed."""

    rep = data.report
    dep = next((d for d in data.dependencies if d.id == dep_id), None)
    if dep is None or rep.conversation is None:
        return None
    agreed = cycle.agreement(dep, cycle.end_answerer(rep, dep.to_id), rep.conversation)
    if agreed.state == cycle.AGREED:
        return None
    if agreed.state == cycle.PROPOSED:
        return f"proposed, waiting for {rep.person(agreed.answerer)}"
    return f"declined by {rep.person(agreed.answerer)}: {agreed.note}"
