"""The command line's grammar: argparse with one `okrtui: error:` line for bad usage, and each argument's type."""

# Imports inside functions: each command loads only its own modules (start-up, okrtui/cli/__init__.py).

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from okrtui import __version__
from okrtui.core.errors import OkrError
from okrtui.core.output import say  # every printed line (docs/security.md)


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


CHECK_IN_FIELDS = ("value", "confidence", "note")  # schema.CheckInInput's (tests/storage/test_quickwrite.py)


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


def value_arg(text: str | None, usage: str) -> float:
    """A command's VALUE, checked as a check-in's value is (checkin, metric record)."""
    if text is None:
        raise OkrError(f"VALUE is required: {usage}")
    try:
        value: float = _checked("value")(text)
    except argparse.ArgumentTypeError as err:
        raise OkrError(f"argument VALUE: {err}") from None
    return value
