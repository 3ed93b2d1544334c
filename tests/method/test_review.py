"""The weekly review reads the KRs' own numbers on the report's day (okrtui.method.review): the
same rows, objective grades and order as computing them afresh for that day."""

from __future__ import annotations

import dataclasses
import datetime as dt

from okrtui.method import periods
from okrtui.method.review import week_review
from okrtui.method.views import CheckInView, KRView, ObjectiveView, PeriodReport, compute_kr, compute_objective

SPAN = periods.quarter_of(dt.date(2026, 11, 26))
AS_OF = dt.date(2026, 11, 26)  # a Thursday: the week's Monday is the 23rd
MONDAY = periods.week_of(AS_OF)[0]


def kr(ident: str, kind: str, days_values: list[tuple[int, float]], **fields) -> KRView:
    check_ins = [CheckInView(f"{ident}-{i}", SPAN.start + dt.timedelta(days=d), v, 0.5 + i / 20, "")
                 for i, (d, v) in enumerate(days_values)]
    return KRView(ident, "o", ident, kind, "", None, fields.get("start"), fields.get("target"), fields.get("low"),
                  fields.get("high"), fields.get("weight", 1.0), fields.get("self_score"), "", "me", 0, check_ins)


def report() -> PeriodReport:
    this_week = (AS_OF - SPAN.start).days
    objectives = []
    for n, status in enumerate(("active", "active", "closed")):
        o = ObjectiveView(f"o{n}", f"objective {n}", "", "team", None, "me", None, status, "shared", "me", n)
        o.key_results = [
            kr(f"a{n}", "increase", [(7, 10 + n), (30, 20), (this_week - 1, 35 - 9 * n)], start=0, target=50),
            kr(f"b{n}", "decrease", [(14, 80), (this_week - 10, 70 - n)], start=90, target=30, self_score=0.4 * n or None),
            kr(f"c{n}", "range", [(7, 0.3), (this_week, 0.5)], low=0.4, high=0.6),
            kr(f"d{n}", "milestone", []),
            kr(f"e{n}", "increase", [(this_week, 5)], start=0, target=10, weight=0.0),
        ]
        active = status == "active"
        for k in o.key_results:
            compute_kr(k, SPAN, AS_OF, active, 7, SPAN.start)
        compute_objective(o)
        objectives.append(o)
    return PeriodReport(SPAN, AS_OF, objectives, {}, {})


def test_the_review_on_the_reports_day_is_the_review_computed_afresh():
    rep = report()
    shortcut = week_review(rep, MONDAY, AS_OF)
    # The same views said to be as of the next day: the review of AS_OF can no longer read them.
    afresh = week_review(dataclasses.replace(rep, as_of=AS_OF + dt.timedelta(days=1)), MONDAY, AS_OF)
    assert shortcut.as_of == afresh.as_of == AS_OF
    assert [r.kr.id for r in shortcut.rows] == [r.kr.id for r in afresh.rows]
    assert len(shortcut.rows) == 15
    for a, b in zip(shortcut.rows, afresh.rows, strict=True):
        assert dataclasses.astuple(a)[2:] == dataclasses.astuple(b)[2:], a.kr.id
    assert shortcut.counts == afresh.counts
    assert {r.pace for r in shortcut.rows} >= {"on track", "behind"}


def test_a_check_in_after_the_reviewed_day_is_not_read():
    rep = report()
    later = rep.objectives[0].key_results[0]
    later.check_ins.append(CheckInView("late", AS_OF + dt.timedelta(days=3), 49.0, 0.9, ""))
    row = next(r for r in week_review(rep, MONDAY, AS_OF).rows if r.kr is later)
    assert row.value == 35 and row.confidence != 0.9


def test_the_weeks_progress_change_is_computed_when_asked_and_is_the_change():
    """A row keeps the week before's check-ins and computes their progress when progress_change is
    first read (the HTML page's review never reads it): the same number as computing it outright."""
    from okrtui.method import scoring

    rep = report()
    rows = week_review(rep, MONDAY, AS_OF).rows
    moved = 0
    for r in rows:
        before = [c for c in r.kr.check_ins if c.date < MONDAY]
        want = r.progress - scoring.progress(r.kr.spec, before)
        assert r.progress_change == want and r.progress_change == want, r.kr.id  # twice: once computed
        assert isinstance(r.progress_before, float)
        moved += want != 0
    assert moved >= 3


def test_each_rows_due_stale_value_and_confidence_follow_their_rules_in_any_week():
    """_row reads the check-ins up to the day and the week before inline, and a row's `due` with the
    week's Monday made once: the same as views.is_due and scoring.is_stale on the check-ins up to
    that day, for every week of the period (check-ins after the day included in the views)."""
    from okrtui.method import scoring
    from okrtui.method.views import is_due, stale_from

    rep = report()
    rep.objectives[1].key_results[0].check_ins.append(CheckInView("late", AS_OF + dt.timedelta(days=3), 49.0, 0.9, ""))
    checked = set()
    for weeks_back in range(0, 13):
        monday = MONDAY - dt.timedelta(weeks=weeks_back)
        review = week_review(rep, monday, AS_OF)
        for r in review.rows:
            upto = [c for c in r.kr.check_ins if c.date <= review.as_of]
            before = [c for c in r.kr.check_ins if c.date < monday]
            last = upto[-1] if upto else None
            active = r.objective.status == "active"
            stale_start = stale_from(rep.period, r.objective.activated_on)
            assert r.due == (active and is_due(last.date if last else None, review.as_of)), (weeks_back, r.kr.id)
            assert r.stale == scoring.is_stale(active, last.date if last else None, stale_start, review.as_of), r.kr.id
            assert r.value == (last.value if last else None) and r.confidence == (last.confidence if last else None)
            want_change = None if not (upto and before) else upto[-1].value - before[-1].value
            assert r.value_change == want_change, (weeks_back, r.kr.id)
            checked.add((r.due, r.stale))
    assert checked >= {(True, True), (False, False), (True, False)}


def test_the_pages_rows_are_week_reviews_rows_on_any_day_and_none_with_a_later_check_in():
    """review.report_day_rows (the HTML page's review, read from the KRs' own numbers) gives
    week_review's rows for the report's own week: the same KRs in the same order, each with the same
    value, change, pace, confidence, trend and stale, on every day of several weeks and for several
    stale_after; with a check-in after the day in the views it gives None (the page then uses
    week_review)."""
    from okrtui.method.review import report_day_rows

    seen = set()
    for back in range(0, 24):
        as_of = AS_OF - dt.timedelta(days=back)
        for stale_after in (3, 7, 30):
            rep = report()
            for o in rep.objectives:  # as read on that day: its check-ins up to it, its numbers for it
                if o.id == "o1":
                    o.status = "draft"  # listed, never graded: not reviewed
                if o.id == "o2":
                    o.activated_on = as_of - dt.timedelta(days=5)
                for k in o.key_results:
                    k.check_ins = [c for c in k.check_ins if c.date <= as_of]
                    if k.id == "a0" and len(k.check_ins) > 1:  # confidence kept, then lowered
                        k.check_ins[-1] = dataclasses.replace(k.check_ins[-1], confidence=k.check_ins[-2].confidence)
                    compute_kr(k, SPAN, as_of, o.status == "active", stale_after, o.activated_on)
                compute_objective(o)
            rep = dataclasses.replace(rep, as_of=as_of)
            monday = periods.week_of(as_of)[0]
            want = [(r.objective, r.kr, r.value, r.value_change, r.pace, r.confidence, r.confidence_trend, r.stale)
                    for r in week_review(rep, monday, as_of, stale_after).rows]
            got = report_day_rows(rep, stale_after)
            assert got == want, (as_of, stale_after)
            seen |= {(row[6], row[7], row[3] is None) for row in got}
            rep.objectives[0].key_results[1].check_ins.append(CheckInView("late", as_of + dt.timedelta(days=1), 1.0, None, ""))
            assert report_day_rows(rep, stale_after) is None
    assert {t for t, _, _ in seen} >= {"", "↑", "→"} and {s for _, s, _ in seen} == {True, False}
    assert {n for _, _, n in seen} == {True, False}
