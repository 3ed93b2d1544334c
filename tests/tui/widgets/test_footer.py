"""The main screens' footer, one widget (okrtui/tui/widgets/footer.py): it draws what Textual's Footer draws,
cell for cell, and a click or the mouse over a key does what it does on Textual's."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from okrtui.tui.screens.base import Dialog
from okrtui.tui.widgets.footer import OkrFooter
from tests.helpers import settle

APP_CSS = Path(__file__).resolve().parents[3] / "okrtui" / "tui" / "app.tcss"
SCREENS = Binding.Group("screens")
TIGHT = Binding.Group("moves", compact=True)


def bindings(group: Binding.Group) -> list[Binding]:
    """okrtui's kind of footer: keys with and without tooltips, a disabled one (edit), a group of three."""
    return [Binding("n", "note('new')", "New", tooltip="A new one"), Binding("e", "edit", "Edit"),
            Binding("d", "note('delete')", "Delete"),
            *(Binding(key, f"note('{key}')", key.upper(), group=group, tooltip=f"Screen {key}") for key in "ocw"),
            Binding("question_mark", "note('help')", "Keys"), Binding("q", "note('quit')", "Quit")]


class Keys(App[None]):
    """A screen's keys over Textual's Footer or okrtui's, in okrtui's stylesheet; the palette key on the right."""

    CSS_PATH = APP_CSS
    BINDINGS = bindings(SCREENS)

    def __init__(self, footer: type[Footer | OkrFooter], compact: bool, ansi: bool = False) -> None:
        super().__init__(ansi_color=ansi)
        self.footer, self.compact = footer, compact
        self.ran: list[str] = []
        self.rang = 0
        self.edit_allowed = False

    def compose(self) -> ComposeResult:
        yield Static("keys")
        yield self.footer(compact=self.compact)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "edit" and not self.edit_allowed else True  # None: shown, disabled

    def action_note(self, what: str) -> None:
        self.ran.append(what)

    def action_edit(self) -> None:
        self.ran.append("edit")

    def bell(self) -> None:
        self.rang += 1


class TightKeys(Keys):
    BINDINGS = bindings(TIGHT)


async def screenshot(footer: type[Footer | OkrFooter], compact: bool, look: str, width: int,
                     hover: int | None = None, group: Binding.Group = SCREENS) -> str:
    app = (Keys if group is SCREENS else TightKeys)(footer, compact, ansi=look == "ansi")
    if look != "ansi":
        app.theme = look
    async with app.run_test(size=(width, 4)) as pilot:
        await settle(pilot)
        if hover is not None:
            await pilot.hover(offset=(hover if hover >= 0 else width + hover, 3))
            await settle(pilot)
        return app.export_screenshot(simplify=True)


CASES = [(compact, look, width, None, SCREENS) for compact in (True, False)
         for look in ("textual-dark", "textual-light", "ansi") for width in (100, 40)]
CASES += [(True, look, 100, hover, SCREENS) for look in ("textual-dark", "ansi") for hover in (1, 23, -5)]
CASES += [(compact, "textual-dark", 100, None, TIGHT) for compact in (True, False)]


def case_id(case: tuple[bool, str, int, int | None, Binding.Group]) -> str:
    compact, look, width, hover, group = case
    return "-".join([("compact" if compact else "wide"), look, str(width), f"hover{hover}" if hover else "still",
                     group.description])


@pytest.mark.parametrize(("compact", "look", "width", "hover", "group"), CASES, ids=[case_id(c) for c in CASES])
async def test_it_draws_what_textuals_footer_draws(compact, look, width, hover, group):
    """The same screenshot as with Textual's Footer (the snapshots' format): compact or not, the theme's
    colours or the terminal's 16, wide or too narrow (the palette key over the keys that do not fit), the
    mouse over a key, over a group's key or over the palette's, a compact group. A Textual upgrade that
    changes its Footer's look fails here."""
    theirs = await screenshot(Footer, compact, look, width, hover, group)
    ours = await screenshot(OkrFooter, compact, look, width, hover, group)
    assert ours == theirs


def footer(app: App[None]) -> OkrFooter:
    return app.screen.query_one(OkrFooter)


def cells_of(app: App[None], text: str) -> int:
    """The first cell of `text` in the footer's line."""
    line = footer(app).render_line(0).text
    assert text in line, line
    return line.index(text)


async def test_a_click_on_a_key_runs_it_and_a_disabled_one_rings_the_bell():
    app = Keys(OkrFooter, compact=True)
    async with app.run_test(size=(100, 4)) as pilot:
        await settle(pilot)
        for text, cell in (("New", 0), ("q Quit", 0), ("o c w", 2), ("Delete", 3)):
            await pilot.click(OkrFooter, offset=(cells_of(app, text) + cell, 0))
            await settle(pilot)
        assert app.ran == ["new", "quit", "c", "delete"]
        await pilot.click(OkrFooter, offset=(cells_of(app, "e Edit"), 0))  # disabled: shown dim
        await settle(pilot)
        assert app.ran == ["new", "quit", "c", "delete"] and app.rang == 1
        await pilot.click(OkrFooter, offset=(cells_of(app, "e Edit") - 1, 0))  # between two keys: nothing
        await settle(pilot)
        assert app.ran == ["new", "quit", "c", "delete"] and app.rang == 1


async def test_a_disabled_key_is_dim_and_lights_up_when_enabled():
    app = Keys(OkrFooter, compact=True)
    async with app.run_test(size=(100, 4)) as pilot:
        await settle(pilot)

        def dim(text: str) -> set[bool]:
            start = cells_of(app, text)
            strip = footer(app).render_line(0).crop(start, start + len(text))
            return {bool(segment.style and segment.style.dim) for segment in strip}

        assert dim("e Edit") == {True} and dim("n New") == {False}
        app.edit_allowed = True
        app.refresh_bindings()
        await settle(pilot)
        assert dim("e Edit") == {False}
        await pilot.click(OkrFooter, offset=(cells_of(app, "e Edit"), 0))
        await settle(pilot)
        assert app.ran == ["edit"]


async def test_the_mouse_over_a_key_shows_its_tooltip():
    app = Keys(OkrFooter, compact=True)
    async with app.run_test(size=(100, 4)) as pilot:
        await settle(pilot)
        await pilot.hover(OkrFooter, offset=(cells_of(app, "n New"), 0))
        await settle(pilot)
        assert footer(app).tooltip == "A new one"
        await pilot.hover(OkrFooter, offset=(cells_of(app, "o c w") + 4, 0))  # a group's key: its own tooltip
        await settle(pilot)
        assert footer(app).tooltip == "Screen w"
        await pilot.hover(OkrFooter, offset=(cells_of(app, "d Delete"), 0))  # none of its own
        await settle(pilot)
        assert footer(app).tooltip is None


async def test_clicks_on_okrtuis_footer_open_the_help_and_switch_screens(app):
    """On okrtui's own screens: `?` opens the keys' help, a screen key in the group shows that screen, and
    the footer follows: the check-in screen's keys."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.click(OkrFooter, offset=(cells_of(app, "? Keys"), 0))
        await settle(pilot)
        assert isinstance(app.screen, Dialog)
        await pilot.press("escape")
        await settle(pilot)
        before = footer(app).render_line(0).text
        await pilot.click(OkrFooter, offset=(cells_of(app, " c ") + 1, 0))
        await settle(pilot)
        assert type(app.screen).__name__ == "CheckinScreen"
        assert footer(app).render_line(0).text != before
