"""The everyday round (issue 21, points 6-7): one rule for "due", and keys that arrive together."""

from __future__ import annotations

import datetime as dt
import re

from textual import events
from textual.widgets import Input

from okrtui.storage.model import CheckIn, Objective
from okrtui.tui.screens.checkin import CheckinForm, CheckinScreen
from okrtui.tui.screens.dialogs import ConfirmDialog
from okrtui.tui.screens.forms import ObjectiveForm
from okrtui.tui.widgets.table import OkrTable
from tests.helpers import make_app, press, rows, settle, write_doc

MONDAY = dt.date(2026, 12, 7)


def context_text(app) -> str:
    return str(app.screen.query_one("#context").render())


async def test_the_check_in_list_and_okrtui_due_agree_on_a_monday(demo_db, cli):
    """The demo as of Thursday Nov 26, opened on Monday Dec 7: nothing checked in this week."""
    app = make_app(demo_db, load_demo=False, today=MONDAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert isinstance(app.screen, CheckinScreen)
        count, total = map(int, re.search(r"(\d+) of (\d+) due", context_text(app)).groups())
        shown = [app.screen.query_one(OkrTable).key_at(i) for i in range(count)]
    app.engine.dispose()
    assert count == total == 3  # nothing checked in yet this week: everything is due
    result = cli("--db", demo_db, "due", "--as-of", MONDAY.isoformat(), today=MONDAY)
    assert result.code == 1
    listed = [line.split("  ")[0] for line in result.out.splitlines()]
    assert listed[:len(shown)] == shown  # the KRs first, as the check-in list shows them
    assert listed[len(shown):] == ["m-deploys"]  # then Alice's metric, not measured this week either


async def test_a_kr_newly_assigned_to_ben_is_due_in_his_tui_and_in_due(tmp_path, cli):
    team, lead, ben = tmp_path / "team.jsonl", tmp_path / "lead.db", tmp_path / "ben.db"
    cli("--db", ben, "whoami", "--name", "Ben")
    cli("--db", ben, "sync", team)
    ben_id = re.search(r"\((p-[^)]+)\)", cli("--db", ben, "whoami").out).group(1)
    cli("--db", lead, "sync", team)
    doc = {"format": "okrtui/1", "objectives": [{
        "id": "o-team", "title": "Make deploys boring", "period": "2026-Q4", "level": "team",
        "key_results": [{"id": "kr-ben1", "title": "Deploys from 10 to 30", "kind": "increase", "start": 10,
                         "target": 30, "owner": ben_id}]}]}
    assert cli("--db", lead, "import", write_doc(tmp_path / "d.json", doc), today=MONDAY).code == 0
    cli("--db", lead, "sync", team)
    cli("--db", ben, "sync", team)
    app = make_app(ben, load_demo=False, today=MONDAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert "1 of 1 due" in context_text(app)
    app.engine.dispose()
    result = cli("--db", ben, "due", today=MONDAY)
    assert result.code == 1
    assert result.out.splitlines() == ["kr-ben1  Deploys from 10 to 30  last check-in never  stale"]


# --- keys that arrive together ------------------------------------------------------------

def burst(app, *keys: str) -> None:
    """Post every key at once, as a paste or a slow SSH link delivers them: no pause between."""
    for key in keys:
        char = {"enter": "\r", "space": " "}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))


async def open_deploys_form(app, pilot) -> None:
    await press(pilot, "c")
    app.screen.query_one(OkrTable).select_key("kr-deploys")
    await press(pilot, "enter")
    assert isinstance(app.screen, CheckinForm)


async def test_a_burst_in_the_check_in_form_lands_in_the_fields_it_was_typed_for(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_deploys_form(app, pilot)
        burst(app, "9", "7", "tab", "0", ".", "8", "tab", "g", "o", "o", "d", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, CheckinForm), "the form saved and closed"
        (saved,) = rows(app, CheckIn, CheckIn.kr_id == "kr-deploys", CheckIn.date == app.today)
        assert (saved.value, saved.confidence, saved.note) == (97, 0.8, "good")


async def test_pilot_presses_without_pauses_keep_their_fields(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_deploys_form(app, pilot)
        await pilot.press(*"97", "tab", "1", "enter")
        await settle(pilot)
        (saved,) = rows(app, CheckIn, CheckIn.kr_id == "kr-deploys", CheckIn.date == app.today)
        assert (saved.value, saved.confidence) == (97, 1.0)


async def test_shift_tab_in_a_burst_goes_back_a_field(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_deploys_form(app, pilot)
        burst(app, "tab", "tab", "x", "shift+tab", "0", ".", "5")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#in-confidence", Input).value.endswith("0.5")
        assert form.query_one("#in-note", Input).value == "x"
        assert form.focused is form.query_one("#in-confidence", Input)


async def test_a_burst_in_the_new_objective_form_keeps_title_and_why_apart(empty_app):
    app = empty_app
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert isinstance(app.screen, ObjectiveForm)
        burst(app, *"Ship", "space", *"it", "tab", *"because")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#in-title", Input).value == "Ship it"
        assert form.query_one("#in-description", Input).value == "because"
        burst(app, "enter")
        await settle(pilot)
        (objective,) = rows(app, Objective)
        assert (objective.title, objective.description) == ("Ship it", "because")


async def test_a_burst_with_a_typo_asks_before_saving(app):
    """The tmux case: "97" Tab "1" Enter once saved 971 with no question."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_deploys_form(app, pilot)
        before = len(rows(app, CheckIn))
        burst(app, "9", "7", "1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "n")
        assert len(rows(app, CheckIn)) == before


async def test_a_typo_saved_with_enter_enter_is_not_confirmed_by_the_second_enter(app):
    """Typed fast, `971 enter enter`: the second enter reaches the typo's question, and answers no."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_deploys_form(app, pilot)
        before = len(rows(app, CheckIn))
        burst(app, "9", "7", "1", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckinForm)  # back in the form, the value there to fix
        assert len(rows(app, CheckIn)) == before
        burst(app, "enter", "y")  # a deliberate yes saves it
        await settle(pilot)
        assert len(rows(app, CheckIn)) == before + 1


async def test_forty_on_a_zero_to_four_kr_asks_before_saving(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        app.screen.query_one(OkrTable).select_key("kr-reviews")  # Incident reviews led from 0 to 4
        await press(pilot, "enter")
        before = len(rows(app, CheckIn))
        await pilot.press(*"40", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert any("far outside" in str(w.render()) for w in app.screen.query("Static"))
        said = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "too few? Save it anyway?" in said and "?." not in said, said  # the walk read "too few?. Save"
        await press(pilot, "n")
        assert len(rows(app, CheckIn)) == before
        await pilot.press("backspace", "enter")  # 4: within the scale, saved without a question
        await settle(pilot)
        assert rows(app, CheckIn, CheckIn.kr_id == "kr-reviews", CheckIn.date == app.today)[-1].value == 4


async def test_objectives_and_krs_made_in_the_tui_get_readable_ids(empty_app):
    from okrtui.storage.model import KeyResult
    from tests.helpers import fill, type_text

    app = empty_app
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await type_text(pilot, "Make deploys boringly reliable")
        await press(pilot, "enter")
        app.screen.query_one(OkrTable).move_cursor(row=0)
        await press(pilot, "n")
        await pilot.press("down", "enter")  # "New key result in …"
        await settle(pilot)
        await fill(pilot, "in-title", "Deploy success rate from 92% to 99%")
        await fill(pilot, "in-start", "92")
        await fill(pilot, "in-target", "99")
        await press(pilot, "enter")
    (objective,) = rows(app, Objective)
    (kr,) = rows(app, KeyResult)
    assert re.fullmatch(r"o-make-deploys-[a-z2-9]{4}", objective.id)
    assert re.fullmatch(r"kr-deploy-success-[a-z2-9]{4}", kr.id)


async def test_the_weekly_review_counts_due_krs_by_the_same_rule(demo_db):
    app = make_app(demo_db, load_demo=False, today=MONDAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        due_now = int(re.search(r"(\d+) of \d+ due", context_text(app)).group(1))
        await press(pilot, "w")
        assert f"{due_now} of yours due" in context_text(app)
        await press(pilot, "<", "<")  # the week of Nov 23: the demo checked everything in on Monday Nov 23
        assert "Week of Nov 23" in context_text(app) and "0 of yours due" in context_text(app)
    app.engine.dispose()
    assert due_now == 3


async def test_enter_moves_through_the_reflections_even_in_a_burst(empty_app):
    from okrtui.storage.model import Reflection

    app = empty_app
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "r")
        form = app.screen
        for key in ("contributed", "helped", "learned"):
            form.query_one(f"#in-{key}", Input).value = ""
        form.query_one("#in-contributed", Input).focus()
        await settle(pilot)
        burst(app, "a", "enter", "b", "enter", "c")
        await settle(pilot)
        assert [form.query_one(f"#in-{k}", Input).value for k in ("contributed", "helped", "learned")] == ["a", "b", "c"]
        burst(app, "enter")  # on the last answer: saves
        await settle(pilot)
    answers = {r.question: r.answer for r in rows(app, Reflection)}
    assert answers == {"contributed": "a", "helped": "b", "learned": "c"}


async def test_the_whole_round_typed_at_once_from_the_list(app):
    """enter on the list, the value, tab, the confidence, enter: one burst, nothing lost."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        app.screen.query_one(OkrTable).select_key("kr-deploys")
        burst(app, "enter", "9", "7", "tab", "1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        (saved,) = rows(app, CheckIn, CheckIn.kr_id == "kr-deploys", CheckIn.date == app.today)
        assert (saved.value, saved.confidence) == (97, 1.0)


async def test_a_burst_across_a_select_in_the_key_result_form(app):
    from okrtui.tui.screens.forms import KeyResultForm

    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(OkrTable).select_key("k:kr-deploys")
        await press(pilot, "e")
        assert isinstance(app.screen, KeyResultForm)
        form = app.screen
        form.query_one("#in-title", Input).value = ""
        form.set_focus(form.query_one("#in-title", Input))
        await settle(pilot)
        # title, tab over the kind's select, start, tab, target
        burst(app, *"Deploys", "tab", "tab", *"90", "tab", *"98")  # a focused field's text is selected
        await settle(pilot)
        assert [form.query_one(f"#in-{k}", Input).value for k in ("title", "start", "target")] == ["Deploys", "90", "98"]


async def test_a_burst_that_opens_an_edit_form_lands_in_its_first_field(app):
    """e (the edit form, its module loaded on first use) and the text after it in one burst."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(OkrTable).select_key("o:o-reliable")
        burst(app, "e", "S", "h", "i", "p", "tab", "w", "h", "y")
        await settle(pilot)
        assert isinstance(app.screen, ObjectiveForm)
        # The title is selected as the form opens (Textual's Input): what is typed replaces it.
        assert app.screen.query_one("#in-title", Input).value == "Ship"
        assert app.screen.query_one("#in-description", Input).value.endswith("why")
