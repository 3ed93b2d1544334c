"""The team's weekly (and mid-quarter) review: what moved across the team in a week, who has not
checked in, worst first. Pure, over report views: the weekly review's rows, grouped by who
answers for each KR (okr-method.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from okrtui.method import scoring, teamview
from okrtui.method.review import ReviewRow, week_review
from okrtui.method.views import PeriodReport, graded, pace_counts

PACE_ORDER = {"behind": 0, "at risk": 1, "on track": 2}


@dataclass
class PersonWeek:
    id: str
    name: str
    team_id: str | None
    rows: list[ReviewRow] = field(default_factory=list)
    checked_in: set[str] = field(default_factory=set)  # KR ids with a check-in dated in the week

    @property
    def missing(self) -> int:
        """KRs of active objectives with no check-in in the week."""
        return sum(1 for r in self.rows if r.objective.status == "active" and r.kr.id not in self.checked_in)

    @property
    def behind(self) -> int:
        return sum(r.pace == "behind" for r in self.rows)

    @property
    def stale(self) -> int:
        return sum(r.stale for r in self.rows)

    @property
    def moved(self) -> int:
        return sum(1 for r in self.rows if r.value_change)


@dataclass(frozen=True)
class TeamWeek:
    week_start: dt.date
    as_of: dt.date
    people: list[PersonWeek]
    counts: dict[str, int]
    mid_quarter: bool

    @property
    def not_checked_in(self) -> list[PersonWeek]:
        """People with no check-in at all in the week, though something was due."""
        return [p for p in self.people if p.missing and not p.checked_in]


def _row_matches(row: ReviewRow, filters: teamview.Filters) -> bool:
    if filters.band:
        grade = scoring.grade(scoring.kr_score(row.kr.self_score, row.progress))
        if scoring.band(grade) != filters.band:
            return False
    if filters.pace == "stale":
        return row.stale
    return not filters.pace or row.pace == filters.pace


def team_week(rep: PeriodReport, week_start: dt.date, today: dt.date, filters: teamview.Filters | None = None,
              stale_after: int = 7) -> TeamWeek:
    """Every live KR of the team as of the week's end (or today) against the week before, grouped
    by the person who answers for it; the band and pace filters read that week's numbers. People
    who missed check-ins come first, then the most behind and stale; in each, the worst KR first."""
    filters = filters or teamview.Filters()
    live = [o for o in rep.objectives if graded(o) and (not filters.team or o.team_id == filters.team)]
    review = week_review(PeriodReport(rep.period, rep.as_of, live, rep.people, rep.teams), week_start, today,
                         stale_after)
    teams = {pv.id: pv.team_id for pv in teamview.people(rep, teamview.Filters(team=filters.team))}
    out: dict[str, PersonWeek] = {}
    for row in review.rows:
        pid = teamview.answerer(row.kr)
        if (filters.person and pid != filters.person) or not _row_matches(row, filters):
            continue
        pw = out.setdefault(pid, PersonWeek(pid, rep.person(pid), teams.get(pid, row.objective.team_id)))
        pw.rows.append(row)
        if any(week_start <= c.date <= review.as_of for c in row.kr.check_ins):
            pw.checked_in.add(row.kr.id)
    for pw in out.values():
        pw.rows.sort(key=lambda r: (not r.stale, PACE_ORDER.get(r.pace or "", 3), r.progress))
    people = sorted(out.values(), key=lambda p: (-p.missing, -(p.behind + p.stale), p.name))
    counts = dict(pace_counts(row for pw in people for row in pw.rows))  # the rows listed, each once
    return TeamWeek(week_start, review.as_of, people, counts, review.mid_quarter)
