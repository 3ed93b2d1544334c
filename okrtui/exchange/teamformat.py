"""The team file's format (okrtui-team/1): its records, reading and writing it, and the merge.

One JSON object per line after a header, sorted by (type, id), keys sorted, so the
same data always gives the same bytes. For one (type, id) the record with the later
`updated_at` wins; a tie goes to the larger canonical JSON text, so every side picks
the same winner whatever the order of syncs. Tombstones (`deleted`) are records too.
Nothing here knows whose key signs what (okrtui.exchange.teamtrust) or touches a
database (okrtui.exchange.sync).
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

from sqlalchemy import Table
from sqlmodel import SQLModel

from okrtui.core import signing
from okrtui.core.errors import OkrError
from okrtui.exchange import teamlines
from okrtui.method import owners, periods
from okrtui.rules import schema
from okrtui.storage.model import (
    CheckIn,
    Comment,
    Decision,
    Dependency,
    KeyResult,
    Measurement,
    Metric,
    Objective,
    Period,
    Person,
    Reflection,
    Team,
)

FORMAT = "okrtui-team/1"
HEADER = json.dumps({"format": FORMAT}, sort_keys=True) + "\n"
MAX_BYTES = 256 * 1024 * 1024

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


def record_from_mapping(kind: str, mapping: Any) -> Record:
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
