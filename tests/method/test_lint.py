import datetime as dt
import json

import pytest

from okrtui.method import lint, periods
from okrtui.method.views import CheckInView, KRView, ObjectiveView, PeriodReport, compute_kr, compute_objective

SPAN = periods.quarter("2026-Q4")
TODAY = dt.date(2026, 11, 26)


def range_kr(**fields):  # a range KR kept between 120 and 250 ms
    return kr(**{"title": "P95 API latency between 120 and 250 ms", "kind": "range", "start": None, "target": None,
                  "low": 120, "high": 250, **fields})


def kr(title="Activation rate from 31% to 45%", kind="increase", start=31, target=45, owner="p-a", stale=False,
       kid="k1", low=None, high=None, values=()):
    check_ins = [CheckInView(f"c{i}", dt.date(2026, 10, 5) + dt.timedelta(weeks=i), v, None, "")
                 for i, v in enumerate(values)]
    view = KRView(kid, "o1", title, kind, "", owner, start, target, low, high, 1.0, None, "", "p-a", 0, check_ins)
    compute_kr(view, SPAN, TODAY, active=False, stale_after=7)
    view.stale = stale
    return view


def objective(title="Delight first-week users", krs=None, status="active", level="company", parent=None,
              owner="p-a", oid="o1"):
    o = ObjectiveView(oid, title, "", level, None, owner, parent, status, "shared", "p-a", 0,
                      [kr()] if krs is None else krs)
    compute_objective(o)
    return o


def findings(*objectives):
    rep = PeriodReport(SPAN, TODAY, list(objectives), {"p-a": "Ann"}, {})
    return lint.check(rep)


def rules(*objectives):
    return {f.rule for f in findings(*objectives)}


def test_a_good_objective_has_no_findings():
    assert rules(objective()) == set()


CASES = [
    ("too-many-objectives", [objective(oid=f"o{i}") for i in range(6)], [objective(oid=f"o{i}") for i in range(5)]),
    ("no-key-results", [objective(krs=[])], [objective(krs=[], status="draft")]),
    ("too-many-key-results", [objective(krs=[kr(kid=f"k{i}") for i in range(6)])],
     [objective(krs=[kr(kid=f"k{i}") for i in range(5)])]),
    ("quantitative-objective", [objective("Grow revenue 20%")], [objective("Delight our enterprise customers")]),
    ("quantitative-objective", [objective("Win 3 new markets")], [objective("Win new markets")]),
    ("no-kr-owner", [objective(krs=[kr(owner=None)])], [objective(krs=[kr(owner="p-a")])]),
    ("no-measurable-target", [objective(krs=[kr(start=5, target=5)])], [objective(krs=[kr(start=5, target=6)])]),
    ("no-measurable-target", [objective(krs=[kr(kind="decrease", start=5, target=9)])],
     [objective(krs=[kr(kind="decrease", start=9, target=5)])]),
    ("all-milestones", [objective(krs=[kr(kind="milestone", start=None, target=None)])],
     [objective(krs=[kr(kind="milestone", start=None, target=None), kr(kid="k2")])]),
    ("task-not-result", [objective(krs=[kr("Write the onboarding guide", kind="milestone")])],
     [objective(krs=[kr("Onboarding guide rated 4+ by new hires", kind="milestone"), kr(kid="k2")])]),
    ("task-not-result", [objective(krs=[kr("Hold 5 customer workshops")])],
     [objective(krs=[kr("Holdout group shows +5% retention")])]),
    ("negative-language", [objective("Don't lose enterprise customers")], [objective("Keep enterprise customers")]),
    ("negative-language", [objective("Avoid outages")], [objective("Make outages rare and short")]),
    ("too-long", [objective("Delight " * 15)], [objective("Delight users")]),
    ("unaligned", [objective(level="team")], [objective(level="team", parent="o-c"), objective(level="company")]),
    ("stale", [objective(krs=[kr(stale=True)])], [objective(krs=[kr(stale=False)])]),
    ("stale-title", [objective(krs=[kr("Deploy success rate from 92% to 99%", start=95.7, target=99)])],
     [objective(krs=[kr("Deploy success rate from 92% to 99%", start=92, target=99)]),
      objective(oid="o2", krs=[kr("Revenue grows to 1.5M", start=1, target=1500000)])]),
    # health-metric-as-kr: a range that holds where the KR starts only keeps a level; one that does not is
    # a change to make (from 80 % into 95-99 %); a range with nothing to start from is not judged.
    ("health-metric-as-kr", [objective(krs=[range_kr(values=(180, 260, 200))])],
     [objective(krs=[range_kr(values=(300, 240))]), objective(krs=[range_kr()])]),
    ("health-metric-as-kr", [objective(krs=[range_kr(start=200)])], [objective(krs=[range_kr(start=119.9)])]),
    ("health-metric-as-kr", [objective(krs=[range_kr(values=(120,))]), objective(krs=[range_kr(values=(250,))])],
     [objective(krs=[range_kr(values=(250.5,))])]),
    ("health-metric-as-kr", [objective(krs=[kr("Maintain NPS above 50", start=50, target=51)])],
     [objective(krs=[kr("NPS from 40 to 50", start=40, target=50)])]),
    ("health-metric-as-kr", [objective(krs=[kr("keep churn under 2%", kind="decrease", start=3, target=2)])],
     [objective(krs=[kr("Keeping score: wins from 3 to 9", start=3, target=9)])]),
    ("health-metric-as-kr", [objective(krs=[kr("Stay under budget", kind="milestone", start=None, target=None)]),
                             objective(krs=[kr("Remain SOC 2 compliant", kind="milestone", start=None, target=None)])],
     [objective(krs=[kr("Stayed customers from 10 to 20", start=10, target=20)])]),
]


@pytest.mark.parametrize("rule_id, triggers, passes", CASES, ids=[c[0] for c in CASES])
def test_rule_triggers_and_does_not(rule_id, triggers, passes):
    assert rule_id in rules(*triggers)
    assert rule_id not in rules(*passes)


def test_every_rule_of_the_method_is_registered_with_level_and_hint():
    ids = {r.id for r in lint.RULES}
    assert ids == {c[0] for c in CASES}
    for r in lint.RULES:
        assert r.level in lint.SEVERITIES and r.hint


def test_findings_carry_the_kr_id():
    (f,) = [f for f in findings(objective(krs=[kr(owner=None, kid="kr-9")])) if f.rule == "no-kr-owner"]
    assert (f.level, f.objective_id, f.kr_id) == ("warning", "o1", "kr-9")


def test_lint_command_on_demo(cli, demo_db):
    result = cli("--db", demo_db, "lint", "--format", "json", "--as-of", "2026-11-26")
    doc = json.loads(result.out)
    assert doc["findings"]
    for f in doc["findings"]:
        assert set(f) >= {"rule", "level", "message", "hint", "objective_id", "kr_id"}
    got = {(f["rule"], f["kr_id"] or f["objective_id"]) for f in doc["findings"]}
    assert ("quantitative-objective", "o-toil") in got
    assert ("task-not-result", "kr-handbook") in got
    assert ("no-kr-owner", "kr-runbooks") in got
    assert result.code == 0  # no error-level finding in the demo
    text = cli("--db", demo_db, "lint", "--as-of", "2026-11-26").out
    assert "Halve on-call toil for 3 teams (o-toil)" in text and "hint:" in text


def test_lint_exit_1_on_errors(cli, db, tmp_path):
    from tests.helpers import write_doc

    doc = {"format": "okrtui/1", "objectives": [{"id": "o-1", "title": "Be better", "period": "2026-Q4"}]}
    cli("--db", db, "import", write_doc(tmp_path / "d.json", doc))
    result = cli("--db", db, "lint", "--period", "2026-Q4")
    assert result.code == 1 and "no-key-results" in result.out


def test_after_check_ins_equals_a_full_check():
    """A save re-runs only the check-in rules for its KR, and gets what a full check gets."""
    import datetime as dt

    from okrtui.method import lint
    from okrtui.method.periods import quarter
    from okrtui.method.views import CheckInView, KRView, ObjectiveView, PeriodReport, compute_kr

    span = quarter("2026-Q4")
    today = dt.date(2026, 11, 26)

    def kr(ident: str, last: dt.date | None) -> KRView:
        view = KRView(ident, "o", f"Raise {ident} to 10", "increase", "", "p", 0.0, 10.0, None, None, 1.0, None, "",
                      "p", 0, [CheckInView("c", last, 1.0, None, "")] if last else [])
        compute_kr(view, span, today, True, 7)
        return view

    objective = ObjectiveView("o", "Delight users", "", "personal", None, "p", None, "active", "shared", "p", 0,
                              [kr("a", None), kr("b", dt.date(2026, 10, 5))])
    rep = PeriodReport(span, today, [objective], {}, {})
    before = lint.check(rep)
    assert {f.kr_id for f in before if f.rule == "stale"} == {"a", "b"}
    fresh = kr("b", dt.date(2026, 11, 25))
    objective.key_results[1] = fresh
    after = lint.after_check_ins(rep, before, objective, "b")
    assert after == lint.check(rep)
    assert {f.kr_id for f in after if f.rule == "stale"} == {"a"}


def test_health_metric_as_kr_says_why_and_reads_the_first_value():
    (f,) = [f for f in findings(objective(krs=[range_kr(kid="kr-lat", values=(218.5, 300))]))
            if f.rule == "health-metric-as-kr"]
    assert (f.level, f.kr_id) == ("info", "kr-lat")
    assert f.message == ("key result only keeps a level (its range 120-250 holds its first value 218.5): "
                         "a health metric, not a key result")
    (f,) = [f for f in findings(objective(krs=[kr("Keep uptime at 99.9%", start=99.9, target=99.95)]))
            if f.rule == "health-metric-as-kr"]
    assert "its title starts with 'keep'" in f.message


def test_the_metric_a_kr_becomes_is_named_without_its_verb():
    assert lint.metric_name("Keep p95 API latency between 120 and 250 ms") == "P95 API latency between 120 and 250 ms"
    assert lint.metric_name("maintain: NPS above 50") == "NPS above 50"
    assert lint.metric_name("Support backlog under 40") == "Support backlog under 40"  # a range KR's title as it is


def test_after_check_ins_redoes_health_metric_as_kr():
    """A range KR's first check-in decides it: the refresh after a save gets what a full check gets."""
    first = range_kr(kid="k1")
    o = objective(krs=[first])
    rep = PeriodReport(SPAN, TODAY, [o], {"p-a": "Ann"}, {})
    before = lint.check(rep)
    assert "health-metric-as-kr" not in {f.rule for f in before}
    o.key_results[0] = range_kr(kid="k1", values=(200,))
    after = lint.after_check_ins(rep, before, o, "k1")
    assert after == lint.check(rep) and "health-metric-as-kr" in {f.rule for f in after}
