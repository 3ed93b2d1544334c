"""Edits from the TUI: objectives, KRs, dependencies, self-scores, reflections, closing a quarter.

Form text is checked first by the pure functions of okrtui/rules/validate.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from okrtui.core.errors import OkrError
from okrtui.core.text import plain
from okrtui.cycle.conversation import conversation, guard_status, review_of
from okrtui.cycle.ormread import activation_blockers, ensure_period
from okrtui.cycle.ormread import dependencies as dependencies  # kept here for callers (no cycle with conversation)
from okrtui.method import kinds, lint, owners, periods
from okrtui.method.covers import APPROVED
from okrtui.method.domain import readable_id
from okrtui.rules import schema
from okrtui.rules.validate import FieldErrors
from okrtui.storage.model import (
    CheckIn,
    Dependency,
    KeyResult,
    Metric,
    Objective,
    Person,
    Reflection,
    Team,
    now_stamp,
)
from okrtui.storage.store import check_ins_of_kr, identity, touch, writing

L = TypeVar("L", bound=Objective | KeyResult | Dependency)


# --- writes ------------------------------------------------------------------------------------

def _mine(session: Session, record: Objective | KeyResult | Dependency, what: str) -> str:
    me = identity(session).id
    if record.origin and record.origin != me:
        owner = session.get(Person, record.origin)
        name = owner.name if owner and owner.name else record.origin
        raise OkrError(f"this {what} belongs to {name}; only they can change it")
    return me


def _live(session: Session, model: type[L], ident: str) -> L:
    row = session.get(model, ident)
    if row is None or row.deleted:
        raise OkrError(f"{ident} no longer exists")
    return row


def free_readable_id(session: Session, prefix: str, title: str) -> str:
    """A short readable id (`kr-deploy-success-3fqk`) no objective or KR here holds, tombstones included."""
    return readable_id(prefix, title,
                       lambda ident: session.get(Objective, ident) is not None or session.get(KeyResult, ident) is not None)


def _check_improves(session: Session, values: dict[str, Any], me: str, now: str | None = None) -> None:
    """The metric an objective or KR names as the one it improves: one you can see, not archived (a link
    it already has stays, whatever became of the metric). A message under the form's field."""
    wanted = values.get("improves_id")
    if wanted is None or wanted == now:
        return
    metric = session.get(Metric, wanted)
    if metric is None or metric.deleted or (metric.visibility == "private" and metric.origin not in ("", me)):
        raise FieldErrors({"improves_id": f"no health metric {wanted!r} (okrtui metric list shows them)"})
    if metric.archived_on is not None:
        raise FieldErrors({"improves_id": f"{plain(metric.name)} was archived on {metric.archived_on}: choose a live metric"})


def save_objective(engine: Engine, span: periods.Span, values: dict[str, Any], objective_id: str | None = None,
                   today: dt.date | None = None) -> str:
    """Create or edit an objective; `today` is the day an activation is recorded for (stale counts from it)."""
    with writing(engine) as session:
        me = identity(session).id
        ensure_period(session, span, me)
        if objective_id is None:
            _check_improves(session, values, me)
            if values["status"] == "active":
                raise FieldErrors({"status": "a new objective has no key result yet: save it as draft first"})
            count = session.exec(select(func.count()).where(col(Objective.period_id) == span.label)).one()
            row = Objective(**values, id=free_readable_id(session, "o", values["title"]), owner_id=me, period_id=span.label,
                            origin=me, position=count)
            session.add(row)
            return row.id
        row = _live(session, Objective, objective_id)
        _mine(session, row, "objective")
        _check_improves(session, values, me, row.improves_id)
        if values["parent_id"] == row.id:
            raise FieldErrors({"parent_id": "an objective cannot be its own parent"})
        try:
            values = guard_status(session, row, values, me)
        except OkrError as err:
            raise FieldErrors({"status": str(err)}) from None
        if values["status"] == "active" and row.status != "active":
            blockers = activation_blockers(session, row.id, span)
            if blockers:
                raise FieldErrors({"status": "cannot activate: " + "; ".join(blockers)})
            values = {**values, "activated_on": today}
        touch(row, **values)
        session.add(row)
        return row.id


def save_key_result(engine: Engine, values: dict[str, Any], kr_id: str | None = None,
                    today: dt.date | None = None) -> str:
    """A new KR, or the maker's KR changed; a new owner is recorded in its history from `today` (the
    earlier owner's check-ins keep counting: okrtui.method.owners)."""
    with writing(engine) as session:
        me = identity(session).id
        target = _live(session, Objective, values["objective_id"])
        _mine(session, target, "objective")
        if kr_id is None:
            _check_improves(session, values, me)
            count = session.exec(select(func.count()).where(col(KeyResult.objective_id) == target.id)).one()
            row = KeyResult(**values, id=free_readable_id(session, "kr", values["title"]), origin=me, position=count)
            session.add(row)
            return row.id
        row = _live(session, KeyResult, kr_id)
        _mine(session, row, "key result")
        _check_improves(session, values, me, row.improves_id)
        if "owner_id" in values and (values["owner_id"] or None) != (row.owner_id or None):  # the clock only for a change
            values = {**values, "owner_history": owners.dump(owners.handed(
                owners.parse(row.owner_history), row.owner_id, values["owner_id"], today or dt.date.today(),
                row.created_at))}
        touch(row, **values)
        session.add(row)
        return row.id


MODELS: dict[str, type[Objective] | type[KeyResult]] = {"objective": Objective, "key_result": KeyResult}


def delete(engine: Engine, kind: str, ident: str) -> None:
    """Tombstones (an objective takes its KRs and their check-ins with it)."""
    model = MODELS[kind]
    with writing(engine) as session:
        row: Objective | KeyResult = _live(session, model, ident)
        _mine(session, row, "record")
        stamp = now_stamp()
        rows: list[Objective | KeyResult | CheckIn] = [row]
        if model is Objective:
            krs = session.exec(select(KeyResult).where(KeyResult.objective_id == ident)).all()
            rows += krs
            for kr in krs:
                rows += list(check_ins_of_kr(session, kr.id))
        elif model is KeyResult:
            rows += list(check_ins_of_kr(session, ident))
        for r in rows:
            if not r.deleted:
                r.deleted, r.updated_at = True, stamp
                session.add(r)


def move(engine: Engine, kind: str, ident: str, step: int) -> None:
    """Swap a row with its neighbour (objectives in the period, KRs in the objective)."""
    model = MODELS[kind]
    with writing(engine) as session:
        row = _live(session, model, ident)
        _mine(session, row, "record")
        rows: Sequence[Objective | KeyResult]
        if isinstance(row, Objective):
            rows = session.exec(select(Objective).where(Objective.period_id == row.period_id,
                                                        col(Objective.deleted).is_(False))).all()
        else:
            rows = session.exec(select(KeyResult).where(KeyResult.objective_id == row.objective_id,
                                                        col(KeyResult.deleted).is_(False))).all()
        rows = sorted(rows, key=lambda r: (r.position, r.id))
        i = [r.id for r in rows].index(ident)
        j = i + step
        if not 0 <= j < len(rows):
            return
        rows[i], rows[j] = rows[j], rows[i]
        for pos, r in enumerate(rows):
            touch(r, position=pos)
            session.add(r)


def add_dependency(engine: Engine, from_id: str, to_id: str, note: str) -> str:
    if from_id == to_id:
        raise FieldErrors({"to_id": "choose a different objective or key result"})
    with writing(engine) as session:
        me = identity(session).id
        row = Dependency(from_id=from_id, to_id=to_id, note=note, origin=me)
        session.add(row)
        return row.id


def set_self_score(engine: Engine, kr_id: str, score: float | None, comment: str) -> None:
    with writing(engine) as session:
        row = _live(session, KeyResult, kr_id)
        _mine(session, row, "key result")
        touch(row, self_score=score, score_comment=comment)
        session.add(row)


def save_reflections(engine: Engine, span: periods.Span, answers: dict[str, str]) -> None:
    with writing(engine) as session:
        me = identity(session).id
        ensure_period(session, span, me)
        existing = {r.question: r for r in session.exec(select(Reflection).where(
            Reflection.person_id == me, Reflection.period_id == span.label)).all()}
        for question, answer in answers.items():
            row = existing.get(question)
            if row is None:
                session.add(Reflection(person_id=me, period_id=span.label, question=question, answer=answer,
                                       origin=me))
            else:
                touch(row, answer=answer, deleted=False)
                session.add(row)


@dataclass
class Closed:
    closed: int
    carried: list[str]
    # Carried KRs whose titles state the old start (`from 92% to 99%`, now starting at 97):
    # (new KR id, title, the title with the new numbers), for the TUI to offer (lint.retitled).
    stale_titles: list[tuple[str, str, str]] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # not approved by their team's lead: left as they are


def close_quarter(engine: Engine, span: periods.Span, carry: list[str], fy_month: int = 1) -> Closed:
    """Close the user's objectives of the period; copy the chosen ones into the next quarter as drafts.

    The copies start where the old KRs ended (the latest value becomes the new start);
    history stays with the closed objectives.
    """
    nxt = periods.shift(span.label, 1, fy_month) if periods.is_quarter_label(span.label) else None
    with writing(engine) as session:
        me = identity(session).id
        mine = session.exec(select(Objective).where(Objective.period_id == span.label, Objective.origin == me,
                                                    col(Objective.deleted).is_(False))).all()
        if carry and nxt is None:
            raise OkrError(f"{span.label} is a custom period: there is no next quarter to carry into")
        if nxt is not None:
            ensure_period(session, nxt, me)
        carried: list[str] = []
        stale: list[tuple[str, str, str]] = []
        closed = 0
        waiting = []
        conv = conversation(session, me)
        for obj in mine:
            unapproved = conv.needs_approval(obj.team_id) and obj.status not in ("closed", "archived") and \
                getattr(review_of(session, obj, conv), "state", None) != APPROVED
            if unapproved:  # only an approved objective is closed (docs/team.md "Who may move a status")
                waiting.append(obj.id)
            elif obj.status not in ("closed", "archived"):
                touch(obj, status="closed")
                session.add(obj)
                closed += 1
            if obj.id in carry and nxt is not None:
                carried.append(_carry(session, obj, nxt.label, me, stale))
        return Closed(closed, carried, stale, waiting)


def _carry(session: Session, obj: Objective, period_id: str, me: str,
           stale: list[tuple[str, str, str]] | None = None) -> str:
    copy = Objective(id=free_readable_id(session, "o", obj.title), title=obj.title, description=obj.description,
                     level=obj.level, team_id=obj.team_id,
                     owner_id=obj.owner_id, period_id=period_id, parent_id=None, status="draft",
                     visibility=obj.visibility, position=obj.position, origin=me)
    session.add(copy)
    session.flush()
    krs = session.exec(select(KeyResult).where(KeyResult.objective_id == obj.id,
                                               col(KeyResult.deleted).is_(False))).all()
    for kr in krs:
        history = check_ins_of_kr(session, kr.id)
        start = kr.start
        if kinds.paced(kr.kind) and history:  # a moving KR goes on from where it got to
            start = history[-1].value
        new = KeyResult(id=free_readable_id(session, "kr", kr.title), objective_id=copy.id, title=kr.title,
                        owner_id=kr.owner_id, kind=kr.kind,
                        unit=kr.unit, start=start, target=kr.target, low=kr.low, high=kr.high,
                        weight=kr.weight, position=kr.position, origin=me)
        session.add(new)
        retitle = lint.retitled(kr.title, kr.kind, start, kr.target)
        if retitle is not None and stale is not None:
            stale.append((new.id, kr.title, retitle))
    return copy.id


def retitle_key_results(engine: Engine, titles: dict[str, str]) -> int:
    """New titles for the user's own KRs, in one transaction (the carried KRs' offer after a close)."""
    with writing(engine) as session:
        for kr_id, title in titles.items():
            if not title.strip():
                raise FieldErrors({"title": "a title is required"})
            row = _live(session, KeyResult, kr_id)
            _mine(session, row, "key result")
            touch(row, title=title)
            session.add(row)
        return len(titles)


# --- teams ---------------------------------------------------------------------------------------

def save_team(engine: Engine, values: dict[str, Any], *, new: bool) -> Team:
    """Add a team (new) or change one the local user made; checked by the schema, synced like any record."""
    with writing(engine) as session:
        me = identity(session).id
        row = session.get(Team, values.get("id", ""))
        if new:
            checked = schema.check(schema.TeamData, values)
            if row is not None and not row.deleted:
                raise OkrError(f"team {checked.id} exists already (okrtui team edit {checked.id} changes it)")
            row = row or Team(id=checked.id, origin=me)
            touch(row, **checked.model_dump(exclude={"id"}), origin=me, deleted=False)
        else:
            if row is None or row.deleted:
                raise OkrError(f"no team {values.get('id')!r} (okrtui team list shows them)")
            if row.origin and row.origin != me:
                who = session.get(Person, row.origin)
                raise OkrError(f"team {row.id} was made by {who.name if who and who.name else row.origin}; "
                               "only they can change it")
            current = {"id": row.id, "name": row.name, "mission": row.mission, "vision": row.vision,
                       "approval": row.approval, "lead_id": row.lead_id}
            checked = schema.check(schema.TeamData, {**current, **{k: v for k, v in values.items() if v is not None}})
            touch(row, **checked.model_dump(exclude={"id"}))
        session.add(row)
        session.flush()
        return row


def teams(session: Session) -> list[Team]:
    return list(session.exec(select(Team).where(col(Team.deleted).is_(False)).order_by(col(Team.id))).all())
