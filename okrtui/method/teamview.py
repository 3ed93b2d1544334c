"""The team lead's view of a period: people grouped by team, attention first. Pure, over report views."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from okrtui.method import scoring, views
from okrtui.method.health import MetricView, State
from okrtui.method.views import KRView, ObjectiveView, PeriodReport
from okrtui.method.views import short_names as short_names  # where it lived; kr_row reads it in views


@dataclass
class PersonView:
    """A person and what they answer for (okr-method.md "answers for"): each objective holding
    one of their KRs, with only those KRs (`krs[objective id]`), attention first."""

    id: str
    name: str
    team_id: str | None
    objectives: list[ObjectiveView] = field(default_factory=list)
    krs: dict[str, list[KRView]] = field(default_factory=dict)
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

    def key_results(self) -> list[KRView]:
        return [kr for o in self.objectives for kr in self.krs.get(o.id, [])]

    def worst(self) -> tuple[int, float, str]:
        """Sort key: the most stale and behind KRs first, then the lowest grade."""
        return (-(self.stale + self.behind), 2.0 if self.score is None else self.score, self.name)


PACES = ("behind", "at risk", "on track", "stale")


@dataclass(frozen=True)
class Filters:
    team: str | None = None
    person: str | None = None
    band: str | None = None  # the KR's own band: red / yellow / green
    pace: str | None = None  # the KR's own pace, or "stale"

    def kr_matches(self, kr: KRView) -> bool:
        if self.band and kr.band != self.band:
            return False
        if self.pace == "stale":
            return kr.stale
        return not self.pace or kr.pace == self.pace

    def metric_matches(self, v: MetricView) -> bool:
        """The health metrics above the OKRs, filtered as the KRs are (docs/tui.md, "The lead's filters and
        the Health line"): the team is the metric's own, the person who answers for it (measures it); the
        band reads its status as a KR's grade (red: unhealthy, green: healthy; yellow: none, as a metric
        is healthy or not, nothing between); the pace reads what it asks for now (behind: unhealthy; at
        risk: due, not measured in its window yet; stale: due as well, the metric's "no check-in";
        on track: healthy and measured)."""
        if self.team and v.team_id != self.team:
            return False
        if self.person and v.answers_id != self.person:
            return False
        state, due = v.health.state, v.health.due
        for chosen, meaning in ((self.band, METRIC_BANDS), (self.pace, METRIC_PACES)):
            keeps = meaning.get(chosen) if chosen else None
            if chosen and (keeps is None or not keeps(state, due)):
                return False
        return True

    @property
    def narrowing(self) -> bool:
        return any((self.team, self.person, self.band, self.pace))


# What a KR filter means for a health metric: (status, due) → kept (Filters.metric_matches).
METRIC_BANDS: dict[str, Callable[[State, bool], bool]] = {
    "red": lambda state, due: state is State.UNHEALTHY,
    "yellow": lambda state, due: False,
    "green": lambda state, due: state is State.HEALTHY,
}
METRIC_PACES: dict[str, Callable[[State, bool], bool]] = {
    "behind": lambda state, due: state is State.UNHEALTHY,
    "at risk": lambda state, due: due,
    "stale": lambda state, due: due,
    "on track": lambda state, due: state is State.HEALTHY and not due,
}


def attention(kr: KRView) -> tuple[bool, int, float]:
    """Sort key: stale and behind first, then at risk, then the rest."""
    return (not kr.stale, {"behind": 0, "at risk": 1}.get(kr.pace or "", 2), kr.score)


def answerer(kr: KRView) -> str:
    """Who answers for a KR (okr-method.md): its owner, else its maker."""
    return kr.owner_id or kr.origin


def shown(o: ObjectiveView) -> bool:
    """Listed on the team screen: live work and proposals in review (awaiting approval, ungraded)."""
    return o.status not in ("draft", "archived")


def pace_counts(listed: list[PersonView]) -> Counter[str]:
    """The counts of the KRs a people view lists, each once (a KR shows under one person only)."""
    return views.pace_counts({kr.id: kr for pv in listed for kr in pv.key_results()}.values())


def people(rep: PeriodReport, filters: Filters = Filters()) -> list[PersonView]:
    """Everyone who answers for a KR of a live objective (and the owners of objectives with no
    KR), grouped by team; worst teams and people first. The band and pace filters keep the KRs
    that match by their own numbers (and the people with one); a person's grade and counts stay
    those of everything they answer for."""
    out: dict[str, PersonView] = {}
    every: dict[str, list[KRView]] = {}
    owned: dict[str, list[str | None]] = {}  # a person's team: that of the objectives they own first
    by_kr = filters.band or filters.pace
    for o in rep.objectives:
        if not shown(o) or (filters.team and o.team_id != filters.team):
            continue
        owned.setdefault(o.owner_id or o.origin, []).append(o.team_id)
        groups: dict[str, list[KRView]] = {}
        live = views.graded(o)  # in review: listed under its owner, awaiting approval, nothing counted
        for kr in o.key_results if live else ():
            every.setdefault(answerer(kr), []).append(kr)
            if filters.kr_matches(kr):
                groups.setdefault(answerer(kr), []).append(kr)
        if (not o.key_results or not live) and not by_kr:
            groups[o.owner_id or o.origin] = []
        for pid, mine in groups.items():
            if filters.person and pid != filters.person:
                continue
            if pid not in out:  # (not setdefault: it would make a PersonView for every objective)
                out[pid] = PersonView(pid, rep.person(pid), o.team_id)
            pv = out[pid]
            pv.objectives.append(o)
            pv.krs[o.id] = sorted(mine, key=attention)
    for pv in out.values():
        teams = owned.get(pv.id)
        if teams:
            pv.team_id = teams[0]
        krs = [kr for kr in every.get(pv.id, []) if kr.error is None]
        pv.score = scoring.objective_score((kr.weight, kr.score) for kr in krs)
        dates = [kr.last_check_in for kr in krs if kr.last_check_in]
        pv.last_check_in = max(dates) if dates else None
        pv.stale = sum(kr.stale for kr in krs)
        pv.behind = sum(kr.pace == "behind" for kr in krs)
        pv.objectives.sort(key=lambda o: min((attention(kr) for kr in pv.krs[o.id]), default=(True, 3, 1.0)))
    team_names = {tid: t.name for tid, t in rep.teams.items()}
    worst_of_team: dict[str | None, tuple[int, float, str]] = {}
    for pv in out.values():
        worst_of_team[pv.team_id] = min(worst_of_team.get(pv.team_id, pv.worst()), pv.worst())

    def order(pv: PersonView) -> tuple[tuple[int, float], str, tuple[int, float, str]]:
        team_worst = worst_of_team[pv.team_id]
        return (team_worst[:2], team_names.get(pv.team_id or "", "~"), pv.worst())

    return sorted(out.values(), key=order)


def objectives(rep: PeriodReport, filters: Filters) -> list[ObjectiveView]:
    """The objectives the alignment tree shows under the filters: an objective shows when any of
    its KRs matches the band and pace filters, and, with a person filter, when that person owns it
    or answers for one of its KRs."""
    out = []
    by_kr = filters.band or filters.pace
    for o in rep.objectives:
        if filters.team and o.team_id != filters.team:
            continue
        krs = [kr for kr in o.key_results if filters.kr_matches(kr)]
        if by_kr and (not krs or not views.graded(o)):  # a proposal's KRs are not graded: no match
            continue
        if filters.person and (o.owner_id or o.origin) != filters.person and \
                not any(answerer(kr) == filters.person for kr in krs):
            continue
        out.append(o)
    return out


@dataclass(frozen=True)
class Link:
    person: str
    direction: str  # "relies on" | "relied on by"
    mine: str       # title on this person's side
    other: str      # title on the other side
    other_owner: str
    note: str
    mine_key: str = ""   # row key (o:ID / k:ID) of this person's end
    other_key: str = ""  # row key of the other end: enter opens its detail
    dep_id: str = ""  # the dependency, for its agreement state


def owners(rep: PeriodReport) -> dict[str, tuple[str, str]]:
    """id of every objective and KR → (who answers for it, title)."""
    out = {}
    for o in rep.objectives:
        out[o.id] = (o.owner_id or o.origin, o.title)
        for kr in o.key_results:
            out[kr.id] = (answerer(kr), kr.title)
    return out


def links(rep: PeriodReport, dependencies: Iterable[Any], person: str | None = None,
          filters: Filters | None = None) -> list[Link]:
    """Every dependency seen from both ends, in this period; with `filters`, the ends on the
    filtered objectives (an objective that shows in the alignment tree, or a KR that matches)."""
    who = owners(rep)
    keep: set[str] | None = None
    if filters is not None and (filters.team or filters.band or filters.pace):
        every = Filters(filters.team, None, filters.band, filters.pace)
        kept = objectives(rep, every)
        keep = {o.id for o in kept} | {kr.id for o in kept for kr in o.key_results if every.kr_matches(kr)}
    kind = {o.id: "o" for o in rep.objectives} | {kr.id: "k" for kr in rep.key_results()}
    out = []
    for d in dependencies:
        if d.from_id not in who or d.to_id not in who:
            continue
        (a, a_title), (b, b_title) = who[d.from_id], who[d.to_id]
        a_key, b_key = f"{kind[d.from_id]}:{d.from_id}", f"{kind[d.to_id]}:{d.to_id}"
        if person in (None, a) and (keep is None or d.from_id in keep):
            out.append(Link(a, "relies on", a_title, b_title, b, d.note, a_key, b_key, d.id))
        if person in (None, b) and (keep is None or d.to_id in keep):
            out.append(Link(b, "relied on by", b_title, a_title, a, d.note, b_key, a_key, d.id))
    return sorted(out, key=lambda link: (rep.person(link.person), link.direction, link.mine))


def age(day: dt.date | None, today: dt.date) -> str:
    if day is None:
        return "never"
    days = (today - day).days
    return "today" if days == 0 else f"{days}d"


