"""The quality coach in the TUI: marks, panel, live hints, activation gate, guide."""

from __future__ import annotations

import pytest

from okrtui.core.errors import OkrError
from okrtui.cycle import editing
from okrtui.exchange import interchange
from okrtui.method import periods
from okrtui.tui.screens.base import OkrTable
from tests.helpers import choose, fill, make_app, matches_snapshot, open_kr_form, press, pressing, settle


async def test_objectives_with_findings_are_marked_and_the_panel_lists_them(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(OkrTable)
        row = table.get_row("o:o-toil")
        assert "▲" in str(row[0])  # quantitative-objective warning
        assert "▲" not in str(table.get_row("o:o-reliable")[0])
        await press(pilot, "l")
        assert app.screen.__class__.__name__ == "CoachDialog"
        findings = app.screen.query_one(OkrTable)
        rules = {str(findings.get_row_at(i)[1]) for i in range(findings.row_count)}
        assert {"quantitative-objective", "no-kr-owner", "task-not-result"} <= rules
        for i in range(findings.row_count):
            if str(findings.get_row_at(i)[1]) == "quantitative-objective":
                findings.move_cursor(row=i)
        await settle(pilot)
        assert "move the number into a key result" in str(app.screen.query_one("#hint").render())
        await press(pilot, "enter")
        assert app.screen.query_one(OkrTable).current_key == "o:o-toil"


async def test_live_hints_in_the_kr_form(empty_app):
    app = empty_app
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_kr_form(pilot)
        await fill(pilot, "in-title", "Write the onboarding guide")
        await settle(pilot)
        assert "not the task" in str(app.screen.query_one("#hint-title").render())
        from textual.widgets import Select

        app.screen.query_one("#in-owner_id", Select).clear()
        await settle(pilot)
        assert "responsible" in str(app.screen.query_one("#hint-owner").render())
        # hints never block: a task-like KR without owner saves
        await choose(pilot, "in-kind", "milestone")
        await press(pilot, "enter")
        assert app.screen.__class__.__name__ == "ObjectivesScreen"


async def test_guide_opens_from_help_and_from_forms(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark", "g")
        assert app.screen.__class__.__name__ == "GuideDialog"
        await press(pilot, "escape", "escape")
        app.screen.query_one(OkrTable).select_key("o:o-reliable")
        await press(pilot, "e")
        await press(pilot, "f1")
        assert app.screen.__class__.__name__ == "GuideDialog"


def test_activation_is_gated_by_the_error_rules(tmp_path):
    app = make_app(tmp_path / "gate.db", load_demo=False)
    interchange.import_document(app.engine, {"format": "okrtui/1", "objectives": [
        {"id": "o-1", "title": "Delight users", "period": "2026-Q4", "status": "draft",
         "key_results": [{"id": "k-1", "title": "NPS", "kind": "increase", "start": 5, "target": 5}]}]})
    values = {"title": "Delight users", "description": "", "level": "personal", "status": "active",
              "visibility": "shared", "parent_id": None, "team_id": None}
    with pytest.raises(editing.FieldErrors, match="no-measurable-target"):
        editing.save_objective(app.engine, periods.quarter("2026-Q4"), values, "o-1")
    with pytest.raises(OkrError):
        editing.save_objective(app.engine, periods.quarter("2026-Q4"), values, None)  # new ones start as drafts
    app.engine.dispose()


COACH_SCENES = {
    "coach-panel": ["l"],
    "guide": ["question_mark", "g"],
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("name", COACH_SCENES)
def test_coach_snapshots(name, size, snap_compare, tmp_path):
    app = make_app(tmp_path / "coach.db")
    assert matches_snapshot(snap_compare, app, size, pressing(*COACH_SCENES[name]))


@pytest.mark.parametrize("form", ["objective", "kr"])
def test_form_hint_snapshots(form, snap_compare, tmp_path):
    app = make_app(tmp_path / "hint.db")

    async def run(pilot):
        await settle(pilot)
        app.screen.query_one(OkrTable).select_key("o:o-reliable")
        await press(pilot, "n")
        if form == "kr":
            await pilot.press("down")
        await press(pilot, "enter")
        await fill(pilot, "in-title", "Grow revenue 20%" if form == "objective" else "Write the runbooks")
        await settle(pilot)

    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=run)
    finally:
        app.engine.dispose()


async def _coach_on(app, pilot, rule: str, kr_id: str) -> None:
    await press(pilot, "l")
    table = app.screen.query_one(OkrTable)
    (row,) = [i for i, f in enumerate(app.screen.findings) if (f.rule, f.kr_id) == (rule, kr_id)]
    table.move_cursor(row=row)
    await settle(pilot)


async def test_m_in_the_coach_makes_a_keep_a_level_kr_a_health_metric(app):
    from okrtui.storage.model import CheckIn, KeyResult, Metric
    from okrtui.tui.screens.dialogs import ConfirmDialog
    from tests.helpers import rows

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _coach_on(app, pilot, "health-metric-as-kr", "kr-latency")
        assert "okrtui metric from-kr KR" in str(app.screen.query_one("#hint").render())
        await press(pilot, "m")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "n")  # no: nothing changes, the coach stays
        assert app.screen.__class__.__name__ == "CoachDialog"
        assert not rows(app, Metric, Metric.name.like("P95%"))
        await press(pilot, "m", "y")
        assert app.screen.__class__.__name__ == "ObjectivesScreen"
        (metric,) = rows(app, Metric, Metric.name == "P95 API latency between 120 and 250 ms")
        assert (metric.unit, metric.low, metric.high, metric.owner_id, metric.team_id) == (
            "ms", 120, 250, "p-bruno", "t-platform")
        (kr,) = rows(app, KeyResult, KeyResult.id == "kr-latency")
        assert kr.deleted
        assert all(c.deleted for c in rows(app, CheckIn, CheckIn.kr_id == "kr-latency"))
        assert any(n.startswith(f"made health metric {metric.id}") for n in app.notified)
        table = app.screen.query_one(OkrTable)
        assert "k:kr-latency" not in {table.key_at(i) for i in range(table.row_count)}  # the screen shows it gone
        assert metric.id in {v.id for v in app.data.metrics}


async def test_m_on_another_finding_says_what_it_does_and_changes_nothing(app):
    from okrtui.storage.model import KeyResult, Metric
    from tests.helpers import rows

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _coach_on(app, pilot, "no-kr-owner", "kr-runbooks")
        await press(pilot, "m")
        assert app.screen.__class__.__name__ == "CoachDialog"
        assert any("turns the key result of a health-metric-as-kr finding into a health metric" in n
                   for n in app.notified)
        assert len(rows(app, Metric)) == 4 and not rows(app, KeyResult, KeyResult.deleted)
