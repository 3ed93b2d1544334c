"""Each flow driven by keys, then checked in the database."""

from __future__ import annotations

from okrtui.storage.model import CheckIn, KeyResult, Objective, Reflection
from okrtui.tui.screens.base import OkrTable
from tests.helpers import TODAY, choose, fill, open_kr_form, press, rows, settle, type_text


async def test_screens_switch_with_their_keys(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, mode in (("c", "checkin"), ("w", "review"), ("s", "scoring"), ("o", "objectives")):
            await press(pilot, key)
            assert app.current_mode == mode
        await press(pilot, "[")
        assert app.span.label == "2026-Q3"
        await press(pilot, "]", "]")
        assert app.span.label == "2027-Q1"


async def test_create_an_objective_and_one_kr_of_each_kind(empty_app):
    app = empty_app
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await fill(pilot, "in-title", "Delight first-week users")
        await press(pilot, "enter")
        (objective,) = rows(app, Objective)
        assert (objective.title, objective.status, objective.period_id) == ("Delight first-week users", "draft",
                                                                           "2026-Q4")
        kinds = [
            ("increase", {"in-start": "31", "in-target": "45", "in-unit": "%"}),
            ("decrease", {"in-start": "3", "in-target": "1", "in-unit": "days"}),
            ("range", {"in-low": "0", "in-high": "2", "in-unit": "%"}),
            ("baseline", {"in-unit": "users"}),
            ("milestone", {}),
        ]
        for kind, fields in kinds:
            app.screen.query_one(OkrTable).move_cursor(row=0)
            await press(pilot, "n")
            await pilot.press("down", "enter")  # "New key result in …"
            await settle(pilot)
            await fill(pilot, "in-title", f"A {kind} result")
            await choose(pilot, "in-kind", kind)
            for field_id, text in fields.items():
                await fill(pilot, field_id, text)
            await press(pilot, "enter")
        krs = {kr.kind: kr for kr in rows(app, KeyResult)}
        assert set(krs) == {"increase", "decrease", "range", "baseline", "milestone"}
        assert (krs["increase"].start, krs["increase"].target, krs["increase"].unit) == (31, 45, "%")
        assert (krs["decrease"].start, krs["decrease"].target) == (3, 1)
        assert (krs["range"].low, krs["range"].high) == (0, 2)
        assert krs["baseline"].unit == "users"
        assert all(kr.objective_id == objective.id for kr in krs.values())
        assert all(kr.owner_id.startswith("p-tester-") for kr in krs.values())
        # now it has KRs, it can be activated
        app.screen.query_one(OkrTable).move_cursor(row=0)
        await press(pilot, "a")
        assert rows(app, Objective)[0].status == "active"


async def test_activating_a_draft_without_kr_is_refused(empty_app):
    app = empty_app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await fill(pilot, "in-title", "Open a self-serve path")
        await press(pilot, "enter")
        await press(pilot, "a")
        assert rows(app, Objective)[0].status == "draft"
        assert any("no-key-results" in m for m in app.notified)


async def test_a_weekly_round_over_five_krs(tmp_path):
    from okrtui.exchange import interchange
    from tests.helpers import make_app

    app = make_app(tmp_path / "round.db", load_demo=False)
    doc = {"format": "okrtui/1", "objectives": [{
        "id": "o-1", "title": "Make deploys reliable", "period": "2026-Q4", "key_results": [
            {"id": f"kr-{i}", "title": f"Result {i}", "kind": "increase", "start": 0, "target": 100,
             "check_ins": [{"id": f"c-{i}", "date": "2026-11-16", "value": 10 * i, "confidence": 0.5}]}
            for i in range(1, 6)]}]}
    interchange.import_document(app.engine, doc)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        for value in ("11", "22", "33", "44", "55"):
            await press(pilot, "enter")
            await type_text(pilot, value)  # the last value is selected: typing replaces it
            await press(pilot, "enter")
        new = rows(app, CheckIn, CheckIn.date == TODAY)
        assert sorted(c.value for c in new) == [11, 22, 33, 44, 55]
        by_kr = {c.kr_id: c for c in new}
        assert by_kr["kr-1"].value == 11 and by_kr["kr-5"].value == 55
        assert all(c.confidence == 0.5 for c in new)  # carried from the last check-in
    app.engine.dispose()


async def test_check_in_form_rejects_bad_values_and_saves_nothing(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        before = len(rows(app, CheckIn))
        await press(pilot, "enter")
        await fill(pilot, "in-value", "lots")
        await press(pilot, "enter")
        err = app.screen.query_one("#err-value")
        assert err.display and "not a number" in str(err.render())
        await fill(pilot, "in-value", "97")
        await fill(pilot, "in-confidence", "2")
        await press(pilot, "enter")
        assert "from 0 to 1" in str(app.screen.query_one("#err-confidence").render())
        assert len(rows(app, CheckIn)) == before
        await press(pilot, "escape")
        assert len(rows(app, CheckIn)) == before


async def test_correct_and_delete_a_past_check_in(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        kr_id = app.screen.query_one(OkrTable).current_key
        await press(pilot, "h")
        newest = app.screen.query_one(OkrTable).current_key
        await press(pilot, "e")
        await fill(pilot, "in-value", "94")
        await fill(pilot, "in-note", "typo fixed")
        await press(pilot, "enter")
        (fixed,) = rows(app, CheckIn, CheckIn.id == newest)
        assert (fixed.value, fixed.note, fixed.kr_id) == (94, "typo fixed", kr_id)
        await press(pilot, "d")
        await press(pilot, "y")
        assert rows(app, CheckIn, CheckIn.id == newest)[0].deleted is True


async def test_objective_form_bad_values(empty_app):
    app = empty_app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await pilot.press("enter")  # empty title
        await settle(pilot)
        assert "required" in str(app.screen.query_one("#err-title").render())
        await fill(pilot, "in-title", "Grow revenue 20%")
        await settle(pilot)
        assert "qualitative" in str(app.screen.query_one("#hint-title").render())
        await press(pilot, "escape")
        assert rows(app, Objective) == []


async def test_kr_form_bad_values(empty_app):
    app = empty_app
    cases = [
        ("increase", {"in-title": "Activation", "in-start": "5", "in-target": "5"}, "target", "above the start"),
        ("increase", {"in-title": "Activation", "in-start": "abc", "in-target": "5"}, "start", "not a number"),
        ("range", {"in-title": "Latency", "in-low": "300", "in-high": "100"}, "high", "not be below low"),
        ("decrease", {"in-title": "Latency", "in-start": "1", "in-target": "9"}, "target", "below the start"),
        ("baseline", {"in-title": "Noise", "in-unit": ""}, "unit", "unit"),
        ("milestone", {"in-title": ""}, "title", "required"),
    ]
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_kr_form(pilot)
        for kind, fields, field, phrase in cases:
            await choose(pilot, "in-kind", kind)
            for field_id, text in fields.items():
                await fill(pilot, field_id, text)
            await press(pilot, "enter")
            err = app.screen.query_one(f"#err-{field}")
            assert err.display and phrase in str(err.render()), (kind, fields)
        assert rows(app, KeyResult) == []


async def test_scoring_reflections_close_and_carry_over(app):
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        table = app.screen.query_one(OkrTable)
        table.select_key("k:kr-deploys")
        await press(pilot, "enter")
        await fill(pilot, "in-score", "0.7")
        await fill(pilot, "in-comment", "hard but done")
        await press(pilot, "enter")
        (kr,) = rows(app, KeyResult, KeyResult.id == "kr-deploys")
        assert (kr.self_score, kr.score_comment) == (0.7, "hard but done")
        # a bad score is refused inline
        table.select_key("k:kr-mttr")
        await press(pilot, "enter")
        await fill(pilot, "in-score", "1.5")
        await press(pilot, "enter")
        assert "from 0 to 1" in str(app.screen.query_one("#err-score").render())
        await press(pilot, "escape")
        assert rows(app, KeyResult, KeyResult.id == "kr-mttr")[0].self_score is None

        await press(pilot, "r")
        for key, answer in (("contributed", "deploys"), ("helped", "growth"), ("learned", "check in weekly")):
            await fill(pilot, f"in-{key}", answer)
        await press(pilot, "enter")
        answers = {r.question: r.answer for r in rows(app, Reflection, Reflection.period_id == "2026-Q4")}
        assert answers == {"contributed": "deploys", "helped": "growth", "learned": "check in weekly"}

        await press(pilot, "C")
        from textual.widgets import SelectionList

        carry = app.screen.query_one(SelectionList)
        carry.deselect_all()
        carry.select("o-reliable")
        await press(pilot, "enter")
        mine = rows(app, Objective, Objective.period_id == "2026-Q4", Objective.origin == "p-alice")
        assert mine and all(o.status == "closed" for o in mine)
        theirs = rows(app, Objective, Objective.period_id == "2026-Q4", Objective.origin != "p-alice")
        assert all(o.status != "closed" for o in theirs)
        (copy,) = rows(app, Objective, Objective.period_id == "2027-Q1")
        assert (copy.title, copy.status) == ("Make deploys boringly reliable", "draft")
        copied = rows(app, KeyResult, KeyResult.objective_id == copy.id)
        assert len(copied) == 3
        old_history = rows(app, CheckIn, CheckIn.kr_id == "kr-deploys")
        assert len(old_history) > 5  # history stays with the closed objective


async def test_teammates_rows_are_read_only(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(OkrTable).select_key("o:o-delight")
        await press(pilot, "e")
        assert app.screen.__class__.__name__ == "ObjectivesScreen"
        assert any("Chen Wei" in m for m in app.notified)
        await press(pilot, "d")
        assert rows(app, Objective, Objective.id == "o-delight")[0].deleted is False


async def test_delete_asks_first(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(OkrTable).select_key("k:kr-handbook")
        await press(pilot, "d")
        await press(pilot, "n")
        assert rows(app, KeyResult, KeyResult.id == "kr-handbook")[0].deleted is False
        await press(pilot, "d")
        assert "y: yes    n / enter / esc: no" in " ".join(str(w.render()) for w in app.screen.query("Static"))
        await press(pilot, "enter")  # a guard against a slip: enter answers no
        assert rows(app, KeyResult, KeyResult.id == "kr-handbook")[0].deleted is False
        await press(pilot, "d")
        await press(pilot, "y")
        assert rows(app, KeyResult, KeyResult.id == "kr-handbook")[0].deleted is True
        assert rows(app, CheckIn, CheckIn.kr_id == "kr-handbook")[0].deleted is True


async def test_add_dependency_and_reorder(app):
    from okrtui.storage.model import Dependency

    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(OkrTable).select_key("k:kr-deploys")
        await press(pilot, "x")
        await choose(pilot, "in-to_id", "o-observability")
        await fill(pilot, "in-note", "needs alerting")
        await press(pilot, "enter")
        deps = rows(app, Dependency, Dependency.from_id == "kr-deploys")
        assert [(d.to_id, d.note) for d in deps] == [("o-observability", "needs alerting")]
        app.screen.query_one(OkrTable).select_key("k:kr-deploys")
        await press(pilot, "J")
        order = sorted(rows(app, KeyResult, KeyResult.objective_id == "o-reliable"), key=lambda k: k.position)
        assert [k.id for k in order][:2] == ["kr-mttr", "kr-deploys"]


async def test_help_and_palette_list_every_action(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert app.screen.__class__.__name__ == "HelpDialog"
        await press(pilot, "escape")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        # every screen's actions, from the objectives screen
        assert {"Go to Check-in", "Objectives: Add dependency", "Check-in: History", "Weekly review: Next week",
                "Quarterly scoring: Close quarter", "Team: Sync now", "Objectives: Coach"} <= titles
        # one source: every described binding of every screen is in the palette
        from okrtui.tui.screens import MAIN
        from okrtui.tui.screens.keys import keys_of

        for main in MAIN.values():
            assert {f"{main.title}: {k.description}" for k in keys_of(main.screen().BINDINGS)} <= titles
        (reflect,) = [c for c in app.get_system_commands(app.screen) if c.title == "Quarterly scoring: Reflections"]
        reflect.callback()
        await settle(pilot)
        assert app.current_mode == "scoring" and app.screen.__class__.__name__ == "ReflectionsForm"


async def test_theme_is_remembered(tmp_path, monkeypatch):
    from okrtui import config
    from tests.helpers import make_app

    cfg_path = tmp_path / "cfg.toml"
    app = make_app(tmp_path / "t.db")
    app.config_path = cfg_path
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert config.load(cfg_path).theme == "nord"
    app.engine.dispose()


async def test_untrusted_text_shows_literally(tmp_path):
    from okrtui.exchange import interchange
    from tests.helpers import make_app

    app = make_app(tmp_path / "x.db", load_demo=False)
    interchange.import_document(app.engine, {"format": "okrtui/1", "objectives": [
        {"id": "o-x", "title": "[bold red]pwned[/] \x1b[31mred", "period": "2026-Q4",
         "key_results": [{"id": "kr-x", "title": "[link=http://x]click[/link]", "kind": "milestone"}]}]})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(OkrTable)
        cells = " ".join(str(table.get_row_at(i)[0]) for i in range(table.row_count))
        assert "[bold red]pwned[/]" in cells and "\\x1b[31m" in cells and "[link=http://x]click[/link]" in cells
    app.engine.dispose()


async def test_a_database_that_cannot_be_opened_ends_the_tui_with_a_message(tmp_path):
    from okrtui.config import Config
    from okrtui.tui.app import OkrApp

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite" * 100)
    app = OkrApp(junk, Config(cursor_blink=False), TODAY, native_ansi=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert app.return_code == 2 and "cannot open database" in app.open_error
    assert junk.read_bytes() == b"not sqlite" * 100


async def test_demo_is_built_in_the_worker(tmp_path):
    from okrtui.config import Config
    from okrtui.tui.app import OkrApp

    app = OkrApp(tmp_path / "demo.db", Config(cursor_blink=False), TODAY, demo=True, native_ansi=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.data is not None and len(app.data.report.objectives) == 8
    app.engine.dispose()


async def test_flow_control_keys_are_never_bound(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("o", "c", "w", "s", "t", "question_mark"):
            await press(pilot, key)
            assert not {"ctrl+s", "ctrl+q"} & set(app.active_bindings), app.screen
            if key == "question_mark":
                await pilot.press("escape")
        app.screen.query_one(OkrTable).select_key("o:o-reliable") if app.current_mode == "objectives" else None
        await press(pilot, "o", "e")
        assert not {"ctrl+s", "ctrl+q"} & set(app.active_bindings)


async def test_mouse_alone_picks_a_row_and_saves_a_form(tmp_path):
    """Click a KR row twice to open its check-in, click the dialog footer's Save."""
    from okrtui.exchange import interchange
    from tests.helpers import make_app

    app = make_app(tmp_path / "mouse.db", load_demo=False)
    interchange.import_document(app.engine, {"format": "okrtui/1", "objectives": [{
        "id": "o-1", "title": "Mouse friendly", "period": "2026-Q4", "key_results": [
            {"id": f"kr-{i}", "title": f"Result {i}", "kind": "increase", "start": 0, "target": 10}
            for i in range(2)]}]})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        table = app.screen.query_one(OkrTable)
        second_row = (10, 2)  # header is line 0 of the table; rows follow
        await pilot.click(table, offset=second_row)
        await settle(pilot)
        assert table.current_key == "kr-1"
        await pilot.click(table, offset=second_row)  # a click on the current row opens it
        await settle(pilot)
        assert app.screen.__class__.__name__ == "CheckinForm"
        await type_text(pilot, "7")
        (save,) = [k for k in app.screen.query("FooterKey") if getattr(k, "action", None) == "save"]
        await pilot.click(save)
        await settle(pilot)
        assert [(c.kr_id, c.value) for c in rows(app, CheckIn)] == [("kr-1", 7)]
    app.engine.dispose()


async def test_the_demo_never_syncs_into_the_users_team_file(tmp_path, cli):
    """`okrtui --demo` "never touches your own" database, but `t` then `S` merged the demo's eight
    objectives, signed by the demo's new identity, into the team file config.toml names: every
    teammate's next sync took a fictional company in. The demo says so in one line; the file is as it was."""
    from okrtui.config import Config
    from okrtui.tui.app import OkrApp

    team, mine = tmp_path / "team.jsonl", tmp_path / "mine.db"
    assert cli("--db", mine, "whoami", "--name", "Me").code == 0
    assert cli("--db", mine, "sync", team).code == 0
    before = team.read_bytes()
    app = OkrApp(tmp_path / "demo.db", Config(cursor_blink=False, team_file=str(team)), TODAY, demo=True,
                 native_ansi=False)
    said: list[str] = []
    app.notify = lambda message, **_kw: said.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "S")
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
    app.engine.dispose()
    assert team.read_bytes() == before
    assert any("demo" in line and "team file" in line for line in said), said
