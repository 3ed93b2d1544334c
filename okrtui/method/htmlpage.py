"""The period as one self-contained HTML page (`okrtui export --format html`). Pure: views in, text out.

No script, no request: the CSS and every chart are inline, and a Content-Security-Policy in the
page itself forbids anything else (defence in depth behind the escaping: every text goes
through `svg.esc`). The page shows what `report` shows, organised as the TUI: by team, then by
the person the objectives belong to; each KR with now → target, the grade as a number and a bar,
the band as a word and a colour, its sparkline and its detail chart; then the dependencies and
the week's review. The health metrics come first, above the OKRs (as the weekly review and the team
screen show them), organised as the Health screen: unhealthy first. `team=True` follows
`report --team` (okrtui.method.render.team_listing; for metrics, healthrender.report_metrics)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain

from okrtui.core.text import count
from okrtui.method import cycle, health, kinds, periods, scoring, story, svg
from okrtui.method.health import MetricView, State
from okrtui.method.render import team_listing
from okrtui.method.review import change_text, mid_quarter, milestone, report_day_rows, value_text, week_review
from okrtui.method.svg import ascii_html, esc, esc_all
from okrtui.method.teamview import PersonView, answerer
from okrtui.method.views import DependencyView, KRView, ObjectiveView, PeriodReport, fmt_grade, kr_target_text, team_visible

NO_TEAM = "No team"


@dataclass
class Person:
    name: str
    grade: float | None
    band: str | None
    objectives: list[tuple[ObjectiveView, list[KRView]]] = field(default_factory=list)


@dataclass
class Team:
    name: str
    people: list[Person] = field(default_factory=list)


def page(rep: PeriodReport, dependencies: Sequence[DependencyView] = (), *, team: bool = False,
         stale_after: int = 7, metrics: Sequence[MetricView] = ()) -> str:
    """The whole page. `rep` is what `report` (or `report --team`) reads; with `team`, private
    objectives are left out here too (views.team_visible), whatever the caller passed. `metrics`:
    the report's Health section's (healthrender.report_metrics); with `team`, a private one is left
    out here too."""
    return "\n".join(page_lines(rep, dependencies, team=team, stale_after=stale_after, metrics=metrics))


def page_lines(rep: PeriodReport, dependencies: Sequence[DependencyView] = (), *, team: bool = False,
               stale_after: int = 7, metrics: Sequence[MetricView] = ()) -> Iterator[str]:
    """`page` as the pieces it joins with newlines (a piece may hold newlines too), made as they are
    asked for: the CLI checks and writes them as they come (okrtui.core.output.safe_lines), never
    holding the 19 MiB of 10,000 KRs. The sections are made as lists (an objective's a few pieces, the
    review's a row each), passed on by one C iterator: no generator resumed per piece."""
    return chain.from_iterable(_sections(rep, dependencies, team, stale_after, metrics))


def _sections(rep: PeriodReport, dependencies: Sequence[DependencyView], team: bool, stale_after: int,
              metrics: Sequence[MetricView]) -> Iterator[list[str]]:
    if team:  # report --team's rule and the team Markdown's listing and counts, not rules of its own
        rep = team_visible(rep)
        people, counts = team_listing(rep)
        teams = _teams_of_people(rep, people)
        kept = {o.id for pv in people for o in pv.objectives}
        listed = dataclasses.replace(rep, objectives=[o for o in rep.objectives if o.id in kept])
    else:  # `report`'s: every objective read, counted as `report` counts them
        listed, teams, counts = rep, _teams_of_owners(rep), rep.pace_counts()
    n_obj = len(listed.objectives)
    n_kr = sum(len(krs) for t in teams for p in t.people for _, krs in p.objectives)
    title = f"{'Team OKRs' if team else 'OKRs'} {rep.period.label}"
    span = rep.period
    now = (rep.as_of - span.start).days if span.start <= rep.as_of <= span.end else None
    legends: Legends = {(kind.chart, kind.points_label): f"lg-{i}" for i, kind in enumerate(kinds.REGISTRY.values())}
    out = [HEAD.format(title=esc(title), css=CSS + svg.CHART_CSS),
           svg.defs((span.end - span.start).days, story.x_ticks(span), now,
                    [(ident, chart, label) for (chart, label), ident in legends.items()]),
           "<header>", f"<h1>{esc(title)}</h1>",
           f'<p class="muted">As of {rep.as_of} · {rep.period.start} to {rep.period.end}</p>',
           f'<p class="counts">{count(n_obj, "objective")} · {count(n_kr, "key result")} · '
           f'<span class="pace pace-on-track">on track {counts["on track"]}</span> · '
           f'<span class="pace pace-at-risk">at risk {counts["at risk"]}</span> · '
           f'<span class="pace pace-behind">behind {counts["behind"]}</span> · stale {counts["stale"]}</p>',
           "</header>", "<main>"]
    yield out
    yield _health([m for m in metrics if m.visibility == "shared"] if team else metrics)
    if not teams:
        yield ['<p class="muted">No objectives in this period.</p>']
    rows = _Rows(rep, legends)
    for t in teams:
        yield from _team(t, rows)
    yield _dependencies(listed, dependencies)
    yield _review(listed, stale_after, rows.titles, rows.objectives, rows.confidences)
    yield ["</main>", f'<footer class="muted">okrtui · {esc(title)} · as of {rep.as_of}</footer>', "</body></html>\n"]


# --- grouping ---------------------------------------------------------------------------------

def _team_name(rep: PeriodReport, team_id: str | None) -> str:
    team = rep.teams.get(team_id) if team_id else None
    return team.name if team else NO_TEAM


def _teams_of_owners(rep: PeriodReport) -> list[Team]:
    """`report`'s objectives by team, then by owner, in the report's order."""
    teams: dict[str | None, Team] = {}
    people: dict[tuple[str | None, str], Person] = {}
    for o in rep.objectives:
        t = teams.get(o.team_id)
        if t is None:  # (not setdefault: its default, a Team, would be made for every objective)
            t = teams[o.team_id] = Team(_team_name(rep, o.team_id))
        owner = o.owner_id or o.origin
        p = people.get((o.team_id, owner))
        if p is None:
            p = people[(o.team_id, owner)] = Person(rep.person(owner), None, None)
            t.people.append(p)
        p.objectives.append((o, o.key_results))
    for p in people.values():  # the owner's objectives, equally weighted
        p.grade = scoring.grade(scoring.objective_score((1.0, o.score) for o, _ in p.objectives if o.score is not None))
        p.band = scoring.band(p.grade)
    return sorted(teams.values(), key=lambda t: (t.name == NO_TEAM, t.name))


def _teams_of_people(rep: PeriodReport, people: Sequence[PersonView]) -> list[Team]:
    """teamview.people's order (worst teams and people first), each person with the KRs they answer for."""
    teams: list[Team] = []
    for pv in people:
        name = _team_name(rep, pv.team_id)
        if not teams or teams[-1].name != name:
            teams.append(Team(name))
        teams[-1].people.append(Person(pv.name, pv.grade, pv.band, [(o, pv.krs[o.id]) for o in pv.objectives]))
    return teams


# --- sections ---------------------------------------------------------------------------------

def _band(band: str | None) -> str:
    return f'<span class="band band-{band}">{band}</span>' if band else '<span class="muted">no grade</span>'


def _grade(score: float | None, grade: float | None, band: str | None) -> str:
    return f'<span class="grade">{svg.grade_bar(score, band)} <b>{fmt_grade(grade)}</b> {_band(band)}</span>'


Legends = dict[tuple[str, str], str]  # (kind of chart, the points' label) → the legend's symbol id


class _Rows:
    """The KRs' rows of one page. 10,000 KRs make a page, so what many rows share is made once
    here: each person's name escaped, each grade's bar, each pace's flags, each kind's legend."""

    def __init__(self, rep: PeriodReport, legends: Legends) -> None:
        self.rep, self.legends = rep, legends
        self.names: dict[str | None, str] = {}
        self.grades: dict[tuple[float | None, float | None, str | None], str] = {}
        self.bars: dict[tuple[int | None, float | None, str | None], str] = {}
        self.flags: dict[tuple[str | None, bool], str] = {}
        self.kinds: dict[str, str] = {}
        self.texts: dict[str, str] = {}
        # Each KR's and objective's title, escaped (all at once: svg.esc_all): the week's review shows them again.
        krs = [kr for o in rep.objectives for kr in o.key_results]
        self.titles = dict(zip([kr.id for kr in krs], esc_all([kr.title for kr in krs]), strict=True))
        self.objectives = dict(zip([o.id for o in rep.objectives], esc_all([o.title for o in rep.objectives]), strict=True))
        self.days: dict[object, str] = {}  # each last check-in's day as shown: a period has ~90
        self.confidences: dict[float, str] = {}  # each confidence but zero as shown ("0.7"): the review's too
        self.chart = svg.Charts().chart  # the page's charts: what they share drawn once, used by reference

    def name(self, pid: str | None) -> str:
        shown = self.names.get(pid)
        if shown is None:
            shown = self.names[pid] = ascii_html(esc(self.rep.person(pid)))
        return shown

    def grade(self, score: float | None, grade: float | None, band: str | None) -> str:
        """The grade as shown, kept by score (`grades`) and made once per bar width, grade and band
        (`bars`): scores that differ but fill the bar alike share one."""
        shown = self.grades.get((score, grade, band))
        if shown is None:
            width = (svg.bar_tenths(score), grade, band)
            shown = self.bars.get(width)
            if shown is None:
                shown = self.bars[width] = ascii_html(_grade(score, grade, band))
            if len(self.grades) < 4096:
                self.grades[(score, grade, band)] = shown
        return shown

    def legend(self, kind_name: str) -> str:
        ident = self.kinds.get(kind_name)
        if ident is None:
            kind = kinds.get(kind_name)
            ident = self.kinds[kind_name] = self.legends.get((kind.chart, kind.points_label), "") if kind else ""
        return ident

    def pace(self, pace: str | None, stale: bool) -> str:
        key = (pace, stale)
        shown = self.flags.get(key)
        if shown is None:
            flags = f'<span class="pace pace-{pace.replace(" ", "-")}">{pace}</span>' if pace else ""
            if stale:
                flags += ' <span class="stale">⚠ stale</span>'
            shown = self.flags[key] = ascii_html(flags)
        return shown

    def text(self, raw: str) -> str:
        """A text many rows share ("57 → 100"), escaped once (as ASCII: "57 &#8594; 100")."""
        shown = self.texts.get(raw)
        if shown is None:
            shown = self.texts[raw] = ascii_html(esc(raw))
        return shown

    def kr(self, kr: KRView) -> str:
        """The KR's row and its chart's row, as one piece (lines joined with newlines). Every part of it
        but the KR's own texts (its title, error and note) is ASCII, the other characters written as
        references (`ascii_html`): a row of a KR titled in ASCII is one byte a character in Python, and
        written to the file as it is."""
        rep = self.rep
        title = self.titles[kr.id]  # every KR the page lists is the report's (escaped in __init__)
        flags = self.flags.get((kr.pace, kr.stale))
        if flags is None:
            flags = self.pace(kr.pace, kr.stale)
        if kr.error:
            flags += f' <span class="stale">{esc(kr.error)}</span>'
        points = kr.check_ins
        series = story.kr_series(kr, rep.period, rep.as_of)
        if points:
            last = points[-1]
            note = f'<br><q class="note">{esc(last.note)}</q>' if last.note else ""
            # The chart's own values when they are every check-in's (not a milestone's 0 or 1): no second list.
            ys = series.ys if len(series.ys) == len(points) and series.shape != "done" else [c.value for c in points[-8:]]
            trend = svg.sparkline(ys, f"check-ins of {title}")
        else:
            note, trend = "", svg.NO_SPARK
        chart = self.chart(series, f"Chart of {title}", self.kinds.get(kr.kind) or self.legend(kr.kind))
        who = answerer(kr)
        day = self.days.get(kr.last_check_in)
        if day is None:
            day = self.days[kr.last_check_in] = str(kr.last_check_in or DASH)
        target = kr_target_text(kr)
        grade = self.grades.get((kr.score, kr.grade, kr.band)) or self.grade(kr.score, kr.grade, kr.band)
        c = kr.confidence
        confidence = self.confidences.get(c) if c else None  # 0.0 and -0.0 (equal keys, not texts) never kept
        if confidence is None:
            confidence = DASH if c is None else f"{c:.1f}"
            if c and len(self.confidences) < 4096:
                self.confidences[c] = confidence
        return (f'<tr><th scope="row">{title}</th>\n<td>{self.names.get(who) or self.name(who)}</td>\n'
                f'<td>{self.texts.get(target) or self.text(target)}</td>\n<td>{grade}</td>\n<td>{flags or DASH}</td>\n'
                f'<td>{confidence}</td>\n<td>{day}{note}</td>\n<td>{trend}</td></tr>\n'
                f'<tr class="chart-row"><td colspan="8">{chart}</td></tr>')


def _team(t: Team, rows: _Rows) -> Iterator[list[str]]:
    """The team's section as lists of pieces: its heading, each person's heading, each objective's."""
    yield ['<section class="team">', f"<h2>{esc(t.name)}</h2>"]
    for p in t.people:
        yield ['<section class="person">', f"<h3>{esc(p.name)} <small>{fmt_grade(p.grade)} {_band(p.band)}</small></h3>"]
        for o, krs in p.objectives:
            yield _objective(o, krs, rows)
        yield ["</section>"]
    yield ["</section>"]


# The columns of the KRs' and the review's tables. Their cells carry no label of their own: on a phone,
# where each row becomes a card, the page's CSS names each cell by its column (`_CELL_LABELS`), as
# `data-label` does for the page's small tables (10,000 KRs would repeat each label 10,000 times).
KR_COLUMNS = ("Key result", "Who", "Now → target", "Grade", "Pace", "Confidence", "Last check-in", "Trend")
REVIEW_COLUMNS = ("Key result", "Objective", "Value", "This week", "Pace", "Confidence")


def _table_head(columns: Sequence[str]) -> str:
    return "<thead><tr>" + "".join(f'<th scope="col">{ascii_html(c)}</th>' for c in columns) + "</tr></thead>"


KR_TABLE_HEAD = _table_head(KR_COLUMNS)


def _objective(o: ObjectiveView, krs: list[KRView], rows: _Rows) -> list[str]:
    """The objective's lines as a few pieces, to be joined with newlines: its heading to its table's
    body, each KR's rows (_Rows.kr), the end."""
    title = rows.objectives[o.id]
    out = ['<article class="objective">', f"<h4>{title}</h4>",
           f'<p class="meta">{rows.text(o.level)} &#183; {rows.name(o.owner_id or o.origin)} &#183; {rows.text(o.status)} '
           f"&#183; {rows.grade(o.score, o.grade, o.band)}</p>"]
    if o.description:
        out.append(f'<p class="desc">{esc(o.description)}</p>')
    if not krs:
        out.append('<p class="muted">No key results.</p></article>')
        return out
    out += ['<table class="krs">', f"<caption>Key results of {title}</caption>", KR_TABLE_HEAD, "<tbody>"]
    pieces = ["\n".join(out), *map(rows.kr, krs)]
    pieces.append("</tbody></table>\n</article>")
    return pieces


def _dependencies(rep: PeriodReport, deps: Sequence[DependencyView]) -> list[str]:
    """The dependencies whose both ends are on the page, with their agreement state (okrtui.method.cycle)."""
    titles = ({o.id: o.title for o in rep.objectives} | {kr.id: kr.title for kr in rep.key_results()}) if deps else {}
    shown = [d for d in deps if d.from_id in titles and d.to_id in titles]
    out = ['<section class="deps">', "<h2>Dependencies</h2>"]
    if not shown:
        return [*out, '<p class="muted">None in this period.</p>', "</section>"]
    conv = rep.conversation or cycle.Conversation()
    out += ['<table><thead><tr><th scope="col">Relies on it</th><th scope="col">What it relies on</th>'
            '<th scope="col">State</th><th scope="col">Note</th></tr></thead><tbody>']
    for d in shown:
        agreed = cycle.agreement(d, cycle.end_answerer(rep, d.to_id), conv)
        out.append(f'<tr><th scope="row" data-label="Relies on it">{esc(titles[d.from_id])}</th>'
                   f'<td data-label="What it relies on">{esc(titles[d.to_id])}</td>'
                   f'<td data-label="State">{esc(agreed.state)}</td><td data-label="Note">{esc(d.note)}</td></tr>')
    return [*out, "</tbody></table>", "</section>"]


STALE = ascii_html(' <span class="stale">⚠ stale</span>')
DASH = ascii_html("–")  # no number, no pace
NO_CHANGE = ascii_html("±0")
TRENDS = {trend: ascii_html(trend) for trend in ("", "↑", "↓", "→")}  # a confidence's since the week before


def _review(rep: PeriodReport, stale_after: int, titles: dict[str, str],
            objective_titles: dict[str, str] | None = None, confidences: dict[float, str] | None = None) -> list[str]:
    """The week's review (the TUI's w): what moved this week, worst objectives first. `titles` and
    `objective_titles`: the KRs' and objectives' titles already escaped above (by id). The rows are
    week_review's, read from the KRs' own numbers on the report's day (review.report_day_rows). A value,
    change and confidence is formatted once per page (`confidences`: the KR rows' already), but zero:
    0.0 and -0.0 are one key and two texts."""
    objective_titles = objective_titles or {}
    confidences = {} if confidences is None else confidences
    values: dict[float, str] = {}
    changes: dict[float, str] = {}
    monday, _ = periods.week_of(rep.as_of)
    rows = report_day_rows(rep, stale_after)
    if rows is None:  # a check-in after the day is in the views: the review computes that day's numbers
        review = week_review(rep, monday, rep.as_of, stale_after)
        rows = [(r.objective, r.kr, r.value, r.value_change, r.pace, r.confidence, r.confidence_trend, r.stale)
                for r in review.rows]
    kind = "Mid-quarter review" if mid_quarter(rep.period, monday) else "Weekly review"
    out = ['<section class="review">', f"<h2>{kind}: week of {monday}</h2>"]
    if not rows:
        return [*out, '<p class="muted">Nothing to review this week.</p>', "</section>"]
    out += [f"<table>{_table_head(REVIEW_COLUMNS)}<tbody>"]
    objective, objective_title = None, ""
    done_kinds: dict[str, bool] = {}  # each kind's: read as done / not done (review.milestone)?
    change: str | None
    value: str | None
    shown: str | None
    add = out.append
    for o, kr, value_now, value_change, pace, confidence, trend, stale in rows:
        done = done_kinds.get(kr.kind)
        if done is None:
            done = done_kinds[kr.kind] = milestone(kr)
        if done:
            change, value = ascii_html(change_text(kr, value_change)), ascii_html(value_text(kr, value_now))
        else:
            change = NO_CHANGE if not value_change else changes.get(value_change)
            if change is None and value_change:  # (not None: "±0" else)
                change = f"{value_change:+g}"
                if len(changes) < 4096:
                    changes[value_change] = change
            value = values.get(value_now) if value_now else None
            if value is None:
                value = DASH if value_now is None else f"{value_now:g}"
                if value_now and len(values) < 4096:
                    values[value_now] = value
        if confidence is None:
            shown = DASH
        else:
            shown = confidences.get(confidence) if confidence else None
            if shown is None:
                shown = f"{confidence:.1f}"
                if confidence and len(confidences) < 4096:
                    confidences[confidence] = shown
            ref = TRENDS.get(trend)  # "↑" as "&#8593;"
            shown += ascii_html(trend) if ref is None else ref
        if o is not objective:  # an objective's rows come together
            objective = o
            objective_title = objective_titles.get(o.id) or esc(o.title)
        title = titles.get(kr.id)
        add(f'<tr><th scope="row">{esc(kr.title) if title is None else title}</th><td>{objective_title}</td>'
            f'<td>{value}</td><td>{change}</td><td>{pace or DASH}{STALE if stale else ""}</td><td>{shown}</td></tr>')
    return [*out, "</tbody></table>", "</section>"]


STATE_CLASS = {State.HEALTHY: "healthy", State.UNHEALTHY: "unhealthy", State.NO_DATA: "nodata"}
HEALTH_HEAD = ('<table class="health"><caption>Health metrics, unhealthy first</caption><thead><tr>'
               '<th scope="col">Metric</th><th scope="col">Status</th><th scope="col">Latest</th>'
               '<th scope="col">Expected</th><th scope="col">Last 12</th><th scope="col">Streak</th>'
               '<th scope="col">Measured by</th><th scope="col">Cadence</th></tr></thead><tbody>')


def _health(metrics: Sequence[MetricView]) -> list[str]:
    """The Health screen's table (report's Health section; nothing when there are no metrics): each
    metric's status as a mark and a word (✓ healthy, ✗ unhealthy, · no data, and ! due: never colour
    alone), its latest value against the expectation, its last 12 windows and its streak, unhealthy
    first (health.Health.rank)."""
    if not metrics:
        return []
    shown = sorted(metrics, key=lambda v: (v.health.rank, v.name.casefold(), v.id))
    sick = sum(1 for v in shown if v.health.state is State.UNHEALTHY)
    due = sum(1 for v in shown if v.health.due)
    out = ['<section class="health">', "<h2>Health</h2>",
           f'<p class="counts">{count(len(shown), "health metric")} · '
           f'<span class="h-unhealthy">unhealthy {sick}</span> · <span class="h-due">due {due}</span></p>',
           HEALTH_HEAD]
    for v in shown:
        h = v.health
        name = esc(v.name)
        status = f'<span class="h-{STATE_CLASS[h.state]}">{health.MARKS[h.state]} {h.state.value}</span>'
        if h.due:
            status += f' <span class="h-due">{health.DUE_MARK} due</span>'
        spark = svg.health_spark(v.spark, v.expect.low, v.expect.high,
                                 f"last {len(v.spark)} {health.UNIT_NAME[h.cadence]}s of {name}")
        out.append(f'<tr><th scope="row" data-label="Metric">{name}</th>'
                   f'<td data-label="Status">{status}</td>'
                   f'<td data-label="Latest">{esc(v.latest_text)}</td>'
                   f'<td data-label="Expected">{esc(v.expectation_text)}</td>'
                   f'<td data-label="Last 12">{spark}</td>'
                   f'<td data-label="Streak">{esc(h.streak_text()) or "–"}</td>'
                   f'<td data-label="Measured by">{esc(v.owner)}</td>'
                   f'<td data-label="Cadence">{esc(v.cadence)}</td></tr>')
    return [*out, "</tbody></table>", "</section>"]


HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>{css}</style>
</head>
<body>"""

# Each cell of the KRs' and the review's tables named on a phone by its column, not by a data-label.
_CELL_LABELS = "\n".join(f' .{table} td:nth-child({i})::before{{content:"{label}: "}}'
                         for table, columns in (("krs", KR_COLUMNS), ("review", REVIEW_COLUMNS))
                         for i, label in enumerate(columns[1:], 2))

# Text colours keep WCAG AA (4.5:1) on their backgrounds; bands carry their word as well as a colour.
CSS = """
:root{color-scheme:light}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff;
margin:0 auto;max-width:1100px;padding:0 16px 32px}
h1{font-size:1.6em;margin:.6em 0 .2em}h2{font-size:1.35em;border-bottom:2px solid #d0d7de;margin-top:1.6em}
h3{font-size:1.15em;margin:1.2em 0 .4em}h4{font-size:1.05em;margin:.8em 0 .2em}
small{font-weight:normal}.muted,.tick,.meta{color:#57606a}.tick{font-size:11px;fill:#57606a}
.counts{font-weight:600}.desc{margin:.2em 0}
article.objective{border:1px solid #d0d7de;border-radius:6px;padding:4px 12px 8px;margin:10px 0}
table{border-collapse:collapse;width:100%;margin:6px 0}caption{text-align:left;color:#57606a;font-size:.9em}
th,td{text-align:left;vertical-align:top;padding:4px 6px;border-bottom:1px solid #eaeef2}
thead th{font-size:.85em;color:#57606a;border-bottom:1px solid #d0d7de}
tbody th{font-weight:600}
.band{display:inline-block;padding:0 6px;border-radius:8px;font-size:.85em;font-weight:600}
.band-red{background:#b42318;color:#fff}.band-yellow{background:#f5d90a;color:#1f2328}
.band-green{background:#1a7f37;color:#fff}
.pace-on-track{color:#1a7f37}.pace-at-risk{color:#7d4e00}.pace-behind{color:#b42318;font-weight:600}
.stale{color:#7d4e00;font-weight:600}.note{color:#57606a}
.h-healthy{color:#1a7f37}.h-unhealthy{color:#b42318;font-weight:600}.h-nodata{color:#57606a}
.h-due{color:#7d4e00;font-weight:600}
svg.bar{width:50px;height:8px;vertical-align:middle}svg.defs{position:absolute}svg.spark{width:64px;height:18px}
svg.chart{width:100%;max-width:600px;height:auto;display:block}
tr.chart-row td{border-bottom:1px solid #d0d7de;padding-bottom:10px}
footer{margin-top:2em;font-size:.85em}
@media (max-width:700px){
 body{padding:0 10px 24px}
 table,thead,tbody,tr,th,td{display:block;width:auto}
 thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 tr{border-bottom:1px solid #d0d7de;padding:4px 0}
 th,td{border:0;padding:2px 0}
 td[data-label]::before{content:attr(data-label) ": "}
 td[data-label]::before,.krs td::before,.review td::before{color:#57606a;font-size:.85em}
{cell_labels}
 tr.chart-row td::before{content:none}
}
@media print{
 body{max-width:none;font-size:11pt}
 section.team+section.team,section.health+section.team,section.deps,section.review{break-before:page}
 article.objective,tr{break-inside:avoid}
 .band{border:1px solid #1f2328}
}
""".replace("{cell_labels}", _CELL_LABELS)
