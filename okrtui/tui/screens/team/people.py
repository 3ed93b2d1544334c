"""The team screen's people view (1): everyone's KRs by team and by the person who answers for them,
worst first, each team's mission and vision on top; `A` `r` on an objective in review (ReviewRows)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.text import Text

from okrtui.method import teamview
from okrtui.method.views import KRView, ObjectiveView
from okrtui.tui.screens.base import OpenDetail
from okrtui.tui.screens.team.view import ReviewRows
from okrtui.tui.widgets.grade_bar import grade_bar, objective_grade, pace_cell
from okrtui.tui.widgets.kr_row import objective_tags, title_cell

if TYPE_CHECKING:
    from okrtui.tui.state import Snapshot


class PeopleView(ReviewRows):
    VIEW = "people"

    def draw(self, data: Snapshot) -> None:
        rep, today, filters = data.report, self.app.today, self.board.filters
        columns: list[tuple[str, int | None]] = [("Person / objective / key result", None), ("Grade", 9),
                                                 ("Pace", 8), ("Last", 5), ("⚠", 2)]
        _, width, keep = self.board.reset_table(columns, self)
        team_shown: object = object()  # a person with no team still gets a "no team" heading
        for pv in teamview.people(rep, filters):
            if pv.team_id != team_shown:
                team_shown = pv.team_id
                self.team_heading(rep, pv.team_id, pv.id)
            self.add_row(title_cell(pv.name, width, style="bold"), grade_bar(pv.score, pv.grade, pv.band),
                         Text(f"{pv.behind} behind" if pv.behind else "", style="bold"),
                         teamview.age(pv.last_check_in, today),
                         Text(f"{pv.stale}" if pv.stale else "", style="bold"), key=f"p:{pv.id}")
            for o in pv.objectives:
                self.add_lazy_row(f"o:{o.id}:{pv.id}", _objective_row, o, width)
                for kr in pv.krs[o.id]:
                    self.add_lazy_row(f"k:{kr.id}", _kr_row, kr, width, today)
        if self.row_count == 0:
            self.nothing(data)
        # Start on the first person (worst first), not on a team heading; after a filter, on the
        # first (worst) matching KR, its latest note on the bottom line.
        self.land(keep, "k:" if self.board.to_first_match and filters.narrowing else "p:")

    def objective_key(self, key: str) -> str:
        return objective_ref(key)

    def open_detail(self) -> bool:
        key = self.current_key or ""
        if not key.startswith("o:"):
            return False
        # Objectives are keyed per person here: each once, in the order shown.
        refs = list(dict.fromkeys(objective_ref(self.key_at(i)) for i in range(self.row_count)
                                  if self.key_at(i).startswith("o:")))
        self.screen.post_message(OpenDetail(refs, refs.index(objective_ref(key))))
        return True

    def team_id(self) -> str | None:
        """The team of the highlighted row: its header, or the team its person is listed under."""
        for index in range(self.cursor_row, -1, -1):
            key = self.key_at(index)
            if key.startswith("t:"):
                team = key.split(":")[1]
                return team if team != "None" else None
        return None


def objective_ref(key: str) -> str:
    """`o:ID` from the people view's `o:ID:PERSON` row key (an id may hold ':', a person id is last)."""
    return key.rsplit(":", 1)[0]


def _objective_row(o: ObjectiveView, width: int) -> list[Text | str]:
    status = objective_tags(o, statuses=("in_review",))  # (in review), (private): the lead's own
    title = title_cell(o.title, width - len(status), indent=2)
    title.append(status, style="bold cyan")
    return [title, objective_grade(o.status, o.score, o.grade, o.band), "", "", ""]


def _kr_row(kr: KRView, width: int, today: dt.date) -> list[Text | str]:
    mark = Text("⚠", style="bold yellow") if kr.stale else Text("")
    return [title_cell("· " + kr.title, width, indent=4), grade_bar(kr.score, kr.grade, kr.band),
            pace_cell(kr.pace), teamview.age(kr.last_check_in, today), mark]
