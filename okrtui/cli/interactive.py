"""The TUI (`okrtui` with no command, `--demo`, `--read-only`) and `okrtui serve`."""

# Imports inside functions: each command loads only its own modules (start-up, okrtui/cli/__init__.py).

from __future__ import annotations

import gc
import tempfile
from pathlib import Path

from okrtui.cli.context import EXIT_OK, Context, say_warning
from okrtui.core.errors import OkrError
from okrtui.core.output import say  # every printed line (docs/security.md)


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
        say_warning(f"listening on {args.host}: exposed to every machine that reaches it; whoever has the URL "
              "sees these OKRs")
    # Each session is another process given --db again: a file by its absolute path (`./memory:okr`
    # printed as `memory:okr` would be an in-memory database there, and a session may start elsewhere).
    served = str(target.absolute()) if isinstance(target, Path) else str(target)
    opts = serve.Options(served, host=args.host, port=args.port, max_sessions=args.max_sessions,
                         idle_s=args.idle * 60, as_of=args.as_of.isoformat() if args.as_of else None)

    def tell(line: str) -> None:
        say(line, flush=True)

    say(f"okrtui serve: read-only, at most {opts.max_sessions} sessions, idle ones end after "
        f"{args.idle:g} min; Ctrl-C stops it. Open:", err=True, flush=True)
    try:
        return serve.main(opts, tell)
    except OSError as err:
        raise OkrError(str(err)) from None
