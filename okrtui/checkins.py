"""Recording, correcting and deleting check-ins: the one write path for CLI and TUI."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from okrtui import scoring
from okrtui.errors import OkrError
from okrtui.model import CheckIn, KeyResult, Objective, Period, Person
from okrtui.store import check_ins_of_kr_in, find_key_result, identity, now_stamp, writing
from okrtui.text import plain

MAX_NOTE = 10_000


@dataclass(frozen=True)
class Saved:
    check_in_id: str
    kr_id: str
    title: str
    value: float
    progress: float
    grade: float | None
    band: str | None

    def summary(self) -> str:
        from okrtui.views import fmt_grade, fmt_num

        return (f"checked in {self.kr_id} ({plain(self.title)}): {fmt_num(self.value)} → progress "
                f"{self.progress:.2f}, grade {fmt_grade(self.grade)} {self.band or ''}").rstrip()


def check_values(value: float, confidence: float | None, note: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise OkrError(f"value: expected a finite number, got {value!r}")
    if confidence is not None and not (0 <= confidence <= 1):
        raise OkrError(f"confidence: expected 0.0 to 1.0, got {confidence:g}")
    if len(note) > MAX_NOTE:
        raise OkrError(f"note: at most {MAX_NOTE} characters")


def writable_kr(session: Session, kr: KeyResult) -> tuple[Objective, Period]:
    """The KR's objective and period, if the local user may record on it."""
    me = identity(session).id
    if kr.origin and kr.origin != me:
        owner = session.get(Person, kr.origin)
        who = f"{owner.name} ({owner.id})" if owner and owner.name else kr.origin
        raise OkrError(f"{kr.id} belongs to {plain(who)}; only they can change it")
    objective = session.get(Objective, kr.objective_id)
    if objective is None or objective.deleted:
        raise OkrError(f"{kr.id} has no live objective")
    if objective.status in ("closed", "archived"):
        raise OkrError(f"{kr.id} belongs to a {objective.status} objective; reopen it to check in")
    period = session.get(Period, objective.period_id)
    return objective, period


def _in_period(period: Period | None, day: dt.date, kr_id: str) -> None:
    if period is not None and not (period.start <= day <= period.end):
        raise OkrError(f"date {day} is outside {kr_id}'s period {period.id} ({period.start} .. {period.end})")


def _saved(session: Session, kr: KeyResult, period: Period, row: CheckIn) -> Saved:
    # Rows come oldest first (date, then creation): the order progress needs.
    points = [scoring.Point(day, value) for _, day, value, *_ in check_ins_of_kr_in(session, kr.id, period.start, period.end)]
    spec = scoring.Spec(kr.kind, kr.start, kr.target, kr.low, kr.high)
    prog = scoring.progress(spec, points)
    g = scoring.grade(scoring.kr_score(kr.self_score, prog))
    return Saved(row.id, kr.id, kr.title, row.value, prog, g, scoring.band(g))


def record(engine: Engine, ref: str, value: float, *, confidence: float | None = None, note: str = "",
           day: dt.date) -> Saved:
    check_values(value, confidence, note)
    with writing(engine) as session:
        kr = find_key_result(session, ref)
        _, period = writable_kr(session, kr)
        _in_period(period, day, kr.id)
        me = identity(session).id
        row = CheckIn(kr_id=kr.id, date=day, value=float(value), confidence=confidence, note=note,
                      author_id=me, origin=me)
        session.add(row)
        session.flush()
        return _saved(session, kr, period, row)


def update(engine: Engine, check_in_id: str, value: float, *, confidence: float | None, note: str,
           day: dt.date) -> Saved:
    check_values(value, confidence, note)
    with writing(engine) as session:
        row = _live(session, check_in_id)
        kr = session.get(KeyResult, row.kr_id)
        _, period = writable_kr(session, kr)
        _in_period(period, day, kr.id)
        if (row.value, row.confidence, row.note, row.date) != (value, confidence, note, day):
            row.value, row.confidence, row.note, row.date = float(value), confidence, note, day
            row.updated_at = now_stamp()
        session.add(row)
        session.flush()
        return _saved(session, kr, period, row)


def delete(engine: Engine, check_in_id: str) -> None:
    """A tombstone, so the deletion reaches teammates through the team file."""
    with writing(engine) as session:
        row = _live(session, check_in_id)
        writable_kr(session, session.get(KeyResult, row.kr_id))
        row.deleted = True
        row.updated_at = now_stamp()
        session.add(row)


def _live(session: Session, check_in_id: str) -> CheckIn:
    row = session.get(CheckIn, check_in_id)
    if row is None or row.deleted:
        raise OkrError(f"no check-in {check_in_id!r}")
    return row
