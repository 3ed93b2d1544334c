"""Health metrics: `metric add|record|list|history|edit|archive|from-kr`."""

# Imports inside functions: each command loads only its own modules (start-up, okrtui/cli/__init__.py).

from __future__ import annotations

import argparse
from typing import Any

from okrtui.cli.context import EXIT_OK, EXIT_PROBLEMS, Context, emit, say_warning
from okrtui.cli.parse import value_arg
from okrtui.core.output import say  # every printed line (docs/security.md)
from okrtui.core.text import plain  # 2 ms: every command prints through it


def cmd_metric(ctx: Context) -> int:
    args, verb = ctx.args, ctx.args.metric_command
    if verb == "list":
        from okrtui.method import healthrender
        from okrtui.method.health import mine, needs_you

        views, me = ctx.metric_views(args.as_of or ctx.today)
        shown = views if args.team else mine(views, me)
        render = {"text": healthrender.to_text, "json": healthrender.to_json, "csv": healthrender.to_csv}
        emit(render[args.format](shown), fmt=args.format)
        return EXIT_PROBLEMS if needs_you(views, me) else EXIT_OK
    if verb == "record":
        value = value_arg(args.value, "okrtui metric record METRIC VALUE")
        day = args.date or ctx.today
        # sqlite3 where it can (okrtui.storage.sqlite.quickwrite: no SQLAlchemy to import for one write), else the ORM.
        # The config (its fiscal year) is read only for a quarterly metric, as `checkin` reads none.
        saved = ctx.backend().measure(args.metric, value, note=args.note or "", day=day, today=ctx.today,
                                      fy_start_month=lambda: ctx.config.fiscal_year_start_month)
        if saved is None:
            from okrtui.cycle import metrics

            saved = metrics.record(ctx.engine(create=False), args.metric, value, note=args.note or "", day=day,
                                   today=ctx.today, fy_start_month=ctx.config.fiscal_year_start_month)
        if saved.implausible:
            say_warning(f"{saved.metric_id}: {saved.implausible}; recorded as given (correct it: okrtui metric record "
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
