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
