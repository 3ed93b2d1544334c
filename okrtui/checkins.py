"""Recording, correcting and deleting check-ins: the one write path for CLI and TUI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from okrtui import schema, scoring
from okrtui.errors import OkrError
from okrtui.model import CheckIn, KeyResult, Objective, Period, Person, now_stamp
from okrtui.store import check_ins_of_kr_in, find_key_result, identity, touch, writing
from okrtui.text import plain
from okrtui.views import fmt_grade, fmt_num


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

    def summary(self) -> str:
        verb = "replaced today's check-in of" if self.replaced else "checked in"
        return (f"{verb} {self.kr_id} ({plain(self.title)}): {fmt_num(self.value)} → progress "
                f"{self.progress:.2f}, grade {fmt_grade(self.grade)} {self.band or ''}").rstrip()


def check_values(value: float, confidence: float | None, note: str) -> schema.CheckInInput:
    return schema.check(schema.CheckInInput, {"value": value, "confidence": confidence, "note": note})


def writable_kr(session: Session, kr: KeyResult) -> tuple[Objective, Period]:
    """The KR's objective and period, if the local user may record check-ins on it.

    The KR's maker may, and so may its owner when someone else made it (a lead drafts the
    team's KRs, each owner checks in): the check-ins are then the owner's own records."""
    me = identity(session).id
    if kr.origin and me not in (kr.origin, kr.owner_id):
        maker = session.get(Person, kr.origin)
        who = f"{maker.name} ({maker.id})" if maker and maker.name else kr.origin
        raise OkrError(f"{kr.id} was made by {plain(who)} and is owned by "
                       f"{plain(kr.owner_id or 'nobody')}; only they can check in on it")
    objective = session.get(Objective, kr.objective_id)
    if objective is None or objective.deleted:
        raise OkrError(f"{kr.id} has no live objective")
    if objective.status in ("closed", "archived"):
        raise OkrError(f"{kr.id} belongs to a {objective.status} objective; reopen it to check in")
    period = session.get(Period, objective.period_id)
    if period is None:
        raise OkrError(f"{kr.id}'s period {objective.period_id} is missing")
    return objective, period


def _in_period(period: Period | None, day: dt.date, kr_id: str) -> None:
    if period is not None and not (period.start <= day <= period.end):
        raise OkrError(f"date {day} is outside {kr_id}'s period {period.id} ({period.start} .. {period.end})")


def _saved(session: Session, kr: KeyResult, period: Period, row: CheckIn, replaced: bool = False) -> Saved:
    # Rows come oldest first (date, then creation): the order progress needs.
    points = [scoring.Point(c.date, c.value) for c in check_ins_of_kr_in(session, kr.id, period.start, period.end)]
    spec = scoring.Spec(kr.kind, kr.start, kr.target, kr.low, kr.high)
    prog = scoring.progress(spec, points)
    g = scoring.grade(scoring.kr_score(kr.self_score, prog))
    why = schema.implausible(spec, row.value)
    return Saved(row.id, kr.id, kr.title, row.value, prog, g, scoring.band(g), why, replaced)


def record(engine: Engine, ref: str, value: float, *, confidence: float | None = None, note: str = "",
           day: dt.date, replace_same_day: bool = False) -> Saved:
    """A new check-in; with replace_same_day, the user's own check-in of that day is corrected instead."""
    checked = check_values(value, confidence, note)
    with writing(engine) as session:
        kr = find_key_result(session, ref)
        _, period = writable_kr(session, kr)
        _in_period(period, day, kr.id)
        me = identity(session).id
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


def delete(engine: Engine, check_in_id: str) -> None:
    """A tombstone, so the deletion reaches teammates through the team file."""
    with writing(engine) as session:
        row = _own(session, check_in_id)
        kr = session.get(KeyResult, row.kr_id)
        if kr is not None:
            writable_kr(session, kr)
        row.deleted = True
        row.updated_at = now_stamp()
        session.add(row)


def _own(session: Session, check_in_id: str) -> CheckIn:
    """A live check-in the local user made: only its maker changes a record."""
    row = session.get(CheckIn, check_in_id)
    if row is None or row.deleted:
        raise OkrError(f"no check-in {check_in_id!r}")
    me = identity(session).id
    if row.origin and row.origin != me:
        raise OkrError(f"check-in {check_in_id} was recorded by {plain(row.origin)}; only they can change it")
    return row
