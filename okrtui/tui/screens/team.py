"""Team (t): the lead's review over SSH: people, alignment tree, dependencies, sync now."""

from __future__ import annotations

import dataclasses
import datetime as dt
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import ContentSwitcher, Static

from okrtui.config import config_path
from okrtui.core.text import plain
from okrtui.method import cycle, periods, teamview
from okrtui.method.review import change_text, value_text
from okrtui.method.teamweek import team_week
from okrtui.method.views import KRView, ObjectiveView, PeriodReport, find
from okrtui.tui.screens.base import OkrScreen, OpenDetail
from okrtui.tui.screens.objectives import tree_order
from okrtui.tui.screens.picker import Choice, PersonPicker
from okrtui.tui.screens.talk import approve, awaits, request_changes
from okrtui.tui.state import Snapshot
from okrtui.tui.widgets.grade_bar import grade_bar, objective_grade, pace_cell
from okrtui.tui.widgets.health_cells import attention, attention_line
from okrtui.tui.widgets.kr_row import objective_tags, owner_cell, title_cell
from okrtui.tui.widgets.table import OkrTable, Wide

if TYPE_CHECKING:  # the storage layer loads in workers, not with the screen
    from okrtui.exchange.teamtrust import SyncResult

VIEWS = ("people", "alignment", "dependencies", "week")
SYNC_NOTICE_SECONDS = 8  # a sync's result, as a notice: long enough to read a long team file's path
KEYS_LINE = "1 people 2 tree 3 links 4 week  f team p person b band a pace  S sync"
BANDS = (None, "red", "yellow", "green")


class TeamScreen(OkrScreen):
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
        Binding("less_than_sign", "week(-1)", "Prev week", show=False,
                tooltip="Team review of the week before", id="team.prev_week"),
        Binding("greater_than_sign", "week(1)", "Next week", show=False,
                tooltip="Team review of the week after (up to this week)", id="team.next_week"),
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
        Binding("A", "approve", "Approve",
                tooltip="As the team's lead: approve the highlighted objective in review (asks first)", id="team.approve"),
        Binding("r", "request_changes", "Request changes",
                tooltip="As the team's lead: send the highlighted objective back, saying what to change",
                id="team.request_changes"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "people"
        self.filters = teamview.Filters()
        self.last_sync = ""  # the last sync's result, told as a notice (kept for what asks after it)
        self.week_start: dt.date | None = None
        self._to_first_match = False  # after a filter change the cursor goes to the first, worst match
        self.links: list[teamview.Link] = []
        self.week_lines: list[Text] = []

    def body(self) -> ComposeResult:
        with ContentSwitcher(initial="people"):
            for view in VIEWS:
                yield OkrTable(id=view)
        yield Static(id="detail", classes="detail")

    def on_okr_table_row_highlighted(self, event: OkrTable.RowHighlighted) -> None:
        """The latest check-in of the highlighted KR, note included, on one line."""
        self._footer_follows()
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
        {"people": self._people, "alignment": self._alignment, "dependencies": self._dependencies,
         "week": self._week}[self.view](data)
        self._to_first_match = False
        head = Text(f"Team · {rep.period.label} · {self.view} · ", style="bold")
        head.append(self.filter_text(data), style="bold" if self.filters.narrowing else "")
        lines = [head]
        # The team's unhealthy and due metrics above the OKRs, filtered like its KRs (Filters.metric_matches).
        sick = [v for v in attention(data, None) if self.filters.metric_matches(v)]
        health_line = attention_line(sick)
        if health_line is not None:
            lines.append(health_line)
        if self.view == "week":
            lines += self.week_lines
        else:
            lines.append(Text(KEYS_LINE, style="dim", no_wrap=True, overflow="ellipsis"))
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

    def _land(self, table: OkrTable, keep: str | None, first: str) -> None:
        """The cursor: on the first row starting with `first` after a filter change, else where it was."""
        match = next((table.key_at(i) for i in range(table.row_count) if table.key_at(i).startswith(first)), None)
        if self._to_first_match and table.select_key(match):
            return
        if not table.select_key(keep) and not table.select_key(match):
            table.move_cursor(row=0)

    def _nothing(self, table: OkrTable) -> None:
        """Says so, naming the filters, wrapped to the width (four filters do not fit on one line)."""
        room = max(20, sum(w + 2 for _, w in table.columns) - 4)
        text = (f"Nothing matches {self.filter_text(self.loaded)}: b a p f change the filters."
                if self.filters.narrowing else "Nothing to show: no live objective in this period ([ ] change it).")
        for n, line in enumerate(textwrap.wrap(text, room)):
            table.add_row(Wide(line, style="bold"), key="none" if n == 0 else f"none:{n}")

    def _team_heading(self, table: OkrTable, rep: PeriodReport, team_id: str | None, pid: str) -> None:
        team = rep.teams.get(team_id) if team_id else None
        table.add_row(Wide(f"▍{plain(team.name) if team else 'no team'}", style="bold underline"),
                      key=f"t:{team_id}:{pid}")
        room = max(20, sum(w + 2 for _, w in table.columns) - 4)
        for label in ("mission", "vision"):  # shown above the team's objectives, wrapped to the width
            value = getattr(team, label) if team is not None else ""
            if value:
                for n, line in enumerate(textwrap.wrap(f"{label}: {plain(value)}", room, subsequent_indent="  ")):
                    table.add_row(Wide(" " + line, style="italic dim"), key=f"m:{team_id}:{pid}:{label}:{n}")

    def _people(self, data: Snapshot) -> None:
        rep, today = data.report, self.app.today
        columns: list[tuple[str, int | None]] = [("Person / objective / key result", None), ("Grade", 9),
                                                 ("Pace", 8), ("Last", 5), ("⚠", 2)]
        table, width, keep = self.reset_table(columns, self.query_one("#people", OkrTable))
        team_shown: object = object()  # a person with no team still gets a "no team" heading
        for pv in teamview.people(rep, self.filters):
            if pv.team_id != team_shown:
                team_shown = pv.team_id
                self._team_heading(table, rep, pv.team_id, pv.id)
            table.add_row(title_cell(pv.name, width, style="bold"), grade_bar(pv.score, pv.grade, pv.band),
                          Text(f"{pv.behind} behind" if pv.behind else "", style="bold"),
                          teamview.age(pv.last_check_in, today),
                          Text(f"{pv.stale}" if pv.stale else "", style="bold"), key=f"p:{pv.id}")
            for o in pv.objectives:
                table.add_lazy_row(f"o:{o.id}:{pv.id}", _objective_row, o, width)
                for kr in pv.krs[o.id]:
                    table.add_lazy_row(f"k:{kr.id}", _kr_row, kr, width, today)
        if table.row_count == 0:
            self._nothing(table)
        # Start on the first person (worst first), not on a team heading; after a filter, on the
        # first (worst) matching KR, its latest note on the bottom line.
        self._land(table, keep, "k:" if self._to_first_match and self.filters.narrowing else "p:")

    def _alignment(self, data: Snapshot) -> None:
        rep = data.report
        columns: list[tuple[str, int | None]] = [("Alignment: company → team → personal", None), ("Owner", 8),
                                                 ("Level", 5), ("Grade", 9)]
        table, width, keep = self.reset_table(columns, self.query_one("#alignment", OkrTable))
        for o, depth in tree_order(teamview.objectives(rep, self.filters)):
            style = "bold" if o.level == "company" else ""
            grade = objective_grade(o.status, o.score, o.grade, o.band)
            tags = objective_tags(o, statuses=())  # (private): the lead's own, never a teammate's
            title = title_cell(o.title, width - len(tags), indent=2 * depth, style=style)
            title.append(tags, style="italic dim")
            table.add_row(title, owner_cell(rep, o.owner_id, 8),
                          Text(o.level[:4], style="dim"), grade, key=f"o:{o.id}")
        if table.row_count == 0:
            self._nothing(table)
        self._land(table, keep, "o:")

    def _dependencies(self, data: Snapshot) -> None:
        rep = data.report
        # One full-width column: each end of a link gets its own line, so neither title is cut short.
        table, width, keep = self.reset_table([("Who relies on whom (enter: the other end's detail)", None)],
                                              self.query_one("#dependencies", OkrTable))
        self.links = teamview.links(rep, data.dependencies, self.filters.person, self.filters)
        for i, link in enumerate(self.links):
            table.add_row(Wide(f"{plain(rep.person(link.person))} · {plain(link.mine)}", style="bold"), key=f"d:{i}")
            other = Wide(f"   {link.direction} ", style="italic")
            other.append(f"{plain(rep.person(link.other_owner))} · {plain(link.other)}")
            table.add_row(other, key=f"d:{i}:other")
            if link.note:
                table.add_row(Wide(f"   “{plain(link.note)}”", style="italic dim"), key=f"d:{i}:note")
            state = _agreement(data, link.dep_id)
            if state is not None:  # agreed links say nothing more; the others say where they stand
                table.add_row(Wide(f"   {plain(state)}", style="bold"), key=f"d:{i}:state")
        if table.row_count == 0:
            empty = f"No dependency matches {self.filter_text(data)}." if self.filters.narrowing \
                else "No dependencies in this period."
            table.add_row(Wide(empty, style="dim"), key="none")
        self._land(table, keep, "d:")

    # --- the team's weekly review ------------------------------------------------------------

    def _week(self, data: Snapshot) -> None:
        rep, today = data.report, self.app.today
        stale_after = self.app.cfg.stale_after_days
        week = None
        if self.week_start is None or not (rep.period.start - dt.timedelta(days=6) <= self.week_start
                                           <= rep.period.end):
            start = periods.week_of(today if rep.period.contains(today) else rep.period.end)[0]
            before = start - dt.timedelta(days=7)
            # Monday's review is of the week that just ended: this one has no check-in yet (`>` shows it).
            if today == start and before >= rep.period.start - dt.timedelta(days=6):
                week = team_week(rep, start, today, self.filters, stale_after)
                if week.people and not any(p.checked_in for p in week.people):
                    start, week = before, None
            self.week_start = start
        if week is None:
            week = team_week(rep, self.week_start, today, self.filters, stale_after)
        # At half-time (or from 100 columns) the forecast joins: pace and forecast matter most then.
        forecast = week.mid_quarter or self.size.width >= 100
        columns: list[tuple[str, int | None]] = [("Person / key result", None), ("Pace", 8), ("Now", 8),
                                                 ("Δ", 6), ("Conf", 4), ("⚠", 1)]
        if forecast:
            columns.insert(5, ("Fcst", 4))
        table, width, keep = self.reset_table(columns, self.query_one("#week", OkrTable))
        blank = [""] * (len(columns) - 1)
        which = "this week" if week.week_start == periods.week_of(today)[0] else "that week"
        for pw in week.people:
            due = sum(1 for r in pw.rows if r.objective.status == "active")
            title = title_cell(pw.name, width - 22, style="bold")
            if pw.missing and not pw.checked_in:
                title.append(f"  no check-in {which}", style="bold reverse")
            else:
                title.append(f"  {len(pw.checked_in)} of {due} checked in", style="dim")
            table.add_row(title, *blank, key=f"p:{pw.id}")
            for row in pw.rows:
                mark = "✓ " if row.kr.id in pw.checked_in else "• "
                cells: list[Text | str] = [
                    title_cell(mark + row.kr.title, width, indent=2), pace_cell(row.pace),
                    title_cell(value_text(row.kr, row.value), 8),  # a milestone in words, as in the review
                    Text(change_text(row.kr, row.value_change, 1), style="dim" if not row.value_change else "bold"),
                    "–" if row.confidence is None else f"{row.confidence:.1f}{row.confidence_trend}",
                    Text("⚠", style="bold yellow") if row.stale else "",
                ]
                if forecast:
                    cells.insert(5, "–" if row.forecast is None else f"{row.forecast:.2f}")
                table.add_row(*cells, key=f"k:{row.kr.id}")
        if table.row_count == 0:
            self._nothing(table)
        self._land(table, keep, "k:" if self.filters.narrowing else "p:")
        c = week.counts
        label = "Mid-quarter · " if week.mid_quarter else ""
        upto = f" (to {week.as_of:%b %-d})" if week.as_of < week.week_start + dt.timedelta(days=6) else ""
        if week.week_start + dt.timedelta(days=7) == periods.week_of(today)[0]:
            upto = " (last week)"
        head = Text(f"{label}week of {week.week_start:%b %-d}{upto}: ", style="bold")
        head.append(f"on track {c['on track']} · at risk {c['at risk']} · behind {c['behind']} · "
                    f"stale {c['stale']}")
        missing = week.not_checked_in
        who = Text(f"Not checked in ({len(missing)} of {len(week.people)}): ", style="bold")
        who.append(", ".join(plain(p.name) for p in missing) if missing else "nobody", style="")
        rows_shown = sum(len(p.rows) for p in week.people)
        who.append(f" · {sum(p.moved for p in week.people)} of {rows_shown} KRs moved", style="dim")
        legend = Text(f"✓ checked in {which}  • not yet   < > week  m mid-quarter  1 2 3 views", style="dim",
                      no_wrap=True, overflow="ellipsis")
        self.week_lines = [head, who, legend]

    def action_week(self, step: int) -> None:
        if self.data is None:
            return
        if self.view != "week":
            self.action_view("week")
        if self.week_start is None:
            return
        span = self.data.report.period
        new = self.week_start + dt.timedelta(days=7 * int(step))
        this_week = periods.week_of(self.app.today)[0]  # never past the current week
        if span.start - dt.timedelta(days=6) <= new <= min(span.end, this_week):
            self.week_start = new
            self.show(self.data)

    def action_mid_quarter(self) -> None:
        if self.data is None:
            return
        span = self.data.report.period
        self.week_start = min(periods.week_of(span.start + (span.end - span.start) / 2)[0],
                              periods.week_of(self.app.today)[0])
        self.action_view("week")

    # --- actions ------------------------------------------------------------------------------

    def on_okr_table_row_selected(self, event: OkrTable.RowSelected) -> None:
        self.action_detail()

    def action_detail(self) -> None:
        table = self.query_one(f"#{self.view}", OkrTable)
        key = table.current_key or ""
        if self.view == "dependencies":
            if key.startswith("d:"):  # any line of a link opens the other end's story
                link = self.links[int(key.split(":")[1])]
                self.post_message(OpenDetail([link.other_key], 0))
            return
        if self.view == "people" and key.startswith("o:"):  # keyed per person there
            refs = list(dict.fromkeys(_objective_ref(table.key_at(i)) for i in range(table.row_count)
                                      if table.key_at(i).startswith("o:")))
            self.post_message(OpenDetail(refs, refs.index(_objective_ref(key))))
            return
        super().action_detail()

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
        self._to_first_match = True
        if self.data is not None:
            self.show(self.data)

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
        from okrtui.tui.screens.forms import TeamForm  # forms load on first use

        self.app.push_screen(TeamForm(None), self._team_saved)

    def action_edit_team(self) -> None:
        from okrtui.tui.screens.forms import TeamForm  # forms load on first use

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

    def _objective(self, quiet: bool = False) -> ObjectiveView | None:
        table = self.query_one(f"#{self.view}", OkrTable)
        key = table.current_key
        if key is None or not key.startswith("o:") or self.data is None:
            if not quiet:
                self.notify("highlight an objective in review", timeout=2)
            return None
        if self.view == "people":
            key = _objective_ref(key)
        return find(self.data.report, key)[0]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`A` and `r` show in the footer, and act, on an objective awaiting the user's approval only."""
        if not super().check_action(action, parameters):
            return False  # a read-only session
        if action in ("approve", "request_changes"):
            obj = self._objective(quiet=True) if self.is_mounted else None
            return awaits(self.data, obj.id if obj is not None else None)
        return True

    _approvable = False  # the footer shows A and r (redrawn only when this changes: bytes per key)

    def _footer_follows(self) -> None:
        now = self.check_action("approve", ()) is True
        if now != self._approvable:
            self._approvable = now
            self.refresh_bindings()

    def action_approve(self) -> None:
        obj = self._objective()
        if obj is not None:
            approve(self, obj.id, obj.title)

    def action_request_changes(self) -> None:
        obj = self._objective()
        if obj is not None:
            request_changes(self, obj.id, obj.title)

    def _team_saved(self, team_id: str | None) -> None:
        if team_id:
            self.notify(f"saved team {team_id}", timeout=2, markup=False)

    def action_sync(self) -> None:
        path = self.app.cfg.team_file
        if self.app.shared:  # never advise a team file there (the services refuse one anyway)
            self.notify("a shared PostgreSQL database needs no team file: everyone sees the others' records live",
                        severity="error", markup=False)
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


def _objective_row(o: ObjectiveView, width: int) -> list[Text | str]:
    status = objective_tags(o, statuses=("in_review",))  # (in review), (private): the lead's own
    title = title_cell(o.title, width - len(status), indent=2)
    title.append(status, style="bold cyan")
    return [title, objective_grade(o.status, o.score, o.grade, o.band), "", "", ""]


def _objective_ref(key: str) -> str:
    """`o:ID` from the people view's `o:ID:PERSON` row key (an id may hold ':', a person id is last)."""
    return key.rsplit(":", 1)[0]


def _awaiting(data: Snapshot) -> int:
    conv = data.report.conversation
    if conv is None:
        return 0
    return sum(1 for r in conv.reviews.values() if r.state == "in_review" and r.lead == data.me)


def _agreement(data: Snapshot, dep_id: str) -> str | None:
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


def _kr_row(kr: KRView, width: int, today: dt.date) -> list[Text | str]:
    mark = Text("⚠", style="bold yellow") if kr.stale else Text("")
    return [title_cell("· " + kr.title, width, indent=4), grade_bar(kr.score, kr.grade, kr.band),
            pace_cell(kr.pace), teamview.age(kr.last_check_in, today), mark]


SCREEN = TeamScreen  # the mode's class (okrtui.tui.screens.MAIN)
