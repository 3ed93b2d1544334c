"""A sync: lock the team file, read it, check it, merge, write it, and take the others' records in.

The format is okrtui.exchange.teamformat's, the checks okrtui.exchange.teamtrust's; this module
holds what touches the database: the local records as the file holds them, what of them is
shared, and applying the merged records under the ownership rules, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from okrtui.core.errors import OkrError
from okrtui.core.files import write_atomic
from okrtui.exchange import keyring
from okrtui.exchange.teamformat import (
    PARENT,
    SHARED_OWNERSHIP,
    TYPES,
    Key,
    Record,
    lines,
    merge,
    newer,
    read,
    record_from_mapping,
    table_of,
    to_values,
)
from okrtui.exchange.teamtrust import (
    SyncResult,
    check_floods,
    check_origins,
    check_signatures,
    may_write,
    names_of,
    sendable,
    sign_own,
    trust_keys,
)
from okrtui.method import cycle
from okrtui.storage import bulk
from okrtui.storage.base import of
from okrtui.storage.model import Meta, Person, now_stamp
from okrtui.storage.store import PLACEHOLDER_STAMP, identity, key_path, set_meta, signing_key, writing

LOCK_TIMEOUT_S = 60


class SyncProblem(OkrError):
    """The sync could not complete (a lock held too long): exit 1."""

    exit_code = 1


# --- the local database --------------------------------------------------------------------------

def local_records(session: Session) -> dict[Key, Record]:
    """Every row of the synced tables as a record, read through Core (no ORM objects)."""
    conn = session.connection()
    out: dict[Key, Record] = {}
    for kind, model in TYPES.items():
        for mapping in conn.execute(select(table_of(model))).mappings():
            out[(kind, mapping["id"])] = record_from_mapping(kind, mapping)
    return out


def shared_records(records: dict[Key, Record]) -> dict[Key, Record]:
    """Everything except private objectives, their KRs, check-ins and the links that touch them."""
    private = {i for (k, i), r in records.items() if k == "objective" and r["visibility"] == "private"}
    private |= {i for (k, i), r in records.items() if k == "key_result" and r["objective_id"] in private}
    private |= {i for (k, i), r in records.items() if k == "check_in" and r["kr_id"] in private}
    private |= health_private(records)
    out = {}
    for key, record in records.items():
        kind, ident = key
        if ident in private and kind in ("objective", "key_result", "check_in", "metric", "measurement"):
            continue
        if kind == "dependency" and (record["from_id"] in private or record["to_id"] in private):
            private.add(ident)
            continue
        out[key] = record
    for key in cycle.private_talk(out, private):
        del out[key]
    return out


def health_private(records: dict[Key, Record]) -> set[str]:
    """Private health metrics and their measurements: they never leave their maker's database."""
    private = {i for (k, i), r in records.items() if k == "metric" and r["visibility"] == "private"}
    return private | {i for (k, i), r in records.items() if k == "measurement" and r["metric_id"] in private}


def tell_once(session: Session, result: SyncResult, limit: int | None = None) -> None:
    """New problems are told (and remembered by fingerprint); ones told before are only counted.
    Beyond `limit` (what a screen shows) new ones stay untold, so a later sync names them."""

    fresh: dict[str, str] = {}
    for digest, message in result.problems:
        fresh.setdefault(digest, message)
    keys, column = [f"bad:{d}" for d in fresh], table_of(Meta).c.key
    told: set[str] = set()
    for i in range(0, len(keys), 500):
        told.update(k for k, in session.connection().execute(select(column).where(column.in_(keys[i:i + 500]))))
    for digest, message in fresh.items():
        if f"bad:{digest}" in told:
            result.seen_before += 1
        elif limit is not None and len(result.warnings) >= limit:
            result.untold += 1
        else:
            result.warnings.append(message)
            set_meta(session, f"bad:{digest}", now_stamp())


def _identity_clash(record: dict[str, Any], mine: dict[str, Any], me: str) -> str | None:
    """Another person whose id is the same as ours (two databases made apart, same login name)."""
    if record["id"] != me or record["origin"] != me or mine.get("created_at") == PLACEHOLDER_STAMP:
        return None
    if record.get("created_at") == mine.get("created_at"):
        return None  # the same person record, changed on another machine of ours
    if (record.get("name"), record.get("email")) == (mine.get("name"), mine.get("email")):
        return None
    return (f"the team file holds another person with your id {me}: {record.get('name')!r} "
            f"<{record.get('email')}>; kept yours. If that is you on another machine, run "
            f"`okrtui whoami --adopt {me}` there on a new database; if not, see docs/team.md "
            "(\"Two people, one id\")")


def apply(session: Session, merged: dict[Key, Record], local: dict[Key, Record], me: str,
          result: SyncResult, names: dict[str, str] | None = None) -> None:
    """Bring the merged records into the database, under the ownership rules (bulk, through Core)."""
    conn = session.connection()
    known = {kind: {i for (k, i) in local if k == kind} for kind in TYPES}
    by_kind: dict[str, list[dict[str, Any]]] = {kind: [] for kind in TYPES}
    for key, record in merged.items():
        by_kind[key[0]].append(record)

    def skip(record: dict[str, Any], why: str) -> None:
        result.skipped += 1
        result.problem(record, f"skipped {record['type']} {record['id']!r}: {why}")

    for kind, model in TYPES.items():
        new_rows: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for record in sorted(by_kind[kind], key=lambda r: r["id"]):
            mine = local.get((kind, record["id"]))
            if mine is not None and (mine == record or newer(mine, record) is mine):
                continue
            denied = may_write(kind, record, merged, local, names) or cycle.refusal(
                kind, record, lambda k, i: merged.get((k, i)) or local.get((k, i)))
            if denied:
                skip(record, denied)
                continue
            if mine is None:
                link = PARENT.get(kind)
                if link and record.get(link[0]) not in known[link[1]]:
                    skip(record, f"its {link[1].replace('_', ' ')} {record.get(link[0])!r} is missing")
                    continue
                new_rows.append(to_values(record))
                known[kind].add(record["id"])
                continue
            if kind == "person":
                clash = _identity_clash(record, mine, me)
                if clash:
                    result.refused += 1
                    result.problem(record, clash)
                    continue
            self_record = kind == "person" and record["origin"] == record["id"]
            if mine["origin"] == me and record["origin"] != me and kind not in SHARED_OWNERSHIP \
                    and not self_record:  # a teammate's own record replaces our placeholder of them
                result.refused += 1  # only the same person (from another machine) may change it
                continue
            changed.append(to_values(record))
        bulk.insert_rows(conn, model, new_rows)  # batched, in the caller's transaction
        bulk.update_rows(conn, model, changed)
        result.received += len(new_rows) + len(changed)


def lock_path(path: Path) -> Path:
    """Where a sync's lock lives (docs/team.md, "The lock"): inside the git directory when the team
    file is in a git work tree, so no untracked file waits for `git add .`; else beside the file,
    where every writer of a shared folder sees it."""
    real = path.resolve()
    for folder in real.parents:
        dotgit = folder / ".git"
        if dotgit.is_dir():
            gitdir = dotgit
        elif dotgit.is_file():  # a linked work tree (`git worktree add`) or a submodule: "gitdir: PATH"
            try:
                line = dotgit.read_text("utf-8").strip()
            except (OSError, UnicodeDecodeError):
                continue
            if not line.startswith("gitdir:"):
                continue
            gitdir = (folder / line.removeprefix("gitdir:").strip()).resolve()
        else:
            continue
        locks = gitdir / "okrtui-locks"
        locks.mkdir(exist_ok=True)
        digest = hashlib.sha256(str(real).encode("utf-8", "surrogateescape")).hexdigest()[:16]
        return locks / f"{real.name}.{digest}.lock"
    return path.with_name(path.name + ".lock")


@bulk.gc_paused()
def sync(engine: Engine, path: Path, progress: Callable[[int, int], None] | None = None,
         lock_timeout: float = LOCK_TIMEOUT_S, tell_limit: int | None = None,
         today: dt.date | None = None) -> SyncResult:
    """Lock, read, merge, write (temp + fsync + rename), then take the others' records in."""

    path = Path(path)
    if not path.parent.is_dir():
        raise OkrError(f"team file folder {path.parent} does not exist")
    result = SyncResult(path)
    try:
        with FileLock(lock_path(path), timeout=lock_timeout):
            team = read(path, progress, today)
            with writing(engine) as session:
                person = identity(session)
                me = person.id
                private = signing_key(session, person, create=False)
                mine_there = team.records.get(("person", me))
                if private is None and not person.public_key and not (mine_there or {}).get("public_key"):
                    # An identity from before keys gets its key now, unless another machine of
                    # ours already published one: a second key would be an identity clash.
                    private = signing_key(session, person)
                session.flush()
                local = local_records(session)
                names = names_of(local, team)
                result.problems.extend(zip(team.hashes, team.warnings, strict=True))
                result.skipped += len(team.warnings)
                decision = trust_keys(session, team, local, path, names, result)
                check_signatures(team, local, decision, me, names, result)
                check_floods(team, local, names, result)
                check_origins(team, local, me, names, result)
                shared = sendable(shared_records(local), decision.keys, me, team.records)
                # A database that keeps no key (memory:) can sign nothing: teammates would skip every line
                # of it, for good. It takes their records in and leaves the file as it was.
                keyless = private is None and key_path(session) is None
                if keyless:
                    shared = {}
                    result.problem(f"keyless {me}", f"{of(engine).shown()} keeps no signing key: nothing of yours "
                                   f"goes into {path} (teammates take only signed records); their records came in")
                if private is not None:
                    sign_own(session, private, shared, local, team, me, result)
                elif (person.public_key or (mine_there or {}).get("public_key")) and \
                        any(r["origin"] == me and k[0] != "person" for k, r in shared.items()):
                    result.problem(f"cannot sign {me}", f"this database holds no signing key for {person.name} "
                                   f"({me}): teammates skip your records. On the machine that has it run "
                                   "`okrtui whoami --export-identity FILE`, then here `okrtui whoami --adopt FILE`")
                merged = merge(team.records, shared)
                kept_bad = {key: rec for key, rec in team.bad.items() if key not in merged}
                result.total = len(merged) + len(kept_bad)
                result.sent = sum(1 for key, rec in shared.items()
                                  if merged[key] is rec and team.records.get(key) != rec)
                changed = not team.exists or team.unreadable > 0 or bool(team.undecided) or len(merged) != len(team.records) or \
                    len(kept_bad) != len(team.bad) or any(merged[key] is not rec for key, rec in team.records.items())
                changed = changed and not keyless
                if changed:
                    write_atomic(path, lines({**kept_bad, **merged}, team.undecided))
                result.file_changed = changed
                apply(session, merged, local, me, result, names)
                stamp, people = now_stamp(), table_of(Person)
                for pid, source in decision.new.items():
                    keyring.remember(session, pid, source, stamp)
                    session.connection().execute(update(people).where(people.c.id == pid).values(
                        public_key=decision.keys[pid]))  # a key trusted by hand replaces the one dropped
                tell_once(session, result, tell_limit)
    except Timeout:
        raise SyncProblem(f"team file {path} is locked by another sync for over {lock_timeout:g} s; "
                          "try again") from None
    return result
