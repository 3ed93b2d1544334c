"""The `okrtui` command. Light commands never import Textual: only the TUI path does.

Each command imports what it uses inside its own function, so a command's start-up pays only
for its own modules (`okrtui checkin` never loads the report's, sync's or the TUI's)."""

# Imports inside functions: each command loads only its own modules (start-up, see above).

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:  # the storage layer is imported only by the commands that use it
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from okrtui.config import Config
    from okrtui.method.views import PeriodReport
    from okrtui.rules.checkinrules import Saved
    from okrtui.storage.backend import Backend
    from okrtui.storage.reads import Read

from okrtui import __version__
from okrtui.core.errors import OkrError, one_line
from okrtui.core.output import Format, safe, safe_joined_utf8, say  # every printed line (docs/security.md)
from okrtui.core.text import plain  # 2 ms: every command prints through it

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
WARN_LIMIT = 20  # new problems a sync names one by one; the rest are counted and named next time


class Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one `okrtui: error:` line, exit 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A negative value with an exponent (`checkin KR -1e3`) is a value, not an unknown option
        # (Python 3.11's argparse knows only -12 and -1.5).
        self._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

    def error(self, message: str) -> NoReturn:
        raise OkrError(message)

    def _print_message(self, message: str, file: Any = None) -> None:
        """--help and --version print through the one output function too."""
        if message:
            say(message, err=file is sys.stderr, end="")


# --- argument types: each raises with a message that names the problem ------------

def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _checked(field: str) -> Callable[[str], Any]:
    """An argument checked by its field's rule: a check-in's through fieldrules (no pydantic), an
    identity's by the schema's type for it (a TypeAdapter)."""
    def check(text: str) -> Any:
        raw: Any = _number(text) if field in ("value", "confidence") else text
        if field in CHECK_IN_FIELDS:
            # schema.CheckInInput's rules without pydantic: `okrtui checkin` never imports it
            from okrtui.rules import fieldrules

            try:
                return getattr(fieldrules.check_in(**{"value": 0.0, field: raw}), field)
            except fieldrules.Invalid as err:
                raise argparse.ArgumentTypeError(err.message) from None
        from okrtui.rules import schema

        try:
            return schema.check_value(schema.field_type(schema.Identity, field), raw)
        except schema.Invalid as err:
            raise argparse.ArgumentTypeError(err.message) from None
    return check


CHECK_IN_FIELDS = ("value", "confidence", "note")  # schema.CheckInInput's (tests/test_quickwrite.py)


def _date(text: str) -> dt.date:
    from okrtui.method.periods import parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def build_parser() -> Parser:
    db = Parser(add_help=False)
    db.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, type=_db_given,
                    help="database file (default: $OKRTUI_DB, else okrtui.db in the user data dir)")
    parser = Parser(prog="okrtui", parents=[db],
                    description="A terminal OKR tracker for people and teams. Without a command, opens the TUI.")
    parser.add_argument("--demo", action="store_true", help="open the TUI on a fresh demo database")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date, dest="tui_as_of",
                        help="open the TUI as of this day: its quarter, and only check-ins up to it count")
    parser.add_argument("--read-only", action="store_true", dest="read_only",
                        help="open the TUI on the database read-only: nothing can be saved (keys that save are hidden)")
    parser.add_argument("--version", action="version", version=f"okrtui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", parents=[db],
                       help="load an okrtui/1 JSON document, a CSV file or an XLSX workbook: all of it or nothing")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--sheet", metavar="NAME", help="the workbook's sheet to read (default: the first)")
    p.add_argument("--check-ins", metavar="FILE", type=Path, dest="check_ins",
                   help="check-ins (kr_id, date, value, confidence, note) for a CSV import")
    p.add_argument("--map", metavar="FILE.toml", type=Path, dest="map",
                   help="another tool's headers and values (docs/import.md)")
    p.add_argument("--encoding", metavar="E", help="a CSV file's encoding when not UTF-8/UTF-16 (e.g. cp1252)")
    order = p.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", action="store_const", const="dayfirst", dest="order",
                       help="12/01/2026 is 12 January")
    order.add_argument("--monthfirst", action="store_const", const="monthfirst", dest="order",
                       help="12/01/2026 is 1 December")

    p = sub.add_parser("template", parents=[db], help="write a spreadsheet to fill in and import (docs/import.md)")
    p.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, required=True)

    p = sub.add_parser("export", parents=[db], help="write the OKRs as okrtui/1 JSON, CSV, XLSX, Markdown or an HTML page")
    p.add_argument("--format", choices=["json", "csv", "xlsx", "md", "html"], default="json")
    p.add_argument("--period", metavar="P", help="one period (default: every period; html: this quarter)")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, help="write to FILE instead of stdout")
    p.add_argument("--team", action="store_true", help="html: the team's page, as report --team (no private objective)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date, dest="as_of", help="html: as of this day")

    p = sub.add_parser("checkin", parents=[db], help="record a value for a key result (or fix or delete one)",
                       usage="okrtui checkin KR VALUE [--confidence C] [--note TEXT] [--date YYYY-MM-DD]\n"
                             "       okrtui checkin --fix ID VALUE [--confidence C] [--note TEXT] [--date D]\n"
                             "       okrtui checkin --delete ID")
    p.add_argument("kr", metavar="KR", nargs="?", help="key result id or a unique prefix (4+ characters)")
    p.add_argument("value", metavar="VALUE", nargs="?",
                   help="the KR's new value (a milestone: 1 when done, 0 if not yet)")
    p.add_argument("--confidence", metavar="C", type=_checked("confidence"),
                   help="0.0 to 1.0 (default: the last check-in's)")
    p.add_argument("--note", metavar="TEXT", type=_checked("note"))
    p.add_argument("--date", metavar="YYYY-MM-DD", type=_date, help="default: today")
    fix = p.add_mutually_exclusive_group()
    fix.add_argument("--fix", metavar="ID", help="correct your check-in ID (okrtui history KR lists the ids)")
    fix.add_argument("--delete", metavar="ID", help="delete your check-in ID")

    p = sub.add_parser("history", parents=[db], help="a key result's check-ins in its period, with their ids")
    p.add_argument("kr", metavar="KR", help="key result id or a unique prefix (4+ characters)")

    p = sub.add_parser("report", parents=[db], help="scores, grades, pace and forecast of a period")
    p.add_argument("--period", metavar="P")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date, dest="as_of")
    p.add_argument("--format", choices=["text", "md", "csv", "json"], default="text")
    p.add_argument("--team", action="store_true", help="include what came in from the team file")

    p = sub.add_parser("lint", parents=[db], help="check the period's OKRs against the method's rules")
    p.add_argument("--period", metavar="P")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date, dest="as_of")
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = sub.add_parser("sync", parents=[db], help="merge with the team file (default: config team_file)")
    p.add_argument("team_file", metavar="TEAM_FILE", nargs="?", type=Path)

    p = sub.add_parser("merge-driver", parents=[db], help="git merge driver for team files (writes OURS)")
    p.add_argument("base", metavar="BASE", type=Path)
    p.add_argument("ours", metavar="OURS", type=Path)
    p.add_argument("theirs", metavar="THEIRS", type=Path)

    p = sub.add_parser("whoami", parents=[db], help="show or set the local identity")
    p.add_argument("--name", type=_checked("name"))
    p.add_argument("--email", type=_checked("email"))
    p.add_argument("--adopt", metavar="FILE|ID", type=_identity_source,
                   help="take your identity from another machine into a new database: the file "
                        "--export-identity wrote (with your signing key), or just its id")
    p.add_argument("--export-identity", metavar="FILE", type=Path, dest="export_identity",
                   help="write your identity with its private signing key to FILE (owner-only), for --adopt")

    p = sub.add_parser("keys", parents=[db], help="whose signing key is whose: list, trust one by hand, pin the team's")
    keys = p.add_subparsers(dest="keys_command", metavar="list|trust|pin")
    keys.add_parser("list", parents=[db], help="each known person, their key's fingerprint, when and how first trusted")
    k = keys.add_parser("trust", parents=[db], help="trust PERSON's key by the fingerprint their `okrtui whoami` shows")
    k.add_argument("person", metavar="PERSON", type=_record_id)
    k.add_argument("fingerprint", metavar="FINGERPRINT")
    k = keys.add_parser("pin", parents=[db], help="write the keys this database trusts beside the team file "
                                                  "(TEAM_FILE.keys), for newcomers to check against")
    k.add_argument("team_file", metavar="TEAM_FILE", nargs="?", type=Path)

    p = sub.add_parser("team", parents=[db], help="list, add or edit teams (name, mission, vision)")
    team = p.add_subparsers(dest="team_command", metavar="list|add|edit", required=True)
    team.add_parser("list", parents=[db], help="every team, with its mission and vision")
    for verb, help_text in (("add", "make a new team"), ("edit", "change a team you made")):
        t = team.add_parser(verb, parents=[db], help=help_text)
        t.add_argument("id", metavar="ID", type=_record_id)
        t.add_argument("--name", metavar="N", required=verb == "add")
        t.add_argument("--mission", metavar="M")
        t.add_argument("--vision", metavar="V")
        t.add_argument("--approval", choices=["on", "off"],
                       help="on: the team's drafts go to its lead for approval before they are active")
        t.add_argument("--lead", metavar="PERSON",
                       help="who approves (a person's id or name; default: the team's maker; '' resets)")
    _conversation_parsers(sub, db)

    p = sub.add_parser("admin", parents=[db], help="set up a shared PostgreSQL database (docs/postgres.md)")
    admin = p.add_subparsers(dest="admin_command", metavar="init|add-person", required=True)
    admin.add_parser("init", parents=[db], help="create or migrate the schema and its row-level security")
    a = admin.add_parser("add-person", parents=[db], help="a login role and the person p-LOGIN it maps to")
    a.add_argument("login", metavar="LOGIN")
    a.add_argument("--name", metavar="N", required=True, type=_checked("name"))
    a.add_argument("--email", metavar="E", default="", type=_checked("email"))
    a.add_argument("--adopt", metavar="ID", type=_record_id,
                   help="map the login to this existing person id (a SQLite identity moving in), not p-LOGIN")

    _metric_parsers(sub, db)

    p = sub.add_parser("serve", parents=[db], help="the TUI in a browser, read-only, behind a one-time URL (docs/publish.md)")
    p.add_argument("--host", metavar="ADDR", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only; any other is exposed)")
    p.add_argument("--port", metavar="N", type=_bounded(0, 65535), default=8000, help="default 8000 (0: any free port)")
    p.add_argument("--max-sessions", metavar="N", type=_bounded(1, 64), default=4, dest="max_sessions",
                   help="browser sessions at once (default 4); one more is told no")
    p.add_argument("--idle", metavar="MIN", type=_minutes, default=30.0,
                   help="minutes without a key before a session ends (default 30)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date, dest="as_of", help="show the OKRs as of this day")

    p = sub.add_parser("due", parents=[db], help="your KRs that need a check-in (prompt, cron, login message)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date, dest="as_of")
    return parser


def _bounded(low: int, high: int) -> Callable[[str], int]:
    def check(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low} to {high}, got {value}")
        return value
    return check


def _minutes(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected minutes above 0, got {text!r}")
    return value


def _db_given(text: str) -> str:
    """An empty --db (`--db "$TEAM_DB"`, the variable unset) is a mistake, not the default database."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty (a database file path or URL)")
    return text


def _identity_source(text: str) -> str | Path:
    """`--adopt FILE` (an identity file) or `--adopt ID` (the id alone, as before keys)."""
    path = Path(text).expanduser()
    if path.is_file():
        return path
    if "/" in text or text.endswith(".json"):
        raise argparse.ArgumentTypeError(f"no such identity file: {text[:200]}")
    return _record_id(text)


def _conversation_parsers(sub: Any, db: Parser) -> None:
    """The OKR cycle as a conversation (docs/team.md "The OKR cycle")."""
    for verb, help_text in (("submit", "send your draft to the team's lead for approval"),
                            ("approve", "as the team's lead, approve a submitted objective")):
        p = sub.add_parser(verb, parents=[db], help=help_text)
        p.add_argument("objective", metavar="OBJ", help="objective id or a unique prefix (4+ characters)")
        if verb == "approve":
            p.add_argument("--note", default="", metavar="TEXT", help="a note for its maker (in the review's history)")
    p = sub.add_parser("request-changes", parents=[db], help="as the team's lead, send a submitted objective back")
    p.add_argument("objective", metavar="OBJ")
    p.add_argument("text", metavar="TEXT", help="what to change")
    p = sub.add_parser("comment", parents=[db], help="comment on an objective, a key result or a check-in")
    p.add_argument("target", metavar="TARGET", help="objective, KR (or a unique prefix) or check-in id")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--reply-to", metavar="ID", type=_record_id, help="the comment this answers")
    p = sub.add_parser("comments", parents=[db], help="the comments on an objective, a KR or a check-in")
    p.add_argument("target", metavar="TARGET")
    p = sub.add_parser("comment-edit", parents=[db], help="change the text of a comment you wrote")
    p.add_argument("comment", metavar="ID", type=_record_id)
    p.add_argument("text", metavar="TEXT")
    p = sub.add_parser("comment-delete", parents=[db], help="delete a comment you wrote")
    p.add_argument("comment", metavar="ID", type=_record_id)
    p = sub.add_parser("accept", parents=[db], help="agree to a dependency onto a KR you answer for")
    p.add_argument("dependency", metavar="DEP", type=_record_id)
    p.add_argument("--note", metavar="TEXT", default="")
    p = sub.add_parser("decline", parents=[db], help="decline a dependency onto a KR you answer for, saying why")
    p.add_argument("dependency", metavar="DEP", type=_record_id)
    p.add_argument("text", metavar="TEXT")
    p = sub.add_parser("inbox", parents=[db], help="what needs you: approvals, changes, comments, requests, due KRs")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date, dest="as_of")
    p.add_argument("--mark-seen", action="store_true", help="after listing, mark the comments listed as read")


def _metric_parsers(sub: Any, db: Parser) -> None:
    """Health metrics (docs/health.md): what must stay healthy while the OKRs change things."""
    p = sub.add_parser("metric", parents=[db], help="health metrics (KPIs): add, record, list, history, edit, archive, from-kr")
    metric = p.add_subparsers(dest="metric_command", metavar="add|record|list|history|edit|archive|from-kr",
                                required=True)
    for verb, help_text in (("add", "a new health metric"), ("edit", "change a metric you made")):
        m = metric.add_parser(verb, parents=[db], help=help_text)
        m.add_argument("name" if verb == "add" else "metric", metavar="NAME" if verb == "add" else "METRIC")
        if verb == "edit":
            m.add_argument("--name", metavar="N")
        m.add_argument("--unit", metavar="U", required=verb == "add")
        expect = m.add_mutually_exclusive_group()
        expect.add_argument("--at-least", metavar="X", type=_number, dest="at_least")
        expect.add_argument("--at-most", metavar="X", type=_number, dest="at_most")
        expect.add_argument("--between", metavar=("X", "Y"), nargs=2, type=_number)
        if verb == "edit":
            expect.add_argument("--tracked", action="store_true", help="no expectation: tracked only")
        m.add_argument("--cadence", choices=["weekly", "monthly", "quarterly"], default=None)
        m.add_argument("--team", metavar="T", help="the team's id ('' for none)")
        m.add_argument("--owner", metavar="P", help="who measures it: a person's id or name (default: you)")
        m.add_argument("--description", metavar="TEXT")
        m.add_argument("--private", action=argparse.BooleanOptionalAction, default=None,
                       help="private: only you see it (as a private objective)")
        if verb == "add":
            m.add_argument("--since", metavar="YYYY-MM-DD", type=_date,
                           help="tracked since (measurements from this day; default: today)")
    m = metric.add_parser("record", parents=[db], help="record a measurement (a second one that day replaces it)")
    m.add_argument("metric", metavar="METRIC", help="metric id or a unique prefix (4+ characters)")
    m.add_argument("value", metavar="VALUE")
    m.add_argument("--date", metavar="YYYY-MM-DD", type=_date, help="default: today")
    m.add_argument("--note", metavar="N", type=_checked("note"))
    m = metric.add_parser("list", parents=[db], help="your metrics' status; exit 1 when one is unhealthy or due")
    m.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date, dest="as_of")
    m.add_argument("--team", action="store_true", help="every metric you can see, not only yours")
    m.add_argument("--format", choices=["text", "json", "csv"], default="text")
    m = metric.add_parser("history", parents=[db], help="a metric's measurements, with their ids")
    m.add_argument("metric", metavar="METRIC")
    m = metric.add_parser("archive", parents=[db], help="stop tracking a metric you made (its history stays)")
    m.add_argument("metric", metavar="METRIC")
    m = metric.add_parser("from-kr", parents=[db],
                          help="turn a KR that only keeps a level into a health metric (the KR is deleted)")
    m.add_argument("kr", metavar="KR", help="key result id or a unique prefix (4+ characters)")


def _record_id(text: str) -> str:
    from okrtui.method.domain import ID_RE

    if not ID_RE.match(text):
        raise argparse.ArgumentTypeError(f"{text[:70]!r} is not a valid id (1-64 of A-Z a-z 0-9 . _ : -)")
    return text


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
        return config.load(keys=self.args.command not in COMMANDS)

    def db_path(self) -> Path | str:
        from okrtui.config import db_target, default_db_path

        given = getattr(self.args, "db", None)
        return db_target(given) if given else default_db_path()

    def backend(self) -> Backend:
        """What the database can do (okrtui.storage.backend): asked before anything is opened."""
        from okrtui.storage.backend import backend_for

        return backend_for(self.db_path())

    def engine(self, *, create: bool = True) -> Engine:
        engine = self.backend().engine(create=create)
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
        when it can (okrtui.storage.quickread: no SQLAlchemy to import), else through the store, which
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
        (okrtui.storage.quickread), else the ORM (which also migrates)."""
        fy = self.config.fiscal_year_start_month
        backend = self.backend()
        if backend.quick_read:
            from okrtui.storage.quickread import read_metrics

            quick = read_metrics(backend.target, day, fy)
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


def main(argv: Sequence[str] | None = None, today: dt.date | None = None) -> int:
    """Run one command; `today` is injected by tests (the real date otherwise)."""
    collecting = gc.isenabled()
    # A command runs for a moment and makes no cycles worth collecting: without the collector
    # walking SQLAlchemy's import and an import's 10^5 records, start-up is ~10% shorter (the TUI
    # turns it back on). Off before parsing: the arguments' checks import the schema.
    gc.disable()
    try:
        return _run(argv, today)
    finally:
        if collecting:
            gc.enable()


def _run(argv: Sequence[str] | None, today: dt.date | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "read_only", False) and args.command is not None:
            raise OkrError("--read-only opens the TUI read-only (okrtui --read-only); a command reads or writes "
                           "as its name says")
        ctx = Context(args, today or dt.date.today())
        handler = COMMANDS.get(args.command, cmd_tui)
        try:
            return handler(ctx)
        finally:
            ctx.close()
    except OkrError as err:
        _error(str(err))
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`okrtui report | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as err:
        _error(_unexpected(err))
        return EXIT_USAGE


def _unexpected(err: Exception) -> str:
    """A database's refusal as PostgreSQL's own sentence and its fix; anything else named by its type."""
    if getattr(err, "orig", None) is not None:
        from okrtui.storage import pgsecurity

        return pgsecurity.describe(err)
    return f"unexpected {type(err).__name__}: {err}"


def _error(message: str) -> None:
    say(f"okrtui: error: {plain(one_line(message))[:2000]}", err=True)


def _warn(message: str) -> None:
    say(f"okrtui: warning: {plain(message)[:2000]}", err=True)


def _emit(text: str, output: Path | None = None, fmt: str = "text") -> None:
    """A report or export, to stdout or a file: escaped as every printed line is (a JSON text as JSON)."""
    kind: Format = "json" if fmt == "json" else "text"
    if output is None:
        say(text, fmt=kind, end="")
        return
    from okrtui.core.files import write_atomic

    # Owner-only, whatever was there before: an export holds private objectives.
    write_atomic(output, safe(text, kind).encode("utf-8"), mode=0o600, keep_mode=False)


def _emit_workbook(data: bytes, output: Path | None) -> None:
    """A workbook (export --format xlsx, template) goes to a file, never to a terminal or a pipe of text."""
    if output is None:
        raise OkrError("a workbook is written to a file: give -o FILE.xlsx")
    from okrtui.core.files import write_atomic

    write_atomic(output, data, mode=0o600, keep_mode=False)


# --- commands ------------------------------------------------------------------------

def cmd_tui(ctx: Context) -> int:
    gc.enable()  # a long-lived process (cli.main turned the collector off for short commands)
    cfg = ctx.config
    given = getattr(ctx.args, "db", None)
    path: Path | str
    if ctx.args.demo and not given:
        path = Path(tempfile.mkdtemp(prefix="okrtui-demo-")) / "demo.db"
    else:
        path = ctx.db_path()
    if ctx.args.demo and ctx.args.read_only:
        raise OkrError("--read-only opens an existing database; --demo makes one: give one of them")
    if ctx.args.demo and given:
        _demo_target_is_empty(ctx, path)  # said on one line before anything is drawn
    today = ctx.args.tui_as_of or ctx.today
    from okrtui.storage.backend import backend_for

    backend = backend_for(path, read_only=ctx.args.read_only)
    first_view = None
    if not ctx.args.demo:  # read while Textual imports (docs/performance.md), when the backend can
        first_view = backend.prefetch(today, fy_month=cfg.fiscal_year_start_month, stale_after=cfg.stale_after_days)
    from okrtui.config import env_settings
    from okrtui.tui.app import run_app  # the only place Textual is imported

    # $OKRTUI_KEYS replaces [keys]: its mistakes are named after it
    keys_from = next((f"${v}" for v in env_settings() if v.upper() == "OKRTUI_KEYS"), "[keys]")
    run_app(backend, cfg, today, demo=ctx.args.demo, first_view=first_view, keys_from=keys_from,
            read_only=ctx.args.read_only)
    return EXIT_OK


def _demo_target_is_empty(ctx: Context, path: Path | str) -> None:
    if isinstance(path, Path) and not path.exists():
        return  # the demo makes it
    from okrtui.storage.store import is_empty, reading

    with reading(ctx.engine()) as session:
        if not is_empty(session):
            raise OkrError(f"--demo goes only into an empty database; {path} already holds OKRs "
                           "(leave out --db for a fresh demo)")


def cmd_import(ctx: Context) -> int:
    from okrtui.core import progress
    from okrtui.exchange import interchange, sheetread

    kind = sheetread.kind_of(ctx.args.file, sheetread.read_head(ctx.args.file))
    if kind != "json":
        return _import_sheet(ctx, kind)
    given = [f for f, on in (("--sheet", ctx.args.sheet), ("--check-ins", ctx.args.check_ins), ("--map", ctx.args.map),
                             ("--encoding", ctx.args.encoding), (f"--{ctx.args.order}", ctx.args.order)) if on]
    if given:
        raise OkrError(f"{given[0]} is for a CSV or XLSX file; {plain(ctx.args.file.name)} is an okrtui/1 JSON document")
    with progress.bar(f"importing {plain(ctx.args.file.name)}") as shown:
        data = interchange.read_document(ctx.args.file)  # a bad file never opens the database
        cfg = ctx.config
        result = interchange.import_document(ctx.engine(), data, cfg.fiscal_year_start_month, shown, ctx.today)
    say(f"imported {ctx.args.file}: {result}")
    for note in result.notes:
        say(note)
    return EXIT_OK


def _import_sheet(ctx: Context, kind: str) -> int:
    """A CSV or XLSX file (okrtui.exchange.sheetimport): every problem on its own line, then exit 2."""
    from okrtui.core import progress
    from okrtui.exchange import sheetimport
    from okrtui.exchange.sheetrows import Options, SheetErrors

    args = ctx.args
    sheet = sheetimport.SheetArgs(args.sheet, args.check_ins, args.map, args.encoding, args.order)
    cfg = ctx.config
    options = Options(today=ctx.today, fy_month=cfg.fiscal_year_start_month)
    try:
        with progress.bar(f"importing {plain(args.file.name)}") as shown:
            result = sheetimport.import_sheet(ctx.engine, args.file, kind, sheet, options, shown)
    except SheetErrors as err:
        for line in err.shown():
            say(line, err=True)
        raise
    say(f"imported {args.file}: {result}")
    for note in result.notes:
        say(note)
    return EXIT_OK


def cmd_template(ctx: Context) -> int:
    """A spreadsheet to fill in: the import's headers, an example objective with two KRs, the notes."""
    from okrtui.exchange import sheetwrite
    from okrtui.method import periods

    args = ctx.args
    label = periods.quarter_of(ctx.today, ctx.config.fiscal_year_start_month).label
    if args.format == "xlsx":
        _emit_workbook(sheetwrite.template_workbook(label), args.output)
        say(f"wrote {args.output}: fill in the okrs sheet (the notes sheet says what each column holds)")
        return EXIT_OK
    notes = args.output.with_name(args.output.stem + "-notes.csv")
    _emit(sheetwrite.to_csv(sheetwrite.TEMPLATE_COLUMNS, sheetwrite.template_rows(label)), args.output)
    _emit(sheetwrite.template_notes_csv(), notes)
    say(f"wrote {args.output} and {notes} (what each column holds)")
    return EXIT_OK


def cmd_export(ctx: Context) -> int:
    args = ctx.args
    if args.format == "html":
        return _export_html(ctx)
    if args.team or args.as_of:
        raise OkrError("--team and --as-of go with --format html (report --team for the others)")
    from okrtui.cycle import ormread
    from okrtui.exchange import interchange
    from okrtui.method import render
    from okrtui.storage.store import my_id, reading

    engine = ctx.engine(create=False)
    cfg = ctx.config
    if args.period is not None:
        with reading(engine) as session:
            ormread.resolve_period(session, args.period, ctx.today, cfg.fiscal_year_start_month)
    if args.format == "json":
        _emit(interchange.dumps(interchange.export_document(engine, args.period)), args.output, "json")
        return EXIT_OK
    from okrtui.cycle.editing import reflections

    with reading(engine) as session:
        me = my_id(session)
        labels = [args.period] if args.period else _period_labels(session)
        reps = [
            ormread.build(session, ormread.resolve_period(session, label, ctx.today, cfg.fiscal_year_start_month),
                         ctx.today, me, team=True, stale_after=cfg.stale_after_days)
            for label in labels
        ]
        answers = [reflections(session, me, r.period.label) for r in reps]
    if args.format == "xlsx":
        from okrtui.exchange import sheetwrite

        _emit_workbook(sheetwrite.export_workbook(reps, answers), args.output)
        return EXIT_OK
    text: str
    if args.format == "csv":
        text = render.to_csv(reps)
    else:
        text = "\n".join(render.to_markdown(r) + render.reflections_markdown(a, r.person(me))
                         for r, a in zip(reps, answers, strict=True))
    _emit(text, args.output, args.format)
    return EXIT_OK


def _export_html(ctx: Context) -> int:
    """One self-contained page of the period, as `report` (or `report --team`) reads it."""
    from okrtui.method import htmlpage, render
    from okrtui.method.healthrender import report_metrics
    from okrtui.method.views import team_visible

    args = ctx.args
    read = ctx.period_read(args.period, args.as_of, team=args.team, notes=render.uses_notes("html", args.team))
    rep = team_visible(read.report) if args.team else read.report  # report --team's rule, the same function
    views, _ = ctx.metric_views(args.as_of or ctx.today)  # report's Health section, by its rule
    metrics = report_metrics(views, read.me, args.team)
    lines = htmlpage.page_lines(rep, read.dependencies, team=args.team, stale_after=ctx.config.stale_after_days,
                                metrics=metrics)
    if args.output is None:
        _emit("\n".join(lines))
        return EXIT_OK
    from okrtui.core.files import write_atomic

    # What _emit writes (safe, UTF-8, owner-only), written as it is made: 10,000 KRs make 19 MiB.
    write_atomic(args.output, safe_joined_utf8(lines), mode=0o600, keep_mode=False)
    return EXIT_OK


def _period_labels(session: Session) -> list[str]:
    from sqlmodel import col, select

    from okrtui.storage.model import Objective

    rows = session.exec(select(Objective.period_id).where(col(Objective.deleted).is_(False)).distinct()).all()
    return sorted(rows)


def _value(text: str | None, usage: str) -> float:
    if text is None:
        raise OkrError(f"VALUE is required: {usage}")
    try:
        value: float = _checked("value")(text)
    except argparse.ArgumentTypeError as err:
        raise OkrError(f"argument VALUE: {err}") from None
    return value


def cmd_checkin(ctx: Context) -> int:
    """A new check-in (a second one the same day replaces yours, as the TUI's round does; no
    --confidence keeps the last one's), or --fix / --delete of one of yours."""
    args = ctx.args
    if args.delete is not None:
        from okrtui.cycle import checkins

        if args.kr is not None or args.confidence is not None or args.note is not None or args.date:
            raise OkrError("--delete ID takes nothing else: okrtui checkin --delete ID")
        gone = checkins.delete(ctx.engine(create=False), args.delete)
        say(gone.summary() if gone else f"deleted check-in {args.delete}")
        return EXIT_OK
    if args.fix is not None:
        if args.value is not None:
            raise OkrError("--fix takes the check-in's id and one value: okrtui checkin --fix ID VALUE")
        value = _value(args.kr, "okrtui checkin --fix ID VALUE")
        from okrtui.cycle import checkins

        saved = checkins.fix(ctx.engine(create=False), args.fix, value, confidence=args.confidence,
                             note=args.note, day=args.date, today=ctx.today)
    else:
        if args.kr is None:
            raise OkrError("KR and VALUE are required: okrtui checkin KR VALUE")
        value = _value(args.value, "okrtui checkin KR VALUE")
        saved = _record(ctx, args.kr, value, confidence=args.confidence, note=args.note or "",
                        day=args.date or ctx.today)
    if saved.implausible:
        _warn(f"{saved.kr_id}: {saved.implausible}; recorded as given "
              f"(correct it: okrtui checkin --fix {saved.check_in_id} VALUE)")
    say(saved.summary())
    back = saved.put_back()
    if back:
        say(f"put it back: {back}")
    return EXIT_OK


def _record(ctx: Context, ref: str, value: float, *, confidence: float | None, note: str,
            day: dt.date) -> Saved:
    """Through the backend's quick write where it has one (a SQLite file at the current schema:
    okrtui.storage.quickwrite, no SQLAlchemy to import for one write); else through the ORM, which also
    creates or migrates the database."""
    saved = ctx.backend().record(ref, value, confidence=confidence, note=note, day=day,
                                 today=ctx.today)  # sqlite3 only
    if saved is not None:
        return saved
    from okrtui.cycle import checkins  # SQLAlchemy and SQLModel: only when the quick path cannot serve

    return checkins.record(ctx.engine(), ref, value, confidence=confidence, note=note, day=day,
                           carry_confidence=True, today=ctx.today)


def cmd_history(ctx: Context) -> int:
    from okrtui.cycle import checkins
    from okrtui.method.views import fmt_num

    kr, rows = checkins.history(ctx.engine(create=False), ctx.args.kr)
    say(f"{kr.id}  {plain(kr.title)}")
    if not rows:
        say("  no check-ins yet")
    for c in rows:
        conf = "–" if c.confidence is None else f"{c.confidence:g}"
        by = f"  by {plain(c.by)}" if c.by else ""
        note = f"  {plain(c.note)}" if c.note else ""
        say(f"  {c.id}  {c.date}  {fmt_num(c.value):>8}  conf {conf:<4}{by}{note}")
    return EXIT_OK


def cmd_report(ctx: Context) -> int:
    from okrtui.method import render

    args = ctx.args
    rep, me = ctx.period_report(args.period, args.as_of, team=args.team, notes=render.uses_notes(args.format, args.team))
    if args.team:  # meant for pasting into chat: private objectives stay out, the reader's own too
        from okrtui.method.views import team_visible

        rep = team_visible(rep)
    from okrtui.method.healthrender import report_metrics

    views, _ = ctx.metric_views(args.as_of or ctx.today)
    shown = report_metrics(views, me, args.team)  # --team: the shared ones; else yours
    text = render.render(rep, args.format, team=args.team, stale_after=ctx.config.stale_after_days, metrics=shown)
    if args.format == "md" and not args.team:  # the user's own report carries their reflections
        text += render.reflections_markdown(ctx.reflections, rep.person(me))
    _emit(text, fmt=args.format)
    return EXIT_OK


def cmd_lint(ctx: Context) -> int:
    from okrtui.method import lint

    args = ctx.args
    rep, _ = ctx.period_report(args.period, args.as_of, team=False)
    findings = lint.check(rep)
    _emit(lint.render(rep, findings, args.format), fmt=args.format)
    return EXIT_PROBLEMS if any(f.level == "error" for f in findings) else EXIT_OK


def cmd_sync(ctx: Context) -> int:
    from okrtui.exchange import sync
    from okrtui.storage.store import refuse_team_file

    if ctx.backend().shared:  # said first: a shared database wants no team file at all
        refuse_team_file(ctx.engine())
    path = _team_file(ctx)
    engine = ctx.engine()
    refuse_team_file(engine)
    from okrtui.core import progress

    with progress.bar(f"syncing {plain(path.name)}") as shown:
        result = sync.sync(engine, path, shown, tell_limit=WARN_LIMIT, today=ctx.today)
    for line in result.warnings:  # only what this database had not been told before
        _warn(line)
    if result.untold:
        _warn(f"and {result.untold} more not taken in (named on the next sync)")
    say(result.summary())
    seen = result.seen_line()
    if seen:
        say(f"okrtui: {seen}", err=True)
    return EXIT_PROBLEMS if result.warnings else EXIT_OK


def cmd_merge_driver(ctx: Context) -> int:
    from okrtui.exchange import teamtrust

    merged, bad = teamtrust.merge_files(ctx.args.ours, ctx.args.theirs, ctx.args.base)
    for line in bad[:WARN_LIMIT]:
        _warn(line)
    if len(bad) > WARN_LIMIT:
        _warn(f"and {len(bad) - WARN_LIMIT} more bad lines")
    say(f"merged {merged} records into {ctx.args.ours}", err=True)
    return EXIT_OK


def cmd_whoami(ctx: Context) -> int:
    from okrtui.storage.store import adopt, adopt_file, export_identity, identity, touch, writing

    args = ctx.args
    cfg = ctx.config
    adopted = _read_identity(args.adopt) if isinstance(args.adopt, Path) else None  # before opening anything
    with writing(ctx.engine()) as session:
        if adopted is not None:
            adopt_file(session, adopted)
        elif args.adopt:
            adopt(session, args.adopt, args.name or cfg.name, args.email or cfg.email)
        me = identity(session, cfg.name, cfg.email)
        changes = {k: v for k, v in (("name", args.name), ("email", args.email)) if v is not None}
        touch(me, **changes)
        line = f"{me.name} <{me.email}> ({me.id})" if me.email else f"{me.name} ({me.id})"
        key = me.public_key
        exported = export_identity(session) if args.export_identity else None

    if exported is not None:

        from okrtui.core.files import write_atomic

        write_atomic(args.export_identity, (json.dumps(exported, indent=2) + "\n").encode(), mode=0o600,
                     keep_mode=False)
        say(f"wrote {plain(str(args.export_identity))} (owner-only: it holds your private key; on the other "
              f"machine run `okrtui whoami --adopt FILE`, then delete it)", err=True)
    if key:  # first, so the identity stays the last line, as scripts read it
        from okrtui.core import signing

        say(f"key {signing.fingerprint(key)}")
    say(plain(line))
    return EXIT_OK


def _read_identity(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise OkrError(f"cannot read the identity file {path}: {getattr(err, 'strerror', None) or err}") from None


def _team_file(ctx: Context) -> Path:
    path: Path | None = ctx.args.team_file or (
        Path(ctx.config.team_file).expanduser() if ctx.config.team_file else None)
    if path is None:
        raise OkrError("no team file: name one (okrtui sync TEAM_FILE) or set team_file in config.toml")
    return path


def cmd_keys(ctx: Context) -> int:
    from okrtui.exchange import keyring
    from okrtui.storage.model import now_stamp
    from okrtui.storage.store import my_id, reading, writing

    args = ctx.args
    if ctx.backend().shared:
        raise OkrError("a shared PostgreSQL database has no signing keys: they belong to team files")
    if args.keys_command == "trust":
        with writing(ctx.engine()) as session:
            say(keyring.trust(session, args.person, args.fingerprint, now_stamp()))
        return EXIT_OK
    pinning = args.keys_command == "pin"
    team_file = _team_file(ctx) if pinning else Path(ctx.config.team_file).expanduser() if ctx.config.team_file \
        else None
    pins = keyring.read_pins(keyring.pins_path(team_file))[0] if team_file else {}
    with reading(ctx.engine(create=False)) as session:
        me = my_id(session)
        rows = keyring.listing(session, pins)
    if team_file is not None and pinning:
        target = keyring.pins_path(team_file)
        count = keyring.write_pins(target, ((r.person_id, r.public_key, r.name) for r in rows if r.public_key))
        say(f"pinned {count} keys in {plain(str(target))}: commit it beside the team file; a newcomer's sync "
              "then trusts only these keys for these people")
        return EXIT_OK
    for r in rows:
        you = " (you)" if r.person_id == me else ""
        say(f"{r.person_id}  {r.fingerprint}  {r.seen}  {r.source}  {plain(r.name)}{you}")
    return EXIT_OK


def cmd_team(ctx: Context) -> int:
    from okrtui.cycle import editing
    from okrtui.storage.store import reading

    args = ctx.args
    if args.team_command == "list":
        from okrtui.cycle.conversation import name_of

        with reading(ctx.engine(create=False)) as session:
            rows = editing.teams(session)
            leads = {t.id: name_of(session, t.lead_id or t.origin) for t in rows}
        for t in rows:
            asks = f"approval by {plain(leads[t.id])}" if t.approval else "no approval"
            say(f"{t.id}  {plain(t.name)}  ({asks}; lead {plain(leads[t.id])})")
            for label, value in (("mission", t.mission), ("vision", t.vision)):
                if value:
                    say(f"    {label}: {plain(value)}")
        return EXIT_OK
    values = {"id": args.id, "name": args.name, "mission": args.mission, "vision": args.vision}
    if args.team_command == "add":
        values = {k: v if v is not None else "" for k, v in values.items()}
    engine = ctx.engine()
    if args.lead:  # checked before anything is written
        from okrtui.cycle import conversation

        with reading(engine) as session:
            conversation.find_person(session, args.lead)
    row = editing.save_team(engine, values, new=args.team_command == "add")
    if args.approval is not None or args.lead is not None:
        from okrtui.cycle import conversation

        approval = None if args.approval is None else args.approval == "on"
        row = conversation.set_team_rules(engine, row.id, approval, args.lead)
        with reading(engine) as session:
            lead = conversation.lead_name(session, row)
        say(f"team {row.id}: approval {'on' if row.approval else 'off'}, lead {plain(lead)}")
    say(f"{'added' if args.team_command == 'add' else 'changed'} team {row.id} ({plain(row.name)})")
    return EXIT_OK


def cmd_admin(ctx: Context) -> int:
    from okrtui.storage import pg

    target = str(ctx.backend().target)  # as the backend took it: a URL without the spaces pasted around it
    if not ctx.backend().admin:
        raise OkrError("okrtui admin is for a shared PostgreSQL database: --db postgresql://OWNER@HOST/DB")
    if ctx.args.admin_command == "init":
        from okrtui.storage.store import admin_init

        for line in admin_init(target):
            say(line)
        return EXIT_OK
    from sqlalchemy import create_engine, exc

    engine = create_engine(pg.postgres_url(target))
    try:
        pid = pg.add_person(engine, ctx.args.login, ctx.args.name, ctx.args.email, ctx.args.adopt)
    except exc.DBAPIError as err:
        from okrtui.storage import pgsecurity

        raise OkrError(f"admin add-person changed nothing: {pgsecurity.explain(err.orig)}") from None
    finally:
        engine.dispose()
    say(_added(_can_login(target, ctx.args.login), ctx.args.login, pid))
    return EXIT_OK


def _can_login(target: str, login: str) -> bool:
    from sqlalchemy import create_engine

    from okrtui.storage import pg, pgsecurity

    engine = create_engine(pg.postgres_url(target))
    try:
        return pgsecurity.can_login(engine, login)
    finally:
        engine.dispose()


def _added(can_login: bool, login: str, pid: str) -> str:
    if can_login:
        return f"login {login} can connect; it is the person {pid}"
    return (f"role {login} exists but cannot log in; it is the person {pid} once the database's owner runs "
            f"`ALTER ROLE \"{login}\" LOGIN`")


def cmd_due(ctx: Context) -> int:
    from okrtui.method.health import mine
    from okrtui.method.views import due

    day = ctx.args.as_of or ctx.today
    rep, me = ctx.period_report(None, day, team=True, today=day)
    rows = due(rep, me)  # the rule the TUI's check-in list counts with (views.round_of)
    for kr in rows:
        last = kr.last_check_in.isoformat() if kr.last_check_in else "never"
        say(f"{kr.id}  {plain(kr.title)}  last check-in {last}{'  stale' if kr.stale else ''}")
    metrics = [v for v in mine(ctx.metric_views(day)[0], me) if v.health.due]  # after the KRs (docs/health.md)
    for v in metrics:
        last = v.health.latest.date.isoformat() if v.health.latest else "never"
        say(f"{v.id}  {plain(v.name)}  {v.cadence} metric, last measured {last}")
    return EXIT_PROBLEMS if rows or metrics else EXIT_OK


def cmd_metric(ctx: Context) -> int:
    args, verb = ctx.args, ctx.args.metric_command
    if verb == "list":
        from okrtui.method import healthrender
        from okrtui.method.health import mine, needs_you

        views, me = ctx.metric_views(args.as_of or ctx.today)
        shown = views if args.team else mine(views, me)
        render = {"text": healthrender.to_text, "json": healthrender.to_json, "csv": healthrender.to_csv}
        _emit(render[args.format](shown), fmt=args.format)
        return EXIT_PROBLEMS if needs_you(views, me) else EXIT_OK
    if verb == "record":
        value = _value(args.value, "okrtui metric record METRIC VALUE")
        day = args.date or ctx.today
        # sqlite3 where it can (okrtui.storage.quickwrite: no SQLAlchemy to import for one write), else the ORM.
        # The config (its fiscal year) is read only for a quarterly metric, as `checkin` reads none.
        saved = ctx.backend().measure(args.metric, value, note=args.note or "", day=day, today=ctx.today,
                                      fy_start_month=lambda: ctx.config.fiscal_year_start_month)
        if saved is None:
            from okrtui.cycle import metrics

            saved = metrics.record(ctx.engine(create=False), args.metric, value, note=args.note or "", day=day,
                                   today=ctx.today, fy_start_month=ctx.config.fiscal_year_start_month)
        if saved.implausible:
            _warn(f"{saved.metric_id}: {saved.implausible}; recorded as given (correct it: okrtui metric record "
                  f"{saved.metric_id} VALUE --date {saved.date})")
        say(saved.summary())
        return EXIT_OK
    from okrtui.cycle import metrics  # the storage layer: the other verbs take the ORM path
    from okrtui.method import healthrender

    if verb == "history":
        row, past = metrics.history(ctx.engine(create=False), args.metric)
        say(f"{row.id}  {plain(row.name)}  ({row.cadence}, {metrics.expectation(row).describe(row.unit)})")
        for line in healthrender.history_lines(row.unit, [(p.id, str(p.date), p.value, p.by, p.note) for p in past]):
            say(line)
        return EXIT_OK
    if verb == "from-kr":
        say(metrics.from_key_result(ctx.engine(create=False), args.kr, ctx.today).summary())
        return EXIT_OK
    if verb == "archive":
        row = metrics.archive(ctx.engine(create=False), args.metric, ctx.today)
        say(f"archived metric {row.id} ({plain(row.name)}) on {row.archived_on}")
        return EXIT_OK
    values = _metric_values(args)
    if verb == "add":
        row = metrics.add(ctx.engine(), values, owner=args.owner, team=args.team, today=ctx.today, since=args.since)
        say(f"added metric {row.id} ({plain(row.name)}): {row.cadence}, "
              f"{metrics.expectation(row).describe(row.unit)}")
        return EXIT_OK
    row = metrics.edit(ctx.engine(create=False), args.metric, values, owner=args.owner, team=args.team)
    say(f"changed metric {row.id} ({plain(row.name)}): {row.cadence}, {metrics.expectation(row).describe(row.unit)}")
    return EXIT_OK


def _metric_values(args: argparse.Namespace) -> dict[str, Any]:
    """The fields `metric add` / `edit` were given (edit changes only those)."""
    values: dict[str, Any] = {k: getattr(args, k) for k in ("name", "unit", "cadence", "description")
                              if getattr(args, k, None) is not None}
    if args.at_least is not None:
        values.update(low=args.at_least, high=None)
    elif args.at_most is not None:
        values.update(low=None, high=args.at_most)
    elif args.between is not None:
        values.update(low=args.between[0], high=args.between[1])
    elif getattr(args, "tracked", False):
        values.update(low=None, high=None)
    if args.private is not None:
        values["visibility"] = "private" if args.private else "shared"
    return values


def cmd_serve(ctx: Context) -> int:
    """The TUI in a browser (okrtui.cli.serve): read-only sessions behind a one-time URL."""
    args = ctx.args
    try:
        from okrtui.cli import serve
    except ImportError as err:
        raise OkrError(f"okrtui serve needs textual-serve ({err.name} is missing): pip install 'okrtui[serve]'") from None
    from okrtui.storage.backend import backend_for

    if not serve.is_host(args.host):  # anything else never reaches a socket (a hostile one was a UnicodeError)
        raise OkrError(f"argument --host: expected an IP address or a host name, got {args.host[:80]!r}")
    target = ctx.db_path()
    backend_for(target, read_only=True).engine().dispose()  # a wrong path or schema: one line, before serving
    if not serve.is_loopback(args.host):
        _warn(f"listening on {args.host}: exposed to every machine that reaches it; whoever has the URL "
              "sees these OKRs")
    opts = serve.Options(str(target), host=args.host, port=args.port, max_sessions=args.max_sessions,
                         idle_s=args.idle * 60, as_of=args.as_of.isoformat() if args.as_of else None)

    def tell(line: str) -> None:
        say(line, flush=True)

    say(f"okrtui serve: read-only, at most {opts.max_sessions} sessions, idle ones end after "
        f"{args.idle:g} min; Ctrl-C stops it. Open:", err=True, flush=True)
    try:
        return serve.main(opts, tell)
    except OSError as err:
        raise OkrError(str(err)) from None


def cmd_cycle(ctx: Context) -> int:
    """submit, approve, request-changes, accept, decline: one line saying what happened."""
    from okrtui.cycle import conversation
    from okrtui.method import cycle

    args, engine = ctx.args, ctx.engine()
    if args.command == "submit":
        done = conversation.submit(engine, args.objective, ctx.today)
    elif args.command == "approve":
        done = conversation.approve(engine, args.objective, args.note)
    elif args.command == "request-changes":
        done = conversation.request_changes(engine, args.objective, args.text)
    elif args.command == "accept":
        done = conversation.answer_dependency(engine, args.dependency, cycle.AGREED, args.note)
    else:
        done = conversation.answer_dependency(engine, args.dependency, cycle.DECLINED, args.text)
    say(f"{done.message} ({plain(done.title)})")
    return EXIT_OK


def cmd_comment(ctx: Context) -> int:
    from okrtui.cycle import conversation

    args, engine = ctx.args, ctx.engine()
    if args.command == "comment":
        row = conversation.add_comment(engine, args.target, args.text, args.reply_to)
        say(f"comment {row.id} on {row.target_id}")
    elif args.command == "comment-edit":
        conversation.edit_comment(engine, args.comment, args.text)
        say(f"changed comment {args.comment}")
    else:
        conversation.delete_comment(engine, args.comment)
        say(f"deleted comment {args.comment}")
    return EXIT_OK


def cmd_comments(ctx: Context) -> int:
    from okrtui.cycle import conversation
    from okrtui.method import rounds
    from okrtui.storage.store import my_id, reading

    with reading(ctx.engine(create=False)) as session:
        kind, ident = conversation.find_target(session, ctx.args.target)
        conv = conversation.conversation(session, my_id(session))
        thread = conv.comments_on(ident)
        names = {c.origin: conversation.name_of(session, c.origin) for _, c in thread}
        steps = conversation.rounds_of(session, conversation.find_objective(session, ident), conv) \
            if kind == "objective" else []
        review = rounds.lines(steps, lambda pid: conversation.name_of(session, pid))
    for line in review:  # an objective's review rounds first: what the comments answer
        say(f"review  {plain(line)}")
    for depth, c in thread:
        say(f"{'  ' * depth}{c.id}  {c.created_at[:10]}  {plain(names[c.origin])}: {plain(c.body)}")
    return EXIT_OK


def cmd_inbox(ctx: Context) -> int:
    from okrtui.cycle import conversation
    from okrtui.method import cycle

    day = ctx.args.as_of or ctx.today
    engine = ctx.engine(create=False)
    items = conversation.inbox(engine, day, ctx.config.fiscal_year_start_month, ctx.config.stale_after_days)
    for item in items:
        who = f"  (from {plain(item.who)})" if item.who else ""
        say(f"{cycle.INBOX_KINDS[item.kind]}: {item.ref}  {plain(item.text)}{who}")
    if ctx.args.mark_seen:
        conversation.mark_seen(engine, [i.ref for i in items if i.kind in ("comment", "reply")])
    from okrtui.method.health import State, mine

    views, me = ctx.metric_views(day)
    sick = [v for v in mine(views, me) if v.health.state is State.UNHEALTHY]
    for v in sick:
        say(f"unhealthy metric: {v.id}  {plain(v.name)}  {plain(v.latest_text)} vs {plain(v.expectation_text)}"
              f"  ({v.health.streak_text()})")
    needs = any(i.kind != "approved" for i in items)  # an approval is news, not a problem
    return EXIT_PROBLEMS if needs or sick else EXIT_OK


COMMANDS = {
    "submit": cmd_cycle,
    "approve": cmd_cycle,
    "request-changes": cmd_cycle,
    "accept": cmd_cycle,
    "decline": cmd_cycle,
    "comment": cmd_comment,
    "comment-edit": cmd_comment,
    "comment-delete": cmd_comment,
    "comments": cmd_comments,
    "inbox": cmd_inbox,
    "due": cmd_due,
    "metric": cmd_metric,
    "serve": cmd_serve,
    "team": cmd_team,
    "keys": cmd_keys,
    "admin": cmd_admin,
    "import": cmd_import,
    "template": cmd_template,
    "export": cmd_export,
    "checkin": cmd_checkin,
    "history": cmd_history,
    "report": cmd_report,
    "lint": cmd_lint,
    "whoami": cmd_whoami,
    "sync": cmd_sync,
    "merge-driver": cmd_merge_driver,
}
