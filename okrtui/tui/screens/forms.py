"""Objective, key-result and dependency forms."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Select, Static

from okrtui.core.text import plain
from okrtui.method import kinds, lint
from okrtui.method.domain import LEVELS, STATUSES, VISIBILITIES, Kind
from okrtui.method.views import KRView, ObjectiveView, TeamView, fmt_num
from okrtui.rules import schema, validate
from okrtui.tui.screens.base import FormScreen
from okrtui.tui.screens.dialogs import ConfirmDialog
from okrtui.tui.screens.keys import hint_key
from okrtui.tui.screens.talk import reopens


def _options(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


def _kind_help(kind: str) -> str:
    known = kinds.get(kind)
    return known.help if known else ""


def _title_option(title: str) -> Text:
    return Text(plain(title)[:60])


def improves_field(form: ObjectiveForm | KeyResultForm, ident: str | None) -> tuple[Vertical, str | None]:
    """The `Improves` field: the health metric an objective or KR aims to move, by name, or none; and the
    metric it names now (None for none, or one the snapshot does not hold, such as an archived one)."""
    data = form.app.data
    metrics = data.metrics if data is not None else []
    now = next((v.id for v in metrics if ident is not None and ident in v.improved_by), None)
    options = [(Text(plain(v.name)[:60]), v.id) for v in sorted(metrics, key=lambda v: (v.name.casefold(), v.id))]
    form.improves_choices = tuple((str(label), ident) for label, ident in options)
    select: Select[str] = Select(options, value=now if now is not None else Select.NULL, prompt="(none)",
                                 compact=True)
    return form.field_row("improves_id", "Improves", select), now


def improves_raw(form: ObjectiveForm | KeyResultForm, now: str | None) -> dict[str, str | None]:
    """The field as the form sends it: only when changed, so that a link the form could not show stays."""
    chosen = form.value_of("improves_id")
    return {} if chosen == now else {"improves_id": chosen}


def form_keys(keymap: Mapping[str, str], guide: bool = True) -> Text:
    """A form's hint line, with the keys in force ([keys] may move them)."""
    line = f"{hint_key(keymap, 'form.enter', 'enter')}: save   {hint_key(keymap, 'form.cancel', 'esc')}: cancel"
    if guide:
        line += f"   {hint_key(keymap, 'form.guide', 'f1')}: how to write good OKRs"
    return Text(line, style="dim")


class ObjectiveForm(FormScreen[str]):
    """New or edited objective. Dismisses with the objective id, or None."""

    improves_now: str | None = None  # the metric it names as the one it improves, as the form opened
    improves_choices: tuple[tuple[str, str], ...] = ()  # the Improves list: (name, metric id)

    def __init__(self, objective: ObjectiveView | None, parents: list[ObjectiveView], teams: dict[str, TeamView]) -> None:
        super().__init__()
        self.objective = objective
        self.parents = [p for p in parents if objective is None or p.id != objective.id]
        self.teams = teams

    def compose(self) -> ComposeResult:
        o = self.objective
        with Vertical(classes="dialog form"):
            yield Static(Text("Edit objective" if o else "New objective", style="bold"), classes="heading")
            with VerticalScroll():
                yield self.field_row("title", "Title", Input(o.title if o else "", placeholder="Start with a verb",
                                                             compact=True))
                yield Static("", id="hint-title", classes="hint")
                yield self.field_row("description", "Why", Input(o.description if o else "", compact=True,
                                                                 placeholder="why it matters"))
                yield self.field_row("level", "Level", Select(_options(LEVELS), value=o.level if o else "personal",
                                                              allow_blank=False, compact=True))
                yield self.field_row("status", "Status", Select(_options(STATUSES), value=o.status if o else "draft",
                                                                allow_blank=False, compact=True))
                yield self.field_row("visibility", "Visible", Select(
                    _options(VISIBILITIES), value=o.visibility if o else "shared", allow_blank=False, compact=True))
                parents = [(_title_option(p.title), p.id) for p in self.parents]
                yield self.field_row("parent_id", "Parent", Select(
                    parents, value=o.parent_id if o and o.parent_id in {p.id for p in self.parents} else Select.NULL,
                    prompt="(none)", compact=True))
                teams = [(Text(plain(t.name or t.id)), t.id) for t in self.teams.values()]
                yield self.field_row("team_id", "Team", Select(
                    teams, value=o.team_id if o and o.team_id in self.teams else Select.NULL,
                    prompt="(none)", compact=True))
                improves, self.improves_now = improves_field(self, o.id if o else None)
                yield improves
                yield Static("", id="err-form", classes="error")
            yield Static(form_keys(self.app.keymap),
                         classes="keys")

    def on_mount(self) -> None:
        self.query_one("#in-title", Input).focus()
        self._hint(self.query_one("#in-title", Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "in-title":
            self._hint(event.value)

    def _hint(self, title: str) -> None:
        hints = []
        if lint.quantitative(title):
            hints.append("Numbers belong in key results: keep the objective qualitative.")
        if lint.negative(title):
            hints.append("Say what you want, in positive words.")
        if len(title) > 100:
            hints.append("Keep it short: 100 characters or fewer.")
        self.query_one("#hint-title", Static).update(Text("\n".join(hints), style="italic yellow"))

    def action_save(self) -> None:
        raw = {name: self.value_of(name) for name in
               ("title", "description", "level", "status", "visibility", "parent_id", "team_id")}
        raw |= improves_raw(self, self.improves_now)
        app, oid = self.app, self.objective.id if self.objective else None
        self.submit(validate.check_objective, raw,
                    lambda s, values: s.save_objective(app.span, values, oid, app.today))


class KeyResultForm(FormScreen[str]):
    """New or edited KR; the fields shown follow the chosen kind."""

    improves_now: str | None = None  # as for the objective
    improves_choices: tuple[tuple[str, str], ...] = ()

    def __init__(self, kr: KRView | None, objective_id: str, objectives: list[ObjectiveView], people: dict[str, str]) -> None:
        super().__init__()
        self.kr = kr
        self.objective_id = objective_id
        self.objectives = objectives
        self.people = people

    def compose(self) -> ComposeResult:
        kr = self.kr
        kind = kr.kind if kr else Kind.INCREASE

        def num(value: float | None) -> str:
            return "" if value is None else fmt_num(value)

        with Vertical(classes="dialog form"):
            yield Static(Text("Edit key result" if kr else "New key result", style="bold"), classes="heading")
            with VerticalScroll():
                yield self.field_row("objective_id", "Objective", Select(
                    [(_title_option(o.title), o.id) for o in self.objectives], value=self.objective_id,
                    allow_blank=False, compact=True))
                yield self.field_row("title", "Title", Input(kr.title if kr else "", compact=True,
                                                             placeholder="a result, not a task"))
                yield Static("", id="hint-title", classes="hint")
                yield self.field_row("kind", "Kind", Select(_options(kinds.names()), value=kind, allow_blank=False,
                                                            compact=True))
                yield Static(Text(_kind_help(kind), style="italic"), id="kind-help", classes="hint")
                yield self.field_row("start", "Start", Input(num(kr.start) if kr else "", compact=True))
                yield self.field_row("target", "Target", Input(num(kr.target) if kr else "", compact=True))
                yield self.field_row("low", "Low", Input(num(kr.low) if kr else "", compact=True))
                yield self.field_row("high", "High", Input(num(kr.high) if kr else "", compact=True))
                yield self.field_row("unit", "Unit", Input(kr.unit if kr else "", compact=True))
                yield self.field_row("owner_id", "Owner", Select(
                    [(Text(plain(name)), pid) for pid, name in sorted(self.people.items(), key=lambda x: x[1])],
                    value=kr.owner_id if kr and kr.owner_id in self.people else
                    (self.app.data.me if self.app.data and self.app.data.me in self.people else Select.NULL),
                    prompt="(nobody)", compact=True))
                yield Static("", id="hint-owner", classes="hint")
                yield self.field_row("weight", "Weight", Input(num(kr.weight) if kr else "1", compact=True))
                improves, self.improves_now = improves_field(self, kr.id if kr else None)
                yield improves
                yield Static("", id="err-form", classes="error")
            yield Static(form_keys(self.app.keymap),
                         classes="keys")

    def on_mount(self) -> None:
        self._show_kind(self.value_of("kind") or "")
        self._owner_hint()
        self.query_one("#in-title", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "in-kind" and isinstance(event.value, str) and kinds.get(event.value):
            self._show_kind(event.value)
        if event.select.id == "in-owner_id":
            self._owner_hint()

    def _owner_hint(self) -> None:
        missing = self.value_of("owner_id") is None
        self.query_one("#hint-owner", Static).update(
            Text("Name one person responsible for this result." if missing else "", style="italic yellow"))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "in-title":
            hint = "Describe the result, not the task that gets you there." if lint.task_like(event.value) else ""
            self.query_one("#hint-title", Static).update(Text(hint, style="italic yellow"))

    def _show_kind(self, kind: str) -> None:
        known = kinds.get(kind)
        for name in kinds.NUMBER_FIELDS:  # the unit stays: any kind may have one
            self.query_one(f"#f-{name}").display = known is not None and name in known.fields
        self.query_one("#kind-help", Static).update(Text(_kind_help(kind), style="italic"))

    def action_save(self) -> None:
        raw = {name: self.value_of(name) for name in
               ("objective_id", "title", "kind", "start", "target", "low", "high", "unit", "owner_id", "weight")}
        raw |= improves_raw(self, self.improves_now)
        app, kid = self.app, self.kr.id if self.kr else None

        def save() -> None:
            self.submit(validate.check_key_result, raw, lambda s, values: s.save_key_result(values, kid, app.today))

        lead = self._reopens(raw)
        if lead is None:
            save()
            return

        question = "Send the approved objective back to review?"
        detail = (f"{lead} approved it with these KRs: a new title, target, start, unit, kind or weight (or a KR "
                  "more or less) "
                  f"sends it back to in review until {lead} approves again.")
        app.push_screen(ConfirmDialog(question, detail), lambda yes: save() if yes else None)

    def _reopens(self, raw: validate.FormInput) -> str | None:
        """Said before saving (spec "Review and conversation"): None when nothing is reopened."""

        data = self.app.data
        if data is None:
            return None
        try:
            values = validate.check_key_result(raw)
        except validate.FieldErrors:
            return None  # the form's own messages come first
        return reopens(data.report, values["objective_id"], self.kr, values)


class DependencyForm(FormScreen[str]):
    """Record that the selected objective or KR relies on another one."""

    def __init__(self, from_id: str, from_title: str, targets: list[tuple[str, str]]) -> None:
        super().__init__()
        self.from_id, self.from_title, self.targets = from_id, from_title, targets

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(Text("Add a dependency", style="bold"), classes="heading")
            yield Static(Text(f"{plain(self.from_title)[:70]} relies on …"))
            yield self.field_row("to_id", "On", Select([(_title_option(t), i) for i, t in self.targets],
                                                       prompt="choose", compact=True))
            yield self.field_row("note", "Note", Input("", compact=True, placeholder="what you need from them"))
            yield Static("", id="err-form", classes="error")
            yield Static(form_keys(self.app.keymap),
                         classes="keys")

    def on_mount(self) -> None:
        self.query_one("#in-to_id", Select).focus()

    def action_save(self) -> None:
        to_id = self.value_of("to_id")
        if not to_id:
            self.show_errors({"to_id": "choose what this relies on"})
            return
        note = self.value_of("note") or ""
        self.send(lambda s: s.add_dependency(self.from_id, to_id, note), self.dismiss)


class TeamForm(FormScreen[str]):
    """New or edited team (id fixed once made). Dismisses with the team id, or None."""

    def __init__(self, team: TeamView | None) -> None:  # None for a new one
        super().__init__()
        self.team = team

    def compose(self) -> ComposeResult:
        t = self.team
        with Vertical(classes="dialog form"):
            yield Static(Text(f"Edit team {plain(t.id)}" if t else "New team", style="bold"), classes="heading")
            with VerticalScroll():
                if t is None:
                    yield self.field_row("id", "Id", Input("", placeholder="t-platform", compact=True))
                yield self.field_row("name", "Name", Input(t.name if t else "", compact=True))
                yield self.field_row("mission", "Mission", Input(t.mission if t else "", compact=True,
                                                                 placeholder="why we exist"))
                yield self.field_row("vision", "Vision", Input(t.vision if t else "", compact=True,
                                                               placeholder="where we are going"))
                yield self.field_row("approval", "Approval", Select(
                    [("off: members activate their drafts", "off"), ("on: the lead approves drafts", "on")],
                    value="on" if t is not None and t.approval else "off", allow_blank=False, compact=True))
                yield Static("", id="err-form", classes="error")
            yield Static(form_keys(self.app.keymap, guide=False), classes="keys")

    def on_mount(self) -> None:
        self.query_one("#in-id" if self.team is None else "#in-name", Input).focus()

    def action_save(self) -> None:
        raw: dict[str, str | bool | None] = {k: self.value_of(k) for k in ("name", "mission", "vision")}
        raw["approval"] = self.value_of("approval") == "on"
        raw["id"] = self.team.id if self.team is not None else (self.value_of("id") or "").strip()
        new = self.team is None
        self.submit(_check_team, raw, lambda s, values: s.save_team(values, new))


def _check_team(raw: dict[str, str | bool | None]) -> dict[str, object]:
    return schema.check_fields(schema.TeamData, raw).model_dump()  # messages under the fields
