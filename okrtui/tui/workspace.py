"""The TUI's workspace: loading, saving and the snapshot, between the app and the services.

The app keeps navigation, help, the palette and the theme; this owns the rest of the state.
Every database call runs in a worker; each outcome comes back to the app as a typed message
(okrtui.tui.state: DataLoaded, LoadFailed, OpenFailed, SaveFailed). One counter, `loads`,
numbers the loads asked for: a snapshot carries its load's number and one from a load the user
has moved past is dropped. The storage layer is imported in the first worker that needs it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from okrtui import config as config_mod
from okrtui.core.errors import OkrError
from okrtui.method import periods, views
from okrtui.storage.backend import Backend
from okrtui.storage.base import ChangeCounter, ReadAhead
from okrtui.storage.reads import Read
from okrtui.tui.services import Services
from okrtui.tui.state import DataLoaded, LoadFailed, MetricsLoaded, OpenFailed, SaveFailed, Snapshot

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from textual.app import App

    from okrtui.method.health import MetricView
    from okrtui.method.views import CheckInView, DependencyView, PeriodReport

T = TypeVar("T")

NOTICE_DELAY_S = 0.2  # a teammate's change notice waits this long for the rest of its burst
NOTICE_RETRY_S = 0.5  # and, arriving under an open form, is shown this soon after it closes
NOTICE_MIN_GAP_S = 1.0  # between two reloads for notices
WATCH_S = 1.0  # a SQLite file's change counter is read this often: a teammate's CLI check-in shows within 2 s


class Workspace:
    """One database and the period shown from it. `busy()` says a form is open: no reload for a
    teammate's change lands under it."""

    def __init__(self, app: App[None], backend: Backend, cfg: config_mod.Config, today: dt.date, *,
                 opened: bool, demo: bool = False, first_view: ReadAhead | None = None,
                 busy: Callable[[], bool] = lambda: False) -> None:
        self.app = app
        self.backend = backend
        self.cfg = cfg
        self.today = today
        self.demo = demo
        self.busy = busy
        self.span = periods.quarter_of(today, cfg.fiscal_year_start_month)
        self.data: Snapshot | None = None
        self.early_metrics: list[MetricView] | None = None  # the metrics, read before the first period was
        self.loads = 0  # the loads asked for; the latest one's snapshot is the one shown
        self.services = Services(self.open_engine)  # the screens' only way to the storage layer
        self.open_error: str | None = None
        self._opened = opened  # the engine is open and (for --demo) filled
        self._opening = threading.Lock()  # one worker opens the database; the others wait for it
        self._saving = threading.Lock()  # one save at a time, and its refresh before the next
        self._first = first_view
        self._ahead = first_view  # kept once the load has taken _first: a screen may hold its period's read
        self._live = False
        self._listening = False  # the backend sends teammates' changes as notices (a shared database)
        self._notice_pending = False  # a reload for a teammate's change is on its way
        self._counter: ChangeCounter | None = None  # SQLite: changes made outside the app
        self._version: int | None = None
        self._watching = False
        self._notice_reloaded = 0.0  # time.monotonic() of the last one

    # --- the database ---------------------------------------------------------------------------

    @property
    def engine(self) -> Engine | None:
        """The open database, once open and ready (a reading session may never open it)."""
        return self.backend.opened if self._opened else None

    def open_engine(self) -> Engine:
        """The open database, for the services the screens call from their workers: opened on
        the first write when the views so far came from the quick read."""
        engine = self._ensure_engine()
        if engine is None:
            raise OkrError(self.open_error or "the database could not be opened")
        return engine

    def _ensure_engine(self) -> Engine | None:
        """Open the database (importing the storage layer, migrating, filling the demo) once, in
        whichever worker needs it first; None when it cannot be opened (OpenFailed: the app ends)."""
        with self._opening:
            if self.engine is not None or self.open_error is not None:
                return self.engine
            try:
                engine = self.backend.engine()  # imports the storage layer: never before the first frame
                if self.demo:
                    from okrtui.cycle import demo  # storage layer, and only for --demo

                    demo.load(engine, self.today, self.cfg.fiscal_year_start_month)
            except OkrError as err:
                self.open_error = str(err)
                self.app.post_message(OpenFailed(str(err)))
                return None
            self._opened = True
            return engine

    def warm(self) -> None:
        """A form is open: open the database now, while the user types, so the save does not wait."""
        if self.engine is None:
            self.app.run_worker(self._ensure_engine, group="open", thread=True, exit_on_error=False)

    # --- loading -----------------------------------------------------------------------------------

    def read_ahead(self) -> None:
        """When the first read was prefetched, collect its metrics as soon as they are read, ahead of the
        period (the Health screen shows them while the period is still being read)."""
        if self._first is not None:
            self.app.run_worker(partial(self._early_metrics, self._first), name="early-metrics", group="early",
                                thread=True, exit_on_error=False)

    def hold_read_ahead(self) -> None:
        """A screen is drawing what was read ahead of the first period (the Health screen, its metrics):
        the period's read, which would share the interpreter's lock with the drawing, waits at its next
        step (ReadAhead.hold) until `release_read_ahead`. Nothing once the period is in."""
        if self.data is None and self._ahead is not None:
            self._ahead.hold()

    def release_read_ahead(self) -> None:
        if self._ahead is not None:
            self._ahead.release()

    def _early_metrics(self, first: ReadAhead) -> None:
        found = first.metrics()
        if found is not None and self.data is None:
            self.early_metrics = found[0]
            self.app.post_message(MetricsLoaded(found[0]))

    def reload(self) -> None:
        self.loads += 1
        self.app.run_worker(partial(self._load, self.span, self.loads), name="load", group="load",
                            thread=True, exclusive=True, exit_on_error=False)

    def shift(self, step: int) -> None:
        """The quarter `step` away (a custom period stays), then read it."""
        if periods.is_quarter_label(self.span.label):
            self.span = periods.shift(self.span.label, step, self.cfg.fiscal_year_start_month)
        self.reload()

    def _load(self, span: periods.Span, load: int) -> None:
        try:
            self._read(span, load)
        except Exception as err:  # an outage: the app says so, the shown data stays
            self.app.post_message(LoadFailed(err))

    def _read(self, span: periods.Span, load: int) -> None:
        if self.engine is None:
            # Read with the standard library while it can: a reading session (a lead's review)
            # never imports SQLAlchemy; the first form opens the database (warm).
            first = self._first
            quick = self._quick_read(span)
            quick_metrics = None
            if quick is not None and first is not None and first.today == self.today:
                quick_metrics = first.metrics()  # read beside the period since the start
            if quick is not None and quick_metrics is None:
                quick_metrics = self.backend.read_metrics(self.today, self.cfg.fiscal_year_start_month)
            if quick is not None and quick_metrics is not None:
                self._loaded(quick.report, quick.me, quick.dependencies, quick.reflections, load, quick_metrics[0])
                return
        from okrtui.cycle import ormread  # the storage layer, imported here in the worker
        from okrtui.storage.store import identity, my_id, reading, writing

        engine = self._ensure_engine()
        if engine is None:
            return
        with reading(engine) as session:
            me = my_id(session)
        if not me and not self.backend.read_only:  # a new database: "me" is made once, before the first view
            with writing(engine) as session:
                me = identity(session, self.cfg.name, self.cfg.email).id
        from okrtui.cycle import metrics  # the storage layer, as ormread above: in the worker

        with reading(engine) as session:
            read = ormread.whole(session, span, self.today, me, stale_after=self.cfg.stale_after_days)
            health = metrics.read_all(session, self.today, self.cfg.fiscal_year_start_month)
        self._loaded(read.report, me, read.dependencies, read.reflections, load, health)

    def _quick_read(self, span: periods.Span) -> Read | None:
        """The period by the backend's quick read: the first one was started before Textual loaded."""
        first, self._first = self._first, None
        if first is not None and first.today == self.today:
            quick = first.result()
            if quick is not None and quick.span == span:
                return quick
        if self.demo:
            return None
        return self.backend.read(span.label, self.today, team=True, fy_month=self.cfg.fiscal_year_start_month,
                                 stale_after=self.cfg.stale_after_days)

    def _loaded(self, rep: PeriodReport, me: str, deps: list[DependencyView], reflections: dict[str, str],
                load: int, health: list[MetricView]) -> None:
        """Post a load's snapshot (from either read path), with the user's team and findings."""
        team_ids = [o.team_id for o in rep.objectives if o.origin == me and o.team_id]
        my_team = rep.teams.get(team_ids[0]) if team_ids else None  # its mission and vision show on top
        from okrtui.method import lint  # after the first frame, in the load's worker

        findings = lint.check(views.own(rep, me))
        self.app.post_message(DataLoaded(Snapshot(rep, me, my_team, deps, reflections, findings, load, health)))

    def accept(self, snapshot: Snapshot) -> bool:
        """Take a delivered snapshot unless the user has moved past its load (`[` then `]`)."""
        if snapshot.load != self.loads:
            return False
        self.data = snapshot
        # A company's snapshot is ~10^5 objects without reference cycles: keep them out of the
        # cyclic collector's full passes, which would otherwise stall key presses. Refcounting
        # still frees a replaced snapshot.
        gc.freeze()
        if self.engine is not None:
            self._go_live()  # once: a shared database's engine is open from its first load
        self._watch()
        return True

    # --- saving ------------------------------------------------------------------------------------

    def save(self, action: Callable[[Services], T], on_done: Callable[[T], object] | None = None,
             on_error: Callable[[OkrError], object] | None = None, kr_id: str | None = None) -> None:
        """Run `action(services)` in a worker, one save at a time, then refresh: only KR `kr_id` when
        the write touched only its check-ins (the weekly case costs the same at any size), else the
        period. `on_done` gets the result before the new data arrives (a closing form lets its
        screen pick the next row first); an error goes to `on_error`, else SaveFailed."""
        self.app.run_worker(partial(self._save, action, on_done, on_error, kr_id), name="save", group="save",
                            thread=True, exit_on_error=False)

    def _save(self, action: Callable[[Services], T], on_done: Callable[[T], object] | None,
              on_error: Callable[[OkrError], object] | None, kr_id: str | None) -> None:
        with self._saving:
            try:
                result = action(self.services)
            except Exception as err:
                failure = err if isinstance(err, OkrError) else OkrError(f"unexpected {type(err).__name__}: {err}")
                if on_error is not None:
                    self.app.call_from_thread(on_error, failure)
                else:
                    self.app.post_message(SaveFailed(failure))
                return
            if on_done is not None:
                self.app.call_from_thread(on_done, result)
            self.app.call_from_thread(self._own_write)
            data, engine = self.data, self.engine
            if kr_id is not None and data is not None and engine is not None:
                from okrtui.cycle import ormread  # loaded already: the engine is open
                from okrtui.storage.store import reading

                # The shown snapshot's own period and day: the same bounds as a full load of it.
                with reading(engine) as session:
                    check_ins = ormread.kr_check_ins(session, kr_id, data.report.period, data.report.as_of)
                self.app.call_from_thread(self._refresh_kr, kr_id, check_ins)
            else:
                self.app.call_from_thread(self.reload)

    def _refresh_kr(self, kr_id: str, check_ins: list[CheckInView]) -> None:
        """A new snapshot with one KR's new check-ins: only it and its objective are recomputed, as
        copies; the shown snapshot, which screens may still draw, is never changed."""
        data = self.data
        if data is None or data.load != self.loads:
            # A later load was asked for and failed (an outage) or is still on its way: the snapshot
            # would be dropped as stale (accept), so read the period again instead.
            self.reload()
            return
        rep = data.report
        for i, o in enumerate(rep.objectives):
            for j, kr in enumerate(o.key_results):
                if kr.id == kr_id:
                    fresh = dataclasses.replace(kr, check_ins=check_ins)
                    views.compute_kr(fresh, rep.period, rep.as_of, o.status == "active", self.cfg.stale_after_days,
                                     o.activated_on)
                    objective = dataclasses.replace(o, key_results=[*o.key_results[:j], fresh, *o.key_results[j + 1:]])
                    views.compute_objective(objective)
                    rep = dataclasses.replace(rep, objectives=[*rep.objectives[:i], objective, *rep.objectives[i + 1:]])
                    from okrtui.method import lint  # loaded by the first load's worker already

                    findings = lint.after_check_ins(views.own(rep, data.me), data.findings, objective, kr_id)
                    # A new snapshot object (same load): the screens redraw it on their next resume too.
                    self.app.post_message(DataLoaded(dataclasses.replace(data, report=rep, findings=findings)))
                    return
        self.reload()

    # --- a shared database ---------------------------------------------------------------------------

    def _go_live(self) -> None:
        """Teammates' changes appear without a restart: at once by the backend's live notices, and
        every 30 s on a shared database (should the listening connection be lost)."""
        engine = self.engine
        if self._live or engine is None:
            return
        self._live = True
        every = self.backend.reload_every()
        if every is not None:
            self.app.set_interval(every, self._refresh_shared)
        self._listening = self.backend.listen(engine, self._notice, lambda: not self.app.is_running)

    def _watch(self) -> None:
        """Once: a database without live notices (a SQLite file) is asked every second whether anyone
        committed to it (the CLI, a sync): one PRAGMA, no reload while nothing changed."""
        if self._watching or self._listening:
            return
        self._watching = True
        self._counter = self.backend.change_counter()
        if self._counter is not None:
            self._version = self._counter()
            self.app.set_interval(WATCH_S, self._check_counter)

    def close(self) -> None:
        """The app has ended: its own connections go (the change counter's, the engine's pool), so a
        process that opens many apps (a test run, `okrtui serve`'s host) keeps no file open for them."""
        if self._counter is not None:
            self._counter.close()
            self._counter = None
        engine = self.engine
        if engine is not None:
            engine.dispose()

    def _check_counter(self) -> None:
        if self._saving.locked():  # this app's own save: _own_write takes its commit as seen
            return
        version = self._counter() if self._counter is not None else None
        if version is not None and version != self._version:
            self._version = version
            self._changed_elsewhere()

    def _own_write(self) -> None:
        """This app's save moved the counter too: its refresh is on its way already."""
        if self._counter is not None:
            self._version = self._counter() or self._version

    def _refresh_shared(self) -> None:
        if not self.busy():  # never under an open form
            self.reload()

    def _notice(self, _table: str) -> None:
        try:
            self.app.call_from_thread(self._changed_elsewhere)
        except RuntimeError:
            pass  # the app is closing

    def _changed_elsewhere(self) -> None:
        """A burst of notices (an import, a teammate's round) makes one reload, a moment later; a
        flood of them (anyone may NOTIFY) at most one a second."""
        if not self._notice_pending:
            self._notice_pending = True
            wait = max(NOTICE_DELAY_S, self._notice_reloaded + NOTICE_MIN_GAP_S - time.monotonic())
            self.app.set_timer(wait, self._after_notice)

    def _after_notice(self) -> None:
        if self.busy():  # never under an open form: once it closes
            self.app.set_timer(NOTICE_RETRY_S, self._after_notice)
            return
        self._notice_pending = False
        self._notice_reloaded = time.monotonic()
        self.reload()
