"""The OKR cycle as a conversation: who may submit, approve, comment and agree, and what state follows.

Pure: rows in, views out. Approvals and answers to dependencies are separate records (a
`decision`), never changes to another person's objective or link, so each record keeps one
maker; the state an objective or a dependency is in is read from them here, the one place,
for both read paths, the CLI and the TUI. docs/team.md ("The OKR cycle") tells it as a user does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from okrtui.method import views
from okrtui.method.conversation import CommentView as CommentView
from okrtui.method.conversation import Conversation as Conversation
from okrtui.method.conversation import DecisionView as DecisionView
from okrtui.method.conversation import DependencyView
from okrtui.method.conversation import Review as Review
from okrtui.method.conversation import TeamRule as TeamRule
from okrtui.method.domain import AGREED as AGREED
from okrtui.method.domain import APPROVED as APPROVED
from okrtui.method.domain import CHANGES as CHANGES
from okrtui.method.domain import DECLINED as DECLINED
from okrtui.method.domain import DRAFT, ENDED
from okrtui.method.domain import PROPOSED as PROPOSED
from okrtui.method.views import KRView, ObjectiveView, PeriodReport

VERDICTS = {"objective": (APPROVED, CHANGES), "dependency": (AGREED, DECLINED)}
TARGET_TYPES = ("objective", "key_result", "check_in")


def content_digest(title: str, level: str, period_id: str, team_id: str | None, krs: Iterable[Any]) -> str:
    """What the lead's approval covers (okrtui.method.covers): the objective's and its live KRs' content."""
    from okrtui.method import covers  # hashlib, json: only for teams that ask approval (start-up)

    return covers.objective_digest(title, level, period_id, team_id, krs)


def review(objective_id: str, status: str, team_id: str | None, submitted_at: str | None, content: str,
           conv: Conversation) -> Review | None:
    """Where an objective of a team that asks for approval stands (None: no approval, or a draft).

    Computed from the lead's decisions and the objective's current content (`content_digest`),
    never from the stored status alone: `active` comes only from an approval covering this content."""
    if not conv.needs_approval(team_id):
        return None
    from okrtui.method import covers  # hashlib, json: only for teams that ask approval (start-up)

    lead = conv.lead_of(team_id) or ""
    mine = [d for d in conv.about(objective_id) if d.subject_type == "objective" and d.origin == lead]
    state = covers.objective_state(status, submitted_at, content, mine)
    if state == DRAFT:
        return None
    newest = covers.latest(mine)
    if state in (APPROVED, CHANGES) and isinstance(newest, DecisionView):  # both come from the newest
        return Review(state, lead, newest.note, at=newest.updated_at)
    return Review("in_review", lead, changed=any(d.verdict == APPROVED for d in mine))


def effective(stored: str, rev: Review | None) -> str:
    """The status everyone sees of an objective of a team that asks for approval: an approved objective is
    active, one sent back is a draft; closed or archived by a maker who never submitted it, a draft."""
    if rev is None:
        return DRAFT if stored in ENDED else stored
    from okrtui.method import covers  # hashlib, json: only for teams that ask approval (start-up)

    return covers.shown_status(stored, rev.state)


def apply(rep: PeriodReport, conv: Conversation, stale_after: int = 7) -> PeriodReport:
    """Give each objective the status its reviews give it, and the report its conversation."""
    rep.conversation = conv
    for obj in rep.objectives:
        if not conv.needs_approval(obj.team_id):
            continue  # no digest to compute: most teams do not ask
        content = content_digest(obj.title, obj.level, rep.period.label, obj.team_id, obj.key_results)
        rev = review(obj.id, obj.status, obj.team_id, obj.submitted_at, content, conv)
        if rev is not None:
            conv.reviews[obj.id] = rev
        status = effective(obj.status, rev)
        if status == obj.status:
            continue
        # An approved objective counts as active from the period's start (activated_on as stored):
        # its KRs are due for a first check-in at once.
        obj.status = status
        for kr in obj.key_results:
            views.compute_kr(kr, rep.period, rep.as_of, status == "active", stale_after, obj.activated_on)
        views.compute_objective(obj)
    return rep


def led_reflections(rep: PeriodReport) -> list[tuple[str, list[tuple[str, str]]]]:
    """The period's reflections of the people in the teams the reader leads: (person, [(question, answer)])."""
    conv = rep.conversation
    if conv is None or not conv.me:
        return []
    led = {t.id for t in conv.teams.values() if t.lead == conv.me}
    members = {o.origin for o in rep.objectives if o.team_id in led} | {
        o.owner_id for o in rep.objectives if o.team_id in led and o.owner_id}
    out: dict[str, list[tuple[str, str]]] = {}
    for person, period, question, answer in conv.reflections:
        if period == rep.period.label and person in members and person != conv.me and answer.strip():
            out.setdefault(person, []).append((question, answer))
    return sorted(out.items(), key=lambda item: rep.person(item[0]))


# --- who may do what (okr-method.md "Cadence"; spec "Review and conversation") -------------------

def who_answers(owner_id: str | None, origin: str) -> str:
    """Who answers for a KR or an objective: its named owner, else its maker."""
    return owner_id or origin


def may_submit(me: str, origin: str) -> bool:
    return me == origin


def may_approve(me: str, team_id: str | None, conv: Conversation) -> bool:
    return conv.needs_approval(team_id) and conv.lead_of(team_id) == me


def may_answer_dependency(me: str, answerer: str | None) -> bool:
    return answerer is not None and me == answerer


def may_change_comment(me: str, comment: CommentView) -> bool:
    return comment.origin == me


# --- dependencies ------------------------------------------------------------------------------

def end_answerer(rep: PeriodReport, end_id: str) -> str | None:
    """Who answers for a dependency's end: a KR's or an objective's owner, else its maker."""
    for obj in rep.objectives:
        if obj.id == end_id:
            return who_answers(obj.owner_id, obj.origin)
        for kr in obj.key_results:
            if kr.id == end_id:
                return who_answers(kr.owner_id, kr.origin)
    return None


@dataclass(frozen=True, slots=True)
class Agreement:
    state: str  # proposed | agreed | declined
    answerer: str | None
    note: str = ""


def agreement(dep: DependencyView, answerer: str | None, conv: Conversation) -> Agreement:
    """A link onto one's own KR needs no one's agreement; any other waits for the other end's owner,
    whose answer holds only for the ends and text it answered (okrtui.method.covers)."""
    if answerer is None:
        return Agreement(PROPOSED, None)
    if answerer == dep.origin:
        return Agreement(AGREED, answerer)
    from okrtui.method import covers  # hashlib, json: only for a link onto another's KR (start-up)

    answers = [d for d in conv.about(dep.id) if d.subject_type == "dependency" and d.origin == answerer]
    state, decided = covers.agreement_state(covers.dependency_digest(dep.from_id, dep.to_id, dep.note), answers)
    return Agreement(state, answerer, decided.note if isinstance(decided, DecisionView) else "")


# --- the inbox -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class InboxItem:
    kind: str  # approve | changes | approved | comment | reply | dependency | due
    ref: str  # the record to act on: an objective, comment, dependency or KR id
    objective_id: str | None  # where to open it
    text: str  # one line, untrusted text left raw: callers escape it
    who: str = ""  # the person it comes from


INBOX_KINDS = {"approve": "awaiting your approval", "changes": "changes requested", "approved": "approved",
               "comment": "new comment", "reply": "reply to you", "dependency": "dependency request",
               "due": "check-in due"}
FOR_YOUR_INFORMATION = ("approved", "due")  # listed, not counted in the header's ✉: nothing is asked


def _places(rep: PeriodReport, wanted: set[str]) -> dict[str, tuple[str, str, str]]:
    """record id → (who answers for it, its objective's id, a short title), for the ids wanted."""
    out: dict[str, tuple[str, str, str]] = {}
    if not wanted:
        return out
    for obj in rep.objectives:
        if obj.id in wanted:
            out[obj.id] = (who_answers(obj.owner_id, obj.origin), obj.id, obj.title)
        for kr in obj.key_results:
            owner = who_answers(kr.owner_id, kr.origin)
            if kr.id in wanted:
                out[kr.id] = (owner, obj.id, kr.title)
            for c in kr.check_ins:
                if c.id in wanted:
                    out[c.id] = (owner, obj.id, f"{kr.title} ({c.date.isoformat()})")
    return out


def inbox(rep: PeriodReport, deps: Sequence[DependencyView], me: str) -> list[InboxItem]:
    """What needs `me`: approvals, changes requested, unseen comments, dependency requests, due KRs."""
    conv = rep.conversation or Conversation()
    items: list[InboxItem] = []
    news: list[InboxItem] = []
    for obj in rep.objectives:
        rev = conv.reviews.get(obj.id)
        if rev is None:
            continue
        if rev.state == "in_review" and rev.lead == me:
            items.append(InboxItem("approve", obj.id, obj.id, obj.title, rep.person(obj.origin)))
        elif rev.state == CHANGES and obj.origin == me:
            items.append(InboxItem("changes", obj.id, obj.id, f"{obj.title}: {rev.note}", rep.person(rev.lead)))
        elif rev.state == APPROVED and obj.origin == me:  # news: listed last
            lead = rep.person(rev.lead)
            said = f": {rev.note}" if rev.note else ""  # the lead's optional note, kept with the approval
            news.append(InboxItem("approved", obj.id, obj.id, f"{obj.title}: approved by {lead}{said}", lead))
    unread = [c for c in conv.comments if c.origin != me and c.id not in conv.seen]
    places = _places(rep, {c.target_id for c in unread} | {d.to_id for d in deps})
    by_id = {c.id: c for c in conv.comments}
    for c in unread:
        place = places.get(c.target_id)
        parent = by_id.get(c.parent_id or "")
        to_me = parent is not None and parent.origin == me
        awaiting = place is not None and (rev := conv.reviews.get(place[1])) is not None and \
            rev.state == "in_review" and rev.lead == me  # said about a proposal I am to approve
        if (place is not None and place[0] == me) or to_me or awaiting:
            items.append(InboxItem("reply" if to_me else "comment", c.id, place[1] if place else None,
                                   f"on {place[2] if place else c.target_id}: {c.body}", rep.person(c.origin)))
    for dep in deps:
        place = places.get(dep.to_id)
        answerer = place[0] if place is not None else None
        origin = dep.origin
        if answerer != me or origin == me:
            continue
        if agreement(dep, answerer, conv).state == PROPOSED:
            items.append(InboxItem("dependency", dep.id, place[1] if place else None,
                                   f"onto {place[2] if place else dep.to_id}: {dep.note}", rep.person(origin)))
    for kr in views.due(rep, me):
        last = kr.last_check_in.isoformat() if kr.last_check_in else "never"
        items.append(InboxItem("due", kr.id, kr.objective_id, f"{kr.title} (last check-in {last})"))
    return items + news


def kr_of(rep: PeriodReport, kr_id: str) -> KRView | None:
    return next((kr for kr in rep.key_results() if kr.id == kr_id), None)


def objective_of(rep: PeriodReport, objective_id: str) -> ObjectiveView | None:
    return next((o for o in rep.objectives if o.id == objective_id), None)


# --- the team file's origin checks ---------------------------------------------------------------

def refusal(kind: str, record: Mapping[str, Any], lookup: Callable[[str, str], Mapping[str, Any] | None]) -> str | None:
    """Why a teammate's decision may not be taken in (its maker is not the one who decides), or None.

    An approval must come from the objective's team's lead; an answer to a dependency from
    whoever answers for the KR or objective it points at. A comment is its writer's own record."""
    if kind == "reflection" and record.get("person_id") not in (None, record["origin"]):
        return f"{record['origin']} may not answer reflections for {record.get('person_id')}"
    if kind != "decision":
        return None
    origin, subject = record["origin"], record["subject_id"]
    if record["subject_type"] == "objective":
        obj = lookup("objective", subject)
        if obj is None:
            return f"its objective {subject!r} is missing"
        team = lookup("team", obj.get("team_id") or "")
        lead = (team.get("lead_id") or team["origin"]) if team is not None else None
        if origin != lead:
            return f"{origin} may not approve {subject}: only its team's lead ({lead or 'none'}) may"
        return None
    dep = lookup("dependency", subject)
    if dep is None:
        return f"its dependency {subject!r} is missing"
    end = lookup("key_result", dep["to_id"]) or lookup("objective", dep["to_id"])
    answerer = who_answers(end.get("owner_id"), end["origin"]) if end is not None else None
    if origin != answerer:
        return f"{origin} may not answer {subject}: only {answerer or 'the owner of ' + dep['to_id']} may"
    return None


def private_talk(records: Mapping[tuple[str, str], Mapping[str, Any]], hidden: set[str]) -> set[tuple[str, str]]:
    """The comments and decisions about records that never leave the database (private ones)."""
    out: set[tuple[str, str]] = set()
    for key, record in records.items():
        if key[0] == "comment" and record["target_id"] in hidden:
            out.add(key)
        elif key[0] == "decision" and record["subject_id"] in hidden:
            out.add(key)
    replies = True
    while replies:  # a reply to a comment that stays home stays home too
        gone = {i for k, i in out if k == "comment"}
        extra = {key for key, r in records.items() if key[0] == "comment" and key not in out
                 and r.get("parent_id") in gone}
        out |= extra
        replies = bool(extra)
    return out


def open_matters(rep: PeriodReport) -> tuple[list[tuple[ObjectiveView, Review]], list[tuple[DependencyView, Agreement]]]:
    """What the weekly status names: objectives awaiting approval, dependencies not agreed (yet)."""
    conv = rep.conversation or Conversation()
    waiting = [(o, conv.reviews[o.id]) for o in rep.objectives
               if o.id in conv.reviews and conv.reviews[o.id].state == "in_review"]
    listed = {o.id for o in rep.objectives} | {kr.id for kr in rep.key_results()}
    open_deps = []
    for dep in conv.dependencies:
        if dep.from_id in listed and dep.to_id in listed:
            agreed = agreement(dep, end_answerer(rep, dep.to_id), conv)
            if agreed.state != AGREED:
                open_deps.append((dep, agreed))
    return waiting, open_deps
