"""Health metrics: adding, editing, archiving, measuring and listing them (CLI and TUI alike).

The status is okrtui.method.health's one rule; this module reads and writes the rows. Measurements follow
the check-in rules: only who answers for the metric measures it, one per metric, author and day
(a second one that day replaces it), dated inside the metric's life and never after today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from okrtui.core.errors import OkrError
from okrtui.core.text import plain
from okrtui.cycle.conversation import find_person, name_of
from okrtui.method import health, lint
from okrtui.method.domain import Kind, readable_id
from okrtui.method.health import Expectation, MetricView, Point
from okrtui.rules import fieldrules, metricrules
from okrtui.rules.metricrules import Measured as Measured
from okrtui.rules.metricrules import check_measurement as check_measurement
from okrtui.storage.model import KeyResult, Measurement, Metric, Objective, Team, new_id, now_stamp
from okrtui.storage.store import check_ins_of_kr, find_key_result, identity, my_id, reading, starts_with, touch, writing

PREFIX_MIN = metricrules.PREFIX_MIN
MAX_NAME = fieldrules.MAX_NAME


# --- checking what a person types (before anything is opened) -----------------------------------

def check_fields(values: dict[str, Any]) -> dict[str, Any]:
    """name, unit, description, cadence, low, high, visibility: each by its rule; Invalid names the field."""
    rules = {"name": fieldrules.string(MAX_NAME, nonempty=True), "unit": fieldrules.string(fieldrules.MAX_UNIT),
             "description": fieldrules.text}
    out: dict[str, Any] = {}
    for key, value in values.items():
        try:
            if key in rules:
                out[key] = rules[key](value)
            elif key in ("low", "high"):
                out[key] = None if value is None else fieldrules.number(value)
            elif key == "cadence":
                if value not in health.CADENCES:
                    raise fieldrules.Problem(f"expected one of {', '.join(health.CADENCES)}, got {plain(str(value))[:40]!r}")
                out[key] = value
            elif key == "visibility":
                if value not in ("shared", "private"):
                    raise fieldrules.Problem(f"expected shared or private, got {plain(str(value))[:40]!r}")
                out[key] = value
            else:
                out[key] = value
        except fieldrules.Problem as err:
            raise fieldrules.Invalid(key, err.message) from None
    low, high = out.get("low", values.get("low")), out.get("high", values.get("high"))
    if low is not None and high is not None and low > high:
        raise fieldrules.Invalid("between", f"the low end {low:g} is above the high end {high:g}")
    return out


def expectation(m: Metric) -> Expectation:
    return Expectation(m.low, m.high)


# --- finding a metric: by id or a unique prefix, as a KR ------------------------------------------

def find(session: Session, ref: str) -> Metric:
    """By id or a unique prefix (okrtui.storage.sqlite.quickwrite finds it alike through sqlite3)."""
    row = session.get(Metric, ref)
    if row is not None and (not row.deleted) and _sees(session, row):
        return row
    if row is not None and row.deleted:
        raise metricrules.deleted(ref)
    if len(ref) < PREFIX_MIN:
        raise metricrules.too_short(ref)
    rows = [r for r in session.exec(select(Metric).where(starts_with(col(Metric.id), ref),
                                                         col(Metric.deleted).is_(False)).order_by(col(Metric.id))
                                    .limit(metricrules.PREFIX_SHOWN + 1)).all() if _sees(session, r)]
    if not rows:
        raise metricrules.not_found(ref)
    if len(rows) > 1:
        raise metricrules.ambiguous(ref, [(r.id, r.name) for r in rows])
    return rows[0]


def _sees(session: Session, m: Metric) -> bool:
    return metricrules.sees(m.visibility, m.origin, my_id(session))


def _own(session: Session, ref: str) -> Metric:
    m = find(session, ref)
    me = identity(session).id
    if m.origin and m.origin != me:
        raise OkrError(f"metric {m.id} was made by {plain(name_of(session, m.origin))}; only they can change it")
    return m


def _check_name(session: Session, name: str, team_id: str | None, me: str, skip: str = "") -> None:
    """One name per team (per maker for metrics of no team), whatever the case."""
    query = select(Metric.id, Metric.name).where(col(Metric.deleted).is_(False), Metric.id != skip)
    query = query.where(Metric.team_id == team_id) if team_id else query.where(
        col(Metric.team_id).is_(None), Metric.origin == me)
    for mid, other in session.exec(query).all():
        if other.casefold() == name.casefold():
            where = f"team {team_id} already has" if team_id else "you already have"
            raise OkrError(f"{where} a metric named {plain(other)!r} ({mid}); names are unique in a team")


def _team(session: Session, team_id: str | None) -> str | None:
    if not team_id:
        return None
    team = session.get(Team, team_id)
    if team is None or team.deleted:
        raise OkrError(f"no team {team_id!r} (okrtui team list shows them)")
    return team.id


def add(engine: Engine, values: dict[str, Any], *, owner: str | None, team: str | None, today: dt.date,
        since: dt.date | None = None) -> Metric:
    checked = check_fields({"name": values.get("name", ""), "unit": values.get("unit", ""),
                            "description": values.get("description", ""),
                            "cadence": values.get("cadence", "weekly"), "low": values.get("low"),
                            "high": values.get("high"), "visibility": values.get("visibility", "shared")})
    start = since or today
    if start > today:
        raise OkrError(f"--since {start} is after today ({today})")
    with writing(engine) as session:
        me = identity(session).id
        team_id = _team(session, team)
        owner_id = find_person(session, owner).id if owner else None
        _check_name(session, checked["name"], team_id, me)
        ident = values.get("id") or readable_id("m", checked["name"], lambda i: session.get(Metric, i) is not None)
        stamp = now_stamp()
        row = Metric(id=ident, origin=me, created_at=stamp, updated_at=stamp, owner_id=owner_id, team_id=team_id,
                     since=start, **checked)
        session.add(row)
        session.flush()
        return row


def edit(engine: Engine, ref: str, values: dict[str, Any], *, owner: str | None = None,
         team: str | None = None) -> Metric:
    """Change what is given; the expectation as a whole when low or high is given."""
    checked = check_fields(values)
    with writing(engine) as session:
        row = _own(session, ref)
        me = identity(session).id
        if team is not None:
            checked["team_id"] = _team(session, team)
        if owner is not None:
            checked["owner_id"] = find_person(session, owner).id if owner else None
        if "name" in checked or "team_id" in checked:
            _check_name(session, checked.get("name", row.name), checked.get("team_id", row.team_id), me, row.id)
        touch(row, **checked)
        session.add(row)
        session.flush()
        return row


def archive(engine: Engine, ref: str, day: dt.date) -> Metric:
    with writing(engine) as session:
        row = _own(session, ref)
        if row.archived_on is not None:
            raise OkrError(f"metric {row.id} was archived on {row.archived_on}")
        touch(row, archived_on=max(day, row.since))
        session.add(row)
        session.flush()
        return row


# --- a KR that only keeps a level becomes a metric (the coach's health-metric-as-kr) --------------

@dataclass(frozen=True)
class Converted:
    metric_id: str
    name: str
    kr_id: str
    expectation: str
    carried: int  # check-ins that became measurements

    def summary(self) -> str:
        carried = f", {self.carried} check-in{'s' if self.carried != 1 else ''} carried over" if self.carried else ""
        expected = "tracked only" if self.expectation == "tracked" else f"healthy {self.expectation}"
        return (f"made health metric {self.metric_id} ({plain(self.name)}), {expected}, from key result "
                f"{self.kr_id}{carried}; the key result is deleted")


def from_key_result(engine: Engine, kr_id: str, today: dt.date) -> Converted:  # kr_id: or a unique prefix
    """Turn a KR into a health metric, in one transaction: the metric (the KR's name without its "keep",
    unit, owner, objective's team and visibility; the range as its expectation, else at least / at most
    the target), the check-ins of who answers for the KR as its measurements, and the KR and its
    check-ins deleted (tombstones, as a deletion). Only the KR's maker does it, as only they delete it."""
    with writing(engine) as session:
        me = identity(session).id
        kr = find_key_result(session, kr_id)
        if kr.origin and kr.origin != me:
            raise OkrError(f"key result {kr.id} was made by {plain(name_of(session, kr.origin))}; "
                           "only they can turn it into a health metric")
        objective = session.get(Objective, kr.objective_id)
        team_row = session.get(Team, objective.team_id) if objective is not None and objective.team_id else None
        team_id = team_row.id if team_row is not None and not team_row.deleted else None
        low, high = _band(kr)
        name = lint.metric_name(kr.title)[:MAX_NAME]
        _check_name(session, name, team_id, me)
        answerer = kr.owner_id or kr.origin or me
        check_ins = check_ins_of_kr(session, kr.id)
        # Your own values only: a teammate's check-ins are theirs to sign, so they measure anew.
        carried = [c for c in check_ins if answerer == me and c.origin in (me, "") and c.date <= today]
        stamp = now_stamp()
        metric = Metric(id=readable_id("m", name, lambda i: session.get(Metric, i) is not None), name=name,
                        unit=kr.unit, description=f"was key result {kr.id}", origin=me,
                        owner_id=kr.owner_id, team_id=team_id, cadence="weekly",
                        low=low, high=high,
                        visibility=objective.visibility if objective is not None else "shared",
                        since=min([today, *(c.date for c in carried)]), created_at=stamp, updated_at=stamp)
        session.add(metric)
        session.flush()  # the metric before its measurements (a foreign key)
        latest = {c.date: c for c in carried}  # one per author and day: the day's latest, as they count
        for day, c in sorted(latest.items()):
            session.add(Measurement(id=new_id(), metric_id=metric.id, date=day, value=c.value, note=c.note,
                                    author_id=me, origin=me, created_at=stamp, updated_at=stamp))
        for row in [kr, *check_ins]:
            row.deleted, row.updated_at = True, stamp
            session.add(row)
        return Converted(metric.id, name, kr.id, Expectation(low, high).describe(kr.unit), len(latest))


def _band(kr: KeyResult) -> tuple[float | None, float | None]:
    """The expectation a KR keeps: its range, else at least (increase) or at most (decrease) its target."""
    if kr.kind == Kind.RANGE:
        return kr.low, kr.high
    if kr.kind == Kind.INCREASE:
        return kr.target, None
    if kr.kind == Kind.DECREASE:
        return None, kr.target
    return None, None


# --- measuring ------------------------------------------------------------------------------------

def record(engine: Engine, ref: str, value: Any, *, note: str = "", day: dt.date, today: dt.date,
           fy_start_month: int = 1) -> Measured:
    """A measurement, or the same day's one of yours replaced (okrtui.storage.sqlite.quickwrite.measure does the
    same through sqlite3; tests/storage/test_quickwrite.py compares both)."""
    checked_value, checked_note = check_measurement(value, note)
    with writing(engine) as session:
        m = find(session, ref)
        me = identity(session).id
        metricrules.check_writer(m.id, m.name, m.owner_id, m.origin, me, name_of(session, m.owner_id or m.origin))
        metricrules.check_day(m.id, m.since, m.archived_on, day, today)
        earlier = points(session, m.id)
        why = health.implausible(expectation(m), [p.value for p in earlier if p.date != day], checked_value)
        row = session.exec(select(Measurement).where(
            Measurement.metric_id == m.id, Measurement.date == day, Measurement.origin == me,
            col(Measurement.deleted).is_(False))).first()
        replaced = row is not None
        before = None
        if row is not None:
            old = row.value
            if touch(row, value=checked_value, note=checked_note):
                before = old
        else:
            stamp = now_stamp()
            row = Measurement(id=new_id(), metric_id=m.id, date=day, value=checked_value, note=checked_note,
                              author_id=me, origin=me, created_at=stamp, updated_at=stamp)
        session.add(row)
        session.flush()
        status = health.health(expectation(m), m.cadence, points(session, m.id), today, fy_start_month)
        return Measured(row.id, m.id, m.name, m.unit, checked_value, day, status, replaced, why, before)


def points(session: Session, metric_id: str) -> list[Point]:
    rows = session.exec(select(col(Measurement.date), col(Measurement.value)).where(
        Measurement.metric_id == metric_id, col(Measurement.deleted).is_(False))
        .order_by(col(Measurement.date), col(Measurement.created_at), col(Measurement.id))).all()
    return [Point(d, v) for d, v in rows]


# --- reading ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Past:
    id: str
    date: dt.date
    value: float
    note: str
    by: str


def history(engine: Engine, ref: str) -> tuple[Metric, list[Past]]:
    with reading(engine) as session:
        m = find(session, ref)
        rows = session.exec(select(Measurement).where(Measurement.metric_id == m.id,
                                                      col(Measurement.deleted).is_(False))
                            .order_by(col(Measurement.date), col(Measurement.created_at), col(Measurement.id))).all()
        me = my_id(session)
        return m, [Past(r.id, r.date, r.value, r.note, "" if r.origin in ("", me) else name_of(session, r.origin))
                   for r in rows]


def read_all(session: Session, day: dt.date, fy_start_month: int = 1, *, archived: bool = False) -> list[MetricView]:
    """health.read through SQLAlchemy (SQLite or PostgreSQL); quickread runs the same SQL through sqlite3."""
    conn = session.connection()

    def run(sql: str, params: dict[str, Any]) -> tuple[Sequence[str], Iterable[Sequence[Any]]]:
        result = conn.execute(text(sql), params)
        return list(result.keys()), result.all()

    return health.read(run, day, my_id(session), fy_start_month, archived=archived)


def listing(engine: Engine, day: dt.date, fy_start_month: int = 1, *, team: bool = False) -> tuple[list[MetricView], str]:
    with reading(engine) as session:
        me = my_id(session)
        views = read_all(session, day, fy_start_month)
    return (views if team else health.mine(views, me)), me
