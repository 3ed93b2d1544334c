"""What walking the four users by hand over a 50-person team found (issue 32, docs/tui.md "Four
users, key by key"): each a key pressed as the walk pressed it, on a SQLite file opened as the CLI
opens it."""

from __future__ import annotations

from tests.helpers import press, settle


async def test_a_screens_key_shows_its_list_not_a_detail_left_open_there(app):
    """The approval walk: on `t`, `i` opened the inbox and `enter` a detail; `o` went to the
    objectives, and `t` came back to that detail, not the team list: `S` then did nothing."""
    from okrtui.tui.screens.team import TeamScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await press(pilot, "i")
        await press(pilot, "o")
        await press(pilot, "t")
        assert isinstance(app.screen, TeamScreen), app.screen
        assert len(app.screen_stack) == 1
        await press(pilot, "t")  # and the inbox still opens from it
        await press(pilot, "i")
        assert type(app.screen).__name__ == "InboxScreen"


async def test_the_picker_starts_on_a_name_starting_with_what_was_typed_even_outside_the_filter(app):
    """The lead's walk, band red on: `p`, `da`, `enter` picked Dev Okafor (in the filter, his letters
    d…a in order) over Dana Costa (outside it), whose name starts with `da`; and the line naming the
    filter was cut ("… picking one cle…")."""
    from okrtui.method import teamview
    from okrtui.tui.screens.picker import PersonPicker
    from okrtui.tui.widgets.table import OkrTable

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        for _ in range(4):  # a team filter that keeps Bruno Diaz (d…a: "da" in order) and hides Dana
            await press(pilot, "f")
            people = {pv.id for pv in teamview.people(app.data.report, app.screen.filters)}
            if "p-bruno" in people and "p-dana" not in people:
                break
        else:
            raise AssertionError("no team filter keeps Bruno and hides Dana in the demo")
        await press(pilot, "p", "d", "a")
        picker = app.screen
        assert isinstance(picker, PersonPicker)
        table = picker.query_one(OkrTable)
        lines = [table.render_line(y).text.strip() for y in range(table.row_count + 1)]  # a heading, then rows
        assert any(line.startswith("Bruno Diaz") for line in lines), lines  # still offered, in the filter
        heading = next(line for line in lines if "outside the filter" in line)
        assert heading.endswith("picking one clears it:"), lines  # read whole at 80 columns
        assert picker.shown[picker.highlighted or 0] == "p-dana", lines
        await press(pilot, "enter")
        assert app.screen.filters.person == "p-dana"


async def test_an_objective_naming_no_owner_shows_its_maker_not_a_dash(cli, tmp_path):
    """The approval walk: Mia's imported objectives name no owner (she answers for them, as their
    maker); the objectives list said `–` for owner and the lead's detail `team objective · – · in
    review`, so the lead could not tell whose proposal it was."""
    from okrtui.tui.widgets.table import OkrTable
    from tests.helpers import close, open_app, write_doc

    path = tmp_path / "mia.db"
    assert cli("--db", path, "whoami", "--name", "Mia Member").code == 0
    doc = {"format": "okrtui/1", "objectives": [
        {"id": "o-mine", "title": "Make releases a non-event", "period": "2026-Q4", "key_results": [
            {"id": "kr-mine", "title": "Releases per week from 1 to 5", "kind": "increase", "start": 1,
             "target": 5}]}]}
    assert cli("--db", path, "import", write_doc(tmp_path / "doc.json", doc)).code == 0
    app = open_app(path, load_demo=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            table = app.screen.query_one(OkrTable)
            owners = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
            assert owners == ["Mia", "Mia"], owners
            await press(pilot, "enter")
            said = " ".join(str(w.render()) for w in app.screen.query("Static"))
            assert "team objective · Mia Member ·" in said or "objective · Mia Member ·" in said, said
    finally:
        close(app)


async def test_after_a_check_in_the_cursor_is_on_the_next_due_kr_before_the_list_is_read_again(cli, tmp_path):
    """The member's walk on a loaded machine: the form closed, but the cursor stayed on the KR just
    saved until the period was read again; `enter` then reopened that KR, and the next value
    replaced the one just saved. The cursor moves when the form closes (the read may lag)."""
    from okrtui.tui.screens.checkin import CheckinForm, rounds
    from okrtui.tui.widgets.table import OkrTable
    from tests.helpers import close, open_app, write_doc

    path = tmp_path / "mia.db"
    doc = {"format": "okrtui/1", "objectives": [
        {"id": "o-round", "title": "Make checkout dependable", "period": "2026-Q4", "key_results": [
            {"id": f"kr-{n}", "title": f"Result {n} from 0 to 100", "kind": "increase", "start": 0,
             "target": 100, "check_ins": [{"id": f"c-{n}", "date": "2026-11-02", "value": 40 + n}]}
            for n in range(3)]}]}
    assert cli("--db", path, "import", write_doc(tmp_path / "doc.json", doc)).code == 0
    app = open_app(path, load_demo=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        due = [kr.id for kr, is_due in rounds(app.data) if is_due]
        assert len(due) >= 2, due
        first = app.screen.query_one(OkrTable).current_key
        assert first == due[0]
        # The read after the save is slow (a loaded machine, a big team): it has not come yet.
        refresh, lagging = app.workspace._refresh_kr, []
        app.workspace._refresh_kr = lambda *args: lagging.append(args)  # type: ignore[method-assign]
        await press(pilot, "enter")
        assert isinstance(app.screen, CheckinForm)
        await pilot.press("enter")  # the value as offered
        await settle(pilot)
        assert not isinstance(app.screen, CheckinForm)
        assert app.screen.query_one(OkrTable).current_key == due[1]
        await press(pilot, "enter")  # typed ahead of the read: held for it (tui/screens/keyline.py), not lost
        assert not isinstance(app.screen, CheckinForm)
        assert lagging
        refresh(*lagging[0])  # the read comes in
        await settle(pilot)
        assert isinstance(app.screen, CheckinForm) and app.screen.kr.id == due[1]
    close(app)
