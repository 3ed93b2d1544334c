"""Whose records a team file may change: signatures, origins, floods, and the rights of writers.

A sync (okrtui.exchange.sync) reads the file (okrtui.exchange.teamformat), then moves every
record that fails a check here out of the file's records into its bad ones, named once in the
sync's result; only what is left is merged and applied. The git merge driver lives here too:
of two versions, the one its maker signed wins before the merge rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session

from okrtui.core import signing
from okrtui.core.errors import OkrError
from okrtui.core.files import write_atomic
from okrtui.core.text import count
from okrtui.exchange import keyring
from okrtui.exchange.teamformat import (
    SHARED_OWNERSHIP,
    TYPES,
    Key,
    Record,
    TeamFile,
    TeamFileError,
    canonical,
    fingerprint,
    lines,
    newer,
    read,
    table_of,
    validate,
)
from okrtui.method import owners, periods
from okrtui.method.views import answers
from okrtui.rules import schema

# One person's records new to this database in one sync (docs/team.md, "Limits"): a newcomer's first
# sync of a busy year is a few thousand; beyond these a flood is refused whole, in one line.
MAX_NEW_RECORDS = 20_000
MAX_NEW_BYTES = 16 * 2**20


@dataclass
class SyncResult:
    path: Path
    sent: int = 0        # local versions that changed the file
    received: int = 0    # rows added or changed locally
    skipped: int = 0     # records not taken in: bad, parent missing, or not their maker's to change
    refused: int = 0     # changes to the local user's own records made elsewhere
    file_changed: bool = False
    total: int = 0
    # (fingerprint, message) of every record not taken in and every clash; sync() keeps the new
    # ones in `warnings` (told loudly) and counts the ones this database was told before.
    problems: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seen_before: int = 0
    untold: int = 0  # new problems beyond what the caller can show: named on the next sync

    def problem(self, what: Any, message: str) -> None:
        self.problems.append((fingerprint(what), message))

    def seen_line(self) -> str | None:
        if not self.seen_before:
            return None
        return f"{count(self.seen_before, 'bad record')} skipped, seen before (named on an earlier sync)"

    def summary(self) -> str:
        state = "updated" if self.file_changed else "unchanged"
        extra = f", {self.skipped} skipped" if self.skipped else ""
        if self.refused:
            extra += f", {self.refused} refused (versions written by someone other than their maker)"
        return (f"synced {self.path}: {self.sent} out, {self.received} in{extra}; "
                f"team file {state} ({count(self.total, 'record')})")


def may_write(kind: str, record: dict[str, Any], merged: dict[Key, Record],
               local: dict[Key, Record], names: dict[str, str] | None = None) -> str | None:
    """Why a record's maker may not write it, or None (spec: "Identity and trust")."""
    if kind == "key_result":  # a KR goes only into an objective its maker made
        objective = local.get(("objective", record["objective_id"])) or \
            merged.get(("objective", record["objective_id"]))
        if objective is not None and objective["origin"] != record["origin"]:
            who = _namer(names or {})
            return (f"{who(record['origin'])} may not add a key result to {who(objective['origin'])}'s "
                    f"objective {objective['id']!r}")
        return None
    if kind == "period":
        return _quarter_shape(record)
    if kind == "measurement":
        return _may_measure(record, merged, local, names)
    if kind != "check_in":
        return None
    kr = merged.get(("key_result", record["kr_id"])) or local.get(("key_result", record["kr_id"]))
    if kr is None:
        return None
    # Who answered for the KR on the check-in's day (its history): a handed-over KR keeps the earlier
    # owner's check-ins, for a newcomer as for everyone who held them before.
    history = owners.parse(kr.get("owner_history"))
    answerer = owners.answerer(history, kr.get("owner_id"), kr["origin"], record["date"])
    if answerer == record["origin"]:
        return None
    who = _namer(names or {})
    when = f"answered for it on {record['date']}" if history else "answers for it"
    return f"{who(record['origin'])} may not check in on {kr['id']}: {who(answerer)} {when}"


def _may_measure(record: dict[str, Any], merged: dict[Key, Record], local: dict[Key, Record],
                 names: dict[str, str] | None) -> str | None:
    """A measurement only by who answers for its metric (okrtui.cycle.metrics), as a check-in."""
    metric = merged.get(("metric", record["metric_id"])) or local.get(("metric", record["metric_id"]))
    if metric is None or answers(metric.get("owner_id"), metric["origin"], record["origin"]):
        return None
    who = _namer(names or {})
    return (f"{who(record['origin'])} may not measure {metric['id']}: "
            f"{who(metric.get('owner_id') or metric['origin'])} answers for it")


def _quarter_shape(record: dict[str, Any]) -> str | None:
    """A quarter's dates are a quarter's (for some fiscal year start): nobody shrinks everyone's 2026-Q4."""

    if not periods.is_quarter_label(record["id"]):
        return None
    spans = set()
    for month in range(1, 13):
        try:
            span = periods.quarter(record["id"], month)
        except (ValueError, OverflowError):  # 0000-Q1, 9999-Q4: no such dates at all
            continue
        spans.add((span.start.isoformat(), span.end.isoformat()))
    if (record["start"], record["end"]) in spans:
        return None
    return f"{record['start']} .. {record['end']} is not the quarter {record['id']}"


def _namer(names: dict[str, str]) -> Callable[[str | None], str]:
    """People named by name in every message (their id only when no name is known)."""
    def name(pid: str | None) -> str:
        if not pid:
            return "nobody"
        return names.get(pid) or pid
    return name


def names_of(local: dict[Key, Record], team: TeamFile | None = None) -> dict[str, str]:
    """Person id → name for messages: what this database holds (checked when it came) first; the
    file's unchecked records only name people this database has never met."""
    out: dict[str, str] = {}
    for records in (local, (team.records if team else {})):
        held = dict(out)
        for (kind, ident), rec in records.items():
            if kind == "person" and rec.get("name") and ident not in held and \
                    (rec["origin"] == ident or ident not in out):
                out[ident] = rec["name"]
    return out


def known_keys(local: dict[Key, Record]) -> dict[str, str]:
    """Each person's public key as this database first learnt it (trust on first use)."""
    return {ident: rec["public_key"] for (kind, ident), rec in local.items()
            if kind == "person" and rec.get("public_key")}


def check_signatures(team: TeamFile, local: dict[Key, Record], decision: keyring.Decision, me: str,
                     names: dict[str, str], result: SyncResult) -> None:
    """Move every file record its origin did not sign from `team.records` to `team.bad`, named.

    A record this database already holds, byte for byte, was checked when it came. Every other
    record must verify under its origin's key as `keyring.decide` settled it: a record without a
    signature, or of a person with no key, is refused like a forged one (signed always)."""
    who = _namer(names)
    keys = decision.keys
    forged_mine: list[Record] = []
    keyless: dict[str, list[Record]] = {}

    def drop(key: Key, rec: Record) -> None:
        del team.records[key]
        team.bad[key] = rec
        for alt in team.shadowed.pop(key, []):
            if _genuine(alt, keys):  # a forged duplicate line does not hide the real one
                have = team.records.get(key)
                team.records[key] = alt if have is None else newer(have, alt)
        result.skipped += 1

    def fail(key: Key, rec: Record, why: str) -> None:
        drop(key, rec)
        if local.get(key, {}).get("origin") == me and key[0] != "person":
            forged_mine.append(rec)
        else:
            result.problem(rec, f"skipped {key[0]} {key[1]!r}: {why}")

    for key, rec in sorted(team.records.items()):
        if held(local, key, rec):
            continue  # checked when it came, or beaten by ours anyway: the merge writes ours over it
        origin = rec["origin"]
        if origin in decision.disputed and local.get(key, {}).get("origin") != me:
            team.undecided.extend(team.shadowed.pop(key, []))  # which line is real is not ours to say
            drop(key, rec)  # named once, in the decision's line
            continue
        public = keys.get(origin)
        if key[0] == "person" and rec.get("public_key"):
            if origin != rec["id"]:
                fail(key, rec, f"a person record carries a key, written by {who(origin)}: only its "
                               "person's own record may")
                continue
            if public and rec["public_key"] != public:
                fail(key, rec, _clash(rec, me, who))
                continue
        if public is None:
            drop(key, rec)
            keyless.setdefault(origin, []).append(rec)
        elif not rec.get("signature"):
            fail(key, rec, f"it is not signed, and {who(origin)} signs every record")
        elif id(rec) not in decision.verified and not signing.verifies(public, rec):
            fail(key, rec, f"its signature is not {who(origin)}'s (forged, or changed by hand)")
    for origin, records in sorted(keyless.items()):
        result.problem(sorted(canonical(r) for r in records), (
            f"skipped {count(len(records), 'record')} of {who(origin)} ({origin}) that are not signed by a key this "
            f"database trusts ({_listed(records)}): okrtui takes only signed records. If {who(origin)} uses an okrtui "
            "from before keys, their next `okrtui sync` with this version signs them (docs/team.md, \"Records from "
            "before keys\")"))
    if forged_mine:
        result.problem(sorted(canonical(r) for r in forged_mine),
                       f"the team file holds {count(len(forged_mine), 'version')} of your records that you did not "
                       f"sign ({_listed(forged_mine)}): forged or changed by hand; yours were kept and written back")


def _clash(rec: Record, me: str, who: Callable[[str | None], str]) -> str:
    if rec["id"] == me:
        return (f"the team file holds another person with your id {me}: {rec.get('name')!r} <{rec.get('email')}>, "
                "with another key; kept yours. If that is you on another machine, move your identity there with "
                "`okrtui whoami --export-identity FILE` and `--adopt FILE`; if not, see docs/team.md "
                "(\"Two people, one id\")")
    return (f"identity clash: {who(rec['id'])} ({rec['id']}) signs with another key than the one this database "
            "trusts for that id; kept the one trusted")


def _genuine(rec: Record, keys: dict[str, str]) -> bool:
    public = keys.get(rec["origin"])
    return public is not None and signing.verifies(public, rec)


def _listed(records: list[Record], limit: int = 5) -> str:
    shown = ", ".join(f"{r['type'].replace('_', ' ')} {r['id']!r}" for r in sorted(
        records, key=lambda r: (r["type"], r["id"]))[:limit])
    return shown + (f" and {len(records) - limit} more" if len(records) > limit else "")


def check_origins(team: TeamFile, local: dict[Key, Record], me: str, names: dict[str, str],
                  result: SyncResult) -> None:
    """Refuse every file record whose origin differs from the one stored here for its id.

    Signed records cannot be forged, so a different origin means another person wrote their own
    version of a record that is not theirs. The local version goes back into the file. The
    owner is told in one line per writer; quarter periods are everyone's."""
    who = _namer(names)
    groups: dict[tuple[str, str], list[Record]] = {}
    for key, rec in sorted(team.records.items()):
        bent = _quarter_shape(rec) if key[0] == "period" else None
        if bent:  # taken out before the merge, so a valid quarter we hold goes back into the file
            del team.records[key]
            team.bad[key] = rec
            result.skipped += 1
            result.problem(rec, f"skipped period {key[1]!r} written by {who(rec['origin'])}: {bent}")
            continue
        mine = local.get(key)
        if mine is None or mine["origin"] == rec["origin"] or key[0] in SHARED_OWNERSHIP:
            continue
        if key[0] == "person":
            continue  # a person's own record beats placeholders (newer()); placeholders are anyone's guess
        del team.records[key]
        team.bad[key] = rec
        result.refused += 1
        groups.setdefault((mine["origin"], rec["origin"]), []).append(rec)
    for (owner, writer), records in groups.items():
        what = sorted(canonical(r) for r in records)
        if owner == me:
            result.problem(what, f"the team file holds versions of {count(len(records), 'record')} of yours written "
                                 f"by {who(writer)} ({_listed(records)}); refused, and yours written back")
        else:
            result.problem(what, f"skipped {count(len(records), 'record')} of {who(owner)}'s rewritten by "
                                 f"{who(writer)} ({_listed(records)}): only {who(owner)} changes them")


def sign_own(session: Session, private: signing.PrivateKey, shared: dict[Key, Record],
             local: dict[Key, Record], team: TeamFile, me: str, result: SyncResult) -> None:
    """Sign the local user's records whose version differs from the file's; store the signatures.
    One that breaks the schema (a database edited by hand) is not sent: named, and left out of `shared`."""
    conn = session.connection()
    changes: dict[str, list[dict[str, str]]] = {}
    broken: list[Key] = []
    for key, rec in shared.items():
        if rec["origin"] != me or (rec.get("signature") and team.records.get(key) == rec):
            continue
        try:
            validate(rec)
        except (schema.Invalid, ValueError, TypeError, OverflowError) as err:
            why = str(err) if isinstance(err, schema.Invalid) else f"unreadable value ({type(err).__name__})"
            broken.append(key)
            result.problem(f"own {key} {why}", f"your {key[0].replace('_', ' ')} {key[1]!r} was not sent: {why} "
                                               "(changed outside okrtui?); correct it in okrtui and sync again")
            continue
        signature = signing.sign(private, rec)
        if signature != rec.get("signature"):
            rec["signature"] = signature  # shared and local hold the same dict
            local[key] = rec
            changes.setdefault(key[0], []).append({"b_id": key[1], "b_sig": signature})
    for kind, rows in changes.items():
        table = table_of(TYPES[kind])
        conn.execute(update(table).where(table.c.id == bindparam("b_id")).values(signature=bindparam("b_sig")),
                     rows)
    for key in broken:
        del shared[key]


def sendable(shared: dict[Key, Record], known: dict[str, str], me: str,
             filed: dict[Key, Record] | None = None) -> dict[Key, Record]:
    """Teammates' records as stored, only those their known key signs (readers skip the rest): an
    unsigned one (an older okrtui took those in) or one edited in this database never reaches the
    file, nor hides the real one there. Only versions that differ from the file's are checked
    (`filed`: the file's records)."""
    filed = filed or {}

    def signed(key: Key, rec: Record) -> bool:
        public = known.get(rec["origin"])
        if public is None or not rec.get("signature"):
            return False
        return filed.get(key) == rec or signing.verifies(public, rec)

    return {key: rec for key, rec in shared.items() if rec["origin"] == me or signed(key, rec)}


def held(local: dict[Key, Record], key: Key, rec: Record) -> bool:
    """What this database holds already, or a version it holds that beats this one."""
    mine = local.get(key)
    return mine is not None and (mine == rec or newer(mine, rec) is mine)


def trust_keys(session: Session, team: TeamFile, local: dict[Key, Record], path: Path,
               names: dict[str, str], result: SyncResult) -> keyring.Decision:
    """Whose key signs whose records, this sync: `keyring.decide` over the file, the pins beside it
    and what this database trusts; its lines become the sync's problems."""
    versions: dict[str, list[Record]] = {}
    by_origin: dict[str, list[Record]] = {}
    for key, rec in team.records.items():
        if key[0] == "person":
            versions.setdefault(key[1], []).append(rec)
            versions[key[1]].extend(team.shadowed.get(key, []))
        mine = local.get(key)
        if not held(local, key, rec) and (mine is None or mine["origin"] == rec["origin"]):
            by_origin.setdefault(rec["origin"], []).append(rec)  # (another's record: the origin rule refuses it)
    pins, bad_pins = keyring.read_pins(keyring.pins_path(path))
    for line in bad_pins:
        result.problem(line, line)
    decision = keyring.decide(known_keys(local), versions, by_origin, pins, keyring.hand_trusted(session),
                              _namer(names))
    for what, message in decision.problems:
        result.problem(what, message)
    return decision


def check_floods(team: TeamFile, local: dict[Key, Record], names: dict[str, str], result: SyncResult) -> None:
    """One person's new records beyond the limits (docs/team.md, "Limits") are refused whole, in one line."""
    who = _namer(names)
    new: dict[str, list[Key]] = {}
    for key, rec in team.records.items():
        if not held(local, key, rec):
            new.setdefault(rec["origin"], []).append(key)
    for origin, keys in sorted(new.items()):
        size = sum(team.sizes.get(key, 0) for key in keys)
        if len(keys) <= MAX_NEW_RECORDS and size <= MAX_NEW_BYTES:
            continue
        for key in keys:
            team.bad[key] = team.records.pop(key)
        result.skipped += len(keys)
        result.problem(f"flood {origin} {len(keys)} {size}", (
            f"refused {len(keys):,} new records ({size / 2**20:.1f} MiB) from {who(origin)} ({origin}) in one "
            f"sync: over the limit of {MAX_NEW_RECORDS:,} new records or {MAX_NEW_BYTES // 2**20} MiB per person "
            "(docs/team.md, \"Limits\"); none of them were taken in"))


def merge_files(ours: Path, theirs: Path, base: Path | None = None) -> tuple[int, list[str]]:
    """git merge driver: the union of both sides, written to OURS; returns the count and the bad lines.

    Of two versions of a record, one that verifies under its origin's key beats one that does not,
    whatever their dates; only then the merge rule. Keys come from the common ancestor (BASE),
    else from the sides when they agree (docs/team.md, "Keeping the team file in git")."""
    for given in (ours, theirs):
        if not given.is_file():
            raise OkrError(f"merge-driver: no such file: {given}")
    sides = read(ours), read(theirs)
    try:
        ancestor = read(base) if base is not None else TeamFile()
    except TeamFileError:
        ancestor = TeamFile()  # git hands an empty file when the branches share no ancestor
    keys = _driver_keys(ancestor, *sides)
    merged: dict[Key, Record] = {}
    for side in sides:
        for key, rec in side.records.items():
            have = merged.get(key)
            merged[key] = rec if have is None else _prefer(have, rec, keys, ancestor.records.get(key))
    bad = {key: rec for side in sides for key, rec in side.bad.items() if key not in merged}
    write_atomic(ours, list(lines({**bad, **merged})))
    return len(merged), [w for side in sides for w in side.warnings]


def _prefer(a: Record, b: Record, keys: dict[str, str], before: Record | None) -> Record:
    """A signed version beats a forged one; then its maker's (the ancestor's origin) beats another
    person's version of it; then the merge rule."""
    good_a, good_b = _genuine(a, keys), _genuine(b, keys)
    if good_a != good_b:
        return a if good_a else b
    if before is not None and a["type"] not in SHARED_OWNERSHIP | {"person"}:
        own_a, own_b = a["origin"] == before["origin"], b["origin"] == before["origin"]
        if own_a != own_b:
            return a if own_a else b
    return newer(a, b)


def _driver_keys(ancestor: TeamFile, *sides: TeamFile) -> dict[str, str]:
    """Each person's key for the merge driver: the ancestor's, else the one key both sides agree on."""
    def offered(team: TeamFile) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for (kind, ident), rec in team.records.items():
            public = rec.get("public_key")
            if kind == "person" and rec["origin"] == ident and public and signing.verifies(public, rec):
                out.setdefault(ident, set()).add(public)
        return out

    keys = {pid: next(iter(found)) for pid, found in offered(ancestor).items() if len(found) == 1}
    later: dict[str, set[str]] = {}
    for side in sides:
        for pid, found in offered(side).items():
            later.setdefault(pid, set()).update(found)
    for pid, found in later.items():
        if pid not in keys and len(found) == 1:
            keys[pid] = next(iter(found))
    return keys
