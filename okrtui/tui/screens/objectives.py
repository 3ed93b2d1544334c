"""Objectives (o): the period's alignment tree, objective → KRs, with grades and trends."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec

from rich.text import Text
from textual.binding import Binding

from okrtui.core.text import count, plain
from okrtui.method.views import UNGRADED, KRView, ObjectiveView, find, kr_target_text
from okrtui.tui.screens.base import OkrScreen
from okrtui.tui.screens.keys import hint_key
from okrtui.tui.state import Snapshot
from okrtui.tui.widgets.kr_row import SEVERITY_MARK, kr_cells, objective_cells
from okrtui.tui.widgets.table import OkrTable

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}  # a finding's level, the worst first


def tree_order(objectives: list[ObjectiveView]) -> list[tuple[ObjectiveView, int]]:
    """Objectives depth-first under their parents (company → team → personal), with depths."""
    ids = {o.id for o in objectives}
    children: dict[str | None, list[ObjectiveView]] = {}
    for o in objectives:
        children.setdefault(o.parent_id if o.parent_id in ids else None, []).append(o)
    out: list[tuple[ObjectiveView, int]] = []
    seen: set[str] = set()

    def visit(o: ObjectiveView, depth: int) -> None:
        if o.id in seen:
            return
        seen.add(o.id)
        out.append((o, depth))
        for child in children.get(o.id, []):
            visit(child, depth + 1)

    level_rank = {"company": 0, "team": 1, "personal": 2}
    for root in sorted(children.get(None, []), key=lambda o: (level_rank.get(o.level, 3), o.position)):
        visit(root, 0)
    for o in objectives:  # cycles that came in from elsewhere: still shown
        visit(o, 0)
    return out


P = ParamSpec("P")

KEEP_WIDE = (0, 1, 2, 3, 4, 5, 6)
KEEP_NARROW = (0, 1, 3, 4, 5)  # no kind, no trend


def _picked(keep: tuple[int, ...], make: Callable[P, list[Text]], *args: P.args, **kwargs: P.kwargs) -> list[Text]:
    cells = make(*args, **kwargs)
    return [cells[i] for i in keep]


class ObjectivesScreen(OkrScreen):
    BINDINGS = [
        Binding("enter,v", "detail", "Detail", show=False,
                tooltip="The row's chart, numbers and history over the period", id="objectives.detail"),
        Binding("n", "new", "New", tooltip="Create an objective, or a KR in the selected one", id="objectives.new"),
        Binding("e", "edit", "Edit", tooltip="Edit the selected objective or key result", id="objectives.edit"),
        Binding("d", "delete", "Delete",
                tooltip="Delete the selected objective or key result (asks first)", id="objectives.delete"),
        Binding("a", "activate", "Activate draft", show=False,
                tooltip="Move the selected draft objective to active", id="objectives.activate"),
        Binding("u", "submit", "Submit",
                tooltip="Send your draft to the team's lead (teams that ask for approval)", id="objectives.submit"),
        Binding("x", "dependency", "Add dependency", show=False,
                tooltip="The selected row relies on another objective or KR", id="objectives.dependency"),
        Binding("l", "coach", "Coach", tooltip="Quality findings of your objectives, with hints", id="objectives.coach"),
        Binding("J", "move(1)", "Move row down", show=False,
                tooltip="Reorder objectives or key results", id="objectives.move_down"),
        Binding("K", "move(-1)", "Move row up", show=False, tooltip="Reorder objectives or key results", id="objectives.move_up"),
        Binding("m", "mine", "Mine", show=False,
                tooltip="Jump to your next objective (yours: you own it, or made it naming no owner)", id="objectives.mine"),
    ]

    def action_mine(self) -> None:
        """The cursor on the next objective the user answers for, after the cursor, from the top again
        at the end: in a company's tree of 69, a member's own draft is one key away, not 15 pages."""
        data = self.data
        if data is None:
            return
        mine = {f"o:{o.id}" for o in data.report.objectives if (o.owner_id or o.origin) == data.me}
        table = self.query_one(OkrTable)
        rows = [table.key_at(i) for i in range(table.row_count)]
        here = table.cursor_row
        found = next((k for k in rows[here + 1:] + rows[:here + 1] if k in mine), None)
        if found is None:
            self.notify("none of this period's objectives is yours", timeout=3)
            return
        table.select_key(found)

    def show(self, data: Snapshot) -> None:
        rep = data.report
        # From 100 columns on, "now → target" gets the width its longest value needs (up to 26):
        # numbers keep theirs, titles take the rest.
        target_width = 12
        if self.size.width >= 100:
            target_width = max(12, min(26, max((len(kr_target_text(kr)) for kr in rep.key_results()), default=0)))
        # Below 100 columns the kind and the trend step aside (as in the review): titles keep ~35.
        wide = self.size.width >= 100
        columns: list[tuple[str, int | None]] = [("Objective / key result", None), ("Owner", 8), ("Kind", 4),
                                                 ("Now → target", target_width), ("Grade", 9), ("Cnf", 3),
                                                 ("Trend", 6)]
        keep_columns = KEEP_WIDE if wide else KEEP_NARROW
        table, width, keep = self.reset_table([columns[i] for i in keep_columns])
        worst: dict[str, str] = {}
        for f in data.findings:  # the worst finding per objective marks its row
            if f.objective_id not in worst or SEVERITY_RANK[f.level] < SEVERITY_RANK[worst[f.objective_id]]:
                worst[f.objective_id] = f.level
        for o, depth in tree_order(rep.objectives):
            # Lazy rows: cells are made only for the lines on screen.
            table.add_lazy_row(f"o:{o.id}", _picked, keep_columns, objective_cells, rep, o, width, depth, data.me,
                               SEVERITY_MARK.get(worst.get(o.id, "")))
            for kr in o.key_results:
                table.add_lazy_row(f"k:{kr.id}", _picked, keep_columns, kr_cells, rep, kr, width, depth, data.me,
                                   target_width, o.status not in UNGRADED)
        if not table.select_key(keep):
            table.move_cursor(row=0)
        lines = [Text(f"{rep.period.label} · {count(len(rep.objectives), 'objective')} · "
                      f"{count(len(rep.key_results()), 'key result')}", style="bold")]
        team = data.my_team
        if team is not None and (team.mission or team.vision):
            # Long ones wrap (the context grows up to 5 lines): a mission is read whole.
            lines.append(Text(f"{plain(team.name)} — mission: {plain(team.mission)}"))
            if team.vision:
                lines.append(Text(f"vision: {plain(team.vision)}", style="italic"))
        if not rep.objectives:
            k = self.app.keymap
            lines.append(Text(f"No objectives in this period yet: press {hint_key(k, 'objectives.new', 'n')} to draft "
                              f"one, {hint_key(k, 'app.prev_period', '[')} {hint_key(k, 'app.next_period', ']')} to "
                              "change period.", style="dim"))
        self.set_context(*lines)

    # --- selection ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`u` shows in the footer, and acts, on a draft of the user's in a team that asks for approval."""
        if not super().check_action(action, parameters):
            return False  # a read-only session
        if action != "submit":
            return True
        data = self.data
        kind, obj, _ = self.selected() if self.is_mounted else ("", None, None)
        conv = data.report.conversation if data is not None else None
        return (kind == "o" and obj is not None and data is not None and obj.status == "draft"
                and obj.origin == data.me and conv is not None and conv.needs_approval(obj.team_id))

    _submittable = False  # the footer shows u (redrawn only when this changes: bytes per key)

    def on_okr_table_row_highlighted(self, event: OkrTable.RowHighlighted) -> None:
        now = self.check_action("submit", ()) is True
        if now != self._submittable:
            self._submittable = now
            self.refresh_bindings()

    def selected(self) -> tuple[str, ObjectiveView | None, KRView | None]:
        """(kind, objective, kr) for the row under the cursor."""
        key = self.query_one(OkrTable).current_key
        if key is None or self.data is None:
            return "", None, None
        obj, kr = find(self.data.report, key)
        return (key[0] if obj is not None else ""), obj, kr

    def _writable(self, record: ObjectiveView | KRView | None) -> bool:
        if record is None:
            return False
        if record.origin and record.origin != self.loaded.me:
            self.notify(f"read-only: this belongs to {self.loaded.report.person(record.origin)}", severity="warning",
                        markup=False)
            return False
        return True

    # --- actions -----------------------------------------------------------------------------

    def action_new(self) -> None:
        from okrtui.tui.screens.dialogs import ChoiceDialog  # forms and dialogs load on first use

        _, obj, _ = self.selected()
        if obj is None or self.data is None or obj.origin != self.data.me:
            self._new_objective()
            return
        choices = [("objective", "New objective"), ("kr", f"New key result in: {plain(obj.title)[:50]}")]

        def chosen(choice: str | None) -> None:
            if choice == "objective":
                self._new_objective()
            elif choice == "kr":
                self._edit_kr(None, obj.id)

        self.app.push_screen(ChoiceDialog("Create", choices), chosen)

    def _parents(self) -> list[ObjectiveView]:
        return [o for o in self.loaded.report.objectives if o.level in ("company", "team")]

    def _new_objective(self) -> None:
        from okrtui.tui.screens.forms import ObjectiveForm  # forms and dialogs load on first use

        if self.data is None:
            return
        self.app.push_screen(ObjectiveForm(None, self._parents(), self.data.report.teams), self._after_save)

    def _edit_kr(self, kr: KRView | None, objective_id: str) -> None:
        from okrtui.tui.screens.forms import KeyResultForm  # forms and dialogs load on first use

        data = self.loaded
        mine = [o for o in data.report.objectives if o.origin == data.me]
        self.app.push_screen(KeyResultForm(kr, objective_id, mine, data.report.people), self._after_save)

    def _after_save(self, ident: str | None) -> None:
        if ident:
            self.notify("saved", timeout=2)

    def action_edit(self) -> None:
        from okrtui.tui.screens.forms import ObjectiveForm  # forms and dialogs load on first use

        kind, obj, kr = self.selected()
        if obj is None:
            return
        if kind == "o" and self._writable(obj):
            self.app.push_screen(ObjectiveForm(obj, self._parents(), self.loaded.report.teams), self._after_save)
        elif kind == "k" and self._writable(kr):
            self._edit_kr(kr, obj.id)

    def action_delete(self) -> None:
        from okrtui.tui.screens.dialogs import ConfirmDialog  # forms and dialogs load on first use

        kind, obj, kr = self.selected()
        record = kr if kind == "k" else obj
        if record is None or not self._writable(record):
            return
        ident, title = record.id, record.title
        model = "key_result" if kind == "k" else "objective"
        what = "key result" if kind == "k" else "objective, its key results and their check-ins"
        app = self.app

        def answered(yes: bool | None) -> None:
            if yes:
                app.save(lambda s: s.delete(model, ident),
                         on_done=lambda _: self.notify("deleted", timeout=2))

        app.push_screen(ConfirmDialog(f"Delete this {what}?", plain(title), guard=True), answered)

    def action_activate(self) -> None:
        kind, obj, _ = self.selected()
        if obj is None or not self._writable(obj):
            return
        if obj.status == "active":
            self.notify("already active", timeout=2)
            return
        values = {"title": obj.title, "description": obj.description, "level": obj.level, "status": "active",
                  "visibility": obj.visibility, "parent_id": obj.parent_id, "team_id": obj.team_id}
        app = self.app
        app.save(lambda s: s.save_objective(app.span, values, obj.id, app.today),
                 on_done=lambda _: self.notify("activated", timeout=2))

    def action_submit(self) -> None:
        _, obj, _ = self.selected()
        if obj is None or not self._writable(obj):
            return
        app, ident = self.app, obj.id
        app.save(lambda s: s.submit(ident, app.today),
                 on_done=lambda message: self.notify(plain(message), timeout=3, markup=False))

    def action_move(self, step: int) -> None:
        kind, obj, kr = self.selected()
        record = kr if kind == "k" else obj
        if record is None or not self._writable(record):
            return
        app, ident = self.app, record.id
        app.save(lambda s: s.move("key_result" if kind == "k" else "objective", ident, step))

    def action_dependency(self) -> None:
        from okrtui.tui.screens.forms import DependencyForm  # forms and dialogs load on first use

        kind, obj, kr = self.selected()
        source = kr if kind == "k" else obj
        if source is None:
            return
        targets = []
        for o in self.loaded.report.objectives:
            if o.id != source.id:
                targets.append((o.id, o.title))
            targets += [(k.id, f"  {k.title}") for k in o.key_results if k.id != source.id]
        self.app.push_screen(DependencyForm(source.id, source.title, targets), self._after_save)

    def action_coach(self) -> None:
        if self.data is None:
            return
        titles = {o.id: o.title for o in self.data.report.objectives}

        def jump(objective_id: str | None) -> None:
            if objective_id:
                self.query_one(OkrTable).select_key(f"o:{objective_id}")

        from okrtui.tui.screens.coach import CoachDialog, drafting_summary  # the coach and lint load on first use

        self.app.push_screen(CoachDialog(self.data.findings, titles, drafting_summary(self.data)), jump)

    def on_okr_table_row_selected(self, event: OkrTable.RowSelected) -> None:
        self.action_detail()


SCREEN = ObjectivesScreen  # the mode's class (okrtui.tui.screens.MAIN)
