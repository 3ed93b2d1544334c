"""Filling the period views from the database: the one place rows turn into scores."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from okrtui import periods
from okrtui.errors import OkrError
from okrtui.model import Objective, Period, Person, Team
from okrtui.store import check_ins_in, key_results_in, objectives_in
from okrtui.views import (
    CheckInView, KRView, ObjectiveView, PeriodReport, compute_kr, compute_objective,
)


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
    objectives = [o for o in objectives_in(session, span.label) if team or o.origin == me]
    wanted = {o.id for o in objectives}
    views = {o.id: _objective_view(o) for o in objectives}
    krs: dict[str, KRView] = {}
    for kr in key_results_in(session, span.label):
        if kr.objective_id in wanted:
            view = KRView(
                kr.id, kr.objective_id, kr.title, kr.kind, kr.unit, kr.owner_id, kr.start, kr.target,
                kr.low, kr.high, kr.weight, kr.self_score, kr.score_comment, kr.origin, kr.position, [],
            )
            krs[kr.id] = view
            views[kr.objective_id].key_results.append(view)
    for c in check_ins_in(session, span.label):
        if c.kr_id in krs and span.contains(c.date):
            krs[c.kr_id].check_ins.append(
                CheckInView(c.id, c.date, c.value, c.confidence, c.note, c.created_at, c.origin)
            )
    for obj in views.values():
        for kr in obj.key_results:
            kr.check_ins.sort(key=lambda c: (c.date, c.order))
            compute_kr(kr, span, as_of, obj.status == "active", stale_after)
        compute_objective(obj)
    people = {p.id: p.name or p.id for p in session.exec(select(Person)).all()}
    teams = {t.id: t for t in session.exec(select(Team).where(Team.deleted == False)).all()}  # noqa: E712
    return PeriodReport(span, as_of, list(views.values()), people, teams)


def _objective_view(o: Objective) -> ObjectiveView:
    return ObjectiveView(
        o.id, o.title, o.description, o.level, o.team_id, o.owner_id, o.parent_id, o.status,
        o.visibility, o.origin, o.position,
    )


