"""The team and its file: `sync`, `merge-driver`, `whoami`, `keys`, `team`, and `admin` for a shared PostgreSQL database."""

# Imports inside functions: each command loads only its own modules (start-up, okrtui/cli/__init__.py).

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from okrtui.cli.context import EXIT_OK, EXIT_PROBLEMS, WARN_LIMIT, Context, say_warning
from okrtui.core.errors import OkrError
from okrtui.core.output import say  # every printed line (docs/security.md)
from okrtui.core.text import plain  # 2 ms: every command prints through it


def cmd_sync(ctx: Context) -> int:
    from okrtui.exchange import sync

    ctx.backend().check_team_file()  # said first: a shared database wants no team file at all
    path = _team_file(ctx)
    engine = ctx.engine()
    from okrtui.core import progress

    with progress.bar(f"syncing {plain(path.name)}") as shown:
        result = sync.sync(engine, path, shown, tell_limit=WARN_LIMIT, today=ctx.today)
    for line in result.warnings:  # only what this database had not been told before
        say_warning(line)
    if result.untold:
        say_warning(f"and {result.untold} more not taken in (named on the next sync)")
    say(result.summary())
    seen = result.seen_line()
    if seen:
        say(f"okrtui: {seen}", err=True)
    return EXIT_PROBLEMS if result.warnings else EXIT_OK


def cmd_merge_driver(ctx: Context) -> int:
    from okrtui.exchange import teamtrust

    merged, bad = teamtrust.merge_files(ctx.args.ours, ctx.args.theirs, ctx.args.base)
    for line in bad[:WARN_LIMIT]:
        say_warning(line)
    if len(bad) > WARN_LIMIT:
        say_warning(f"and {len(bad) - WARN_LIMIT} more bad lines")
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
    ctx.backend().check_signing_keys()
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
    backend = ctx.backend()  # the target as the backend took it: a URL without the spaces pasted around it
    if ctx.args.admin_command == "init":
        for line in backend.init():
            say(line)
        return EXIT_OK
    pid = backend.add_person(ctx.args.login, ctx.args.name, ctx.args.email, ctx.args.adopt)
    say(_added(backend.can_login(ctx.args.login), ctx.args.login, pid))
    return EXIT_OK


def _added(can_login: bool, login: str, pid: str) -> str:
    if can_login:
        return f"login {login} can connect; it is the person {pid}"
    return (f"role {login} exists but cannot log in; it is the person {pid} once the database's owner runs "
            f"`ALTER ROLE \"{login}\" LOGIN`")
