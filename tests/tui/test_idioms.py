"""Textual as its docs intend: each dialog's on_mount runs once (one Footer), and only dialogs that
save open the database early."""

from __future__ import annotations

import pytest
from textual.widgets import Footer

from okrtui.tui.screens.base import Dialog
from okrtui.tui.widgets.table import OkrTable
from tests.helpers import make_app, press, settle

DIALOGS = {
    "help": ("question_mark",),
    "coach": ("l",),
    "checkin-form": ("c", "enter"),
    "history": ("c", "h"),
    "new-choice": ("n",),
    "objective-form": ("n", "enter"),
    "score-form": ("s", "k:kr-deploys", "enter"),
    "reflections": ("s", "r"),
    "close-quarter": ("s", "C"),
    "person-picker": ("t", "p"),
}


@pytest.mark.parametrize("name", DIALOGS)
async def test_every_dialog_has_one_footer(tmp_path, name):
    app = make_app(tmp_path / "one.db")
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            for step in DIALOGS[name]:
                if step.startswith("k:"):  # a row to select first
                    app.screen.query_one(OkrTable).select_key(step)
                    await settle(pilot)
                else:
                    await press(pilot, step)
            assert isinstance(app.screen, Dialog), name
            assert len(app.screen.query(Footer)) == 1
    finally:
        app.engine.dispose()


def footer_rebuilds(monkeypatch) -> list[str]:
    """The screens whose footer draws new keys from now on, one name per redraw."""
    from okrtui.tui.widgets.footer import OkrFooter

    rebuilt: list[str] = []
    real = OkrFooter._show

    def counted(self, keys):
        rebuilt.append(type(self.screen).__name__)
        return real(self, keys)

    monkeypatch.setattr(OkrFooter, "_show", counted)
    return rebuilt


def footer_line(app) -> str:
    """What the current screen's footer draws."""
    from okrtui.tui.widgets.footer import OkrFooter

    return app.screen.query_one(OkrFooter).render_line(0).text


async def test_a_screen_switch_rebuilds_the_shown_footer_once_and_not_the_one_left(app, monkeypatch):
    """Textual's Footer rebuilds every key once per change of bindings, and the screen switched away from
    still rebuilt its own: at okrtui's number of keys, most of a switched-to screen's first frame
    (okrtui.tui.widgets.footer, issue 28's H1). Coming back redraws nothing: its keys are the same."""
    rebuilt = footer_rebuilds(monkeypatch)

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        objectives = footer_line(app)
        rebuilt.clear()
        await press(pilot, "H")
        assert set(rebuilt) == {"HealthScreen"} and len(rebuilt) <= 2, rebuilt  # Textual's Footer: 5, one the Objectives'
        assert "Measure" in footer_line(app) and "Measure" not in objectives
        rebuilt.clear()
        await press(pilot, "o")
        assert rebuilt == [], rebuilt  # its keys did not change while it was away: nothing to redraw
        assert footer_line(app) == objectives


async def test_the_first_frame_builds_the_footer_once(app, monkeypatch):
    """The list's focus and the screen's resume each asked for a rebuild of the same keys: the first frame
    built every key twice (docs/performance.md, start-up). A change of keys still redraws it."""
    rebuilt = footer_rebuilds(monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert rebuilt == ["ObjectivesScreen"], rebuilt
        assert "q Quit" in footer_line(app)
        app.set_keymap({"app.quit": "f9"})  # another key for Quit: the footer shows it
        await settle(pilot)
        assert len(rebuilt) == 2, rebuilt
        assert "f9 Quit" in footer_line(app) and "q Quit" not in footer_line(app)


async def test_the_dialogs_stylesheet_loads_with_the_first_dialog_not_before_the_first_frame(app):
    """later.tcss (dialogs, forms, the detail, the inbox) is a screen's CSS_PATH: Textual parses each
    stylesheet it has twice before the first frame, so the main screens' app.tcss is all it reads then
    (docs/performance.md). The first dialog brings it, and its rules apply from then on."""
    from okrtui.tui.screens.base import LATER_CSS

    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert not app.stylesheet.has_source(str(LATER_CSS), "")
        await press(pilot, "question_mark")  # the keys help, a dialog
        assert isinstance(app.screen, Dialog)
        assert app.stylesheet.has_source(str(LATER_CSS), "")
        box = app.screen.query_one(".dialog")
        assert box.styles.border.top[0] == "round"  # later.tcss's .dialog rule
