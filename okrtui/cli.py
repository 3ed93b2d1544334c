"""The `okrtui` command. Light commands never import Textual: only the TUI path does."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import math
import os
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
    from okrtui.views import PeriodReport

from okrtui import __version__
from okrtui.errors import OkrError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one `okrtui: error:` line, exit 2."""

    def error(self, message: str) -> NoReturn:
        raise OkrError(message)


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
    """An argument checked by the schema's rule for one field of a check-in or an identity."""
    def check(text: str) -> Any:
        from okrtui import schema

        model: type[schema.Fields] = schema.CheckInInput if field in schema.CheckInInput.model_fields \
            else schema.Identity
        raw: Any = _number(text) if field in ("value", "confidence") else text
        base = {"value": 0.0} if model is schema.CheckInInput else {"name": "x"}
        try:
            return getattr(schema.check(model, {**base, field: raw}), field)
        except schema.Invalid as err:
            raise argparse.ArgumentTypeError(err.message) from None
    return check


def _date(text: str) -> dt.date:
    from okrtui.periods import parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def build_parser() -> Parser:
    db = Parser(add_help=False)
    db.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                    help="database file (default: $OKRTUI_DB, else okrtui.db in the user data dir)")
    parser = Parser(prog="okrtui", parents=[db],
                    description="A terminal OKR tracker for people and teams. Without a command, opens the TUI.")
    parser.add_argument("--demo", action="store_true", help="open the TUI on a fresh demo database")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date, dest="tui_as_of",
                        help="open the TUI as of this day: its quarter, and only check-ins up to it count")
    parser.add_argument("--version", action="version", version=f"okrtui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", parents=[db], help="load an okrtui/1 JSON document: all of it or nothing")
    p.add_argument("file", metavar="FILE", type=Path)

    p = sub.add_parser("export", parents=[db], help="write the OKRs as okrtui/1 JSON, CSV or Markdown")
    p.add_argument("--format", choices=["json", "csv", "md"], default="json")
    p.add_argument("--period", metavar="P", help="one period (default: every period)")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, help="write to FILE instead of stdout")

    p = sub.add_parser("checkin", parents=[db], help="record a value for a key result")
    p.add_argument("kr", metavar="KR", help="key result id or a unique prefix (4+ characters)")
    p.add_argument("value", metavar="VALUE", type=_checked("value"),
                   help="the KR's new value (a milestone: 1 when done, 0 if not yet)")
    p.add_argument("--confidence", metavar="C", type=_checked("confidence"), help="0.0 to 1.0")
    p.add_argument("--note", metavar="TEXT", type=_checked("note"), default="")
    p.add_argument("--date", metavar="YYYY-MM-DD", type=_date, help="default: today")

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
    p.add_argument("--adopt", metavar="ID", type=_record_id,
                   help="use this existing identity (yours, from another machine) in a new database")

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

    p = sub.add_parser("due", parents=[db], help="your KRs that need a check-in (prompt, cron, login message)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=_date, dest="as_of")
    return parser


def _conversation_parsers(sub: Any, db: Parser) -> None:
    """The OKR cycle as a conversation (docs/team.md "The OKR cycle")."""
    for verb, help_text in (("submit", "send your draft to the team's lead for approval"),
                            ("approve", "as the team's lead, approve a submitted objective")):
        p = sub.add_parser(verb, parents=[db], help=help_text)
        p.add_argument("objective", metavar="OBJ", help="objective id or a unique prefix (4+ characters)")
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


def _record_id(text: str) -> str:
    from okrtui.domain import ID_RE

    if not ID_RE.match(text):
        raise argparse.ArgumentTypeError(f"{text[:70]!r} is not a valid id (1-64 of A-Z a-z 0-9 . _ : -)")
    return text


@dataclass
class Context:
    args: argparse.Namespace
    today: dt.date
    engines: list[Engine] = field(default_factory=list)  # closed when the command ends

    @functools.cached_property
    def config(self) -> Config:
        from okrtui import config

        return config.load()  # read once per command

    def db_path(self) -> Path | str:
        from okrtui.config import db_target, default_db_path

        given = getattr(self.args, "db", None)
        return db_target(given) if given else default_db_path()

    def engine(self, *, create: bool = True) -> Engine:
        from okrtui.store import open_engine

        engine = open_engine(self.db_path(), create=create)
        self.engines.append(engine)
        return engine

    def period_report(self, label: str | None, as_of: dt.date | None, *, team: bool,
                      today: dt.date | None = None, notes: bool = False) -> tuple[PeriodReport, str]:
        """The period's views and the user's id. Read with the standard library when it can
        (okrtui.quickread: no SQLAlchemy to import), else through the store, which also migrates
        an old schema and names what is wrong with a database. Check-ins' notes are read only
        when `notes`."""
        from okrtui import quickread

        cfg, today = self.config, today or self.today
        quick = quickread.read(self.db_path(), label, today, as_of, team=team, fy_month=cfg.fiscal_year_start_month,
                               stale_after=cfg.stale_after_days, notes=notes)
        if quick is not None:
            return quick.report, quick.me
        from okrtui import report
        from okrtui.store import my_id, reading

        with reading(self.engine(create=False)) as session:
            span = report.resolve_period(session, label, today, cfg.fiscal_year_start_month)
            me = my_id(session)
            rep = report.build(session, span, as_of or today, me, team=team, stale_after=cfg.stale_after_days)
        return rep, me

    def close(self) -> None:
        # Closed now, not whenever the garbage collector gets to them: SQLite checkpoints
        # its WAL into the file when the last connection closes.
        for engine in self.engines:
            engine.dispose()


def main(argv: Sequence[str] | None = None, today: dt.date | None = None) -> int:
    """Run one command; `today` is injected by tests (the real date otherwise)."""
    try:
        args = build_parser().parse_args(argv)
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
        _error(f"unexpected {type(err).__name__}: {err}")
        return EXIT_USAGE


def _error(message: str) -> None:
    from okrtui.text import plain

    print(f"okrtui: error: {plain(message)[:2000]}", file=sys.stderr)


def _warn(message: str) -> None:
    from okrtui.text import plain

    print(f"okrtui: warning: {plain(message)[:2000]}", file=sys.stderr)


def _emit(text: str, output: Path | None = None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from okrtui.files import write_atomic

    write_atomic(output, text.encode("utf-8"))


# --- commands ------------------------------------------------------------------------

def cmd_tui(ctx: Context) -> int:
    cfg = ctx.config
    given = getattr(ctx.args, "db", None)
    path: Path | str
    if ctx.args.demo and not given:
        path = Path(tempfile.mkdtemp(prefix="okrtui-demo-")) / "demo.db"
    else:
        path = ctx.db_path()
    today = ctx.args.tui_as_of or ctx.today
    first_view = None
    if isinstance(path, Path) and not ctx.args.demo:  # read while Textual imports (docs/performance.md)
        from okrtui.quickread import Prefetch

        first_view = Prefetch(path, today, fy_month=cfg.fiscal_year_start_month, stale_after=cfg.stale_after_days)
    from okrtui.app import run_app  # the only place Textual is imported

    run_app(path, cfg, today, demo=ctx.args.demo, first_view=first_view)
    return EXIT_OK


def cmd_import(ctx: Context) -> int:
    from okrtui import interchange

    data = interchange.read_document(ctx.args.file)  # a bad file never opens the database
    cfg = ctx.config
    result = interchange.import_document(ctx.engine(), data, cfg.fiscal_year_start_month)
    print(f"imported {ctx.args.file}: {result}")
    return EXIT_OK


def cmd_export(ctx: Context) -> int:
    from okrtui import interchange, render, report
    from okrtui.store import my_id, reading

    args = ctx.args
    engine = ctx.engine(create=False)
    cfg = ctx.config
    if args.period is not None:
        with reading(engine) as session:
            report.resolve_period(session, args.period, ctx.today, cfg.fiscal_year_start_month)
    if args.format == "json":
        _emit(interchange.dumps(interchange.export_document(engine, args.period)), args.output)
        return EXIT_OK
    with reading(engine) as session:
        me = my_id(session)
        labels = [args.period] if args.period else _period_labels(session)
        reps = [
            report.build(session, report.resolve_period(session, label, ctx.today, cfg.fiscal_year_start_month),
                         ctx.today, me, team=True, stale_after=cfg.stale_after_days)
            for label in labels
        ]
    if args.format == "csv":
        text = render.to_csv(reps)
    else:
        text = "\n".join(render.to_markdown(r) for r in reps)
    _emit(text, args.output)
    return EXIT_OK


def _period_labels(session: Session) -> list[str]:
    from sqlmodel import col, select

    from okrtui.model import Objective

    rows = session.exec(select(Objective.period_id).where(col(Objective.deleted).is_(False)).distinct()).all()
    return sorted(rows)


def cmd_checkin(ctx: Context) -> int:
    from okrtui import checkins

    args = ctx.args
    engine = ctx.engine()
    saved = checkins.record(
        engine, args.kr, args.value, confidence=args.confidence, note=args.note,
        day=args.date or ctx.today,
    )
    if saved.implausible:
        _warn(f"{saved.kr_id}: {saved.implausible}; recorded as given (correct it with another check-in today)")
    print(saved.summary())
    return EXIT_OK


def cmd_report(ctx: Context) -> int:
    from okrtui import render

    args = ctx.args
    rep, _ = ctx.period_report(args.period, args.as_of, team=args.team, notes=render.uses_notes(args.format, args.team))
    _emit(render.render(rep, args.format, team=args.team, stale_after=ctx.config.stale_after_days))
    return EXIT_OK


def cmd_lint(ctx: Context) -> int:
    from okrtui import lint

    args = ctx.args
    rep, _ = ctx.period_report(args.period, args.as_of, team=False)
    findings = lint.check(rep)
    _emit(lint.render(rep, findings, args.format))
    return EXIT_PROBLEMS if any(f.level == "error" for f in findings) else EXIT_OK


def cmd_sync(ctx: Context) -> int:
    from okrtui import sync

    path = ctx.args.team_file or (Path(ctx.config.team_file).expanduser() if ctx.config.team_file else None)
    if path is None:
        raise OkrError("no team file: name one (okrtui sync TEAM_FILE) or set team_file in config.toml")
    progress = _progress if sys.stderr.isatty() else None
    engine = ctx.engine()
    if engine.dialect.name == "postgresql":
        raise OkrError("a shared PostgreSQL database needs no team file: everyone sees the others' records live")
    result = sync.sync(engine, path, progress)
    if progress is not None:
        sys.stderr.write("\r\033[K")
    for line in result.warnings:
        _warn(line)
    print(result.summary())
    return EXIT_PROBLEMS if result.skipped or result.warnings else EXIT_OK


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rreading team file… {done * 100 // max(total, 1)}%")
    sys.stderr.flush()


def cmd_merge_driver(ctx: Context) -> int:
    from okrtui import sync

    merged = sync.merge_files(ctx.args.ours, ctx.args.theirs)
    print(f"merged {merged} records into {ctx.args.ours}", file=sys.stderr)
    return EXIT_OK


def cmd_whoami(ctx: Context) -> int:
    from okrtui.store import adopt, identity, touch, writing

    args = ctx.args
    cfg = ctx.config
    with writing(ctx.engine()) as session:
        if args.adopt:
            adopt(session, args.adopt, args.name or cfg.name, args.email or cfg.email)
        me = identity(session, cfg.name, cfg.email)
        changes = {k: v for k, v in (("name", args.name), ("email", args.email)) if v is not None}
        touch(me, **changes)
        line = f"{me.name} <{me.email}> ({me.id})" if me.email else f"{me.name} ({me.id})"
    from okrtui.text import plain

    print(plain(line))
    return EXIT_OK


def cmd_team(ctx: Context) -> int:
    from okrtui import editing
    from okrtui.store import reading
    from okrtui.text import plain

    args = ctx.args
    if args.team_command == "list":
        with reading(ctx.engine(create=False)) as session:
            rows = editing.teams(session)
        for t in rows:
            print(f"{t.id}  {plain(t.name)}")
            for label, value in (("mission", t.mission), ("vision", t.vision)):
                if value:
                    print(f"    {label}: {plain(value)}")
        return EXIT_OK
    values = {"id": args.id, "name": args.name, "mission": args.mission, "vision": args.vision}
    if args.team_command == "add":
        values = {k: v if v is not None else "" for k, v in values.items()}
    engine = ctx.engine()
    if args.lead:  # checked before anything is written
        from okrtui import conversation

        with reading(engine) as session:
            conversation.find_person(session, args.lead)
    row = editing.save_team(engine, values, new=args.team_command == "add")
    if args.approval is not None or args.lead is not None:
        from okrtui import conversation

        approval = None if args.approval is None else args.approval == "on"
        row = conversation.set_team_rules(engine, row.id, approval, args.lead)
        with reading(engine) as session:
            lead = conversation.lead_name(session, row)
        print(f"team {row.id}: approval {'on' if row.approval else 'off'}, lead {plain(lead)}")
    print(f"{'added' if args.team_command == 'add' else 'changed'} team {row.id} ({plain(row.name)})")
    return EXIT_OK


def cmd_admin(ctx: Context) -> int:
    from okrtui import pg

    target = str(ctx.db_path())
    if not pg.is_postgres(target):
        raise OkrError("okrtui admin is for a shared PostgreSQL database: --db postgresql://OWNER@HOST/DB")
    if ctx.args.admin_command == "init":
        from okrtui.store import admin_init

        for line in admin_init(target):
            print(line)
        return EXIT_OK
    from sqlalchemy import create_engine

    engine = create_engine(pg.postgres_url(target))
    try:
        pid = pg.add_person(engine, ctx.args.login, ctx.args.name, ctx.args.email)
    finally:
        engine.dispose()
    print(f"login {ctx.args.login} can connect; it is the person {pid}")
    return EXIT_OK


def cmd_due(ctx: Context) -> int:
    from okrtui.text import plain
    from okrtui.views import due

    day = ctx.args.as_of or ctx.today
    rep, me = ctx.period_report(None, day, team=True, today=day)
    rows = due(rep, me)
    for kr in rows:
        last = kr.last_check_in.isoformat() if kr.last_check_in else "never"
        print(f"{kr.id}  {plain(kr.title)}  last check-in {last}")
    return EXIT_PROBLEMS if rows else EXIT_OK


def cmd_cycle(ctx: Context) -> int:
    """submit, approve, request-changes, accept, decline: one line saying what happened."""
    from okrtui import conversation, cycle
    from okrtui.text import plain

    args, engine = ctx.args, ctx.engine()
    if args.command == "submit":
        done = conversation.submit(engine, args.objective, ctx.today)
    elif args.command == "approve":
        done = conversation.approve(engine, args.objective)
    elif args.command == "request-changes":
        done = conversation.request_changes(engine, args.objective, args.text)
    elif args.command == "accept":
        done = conversation.answer_dependency(engine, args.dependency, cycle.AGREED, args.note)
    else:
        done = conversation.answer_dependency(engine, args.dependency, cycle.DECLINED, args.text)
    print(f"{done.message} ({plain(done.title)})")
    return EXIT_OK


def cmd_comment(ctx: Context) -> int:
    from okrtui import conversation

    args, engine = ctx.args, ctx.engine()
    if args.command == "comment":
        row = conversation.add_comment(engine, args.target, args.text, args.reply_to)
        print(f"comment {row.id} on {row.target_id}")
    elif args.command == "comment-edit":
        conversation.edit_comment(engine, args.comment, args.text)
        print(f"changed comment {args.comment}")
    else:
        conversation.delete_comment(engine, args.comment)
        print(f"deleted comment {args.comment}")
    return EXIT_OK


def cmd_comments(ctx: Context) -> int:
    from okrtui import conversation
    from okrtui.store import my_id, reading
    from okrtui.text import plain

    with reading(ctx.engine(create=False)) as session:
        _, ident = conversation.find_target(session, ctx.args.target)
        conv = conversation.conversation(session, my_id(session))
        thread = conv.comments_on(ident)
        names = {c.origin: conversation.name_of(session, c.origin) for _, c in thread}
    for depth, c in thread:
        print(f"{'  ' * depth}{c.id}  {c.created_at[:10]}  {plain(names[c.origin])}: {plain(c.body)}")
    return EXIT_OK


def cmd_inbox(ctx: Context) -> int:
    from okrtui import conversation, cycle
    from okrtui.text import plain

    day = ctx.args.as_of or ctx.today
    engine = ctx.engine(create=False)
    items = conversation.inbox(engine, day, ctx.config.fiscal_year_start_month, ctx.config.stale_after_days)
    for item in items:
        who = f"  (from {plain(item.who)})" if item.who else ""
        print(f"{cycle.INBOX_KINDS[item.kind]}: {item.ref}  {plain(item.text)}{who}")
    if ctx.args.mark_seen:
        conversation.mark_seen(engine, [i.ref for i in items if i.kind == "comment"])
    return EXIT_PROBLEMS if items else EXIT_OK


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
    "team": cmd_team,
    "admin": cmd_admin,
    "import": cmd_import,
    "export": cmd_export,
    "checkin": cmd_checkin,
    "report": cmd_report,
    "lint": cmd_lint,
    "whoami": cmd_whoami,
    "sync": cmd_sync,
    "merge-driver": cmd_merge_driver,
}
