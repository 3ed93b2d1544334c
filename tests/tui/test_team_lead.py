"""Issue 21, the lead's job: filters by the KR's own numbers, grouping by "answers for", the team
weekly review, room at 80×24, the person picker, and the screens readable without colour."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from okrtui.exchange import interchange
from okrtui.method import teamview
from okrtui.method.views import find
from okrtui.tui.screens.base import OkrTable
from okrtui.tui.screens.detail import DetailScreen
from okrtui.tui.screens.picker import PersonPicker, fuzzy
from okrtui.tui.screens.scoring import CloseQuarterDialog, TickList
from okrtui.tui.screens.team import KEYS_LINE
from tests.helpers import TODAY, make_app, matches_snapshot, press, settle


def rows(table: OkrTable) -> list[tuple[str, str]]:
    """(key, the row's cells joined) for every row."""
    return [(table.key_at(i), " | ".join(str(c) for c in table.get_row_at(i))) for i in range(table.row_count)]


def people_table(app) -> OkrTable:
    return app.screen.query_one("#people", OkrTable)


def kr_of(app, key: str):
    return find(app.data.report, key)[1]


# --- 1. the lead's four keys ---------------------------------------------------------------


async def test_red_filter_goes_by_the_krs_own_band_and_lands_on_the_worst(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "b")
        table = people_table(app)
        assert app.screen.filters.band == "red"
        krs = [key for key, _ in rows(table) if key.startswith("k:")]
        assert krs and all(kr_of(app, k).band == "red" for k in krs)
        # A red KR under an objective graded 0.7 (Bruno's dashboards) is shown: the KR's band counts.
        assert "k:kr-dashboards" in krs
        assert find(app.data.report, "k:kr-dashboards")[0].grade == 0.7
        # The cursor is on the first, worst match: the worst person's worst red KR, its note below.
        assert table.current_key == krs[0] == "k:kr-dashboards"
        assert str(app.screen.query_one("#detail").render()).startswith("latest ")


async def test_pace_filter_and_nothing_matches_says_so(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "a")  # pace: behind
        table = people_table(app)
        krs = [key for key, _ in rows(table) if key.startswith("k:")]
        assert krs and all(kr_of(app, k).pace == "behind" for k in krs)
        assert table.current_key == krs[0]
        await press(pilot, "b", "b", "b")  # green and behind: nothing
        assert [key for key, _ in rows(table)] == ["none"]
        assert "Nothing matches band green · pace behind" in rows(table)[0][1]


async def test_people_are_grouped_by_what_they_answer_for(tmp_path, cli):
    """Bruno's KRs in Alice's objective show under Bruno; Zed, who owns a KR only in Alice's
    objective, appears; a KR with no owner goes to its maker."""
    app = make_app(tmp_path / "x.db")
    interchange.import_document(app.engine, {"format": "okrtui/1", "people": [{"id": "p-zed", "name": "Zed Ito"}],
                                             "objectives": [{"id": "o-lead", "title": "Lead the way", "period": "2026-Q4",
                                                             "owner": "p-alice", "team": "t-platform", "status": "active",
                                                             "key_results": [{"id": "kr-zed", "title": "Zed's own KR",
                                                                              "owner": "p-zed", "kind": "milestone"},
                                                                             {"id": "kr-none", "title": "Nobody's KR",
                                                                              "kind": "milestone"}]}]})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        keys = [key for key, _ in rows(people_table(app))]

        def under(kr_key: str) -> str:
            return next(k for k in reversed(keys[:keys.index(kr_key)]) if k.startswith("p:"))

        assert under("k:kr-mttr") == "p:p-bruno" and under("k:kr-latency") == "p:p-bruno"
        assert under("k:kr-deploys") == "p:p-alice"
        assert under("k:kr-zed") == "p:p-zed"
        assert under("k:kr-none") == "p:p-alice"  # the maker answers for a KR with no owner
        assert len([k for k in keys if k.startswith("k:")]) == len(set(keys))  - len(
            [k for k in keys if not k.startswith("k:")])  # each KR once
    app.engine.dispose()
    out = cli("--db", tmp_path / "x.db", "report", "--team", "--format", "md", "--as-of", "2026-11-26").out
    assert out.index("### Zed Ito") < out.index("Zed's own KR")
    zed = out[out.index("### Zed Ito"):]
    zed = zed[:zed.index("###", 4)] if "###" in zed[4:] else zed
    assert "Nobody's KR" not in zed and "Deploy success" not in zed


async def test_warning_column_counts_stale_and_pace_column_counts_behind(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        table = people_table(app)
        people = {pv.id: pv for pv in teamview.people(app.data.report)}
        for key, _ in rows(table):
            if key.startswith("p:"):
                cells = table.get_row(key)
                pv = people[key[2:]]
                assert str(cells[4]) == (str(pv.stale) if pv.stale else "")  # ⚠ = stale, as the legend says
                assert str(cells[2]) == (f"{pv.behind} behind" if pv.behind else "")
        bruno = people["p-bruno"]
        assert (bruno.stale, bruno.behind) == (1, 2)


async def test_alignment_honours_filters_and_says_draft(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "2")
        tree = dict(rows(app.screen.query_one("#alignment", OkrTable)))
        assert "draft" in tree["o:o-toil"] and "0.0" not in tree["o:o-toil"]
        await press(pilot, "b")  # red: objectives with a red KR, drafts left out
        tree = dict(rows(app.screen.query_one("#alignment", OkrTable)))
        assert set(tree) == {"o:o-reliable", "o:o-observability", "o:o-delight", "o:o-trials"}
        await press(pilot, "b", "b", "b", "f")  # every band, first team: Acme
        tree = dict(rows(app.screen.query_one("#alignment", OkrTable)))
        assert set(tree) == {"o:o-dependable"}


# --- 2. the team's weekly review -----------------------------------------------------------


async def test_team_weekly_review_who_moved_and_who_did_not_check_in(tmp_path):
    # Nov 27: the demo's check-ins are on Mondays, Dana's interviews stopped two weeks ago.
    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "4")
        table = app.screen.query_one("#week", OkrTable)
        keys = [key for key, _ in rows(table)]
        people = [k for k in keys if k.startswith("p:")]
        assert set(people) == {"p:p-alice", "p:p-bruno", "p:p-chen", "p:p-dana", "p:p-eli"}
        assert people[:2] == ["p:p-bruno", "p:p-dana"]  # each missed a check-in this week: worst first
        cells = dict(rows(table))
        assert "4 of 5 checked in" in cells["p:p-bruno"]
        assert cells["k:kr-dashboards"].startswith("  • Teams using")  # not checked in this week
        assert cells["k:kr-mttr"].startswith("  ✓ Mean time")
        context = str(app.screen.query_one("#context").render())
        assert "week of Nov 23 (to Nov 26)" in context and "Not checked in (0 of 5): nobody" in context
        moved = sum(1 for k, v in cells.items() if k.startswith("k:") and table.get_row(k)[3].plain not in ("±0", "–"))
        assert f" · {moved} of " in context and "KRs moved" in context
        await press(pilot, "less_than_sign")
        context = str(app.screen.query_one("#context").render())
        assert "week of Nov 16 (last week): " in context  # a whole past week, named as the one before this
        await press(pilot, "greater_than_sign", "greater_than_sign")  # never past this week
        assert "week of Nov 23" in str(app.screen.query_one("#context").render())
        await press(pilot, "m")
        context = str(app.screen.query_one("#context").render())
        assert context.startswith("Team · 2026-Q4 · week") and "\nMid-quarter · week of Nov 9: " in context
        assert "Fcst" in str(table.columns[5][0])  # at half-time the forecast joins


async def test_team_review_names_who_has_not_checked_in(tmp_path):
    make_app(tmp_path / "x.db").engine.dispose()  # the demo as of Nov 26
    app = make_app(tmp_path / "x.db", load_demo=False, today=TODAY + dt.timedelta(days=5))  # Tuesday Dec 1
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "4")
        context = str(app.screen.query_one("#context").render())
        # The demo's check-ins are on Mondays up to Nov 26: nobody has checked in this week.
        assert "Not checked in (5 of 5): Bruno Diaz" in context
        cells = dict(rows(app.screen.query_one("#week", OkrTable)))
        assert "no check-in this week" in cells["p:p-bruno"]


# --- 3. room at 80×24 ----------------------------------------------------------------------


def set_mission(app, mission: str, vision: str) -> None:
    """The demo's Platform team is Eli's record (an import may not change it): its maker's edit, in SQL."""
    from sqlalchemy import text

    with app.engine.begin() as conn:
        conn.execute(text("UPDATE team SET mission = :m, vision = :v WHERE id = 't-platform'"), {"m": mission, "v": vision})


async def test_long_mission_wraps_and_nothing_is_cut(tmp_path):
    app = make_app(tmp_path / "x.db")
    mission = ("Give product teams a paved road to production, so that shipping a change is safe, "
               "quick and dull, whatever the team and whatever the hour of the day")
    set_mission(app, mission, "v")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        lines = [cells for key, cells in rows(people_table(app)) if key.startswith("m:t-platform:")]
        assert len(lines) >= 3 and not any("…" in line for line in lines)
        joined = " ".join(line.strip() for line in lines)
        assert mission.split()[-1] in joined and all(len(line) <= 78 for line in lines)


async def test_dependency_rows_share_the_width_and_enter_opens_the_other_end(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "3")
        table = app.screen.query_one("#dependencies", OkrTable)
        text = dict(rows(table))
        assert "Chen Wei · Activation rate from 31% to 45%" in text.values()  # whole titles
        assert any("relies on Bruno Diaz · Give every team self-service observability" in v for v in text.values())
        key = next(k for k, v in text.items() if v == "Chen Wei · Activation rate from 31% to 45%")
        table.select_key(key)
        await press(pilot, "enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.refs == ["o:o-observability"]  # the other end: what Chen relies on


async def test_sync_line_wraps_and_missing_team_file_names_the_config(tmp_path):
    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "S")
        assert any("team_file" in m and "config.toml" in m for m in app.notified)
        folder = tmp_path / "a-rather-long-folder-name"
        folder.mkdir()
        app.cfg = dataclasses.replace(app.cfg, team_file=str(folder / "team.jsonl"))
        await press(pilot, "S")
        summary = app.screen.last_sync
        assert summary.startswith("synced ") and len(summary) > 78
        assert summary in app.notified  # a notice, whole (it wraps)
        context = app.screen.query_one("#context")
        shown = "".join(line.text.rstrip() for line in context.render_lines(context.region.reset_offset))
        assert "synced" not in shown and KEYS_LINE in shown  # 32.11: it never takes the keys' line
    app.engine.dispose()


async def test_a_sync_result_is_a_notice_that_never_hides_the_keys_nor_is_cut_in_the_week_view(tmp_path):
    """32.11: after `S` the team header kept the result (stale), lost its keys line, and in the week
    view (three lines of its own) the result was cut. Now the header stays what it was; the result is
    a notice, whole, that goes away."""
    from textual.widgets._toast import Toast

    app = make_app(tmp_path / "x.db")
    folder = tmp_path / ("a-rather-long-folder-name-" * 3)
    folder.mkdir()
    app.cfg = dataclasses.replace(app.cfg, team_file=str(folder / "team.jsonl"))

    def header() -> list[str]:
        context = app.screen.query_one("#context")
        return [line.text.rstrip() for line in context.render_lines(context.region.reset_offset)]

    async with app.run_test(size=(80, 24), notifications=True) as pilot:  # notices drawn, as for a user
        await settle(pilot)
        await press(pilot, "t")
        before = header()
        await press(pilot, "S")
        assert header() == before  # keys line kept, nothing added
        assert app.screen.last_sync in app.notified and len(app.screen.last_sync) > 100
        await pilot.pause()
        toast = next(t for t in app.screen.query(Toast) if "synced" in str(t.render()))
        drawn = "".join(line.text.replace("▌", "").strip() for line in toast.render_lines(toast.region.reset_offset))
        assert app.screen.last_sync.replace(" ", "") in drawn.replace(" ", "")  # wrapped whole, not cut
        await press(pilot, "4")
        context = app.screen.query_one("#context")
        assert context.virtual_size.height <= context.size.height  # nothing cut
        assert not any("synced" in line for line in header())
        await press(pilot, "S", "1")
        assert header() == before
    app.engine.dispose()


def test_short_names_tell_people_apart():
    names = {"a": "Alice Ng", "b": "Bruno Diaz", "c": "Bruno Ortiz", "d": "Person 00012", "e": "Person 00013",
             "f": "Cher"}
    short = teamview.short_names(names)
    assert short == {"a": "Alice", "b": "Bruno D.", "c": "Bruno O.", "d": "P. 00012", "e": "P. 00013", "f": "Cher"}
    assert len(set(short.values())) == len(names)


# --- 4. the person picker ------------------------------------------------------------------


def test_fuzzy_matches_letters_in_order():
    assert fuzzy("bdz", "Bruno Diaz") and fuzzy("DANA", "Dana Okafor") and not fuzzy("zb", "Bruno Diaz")


async def test_person_picker_filters_as_you_type(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "p")
        assert isinstance(app.screen, PersonPicker)
        assert app.screen.shown[:3] == ["", "p-bruno", "p-dana"]  # everyone, then worst first
        await press(pilot, "o", "k", "a")  # Dana Okafor
        assert app.screen.shown == ["p-dana"]
        await press(pilot, "enter")
        assert not isinstance(app.screen, PersonPicker)
        assert app.screen.filters.person == "p-dana"
        table = people_table(app)
        assert {k for k, _ in rows(table) if k.startswith("p:")} == {"p:p-dana"}
        assert table.current_key == "k:kr-interviews"  # her worst KR
        await press(pilot, "p", "escape")  # esc changes nothing
        assert app.screen.filters.person == "p-dana"
        await press(pilot, "p")
        assert app.screen.shown[app.screen.highlighted] == "p-dana"  # starts on her
        await press(pilot, "up", "up", "enter")  # the first choice: everyone
        assert app.screen.filters.person is None


# --- 5. readable without colour ------------------------------------------------------------


async def test_cursor_is_reverse_video_at_16_colours(tmp_path):
    app = make_app(tmp_path / "x.db", sixteen_colours=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        table = people_table(app)
        assert table.get_component_rich_style("okr-table--cursor").reverse
        row = table.cursor_row - round(table.scroll_y) + 1
        strip = table.render_line(row)
        assert all(seg.style is not None and seg.style.reverse for seg in strip if seg.text.strip())
    app.engine.dispose()


async def test_carry_over_ticks_read_x_or_blank(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "C")
        assert isinstance(app.screen, CloseQuarterDialog)
        ticks = app.screen.query_one(TickList)

        def line(i: int) -> str:
            return ticks.render_line(i).text

        assert line(0).startswith("[x] 0.6") and line(1).startswith("[ ] 0.8")
        await press(pilot, "down", "space")
        assert line(1).startswith("[x] 0.8")


# --- snapshots -----------------------------------------------------------------------------


def _no_color(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


SCENES = {  # keys, 16 colours, NO_COLOR, size
    "team-red-16": (["t", "b"], True, False, (80, 24)),
    "team-red-nocolor": (["t", "b"], True, True, (80, 24)),
    "team-week": (["t", "4"], False, False, (80, 24)),
    "team-week-120": (["t", "4"], False, False, (120, 40)),
    "team-mid-quarter": (["t", "m"], False, False, (80, 24)),
    "team-picker-nocolor": (["t", "p", "d"], True, True, (80, 24)),
    "team-picker-120": (["t", "p"], False, False, (120, 40)),
    "team-dependencies-nocolor": (["t", "3"], True, True, (80, 24)),
    "close-quarter-nocolor": (["s", "C", "down", "space"], True, True, (80, 24)),
}


@pytest.mark.parametrize("name", SCENES)
def test_lead_snapshots(name, snap_compare, tmp_path, monkeypatch):
    from tests.helpers import pressing

    keys, sixteen, no_color, size = SCENES[name]
    if no_color:
        _no_color(monkeypatch)
    app = make_app(tmp_path / "snap.db", sixteen_colours=sixteen)
    assert matches_snapshot(snap_compare, app, size, pressing(*keys))


async def test_dependencies_honour_the_filters(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "3", "f")  # team Acme: no dependency touches its objectives
        text = dict(rows(app.screen.query_one("#dependencies", OkrTable)))
        assert list(text) == ["none"] and "No dependency matches team Acme" in text["none"]
        await press(pilot, "f", "f", "f", "b")  # every team, red: the ends that are red KRs or hold one
        text = dict(rows(app.screen.query_one("#dependencies", OkrTable)))
        firsts = [v for k, v in text.items() if k.count(":") == 1]
        assert firsts and all(v.startswith(("Chen Wei · Activation", "Alice Ng · Make deploys",
                                            "Bruno Diaz · Give every", "Chen Wei · Delight")) for v in firsts)
        assert "Chen Wei · Activation rate from 31% to 45%" in firsts  # a red KR


def test_owner_cells_tell_fifty_people_apart():
    from okrtui.method.views import PeriodReport
    from okrtui.tui.widgets.kr_row import owner_cell

    people = {f"p-{i:05d}": f"Person {i:05d}" for i in range(50)}
    rep = PeriodReport(None, TODAY, [], people, {})  # type: ignore[arg-type]
    cells = {str(owner_cell(rep, pid)) for pid in people}  # the objectives screen's owner column
    assert len(cells) == 50 and "P. 00012" in cells


async def test_chart_chrome_never_wears_a_band_colour_and_pace_dots_read_on_black(app):
    from okrtui.method.story import kr_chart
    from okrtui.tui.widgets.chart import NOW_COLOUR

    assert NOW_COLOUR not in ("red", "yellow", "green")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        kr = kr_of(app, "k:kr-mttr")
        chart = kr_chart(kr, app.data.report.period, TODAY)
        expected = next(line for line in chart.lines if line.label == "expected pace")
        assert expected.color == "default"  # the terminal's own colour: dark blue vanished on black


async def test_sparkline_row_under_the_cursor_is_reverse_at_16_colours(tmp_path):
    app = make_app(tmp_path / "x.db", sixteen_colours=True)
    async with app.run_test(size=(120, 40)) as pilot:  # from 100 columns the sparkline shows
        await settle(pilot)
        table = app.screen.query_one(OkrTable)
        table.select_key("k:kr-deploys")
        await settle(pilot)
        strip = table.render_line(table.cursor_row - round(table.scroll_y) + 1)
        spark = [seg for seg in strip if any(ch in seg.text for ch in "▁▂▃▄▅▆▇█") and "░" not in seg.text]
        assert spark and all(seg.style.reverse for seg in spark)  # cyan on the cursor, never cyan on cyan
        assert all(seg.style.color != seg.style.bgcolor for seg in spark)
    app.engine.dispose()


@pytest.mark.parametrize("no_color", [True, False], ids=["NO_COLOR", "16-colours"])
def test_cursor_visible_on_every_kind_of_row_on_a_real_terminal(tmp_path, no_color):
    """On a pseudo-terminal (TERM=xterm), the cursor row is reverse video on a team heading, a
    person, an objective and a KR row: bold rows no longer hide it."""
    import os
    import sys

    from tests.terminal import DOWN, Terminal

    env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM")}
    env["TERM"] = "xterm"
    if no_color:
        env["NO_COLOR"] = "1"
    term = Terminal([sys.executable, "-m", "okrtui", "--demo", "--as-of", "2026-11-26", "--db",
                     str(tmp_path / "demo.db")], env=env)
    try:
        term.wait_for("Objective / key result")
        term.settle()
        term.press(b"t")
        seen = set()
        term.press(b"\x1b[A")  # up from the first person: the team's vision, mission, heading
        for _ in range(3):
            term.press(b"\x1b[A")
        for _ in range(6):  # heading, mission, vision, person, objective, KR
            rows = [y for y, line in enumerate(term.screen.display)
                    if sum(term.screen.buffer[y][x].reverse for x in range(len(line))) > len(line) // 2]
            assert len(rows) == 1, term.text()
            line = term.screen.display[rows[0]]
            seen.add("heading" if "▍" in line else "person" if line.startswith(" Bruno") else
                     "kr" if "·" in line else "objective" if line.startswith("   ") else "other")
            term.press(DOWN)
        assert {"heading", "person", "objective", "kr"} <= seen
    finally:
        term.close()


async def test_picker_takes_a_burst_of_keys_typed_with_p(app):
    """`p`, a name and enter arriving at once (a paste, a slow SSH link): nothing is lost."""
    from textual import events

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        for key in ("p", "o", "k", "a", "enter"):  # posted together, no waiting in between
            app.post_message(events.Key(key, None if key == "enter" else key))
        await settle(pilot)
        assert not isinstance(app.screen, PersonPicker)
        assert app.screen.filters.person == "p-dana"
        assert people_table(app).current_key == "k:kr-interviews"


def test_picker_burst_on_a_real_terminal(tmp_path):
    """`t`, then `pdan` and enter written to the terminal in one go: Dana is picked."""
    import os
    import sys

    from tests.terminal import Terminal

    env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM")}
    env["TERM"] = "xterm"
    term = Terminal([sys.executable, "-m", "okrtui", "--demo", "--as-of", "2026-11-26", "--db",
                     str(tmp_path / "demo.db")], env=env)
    try:
        term.wait_for("Objective / key result")
        term.settle()
        term.press(b"t")
        term.press(b"pdan\r")
        term.wait_for("person Dana Okafor", limit=20)  # a loaded machine may go quiet mid-answer
        assert "person Dana Okafor" in term.screen.display[1], term.text()
    finally:
        term.close()


async def test_long_mission_and_vision_wrap_on_the_objectives_screen(tmp_path):
    app = make_app(tmp_path / "x.db")
    mission = "Give product teams a paved road to production, safe and quick whatever the hour, every single day"
    vision = "Deploying is as boring as saving a file, for every team we serve, on every service they own"
    set_mission(app, mission, vision)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        context = app.screen.query_one("#context")
        shown = " ".join(line.text.strip() for line in context.render_lines(context.region.reset_offset))
        assert "every single day" in shown and "they own" in shown and "…" not in shown
    app.engine.dispose()


async def test_keys_read_while_the_picker_is_drawn_are_typed_before_enter_picks(app):
    """The keys the app holds while the picker is being drawn are replayed in order, each handled
    before the next: the name is in the query field before the enter behind it picks."""
    from textual import events

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        app.screen.action_pick_person()  # pushed: not drawn yet when the keys below are read
        for key in ("o", "k", "a", "enter"):
            app.post_message(events.Key(key, None if key == "enter" else key))
        await settle(pilot)
        assert not isinstance(app.screen, PersonPicker)
        assert app.screen.filters.person == "p-dana"


async def test_on_monday_before_anyone_checks_in_the_team_week_opens_on_the_week_that_just_ended(tmp_path):
    make_app(tmp_path / "x.db").engine.dispose()  # the demo as of Nov 26
    app = make_app(tmp_path / "x.db", load_demo=False, today=dt.date(2026, 11, 30))  # Monday, nobody in yet
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "4")
        context = str(app.screen.query_one("#context").render())
        assert "week of Nov 23 (last week): " in context and "Not checked in (0 of 5): nobody" in context
        assert "✓ checked in that week" in context  # the week shown, not this one
        await press(pilot, "greater_than_sign")  # this week, on demand: nobody has checked in yet
        context = str(app.screen.query_one("#context").render())
        assert "week of Nov 30 (to Nov 30): " in context and "Not checked in (5 of 5)" in context
