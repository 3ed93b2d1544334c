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
