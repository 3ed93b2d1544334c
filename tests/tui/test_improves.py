"""`Improves` in the objective and KR forms: the health metric an OKR aims to move, chosen by name
(or none), saved through the services with the forms' rules; the detail shows it and the metric's
chart lists the OKR (docs/health.md, issue 28)."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import Select, Static

from okrtui.cycle import metrics
from okrtui.storage.backend import open_engine
from okrtui.storage.model import KeyResult, Objective
from okrtui.storage.store import writing
from okrtui.tui.screens.detail import DetailScreen
from okrtui.tui.screens.forms import KeyResultForm, ObjectiveForm
from okrtui.tui.screens.health import MetricChartDialog
from okrtui.tui.widgets.table import OkrTable
from tests.helpers import TODAY, at, choose, close, open_app, press, rows, settle


def _objective(app, ident: str) -> Objective:
    (row,) = rows(app, Objective, Objective.id == ident)
    return row


def _kr(app, ident: str) -> KeyResult:
    (row,) = rows(app, KeyResult, KeyResult.id == ident)
    return row


def _set_improves(app, model, ident: str, metric_id: str | None) -> None:
    """As another program would (an import, a teammate's sync): not through the form."""
    engine = open_engine(app.db_path)
    try:
        with writing(engine) as session:
            row = session.exec(select(model).where(model.id == ident)).one()
            row.improves_id = metric_id
            session.add(row)
    finally:
        engine.dispose()


def _options(form) -> list[str]:
    return [name for name, _ in form.improves_choices]  # what the list offers, by name


async def test_an_objective_names_the_metric_it_improves_and_the_detail_and_chart_show_it(app):
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await at("o:o-reliable", "e")(pilot)
        assert isinstance(app.screen, ObjectiveForm)
        assert app.screen.query_one("#in-improves_id", Select).value is Select.NULL  # none yet
        assert {"API uptime", "Deploys per week"} <= set(_options(app.screen))  # by name
        await choose(pilot, "in-improves_id", "m-uptime")
        await press(pilot, "enter")
        assert not isinstance(app.screen, ObjectiveForm)
        assert _objective(app, "o-reliable").improves_id == "m-uptime"
        assert _objective(app, "o-reliable").title == "Make deploys boringly reliable"  # the rest as it was
        await at("o:o-reliable", "v")(pilot)  # the objective's detail: its improves row
        assert isinstance(app.screen, DetailScreen)
        assert "API uptime" in " ".join(str(s.render()) for s in app.screen.query(Static)) + _table_text(app)
        await press(pilot, "escape", "H")
        await at("m-uptime", "v")(pilot)
        assert isinstance(app.screen, MetricChartDialog)
        assert "Improved by: Make deploys boringly reliable (o-reliable)" in " ".join(
            str(s.render()) for s in app.screen.query(Static))


def _table_text(app) -> str:
    out = []
    for table in app.screen.query(OkrTable):
        for i in range(table.row_count):
            out.append(" ".join(str(c) for c in table.get_row_at(i)))
    return " ".join(out)


async def test_a_new_key_result_improves_a_metric_and_an_edit_clears_it(app):
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await at("o:o-reliable", "n", "down", "enter")(pilot)  # n: a KR in the objective
        assert isinstance(app.screen, KeyResultForm)
        form = app.screen
        form.query_one("#in-title").value = "Rollbacks per month from 6 to 1"
        await choose(pilot, "in-kind", "decrease")
        form.query_one("#in-start").value = "6"
        form.query_one("#in-target").value = "1"
        await choose(pilot, "in-improves_id", "m-deploys")
        form.query_one("#in-title").focus()
        await press(pilot, "enter")
        assert not isinstance(app.screen, KeyResultForm)
        (kr,) = rows(app, KeyResult, KeyResult.title == "Rollbacks per month from 6 to 1")
        assert kr.improves_id == "m-deploys"

        await at(f"k:{kr.id}", "e")(pilot)
        assert app.screen.query_one("#in-improves_id", Select).value == "m-deploys"  # the form shows it
        await choose(pilot, "in-improves_id", Select.NULL)
        await press(pilot, "enter")
        assert not isinstance(app.screen, KeyResultForm)
        assert _kr(app, kr.id).improves_id is None


async def test_an_archived_metric_is_refused_under_the_field_and_nothing_is_saved(app):
    """Chosen in the form, archived before the save (another terminal): the message is under the field."""
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await at("k:kr-deploys", "e")(pilot)
        await choose(pilot, "in-improves_id", "m-deploys")
        app.screen.query_one("#in-title").value = "Deploy success rate from 92% to 99.5%"
        engine = open_engine(app.db_path)
        metrics.archive(engine, "m-deploys", TODAY)
        engine.dispose()
        app.screen.query_one("#in-title").focus()
        await press(pilot, "enter")
        assert isinstance(app.screen, KeyResultForm)
        said = str(app.screen.query_one("#err-improves_id", Static).render())
        assert "Deploys per week was archived on 2026-11-26" in said
        kr = _kr(app, "kr-deploys")
        assert (kr.improves_id, kr.title) == (None, "Deploy success rate from 92% to 99%")  # nothing saved


async def test_a_metric_that_is_no_longer_there_is_refused(app):
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await at("o:o-reliable", "e")(pilot)
        select_ = app.screen.query_one("#in-improves_id", Select)
        select_.set_options([*app.screen.improves_choices, ("Gone", "m-gone")])  # a list gone stale
        await choose(pilot, "in-improves_id", "m-gone")
        app.screen.query_one("#in-title").focus()
        await press(pilot, "enter")
        assert isinstance(app.screen, ObjectiveForm)
        assert "no health metric 'm-gone'" in str(app.screen.query_one("#err-improves_id", Static).render())
        assert _objective(app, "o-reliable").improves_id is None


async def test_a_link_the_form_cannot_show_stays_when_other_fields_change(app):
    """An objective that improves a metric since archived: the list does not offer it, and saving the
    form for another field keeps the link."""
    _set_improves(app, Objective, "o-reliable", "m-deploys")
    engine = open_engine(app.db_path)
    metrics.archive(engine, "m-deploys", TODAY)
    engine.dispose()
    # The fixture's app began reading the file when it was made, as `okrtui` does while Textual loads:
    # open the file again, as the user would after the archive.
    app = open_app(app.db_path, load_demo=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await at("o:o-reliable", "e")(pilot)
        assert "Deploys per week" not in _options(app.screen)
        app.screen.query_one("#in-description").value = "Failed deploys cost a day a month."
        app.screen.query_one("#in-title").focus()
        await press(pilot, "enter")
        assert not isinstance(app.screen, ObjectiveForm)
        row = _objective(app, "o-reliable")
        assert (row.improves_id, row.description) == ("m-deploys", "Failed deploys cost a day a month.")
    close(app)
