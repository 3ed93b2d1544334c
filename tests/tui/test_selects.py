"""A form's choice field (a Select) does what the form's hint says (issue 32.11).

`enter` on a focused, closed select saves the form, as `enter: save` says, from every field;
space (or ↓) opens its list, where `enter` picks and `esc` closes the list; the hint line says
which. Every form is found by walking the dialog classes (tests/tui/test_dialog_keys.py), so a
form that gets a select tomorrow is tested from that day."""

from __future__ import annotations

import pytest
from textual.widgets import Select, Static

from okrtui.tui.screens.base import FormScreen
from okrtui.tui.widgets.table import OkrTable
from tests.helpers import make_app, press, settle, write_doc
from tests.tui.test_dialog_keys import OPENERS, dialog_classes

FORMS = sorted(name for name, cls in dialog_classes().items() if issubclass(cls, FormScreen))


def hint(form) -> str:
    return str(form.query_one(".keys", Static).render())


async def open_form(app, pilot, name):
    keys = await OPENERS[name](app, pilot)
    await press(pilot, *keys)
    assert type(app.screen) is dialog_classes()[name], [type(s).__name__ for s in app.screen_stack]
    return app.screen


def test_the_forms_with_a_select_are_found():
    """The walk finds the forms (a list kept by hand would miss the next one)."""
    assert {"ObjectiveForm", "KeyResultForm", "DependencyForm", "TeamForm"} <= set(FORMS)


@pytest.mark.parametrize("name", FORMS)
async def test_enter_on_a_closed_select_saves_and_space_opens_it(app, name):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = await open_form(app, pilot, name)
        selects = [s for s in form.query(Select) if not s.disabled]
        for select in selects:
            saved: list[str] = []
            form.action_save = lambda saved=saved, ident=select.id: saved.append(ident)  # the save, spied on
            select.focus()
            await settle(pilot)
            assert "enter: save" in hint(form) and "space" in hint(form), hint(form)
            await press(pilot, "enter")
            assert saved == [select.id] and not select.expanded, (name, select.id)
            await press(pilot, "space")
            assert select.expanded and form.focused.parent is select, (name, select.id)
            assert "enter: pick" in hint(form), hint(form)
            await press(pilot, "escape")  # closes the list, not the form
            assert not select.expanded and app.screen is form and form.focused is select
            assert "enter: save" in hint(form)
            await press(pilot, "down", "enter")  # ↓ opens it too; enter there picks, and saves nothing
            assert not select.expanded and saved == [select.id], (name, select.id)


async def test_enter_on_the_team_forms_approval_saves_the_team(tmp_path, cli):
    """Not a spy: the team form, edited with the focus on its Approval select, saves on enter."""
    db = tmp_path / "ana.db"
    assert cli("--db", db, "whoami", "--name", "Ana Lead").code == 0
    assert cli("--db", db, "team", "add", "t-plat", "--name", "Platform").code == 0
    doc = write_doc(tmp_path / "doc.json", {"format": "okrtui/1", "objectives": [
        {"id": "o-ana", "title": "Observability for all", "level": "team", "team": "t-plat", "period": "2026-Q4",
         "key_results": [{"id": "kr-ana", "title": "Dashboards from 0 to 5", "kind": "increase", "start": 0,
                          "target": 5}]}]})
    assert cli("--db", db, "import", doc).code == 0
    app = make_app(db, load_demo=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        table = app.screen.query_one("#people", OkrTable)
        key = next(table.key_at(i) for i in range(table.row_count) if table.key_at(i).startswith("t:t-plat"))
        table.select_key(key)
        await press(pilot, "e")
        app.screen.query_one("#in-name").value = "Platform team"
        app.screen.query_one("#in-approval", Select).focus()
        await press(pilot, "space", "down", "enter")  # opens, moves to "on", picks
        assert app.screen.query_one("#in-approval", Select).value == "on"
        await press(pilot, "enter")  # on the closed select: saves, as the hint says
        assert type(app.screen).__name__ == "TeamScreen", type(app.screen)
        assert not app.notified_errors, app.notified_errors
    app.engine.dispose()
    from sqlalchemy import text

    from okrtui.storage.backend import open_engine

    engine = open_engine(db)
    with engine.connect() as conn:
        assert list(conn.execute(text("SELECT name, approval FROM team"))) == [("Platform team", 1)]
    engine.dispose()


async def test_on_sixteen_colours_the_focused_select_and_its_open_list_are_seen(tmp_path):
    """Under NO_COLOR and on 16 colours a compact select had no mark of focus, and its open list
    drew bare options over the rows below (`Status  company` read as the status): the focused one
    is reverse video, its list a box with a round border."""
    app = make_app(tmp_path / "demo.db", sixteen_colours=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = await open_form(app, pilot, "ObjectiveForm")
        select = form.query_one("#in-level", Select)
        select.focus()
        await settle(pilot)
        current = select.children[0]
        assert "reverse" in str(current.styles.text_style), current.styles.text_style
        await press(pilot, "space")
        menu = form.focused
        assert menu.parent is select and menu.styles.border_top[0] == "round"
    app.engine.dispose()
