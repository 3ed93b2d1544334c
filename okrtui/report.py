"""Filling the period views from the database: the one place rows turn into scores."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlmodel import Session, col, select

from okrtui import cycle, periods, views
from okrtui.errors import OkrError
from okrtui.model import Period, Person, Team
from okrtui.store import check_ins_in, key_results_in, objectives_in
from okrtui.views import CheckInView, PeriodReport


def resolve_period(session: Session, label: str | None, today: dt.date, fy_month: int = 1) -> periods.Span:
    """A quarter label, a custom period stored in the database, or the quarter holding today."""
    if label is None:
        return periods.quarter_of(today, fy_month)
    if periods.is_quarter_label(label):
        return periods.quarter(label, fy_month)
    row = session.get(Period, label)
    if row is None or row.deleted:
        raise OkrError(f"unknown period {label!r} (expected a label like 2026-Q4 or a custom period's id)")
    return periods.Span(row.start, row.end, row.id)


def ensure_period(session: Session, span: periods.Span, origin: str) -> Period:
    row = session.get(Period, span.label)
    if row is None:
        row = Period(id=span.label, start=span.start, end=span.end, origin=origin)
        session.add(row)
        # Flushed now: without relationships the unit of work does not order
        # this insert before the objectives that reference it.
        session.flush()
    return row


def build(
    session: Session,
    span: periods.Span,
    as_of: dt.date,
    me: str,
    team: bool = False,
    stale_after: int = 7,
) -> PeriodReport:
    """Every objective of the period (own ones only unless team) with its numbers."""
    origin = None if team else me
    # Only what was known on as_of counts (okr-method.md): later check-ins are not read at all.
    last_day = min(span.end, as_of)
    people = {pid: name or pid for pid, name in session.execute(select(Person.id, Person.name)).all()}
    teams = {t.id: views.TeamView(*(getattr(t, c) for c in views.TEAM_COLUMNS))
             for t in session.exec(select(Team).where(col(Team.deleted).is_(False))).all()}
    rep = views.assemble(span, as_of, objectives_in(session, span.label, origin),
                         key_results_in(session, span.label, origin),
                         views.by_kr(check_ins_in(session, span.label, span.start, last_day, origin)), people, teams,
                         stale_after)
    return cycle.apply(rep, conversation(session, me), stale_after)


def conversation(session: Session, me: str) -> cycle.Conversation:
    """Teams' approval rules, comments, decisions and what `me` has seen (okrtui.cycle)."""
    conn = session.connection()
    return cycle.load(lambda sql, params: conn.execute(text(sql), dict(params)).all(), me)


def kr_check_ins(session: Session, kr_id: str, span: periods.Span) -> list[CheckInView]:
    """One KR's live check-ins in the period, oldest first: what a save changes."""
    from okrtui.store import check_ins_of_kr_in

    return [CheckInView(c.id, date=c.date, value=c.value, confidence=c.confidence, note=c.note)
            for c in check_ins_of_kr_in(session, kr_id, span.start, span.end)]
