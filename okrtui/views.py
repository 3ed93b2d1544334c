"""Views of a period (objectives, KRs, check-ins with every number of the method) and their renderings.

Pure: no database. `okrtui.report.build` fills these from the store; the CLI,
exports, lint and every TUI screen read the same views.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from okrtui import periods, scoring
from okrtui.domain import KIND_NAMES
from okrtui.text import csv_cell, md_cell, plain


@dataclass(slots=True)
class CheckInView:
    """One check-in. Lists of them are kept oldest first (by date, then creation), as the query
    returns them, so no ordering key is stored: memory counts at 100,000s of check-ins."""

    id: str
    date: dt.date
    value: float
    confidence: float | None
    note: str


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
    last_check_in: dt.date | None = None
    stale: bool = False
    error: str | None = None  # why the KR cannot be scored (a row no check would have let in)

    @property
    def spec(self) -> scoring.Spec:
        return scoring.Spec(self.kind, self.start, self.target, self.low, self.high)

    @property
    def points(self) -> list[scoring.Point]:
        return [scoring.Point(c.date, c.value) for c in self.check_ins]  # already oldest first


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
    score: float | None = None
    grade: float | None = None
    band: str | None = None


@dataclass
class PeriodReport:
    period: periods.Span
    as_of: dt.date
    objectives: list[ObjectiveView]
    people: dict[str, str]
    teams: dict[str, Any]  # id → okrtui.model.Team

    def person(self, pid: str | None) -> str:
        if pid is None:
            return "–"
        return self.people.get(pid, pid)

    def key_results(self) -> list[KRView]:
        return [kr for o in self.objectives for kr in o.key_results]

    def pace_counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for kr in self.key_results():
            if kr.pace:
                counts[kr.pace] += 1
            if kr.stale:
                counts["stale"] += 1
        return counts


def own(rep: PeriodReport, me: str) -> PeriodReport:
    """The same report limited to the local user's own objectives."""
    return PeriodReport(rep.period, rep.as_of, [o for o in rep.objectives if o.origin == me], rep.people, rep.teams)


def compute_kr(kr: KRView, span: periods.Span, as_of: dt.date, active: bool, stale_after: int) -> None:
    if kr.kind not in KIND_NAMES:
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
    if kr.kind in ("increase", "decrease"):
        kr.expected = scoring.expected(span.start, span.end, as_of)
        kr.pace = scoring.pace(spec, kr.progress, kr.expected)
        kr.forecast = scoring.forecast(spec, points, span.start, span.end)
    else:
        kr.expected = kr.pace = kr.forecast = None
    kr.stale = scoring.is_stale(active, kr.last_check_in, span.start, as_of, stale_after)


def compute_objective(obj: ObjectiveView) -> None:
    obj.score = scoring.objective_score((kr.weight, kr.score) for kr in obj.key_results if kr.error is None)
    obj.grade = scoring.grade(obj.score)
    obj.band = scoring.band(obj.grade)


# --- renderings -----------------------------------------------------------------

def r4(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def num(x: float | None) -> int | float | None:
    """A stored float as people wrote it: 94.0 → 94."""
    if x is None:
        return None
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else x


def fmt_num(x: float | None) -> str:
    if x is None:
        return "–"
    n = num(x)
    return str(n) if isinstance(n, int) else f"{n:g}"


def fmt_grade(g: float | None) -> str:
    return "–" if g is None else f"{g:.1f}"


def to_json(rep: PeriodReport) -> str:
    doc = {
        "format": "okrtui-report/1",
        "period": rep.period.label,
        "as_of": rep.as_of.isoformat(),
        "objectives": [
            {
                "id": o.id, "title": o.title, "owner": o.owner_id, "level": o.level, "team": o.team_id,
                "status": o.status, "score": r4(o.score), "grade": o.grade, "band": o.band,
                "key_results": [_kr_json(kr) for kr in o.key_results],
            }
            for o in rep.objectives
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def _kr_json(kr: KRView) -> dict[str, Any]:
    return {
        "id": kr.id, "title": kr.title, "owner": kr.owner_id, "kind": kr.kind, "unit": kr.unit,
        "start": num(kr.start), "target": num(kr.target), "low": num(kr.low), "high": num(kr.high),
        "weight": num(kr.weight), "current": num(kr.current), "progress": r4(kr.progress),
        "self_score": kr.self_score, "score": r4(kr.score), "grade": kr.grade, "band": kr.band,
        "confidence": kr.confidence, "expected": r4(kr.expected), "pace": kr.pace,
        "forecast": r4(kr.forecast),
        "last_check_in": kr.last_check_in.isoformat() if kr.last_check_in else None,
        "stale": kr.stale,
    }


def kr_target_text(kr: KRView) -> str:
    unit = f" {kr.unit}" if kr.unit else ""
    if kr.kind in ("increase", "decrease"):
        return f"{fmt_num(kr.current)} → {fmt_num(kr.target)}{unit}"
    if kr.kind == "range":
        return f"{fmt_num(kr.current)} in {fmt_num(kr.low)}..{fmt_num(kr.high)}{unit}"
    if kr.kind == "milestone":
        return "done" if kr.progress >= 1 else "not done"
    return f"{fmt_num(kr.current)}{unit}" if kr.check_ins else f"not measured{unit}"


def kr_flags(kr: KRView) -> str:
    parts = [kr.error or "", kr.pace or ""]
    if kr.stale:
        parts.append("STALE")
    return " ".join(p for p in parts if p)


def to_text(rep: PeriodReport) -> str:
    out = [f"{rep.period.label} ({rep.period.start} .. {rep.period.end}), as of {rep.as_of}"]
    counts = rep.pace_counts()
    out.append(
        f"{len(rep.objectives)} objectives · {len(rep.key_results())} key results · "
        f"on track {counts['on track']} · at risk {counts['at risk']} · behind {counts['behind']} · "
        f"stale {counts['stale']}"
    )
    for o in rep.objectives:
        out.append("")
        out.append(
            f"{fmt_grade(o.grade):>4} {o.band or '':<6} {plain(o.title)}  "
            f"({o.level}, {plain(rep.person(o.owner_id))}, {o.status})"
        )
        for kr in o.key_results:
            conf = "" if kr.confidence is None else f"  conf {kr.confidence:.1f}"
            out.append(
                f"     {fmt_grade(kr.grade):>4} {kr.band or '':<6} {plain(kr.title)}  "
                f"{plain(kr_target_text(kr))}{conf}  {kr_flags(kr)}".rstrip()
            )
    return "\n".join(out) + "\n"


def to_markdown(rep: PeriodReport) -> str:
    out = [f"# OKRs {rep.period.label}", "", f"As of {rep.as_of} ({rep.period.start} .. {rep.period.end})."]
    for o in rep.objectives:
        out += [
            "",
            f"## {md_cell(o.title)} — {fmt_grade(o.grade)} {o.band or ''}".rstrip(),
            "",
            f"{o.level} · {md_cell(rep.person(o.owner_id))} · {o.status}",
            "",
            "| Key result | Owner | Now → target | Grade | Confidence | Pace | Last check-in |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for kr in o.key_results:
            conf = "–" if kr.confidence is None else f"{kr.confidence:.1f}"
            out.append(
                f"| {md_cell(kr.title)} | {md_cell(rep.person(kr.owner_id))} | {md_cell(kr_target_text(kr))} "
                f"| {fmt_grade(kr.grade)} {kr.band or ''} | {conf} | {kr_flags(kr) or '–'} "
                f"| {kr.last_check_in or '–'} |"
            )
    return "\n".join(out) + "\n"


CSV_COLUMNS = [
    "period", "objective_id", "objective", "level", "objective_owner", "status", "objective_score",
    "objective_grade", "kr_id", "key_result", "kr_owner", "kind", "unit", "start", "target", "low",
    "high", "weight", "current", "progress", "self_score", "score", "grade", "band", "confidence",
    "expected", "pace", "forecast", "last_check_in", "stale",
]


def csv_rows(rep: PeriodReport) -> list[list[Any]]:
    rows = []
    for o in rep.objectives:
        krs: list[KRView | None] = list(o.key_results) or [None]
        for kr in krs:
            row: list[Any] = [rep.period.label, o.id, o.title, o.level, o.owner_id, o.status, r4(o.score), o.grade]
            if kr is None:
                row += [None] * (len(CSV_COLUMNS) - len(row))
            else:
                data = _kr_json(kr)
                row += [
                    kr.id, kr.title, kr.owner_id, kr.kind, kr.unit, data["start"], data["target"],
                    data["low"], data["high"], data["weight"], data["current"], data["progress"],
                    kr.self_score, data["score"], kr.grade, kr.band, kr.confidence, data["expected"],
                    kr.pace, data["forecast"], data["last_check_in"], kr.stale,
                ]
            rows.append(row)
    return rows


def to_csv(reports: list[PeriodReport]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rep in reports:
        for row in csv_rows(rep):
            writer.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def to_team_markdown(rep: PeriodReport, stale_after: int = 7) -> str:
    """The weekly status a lead pastes into an email or chat: by team and person."""
    from okrtui import periods, teamview
    from okrtui.review import week_review

    monday, _ = periods.week_of(rep.as_of)
    moved = {row.kr.id: row for row in week_review(rep, monday, rep.as_of, stale_after).rows}
    counts = rep.pace_counts()
    out = [f"# Team status {rep.period.label}, week of {monday}", "",
           f"As of {rep.as_of}: on track {counts['on track']} · at risk {counts['at risk']} · "
           f"behind {counts['behind']} · stale {counts['stale']}."]
    team_shown = object()
    for pv in teamview.people(rep):
        if pv.team_id != team_shown:
            team_shown = pv.team_id
            team = rep.teams.get(pv.team_id) if pv.team_id else None
            out += ["", f"## {md_cell(team.name) if team else 'No team'}"]
        out += ["", f"### {md_cell(pv.name)} — {fmt_grade(pv.grade)} {pv.band or ''}".rstrip(), ""]
        for o in pv.objectives:
            out.append(f"- **{md_cell(o.title)}** — {fmt_grade(o.grade)} {o.band or ''}".rstrip())
            for kr in sorted(o.key_results, key=teamview.attention):
                flags = [f for f in (("⚠ stale" if kr.stale else ""), kr.pace or "") if f]
                row = moved.get(kr.id)
                change = ""
                if row is not None and row.value_change:
                    change = f" ({row.value_change:+g} this week)"
                line = (f"  - {md_cell(kr.title)}: {md_cell(kr_target_text(kr))}{change}, "
                        f"grade {fmt_grade(kr.grade)}")
                if flags:
                    line += f", **{', '.join(flags)}**"
                last = kr.check_ins[-1] if kr.check_ins else None
                if last is not None and last.note:
                    line += f" — “{md_cell(last.note)}” ({last.date})"
                out.append(line)
    return "\n".join(out) + "\n"


def render(rep: PeriodReport, fmt: str, team: bool = False, stale_after: int = 7) -> str:
    if fmt == "json":
        return to_json(rep) + "\n"
    if fmt == "md" and team:
        return to_team_markdown(rep, stale_after)
    if fmt == "md":
        return to_markdown(rep)
    if fmt == "csv":
        return to_csv([rep])
    return to_text(rep)
