"""The team screen's alignment view (2): company → team → personal objectives as a tree; `A` `r` on
an objective in review (ReviewRows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from okrtui.method import teamview
from okrtui.tui.screens.objectives import tree_order
from okrtui.tui.screens.team.view import ReviewRows
from okrtui.tui.widgets.grade_bar import objective_grade
from okrtui.tui.widgets.kr_row import objective_tags, owner_cell, title_cell

if TYPE_CHECKING:
    from okrtui.tui.state import Snapshot


class AlignmentView(ReviewRows):
    VIEW = "alignment"

    def draw(self, data: Snapshot) -> None:
        rep = data.report
        columns: list[tuple[str, int | None]] = [("Alignment: company → team → personal", None), ("Owner", 8),
                                                 ("Level", 5), ("Grade", 9)]
        _, width, keep = self.board.reset_table(columns, self)
        for o, depth in tree_order(teamview.objectives(rep, self.board.filters)):
            style = "bold" if o.level == "company" else ""
            grade = objective_grade(o.status, o.score, o.grade, o.band)
            tags = objective_tags(o, statuses=())  # (private): the lead's own, never a teammate's
            title = title_cell(o.title, width - len(tags), indent=2 * depth, style=style)
            title.append(tags, style="italic dim")
            self.add_row(title, owner_cell(rep, o.owner_id, 8),
                         Text(o.level[:4], style="dim"), grade, key=f"o:{o.id}")
        if self.row_count == 0:
            self.nothing(data)
        self.land(keep, "o:")
