"""The Textual app: owns the state (period, loaded data) and runs every database call in a worker."""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from okrtui import config as config_mod
from okrtui import lint, periods, quickread, views
from okrtui.backend import Backend, backend_for
from okrtui.backend import of as backend_of
from okrtui.errors import OkrError
from okrtui.screens.base import FormScreen, OpenDetail
from okrtui.screens.coach import GuideDialog
from okrtui.screens.keys import Key, keys_of
from okrtui.screens.objectives import ObjectivesScreen
from okrtui.services import Services
from okrtui.state import DataLoaded, Snapshot
from okrtui.widgets.table import OkrTable

if TYPE_CHECKING:  # the storage layer loads in the first worker, never before the first frame
    from sqlalchemy.engine import Engine

    from okrtui.screens.base import OkrScreen
    from okrtui.screens.detail import DetailScreen
    from okrtui.views import CheckInView, DependencyView, PeriodReport


SCREENS = {
    "objectives": ("Objectives", "ObjectivesScreen"),
    "checkin": ("Check-in", "CheckinScreen"),
    "review": ("Weekly review", "ReviewScreen"),
    "scoring": ("Quarterly scoring", "ScoringScreen"),
    "team": ("Team", "TeamScreen"),
}


SCREEN_KEYS = Binding.Group("screens")
SHARED_REFRESH_S = 30
NOTICE_DELAY_S = 0.2  # a teammate's change notice waits this long for the rest of its burst
NOTICE_RETRY_S = 0.5  # and, arriving under an open form, is shown this soon after it closes
NOTICE_MIN_GAP_S = 1.0  # between two reloads for notices


def _native_ansi() -> bool:
    """Whether ANSI colours go out as the terminal's own.

    On a 16-colour terminal (TERM=xterm or linux, no COLORTERM) the bands' green, yellow and
    red converted to the theme's RGB and back came out as bright red and magenta; as ANSI
    they are the terminal's own green, yellow and red. With NO_COLOR, native mode drops
    colour entirely instead of painting in greys that can vanish on a dark background."""
    system = Console(force_terminal=True).color_system
    return "NO_COLOR" in os.environ or system in ("standard", "windows")


DETAIL_TITLE = "Detail (enter or v on a row)"


def _detail_class() -> type[DetailScreen]:
    from okrtui.screens.detail import DetailScreen  # the detail and its chart load on first use

    return DetailScreen


def screen_class(mode: str) -> type[OkrScreen]:
    """A main screen's class, imported on first use: only the first screen loads before the first frame."""
    cls: type[OkrScreen] = getattr(importlib.import_module(f"okrtui.screens.{mode}"), SCREENS[mode][1])
    return cls


class OkrApp(App[None], inherit_bindings=False):
    # Not inheriting App's bindings drops its ctrl+q: ctrl+s / ctrl+q are terminal flow
    # control over SSH and are never bound. ctrl+c keeps Textual's "press q to quit" hint.
    CSS_PATH = Path(__file__).parent / "app.tcss"
    TITLE = "okrtui"
    ENABLE_COMMAND_PALETTE = True
    MODES = {
        "objectives": ObjectivesScreen,
        "checkin": lambda: screen_class("checkin")(),
        "review": lambda: screen_class("review")(),
        "scoring": lambda: screen_class("scoring")(),
        "team": lambda: screen_class("team")(),
    }

    # One source for the footer, the ? help and the palette. The five screens show as one
    # compact group ("o c w s t screens") so that at 80 columns ? is always on the bottom line.
    BINDINGS = [
        Binding("o", "mode('objectives')", "Objectives", group=SCREEN_KEYS, tooltip="The alignment tree"),
        Binding("c", "mode('checkin')", "Check-in", group=SCREEN_KEYS, tooltip="Your KRs due this week first"),
        Binding("w", "mode('review')", "Review", group=SCREEN_KEYS, tooltip="What moved this week"),
        Binding("s", "mode('scoring')", "Scoring", group=SCREEN_KEYS, tooltip="Self-score, reflect, close"),
        Binding("t", "mode('team')", "Team", group=SCREEN_KEYS, tooltip="Everyone's OKRs, for a lead"),
        Binding("[", "period(-1)", "Prev period", show=False, tooltip="Show the quarter before"),
        Binding("]", "period(1)", "Next period", show=False, tooltip="Show the quarter after"),
        Binding("f5,ctrl+r", "refresh", "Refresh", show=False,
                tooltip="Read the period again (on a shared database it refreshes itself every 30 s)"),
        Binding("i", "inbox", "Inbox", show=False,
                tooltip="What needs you: approvals, changes asked, comments, dependency requests, due KRs"),
        Binding("question_mark", "help", "Keys", tooltip="Every key of every screen"),
        Binding("q", "quit", "Quit", tooltip="Everything is saved already"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(self, db: Backend | Engine | Path | str, cfg: config_mod.Config | None = None, today: dt.date | None = None,
                 *, config_path: Path | None = None, demo: bool = False,
                 native_ansi: bool | None = None, first_view: quickread.Prefetch | None = None) -> None:
        """`db` is a backend (okrtui.backend), a path or URL, opened in a worker after the first frame
        (and filled with the demo first when `demo`), or an open engine. `native_ansi` None detects the terminal:
        see _native_ansi. `first_view` is the first period's read, started before Textual was imported
        (the CLI does); without one it starts here."""
        native = _native_ansi() if native_ansi is None else native_ansi
        super().__init__(ansi_color=True if native else None)
        self.demo = demo
        self.backend = db if isinstance(db, Backend) else backend_for(db) if isinstance(db, str | Path) else backend_of(db)
        self._opened = not isinstance(db, Backend | str | Path)  # an open engine: opened and filled already
        self.open_error: str | None = None
        self.cfg = cfg or config_mod.Config()
        self.config_path = config_path
        self.today = today or dt.date.today()
        self.span = periods.quarter_of(self.today, self.cfg.fiscal_year_start_month)
        self.data: Snapshot | None = None
        self.services = Services(self._open_engine)  # the screens' only way to the storage layer
        self.data_version = 0
        self.generation = 0  # of the latest load asked for
        self._opening = threading.Lock()  # one worker opens the database; the others wait for it
        self._notice_pending = False  # a reload for a teammate's change is on its way
        self._notice_reloaded = 0.0  # time.monotonic() of the last one
        if first_view is None and not demo and not self._opened:
            first_view = self.backend.prefetch(self.today, fy_month=self.cfg.fiscal_year_start_month,
                                               stale_after=self.cfg.stale_after_days)
        self._first = first_view
        if self.cfg.theme in self.available_themes:
            self.theme = self.cfg.theme

    def on_mount(self) -> None:
        self.watch(self, "theme", self._remember_theme, init=False)
        self.switch_mode("objectives")
        # The load runs in a worker while the first frame paints: start-up never waits for the database.
        self.reload()

    # --- state ------------------------------------------------------------------------

    @property
    def engine(self) -> Engine | None:
        """The open database, once it is open and ready (None before: a reading session may never open it)."""
        return self.backend.opened if self._opened else None

    @property
    def db_path(self) -> Path | str:
        return self.backend.target

    def _open_engine(self) -> Engine:
        """The open database, for the services the screens call from their workers: opened on
        the first write when the views so far came from okrtui.quickread."""
        engine = self._ensure_engine()
        if engine is None:
            raise OkrError(self.open_error or "the database could not be opened")
        return engine

    def _ensure_engine(self) -> Engine | None:
        """Open the database (importing the storage layer, migrating, filling the demo) once, in
        whichever worker needs it first; None when it cannot be opened (the app then ends)."""
        with self._opening:
            if self.engine is not None or self.open_error is not None:
                return self.engine
            try:
                engine = self.backend.engine()  # imports the storage layer: never before the first frame
                if self.demo:
                    from okrtui import demo  # storage layer, and only for --demo

                    demo.load(engine, self.today, self.cfg.fiscal_year_start_month)
            except OkrError as err:
                self.open_error = str(err)
                self.call_from_thread(self._cannot_open, str(err))
                return None
            self._opened = True
            return engine

    def warm_storage(self) -> None:
        """A form is open: open the database now, while the user types, so the save does not wait."""
        if self.engine is None:
            self._warm()

    @work(thread=True, group="open", exit_on_error=False)
    def _warm(self) -> None:
        self._ensure_engine()

    def reload(self) -> None:
        self.generation += 1
        self.load(self.span, self.generation)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self, span: periods.Span, generation: int) -> None:
        if self.engine is None:
            # Read with the standard library while it can: a reading session (a lead's review)
            # never imports SQLAlchemy; the first form opens the database (warm_storage).
            quick = self._quick_read(span)
            if quick is not None:
                self._loaded(quick.report, quick.me, quick.dependencies, quick.reflections, generation)
                return
        # The storage layer is imported here, in the worker: the first frame never waits for it.
        from okrtui import ormread  # the storage layer, imported here in the worker
        from okrtui.store import identity, my_id, reading, writing

        engine = self._ensure_engine()
        if engine is None:
            return
        with reading(engine) as session:
            me = my_id(session)
        if not me:  # a new database: "me" is made once, before the first view needs it
            with writing(engine) as session:
                me = identity(session, self.cfg.name, self.cfg.email).id
        with reading(engine) as session:
            read = ormread.whole(session, span, self.today, me, stale_after=self.cfg.stale_after_days)
        self._loaded(read.report, me, read.dependencies, read.reflections, generation)

    def _loaded(self, rep: PeriodReport, me: str, deps: list[DependencyView], reflections: dict[str, str],
                generation: int) -> None:
        """Post a load's snapshot (from either read path), with the user's team and findings."""
        team_ids = [o.team_id for o in rep.objectives if o.origin == me and o.team_id]
        my_team = rep.teams.get(team_ids[0]) if team_ids else None  # its mission and vision show on top
        self.post_message(DataLoaded(Snapshot(rep, me, my_team, deps, reflections, lint.check(views.own(rep, me)),
                                              generation)))

    def _quick_read(self, span: periods.Span) -> quickread.Read | None:
        """The period read by okrtui.quickread: the first one was started before Textual loaded."""
        first, self._first = self._first, None
        if first is not None and first.today == self.today:
            quick = first.result()
            if quick is not None and quick.span == span:
                return quick
        if self.demo:
            return None
        return self.backend.read(span.label, self.today, team=True,
                              fy_month=self.cfg.fiscal_year_start_month, stale_after=self.cfg.stale_after_days)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's unexpected failure lands: a message, never a dead app."""
        if event.state == WorkerState.ERROR:
            from okrtui.pgsecurity import describe

            error = event.worker.error
            what = describe(error) if error is not None else "unknown error"
            self.notify(f"{event.worker.group} failed: {what}", severity="error", markup=False)

    def _refresh_shared(self) -> None:
        if not isinstance(self.screen, ModalScreen):  # never under an open form
            self.reload()

    def _listen(self, engine: Engine) -> None:
        """Wait for teammates' change notices (okrtui.pglive) until the app ends: a daemon thread,
        not a worker, as it never completes (waiting for the workers means waiting for the loads)."""
        self.backend.listen(engine, self._notice, lambda: not self.is_running)

    def _notice(self, _table: str) -> None:
        try:
            self.call_from_thread(self._changed_elsewhere)
        except RuntimeError:
            pass  # the app is closing

    def _changed_elsewhere(self) -> None:
        """A burst of notices (an import, a teammate's round) makes one reload, a moment later; a
        flood of them (anyone may NOTIFY) at most one a second."""
        import time

        if not self._notice_pending:
            self._notice_pending = True
            wait = max(NOTICE_DELAY_S, self._notice_reloaded + NOTICE_MIN_GAP_S - time.monotonic())
            self.set_timer(wait, self._after_notice)

    def _after_notice(self) -> None:
        import time

        if isinstance(self.screen, ModalScreen):  # never under an open form: once it closes
            self.set_timer(NOTICE_RETRY_S, self._after_notice)
            return
        self._notice_pending = False
        self._notice_reloaded = time.monotonic()
        self.reload()

    def _cannot_open(self, message: str) -> None:
        self.exit(return_code=2)

    def on_data_loaded(self, message: DataLoaded) -> None:
        if message.snapshot.generation != self.generation:
            return  # a load the user has already moved past (`[` then `]`): never shown
        if self.data is None and self.engine is not None:
            # Shared database: teammates' check-ins appear without a restart, at once by live notices,
            # and every 30 s should the listening connection be lost (or the backend send none).
            if self.backend.shared:
                self.set_interval(SHARED_REFRESH_S, self._refresh_shared)
            if self.backend.live:
                self._listen(self.engine)
        self.data = message.snapshot
        # A company's snapshot is ~10^5 objects without reference cycles: keep them out of the
        # cyclic collector's full passes, which would otherwise stall key presses. Refcounting
        # still frees a replaced snapshot.
        gc.freeze()
        self.data_version += 1
        self.sub_title = f"{self.span.label}  {self.span.start:%b %-d} – {self.span.end:%b %-d %Y}"
        waiting = self._inbox_count(message.snapshot)
        if waiting:
            self.sub_title += f"  ✉ {waiting} (i)"
        for screen in self.screen_stack:
            if hasattr(screen, "refresh_data") and screen.is_current:
                screen.refresh_data()

    def _inbox_count(self, data: Snapshot) -> int:
        from okrtui.screens.talk import inbox_count

        return inbox_count(data)

    def action_inbox(self) -> None:
        from okrtui.screens.talk import InboxScreen

        if not isinstance(self.screen, InboxScreen):
            self.push_screen(InboxScreen())

    def save(self, fn: Callable[[], Any], on_done: Callable[[Any], Any] | None = None,
             on_error: Callable[[OkrError], None] | None = None, kr_id: str | None = None) -> None:
        """Run a write in a worker, then reload: only KR `kr_id` when the write touched only its
        check-ins (the common weekly case costs the same at any database size), else the period.
        Errors go to on_error or a notification."""
        self._save_worker(fn, on_done, on_error, kr_id)

    @work(thread=True, group="save", exit_on_error=False)
    def _save_worker(self, fn: Callable[[], Any], on_done: Callable[[Any], Any] | None,
                     on_error: Callable[[OkrError], None] | None, kr_id: str | None = None) -> None:
        try:
            result = fn()
        except OkrError as err:
            self.call_from_thread(on_error or self._notify_error, err)
            return
        except Exception as err:
            wrapped = OkrError(f"unexpected {type(err).__name__}: {err}")
            self.call_from_thread(on_error or self._notify_error, wrapped)
            return
        if on_done is not None:
            # Before the new data arrives: a closing form lets its screen pick the next row first.
            self.call_from_thread(on_done, result)
        data = self.data
        if kr_id is not None and data is not None and self.engine is not None:
            from okrtui import ormread  # loaded already: the engine is open
            from okrtui.store import reading

            # The shown snapshot's own period and day: the same bounds as a full load of it.
            with reading(self.engine) as session:
                check_ins = ormread.kr_check_ins(session, kr_id, data.report.period, data.report.as_of)
            self.call_from_thread(self._refresh_kr, kr_id, check_ins)
        else:
            self.call_from_thread(self.reload)

    def _refresh_kr(self, kr_id: str, check_ins: list[CheckInView]) -> None:
        """Put one KR's new check-ins into the loaded snapshot and recompute only it and its objective."""
        data = self.data
        if data is None or data.generation != self.generation:
            # A later load was asked for and failed (an outage) or is still on its way: the snapshot
            # would be dropped as stale (on_data_loaded), so read the period again instead.
            self.reload()
            return
        for o in data.report.objectives:
            for kr in o.key_results:
                if kr.id == kr_id:
                    kr.check_ins = check_ins
                    views.compute_kr(kr, data.report.period, data.report.as_of, o.status == "active",
                                     self.cfg.stale_after_days, o.activated_on)
                    views.compute_objective(o)
                    data.findings = lint.after_check_ins(views.own(data.report, data.me), data.findings, o, kr_id)
                    self.post_message(DataLoaded(data))
                    return
        self.reload()

    def _notify_error(self, err: OkrError) -> None:
        self.notify(str(err), severity="error", markup=False)

    def _remember_theme(self, theme: str) -> None:
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
        if self.current_mode != mode:
            self.switch_mode(mode)
        else:  # the same screen's key from a detail opened on it: back to its list
            while len(self.screen_stack) > 1 and not isinstance(self.screen, ModalScreen):
                self.pop_screen()

    def action_refresh(self) -> None:
        self.reload()

    def action_period(self, step: int) -> None:
        label = self.span.label
        if periods.is_quarter_label(label):
            self.span = periods.shift(label, int(step), self.cfg.fiscal_year_start_month)
        self.reload()

    def on_open_detail(self, message: OpenDetail) -> None:
        self.push_screen(_detail_class()(message.refs, message.index))

    def show_guide(self) -> None:
        self.push_screen(GuideDialog())

    def action_help(self) -> None:
        from okrtui.screens.dialogs import HelpDialog  # the dialogs load on first use

        sections = [("Anywhere (outside a text field)", list(keys_of(self.BINDINGS)))]
        here = self.current_mode
        modes = [here, *[m for m in SCREENS if m != here]]  # the screen you are on first
        sections += [(SCREENS[m][0], list(keys_of(screen_class(m).BINDINGS))) for m in modes]
        sections.append((DETAIL_TITLE, list(keys_of(_detail_class().BINDINGS))))
        sections += [("Lists", list(keys_of(OkrTable.BINDINGS))),
                     ("Forms", [Key("enter", "Save", "from any field", "save"), *keys_of(FormScreen.BINDINGS)])]
        self.push_screen(HelpDialog(sections))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action of every screen: picking one on another screen switches there first."""
        yield from super().get_system_commands(screen)
        for mode, (title, _) in SCREENS.items():
            yield SystemCommand(f"Go to {title}", f"Switch to the {title.lower()} screen",
                                lambda m=mode: self.action_mode(m))
        yield SystemCommand("Previous period", "Show the quarter before", lambda: self.action_period(-1))
        yield SystemCommand("Next period", "Show the quarter after", lambda: self.action_period(1))
        yield SystemCommand("Show keys", "Every key of every screen", self.action_help)
        for mode, (title, _) in SCREENS.items():
            for key in keys_of(screen_class(mode).BINDINGS):
                yield SystemCommand(f"{title}: {key.description}", f"{key.help} ({key.keys})",
                                    lambda m=mode, a=key.action: self._run_on(m, a))

        if isinstance(screen, _detail_class()):  # its keys act on the row it shows: offered there only
            for key in keys_of(screen.BINDINGS):
                yield SystemCommand(f"{DETAIL_TITLE}: {key.description}", f"{key.help} ({key.keys})",
                                    lambda a=key.action: self.call_after_refresh(screen.run_action, a))

    def _run_on(self, mode: str, action: str) -> None:
        self.action_mode(mode)
        self.call_after_refresh(self.screen.run_action, action)


def run_app(db_path: Backend | Path | str, cfg: config_mod.Config, today: dt.date, demo: bool = False,
            first_view: quickread.Prefetch | None = None) -> None:
    """Open the TUI; a database that cannot be opened ends it with one error line."""
    app = OkrApp(db_path, cfg, today, demo=demo, first_view=first_view)
    try:
        app.run()
    finally:
        if app.engine is not None:
            app.engine.dispose()
    if app.open_error:
        raise OkrError(app.open_error)
