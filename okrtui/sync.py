"""The team file (okrtui-team/1): merge everyone's shared records, serverless.

One JSON object per line after a header, sorted by (type, id), keys sorted, so the
same data always gives the same bytes. For one (type, id) the record with the later
`updated_at` wins; a tie goes to the larger canonical JSON text, so every side picks
the same winner whatever the order of syncs. Tombstones (`deleted`) are records too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, cast, get_args

from sqlalchemy import Table, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from okrtui import cycle, schema
from okrtui.errors import OkrError
from okrtui.model import (
    CheckIn,
    Comment,
    Decision,
    Dependency,
    KeyResult,
    Objective,
    Period,
    Person,
    Reflection,
    Team,
)
from okrtui.store import PLACEHOLDER_STAMP, identity, writing
from okrtui.text import count

FORMAT = "okrtui-team/1"
HEADER = json.dumps({"format": FORMAT}, sort_keys=True) + "\n"
MAX_BYTES = 256 * 1024 * 1024
LOCK_TIMEOUT_S = 60
# Apply order: what a record refers to comes before it.
TYPES: dict[str, type[SQLModel]] = {
    "person": Person, "team": Team, "period": Period, "objective": Objective,
    "key_result": KeyResult, "check_in": CheckIn, "dependency": Dependency,
    "comment": Comment, "decision": Decision, "reflection": Reflection,
}
TYPE_OF = {model: name for name, model in TYPES.items()}
# Links that must resolve for a row to be stored (the rest are soft references).
PARENT = {"objective": ("period_id", "period"), "key_result": ("objective_id", "objective"),
          "check_in": ("kr_id", "key_result"), "reflection": ("period_id", "period")}
SHARED_OWNERSHIP = {"period"}  # a quarter is everyone's: any later version wins

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


def canonical(record: Record) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


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
    return a if canonical(a) >= canonical(b) else b


def _record_from_mapping(kind: str, mapping: Any) -> Record:
    record: dict[str, Any] = {"type": kind}
    for name, (base, _, _) in FIELDS[kind].items():
        value = mapping[name]
        if value is not None:
            if base is dt.date:
                value = value.isoformat()
            elif base is float:
                value = float(value)
        record[name] = value
    return record


def to_values(record: Record) -> dict[str, Any]:
    """Model keyword arguments from a validated record."""
    values = {}
    for name, (base, _, _) in FIELDS[record["type"]].items():
        if name in record:
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
        if name in FIELDS[kind]:
            out[name] = value.isoformat() if isinstance(value, dt.date) else \
                str(value) if isinstance(value, StrEnum) else value
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


def _reject_constant(token: str) -> None:
    raise ValueError(f"{token} is not allowed")


def read(path: Path, progress: Callable[[int, int], None] | None = None) -> TeamFile:
    """Read and check the whole file, streaming; any bad line refuses the whole file."""
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
            for lineno, line in enumerate(handle, 1):
                done += len(line)
                if progress is not None and lineno % 20_000 == 0:
                    progress(done, size)
                where = f"{path.name}:{lineno}"
                if not line.endswith(b"\n"):
                    raise TeamFileError(f"{where}: the file ends in the middle of a line (truncated?)")
                try:
                    data = json.loads(line.decode("utf-8"), parse_constant=_reject_constant)
                except (UnicodeDecodeError, ValueError) as err:
                    raise TeamFileError(f"{where}: not valid JSON ({err})") from None
                if lineno == 1:
                    _check_header(data, where)
                    continue
                try:
                    record = validate(data)
                except schema.Invalid as err:
                    out.warnings.append(f"{where}: skipped {describe(data)}: {err}")
                    bad = bad_key(data)
                    if bad is not None:
                        out.bad[bad] = data
                    continue
                key = (record["type"], record["id"])
                have = out.records.get(key)
                out.records[key] = record if have is None else newer(have, record)
    except OSError as err:
        raise TeamFileError(f"cannot read team file {path}: {err.strerror}") from None
    if size and done == 0:
        raise TeamFileError(f"team file {path} is empty")
    return out


def _check_header(data: Any, where: str) -> None:
    fmt = data.get("format") if isinstance(data, dict) else None
    if fmt == FORMAT:
        return
    if isinstance(fmt, str) and fmt.startswith("okrtui-team/"):
        raise TeamFileError(f"{where}: this team file is {fmt}, written by a newer okrtui; "
                            f"this one reads {FORMAT}. Upgrade okrtui")
    raise TeamFileError(f"{where}: not an okrtui team file (expected a header with format {FORMAT!r})")


def lines(records: dict[Key, Record]) -> Iterator[bytes]:
    yield HEADER.encode()
    for key in sorted(records):
        yield (canonical(records[key]) + "\n").encode("utf-8")


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
    out = {}
    for key, record in records.items():
        kind, ident = key
        if ident in private and kind in ("objective", "key_result", "check_in"):
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
    warnings: list[str] = field(default_factory=list)  # one line per skipped record, and identity clashes

    def summary(self) -> str:
        state = "updated" if self.file_changed else "unchanged"
        extra = f", {self.skipped} skipped" if self.skipped else ""
        if self.refused:
            extra += f", {self.refused} refused (changes to your records made by others)"
        return (f"synced {self.path}: {self.sent} out, {self.received} in{extra}; "
                f"team file {state} ({count(self.total, 'record')})")


def _may_write(kind: str, record: dict[str, Any], merged: dict[Key, Record],
               local: dict[Key, Record]) -> str | None:
    """Why a check-in's maker may not record on its KR, or None (spec: "Identity and trust")."""
    if kind != "check_in":
        return None
    kr = merged.get(("key_result", record["kr_id"])) or local.get(("key_result", record["kr_id"]))
    if kr is None or record["origin"] in (kr["origin"], kr.get("owner_id")):
        return None
    return (f"{record['origin']} may not check in on {kr['id']} (made by {kr['origin']}, "
            f"owned by {kr.get('owner_id') or 'nobody'})")


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
          result: SyncResult) -> None:
    """Bring the merged records into the database, under the ownership rules (bulk, through Core)."""
    conn = session.connection()
    known = {kind: {i for (k, i) in local if k == kind} for kind in TYPES}
    by_kind: dict[str, list[dict[str, Any]]] = {kind: [] for kind in TYPES}
    for key, record in merged.items():
        by_kind[key[0]].append(record)

    def skip(record: dict[str, Any], why: str) -> None:
        result.skipped += 1
        result.warnings.append(f"skipped {record['type']} {record['id']!r}: {why}")

    for kind, model in TYPES.items():
        table = table_of(model)
        new_rows = []
        for record in sorted(by_kind[kind], key=lambda r: r["id"]):
            mine = local.get((kind, record["id"]))
            if mine is not None and (mine == record or newer(mine, record) is mine):
                continue
            denied = _may_write(kind, record, merged, local) or cycle.refusal(
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
                    result.warnings.append(clash)
                    continue
            self_record = kind == "person" and record["origin"] == record["id"]
            if mine["origin"] == me and record["origin"] != me and kind not in SHARED_OWNERSHIP \
                    and not self_record:  # a teammate's own record replaces our placeholder of them
                result.refused += 1  # only the same person (from another machine) may change it
                continue
            values = to_values(record)
            conn.execute(update(table).where(table.c.id == record["id"]).values(
                **{k: v for k, v in values.items() if k != "id"}))
            result.received += 1
        for i in range(0, len(new_rows), 5_000):
            conn.execute(insert(table), _with_defaults(model, new_rows[i:i + 5_000]))
        result.received += len(new_rows)


def _with_defaults(model: type[SQLModel], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Core inserts need every column: optional fields a record left out get the model's default."""
    defaults = {name: info.get_default(call_default_factory=True)
                for name, info in model.model_fields.items() if not info.is_required()}
    return [{**defaults, **row} for row in rows]


def sync(engine: Engine, path: Path, progress: Callable[[int, int], None] | None = None,
         lock_timeout: float = LOCK_TIMEOUT_S) -> SyncResult:
    """Lock, read, merge, write (temp + fsync + rename), then take the others' records in."""
    from filelock import FileLock, Timeout

    path = Path(path)
    if not path.parent.is_dir():
        raise OkrError(f"team file folder {path.parent} does not exist")
    result = SyncResult(path)
    try:
        with FileLock(f"{path}.lock", timeout=lock_timeout):
            team = read(path, progress)
            with writing(engine) as session:
                me = identity(session).id
                local = local_records(session)
                shared = shared_records(local)
                merged = merge(team.records, shared)
                kept_bad = {key: rec for key, rec in team.bad.items() if key not in merged}
                result.total = len(merged) + len(kept_bad)
                result.warnings.extend(team.warnings)
                result.skipped += len(team.warnings)
                result.sent = sum(1 for key, rec in shared.items()
                                  if merged[key] is rec and team.records.get(key) != rec)
                changed = not team.exists or len(merged) != len(team.records) or len(kept_bad) != len(
                    team.bad) or any(merged[key] is not rec for key, rec in team.records.items())
                if changed:
                    _write(path, {**kept_bad, **merged})
                result.file_changed = changed
                apply(session, merged, local, me, result)
    except Timeout:
        raise SyncProblem(f"team file {path} is locked by another sync for over {lock_timeout:g} s; "
                          "try again") from None
    return result


def _write(path: Path, merged: dict[Key, Record]) -> None:
    from okrtui.files import write_atomic

    write_atomic(path, lines(merged))


def merge_files(ours: Path, theirs: Path) -> int:
    """git merge driver: the union of both sides under the merge rule, written to OURS."""
    from okrtui.files import write_atomic

    for side in (ours, theirs):
        if not side.is_file():
            raise OkrError(f"merge-driver: no such file: {side}")
    sides = read(ours), read(theirs)
    merged = merge(sides[0].records, sides[1].records)
    bad = {key: rec for side in sides for key, rec in side.bad.items() if key not in merged}
    write_atomic(ours, list(lines({**bad, **merged})))
    return len(merged)
