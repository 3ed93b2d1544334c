"""The kinds registry (okrtui/method/kinds.py): it holds exactly the method's kinds, each scores as
okr-method.md's table says, and a kind registered there alone is scored, checked, stored,
reported and drawn without any other module changing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrtui.core.text import fmt_num
from okrtui.method import domain, kinds, scoring, story
from okrtui.method.kinds import KindDef, Spec
from okrtui.method.scoring import Point
from okrtui.method.views import KRView, compute_kr, kr_target_text
from okrtui.rules import schema, validate
from tests.helpers import write_doc
from tests.method.test_story import AS_OF, SPAN
from tests.method.test_story import kr as kr_view

DAY = dt.date(2026, 10, 5)
finite = st.floats(-1e6, 1e6, allow_nan=False)


def pts(*values: float) -> list[Point]:
    return [Point(DAY + dt.timedelta(days=i), v) for i, v in enumerate(values)]


def test_the_registry_holds_exactly_the_methods_kinds_in_their_order():
    assert kinds.names() == tuple(domain.Kind)
    assert all(kinds.get(k) is not None and kinds.get(k).name == k for k in domain.Kind)


def test_each_kind_needs_the_fields_the_method_names():
    assert {k: kinds.get(k).fields for k in kinds.names()} == {
        "increase": ("start", "target"), "decrease": ("start", "target"), "range": ("low", "high"),
        "baseline": ("unit",), "milestone": ()}


def test_only_increase_and_decrease_have_pace_and_forecast():
    assert [k for k in kinds.names() if kinds.paced(k)] == ["increase", "decrease"]
    assert not kinds.paced("nonsense")


@given(finite, finite, finite)
def test_increase_and_decrease_score_as_the_methods_table(start, target, now):
    up, down = kinds.get("increase"), kinds.get("decrease")
    inc = up.progress(Spec("increase", start, target), pts(now))
    dec = down.progress(Spec("decrease", start, target), pts(now))
    if target == start:
        assert inc == dec == 0.0
    else:
        assert inc == scoring.clamp((now - start) / (target - start))
        assert dec == scoring.clamp((start - now) / (start - target))


@given(st.lists(finite, max_size=8), finite, finite)
def test_range_baseline_and_milestone_score_as_the_methods_table(values, a, b):
    low, high = min(a, b), max(a, b)
    points = pts(*values)
    inside = sum(1 for v in values if low <= v <= high)
    assert kinds.get("range").progress(Spec("range", low=low, high=high), points) == (
        inside / len(values) if values else 0.0)
    assert kinds.get("baseline").progress(Spec("baseline"), points) == (1.0 if values else 0.0)
    assert kinds.get("milestone").progress(Spec("milestone"), points) == (1.0 if values and values[-1] >= 1 else 0.0)


def test_the_methods_worked_cases_through_the_registry():
    assert kinds.get("increase").progress(Spec("increase", 0, 6), pts(3)) == 0.5
    assert kinds.get("increase").progress(Spec("increase", 0, 10), pts(7)) == 0.7
    assert round(kinds.get("decrease").progress(Spec("decrease", 5, 2), pts(3)), 4) == 0.6667


def test_every_kind_has_a_hint_a_short_name_and_reads_on_screen():
    for name in kinds.names():
        kind = kinds.get(name)
        assert kind.help and 1 <= len(kind.short) <= 4
        view = kr_view(name, [(7, 1)], start=0, target=4, low=0, high=2, unit="u")
        assert kind.now(view) == kr_target_text(view) and kind.spec_line(view)


# --- the seam: a kind registered in kinds.py alone --------------------------------------------------------

def _best(spec: Spec, points: Sequence[kinds.Measured]) -> float:
    if not points or not spec.target:
        return 0.0
    return kinds.clamp(max(p.value for p in points) / spec.target)


TOY = KindDef(
    "best", "top", "Reach the target once: the best value counts. e.g. longest streak to 30 days", ("target",),
    progress=_best,
    now=lambda kr: f"best of {fmt_num(kr.target)}{' ' + kr.unit if kr.unit else ''}",
    spec_line=lambda kr: f"best · reach {fmt_num(kr.target)} once",
    scale=lambda spec: None if spec.target is None else (0.0, spec.target),
)


@pytest.fixture
def toy(monkeypatch):
    """The toy kind, registered for one test and gone after it."""
    monkeypatch.setitem(kinds.REGISTRY, TOY.name, TOY)
    yield TOY
    assert "best" in kinds.names()


def test_the_toy_kind_is_gone_outside_its_fixture():
    assert "best" not in kinds.names()
    with pytest.raises(ValueError, match="unknown KR kind"):
        scoring.progress(Spec("best", target=10), pts(5))


def test_a_registered_kind_is_scored(toy):
    spec = Spec("best", target=10)
    assert scoring.progress(spec, pts(4, 7, 3)) == 0.7
    assert scoring.pace(spec, 0.7, 0.5) is None and scoring.forecast(spec, pts(1, 2), SPAN.start, SPAN.end) is None
    assert scoring.measurable("best", None, 10)


def test_a_registered_kind_is_checked_by_the_form_and_the_schema(toy):
    raw = {"title": "Longest streak", "kind": "best", "objective_id": "o-1", "weight": "1", "unit": "days"}
    with pytest.raises(validate.FieldErrors) as err:
        validate.check_key_result({**raw, "target": ""})
    assert set(err.value.errors) == {"target"}
    values = validate.check_key_result({**raw, "target": "30", "start": "5", "low": "1"})
    assert values["kind"] == "best" and values["target"] == 30 and values["start"] is None and values["low"] is None
    with pytest.raises(validate.FieldErrors) as err:
        validate.check_key_result({**raw, "kind": "nope"})
    assert err.value.errors["kind"].endswith("milestone, best")
    assert schema.implausible(Spec("best", target=30), 31) is None
    assert "far outside" in schema.implausible(Spec("best", target=30), 300)


def test_a_registered_kind_reads_in_views_lists_and_charts(toy):
    view = kr_view("best", [(7, 12), (14, 20)], target=30, unit="days")
    assert view.error is None and view.progress == pytest.approx(20 / 30) and view.pace is None
    assert kr_target_text(view) == "best of 30 days"
    chart = story.kr_chart(view, SPAN, AS_OF)
    assert [ln.label for ln in chart.lines] == ["check-ins (days)"]


def test_a_registered_kind_is_imported_checked_in_and_reported(toy, cli, db, tmp_path):
    doc = {"format": "okrtui/1", "objectives": [{
        "id": "o-fit", "title": "Build a running habit", "period": "2026-Q4", "status": "active",
        "key_results": [{"id": "kr-streak", "title": "Longest streak", "kind": "best", "target": 30,
                         "unit": "days"}]}]}
    assert cli("--db", db, "import", write_doc(tmp_path / "doc.json", doc)).code == 0
    assert cli("--db", db, "checkin", "kr-streak", "15", today=dt.date(2026, 11, 2)).code == 0
    report = json.loads(cli("--db", db, "report", "--format", "json", today=dt.date(2026, 11, 2)).out)
    kr = report["objectives"][0]["key_results"][0]
    assert (kr["kind"], kr["progress"], kr["pace"]) == ("best", 0.5, None)
    assert "best of 30 days" in cli("--db", db, "report", today=dt.date(2026, 11, 2)).out


def test_an_unknown_kind_still_reads_as_unscorable():
    view = KRView(id="k", objective_id="o", title="t", kind="best", unit="", owner_id=None, start=None, target=None,
                  low=None, high=None, weight=1.0, self_score=None, score_comment="", origin="me", position=0,
                  check_ins=[])
    compute_kr(view, SPAN, AS_OF, True, 7)
    assert view.error == "cannot score: unknown kind 'best'" and kr_target_text(view) == "not measured"


def test_a_kind_with_fields_okrtui_does_not_store_is_refused_as_it_is_made():
    with pytest.raises(ValueError, match="fields must be among"):
        KindDef("odd", "odd", "h", ("median",), progress=_best, now=str, spec_line=str)
    with pytest.raises(ValueError, match="needs a start and a target"):
        KindDef("odd", "odd", "h", ("target",), progress=_best, now=str, spec_line=str,
                toward=lambda start, target, value: 0.0)


def test_a_lookalike_kind_is_refused_in_a_way_that_shows_it():
    """Cyrillic е in "increase" (a team file, an import): the message must not print what reads
    as the very word it expects."""
    with pytest.raises(schema.Invalid) as err:
        schema.check_value(schema.field_type(schema.KeyResultFields, "kind"), "increas\u0435", "kind")
    assert str(err.value).endswith("got 'increas\\u0435'")
