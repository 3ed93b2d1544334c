"""The team file (okrtui-team/1): merge everyone's shared records, serverless.

One JSON object per line after a header, sorted by (type, id), keys sorted, so the
same data always gives the same bytes. For one (type, id) the record with the later
`updated_at` wins; a tie goes to the larger canonical JSON text, so every side picks
the same winner whatever the order of syncs. Tombstones (`deleted`) are records too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, cast, get_args

from filelock import FileLock, Timeout
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from okrtui.core import signing
from okrtui.core.errors import OkrError
from okrtui.core.files import write_atomic
from okrtui.core.text import count
from okrtui.exchange import keyring, teamlines
from okrtui.method import cycle, owners, periods
from okrtui.method.views import answers
from okrtui.rules import schema
from okrtui.storage import bulk
from okrtui.storage.model import (
    CheckIn,
    Comment,
    Decision,
    Dependency,
    KeyResult,
    Measurement,
    Meta,
    Metric,
    Objective,
    Period,
    Person,
    Reflection,
    Team,
    now_stamp,
)
from okrtui.storage.store import PLACEHOLDER_STAMP, identity, set_meta, signing_key, writing

FORMAT = "okrtui-team/1"
HEADER = json.dumps({"format": FORMAT}, sort_keys=True) + "\n"
MAX_BYTES = 256 * 1024 * 1024
LOCK_TIMEOUT_S = 60
# One person's records new to this database in one sync (docs/team.md, "Limits"): a newcomer's first
# sync of a busy year is a few thousand; beyond these a flood is refused whole, in one line.
MAX_NEW_RECORDS = 20_000
MAX_NEW_BYTES = 16 * 2**20
# Apply order: what a record refers to comes before it.
TYPES: dict[str, type[SQLModel]] = {
    "person": Person, "team": Team, "period": Period, "objective": Objective,
    "key_result": KeyResult, "check_in": CheckIn, "dependency": Dependency,
    "comment": Comment, "decision": Decision, "reflection": Reflection,
    "metric": Metric, "measurement": Measurement,  # health metrics (okrtui.cycle.metrics)
}
TYPE_OF = {model: name for name, model in TYPES.items()}
# Links that must resolve for a row to be stored (the rest are soft references).
PARENT = {"objective": ("period_id", "period"), "key_result": ("objective_id", "objective"),
          "check_in": ("kr_id", "key_result"), "reflection": ("period_id", "period"),
          "measurement": ("metric_id", "metric")}
SHARED_OWNERSHIP = {"period"}  # a quarter is everyone's: any later version wins
# Fields a record carries only when they hold something: a line from before them (none in it) and one of
# this version without them have the same content, so the signatures made before still verify. Stored
# as JSON text, carried as the list it holds (okrtui.method.owners).
WHEN_SET = {("key_result", "owner_history")}

Key = tuple[str, str]
Record = dict[str, Any]


class TeamFileError(OkrError):
    """The team file cannot be read as okrtui-team/1: nothing was changed."""


class SyncProblem(OkrError):
    """The sync could not complete (a lock held too long): exit 1."""

    exit_code = 1


def table_of(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]  # set by SQLModel for table=True


# --- records ------------------------------------------------------------------------------

def _fields(model: type[SQLModel]) -> dict[str, tuple[Any, bool, bool]]:
    """name → (base type, optional, required) from the SQLModel table."""
    out = {}
    for name, info in model.model_fields.items():
        ann = info.annotation
        args = [a for a in get_args(ann) if a is not type(None)]
        out[name] = (args[0] if args else ann, bool(args), info.is_required())
    return out


FIELDS = {name: _fields(model) for name, model in TYPES.items()}
# Fields added after records were signed: left out of a record while empty, so a signature made
# before the field existed still verifies (a decision's snapshot, okrtui.method.covers.snapshot).
LATER = {"decision": frozenset({"content"})}


def _drop_later(record: Record) -> Record:
    for name in LATER.get(record["type"], ()):
        if record.get(name) == "":
            del record[name]
    return record


def canonical(record: Record) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def fingerprint(data: Any) -> str:
    """What a bad record is remembered by (its canonical text hashed), so it is told only once."""
    text = data if isinstance(data, str) else json.dumps(data, sort_keys=True, ensure_ascii=False,
                                                          separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def newer(a: Record, b: Record) -> Record:
    """The winner of two versions of one record: deterministic, whatever the argument order.

    Records are type-normalised when read (floats are floats), so equal dicts have
    equal canonical text and the costly canonical form is only built for real ties.
    """
    if a.get("type") == "person":
        # A person's record of themselves beats any placeholder another person's import made.
        sa, sb = a["origin"] == a["id"], b["origin"] == b["id"]
        if sa != sb:
            return a if sa else b
    ua, ub = a["updated_at"], b["updated_at"]
    if ua != ub:
        return a if ua > ub else b
    if a == b:
        return a
    sa, sb = bool(a.get("signature")), bool(b.get("signature"))
    if sa != sb:  # the same version, once unsigned and once signed by its maker (re-signed when keys came)
        return a if sa else b
    return a if canonical(a) >= canonical(b) else b


def _record_from_mapping(kind: str, mapping: Any) -> Record:
    record: dict[str, Any] = {"type": kind}
    for name, (base, _, _) in FIELDS[kind].items():
        value = mapping[name]
        if (kind, name) in WHEN_SET:
            if value is not None:
                record[name] = owners.entries(owners.parse(value))
            continue
        if value is not None:
            if base is dt.date:
                value = value.isoformat()
            elif base is float:
                value = float(value)
        record[name] = value
    return _drop_later(record)


def to_values(record: Record) -> dict[str, Any]:
    """Model keyword arguments from a validated record."""
    values = {}
    for name, (base, _, _) in FIELDS[record["type"]].items():
        if (record["type"], name) in WHEN_SET:
            values[name] = owners.dump(owners.parse(record.get(name)))
        elif name in record:
            value = record[name]
            if base is dt.date and value is not None:
                value = dt.date.fromisoformat(value)
            elif base is float and value is not None:
                value = float(value)
            values[name] = value
    return values


def validate(record: Any) -> dict[str, Any]:
    """One team-file record, checked as strictly as an imported document, in its canonical form."""
    if not isinstance(record, dict):
        raise schema.Invalid("", "expected a JSON object")
    kind = record.get("type")
    if not isinstance(kind, str) or kind not in TYPES:
        raise schema.Invalid("type", f"unknown record type {str(kind)[:40]!r}")
    envelope = schema.check(schema.Envelope, record)
    data = schema.check(schema.RECORDS[kind], record)
    out: dict[str, Any] = {"type": kind, "id": envelope.id, "origin": envelope.origin,
                           "created_at": envelope.created_at or envelope.updated_at,
                           "updated_at": envelope.updated_at, "deleted": envelope.deleted}
    for name, value in data.model_dump().items():
        if (kind, name) in WHEN_SET and value is None:
            continue
        if name in FIELDS[kind]:
            out[name] = value.isoformat() if isinstance(value, dt.date) else \
                str(value) if isinstance(value, StrEnum) else value
    signature = record.get("signature", "")
    if not isinstance(signature, str) or len(signature) > 200:
        raise schema.Invalid("signature", "expected an Ed25519 signature (base64)")
    out["signature"] = signature
    _drop_later(out)
    if kind == "person":
        public = record.get("public_key", "")
        if public and not signing.is_public_text(public):
            raise schema.Invalid("public_key", "expected an Ed25519 public key (base64)")
        out["public_key"] = public
    return out


def bad_key(record: Any) -> Key | None:
    """Where a record that failed the checks is kept in the file, if it can be keyed at all."""
    if isinstance(record, dict) and isinstance(record.get("type"), str) and isinstance(record.get("id"), str):
        return (record["type"][:64], record["id"][:200])
    return None


def describe(record: Any) -> str:
    if isinstance(record, dict) and (record.get("type") or record.get("id")):
        return f"{str(record.get('type'))[:20]} {str(record.get('id'))[:64]!r}"
    return "a record"


# --- the file ----------------------------------------------------------------------------------

@dataclass
class TeamFile:
    records: dict[Key, Record] = field(default_factory=dict)
    exists: bool = False
    # Records that fail the checks: never applied, kept in the file as they were (unless a
    # valid version of the same record replaces them), each named once in `warnings`.
    bad: dict[Key, Record] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)  # one per warning: what "seen before" remembers
    shadowed: dict[Key, list[Record]] = field(default_factory=dict)  # versions a duplicate line beat
    sizes: dict[Key, int] = field(default_factory=dict)  # bytes of each record's lines (the flood limit)
    unreadable: int = 0  # lines that were no record at all: dropped when the file is written
    undecided: list[Record] = field(default_factory=list)  # duplicate lines of a disputed person, written back


def too_late(record: dict[str, Any], today: dt.date | None) -> str | None:
    """Why a teammate's record is dated too far ahead to take in (docs/method.md, "No future dates"):
    a check-in's day, an objective's activation or a KR's latest owner change more than a day after today (their time zone may be
    ahead of ours). Kept in the file as it is: once its day comes, a later sync takes it in."""
    if today is None:
        return None
    changes = record.get("owner_history") or []
    for day in [record.get("date"), record.get("activated_on"), *(c["from"] for c in changes[-1:])]:
        if isinstance(day, str):
            why = periods.after_today(dt.date.fromisoformat(day), today, periods.AHEAD_ON_SYNC)
            if why:
                return why
    return None


def read(path: Path, progress: Callable[[int, int], None] | None = None, today: dt.date | None = None) -> TeamFile:
    """Read and check the file line by line, streaming: a bad line is skipped and named, never
    fatal. Only what makes the whole file unreadable (not a team file, truncated) refuses it. With
    `today`, a record dated too far ahead (`too_late`) is skipped and named as a bad one is."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return TeamFile()
    except OSError as err:
        raise TeamFileError(f"cannot read team file {path}: {err.strerror}") from None
    if path.is_dir():
        raise TeamFileError(f"team file {path} is a directory")
    if size > MAX_BYTES:
        raise TeamFileError(f"team file {path} is {size // 2**20} MiB; okrtui reads team files up to "
                            f"{MAX_BYTES // 2**20} MiB")
    out = TeamFile(exists=True)
    done = 0
    try:
        with open(path, "rb") as handle:
            for line in teamlines.split(handle):
                done += line.size
                if progress is not None and line.number % 20_000 == 0:
                    progress(done, size)
                where = f"{path.name}:{line.number}"
                if not line.complete:
                    raise TeamFileError(f"{where}: the file ends in the middle of a line (truncated?)")
                try:
                    data = teamlines.parse(line)
                except teamlines.BadLine as err:
                    if line.number == 1:
                        raise TeamFileError(f"{where}: not an okrtui team file ({err})") from None
                    out.warnings.append(f"{where}: skipped a line: {err}")
                    out.hashes.append(line.digest)
                    out.unreadable += 1
                    continue
                if line.number == 1:
                    _check_header(data, where)
                    continue
                _take(out, data, where, line.size, today)
    except OSError as err:
        raise TeamFileError(f"cannot read team file {path}: {err.strerror}") from None
    if size and done == 0:
        raise TeamFileError(f"team file {path} is empty")
    return out


def _take(out: TeamFile, data: Any, where: str, size: int, today: dt.date | None) -> None:
    """One parsed line into the file's records, or into its bad ones, named."""
    try:
        record = validate(data)
        ahead = too_late(record, today)
        if ahead:
            raise schema.Invalid("", ahead)
    except (schema.Invalid, ValueError, TypeError, OverflowError, RecursionError) as err:
        # Invalid names the field; the rest are whatever a strange value raised deeper down.
        why = str(err) if isinstance(err, schema.Invalid) else f"unreadable value ({type(err).__name__})"
        out.warnings.append(f"{where}: skipped {describe(data)}: {why}")
        out.hashes.append(fingerprint(data))
        bad = bad_key(data)
        if bad is not None:
            out.bad[bad] = data
        return
    key = (record["type"], record["id"])
    out.sizes[key] = out.sizes.get(key, 0) + size
    have = out.records.get(key)
    if have is None:
        out.records[key] = record
    else:  # two lines for one record: the loser is kept aside, in case the winner is forged
        out.records[key] = winner = newer(have, record)
        out.shadowed.setdefault(key, []).append(have if winner is record else record)


def _check_header(data: Any, where: str) -> None:
    fmt = data.get("format") if isinstance(data, dict) else None
    if fmt == FORMAT:
        return
    if isinstance(fmt, str) and fmt.startswith("okrtui-team/"):
        raise TeamFileError(f"{where}: this team file is {fmt}, written by a newer okrtui; "
                            f"this one reads {FORMAT}. Upgrade okrtui")
    raise TeamFileError(f"{where}: not an okrtui team file (expected a header with format {FORMAT!r})")


def lines(records: dict[Key, Record], extra: list[Record] | None = None) -> Iterator[bytes]:
    """The file's bytes: one line per record, sorted; `extra` lines (a second version of a record
    whose truth this reader cannot tell) go right after their record's line."""
    yield HEADER.encode()
    more: dict[Key, list[Record]] = {}
    for rec in extra or []:
        more.setdefault((rec["type"], rec["id"]), []).append(rec)
    for key in sorted(records.keys() | more.keys()):
        if key in records:
            yield (canonical(records[key]) + "\n").encode("utf-8")
        for rec in sorted(more.get(key, []), key=canonical):
            yield (canonical(rec) + "\n").encode("utf-8")


def merge(*sides: dict[Key, Record]) -> dict[Key, Record]:
    out: dict[Key, Record] = {}
    for side in sides:
        for key, record in side.items():
            have = out.get(key)
            out[key] = record if have is None else newer(have, record)
    return out


# --- the local database --------------------------------------------------------------------------

def local_records(session: Session) -> dict[Key, Record]:
    """Every row of the synced tables as a record, read through Core (no ORM objects)."""
    conn = session.connection()
    out: dict[Key, Record] = {}
    for kind, model in TYPES.items():
        for mapping in conn.execute(select(table_of(model))).mappings():
            out[(kind, mapping["id"])] = _record_from_mapping(kind, mapping)
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


def _may_write(kind: str, record: dict[str, Any], merged: dict[Key, Record],
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


def health_private(records: dict[Key, Record]) -> set[str]:
    """Private health metrics and their measurements: they never leave their maker's database."""
    private = {i for (k, i), r in records.items() if k == "metric" and r["visibility"] == "private"}
    return private | {i for (k, i), r in records.items() if k == "measurement" and r["metric_id"] in private}


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
            denied = _may_write(kind, record, merged, local, names) or cycle.refusal(
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
