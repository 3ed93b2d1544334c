"""The Textual app: navigation, the keys help, the palette and the theme.

The workspace (okrtui.tui.workspace) owns the rest: loading, saving and the snapshot."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rich.console import Console
from textual import events
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.scrollbar import ScrollBar
from textual.worker import Worker, WorkerState

from okrtui import config as config_mod
from okrtui.core.errors import OkrError
from okrtui.method import periods
from okrtui.storage.backend import Backend, backend_for
from okrtui.storage.backend import of as backend_of
from okrtui.storage.base import ReadAhead
from okrtui.tui.screens import MAIN, screen_class
from okrtui.tui.screens.base import FormScreen, OkrScreen, OpenDetail, Refreshable
from okrtui.tui.screens.keyline import KeyLine
from okrtui.tui.screens.keys import (
    WRITING,
    checked_keymap,
    keys_of,
    own_bindings,
    screen_bindings,
    writing_actions,
    writing_bindings,
)
from okrtui.tui.screens.objectives import ObjectivesScreen
from okrtui.tui.services import Services
from okrtui.tui.state import DataLoaded, LoadFailed, MetricsLoaded, OpenFailed, SaveFailed, Snapshot, inbox_count
from okrtui.tui.widgets.scrollbar import WholeCellScrollBar
from okrtui.tui.widgets.table import OkrTable
from okrtui.tui.workspace import Workspace

if TYPE_CHECKING:  # the storage layer loads in the first worker, never before the first frame
    from sqlalchemy.engine import Engine

    from okrtui.method.health import MetricView
    from okrtui.tui.host import ScreenHost
    from okrtui.tui.screens.detail import DetailScreen

T = TypeVar("T")


SCREEN_KEYS = Binding.Group("screens")

# Textual's documented hook for drawing scrollbars: whole cells at 16 colours and under NO_COLOR
# (part-cell ends read as stray marks there); truecolor and 256 colours draw as before.
ScrollBar.renderer = WholeCellScrollBar


def _native_ansi() -> bool:
    """Whether ANSI colours go out as the terminal's own.

    On a 16-colour terminal (TERM=xterm or linux, no COLORTERM) the bands' green, yellow and
    red converted to the theme's RGB and back came out as bright red and magenta; as ANSI
    they are the terminal's own green, yellow and red. With NO_COLOR, native mode drops
    colour entirely instead of painting in greys that can vanish on a dark background."""
    system = Console(force_terminal=True).color_system
    return "NO_COLOR" in os.environ or system in ("standard", "windows")


ANSI_SCROLLBARS = dict.fromkeys(("scrollbar-background", "scrollbar-background-hover", "scrollbar-background-active",
                                 "scrollbar", "scrollbar-hover", "scrollbar-active", "scrollbar-corner-color"),
                                "ansi_default")

DETAIL_TITLE = "Detail (enter or v on a row)"


def _detail_class() -> type[DetailScreen]:
    from okrtui.tui.screens.detail import DetailScreen  # the detail and its chart load on first use

    return DetailScreen


def _main_screen(mode: str) -> OkrScreen:
    return screen_class(mode)()


class OkrApp(KeyLine, inherit_bindings=False):
    # Not inheriting App's bindings drops its ctrl+q: ctrl+s / ctrl+q are terminal flow
    # control over SSH and are never bound. ctrl+c keeps Textual's "press q to quit" hint.
    CSS_PATH = Path(__file__).parent / "app.tcss"
    TITLE = "okrtui"
    ENABLE_COMMAND_PALETTE = True
    # The first screen is imported with the app; the others on first use (okrtui.tui.screens.MAIN).
    MODES = {mode: ObjectivesScreen if mode == "objectives" else partial(_main_screen, mode) for mode in MAIN}
    # The app starts in it: no blank default screen first and a switch away from it, which made
    # Textual parse every stylesheet twice more before the first frame (docs/performance.md).
    DEFAULT_MODE = "objectives"

    # One source for the footer, the ? help and the palette. The five screens show as one
    # compact group ("o c w s t screens") so that at 80 columns ? is always on the bottom line.
    BINDINGS = [
        Binding("o", "mode('objectives')", "Objectives", group=SCREEN_KEYS, tooltip="The alignment tree", id="app.objectives"),
        Binding("c", "mode('checkin')", "Check-in", group=SCREEN_KEYS, tooltip="Your KRs due this week first", id="app.checkin"),
        Binding("w", "mode('review')", "Review", group=SCREEN_KEYS, tooltip="What moved this week", id="app.review"),
        Binding("s", "mode('scoring')", "Scoring", group=SCREEN_KEYS, tooltip="Self-score, reflect, close", id="app.scoring"),
        Binding("t", "mode('team')", "Team", group=SCREEN_KEYS, tooltip="Everyone's OKRs, for a lead", id="app.team"),
        # Not in the footer's screen keys (they fill 80 columns): the ? help and the palette list it.
        Binding("H", "mode('health')", "Health", show=False, tooltip="What must stay healthy while OKRs change things",
                id="app.health"),
        Binding("[", "period(-1)", "Prev period", show=False, tooltip="Show the quarter before", id="app.prev_period"),
        Binding("]", "period(1)", "Next period", show=False, tooltip="Show the quarter after", id="app.next_period"),
        Binding("f5,ctrl+r", "refresh", "Refresh", show=False,
                tooltip="Read the period again (on a shared database it refreshes itself every 30 s)", id="app.refresh"),
        Binding("i", "inbox", "Inbox", show=False,
                tooltip="What needs you: approvals, changes asked, comments, dependency requests, due KRs", id="app.inbox"),
        Binding("question_mark", "help", "Keys", tooltip="Every key of every screen", id="app.help"),
        Binding("q", "quit", "Quit", tooltip="Everything is saved already", id="app.quit"),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="app.help_quit"),
    ]

    def __init__(self, db: Backend | Engine | Path | str, cfg: config_mod.Config | None = None, today: dt.date | None = None,
                 *, config_path: Path | None = None, demo: bool = False,
                 native_ansi: bool | None = None, first_view: ReadAhead | None = None,
                 keys_from: str = "[keys]", read_only: bool = False) -> None:
        """`db` is a backend (okrtui.storage.backend), a path or URL, opened in a worker after the first frame
        (and filled with the demo first when `demo`), or an open engine. `native_ansi` None detects the terminal:
        see _native_ansi. `first_view` is the first period's read, started before Textual was imported
        (the CLI does); without one it starts here. `keys_from` names where cfg.keys came from, for its errors.
        `read_only`: the database opens read-only and every key that saves is hidden and refused."""
        native = _native_ansi() if native_ansi is None else native_ansi
        super().__init__(ansi_color=True if native else None)
        self.cfg = cfg or config_mod.Config()
        # config.toml's [keys], checked before the first frame: a wrong id or key is one error line.
        self.keymap = checked_keymap(self.cfg.keys, self.BINDINGS, keys_from) if self.cfg.keys else {}
        self.set_keymap(self.keymap)
        self.config_path = config_path
        today = today or dt.date.today()
        opened = not isinstance(db, Backend | str | Path)  # an open engine: opened and filled already
        backend = db if isinstance(db, Backend) else backend_for(db, read_only=read_only) \
            if isinstance(db, str | Path) else backend_of(db)
        if read_only and not backend.read_only:
            raise OkrError("--read-only needs a database opened read-only")  # a caller's mistake, said early
        self.read_only = read_only
        if first_view is None and not demo and not opened:
            first_view = backend.prefetch(today, fy_month=self.cfg.fiscal_year_start_month,
                                          stale_after=self.cfg.stale_after_days)
        self.workspace = Workspace(self, backend, self.cfg, today, opened=opened, demo=demo, first_view=first_view,
                                   busy=self._dialog_open)
        if self.cfg.theme not in self.available_themes:  # a typo would otherwise start in the default, unsaid
            raise OkrError(f"theme {self.cfg.theme!r} is not a theme (one of: {', '.join(sorted(self.available_themes))})")
        self.theme = self.cfg.theme

    def get_css_variables(self) -> dict[str, str]:
        """Scrollbars at 16 colours and under NO_COLOR (the `:ansi` pseudo-class's condition): the terminal's own
        colours, drawn in whole cells (okrtui.tui.widgets.scrollbar), a reverse-video thumb on the terminal's
        background; part-cell ends in the theme's greys came out as stray `▄ ▇▇ ▅▅` beside the rows. Every
        widget's scrollbar takes these variables (Textual's Widget CSS); an `App:ansi *` rule in app.tcss did
        the same at 27 M instructions before the first frame: Textual tried it on every widget at every
        styling, whatever the colours (docs/performance.md)."""
        variables = super().get_css_variables()  # the dict Textual keeps as theme_variables: updated in place
        if self.native_ansi_color:
            variables.update(ANSI_SCROLLBARS)
        return variables

    def _dialog_open(self) -> bool:
        """A dialog is on top. While the app has no screen yet, or none any more (a teammate's notice
        arriving as it starts or quits), none is: `self.screen` would raise ScreenStackError."""
        stack = self.screen_stack
        return bool(stack) and isinstance(stack[-1], ModalScreen)

    def on_mount(self) -> None:
        self.watch(self, "theme", self._remember_theme, init=False)
        # The load runs in a worker while the first frame paints: start-up never waits for the database.
        self.workspace.read_ahead()
        self.reload()
        note = self.workspace.backend.note()  # an in-memory database: "quitting loses nothing" does not hold
        if note is not None:
            self.notify(note, severity="warning", timeout=30, markup=False)

    def on_unmount(self) -> None:
        self.workspace.close()

    # --- the workspace's state, as the screens read it ----------------------------------------

    @property
    def data(self) -> Snapshot | None:
        return self.workspace.data

    @property
    def metrics(self) -> list[MetricView] | None:
        """The health metrics shown: the snapshot's, or those read ahead of the first period."""
        data = self.workspace.data
        return data.metrics if data is not None else self.workspace.early_metrics

    @property
    def services(self) -> Services:
        return self.workspace.services

    @property
    def span(self) -> periods.Span:
        return self.workspace.span

    @property
    def today(self) -> dt.date:
        return self.workspace.today

    @property
    def engine(self) -> Engine | None:
        return self.workspace.engine

    def check_team_file(self) -> None:
        """OkrError when this database has no place for a team file (a shared one: everyone's records are live,
        or the demo: its made-up company must never reach the team file config.toml names)."""
        if self.workspace.demo:
            raise OkrError("the demo never syncs: its made-up OKRs would reach your team file (okrtui --demo "
                           "touches nothing of yours)")
        self.workspace.backend.check_team_file()

    @property
    def db_path(self) -> Path | str:
        return self.workspace.backend.target

    @property
    def open_error(self) -> str | None:
        return self.workspace.open_error

    def reload(self) -> None:
        self.workspace.reload()

    def warm_storage(self) -> None:
        """A form is open: open the database now, while the user types, so the save does not wait."""
        self.workspace.warm()

    def hold_read_ahead(self) -> None:
        self.workspace.hold_read_ahead()

    def release_read_ahead(self) -> None:
        self.workspace.release_read_ahead()

    def save(self, action: Callable[[Services], T], on_done: Callable[[T], object] | None = None,
             on_error: Callable[[OkrError], object] | None = None, kr_id: str | None = None) -> None:
        """`action(services)` in a worker, then the refresh: see Workspace.save. Refused when read-only."""
        if self.read_only:
            self.refuse_write()
            return

        def done(result: T) -> object:
            self.hold_until_fresh()  # before the form closes: keys typed meanwhile wait for the new data
            return None if on_done is None else on_done(result)

        self.workspace.save(action, done, on_error, kr_id)

    # --- a read-only session (okrtui --read-only, okrtui serve) --------------------------------

    def refuses(self, owner: type, action: str) -> bool:
        """Whether `owner`'s `action` is one that saves, refused in this read-only session."""
        return self.read_only and action in writing_actions(owner)

    def refuse_write(self) -> None:
        self.notify("read-only: this session saves nothing (okrtui --read-only)", severity="warning",
                    timeout=4, markup=False)

    def refuse_key(self, screen: Screen[Any], event: events.Key) -> bool:
        """The key line asks before it hands a key out: in a read-only session a key that saves gets
        one line and goes no further (its binding is hidden too)."""
        if self.read_only and self._writing_key(screen, event.key):
            self.refuse_write()
            return True
        return False

    def _writing_key(self, screen: Screen[Any], key: str) -> bool:
        """Whether `key` is one of the screen's keys that save (as [keys] may have moved them). The view
        with the focus answers its own keys first, as Textual dispatches them: [keys] may give a view's
        key one that saves in another view (the week's `<` moved to `A`), and there it does not save."""

        def bound(binding: Binding) -> bool:
            return key in (k.strip() for k in self.keymap.get(binding.id or "", binding.key).split(","))

        focused = screen.focused
        for view in getattr(screen, "VIEWS", ()):
            if isinstance(focused, view):
                mine = next((b for b in own_bindings(view) if bound(b)), None)
                if mine is not None:
                    return mine.id in WRITING
        return any(bound(binding) for binding in writing_bindings(type(screen)))

    # --- the workspace's messages --------------------------------------------------------------

    def on_data_loaded(self, message: DataLoaded) -> None:
        if not self.workspace.accept(message.snapshot):
            return  # a load the user has already moved past (`[` then `]`): never shown
        span = self.span
        self.sub_title = f"{span.label}  {span.start:%b %-d} – {span.end:%b %-d %Y}"
        if self.read_only:
            self.sub_title += "  read-only"
        waiting = inbox_count(message.snapshot)
        if waiting:
            self.sub_title += f"  ✉ {waiting} (i)"
        for screen in self.screen_stack:
            if isinstance(screen, Refreshable) and screen.is_current:
                screen.refresh_data()
        self.fresh()

    def on_metrics_loaded(self, message: MetricsLoaded) -> None:
        if self.workspace.data is not None:
            return  # the period came first: its snapshot's metrics are shown
        for screen in self.screen_stack:
            if isinstance(screen, Refreshable) and screen.is_current:
                screen.refresh_data()

    def on_load_failed(self, message: LoadFailed) -> None:
        self._worker_failed("load", message.error)

    def on_open_failed(self, message: OpenFailed) -> None:
        self.exit(return_code=2)  # run_app raises the one error line

    def on_save_failed(self, message: SaveFailed) -> None:
        self.notify(str(message.error), severity="error", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's unexpected failure lands: a message, never a dead app."""
        if event.state == WorkerState.ERROR:
            self._worker_failed(event.worker.group, event.worker.error)

    def _worker_failed(self, group: str, error: BaseException | None) -> None:
        self.fresh()  # no new data is coming
        what = self.workspace.backend.describe(error) if error is not None else "unknown error"
        self.notify(f"{group} failed: {what}", severity="error", markup=False)

    def action_inbox(self) -> None:
        from okrtui.tui.screens.talk import InboxScreen  # loads on first use

        if not isinstance(self.screen, InboxScreen):
            self.push_screen(InboxScreen())

    def _remember_theme(self, theme: str) -> None:
        if self.read_only:
            return  # a read-only session writes no file either: the theme lasts until it ends
        try:
            config_mod.update(self.config_path, theme=theme)
        except (OkrError, OSError) as err:
            self.notify(f"theme not saved: {err}", severity="warning", markup=False)

    # --- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Dialogs own the keyboard: no switching screens or periods beneath them.
        if action in ("mode", "period", "help", "inbox") and isinstance(self.screen, ModalScreen):
            return False
        return True

    def action_mode(self, mode: str) -> None:
        # A screen's key shows its list: a detail or the inbox opened on this screen closes (the
        # same key from a detail goes back to the list), and one left open on another screen's
        # stack would greet you there later, with that screen's keys doing nothing.
        while len(self.screen_stack) > 1 and not isinstance(self.screen, ModalScreen):
            self.pop_screen()
        if self.current_mode != mode:
            self.switch_mode(mode)

    def action_refresh(self) -> None:
        self.reload()

    def action_period(self, step: int) -> None:
        self.workspace.shift(int(step))

    def on_open_detail(self, message: OpenDetail) -> None:
        self.push_screen(_detail_class()(message.refs, message.index))

    def show_guide(self) -> None:
        from okrtui.tui.screens.coach import GuideDialog  # the coach and lint load on first use

        self.push_screen(GuideDialog())

    def action_help(self) -> None:
        from okrtui.tui.screens.dialogs import HelpDialog  # the dialogs load on first use

        hidden = WRITING if self.read_only else ()
        sections = [("Anywhere (outside a text field)", list(keys_of(self.BINDINGS, self.keymap)))]
        here = self.current_mode
        modes = [here, *[m for m in MAIN if m != here]]  # the screen you are on first
        sections += [(MAIN[m].title, list(keys_of(screen_bindings(screen_class(m)), self.keymap, hidden))) for m in modes]
        sections.append((DETAIL_TITLE, list(keys_of(_detail_class().BINDINGS, self.keymap, hidden))))
        sections += [("Lists", list(keys_of(OkrTable.BINDINGS, self.keymap))),
                     ("Forms", list(keys_of(FormScreen.BINDINGS, self.keymap)))]
        self.push_screen(HelpDialog(sections))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action of every screen: picking one on another screen switches there first."""
        yield from super().get_system_commands(screen)
        for mode, main in MAIN.items():
            yield SystemCommand(f"Go to {main.title}", f"Switch to the {main.title.lower()} screen",
                                lambda m=mode: self.action_mode(m))
        yield SystemCommand("Previous period", "Show the quarter before", lambda: self.action_period(-1))
        yield SystemCommand("Next period", "Show the quarter after", lambda: self.action_period(1))
        yield SystemCommand("Show keys", "Every key of every screen", self.action_help)
        hidden = WRITING if self.read_only else ()
        for mode, main in MAIN.items():
            for key in keys_of(screen_bindings(main.screen()), self.keymap, hidden):
                yield SystemCommand(f"{main.title}: {key.description}", f"{key.help} ({key.keys})",
                                    lambda m=mode, a=key.action: self._run_on(m, a))

        if isinstance(screen, _detail_class()):  # its keys act on the row it shows: offered there only
            for key in keys_of(screen.BINDINGS, self.keymap, hidden):
                yield SystemCommand(f"{DETAIL_TITLE}: {key.description}", f"{key.help} ({key.keys})",
                                    lambda a=key.action: self.call_after_refresh(screen.run_action, a))

    def _run_on(self, mode: str, action: str) -> None:
        self.action_mode(mode)
        screen = self.screen
        self.call_after_refresh(screen.run_key if isinstance(screen, OkrScreen) else screen.run_action, action)


def run_app(db_path: Backend | Path | str, cfg: config_mod.Config, today: dt.date, demo: bool = False,
            first_view: ReadAhead | None = None, keys_from: str = "[keys]", read_only: bool = False) -> None:
    """Open the TUI; a database that cannot be opened ends it with one error line."""
    app = OkrApp(db_path, cfg, today, demo=demo, first_view=first_view, keys_from=keys_from, read_only=read_only)
    try:
        app.run()
    finally:
        if app.engine is not None:
            app.engine.dispose()
    if app.open_error:
        raise OkrError(app.open_error)


if TYPE_CHECKING:
    def _hosts_screens(app: OkrApp) -> ScreenHost:
        return app  # mypy fails here when OkrApp lacks something the screens ask of it (host.py)
