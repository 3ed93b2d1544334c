"""What every command shares: the parsed arguments, the config, the database (opened on first use), the day,
and the few ways a command prints (a result, an error line, a warning)."""

# Imports inside functions: each command loads only its own modules (start-up, okrtui/cli/__init__.py).

from __future__ import annotations

import argparse
import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the storage layer is imported only by the commands that use it
    from sqlalchemy.engine import Engine

    from okrtui.config import Config
    from okrtui.method.views import PeriodReport
    from okrtui.storage.backend import Backend
    from okrtui.storage.reads import Read

from okrtui.core.errors import OkrError, one_line
from okrtui.core.output import Format, safe, say  # every printed line (docs/security.md)
from okrtui.core.text import plain  # 2 ms: every command prints through it

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


WARN_LIMIT = 20  # new problems a sync names one by one; the rest are counted and named next time


@dataclass
class Context:
    args: argparse.Namespace
    today: dt.date
    engines: list[Engine] = field(default_factory=list)  # closed when the command ends
    reflections: dict[str, str] = field(default_factory=dict)  # the user's, for the last period_report

    @functools.cached_property
    def config(self) -> Config:
        from okrtui import config

        # read once per command; [keys] only by the TUI, which checks it (a command never stops on it)
        return config.load(keys=self.args.command is None)  # no command: the TUI

    def db_path(self) -> Path | str:
        from okrtui.config import db_target, default_db_path

        given = getattr(self.args, "db", None)
        return db_target(given) if given else default_db_path()

    def backend(self) -> Backend:
        """What the database can do (okrtui.storage.backend): asked before anything is opened."""
        from okrtui.storage.backend import backend_for

        return backend_for(self.db_path())

    def engine(self, *, create: bool = True) -> Engine:
        backend = self.backend()
        engine = backend.engine(create=create)
        note = backend.note()
        if note is not None and not self.engines:  # once a command: `--db memory:` keeps nothing
            say_warning(note)
        self.engines.append(engine)
        return engine

    def period_report(self, label: str | None, as_of: dt.date | None, *, team: bool,
                      today: dt.date | None = None, notes: bool = False) -> tuple[PeriodReport, str]:
        """The period's views and the user's id (period_read)."""
        read = self.period_read(label, as_of, team=team, today=today, notes=notes)
        return read.report, read.me

    def period_read(self, label: str | None, as_of: dt.date | None, *, team: bool,
                    today: dt.date | None = None, notes: bool = False) -> Read:
        """The period's views, dependencies and the user's reflections. Read with the standard library
        when it can (okrtui.storage.sqlite.quickread: no SQLAlchemy to import), else through the store, which
        also migrates an old schema and names what is wrong with a database. Check-ins' notes are read
        only when `notes`."""
        cfg, today = self.config, today or self.today
        quick = self.backend().read(label, today, as_of, team=team, fy_month=cfg.fiscal_year_start_month,
                                    stale_after=cfg.stale_after_days, notes=notes)
        if quick is None:
            from okrtui.cycle import ormread
            from okrtui.storage.store import my_id, reading

            with reading(self.engine(create=False)) as session:
                span = ormread.resolve_period(session, label, today, cfg.fiscal_year_start_month)
                quick = ormread.whole(session, span, as_of or today, my_id(session), team=team,
                                      stale_after=cfg.stale_after_days)
        self.reflections = quick.reflections
        return quick

    def metric_views(self, day: dt.date) -> tuple[list[Any], str]:
        """Every metric this person sees as of `day`, and their id: through sqlite3 when it can
        (okrtui.storage.sqlite.quickread), else the ORM (which also migrates)."""
        fy = self.config.fiscal_year_start_month
        quick = self.backend().read_metrics(day, fy)
        if quick is not None:
            return quick
        from okrtui.cycle import metrics
        from okrtui.storage.store import my_id, reading

        with reading(self.engine(create=False)) as session:
            return metrics.read_all(session, day, fy), my_id(session)

    def close(self) -> None:
        # Closed now, not whenever the garbage collector gets to them: SQLite checkpoints
        # its WAL into the file when the last connection closes.
        for engine in self.engines:
            engine.dispose()


def say_error(message: str) -> None:
    say(f"okrtui: error: {plain(one_line(message))[:2000]}", err=True)


def say_warning(message: str) -> None:
    say(f"okrtui: warning: {plain(message)[:2000]}", err=True)


def emit(text: str, output: Path | None = None, fmt: str = "text") -> None:
    """A report or export, to stdout or a file: escaped as every printed line is (a JSON text as JSON)."""
    kind: Format = "json" if fmt == "json" else "csv" if fmt == "csv" else "text"
    if output is None:
        say(text, fmt=kind, end="")
        return
    from okrtui.core.files import write_atomic

    # Owner-only, whatever was there before: an export holds private objectives.
    write_atomic(output, safe(text, kind).encode("utf-8"), mode=0o600, keep_mode=False)


def emit_workbook(data: bytes, output: Path | None) -> None:
    """A workbook (export --format xlsx, template) goes to a file, never to a terminal or a pipe of text."""
    if output is None:
        raise OkrError("a workbook is written to a file: give -o FILE.xlsx")
    from okrtui.core.files import write_atomic

    write_atomic(output, data, mode=0o600, keep_mode=False)
