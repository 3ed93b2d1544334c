"""The conversation: `submit`, `approve`, `request-changes`, `accept`, `decline`, `comment*`, `comments`, `inbox`."""

# Imports inside functions: each command loads only its own modules (start-up, okrtui/cli/__init__.py).

from __future__ import annotations

from okrtui.cli.context import EXIT_OK, EXIT_PROBLEMS, Context
from okrtui.core.output import say  # every printed line (docs/security.md)
from okrtui.core.text import plain  # 2 ms: every command prints through it


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
