"""Team (t): the lead's review over SSH: people, alignment tree, dependencies, sync now."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import ContentSwitcher, Static

from okrtui import teamview
from okrtui.screens.base import OkrScreen
from okrtui.screens.objectives import tree_order
from okrtui.state import Snapshot
from okrtui.text import plain
from okrtui.views import KRView, ObjectiveView, find, fmt_num
from okrtui.widgets.grade_bar import grade_bar, pace_cell
from okrtui.widgets.kr_row import owner_cell, title_cell
from okrtui.widgets.table import OkrTable

if TYPE_CHECKING:  # the storage layer loads in workers, not with the screen
    from okrtui.sync import SyncResult

VIEWS = ("people", "alignment", "dependencies")


class TeamScreen(OkrScreen):
    BINDINGS = [
        Binding("enter,v", "detail", "Detail", show=False, tooltip="The row's chart, numbers and history over the period"),
        Binding("1", "view('people')", "People", tooltip="Everyone's objectives by team and person"),
        Binding("2", "view('alignment')", "Alignment", tooltip="Company → team → personal objectives"),
        Binding("3", "view('dependencies')", "Depends", tooltip="Who relies on whom"),
        Binding("f", "cycle('team')", "Team filter", show=False, tooltip="Cycle the team filter"),
        Binding("p", "cycle('person')", "Person filter", show=False, tooltip="Cycle the person filter"),
        Binding("b", "cycle('band')", "Band filter", show=False, tooltip="Cycle red / yellow / green"),
        Binding("S", "sync", "Sync now", tooltip="Merge with the team file"),
        Binding("n", "new_team", "New team", show=False, tooltip="Make a team: name, mission, vision"),
        Binding("e", "edit_team", "Edit team", show=False,
                tooltip="Edit the highlighted row's team (one you made), mission and vision included"),
        Binding("a", "approve", "Approve", show=False,
                tooltip="As the team's lead: approve the highlighted objective in review"),
        Binding("r", "request_changes", "Request changes", show=False,
                tooltip="As the team's lead: send the highlighted objective back, saying what to change"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "people"
        self.filters = teamview.Filters()
        self.last_sync = ""

    def body(self) -> ComposeResult:
        with ContentSwitcher(initial="people"):
            for view in VIEWS:
                yield OkrTable(id=view)
        yield Static(id="detail", classes="detail")

    def on_okr_table_row_highlighted(self, event: OkrTable.RowHighlighted) -> None:
        """The latest check-in of the highlighted KR, note included, on one line."""
        key = event.key
        text = Text("")
        if key.startswith("k:") and self.data is not None:
            kr = find(self.data.report, key)[1]
            if kr is not None and kr.check_ins:
                last = kr.check_ins[-1]
                text = Text(f"latest {last.date}: {fmt_num(last.value)}  ", style="dim")
                text.append_text(title_cell(last.note, max(10, self.size.width - 30), style="italic"))
        self.query_one("#detail", Static).update(text)

    def show(self, data: Snapshot) -> None:
        rep = data.report
        {"people": self._people, "alignment": self._alignment, "dependencies": self._dependencies}[self.view](data)
        f = self.filters
        parts = [
            f"team {rep.teams[f.team].name if f.team in rep.teams else 'all'}",
            f"person {rep.person(f.person) if f.person else 'all'}",
            f"band {f.band or 'all'}",
        ]
        head = Text(f"Team · {rep.period.label} · {self.view} · ", style="bold")
        head.append(" · ".join(parts))
        keys = Text("1 people  2 alignment  3 dependencies  f/p/b filter  S sync", style="dim")
        lines = [head, keys]
        waiting = _awaiting(data)
        if waiting:
            lines.append(Text(f"{waiting} awaiting your approval (in review): a approves, r asks for changes",
                              style="bold cyan"))
        if self.last_sync:
            lines.append(Text(self.last_sync, style="italic", no_wrap=True, overflow="ellipsis"))
        self.set_context(*lines)

    def _people(self, data: Snapshot) -> None:
        rep, today = data.report, self.app.today
        table, width, keep = self.reset_table([("Person / objective / key result", None), ("Grade", 9),
                                               ("Pace", 8), ("Last", 5), ("⚠", 3)], self.query_one("#people", OkrTable))
        team_shown: object = object()  # a person with no team still gets a "no team" heading
        for pv in teamview.people(rep, self.filters):
            if pv.team_id != team_shown:
                team_shown = pv.team_id
                team = rep.teams.get(pv.team_id) if pv.team_id else None
                table.add_row(title_cell(f"▍{team.name if team else 'no team'}", width, style="reverse bold"),
                              "", "", "", "", key=f"t:{pv.team_id}:{pv.id}")
                for label in ("mission", "vision"):  # shown above the team's objectives
                    if team is not None and getattr(team, label):
                        table.add_row(title_cell(f"{label}: {getattr(team, label)}", width, indent=1,
                                                 style="italic dim"), "", "", "", "",
                                      key=f"m:{pv.team_id}:{pv.id}:{label}")
            flags = Text(f"{pv.stale + pv.behind}" if pv.stale + pv.behind else "",
                         style="bold yellow")
            table.add_row(title_cell(pv.name, width, style="bold"), grade_bar(pv.score, pv.grade, pv.band),
                          "", teamview.age(pv.last_check_in, today), flags, key=f"p:{pv.id}")
            for o in pv.objectives:
                table.add_lazy_row(f"o:{o.id}", _objective_row, o, width)
                for kr in sorted(o.key_results, key=teamview.attention):
                    table.add_lazy_row(f"k:{kr.id}", _kr_row, kr, width, today)
        if not table.select_key(keep):
            # Start on the first person (worst first), not on a team heading: two `down`s from
            # there reach that person's most urgent KR and its latest note.
            first = next((table.key_at(i) for i in range(table.row_count) if table.key_at(i).startswith("p:")), None)
            if not table.select_key(first):
                table.move_cursor(row=0)

    def _alignment(self, data: Snapshot) -> None:
        rep = data.report
        table, width, keep = self.reset_table([("Alignment: company → team → personal", None), ("Owner", 6),
                                               ("Level", 5), ("Grade", 9)], self.query_one("#alignment", OkrTable))
        for o, depth in tree_order(rep.objectives):
            style = "bold" if o.level == "company" else ""
            table.add_row(title_cell(o.title, width, indent=2 * depth, style=style), owner_cell(rep, o.owner_id),
                          Text(o.level[:4], style="dim"), grade_bar(o.score, o.grade, o.band), key=f"o:{o.id}")
        if not table.select_key(keep):
            table.move_cursor(row=0)

    def _dependencies(self, data: Snapshot) -> None:
        rep = data.report
        # Both ends of a link share the width: at 120 columns neither side is cut to 30.
        other_width = max(30, (self.size.width - 12 - 7) // 2)
        table, width, keep = self.reset_table([("Who · what", None), ("", 12), ("On whom · what", other_width)],
                                              self.query_one("#dependencies", OkrTable))
        half = max(10, width)
        for i, link in enumerate(teamview.links(rep, data.dependencies, self.filters.person)):
            who = title_cell(f"{rep.person(link.person)} · {link.mine}", half)
            arrow = Text(link.direction, style="bold cyan" if link.direction == "relies on" else "bold magenta")
            other = title_cell(f"{rep.person(link.other_owner)} · {link.other}", other_width)
            table.add_row(who, arrow, other, key=f"d:{i}")
            state = _agreement(data, link.dep_id)
            if link.note or state is not None:
                # Agreed links say nothing more; the others say where they stand, under the other end.
                table.add_row(title_cell(f"  “{link.note}”" if link.note else "", half, style="italic dim"), "",
                              "" if state is None else title_cell(state, other_width, style="bold yellow"),
                              key=f"n:{i}")
        if table.row_count == 0:
            table.add_row(Text("No dependencies in this period.", style="dim"), "", "", key="none")
        if not table.select_key(keep):
            table.move_cursor(row=0)

    # --- actions ------------------------------------------------------------------------------

    def on_okr_table_row_selected(self, event: OkrTable.RowSelected) -> None:
        self.action_detail()

    def action_view(self, view: str) -> None:
        self.view = view
        self.query_one(ContentSwitcher).current = view
        self.query_one(f"#{view}", OkrTable).focus()
        if self.data is not None:
            self.show(self.data)

    def action_cycle(self, which: str) -> None:
        if self.data is None:
            return
        rep = self.data.report
        if which == "team":
            choices = [None, *sorted(rep.teams, key=lambda t: rep.teams[t].name)]
        elif which == "person":
            choices = [None, *sorted({o.owner_id or o.origin for o in rep.objectives}, key=rep.person)]
        else:
            choices = [None, "red", "yellow", "green"]
        current = getattr(self.filters, which)
        nxt = choices[(choices.index(current) + 1) % len(choices)] if current in choices else None
        self.filters = teamview.Filters(**{**self.filters.__dict__, which: nxt})
        self.show(self.data)

    def _team_of_row(self) -> str | None:
        """The team of the highlighted row: its header, or the team its person is listed under."""
        table = self.query_one("#people", OkrTable)
        for index in range(table.cursor_row, -1, -1):
            key = table.key_at(index)
            if key.startswith("t:"):
                team = key.split(":")[1]
                return team if team != "None" else None
        return None

    def action_new_team(self) -> None:
        from okrtui.screens.forms import TeamForm

        self.app.push_screen(TeamForm(None), self._team_saved)

    def action_edit_team(self) -> None:
        from okrtui.screens.forms import TeamForm

        data = self.data
        team_id = self._team_of_row() if self.view == "people" else self.filters.team
        team = data.report.teams.get(team_id) if data is not None and team_id else None
        if data is None or team is None:
            self.notify("highlight a team's row (people view) to edit it; n makes a new one", timeout=4)
            return
        if team.origin and team.origin != data.me:
            self.notify(f"read-only: team {plain(team.name)} was made by {data.report.person(team.origin)}",
                        severity="warning", markup=False)
            return
        self.app.push_screen(TeamForm(team), self._team_saved)

    def _objective(self) -> ObjectiveView | None:
        table = self.query_one(f"#{self.view}", OkrTable)
        key = table.current_key
        if key is None or not key.startswith("o:") or self.data is None:
            self.notify("highlight an objective in review", timeout=2)
            return None
        return find(self.data.report, key)[0]

    def action_approve(self) -> None:
        obj, app = self._objective(), self.app
        if obj is None:
            return
        ident = obj.id
        app.save(lambda: app.services.approve(ident),
                 on_done=lambda message: self.notify(plain(message), timeout=3, markup=False))

    def action_request_changes(self) -> None:
        from okrtui.screens.talk import TextDialog

        obj, app = self._objective(), self.app
        if obj is None:
            return
        ident = obj.id

        def said(note: str | None) -> None:
            if note:
                app.save(lambda: app.services.request_changes(ident, note),
                         on_done=lambda message: self.notify(plain(message), timeout=3, markup=False))

        app.push_screen(TextDialog("Request changes: what should change?", obj.title, "what to change"), said)

    def _team_saved(self, team_id: str | None) -> None:
        if team_id:
            self.notify(f"saved team {team_id}", timeout=2, markup=False)

    def action_sync(self) -> None:
        path = self.app.cfg.team_file
        if not path:
            self.notify("no team file: set team_file in config.toml", severity="error", markup=False)
            return
        app = self.app
        self.last_sync = "syncing…"
        if self.data is not None:
            self.show(self.data)

        def done(result: SyncResult) -> None:
            self.last_sync = result.summary()
            self.notify(self.last_sync, timeout=4, markup=False)
            if result.warnings:  # teammates' records that were not taken in, each named
                more = f"\n… and {len(result.warnings) - 5} more (okrtui sync lists them all)" \
                    if len(result.warnings) > 5 else ""
                self.notify("\n".join(plain(w) for w in result.warnings[:5]) + more, severity="warning",
                            timeout=10, markup=False)

        def failed(err: Exception) -> None:
            self.last_sync = f"sync failed: {err}"
            self.notify(str(err), severity="error", markup=False)
            if self.data is not None:
                self.show(self.data)

        from pathlib import Path

        app.save(lambda: app.services.sync(Path(path).expanduser()), on_done=done, on_error=failed)


def _objective_row(o: ObjectiveView, width: int) -> list[Text | str]:
    status = " (in review)" if o.status == "in_review" else ""
    title = title_cell(o.title, width - len(status), indent=2)
    title.append(status, style="bold cyan")
    return [title, grade_bar(o.score, o.grade, o.band), "", "", ""]


def _awaiting(data: Snapshot) -> int:
    conv = data.report.conversation
    if conv is None:
        return 0
    return sum(1 for r in conv.reviews.values() if r.state == "in_review" and r.lead == data.me)


def _agreement(data: Snapshot, dep_id: str) -> str | None:
    """"proposed (waiting for X)" or "declined by X: why" for a link not agreed; None when agreed."""
    from okrtui import cycle

    rep = data.report
    dep = next((d for d in data.dependencies if d.id == dep_id), None)
    if dep is None or rep.conversation is None:
        return None
    agreed = cycle.agreement(dep.id, dep.origin, cycle.end_answerer(rep, dep.to_id), rep.conversation)
    if agreed.state == cycle.AGREED:
        return None
    if agreed.state == cycle.PROPOSED:
        return f"proposed, waiting for {rep.person(agreed.answerer)}"
    return f"declined by {rep.person(agreed.answerer)}: {agreed.note}"


def _kr_row(kr: KRView, width: int, today: dt.date) -> list[Text | str]:
    mark = Text("⚠", style="bold yellow") if kr.stale else Text("")
    return [title_cell("· " + kr.title, width, indent=4), grade_bar(kr.score, kr.grade, kr.band),
            pace_cell(kr.pace), teamview.age(kr.last_check_in, today), mark]
