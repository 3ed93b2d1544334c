"""`report` and `lint` (the coach)."""

# Imports inside functions: each command loads only its own modules (start-up, okrtui/cli/__init__.py).

from __future__ import annotations

from okrtui.cli.context import EXIT_OK, EXIT_PROBLEMS, Context, emit


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
    emit(text, fmt=args.format)
    return EXIT_OK


def cmd_lint(ctx: Context) -> int:
    from okrtui.method import lint

    args = ctx.args
    rep, _ = ctx.period_report(args.period, args.as_of, team=False)
    findings = lint.check(rep)
    emit(lint.render(rep, findings, args.format), fmt=args.format)
    return EXIT_PROBLEMS if any(f.level == "error" for f in findings) else EXIT_OK
