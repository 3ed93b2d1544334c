"""The period views rendered as text, Markdown, CSV and JSON (okrtui-report/1). Pure: no database."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from okrtui.core.text import count, csv_cell, json_safe, md_cell, plain
from okrtui.method import cycle, healthrender, periods, teamview
from okrtui.method.domain import REFLECTION_QUESTIONS
from okrtui.method.health import MetricView
from okrtui.method.review import milestone, week_review
from okrtui.method.views import KRView, ObjectiveView, PeriodReport, fmt_grade, graded, kr_flags, kr_target_text, num, r4


def report_doc(rep: PeriodReport) -> dict[str, Any]:
    """The report (okrtui-report/1) as one JSON value."""
    return {
        "format": "okrtui-report/1",
        "period": rep.period.label,
        "as_of": rep.as_of.isoformat(),
        "objectives": [{**_objective_json(o), "key_results": [_kr_json(kr) for kr in o.key_results]}
                       for o in rep.objectives],
    }


def to_json(rep: PeriodReport) -> str:
    """report_doc(rep), one objective and one KR per line. The C encoder runs only without
    indent=; indenting it all went through the pure-Python encoder, a second per 10,000 KRs."""
    dump = json.JSONEncoder(ensure_ascii=False).encode
    head = {"format": "okrtui-report/1", "period": rep.period.label, "as_of": rep.as_of.isoformat()}
    lines = ["{"] + [f"  {dump(key)}: {dump(value)}," for key, value in head.items()]
    objectives = []
    for o in rep.objectives:
        start = dump(_objective_json(o))[:-1]  # without its closing brace
        krs = ",\n".join(f"      {dump(_kr_json(kr))}" for kr in o.key_results)
        objectives.append(f'    {start}, "key_results": [\n{krs}\n    ]}}' if krs else f'    {start}, "key_results": []}}')
    lines.append('  "objectives": [' + ("\n" + ",\n".join(objectives) + "\n  ]" if objectives else "]"))
    return json_safe("\n".join(lines) + "\n}")


def _objective_json(o: ObjectiveView) -> dict[str, Any]:
    return {"id": o.id, "title": o.title, "owner": o.owner_id, "level": o.level, "team": o.team_id,
            "status": o.status, "score": r4(o.score), "grade": o.grade, "band": o.band}


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


def to_text(rep: PeriodReport) -> str:
    out = [f"{rep.period.label} ({rep.period.start} .. {rep.period.end}), as of {rep.as_of}"]
    counts = rep.pace_counts()
    out.append(
        f"{count(len(rep.objectives), 'objective')} · {count(len(rep.key_results()), 'key result')} · "
        f"on track {counts['on track']} · at risk {counts['at risk']} · behind {counts['behind']} · "
        f"stale {counts['stale']}"
    )
    for o in rep.objectives:
        out.append("")
        live = graded(o)  # a draft or a proposal in review: listed, not graded nor counted
        out.append(
            f"{fmt_grade(o.grade) if live else '–':>4} {(o.band or '') if live else '':<6} {plain(o.title)}  "
            f"({o.level}, {plain(rep.person(o.owner_id))}, {o.status})"
        )
        for kr in o.key_results:
            conf = "" if kr.confidence is None else f"  conf {kr.confidence:.1f}"
            grade, band, flags = (fmt_grade(kr.grade), kr.band or "", kr_flags(kr)) if live else ("–", "", "")
            out.append(
                f"     {grade:>4} {band:<6} {plain(kr.title)}  "
                f"{plain(kr_target_text(kr))}{conf}  {flags}".rstrip()
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
    monday, _ = periods.week_of(rep.as_of)
    moved = {row.kr.id: row for row in week_review(rep, monday, rep.as_of, stale_after).rows}
    listed, counts = team_listing(rep)
    out = [f"# Team status {rep.period.label}, week of {monday}", "",
           f"As of {rep.as_of}: on track {counts['on track']} · at risk {counts['at risk']} · "
           f"behind {counts['behind']} · stale {counts['stale']}."]
    team_shown = object()
    for pv in listed:
        if pv.team_id != team_shown:
            team_shown = pv.team_id
            team = rep.teams.get(pv.team_id) if pv.team_id else None
            out += ["", f"## {md_cell(team.name) if team else 'No team'}"]
        out += ["", f"### {md_cell(pv.name)} — {fmt_grade(pv.grade)} {pv.band or ''}".rstrip(), ""]
        for o in pv.objectives:
            if not graded(o):
                out.append(f"- **{md_cell(o.title)}** — awaiting approval")
                continue
            out.append(f"- **{md_cell(o.title)}** — {fmt_grade(o.grade)} {o.band or ''}".rstrip())
            for kr in pv.krs[o.id]:  # the KRs this person answers for, attention first
                flags = [f for f in (("⚠ stale" if kr.stale else ""), kr.pace or "") if f]
                row = moved.get(kr.id)
                change = ""
                if row is not None and row.value_change:  # a milestone says "done this week", not "+1"
                    change = " (done this week)" if milestone(kr) and row.value_change > 0 else \
                        " (undone this week)" if milestone(kr) else f" ({row.value_change:+g} this week)"
                line = (f"  - {md_cell(kr.title)}: {md_cell(kr_target_text(kr))}{change}, "
                        f"grade {fmt_grade(kr.grade)}")
                if flags:
                    line += f", **{', '.join(flags)}**"
                last = kr.check_ins[-1] if kr.check_ins else None
                if last is not None and last.note:
                    line += f" — “{md_cell(last.note)}” ({last.date})"
                out.append(line)
    out += _conversation_markdown(rep)
    return "\n".join(out) + "\n"


def team_listing(rep: PeriodReport) -> tuple[list[teamview.PersonView], Counter[str]]:
    """What a team page lists (teamview.people: live objectives by team, then by who answers for
    each KR) and its counts, counted over exactly the KRs listed: each once, under its answerer
    (no drafts, no archived objectives). The team Markdown and the HTML page both use it."""
    listed = teamview.people(rep)
    return listed, teamview.pace_counts(listed)  # each KR once, a proposal in review in none


def _conversation_markdown(rep: PeriodReport) -> list[str]:
    """Objectives awaiting their lead's approval, and dependencies not agreed (okrtui.method.cycle)."""
    waiting, deps = cycle.open_matters(rep)
    out: list[str] = []
    if waiting:
        out += ["", "## Awaiting approval", ""]
        out += [f"- **{md_cell(o.title)}** ({o.id}) by {md_cell(rep.person(o.origin))}, for "
                f"{md_cell(rep.person(r.lead))}" + (" (changed since approved)" if r.changed else "")
                for o, r in waiting]
    if deps:
        titles = {o.id: o.title for o in rep.objectives} | {kr.id: kr.title for kr in rep.key_results()}
        out += ["", "## Dependencies not agreed", ""]
        for dep, agreed in deps:
            line = (f"- {dep.id}: {md_cell(titles.get(dep.from_id, dep.from_id))} → "
                    f"{md_cell(titles.get(dep.to_id, dep.to_id))}, **{agreed.state}**")
            if agreed.state == cycle.PROPOSED:
                line += f" (waiting for {md_cell(rep.person(agreed.answerer))})"
            elif agreed.note:
                line += f" by {md_cell(rep.person(agreed.answerer))}: “{md_cell(agreed.note)}”"
            out.append(line)
    reflections = cycle.led_reflections(rep)
    if reflections:

        out += ["", "## Reflections (the teams you lead)"]
        for person, answers in reflections:
            out += ["", f"### {md_cell(rep.person(person))}", ""]
            out += [f"- *{md_cell(REFLECTION_QUESTIONS.get(q, q))}* {md_cell(a)}" for q, a in answers]
    return out


def uses_notes(fmt: str, team: bool) -> bool:
    """Whether a rendering shows check-in notes (the team Markdown and page quote each KR's latest)."""
    return fmt in ("md", "html") and team


def render(rep: PeriodReport, fmt: str, team: bool = False, stale_after: int = 7,
           metrics: Sequence[MetricView] = ()) -> str:
    """The report, and its Health section when there are health metrics (okrtui.method.healthrender)."""
    if fmt == "json":
        text = to_json(rep)
        health = json.JSONEncoder(ensure_ascii=False).encode([healthrender.metric_json(m) for m in metrics])
        return f'{text[:-2]},\n  "metrics": {json_safe(health)}\n}}\n'
    if fmt == "md":
        return (to_team_markdown(rep, stale_after) if team else to_markdown(rep)) + healthrender.section_markdown(metrics)
    if fmt == "csv":
        return to_csv([rep]) + ("\n" + healthrender.to_csv(metrics) if metrics else "")
    return to_text(rep) + healthrender.section_text(metrics)


def reflections_markdown(reflections: dict[str, str], who: str) -> str:
    """The quarter-end reflection answers as a Markdown section ("" when none is answered)."""

    answered = [(q, reflections[key]) for key, q in REFLECTION_QUESTIONS.items() if reflections.get(key, "").strip()]
    if not answered:
        return ""
    out = ["", f"## Reflections — {md_cell(who)}"]
    for question, answer in answered:
        out += ["", f"**{question}**", "", md_cell(answer)]
    return "\n".join(out) + "\n"
