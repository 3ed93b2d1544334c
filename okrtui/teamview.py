"""The team lead's view of a period: people grouped by team, attention first. Pure, over report views."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from okrtui import scoring
from okrtui.views import KRView, ObjectiveView, PeriodReport


@dataclass
class PersonView:
    id: str
    name: str
    team_id: str | None
    objectives: list[ObjectiveView] = field(default_factory=list)
    score: float | None = None
    last_check_in: dt.date | None = None
    stale: int = 0
    behind: int = 0

    @property
    def grade(self) -> float | None:
        return scoring.grade(self.score)

    @property
    def band(self) -> str | None:
        return scoring.band(self.grade)


@dataclass(frozen=True)
class Filters:
    team: str | None = None
    person: str | None = None
    band: str | None = None


def attention(kr: KRView) -> tuple[bool, int, float]:
    """Sort key: stale and behind first, then at risk, then the rest."""
    return (not kr.stale, {"behind": 0, "at risk": 1}.get(kr.pace or "", 2), kr.score)


def people(rep: PeriodReport, filters: Filters = Filters()) -> list[PersonView]:
    """Each person with objectives in the period (owner, else origin), filtered, grouped by team."""
    out: dict[str, PersonView] = {}
    for o in rep.objectives:
        if o.status in ("draft", "archived"):
            continue
        pid = o.owner_id or o.origin
        if filters.team and o.team_id != filters.team:
            continue
        if filters.person and pid != filters.person:
            continue
        if filters.band and o.band != filters.band:
            continue
        pv = out.setdefault(pid, PersonView(pid, rep.person(pid), o.team_id))
        pv.objectives.append(o)
    for pv in out.values():
        pv.score = scoring.objective_score((1.0, o.score) for o in pv.objectives if o.score is not None)
        krs = [kr for o in pv.objectives for kr in o.key_results]
        dates = [kr.last_check_in for kr in krs if kr.last_check_in]
        pv.last_check_in = max(dates) if dates else None
        pv.stale = sum(kr.stale for kr in krs)
        pv.behind = sum(kr.pace == "behind" for kr in krs)
        pv.objectives.sort(key=lambda o: min((attention(kr) for kr in o.key_results), default=(True, 3, 1.0)))
    team_names = {tid: t.name for tid, t in rep.teams.items()}
    return sorted(out.values(), key=lambda p: (team_names.get(p.team_id or "", "~"), -(p.stale + p.behind), p.name))


@dataclass(frozen=True)
class Link:
    person: str
    direction: str  # "relies on" | "relied on by"
    mine: str       # title on this person's side
    other: str      # title on the other side
    other_owner: str
    note: str
    dep_id: str = ""


def owners(rep: PeriodReport) -> dict[str, tuple[str, str]]:
    """id of every objective and KR → (owner id, title)."""
    out = {}
    for o in rep.objectives:
        out[o.id] = (o.owner_id or o.origin, o.title)
        for kr in o.key_results:
            out[kr.id] = (kr.owner_id or o.owner_id or o.origin, kr.title)
    return out


def links(rep: PeriodReport, dependencies: Iterable[Any], person: str | None = None) -> list[Link]:
    """Every dependency seen from both ends, in this period."""
    who = owners(rep)
    out = []
    for d in dependencies:
        if d.from_id not in who or d.to_id not in who:
            continue
        (a, a_title), (b, b_title) = who[d.from_id], who[d.to_id]
        if person in (None, a):
            out.append(Link(a, "relies on", a_title, b_title, b, d.note, d.id))
        if person in (None, b):
            out.append(Link(b, "relied on by", b_title, a_title, a, d.note, d.id))
    return sorted(out, key=lambda link: (rep.person(link.person), link.direction, link.mine))


def age(day: dt.date | None, today: dt.date) -> str:
    if day is None:
        return "never"
    days = (today - day).days
    return "today" if days == 0 else f"{days}d"
