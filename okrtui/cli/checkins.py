"""The weekly round from the shell: `checkin`, `history`, `due`."""

# Imports inside functions: each command loads only its own modules (start-up, okrtui/cli/__init__.py).

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the storage layer is imported only by the commands that use it

    from okrtui.rules.checkinrules import Saved

from okrtui.cli.context import EXIT_OK, EXIT_PROBLEMS, Context, say_warning
from okrtui.cli.parse import value_arg
from okrtui.core.errors import OkrError
from okrtui.core.output import say  # every printed line (docs/security.md)
from okrtui.core.text import plain  # 2 ms: every command prints through it


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
        value = value_arg(args.kr, "okrtui checkin --fix ID VALUE")
        from okrtui.cycle import checkins

        saved = checkins.fix(ctx.engine(create=False), args.fix, value, confidence=args.confidence,
                             note=args.note, day=args.date, today=ctx.today)
    else:
        if args.kr is None:
            raise OkrError("KR and VALUE are required: okrtui checkin KR VALUE")
        value = value_arg(args.value, "okrtui checkin KR VALUE")
        saved = _record(ctx, args.kr, value, confidence=args.confidence, note=args.note or "",
                        day=args.date or ctx.today)
    if saved.implausible:
        say_warning(f"{saved.kr_id}: {saved.implausible}; recorded as given "
              f"(correct it: okrtui checkin --fix {saved.check_in_id} VALUE)")
    say(saved.summary())
    back = saved.put_back()
    if back:
        say(f"put it back: {back}")
    return EXIT_OK


def _record(ctx: Context, ref: str, value: float, *, confidence: float | None, note: str,
            day: dt.date) -> Saved:
    """Through the backend's quick write where it has one (a SQLite file at the current schema:
    okrtui.storage.sqlite.quickwrite, no SQLAlchemy to import for one write); else through the ORM, which also
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
