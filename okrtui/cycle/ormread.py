"""Filling the period views through SQLAlchemy: okrtui.storage.reads' queries on a session's connection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Date, bindparam, text
from sqlalchemy.engine import Result
from sqlmodel import Session

from okrtui.core.errors import OkrError
from okrtui.method import cycle, lint, periods
from okrtui.method.views import CheckInView, DependencyView, PeriodReport
from okrtui.storage import reads
from okrtui.storage.model import Period
from okrtui.storage.store import identity


def runner(session: Session) -> reads.Run:
    """okrtui.storage.reads' SQL through text() on the session's connection (SQLite or PostgreSQL): dates
    are bound as dates, so each dialect gets its own form of them."""
    conn = session.connection()

    def run(sql: str, params: dict[str, Any]) -> tuple[Sequence[str], Result[Any]]:
        query = text(sql).bindparams(*[bindparam(k, type_=Date) for k, v in params.items() if isinstance(v, dt.date)])
        result = conn.execute(query, params)
        return list(result.keys()), result

    return run


def resolve_period(session: Session, label: str | None, today: dt.date, fy_month: int = 1) -> periods.Span:
    """A quarter label, a custom period stored in the database, or the quarter holding today."""
    span = reads.span(runner(session), label, today, fy_month)
    if span is None:
        raise OkrError(f"unknown period {label!r} (expected a label like 2026-Q4 or a custom period's id)")
    return span


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
    return reads.period(runner(session), span, as_of, me, team=team, stale_after=stale_after)


def whole(session: Session, span: periods.Span, as_of: dt.date, me: str, stale_after: int = 7, *,
          team: bool = True) -> reads.Read:
    """What the TUI shows (the team's period), the dependencies and my reflections (as quickread reads them)."""
    return reads.whole(runner(session), span, as_of, me, team=team, stale_after=stale_after)


def kr_check_ins(session: Session, kr_id: str, span: periods.Span, as_of: dt.date) -> list[CheckInView]:
    """One KR's live check-ins in the period up to as_of, oldest first: what a save changes."""
    return reads.kr_check_ins(runner(session), kr_id, span, as_of)


def conversation(session: Session, me: str) -> cycle.Conversation:
    """Teams' approval rules, comments, decisions and what `me` has seen (okrtui.method.cycle)."""
    return reads.conversation(runner(session), me)


def reflections(session: Session, person_id: str, period_id: str) -> dict[str, str]:
    """A person's answers to the quarter-end questions of one period, by question."""
    return reads.reflections(runner(session), person_id, period_id)


def activation_blockers(session: Session, objective_id: str, span: periods.Span) -> list[str]:
    """Error-level findings of the quality rules that forbid moving an objective to active."""
    # Only the user's own objectives can be activated (checked by the caller): no need for the team's.
    rep = build(session, span, span.start, identity(session).id, team=False)
    rep.objectives = [o for o in rep.objectives if o.id == objective_id]
    for o in rep.objectives:
        o.status = "active"  # judged as it would be once active
    return [f"{f.rule}: {f.message}" for f in lint.check(rep) if f.level == "error"]


def dependencies(session: Session) -> list[DependencyView]:
    """Every live dependency, oldest first."""
    return reads.dependencies(runner(session))
