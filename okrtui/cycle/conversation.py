"""The OKR cycle's writes: submit, approve, request changes, comment, answer a dependency, inbox marks.

The rules are okrtui.method.cycle's; this module finds the records, applies the rules and writes
each person's own records (a lead's approval is the lead's `decision`, never a change to
the member's objective). A refusal names, by name, the person who may do it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from okrtui.core.errors import OkrError
from okrtui.cycle import ormread
from okrtui.cycle.ormread import activation_blockers, dependencies
from okrtui.cycle.ormread import conversation as load
from okrtui.method import covers, cycle, periods, rounds
from okrtui.rules import fieldrules, schema
from okrtui.storage.model import CheckIn, Comment, Decision, Dependency, KeyResult, Objective, Person, Seen, Team, now_stamp
from okrtui.storage.store import find_key_result, identity, my_id, reading, starts_with, touch, writing

# Read through (and left out of) okrtui.rules.schema's Text: a comment says something.
MAX_COMMENT = schema.MAX_TEXT


def name_of(session: Session, pid: str | None) -> str:
    """A person by name (their id only when the database knows no name)."""
    if not pid:
        return "nobody"
    person = session.get(Person, pid)
    return person.name if person is not None and person.name else pid


def conversation(session: Session, me: str) -> cycle.Conversation:
    return load(session, me)


def find_objective(session: Session, ref: str) -> Objective:
    """An objective by id or by a unique prefix of at least 4 characters."""
    row = session.get(Objective, ref)
    if row is not None:
        if row.deleted:  # its own id: never read as a prefix of another's (o-rel is not o-reliable)
            raise OkrError(f"objective {ref!r} was deleted")
        return row
    if len(ref) >= 4:
        rows = session.exec(select(Objective).where(starts_with(col(Objective.id), ref),
                                                    col(Objective.deleted).is_(False)).limit(3)).all()
        if len(rows) == 1:
            return rows[0]
        if len(rows) > 1:
            raise OkrError(f"{ref!r} is ambiguous: {', '.join(r.id for r in rows)}")
    raise OkrError(f"no objective {ref!r}")


def _live_krs(session: Session, objective_id: str) -> list[KeyResult]:
    return list(session.exec(select(KeyResult).where(KeyResult.objective_id == objective_id,
                                                     col(KeyResult.deleted).is_(False))).all())


def content_of(session: Session, obj: Objective) -> str:
    """The digest a lead's approval of `obj` covers, as it is stored now (okrtui.method.covers)."""
    return cycle.content_digest(obj.title, obj.level, obj.period_id, obj.team_id, _live_krs(session, obj.id))


def snapshot_of(session: Session, obj: Objective) -> str:
    """What a lead's decision on `obj` sees, kept with it for the review's history ("" when too long to keep)."""
    text = covers.snapshot(obj.submitted_at, obj.title, obj.level, obj.period_id, obj.team_id,
                           _live_krs(session, obj.id))
    return text if len(text) <= schema.MAX_SNAPSHOT else ""


def review_of(session: Session, obj: Objective, conv: cycle.Conversation) -> cycle.Review | None:
    return cycle.review(obj.id, obj.status, obj.team_id, obj.submitted_at, content_of(session, obj), conv)


def rounds_of(session: Session, obj: Objective, conv: cycle.Conversation) -> list[rounds.Step]:
    """The objective's review rounds, oldest first (okrtui.method.rounds), read as the TUI reads them."""
    if not conv.needs_approval(obj.team_id):
        return []
    lead = conv.lead_of(obj.team_id)
    mine = [d for d in conv.about(obj.id) if d.subject_type == "objective" and d.origin == lead]
    rev = review_of(session, obj, conv)
    return rounds.history(mine, obj.origin, rev.state if rev is not None else None,
                          rounds.now(obj.submitted_at, obj.title, obj.level, obj.period_id, obj.team_id,
                                     _live_krs(session, obj.id)))


def _team_name(session: Session, team_id: str | None) -> str:
    team = session.get(Team, team_id or "")
    return team.name if team is not None and team.name else (team_id or "no team")


# --- teams ---------------------------------------------------------------------------------------

def find_person(session: Session, ref: str) -> Person:
    """A person by id or by their exact name (case-insensitive), unique."""
    row = session.get(Person, ref)
    if row is not None and not row.deleted:
        return row
    rows = [p for p in session.exec(select(Person).where(col(Person.deleted).is_(False))).all()
            if p.name.casefold() == ref.casefold()]
    if len(rows) == 1:
        return rows[0]
    if rows:
        raise OkrError(f"{ref!r} names {len(rows)} people: give the id ({', '.join(p.id for p in rows)})")
    raise OkrError(f"no person {ref!r} (a person's id or name)")


def set_team_rules(engine: Engine, team_id: str, approval: bool | None, lead: str | None) -> Team:
    """Turn approval on or off, name the lead ("" names the maker again); the team's maker only."""
    with writing(engine) as session:
        me = identity(session).id
        team = session.get(Team, team_id)
        if team is None or team.deleted:
            raise OkrError(f"no team {team_id!r} (okrtui team list shows them)")
        if team.origin and team.origin != me:
            raise OkrError(f"team {team.id} was made by {name_of(session, team.origin)}; only they can change it")
        changes: dict[str, Any] = {}
        if approval is not None:
            changes["approval"] = approval
        if lead is not None:
            changes["lead_id"] = find_person(session, lead).id if lead else None
        touch(team, **changes)
        session.add(team)
        session.flush()
        return team


def lead_name(session: Session, team: Team) -> str:
    return name_of(session, team.lead_id or team.origin)


# --- objectives: submit, approve, request changes ---------------------------------------------------

def guard_status(session: Session, row: Objective, values: dict[str, Any], me: str) -> dict[str, Any]:
    """An objective form's status, under its team's approval: `active` comes only from the lead.

    Saving an approved (or sent back) objective with the status it shows keeps its review;
    choosing `in_review` submits it."""
    team_id = values.get("team_id", row.team_id)
    conv = conversation(session, me)
    if not conv.needs_approval(team_id):
        return values
    rev = review_of(session, row, conv)
    shown = cycle.effective(row.status, rev)
    wanted = values.get("status", shown)
    if wanted == shown and rev is not None:
        return {**values, "status": row.status}
    if wanted == "in_review":
        return {**values, "submitted_at": now_stamp()}
    if wanted == "active":
        team = session.get(Team, team_id or "")
        lead = lead_name(session, team) if team else "the lead"
        raise OkrError(f"team {_team_name(session, team_id)} asks for approval: submit it (u, or okrtui submit) "
                       f"and {lead} approves it")
    if wanted in covers.ENDED and row.status not in covers.ENDED and (rev is None or rev.state != cycle.APPROVED):
        team = session.get(Team, team_id or "")
        lead = lead_name(session, team) if team else "the lead"
        raise OkrError(f"team {_team_name(session, team_id)} asks for approval: only an objective {lead} approved "
                       f"is {wanted}; submit it (u, or okrtui submit) and {lead} approves it")
    return values


@dataclass(frozen=True)
class Done:
    objective_id: str
    title: str
    message: str


def submit(engine: Engine, ref: str, today: dt.date) -> Done:
    """Its maker sends a draft to the team's lead: draft → in review."""

    with writing(engine) as session:
        me = identity(session).id
        obj = find_objective(session, ref)
        if not cycle.may_submit(me, obj.origin):
            raise OkrError(f"only {name_of(session, obj.origin)}, who made {obj.id}, may submit it")
        conv = conversation(session, me)
        team = session.get(Team, obj.team_id or "")
        if not conv.needs_approval(obj.team_id) or team is None:
            raise OkrError(f"{obj.id} is in {_team_name(session, obj.team_id)}, which does not ask for approval: "
                           "make it active yourself (team edit ID --approval on asks for it)")
        state = cycle.effective(obj.status, review_of(session, obj, conv))
        if state == "in_review":
            raise OkrError(f"{obj.id} is already waiting for {lead_name(session, team)}'s approval")
        if state != "draft":
            raise OkrError(f"{obj.id} is {state}: only a draft is submitted")
        span = periods.quarter(obj.period_id) if periods.is_quarter_label(obj.period_id) else None
        if span is not None:
            blockers = activation_blockers(session, obj.id, span)
            if blockers:
                raise OkrError("cannot submit: " + "; ".join(blockers))
        touch(obj, status="in_review", submitted_at=now_stamp())
        session.add(obj)
        return Done(obj.id, obj.title, f"submitted {obj.id} to {lead_name(session, team)} for approval")


def _reviewable(session: Session, ref: str, me: str) -> tuple[Objective, Team, cycle.Conversation]:
    obj = find_objective(session, ref)
    conv = conversation(session, me)
    team = session.get(Team, obj.team_id or "")
    if team is None or not conv.needs_approval(obj.team_id):
        raise OkrError(f"{obj.id} is in {_team_name(session, obj.team_id)}, which does not ask for approval")
    if not cycle.may_approve(me, obj.team_id, conv):
        raise OkrError(f"only {lead_name(session, team)}, the lead of team {team.name or team.id}, "
                       f"may approve {obj.id} or ask for changes")
    rev = review_of(session, obj, conv)
    if rev is None or rev.state != "in_review":
        state = cycle.effective(obj.status, rev)
        raise OkrError(f"{obj.id} is {state.replace('_', ' ')}, not waiting for approval"
                       + (" (changes requested)" if rev is not None and rev.state == cycle.CHANGES else ""))
    return obj, team, conv


def approve(engine: Engine, ref: str, note: str = "") -> Done:
    """The team's lead approves a submitted objective: it becomes active as submitted. The optional
    note travels with the approval (its maker reads it in the inbox and the review's history)."""
    note = _text(note, "") if note.strip() else ""
    with writing(engine) as session:
        me = identity(session).id
        obj, _, _ = _reviewable(session, ref, me)
        session.add(Decision(origin=me, subject_type="objective", subject_id=obj.id, verdict=cycle.APPROVED,
                             note=note, basis=content_of(session, obj), content=snapshot_of(session, obj)))
        return Done(obj.id, obj.title, f"approved {obj.id}; it is active")


def request_changes(engine: Engine, ref: str, note: str) -> Done:
    """The lead sends a submitted objective back to its maker as a draft, saying why."""
    note = _text(note, "say what to change")
    with writing(engine) as session:
        me = identity(session).id
        obj, _, _ = _reviewable(session, ref, me)
        session.add(Decision(origin=me, subject_type="objective", subject_id=obj.id, verdict=cycle.CHANGES,
                             note=note, basis=covers.changes_basis(obj.submitted_at),
                             content=snapshot_of(session, obj)))
        return Done(obj.id, obj.title,
                    f"asked {name_of(session, obj.origin)} for changes to {obj.id}; it is a draft again")


def _text(body: str, empty: str) -> str:
    """A comment's or a note's text, checked by the schema's rule for a comment."""
    if not body.strip():
        raise OkrError(f"text: {empty}")
    try:
        return fieldrules.string(MAX_COMMENT)(body)
    except fieldrules.Problem as problem:
        raise OkrError(f"text: {problem}") from None


# --- comments ------------------------------------------------------------------------------------

def find_target(session: Session, ref: str) -> tuple[str, str]:
    """(type, id) of what a comment is about: an objective, a KR (or its prefix) or a check-in."""
    obj = session.get(Objective, ref)
    if obj is not None and not obj.deleted:
        return "objective", obj.id
    check_in = session.get(CheckIn, ref)
    if check_in is not None and not check_in.deleted:
        return "check_in", check_in.id
    try:
        return "key_result", find_key_result(session, ref).id
    except OkrError:
        pass
    try:
        return "objective", find_objective(session, ref).id
    except OkrError:
        raise OkrError(f"no objective, key result or check-in {ref!r}") from None


def add_comment(engine: Engine, target: str, body: str, reply_to: str | None = None) -> Comment:
    body = _text(body, "a comment needs some text")
    with writing(engine) as session:
        me = identity(session).id
        kind, ident = find_target(session, target)
        parent = None
        if reply_to:
            parent = session.get(Comment, reply_to)
            if parent is None or parent.deleted:
                raise OkrError(f"no comment {reply_to!r} to reply to")
            if parent.target_id != ident:
                raise OkrError(f"comment {reply_to} is about {parent.target_id}, not {ident}")
        row = Comment(origin=me, target_type=kind, target_id=ident, parent_id=parent.id if parent else None,
                      body=body)
        session.add(row)
        session.flush()
        return row


def _own_comment(session: Session, comment_id: str, me: str) -> Comment:
    row = session.get(Comment, comment_id)
    if row is None or row.deleted:
        raise OkrError(f"no comment {comment_id!r}")
    if row.origin != me:
        raise OkrError(f"comment {comment_id} is {name_of(session, row.origin)}'s; only they may change it")
    return row


def edit_comment(engine: Engine, comment_id: str, body: str) -> Comment:
    body = _text(body, "a comment needs some text (okrtui comment --delete ID removes one)")
    with writing(engine) as session:
        row = _own_comment(session, comment_id, identity(session).id)
        touch(row, body=body)
        session.add(row)
        return row


def delete_comment(engine: Engine, comment_id: str) -> None:
    with writing(engine) as session:
        row = _own_comment(session, comment_id, identity(session).id)
        touch(row, deleted=True)
        session.add(row)


# --- dependencies ------------------------------------------------------------------------------------

def end_answerer(session: Session, end_id: str) -> tuple[str | None, str]:
    """Who answers for a dependency's end (a KR's or an objective's owner, else maker), and its title."""
    kr = session.get(KeyResult, end_id)
    if kr is not None and not kr.deleted:
        return cycle.who_answers(kr.owner_id, kr.origin), kr.title
    obj = session.get(Objective, end_id)
    if obj is not None and not obj.deleted:
        return cycle.who_answers(obj.owner_id, obj.origin), obj.title
    return None, end_id


def answer_dependency(engine: Engine, dep_id: str, verdict: str, note: str = "") -> Done:
    """The owner of the KR a dependency points at agrees to it, or declines it saying why."""
    if verdict == cycle.DECLINED:
        note = _text(note, "say why you decline (okrtui decline DEP TEXT)")
    elif note:
        note = _text(note, "")
    with writing(engine) as session:
        me = identity(session).id
        dep = session.get(Dependency, dep_id)
        if dep is None or dep.deleted:
            raise OkrError(f"no dependency {dep_id!r}")
        answerer, title = end_answerer(session, dep.to_id)
        if answerer == dep.origin:
            raise OkrError(f"{dep.id} points at {name_of(session, answerer)}'s own record: nothing to agree")
        if not cycle.may_answer_dependency(me, answerer):
            raise OkrError(f"only {name_of(session, answerer)}, who answers for {dep.to_id}, may accept or "
                           f"decline {dep.id}")
        session.add(Decision(origin=me, subject_type="dependency", subject_id=dep.id, verdict=verdict, note=note,
                             basis=covers.dependency_digest(dep.from_id, dep.to_id, dep.note)))
        word = "accepted" if verdict == cycle.AGREED else "declined"
        return Done(dep.id, title, f"{word} {dep.id} from {name_of(session, dep.origin)}")


# --- the inbox -------------------------------------------------------------------------------------------

def mark_seen(engine: Engine, item_ids: list[str]) -> int:
    """Mark comments as read: they leave the inbox. Local to this database, never synced."""
    with writing(engine) as session:
        me = identity(session).id
        done = 0
        for item in dict.fromkeys(item_ids):
            if session.get(Seen, (me, item)) is None:
                session.add(Seen(person_id=me, item_id=item))
                done += 1
        return done


def inbox(engine: Engine, day: dt.date, fy_month: int = 1, stale_after: int = 7) -> list[cycle.InboxItem]:
    """What needs the local user as of `day`, in the quarter holding it (okrtui.method.cycle.inbox)."""

    with reading(engine) as session:
        me = my_id(session)
        rep = ormread.build(session, periods.quarter_of(day, fy_month), day, me, team=True, stale_after=stale_after)
        deps = dependencies(session)
    return cycle.inbox(rep, deps, me)
