"""A realistic demo: a company, two teams, five people, two quarters of weekly check-ins.

Everything is placed relative to `today` and drawn from a seeded generator, so
the same day always gives the same data (the snapshot tests rely on it).
The local user is Alice; records of the others carry their own origin, as if
they had come in from the team file.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from okrtui.core.errors import OkrError
from okrtui.method import covers, health, kinds, periods
from okrtui.storage.model import (
    CheckIn,
    Decision,
    Dependency,
    KeyResult,
    Measurement,
    Metric,
    Objective,
    Period,
    Person,
    Reflection,
    Team,
)
from okrtui.storage.store import is_empty, set_meta, writing

ME = "p-alice"
PEOPLE = [
    ("p-alice", "Alice Ng", "alice@example.com"),
    ("p-bruno", "Bruno Diaz", "bruno@example.com"),
    ("p-chen", "Chen Wei", "chen@example.com"),
    ("p-dana", "Dana Okafor", "dana@example.com"),
    ("p-eli", "Eli Sandberg", "eli@example.com"),
]
TEAMS = [
    ("t-acme", "Acme", "Make software teams calmer and faster.", "Every release a non-event."),
    ("t-platform", "Platform", "Give product teams a paved road to production.",
     "Deploying is as boring as saving a file."),
    ("t-growth", "Growth", "Help new customers find value in their first week.",
     "Every trial ends in a team that cannot work without us."),
]
NOTES = [
    "steady week", "rollback path fixed", "blocked on review capacity", "good momentum",
    "holiday week, little movement", "new dashboard helped", "one noisy incident",
    "pairing with Growth paid off", "scope trimmed to fit", "waiting on vendor",
]


@dataclass(frozen=True)
class KRPlan:
    id: str
    title: str
    owner: str | None
    kind: str
    start: float | None = None
    target: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    rate: float = 1.0          # pace relative to a straight line to the target
    stop_weeks_early: int = 0  # > 1 makes the KR stale
    weight: float = 1.0


@dataclass(frozen=True)
class ObjPlan:
    id: str
    title: str
    owner: str
    team: str
    level: str
    parent: str | None
    description: str
    krs: tuple[KRPlan, ...]
    status: str = "active"


CURRENT = (
    ObjPlan("o-dependable", "Become the most dependable platform in our market", "p-eli", "t-acme", "company",
            None, "Customers choose us because we do not break.", (
                KRPlan("kr-incidents", "Customer-reported incidents per month from 12 to 4", "p-eli",
                       "decrease", 12, 4, unit="incidents", rate=0.9),
                KRPlan("kr-nrr", "Net revenue retention from 104% to 112%", "p-eli", "increase", 104, 112,
                       unit="%", rate=0.8),
            )),
    ObjPlan("o-reliable", "Make deploys boringly reliable", "p-alice", "t-platform", "team", "o-dependable",
            "Failed deploys cost every team a day a month.", (
                KRPlan("kr-deploys", "Deploy success rate from 92% to 99%", "p-alice", "increase", 92, 99,
                       unit="%", rate=0.95),
                KRPlan("kr-mttr", "Mean time to restore from 90 to 30 minutes", "p-bruno", "decrease", 90, 30,
                       unit="min", rate=0.55),
                KRPlan("kr-latency", "Keep p95 API latency between 120 and 250 ms", "p-bruno", "range",
                       low=120, high=250, unit="ms"),
            )),
    ObjPlan("o-observability", "Give every team self-service observability", "p-bruno", "t-platform", "team",
            "o-dependable", "Teams should see their own services without asking us.", (
                KRPlan("kr-noise", "Measure alert noise per on-call week", "p-bruno", "baseline",
                       unit="alerts/week"),
                KRPlan("kr-tracing", "Tracing pipeline live in production", "p-bruno", "milestone"),
                KRPlan("kr-dashboards", "Teams using the dashboards from 2 to 10", "p-bruno", "increase", 2, 10,
                       unit="teams", rate=0.6, stop_weeks_early=3),
            )),
    ObjPlan("o-commander", "Grow as an incident commander", "p-alice", "t-platform", "personal", "o-reliable",
            "Lead calmly when things break.", (
                KRPlan("kr-reviews", "Incident reviews led from 0 to 4", "p-alice", "increase", 0, 4, rate=1.1),
                KRPlan("kr-handbook", "Write the on-call handbook", "p-alice", "milestone"),
            )),
    ObjPlan("o-toil", "Halve on-call toil for 3 teams", "p-alice", "t-platform", "team", "o-dependable",
            "Pages at night burn people out.", (
                KRPlan("kr-pages", "Night pages per week from 14 to 5", "p-alice", "decrease", 14, 5,
                       unit="pages", rate=0.0),
                KRPlan("kr-runbooks", "Runbooks for top alerts", None, "milestone"),
            ), status="draft"),
    ObjPlan("o-delight", "Delight first-week users", "p-chen", "t-growth", "team", "o-dependable",
            "The first week decides whether a trial converts.", (
                KRPlan("kr-activation", "Activation rate from 31% to 45%", "p-chen", "increase", 31, 45,
                       unit="%", rate=0.35),
                KRPlan("kr-ttv", "Time to first value from 3 days to 1 day", "p-dana", "decrease", 3, 1,
                       unit="days", rate=1.0),
                KRPlan("kr-churn", "Keep weekly churn between 0 and 2%", "p-chen", "range", low=0, high=2,
                       unit="%"),
            )),
    ObjPlan("o-trials", "Understand why trials stall", "p-dana", "t-growth", "personal", "o-delight",
            "We guess too much about stalled trials.", (
                KRPlan("kr-interviews", "Stalled trial users interviewed from 0 to 20", "p-dana", "increase", 0, 20,
                       unit="users", rate=0.7, stop_weeks_early=2),
                KRPlan("kr-conversion", "Measure trial-to-paid conversion", "p-dana", "baseline", unit="%"),
            )),
    ObjPlan("o-selfserve", "Open a self-serve path for small teams", "p-chen", "t-growth", "team", "o-delight",
            "Small teams should not need a sales call.", (
                KRPlan("kr-signup", "Self-serve signups per week from 0 to 50", "p-chen", "increase", 0, 50,
                       rate=0.0),
            ), status="draft"),
)

PREVIOUS = (
    ObjPlan("o-prev-pipeline", "Modernise the build pipeline", "p-alice", "t-platform", "team", None,
            "Builds were slow and flaky.", (
                KRPlan("kr-prev-build", "Build time from 25 to 10 minutes", "p-alice", "decrease", 25, 10,
                       unit="min", rate=0.8),
                KRPlan("kr-prev-cache", "Remote build cache live", "p-bruno", "milestone"),
            )),
    ObjPlan("o-prev-onboarding", "Make onboarding feel effortless", "p-chen", "t-growth", "team", None,
            "New users were lost on day one.", (
                KRPlan("kr-prev-tour", "Product tour completion from 20% to 60%", "p-chen", "increase", 20, 60,
                       unit="%", rate=1.05),
            )),
)


def load(engine: Engine, today: dt.date, fy_month: int = 1) -> None:
    """Fill an empty database with the demo; refuse one that already holds OKRs."""
    rng = random.Random(20261126)
    with writing(engine) as session:
        if not is_empty(session):
            raise OkrError("the demo goes only into an empty database; this one already holds OKRs")
        set_meta(session, "identity", ME)
        for pid, name, email in PEOPLE:
            session.add(Person(id=pid, name=name, email=email, origin=pid))
        for tid, name, mission, vision in TEAMS:
            session.add(Team(id=tid, name=name, mission=mission, vision=vision, origin="p-eli"))
        now = periods.quarter_of(today, fy_month)
        prev = periods.shift(now.label, -1, fy_month)
        for span in (prev, now):
            session.add(Period(id=span.label, start=span.start, end=span.end, origin=ME))
        session.flush()
        _quarter(session, rng, PREVIOUS, prev, prev.end, closed=True)
        _quarter(session, rng, CURRENT, now, today, closed=False)
        session.add(Dependency(id="d-funnel", from_id="kr-activation", to_id="o-observability",
                               note="needs funnel dashboards", origin="p-chen"))
        session.add(Dependency(id="d-canary", from_id="o-reliable", to_id="o-delight",
                               note="canary cohorts from Growth", origin=ME))
        # Both agreed by the owner of the other end, as a quarter's dependencies are by now.
        # Each agreement covers the link as it is (okrtui.method.covers).
        session.add(Decision(id="dec-funnel", subject_type="dependency", subject_id="d-funnel", verdict="agreed",
                             origin="p-bruno", basis=covers.dependency_digest("kr-activation", "o-observability",
                                                                             "needs funnel dashboards")))
        session.add(Decision(id="dec-canary", subject_type="dependency", subject_id="d-canary", verdict="agreed",
                             origin="p-chen", basis=covers.dependency_digest("o-reliable", "o-delight",
                                                                            "canary cohorts from Growth")))
        for question, answer in (
            ("contributed", "Make deploys boringly reliable: rebuilt the rollback path."),
            ("helped", "Modernise the build pipeline."),
            ("learned", "Check in weekly even when nothing moved."),
        ):
            session.add(Reflection(id=f"r-prev-{question}", person_id=ME, period_id=prev.label,
                                   question=question, answer=answer, origin=ME))
        _metrics(session, today, fy_month)


# Health metrics (docs/health.md): a year of history; uptime unhealthy for three weeks, the backlog
# due (nothing measured this month), runway healthy, deploys tracked only. Alice's own (deploys) is
# measured this week, so her `due` and `inbox` stay as the OKRs make them.
METRICS = [
    ("m-uptime", "API uptime", "%", "p-bruno", "t-platform", "weekly", 99.9, None, (99.91, 99.99)),
    ("m-backlog", "Support backlog", "tickets", "p-chen", "t-growth", "monthly", None, 40.0, (22, 38)),
    ("m-runway", "Cash runway", "months", "p-eli", "t-acme", "quarterly", 12.0, None, (14, 19)),
    ("m-deploys", "Deploys per week", "deploys", ME, "t-platform", "weekly", None, None, (18, 34)),
]


def _metrics(session: Session, today: dt.date, fy_month: int) -> None:
    rng = random.Random(28)  # its own generator: the OKRs' numbers stay as they were
    since = today - dt.timedelta(days=365)
    for mid, name, unit, owner, team, cadence, low, high, (lo, hi) in METRICS:
        session.add(Metric(id=mid, name=name, unit=unit, owner_id=owner, team_id=team, cadence=cadence, low=low,
                           high=high, since=since, origin=owner))
        session.flush()  # the metric before its measurements (a foreign key)
        windows = health.windows_back(cadence, today, 60, fy_month)
        if mid == "m-backlog":
            windows = windows[:-1]  # due: nothing yet this month
        for i, (start, _end) in enumerate(w for w in windows if w[0] >= since):
            value = round(rng.uniform(lo, hi), 2)
            if mid == "m-uptime" and start >= health.windows_back(cadence, today, 3, fy_month)[0][0]:
                value = round(rng.uniform(99.4, 99.85), 2)  # the last three weeks: an incident-prone spell
            session.add(Measurement(id=f"me-{mid[2:]}-{i}", metric_id=mid, date=start, value=value, author_id=owner,
                                    origin=owner, note="" if i % 5 else rng.choice(NOTES)))


def _quarter(session: Session, rng: random.Random, plans: Sequence[ObjPlan], span: periods.Span, until: dt.date,
             closed: bool) -> None:
    for pos, plan in enumerate(plans):
        session.add(Objective(
            id=plan.id, title=plan.title, description=plan.description, level=plan.level, team_id=plan.team,
            owner_id=plan.owner, period_id=span.label, parent_id=plan.parent,
            status="closed" if closed else plan.status, origin=plan.owner, position=pos,
        ))
        session.flush()
        for kpos, kr in enumerate(plan.krs):
            row = KeyResult(
                id=kr.id, objective_id=plan.id, title=kr.title, owner_id=kr.owner, kind=kr.kind, unit=kr.unit,
                start=kr.start, target=kr.target, low=kr.low, high=kr.high, weight=kr.weight, position=kpos,
                origin=plan.owner,
            )
            session.add(row)
            session.flush()
            if plan.status == "draft":
                continue
            values = _check_ins(session, rng, kr, span, until, kr.owner or plan.owner)  # who answers for it
            if closed:
                row.self_score = round(min(1.0, max(0.0, values + rng.uniform(-0.1, 0.05))), 1)
                row.score_comment = "hard quarter, but the rollback work landed"


def _check_ins(session: Session, rng: random.Random, kr: KRPlan, span: periods.Span, until: dt.date, origin: str) -> float:
    """Weekly check-ins on Mondays; returns the last progress-like fraction reached."""
    monday = span.start + dt.timedelta(days=(7 - span.start.weekday()) % 7)
    weeks = []
    day = monday
    while day <= min(until, span.end):
        weeks.append(day)
        day += dt.timedelta(days=7)
    if kr.stop_weeks_early:
        weeks = weeks[: max(1, len(weeks) - kr.stop_weeks_early)]
    frac = 0.0
    total = max(1, (span.end - span.start).days)
    for n, day in enumerate(weeks):
        elapsed = (day - span.start).days / total
        frac = max(0.0, min(1.0, elapsed * kr.rate + rng.uniform(-0.04, 0.04)))
        value = _value(kr, frac, rng, n, len(weeks))
        confidence = round(min(1.0, max(0.1, 0.5 + (kr.rate - 0.8) + rng.uniform(-0.1, 0.1))), 1)
        session.add(CheckIn(
            id=f"c-{kr.id.removeprefix('kr-')}-{n + 1:02d}", kr_id=kr.id, date=day, value=value,
            confidence=confidence, note=rng.choice(NOTES), author_id=kr.owner, origin=origin,
        ))
    return frac


def _value(kr: KRPlan, frac: float, rng: random.Random, n: int, count: int) -> float:
    if kinds.paced(kr.kind):
        assert kr.start is not None and kr.target is not None  # the plan's start → target KRs have both
        raw = kr.start + (kr.target - kr.start) * frac
        return round(raw, 1) if abs(kr.target - kr.start) < 20 else round(raw)
    if kr.kind == "range":
        assert kr.low is not None and kr.high is not None
        width = kr.high - kr.low
        # Mostly inside, now and then just outside.
        if rng.random() < 0.2:
            return round(kr.high + width * 0.1, 1)
        return round(kr.low + width * rng.uniform(0.2, 0.9), 1)
    if kr.kind == "milestone":
        return 1.0 if n >= count - 1 and count >= 6 else 0.0
    return round(rng.uniform(20, 40), 1)  # baseline: a measurement
