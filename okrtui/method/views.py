"""Views of a period (objectives, KRs, check-ins with every number of the method) and their renderings.

Pure: no database. `okrtui.cycle.ormread.build` fills these from the store; the CLI,
exports, lint and every TUI screen read the same views.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any, Protocol

from okrtui.core.text import fmt_num as fmt_num
from okrtui.core.text import num as num
from okrtui.method import kinds, periods, scoring
from okrtui.method.conversation import Conversation
from okrtui.method.conversation import DependencyView as DependencyView


@dataclass(slots=True)
class CheckInView:
    """One check-in. Lists of them are kept oldest first (by date, then creation), as the query
    returns them, so no ordering key is stored: memory counts at 100,000s of check-ins."""

    id: str
    date: dt.date
    value: float
    confidence: float | None
    note: str


def points_of(check_ins: list[CheckInView]) -> Sequence[scoring.Measured]:
    """Check-ins as scoring sees them: the list itself (already oldest first), no copies."""
    return check_ins


@dataclass(slots=True)
class KRView:
    id: str
    objective_id: str
    title: str
    kind: str
    unit: str
    owner_id: str | None
    start: float | None
    target: float | None
    low: float | None
    high: float | None
    weight: float
    self_score: float | None
    score_comment: str
    origin: str
    position: int
    check_ins: list[CheckInView]  # within the period, oldest first
    current: float | None = None
    progress: float = 0.0
    score: float = 0.0
    grade: float | None = None
    band: str | None = None
    confidence: float | None = None
    expected: float | None = None
    pace: str | None = None
    forecast: float | None = None
    fit: tuple[float, float] | None = None  # the forecast's line (scoring.fit): the chart draws it
    last_check_in: dt.date | None = None
    stale: bool = False
    error: str | None = None  # why the KR cannot be scored (a row no check would have let in)

    @property
    def spec(self) -> scoring.Spec:
        return scoring.Spec(self.kind, self.start, self.target, self.low, self.high)

    @property
    def points(self) -> Sequence[scoring.Measured]:
        return points_of(self.check_ins)


@dataclass(slots=True)
class ObjectiveView:
    id: str
    title: str
    description: str
    level: str
    team_id: str | None
    owner_id: str | None
    parent_id: str | None
    status: str
    visibility: str
    origin: str
    position: int
    key_results: list[KRView] = field(default_factory=list)
    activated_on: dt.date | None = None
    submitted_at: str | None = None
    score: float | None = None
    grade: float | None = None
    band: str | None = None


@dataclass(slots=True, frozen=True)
class TeamView:
    id: str
    name: str
    mission: str
    vision: str
    origin: str
    approval: bool = False  # its objectives need its lead's approval (okrtui.method.cycle)
    lead_id: str | None = None


@dataclass
class PeriodReport:
    period: periods.Span
    as_of: dt.date
    objectives: list[ObjectiveView]
    people: dict[str, str]
    teams: dict[str, TeamView]
    conversation: Conversation | None = None  # comments and reviews (okrtui.method.cycle.apply)

    def person(self, pid: str | None) -> str:
        if pid is None:
            return "–"
        return self.people.get(pid, pid)

    def key_results(self) -> list[KRView]:
        return [kr for o in self.objectives for kr in o.key_results]

    def pace_counts(self) -> Counter[str]:
        """The counts of the graded objectives' KRs (pace_counts)."""
        return pace_counts(kr for o in self.objectives if graded(o) for kr in o.key_results)


# A proposal nobody has agreed to yet (a draft, or in review with its lead) is listed, never graded:
# it is "awaiting approval", not behind. Every view counts and grades through these two.
UNGRADED = ("draft", "in_review")


def graded(o: ObjectiveView) -> bool:
    return o.status not in UNGRADED and o.status != "archived"


class Paced(Protocol):
    """A KR, or a KR's row in a weekly review: what the counts read."""

    @property
    def pace(self) -> str | None: ...

    @property
    def stale(self) -> bool: ...


def self_scored(objectives: Iterable[ObjectiveView]) -> tuple[int, int]:
    """(self-scored, of) the KRs of the graded objectives given (a draft's or a proposal's KRs are not
    scored): the scoring screen's header and the close dialog both count through this."""
    krs = [kr for o in objectives if graded(o) for kr in o.key_results]
    return sum(1 for kr in krs if kr.self_score is not None), len(krs)


def pace_counts(listed: Iterable[Paced]) -> Counter[str]:
    """On track, at risk, behind and stale, over exactly the rows given: every view's header and
    report counts through this, over the rows it lists."""
    counts: Counter[str] = Counter({"on track": 0, "at risk": 0, "behind": 0, "stale": 0})
    for row in listed:
        if row.pace:
            counts[row.pace] += 1
        if row.stale:
            counts["stale"] += 1
    return counts


# The columns a period is read with, in the order the views take them: the ORM path
# (okrtui.storage.store) and the standard-library path (okrtui.storage.sqlite.quickread) select exactly these.
OBJECTIVE_COLUMNS = ("id", "title", "description", "level", "team_id", "owner_id", "parent_id", "status",
                     "visibility", "origin", "position", "submitted_at", "activated_on")
KR_COLUMNS = ("id", "objective_id", "title", "kind", "unit", "owner_id", "start", "target", "low", "high",
              "weight", "self_score", "score_comment", "origin", "position")  # KRView's first fields, in order
CHECK_IN_COLUMNS = ("kr_id", "id", "date", "value", "confidence", "note")
TEAM_COLUMNS = ("id", "name", "mission", "vision", "origin", "approval", "lead_id")
DEPENDENCY_COLUMNS = ("id", "from_id", "to_id", "note", "origin")


def by_kr(rows: Iterable[Sequence[Any]], day: Callable[[Any], dt.date] | None = None
          ) -> Iterator[tuple[str, list[CheckInView]]]:
    """CHECK_IN_COLUMNS rows ordered by KR (then date) as (kr_id, that KR's check-ins, oldest first).
    `day` turns a stored date into a date (the standard-library path reads ISO text)."""
    for kr_id, group in groupby(rows, key=itemgetter(0)):
        if day is None:
            yield kr_id, [CheckInView(cid, date, value, conf, note) for _, cid, date, value, conf, note in group]
        else:
            yield kr_id, [CheckInView(cid, day(date), value, conf, note) for _, cid, date, value, conf, note in group]


GATE_EVERY = 256  # KRs between two calls of assemble's gate


def assemble(span: periods.Span, as_of: dt.date, objectives: Iterable[Sequence[Any]], key_results: Iterable[Sequence[Any]],
             check_ins: Iterable[tuple[str, list[CheckInView]]], people: dict[str, str], teams: dict[str, TeamView],
             stale_after: int = 7, gate: Callable[[], object] | None = None) -> PeriodReport:
    """The period's views from rows in the column orders above and each KR's check-ins (by_kr),
    with every number computed: the one place rows become scores, whichever path read them.
    `gate`, called every GATE_EVERY KRs, may hold the work up (a read running beside a screen that is
    drawing: okrtui.storage.sqlite.quickread.Prefetch.hold); it changes nothing in what is made."""
    views: dict[str, ObjectiveView] = {}
    for row in objectives:
        values = dict(zip(OBJECTIVE_COLUMNS, row, strict=True))
        views[values["id"]] = ObjectiveView(**values)
    krs: dict[str, KRView] = {}
    for row in key_results:
        kr = KRView(*row, [])  # type: ignore[call-arg]  # KR_COLUMNS are KRView's leading fields
        krs[kr.id] = kr
        views[kr.objective_id].key_results.append(kr)
    for n, (kr_id, items) in enumerate(check_ins):
        if gate is not None and n % GATE_EVERY == 0:
            gate()
        krs[kr_id].check_ins = items
    n = 0
    for obj in views.values():
        if gate is not None and n >= GATE_EVERY:
            gate()
            n = 0
        n += len(obj.key_results)
        for kr in obj.key_results:
            compute_kr(kr, span, as_of, obj.status == "active", stale_after, obj.activated_on)
        compute_objective(obj)
    return PeriodReport(span, as_of, list(views.values()), people, teams)


def own(rep: PeriodReport, me: str) -> PeriodReport:
    """The same report limited to the local user's own objectives."""
    return PeriodReport(rep.period, rep.as_of, [o for o in rep.objectives if o.origin == me], rep.people, rep.teams)


def team_visible(rep: PeriodReport) -> PeriodReport:
    """What a team report may show: no private objective (the reader's own included), nor its KRs."""
    return dataclasses.replace(rep, objectives=[o for o in rep.objectives if o.visibility != "private"])


def answers(owner_id: str | None, maker: str, me: str) -> bool:
    """The one "who checks in" rule (okr-method.md "answers for"): a KR's named owner, else its maker.
    The TUI, `okrtui checkin`, `due`, import and the team file all ask this."""
    return owner_id == me if owner_id else maker == me


def answers_for(kr: KRView, me: str) -> bool:
    """Whether `me` checks in on the KR: its owner, or the maker of an unowned one."""
    return answers(kr.owner_id, kr.origin, me)


def is_due(last_check_in: dt.date | None, day: dt.date) -> bool:
    """okr-method.md's weekly rule: no check-in dated in day's week (Monday up to day), or none at all.
    Check-ins after `day` are never read, so the latest one is all it takes."""
    return last_check_in is None or last_check_in < periods.week_of(day)[0]


def round_of(rep: PeriodReport, me: str, day: dt.date | None = None) -> list[tuple[KRView, bool]]:
    """The KRs `me` answers for in active objectives, each with whether it is due on `day` (default
    the report's day; an earlier one, as the weekly review looks back, reads only check-ins up to
    it): due first (stale first among them), then the rest. The one rule behind the TUI's check-in
    list, `okrtui due`, the weekly review and every reminder."""
    day = day or rep.as_of
    marked = [(kr, is_due(_last_by(kr, day), day)) for o in rep.objectives if o.status == "active"
              for kr in o.key_results if kr.error is None and answers_for(kr, me)]
    return sorted(marked, key=lambda m: (not m[1], not m[0].stale))


def _last_by(kr: KRView, day: dt.date) -> dt.date | None:
    if kr.last_check_in is None or kr.last_check_in <= day:
        return kr.last_check_in
    return next((c.date for c in reversed(kr.check_ins) if c.date <= day), None)


def due(rep: PeriodReport, me: str) -> list[KRView]:
    """The KRs of `round_of` that are due (stale ones first)."""
    return [kr for kr, is_due_now in round_of(rep, me) if is_due_now]


def find(rep: PeriodReport, key: str) -> tuple[ObjectiveView | None, KRView | None]:
    """The objective (and KR) a row key `o:ID` / `k:ID` names in the report: (None, None) if none."""
    kind, _, ident = key.partition(":")
    for o in rep.objectives:
        if kind == "o" and o.id == ident:
            return o, None
        for kr in o.key_results:
            if kind == "k" and kr.id == ident:
                return o, kr
    return None, None


def stale_from(span: periods.Span, activated_on: dt.date | None) -> dt.date:
    """The day a KR without check-ins starts counting towards stale: its objective's activation."""
    return max(span.start, activated_on) if activated_on else span.start


def compute_kr(kr: KRView, span: periods.Span, as_of: dt.date, active: bool, stale_after: int,
               activated_on: dt.date | None = None) -> None:
    if kinds.get(kr.kind) is None:
        # Shown as unscorable rather than stopping every view (docs/reliability.md).
        kr.error = f"cannot score: unknown kind {kr.kind[:20]!r}"
        kr.progress = kr.score = 0.0
        last = kr.check_ins[-1] if kr.check_ins else None
        kr.last_check_in = last.date if last else None
        return
    spec, points = kr.spec, kr.points
    kr.current = scoring.current(spec, points)
    kr.progress = scoring.progress(spec, points)
    kr.score = scoring.kr_score(kr.self_score, kr.progress)
    kr.grade = scoring.grade(kr.score)
    kr.band = scoring.band(kr.grade)
    last = kr.check_ins[-1] if kr.check_ins else None
    kr.confidence = last.confidence if last else None
    kr.last_check_in = last.date if last else None
    if kinds.paced(kr.kind):
        kr.expected = scoring.expected(span.start, span.end, as_of)
        kr.pace = scoring.pace(spec, kr.progress, kr.expected)
        kr.fit = scoring.fit(spec, points, span.start)
        kr.forecast = scoring.forecast_of(kr.fit, span.start, span.end)
    else:
        kr.expected = kr.pace = kr.forecast = kr.fit = None
    kr.stale = scoring.is_stale(active, kr.last_check_in, stale_from(span, activated_on), as_of, stale_after)


def compute_objective(obj: ObjectiveView) -> None:
    obj.score = scoring.objective_score((kr.weight, kr.score) for kr in obj.key_results if kr.error is None)
    obj.grade = scoring.grade(obj.score)
    obj.band = scoring.band(obj.grade)


# --- renderings -----------------------------------------------------------------

def r4(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def fmt_grade(g: float | None) -> str:
    return "–" if g is None else f"{g:.1f}"


def fmt_progress(p: float) -> str:
    """Progress to two decimals, rounded, but never up onto a grade's boundary (0.05, 0.15, ...): rounding
    what is shown half-up then gives the grade shown beside it. 0.549 reads 0.54 with grade 0.5 (rounded
    it read 0.55 beside 0.5, two roundings in a row); 0.2857 reads 0.29, grade 0.3."""
    exact = Decimal(repr(round(p, 9)))  # float noise first, as scoring.grade
    shown = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if abs(shown) > abs(exact) and abs(shown) % Decimal("0.1") == Decimal("0.05"):
        shown = exact.quantize(Decimal("0.01"), rounding=ROUND_DOWN)  # up onto the boundary: the grade's side
    return f"{shown:.2f}"


_short: tuple[dict[str, str], dict[str, str]] | None = None


def short_names(people: dict[str, str]) -> dict[str, str]:
    """Each person's shortest name that no one else shares: `Bruno`, else `Bruno D.`, else
    `B. Diaz`, else the full name. Fifty people called "Person 00012" read `P. 00012`, not
    fifty times `Person`. Kept for the last dict asked about: every row of a report asks. Here, not in
    teamview, because the rows' owner column (tui/widgets/kr_row.py) asks it at the first frame, and
    teamview (the health metrics' filters) is not needed then."""
    global _short
    if _short is not None and _short[0] is people:
        return _short[1]
    words = {pid: (name.split() or [name]) for pid, name in people.items()}

    def candidates(w: list[str]) -> list[str]:
        if len(w) < 2:
            return [" ".join(w)]
        return [w[0], f"{w[0]} {w[-1][0]}.", f"{w[0][0]}. {w[-1]}", " ".join(w)]

    options = {pid: candidates(w) for pid, w in words.items()}
    taken: dict[str, int] = {}
    for opts in options.values():
        for c in set(opts):
            taken[c] = taken.get(c, 0) + 1
    out = {pid: next((c for c in opts if taken[c] == 1), opts[-1]) for pid, opts in options.items()}
    _short = (people, out)
    return out


def kr_target_text(kr: KRView) -> str:
    """Now → target, as the KR's kind reads it."""
    kind = kinds.get(kr.kind)
    return kind.now(kr) if kind else kinds.measured_text(kr)


def kr_flags(kr: KRView) -> str:
    parts = [kr.error or "", kr.pace or ""]
    if kr.stale:
        parts.append("STALE")
    return " ".join(p for p in parts if p)
