"""Recording, correcting and deleting check-ins: the one write path for CLI and TUI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from okrtui import schema, scoring
from okrtui.errors import OkrError
from okrtui.model import CheckIn, KeyResult, Objective, Period, Person, now_stamp
from okrtui.store import check_ins_of_kr_in, find_key_result, identity, my_id, reading, touch, writing
from okrtui.text import plain
from okrtui.views import answers, fmt_grade, fmt_num


@dataclass(frozen=True)
class Saved:
    check_in_id: str
    kr_id: str
    title: str
    value: float
    progress: float
    grade: float | None
    band: str | None
    implausible: str | None = None  # why the value looks like a typo (it was stored all the same)
    replaced: bool = False          # it replaced the same day's check-in
    date: dt.date | None = None
    confidence: float | None = None
    action: str = ""                # "fixed" or "deleted" (--fix / --delete); "" for a new one

    def summary(self) -> str:
        on = f" {self.date}" if self.date else ""
        verb = f"replaced the{on} check-in of" if self.replaced else "checked in"
        if self.action == "fixed":
            verb = f"corrected check-in {self.check_in_id} ({self.date}) of"
        if self.action == "deleted":
            return (f"deleted check-in {self.check_in_id} ({self.date}, {fmt_num(self.value)}) of {self.kr_id} "
                    f"({plain(self.title)}): progress now {self.progress:.2f}, grade {fmt_grade(self.grade)} "
                    f"{self.band or ''}").rstrip()
        conf = "" if self.confidence is None else f", confidence {self.confidence:g}"
        return (f"{verb} {self.kr_id} ({plain(self.title)}): {fmt_num(self.value)}{conf} → progress "
                f"{self.progress:.2f}, grade {fmt_grade(self.grade)} {self.band or ''}").rstrip()


def check_values(value: float, confidence: float | None, note: str) -> schema.CheckInInput:
    return schema.check(schema.CheckInInput, {"value": value, "confidence": confidence, "note": note})


def writable_kr(session: Session, kr: KeyResult) -> tuple[Objective, Period]:
    """The KR's objective and period, if the local user may record check-ins on it.

    The one who answers for it (views.answers): its named owner, even when someone else made
    it (a lead drafts the team's KRs, each owner checks in), else its maker."""
    me = identity(session).id
    if kr.origin and not answers(kr.owner_id, kr.origin, me):
        who = name_of(session, kr.owner_id or kr.origin)
        role = "its owner" if kr.owner_id else "who made it, no owner named"
        raise OkrError(f"{kr.id} ({plain(kr.title[:60])}): {plain(who)} answers for it ({role}); "
                       "only they can check in on it")
    objective = session.get(Objective, kr.objective_id)
    if objective is None or objective.deleted:
        raise OkrError(f"{kr.id} has no live objective")
    if objective.status in ("closed", "archived"):
        raise OkrError(f"{kr.id} belongs to a {objective.status} objective; reopen it to check in")
    period = session.get(Period, objective.period_id)
    if period is None:
        raise OkrError(f"{kr.id}'s period {objective.period_id} is missing")
    return objective, period


def name_of(session: Session, pid: str) -> str:
    """A person as messages name them: by name, the id only when no name is known."""
    person = session.get(Person, pid)
    return person.name if person is not None and person.name else pid


def _in_period(period: Period | None, day: dt.date, kr_id: str) -> None:
    if period is not None and not (period.start <= day <= period.end):
        raise OkrError(f"date {day} is outside {kr_id}'s period {period.id} ({period.start} .. {period.end})")


def _saved(session: Session, kr: KeyResult, period: Period, row: CheckIn, replaced: bool = False,
           action: str = "") -> Saved:
    """The KR as this check-in left it: only check-ins up to it count, so a back-dated one shows
    its own progress, not a later one's (a deleted one: the KR as of its date without it)."""
    # Rows come oldest first (date, then creation): the order progress needs.
    points = []
    for c in check_ins_of_kr_in(session, kr.id, period.start, row.date):
        if c.id == row.id and row.deleted:
            continue
        points.append(scoring.Point(c.date, c.value))
        if c.id == row.id:
            break
    spec = scoring.Spec(kr.kind, kr.start, kr.target, kr.low, kr.high)
    prog = scoring.progress(spec, points)
    g = scoring.grade(scoring.kr_score(kr.self_score, prog))
    why = None if row.deleted else schema.implausible(spec, row.value)
    return Saved(row.id, kr.id, kr.title, row.value, prog, g, scoring.band(g), why, replaced, row.date,
                 row.confidence, action)


def _last_confidence(session: Session, kr_id: str, period: Period, day: dt.date) -> float | None:
    """The confidence of the KR's latest check-in on or before `day`: what the TUI's form offers."""
    rows = check_ins_of_kr_in(session, kr_id, period.start, day)
    return rows[-1].confidence if rows else None


def record(engine: Engine, ref: str, value: float, *, confidence: float | None = None, note: str = "",
           day: dt.date, replace_same_day: bool = False, carry_confidence: bool = False) -> Saved:
    """A new check-in; with replace_same_day, the user's own check-in of that day is corrected instead.
    With carry_confidence, no confidence means the last one's (the TUI's form starts from it)."""
    checked = check_values(value, confidence, note)
    with writing(engine) as session:
        kr = find_key_result(session, ref)
        _, period = writable_kr(session, kr)
        _in_period(period, day, kr.id)
        me = identity(session).id
        if carry_confidence and checked.confidence is None:
            checked = check_values(value, _last_confidence(session, kr.id, period, day), checked.note)
        row = _same_day(session, kr.id, day, me) if replace_same_day else None
        replaced = row is not None
        if row is not None:
            touch(row, value=checked.value, confidence=checked.confidence, note=checked.note)
        else:
            row = CheckIn(kr_id=kr.id, date=day, value=checked.value, confidence=checked.confidence,
                          note=checked.note, author_id=me, origin=me)
        session.add(row)
        session.flush()
        return _saved(session, kr, period, row, replaced=replaced)


def _same_day(session: Session, kr_id: str, day: dt.date, me: str) -> CheckIn | None:
    return session.exec(
        select(CheckIn).where(CheckIn.kr_id == kr_id, CheckIn.date == day, CheckIn.origin == me,
                              col(CheckIn.deleted).is_(False))
        .order_by(col(CheckIn.created_at).desc()).limit(1)
    ).first()


def update(engine: Engine, check_in_id: str, value: float, *, confidence: float | None, note: str,
           day: dt.date) -> Saved:
    checked = check_values(value, confidence, note)
    with writing(engine) as session:
        row = _own(session, check_in_id)
        kr = session.get(KeyResult, row.kr_id)
        if kr is None:
            raise OkrError(f"check-in {check_in_id}'s key result is missing")
        _, period = writable_kr(session, kr)
        _in_period(period, day, kr.id)
        touch(row, value=checked.value, confidence=checked.confidence, note=checked.note, date=day)
        session.add(row)
        session.flush()
        return _saved(session, kr, period, row)


def fix(engine: Engine, check_in_id: str, value: float, *, confidence: float | None = None,
        note: str | None = None, day: dt.date | None = None) -> Saved:
    """Correct one of the user's own check-ins (`okrtui checkin --fix`): what is not given is kept."""
    with writing(engine) as session:
        row = _own(session, check_in_id)
        kept = (row.confidence if confidence is None else confidence, row.note if note is None else note,
                day or row.date)
    saved = update(engine, check_in_id, value, confidence=kept[0], note=kept[1], day=kept[2])
    return replace(saved, action="fixed")


def delete(engine: Engine, check_in_id: str) -> Saved | None:
    """A tombstone, so the deletion reaches teammates through the team file. Returns the KR as of
    the deleted check-in's day without it (None if its KR is gone)."""
    with writing(engine) as session:
        row = _own(session, check_in_id)
        kr = session.get(KeyResult, row.kr_id)
        period = writable_kr(session, kr)[1] if kr is not None else None
        row.deleted = True
        row.updated_at = now_stamp()
        session.add(row)
        session.flush()
        return _saved(session, kr, period, row, action="deleted") if kr is not None and period else None


def _own(session: Session, check_in_id: str) -> CheckIn:
    """A live check-in the local user made: only its maker changes a record."""
    row = session.get(CheckIn, check_in_id)
    if (row is None or row.deleted) and len(check_in_id) >= 4:
        row = _by_prefix(session, check_in_id)
    if row is None or row.deleted:
        raise OkrError(f"no check-in {check_in_id!r}")
    me = identity(session).id
    if row.origin and row.origin != me:
        raise OkrError(f"check-in {check_in_id} was recorded by {plain(name_of(session, row.origin))}; "
                       "only they can change it")
    return row


@dataclass(frozen=True)
class Past:
    """One line of `okrtui history`: a live check-in, oldest first; `by` names another author."""
    id: str
    date: dt.date
    value: float
    confidence: float | None
    note: str
    by: str


def history(engine: Engine, ref: str) -> tuple[KeyResult, list[Past]]:
    """A KR (by id or prefix) and its live check-ins in its period, with their ids to --fix or --delete."""

    with reading(engine) as session:
        kr = find_key_result(session, ref)
        objective = session.get(Objective, kr.objective_id)
        period = session.get(Period, objective.period_id) if objective else None
        me = my_id(session)
        query = select(CheckIn).where(CheckIn.kr_id == kr.id, col(CheckIn.deleted).is_(False))
        if period is not None:
            query = query.where(CheckIn.date >= period.start, CheckIn.date <= period.end)
        rows = session.exec(query.order_by(col(CheckIn.date), col(CheckIn.created_at), col(CheckIn.id))).all()
        names = {p.id: p.name or p.id for p in session.exec(select(Person)).all()}
        return kr, [Past(c.id, c.date, c.value, c.confidence, c.note,
                         "" if c.origin in ("", me) else names.get(c.origin, c.origin)) for c in rows]


def _by_prefix(session: Session, prefix: str) -> CheckIn | None:
    """The live check-in whose id starts with `prefix` (4+ characters), as KRs are named."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = session.exec(select(CheckIn).where(col(CheckIn.id).like(f"{escaped}%", escape="\\"),
                                              col(CheckIn.deleted).is_(False)).order_by(col(CheckIn.id)).limit(6)).all()
    if len(rows) > 1:
        shown = ", ".join(f"{r.id} ({r.date})" for r in rows[:5])
        raise OkrError(f"{prefix!r} is ambiguous: {shown}{' …' if len(rows) > 5 else ''}")
    return rows[0] if rows else None
