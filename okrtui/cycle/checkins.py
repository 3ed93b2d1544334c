"""Recording, correcting and deleting check-ins: the one write path for CLI and TUI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import Date, bindparam, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from okrtui.core.errors import OkrError
from okrtui.core.text import plain
from okrtui.cycle import ormread
from okrtui.rules import checkinrules
from okrtui.rules.checkinrules import Saved as Saved
from okrtui.storage import reads
from okrtui.storage.model import CheckIn, KeyResult, Objective, Period, Person, new_id, now_stamp
from okrtui.storage.store import (
    find_key_result,
    identity,
    my_id,
    reading,
    starts_with,
    touch,
    writing,
)

check_values = checkinrules.check_values


def writable_kr(session: Session, kr: KeyResult) -> tuple[Objective, Period]:
    """The KR's objective and period, if the local user may record check-ins on it
    (checkinrules.check_writer: the one who answers for it)."""
    checkinrules.check_writer(kr, identity(session).id, lambda pid: name_of(session, pid))
    objective = session.get(Objective, kr.objective_id)
    if objective is None or objective.deleted:
        raise checkinrules.no_live_objective(kr.id)
    checkinrules.check_status(kr.id, objective.status)
    period = session.get(Period, objective.period_id)
    if period is None:
        raise checkinrules.period_missing(kr.id, objective.period_id)
    return objective, period


def name_of(session: Session, pid: str) -> str:
    """A person as messages name them: by name, the id only when no name is known."""
    person = session.get(Person, pid)
    return person.name if person is not None and person.name else pid


def _in_period(period: Period | None, day: dt.date, kr_id: str) -> None:
    if period is not None:
        checkinrules.check_in_period(period.id, period.start, period.end, day, kr_id)


def check_ins_of_kr_in(session: Session, kr: KeyResult, start: dt.date, end: dt.date
                       ) -> list[tuple[str, dt.date, float, float | None, str]]:
    """CHECK_IN_COLUMNS minus kr_id, for one KR from `start` to `end`, oldest first: those that count
    (written by who answered for it on their day: okrtui.method.owners), read by okrtui.storage.reads."""
    return [(c.view.id, c.view.date, c.view.value, c.view.confidence, c.view.note)
            for c in reads.kr_check_ins_between(ormread.runner(session), kr.id, start, end) if c.counts]


def _saved(session: Session, kr: KeyResult, period: Period, row: CheckIn, replaced: bool = False,
           action: str = "", before: checkinrules.Values | None = None) -> Saved:
    return checkinrules.outcome(kr, row, check_ins_of_kr_in(session, kr, period.start, row.date), replaced, action, before)


def _last_confidence(session: Session, kr: KeyResult, period: Period, day: dt.date) -> float | None:
    return checkinrules.last_confidence(check_ins_of_kr_in(session, kr, period.start, day))


def record(engine: Engine, ref: str, value: float, *, confidence: float | None = None, note: str = "",
           day: dt.date, carry_confidence: bool = False, today: dt.date | None = None) -> Saved:
    """A new check-in, or the user's own check-in of that day corrected (one per KR, author and day).
    With carry_confidence, no confidence means the last one's (the TUI's form starts from it).
    With `today`, a day after it is refused (checkinrules.check_not_future)."""
    checked = check_values(value, confidence, note)
    checkinrules.check_not_future(day, today)
    with writing(engine) as session:
        kr = find_key_result(session, ref)
        _, period = writable_kr(session, kr)
        _in_period(period, day, kr.id)
        me = identity(session).id
        checkinrules.check_day(kr, me, day, lambda pid: name_of(session, pid))
        if carry_confidence and checked.confidence is None:
            checked = check_values(value, _last_confidence(session, kr, period, day), checked.note)
        # One check-in per KR, author and day (a unique index, migration 6): a same-day one is replaced.
        row = _same_day(session, kr.id, day, me)
        replaced = row is not None
        before = None
        if row is not None:
            before = checkinrules.changed((row.value, row.confidence, row.note),
                                          (checked.value, checked.confidence, checked.note))
            touch(row, value=checked.value, confidence=checked.confidence, note=checked.note)
            session.add(row)
        else:  # a concurrent save of the same day may land first: the upsert replaces it
            made = new_id()
            stamp = now_stamp()  # one stamp for both, as okrtui.storage.sqlite.quickwrite writes it
            kept = session.execute(text(reads.SAME_DAY_UPSERT).bindparams(bindparam("day", type_=Date)), {
                "id": made, "me": me, "stamp": stamp, "kr_id": kr.id, "day": day, "value": checked.value,
                "confidence": checked.confidence, "note": checked.note}).scalar_one()
            row = session.get(CheckIn, kept)
            if row is None:
                raise OkrError(f"the check-in on {kr.id} was written but cannot be read back")
            replaced = kept != made
        session.flush()
        return _saved(session, kr, period, row, replaced=replaced, before=before)


def _same_day(session: Session, kr_id: str, day: dt.date, me: str) -> CheckIn | None:
    return session.exec(
        select(CheckIn).where(CheckIn.kr_id == kr_id, CheckIn.date == day, CheckIn.origin == me,
                              col(CheckIn.deleted).is_(False))
        .order_by(col(CheckIn.created_at).desc()).limit(1)
    ).first()


def update(engine: Engine, check_in_id: str, value: float, *, confidence: float | None, note: str,
           day: dt.date, today: dt.date | None = None) -> Saved:
    checked = check_values(value, confidence, note)
    checkinrules.check_not_future(day, today)
    with writing(engine) as session:
        row = _own(session, check_in_id)
        kr = session.get(KeyResult, row.kr_id)
        if kr is None:
            raise OkrError(f"check-in {check_in_id}'s key result is missing")
        _, period = writable_kr(session, kr)
        _in_period(period, day, kr.id)
        checkinrules.check_day(kr, row.origin, day, lambda pid: name_of(session, pid))
        other = _same_day(session, kr.id, day, row.origin) if day != row.date else None
        if other is not None and other.id != row.id:
            raise OkrError(f"you already have a check-in on {kr.id} for {day.isoformat()} ({other.id}): "
                           "correct that one, or delete it first (one check-in per KR and day)")
        touch(row, value=checked.value, confidence=checked.confidence, note=checked.note, date=day)
        session.add(row)
        session.flush()
        return _saved(session, kr, period, row)


def fix(engine: Engine, check_in_id: str, value: float, *, confidence: float | None = None,
        note: str | None = None, day: dt.date | None = None, today: dt.date | None = None) -> Saved:
    """Correct one of the user's own check-ins (`okrtui checkin --fix`): what is not given is kept."""
    with writing(engine) as session:
        row = _own(session, check_in_id)
        kept = (row.confidence if confidence is None else confidence, row.note if note is None else note,
                day or row.date)
    saved = update(engine, check_in_id, value, confidence=kept[0], note=kept[1], day=kept[2], today=today)
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
        start, end = (period.start, period.end) if period is not None else (dt.date.min, dt.date.max)
        rows = reads.kr_check_ins_between(ormread.runner(session), kr.id, start, end)  # those that count or not
        names = {p.id: p.name or p.id for p in session.exec(select(Person)).all()}
        return kr, [Past(c.view.id, c.view.date, c.view.value, c.view.confidence, c.view.note,
                         "" if c.writer in ("", me) else names.get(c.writer, c.writer)) for c in rows]


def _by_prefix(session: Session, prefix: str) -> CheckIn | None:
    """The live check-in whose id starts with `prefix` (4+ characters), as KRs are named."""
    rows = session.exec(select(CheckIn).where(starts_with(col(CheckIn.id), prefix),
                                              col(CheckIn.deleted).is_(False)).order_by(col(CheckIn.id)).limit(6)).all()
    if len(rows) > 1:
        shown = ", ".join(f"{r.id} ({r.date})" for r in rows[:5])
        raise OkrError(f"{prefix!r} is ambiguous: {shown}{' …' if len(rows) > 5 else ''}")
    return rows[0] if rows else None
