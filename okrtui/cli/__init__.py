"""The `okrtui` command: `main` parses (okrtui/cli/parse.py), finds the command in COMMANDS and runs it
with a Context (okrtui/cli/context.py). One module per family of commands: records, checkins, reports,
team, metrics, talk, interactive (the TUI and serve). Light commands never import Textual: only the
TUI path does. Each command imports what it uses inside its own function, so a command's start-up pays
only for its own modules (`okrtui checkin` never loads the report's, sync's or the TUI's)."""

# Imports inside functions: each command loads only its own modules (start-up, see above).

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Sequence

from okrtui.cli.checkins import cmd_checkin, cmd_due, cmd_history
from okrtui.cli.context import EXIT_OK, EXIT_USAGE, Context, say_error
from okrtui.cli.interactive import cmd_serve, cmd_tui
from okrtui.cli.metrics import cmd_metric
from okrtui.cli.parse import build_parser
from okrtui.cli.records import cmd_export, cmd_import, cmd_template
from okrtui.cli.reports import cmd_lint, cmd_report
from okrtui.cli.talk import cmd_comment, cmd_comments, cmd_cycle, cmd_inbox
from okrtui.cli.team import cmd_admin, cmd_keys, cmd_merge_driver, cmd_sync, cmd_team, cmd_whoami
from okrtui.core.errors import OkrError


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
    ctx: Context | None = None
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
        say_error(str(err))
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`okrtui report | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as err:
        say_error(_unexpected(err, ctx))
        return EXIT_USAGE


def _unexpected(err: Exception, ctx: Context | None) -> str:
    """A database's refusal as its backend says it (PostgreSQL's own sentence and its fix); anything
    else named by its type."""
    if getattr(err, "orig", None) is not None and ctx is not None:
        try:
            return ctx.backend().describe(err)
        except OkrError:  # no backend for the target: said as it is
            pass
    return f"unexpected {type(err).__name__}: {err}"


# Each command's name (as parse.build_parser names it) and its function; no command opens the TUI.
COMMANDS: dict[str, Callable[[Context], int]] = {
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
