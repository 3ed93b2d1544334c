"""Team (t): the screen that switches between the four views (people, alignment, dependencies, week:
one module each) and keeps what they share: the filters, the person picker, sync, new and edited
teams, the header and the detail line."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import ContentSwitcher, Static

from okrtui.config import config_path
from okrtui.core.errors import OkrError
from okrtui.core.text import plain
from okrtui.method import teamview
from okrtui.method.review import value_text
from okrtui.method.views import find
from okrtui.tui.screens.base import OkrScreen
from okrtui.tui.screens.keys import own_bindings
from okrtui.tui.screens.picker import Choice, PersonPicker
from okrtui.tui.screens.team.alignment import AlignmentView
from okrtui.tui.screens.team.dependencies import DependenciesView
from okrtui.tui.screens.team.people import PeopleView
from okrtui.tui.screens.team.view import KEYS_LINE, TeamView
from okrtui.tui.screens.team.week import WeekView
from okrtui.tui.widgets.health_cells import attention, attention_line
from okrtui.tui.widgets.kr_row import title_cell
from okrtui.tui.widgets.table import OkrTable

if TYPE_CHECKING:  # the storage layer loads in workers, not with the screen
    from okrtui.exchange.teamtrust import SyncResult
    from okrtui.tui.state import Snapshot

__all__ = ["KEYS_LINE", "TeamScreen"]

SYNC_NOTICE_SECONDS = 8  # a sync's result, as a notice: long enough to read a long team file's path
BANDS = (None, "red", "yellow", "green")


class TeamScreen(OkrScreen):
    # The keys of every view; each view's own (A r on objectives, < > in the week) are its BINDINGS.
    BINDINGS = [
        Binding("enter,v", "detail", "Detail", show=False,
                tooltip="The row's chart, numbers and history over the period", id="team.detail"),
        Binding("1", "view('people')", "People",
                tooltip="Everyone's KRs by team and the person who answers for them", id="team.people"),
        Binding("2", "view('alignment')", "Alignment", tooltip="Company → team → personal objectives", id="team.alignment"),
        Binding("3", "view('dependencies')", "Depends",
                tooltip="Who relies on whom; enter opens the other end", id="team.dependencies"),
        Binding("4", "view('week')", "Team week", show=False,
                tooltip="The team's weekly review: what moved, who has not checked in, worst first", id="team.week"),
        Binding("m", "mid_quarter", "Mid-quarter", show=False,
                tooltip="Team review of the week holding the period's middle: pace and forecast", id="team.mid_quarter"),
        Binding("f", "cycle('team')", "Team filter", show=False, tooltip="Cycle the team filter", id="team.team_filter"),
        Binding("p", "pick_person", "Person picker", show=False,
                tooltip="Filter by a person: type part of a name", id="team.person"),
        Binding("b", "cycle('band')", "Band filter", show=False,
                tooltip="Cycle the KR band: red / yellow / green", id="team.band_filter"),
        Binding("a", "cycle('pace')", "Pace filter", show=False,
                tooltip="Cycle the KR pace: behind / at risk / on track / stale", id="team.pace_filter"),
        Binding("S", "sync", "Sync now", tooltip="Merge with the team file", id="team.sync"),
        Binding("n", "new_team", "New team", show=False, tooltip="Make a team: name, mission, vision", id="team.new_team"),
        Binding("e", "edit_team", "Edit team", show=False,
                tooltip="Edit the highlighted row's team (one you made), mission and vision included", id="team.edit_team"),
    ]
    VIEWS: ClassVar[tuple[type[TeamView], ...]] = (PeopleView, AlignmentView, DependenciesView, WeekView)

    def __init__(self) -> None:
        super().__init__()
        self.filters = teamview.Filters()
        self.last_sync = ""  # the last sync's result, told as a notice (kept for what asks after it)
        self.to_first_match = False  # after a filter change the cursor goes to the first, worst match
        self.views = [view(self) for view in self.VIEWS]
        self.current: TeamView = self.views[0]  # the view shown
        self.week = next(v for v in self.views if isinstance(v, WeekView))  # m opens it on the mid-quarter week

    def body(self) -> ComposeResult:
        with ContentSwitcher(initial=self.current.VIEW):
            yield from self.views
        yield Static(id="detail", classes="detail")

    @property
    def room(self) -> int:
        return self.size.width

    def redraw(self) -> None:
        if self.data is not None:
            self.show(self.data)

    def on_okr_table_row_highlighted(self, event: OkrTable.RowHighlighted) -> None:
        """The latest check-in of the highlighted KR, note included, on one line."""
        key = event.key
        text = Text("")
        if key.startswith("k:") and self.data is not None:
            kr = find(self.data.report, key)[1]
            if kr is not None and kr.check_ins:
                last = kr.check_ins[-1]
                text = Text(f"latest {last.date}: {value_text(kr, last.value)}  ", style="dim")
                text.append_text(title_cell(last.note, max(10, self.size.width - 30), style="italic"))
            elif kr is not None:
                text = Text("no check-in yet this period", style="dim")
        self.query_one("#detail", Static).update(text, layout=False)  # one line: no layout pass per key

    def show(self, data: Snapshot) -> None:
        rep = data.report
        self.current.draw(data)
        self.to_first_match = False
        head = Text(f"Team · {rep.period.label} · {self.current.VIEW} · ", style="bold")
        head.append(self.filter_text(data), style="bold" if self.filters.narrowing else "")
        lines = [head]
        # The team's unhealthy and due metrics above the OKRs, filtered like its KRs (Filters.metric_matches).
        sick = [v for v in attention(data, None) if self.filters.metric_matches(v)]
        health_line = attention_line(sick)
        if health_line is not None:
            lines.append(health_line)
        lines += self.current.context()  # the keys line; the week's counts and who has not checked in
        waiting = _awaiting(data)
        if waiting:
            lines.append(Text(f"{waiting} awaiting your approval (in review): A approves, r asks for changes",
                              style="bold"))
        # A sync's result is a notice (action_sync), never a line here: a line took the keys' place,
        # stayed after it was news and was cut under the week's lines.
        self.set_context(*lines)

    def filter_text(self, data: Snapshot) -> str:
        f, rep = self.filters, data.report
        parts = []
        if f.team:
            parts.append(f"team {plain(rep.teams[f.team].name) if f.team in rep.teams else f.team}")
        if f.person:
            parts.append(f"person {plain(rep.person(f.person))}")
        if f.band:
            parts.append(f"band {f.band}")
        if f.pace:
            parts.append(f"pace {f.pace}")
        return " · ".join(parts) if parts else "everyone"

    # --- actions ------------------------------------------------------------------------------

    def on_okr_table_row_selected(self, event: OkrTable.RowSelected) -> None:
        self.action_detail()

    def action_detail(self) -> None:
        if not self.current.open_detail():
            super().action_detail()

    def action_view(self, view: str) -> None:
        self.current = self.query_one(f"#{view}", TeamView)
        self.query_one(ContentSwitcher).current = view
        self.current.focus()
        self.redraw()

    def action_mid_quarter(self) -> None:
        if self.data is None:
            return
        self.week.mid_quarter()
        self.action_view(self.week.VIEW)

    async def run_key(self, action: str) -> None:
        """A palette command runs where its key is bound: a view's key shows its view first."""
        if not any(b.action == action for b in self.BINDINGS if isinstance(b, Binding)):
            owner = next((v for v in [self.current, *self.views] if action in {b.action for b in own_bindings(type(v))}),
                         None)
            if owner is not None:
                if owner is not self.current:
                    self.action_view(owner.VIEW)
                await owner.run_action(action)
                return
        await super().run_key(action)

    def action_cycle(self, which: str) -> None:
        if self.data is None:
            return
        rep = self.data.report
        choices: list[str | None]
        if which == "team":
            choices = [None, *sorted(rep.teams, key=lambda t: rep.teams[t].name)]
        elif which == "pace":
            choices = [None, *teamview.PACES]
        else:
            choices = list(BANDS)
        current = getattr(self.filters, which)
        nxt = choices[(choices.index(current) + 1) % len(choices)] if current in choices else None
        self.set_filter(**{which: nxt})

    def set_filter(self, **changes: str | None) -> None:
        self.filters = dataclasses.replace(self.filters, **changes)
        self.to_first_match = True
        self.redraw()

    def action_pick_person(self) -> None:
        data = self.data
        if data is None:
            return
        rep = data.report
        others = dataclasses.replace(self.filters, person=None)

        def choices(filters: teamview.Filters) -> list[Choice]:
            out = []
            for pv in sorted(teamview.people(rep, filters), key=lambda p: p.worst()):
                team = rep.teams.get(pv.team_id) if pv.team_id else None
                needs = ", ".join(x for x in (f"{pv.behind} behind" if pv.behind else "",
                                              f"{pv.stale} stale" if pv.stale else "") if x)
                out.append(Choice(pv.id, pv.name, " · ".join(x for x in (team.name if team else "", needs) if x)))
            return out

        shown = choices(others)
        # With a filter on, the people it hides are offered too, named as outside it.
        listed = {c.id for c in shown}
        hidden = [c for c in choices(teamview.Filters()) if c.id not in listed] if others.narrowing else []

        def picked(pid: str | None) -> None:
            if pid is None:
                return
            if pid and pid not in listed:
                self.filters = teamview.Filters()  # picked from outside the filters: they step aside
            self.set_filter(person=pid or None)

        self.app.push_screen(PersonPicker(shown, self.filters.person, hidden, self.filter_text(data)), picked)

    def action_new_team(self) -> None:
        from okrtui.tui.screens.forms import TeamForm  # forms load on first use

        self.app.push_screen(TeamForm(None), self._team_saved)

    def action_edit_team(self) -> None:
        from okrtui.tui.screens.forms import TeamForm  # forms load on first use

        data = self.data
        team_id = self.current.team_id()
        team = data.report.teams.get(team_id) if data is not None and team_id else None
        if data is None or team is None:
            self.notify("highlight a team's row (people view) to edit it; n makes a new one", timeout=4)
            return
        if team.origin and team.origin != data.me:
            self.notify(f"read-only: team {plain(team.name)} was made by {data.report.person(team.origin)}",
                        severity="warning", markup=False)
            return
        self.app.push_screen(TeamForm(team), self._team_saved)

    def _team_saved(self, team_id: str | None) -> None:
        if team_id:
            self.notify(f"saved team {team_id}", timeout=2, markup=False)

    def action_sync(self) -> None:
        path = self.app.cfg.team_file
        try:
            self.app.check_team_file()  # never advise a team file where it has no place (the services refuse one anyway)
        except OkrError as err:
            self.notify(str(err), severity="error", markup=False)
            return
        if not path:
            where = self.app.config_path or config_path()
            self.notify(f"no team file: set team_file = \"PATH\" in {where}", severity="error", markup=False)
            return
        app = self.app
        self.last_sync = "syncing…"
        self.notify("syncing with the team file…", timeout=2, markup=False)

        def done(result: SyncResult) -> None:
            self.last_sync = result.summary()
            self.notify(self.last_sync, timeout=SYNC_NOTICE_SECONDS, markup=False)  # wraps: read whole
            if result.warnings:  # teammates' records that were not taken in, each named (once)
                more = f"\n… and {result.untold} more, named by the next sync" if result.untold else ""
                self.notify("\n".join(plain(w) for w in result.warnings) + more, severity="warning",
                            timeout=10, markup=False)

        def failed(err: Exception) -> None:
            self.last_sync = f"sync failed: {err}"
            self.notify(self.last_sync, severity="error", timeout=SYNC_NOTICE_SECONDS, markup=False)

        app.save(lambda s: s.sync(Path(path).expanduser(), tell_limit=5, today=app.today), on_done=done,
                 on_error=failed)


def _awaiting(data: Snapshot) -> int:
    conv = data.report.conversation
    if conv is None:
        return 0
    return sum(1 for r in conv.reviews.values() if r.state == "in_review" and r.lead == data.me)
