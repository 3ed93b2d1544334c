"""The KR form follows the kinds registry: a kind registered in okrtui/method/kinds.py alone is offered,
shows its own fields and hint, and is saved and listed."""

from __future__ import annotations

from textual.widgets import Select, Static

from okrtui.storage.model import KeyResult
from okrtui.tui.screens.base import OkrTable
from tests.helpers import choose, fill, open_kr_form, press, rows, settle
from tests.method.test_kinds import toy  # noqa: F401  (the fixture)


async def test_a_registered_kind_is_offered_shown_saved_and_listed(empty_app, toy):  # noqa: F811
    app = empty_app
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_kr_form(pilot)
        await choose(pilot, "in-kind", "best")  # a Select refuses a value it does not offer
        assert app.screen.query_one("#in-kind", Select).value == "best"
        shown = {name for name in ("start", "target", "low", "high", "unit") if app.screen.query_one(f"#f-{name}").display}
        assert shown == {"target", "unit"}
        assert "Reach the target once" in str(app.screen.query_one("#kind-help", Static).render())
        await fill(pilot, "in-title", "Longest streak")
        await fill(pilot, "in-target", "30")
        await fill(pilot, "in-unit", "days")
        await press(pilot, "enter")
        (kr,) = rows(app, KeyResult)
        assert (kr.kind, kr.target, kr.start, kr.unit) == ("best", 30, None, "days")
        await settle(pilot)
        table = app.screen.query_one(OkrTable)
        cells = [getattr(cell, "plain", str(cell)) for i in range(table.row_count) for cell in table.get_row_at(i)]
        assert "top" in cells and "best of 30 days" in cells  # the kind's short name and its now → target
