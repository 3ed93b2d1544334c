"""Whose key is whose: the keys a database trusts, the keys a lead pins beside the team file, and
the first trust of a newcomer (docs/team.md, "Keys and fingerprints").

A key is trusted for a person in one of three ways, recorded with the day it happened:
`first sync` (the team file agreed with itself about it), `pinned` (it matched the team's pins
file, `<team file>.keys`) or `trusted by hand` (`okrtui keys trust PERSON FINGERPRINT`). Once
trusted, a key is never given up by a sync: another key for that person is an identity clash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlmodel
from sqlalchemy import select
from sqlmodel import Session

from okrtui.core import signing
from okrtui.core.errors import OkrError
from okrtui.core.files import write_atomic
from okrtui.core.text import count, plain
from okrtui.storage.model import Meta, Person
from okrtui.storage.store import get_meta, my_id, set_meta

Record = dict[str, Any]
FIRST_SYNC, PINNED, BY_HAND = "first sync", "pinned", "trusted by hand"
_SEEN, _TRUST = "key-seen:", "key-trust:"
PINS_HEADER = ("# okrtui team keys (docs/team.md, \"Pinning the team's keys\"): person id, fingerprint, name.\n"
               "# Written by `okrtui keys pin`; each person can check theirs with `okrtui whoami`.\n")


def pins_path(team_file: Path) -> Path:
    return team_file.with_name(team_file.name + ".keys")


def read_pins(path: Path) -> tuple[dict[str, str], list[str]]:
    """person id → fingerprint from a pins file (absent: none), and a warning per line it cannot read."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as err:
        return {}, [f"cannot read the pinned keys {path.name}: {getattr(err, 'strerror', None) or err}; "
                    "nothing pinned is checked"]
    pins: dict[str, str] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split(maxsplit=2)
        fpr = signing.parse_fingerprint(parts[1]) if len(parts) >= 2 else None
        if fpr is None or not parts[0].startswith("p-") or len(parts[0]) > 64:
            problems.append(f"{path.name}:{number}: not 'PERSON FINGERPRINT [name]': {line[:80]!r}; skipped")
            continue
        pins[parts[0]] = fpr
    return pins, problems


def write_pins(path: Path, people: Iterable[tuple[str, str, str]]) -> int:
    """The pins file for (person id, public key, name) triples, sorted, written atomically."""
    rows = sorted((pid, signing.fingerprint(public), name) for pid, public, name in people)
    body = "".join(f"{pid}  {fpr}  {plain(name)}\n" for pid, fpr, name in rows)
    write_atomic(path, (PINS_HEADER + body).encode("utf-8"))
    return len(rows)


# --- what this database trusts --------------------------------------------------------------------

def _meta(session: Session, prefix: str) -> dict[str, str]:
    column = Meta.__table__.c  # type: ignore[attr-defined]  # set by SQLModel for table=True
    rows = session.connection().execute(select(column.key, column.value).where(column.key.startswith(prefix)))
    return {key.removeprefix(prefix): value for key, value in rows}


def hand_trusted(session: Session) -> dict[str, str]:
    return _meta(session, _TRUST)


def remember(session: Session, person_id: str, source: str, stamp: str) -> None:
    if get_meta(session, _SEEN + person_id) is None:
        set_meta(session, _SEEN + person_id, f"{stamp} {source}")


def trust(session: Session, person_id: str, text: str, stamp: str) -> str:
    """`okrtui keys trust`: from now on PERSON's key is the one with this fingerprint. A different
    key this database held for them is dropped; the next sync takes the matching one from the file."""
    if person_id == my_id(session):
        raise OkrError(f"{person_id} is you: your own key is the one in your key file (`okrtui whoami` shows it)")
    fpr = signing.parse_fingerprint(text)
    if fpr is None:
        raise OkrError(f"{text[:40]!r} is not a fingerprint: 16 letters and digits, as `okrtui whoami` "
                       "shows it (XXXX-XXXX-XXXX-XXXX)")
    person = session.get(Person, person_id)
    set_meta(session, _TRUST + person_id, fpr)
    set_meta(session, _SEEN + person_id, f"{stamp} {BY_HAND}")
    if person is not None and person.public_key and signing.fingerprint(person.public_key) != fpr:
        dropped = signing.fingerprint(person.public_key)
        person.public_key = ""  # the next sync takes the key with this fingerprint from the file
        session.add(person)
        return f"now trusting {fpr} for {person_id} (the key held before, {dropped}, is dropped); run `okrtui sync`"
    return f"now trusting {fpr} for {person_id}; run `okrtui sync`"


@dataclass
class KeyRow:
    person_id: str
    name: str
    fingerprint: str
    seen: str  # the day it was first trusted, or "-" (before okrtui recorded it)
    source: str
    public_key: str  # empty: trusted by hand, not met yet


def listing(session: Session, pins: dict[str, str]) -> list[KeyRow]:
    """Every person this database holds a key for, or means to trust by hand."""
    seen, hand = _meta(session, _SEEN), _meta(session, _TRUST)
    rows = []
    for person in session.exec(sqlmodel.select(Person).order_by(Person.id)):
        fpr = signing.fingerprint(person.public_key) if person.public_key else hand.get(person.id)
        if not fpr:
            continue
        stamp, _, source = seen.get(person.id, "- before okrtui recorded it").partition(" ")
        if not person.public_key:
            source = f"{BY_HAND}, not seen in the team file yet"
        elif pins.get(person.id) and pins[person.id] != fpr:
            source += f"; CONTRADICTS the pinned {pins[person.id]}"
        rows.append(KeyRow(person.id, person.name, fpr, stamp[:10], source, person.public_key or ""))
    return rows


# --- a sync's decision --------------------------------------------------------------------------

@dataclass
class Decision:
    keys: dict[str, str]  # person id → the public key their records must verify under
    new: dict[str, str] = field(default_factory=dict)  # person id → how a key came to be trusted now
    disputed: set[str] = field(default_factory=set)  # people whose records are all refused this sync
    verified: set[int] = field(default_factory=set)  # id() of records already verified under keys[origin]
    problems: list[tuple[Any, str]] = field(default_factory=list)


def decide(known: dict[str, str], versions: dict[str, list[Record]], by_origin: dict[str, list[Record]],
           pins: dict[str, str], hand: dict[str, str], name: Any) -> Decision:
    """The key each origin's records must verify under.

    `known`: the keys this database trusts; `versions`: every person line of the file by person id
    (duplicates included); `by_origin`: the file's records (not held here yet) by their origin.
    A person not known yet gets the key their own person record offers when it self-verifies, matches
    a pin or a hand trust if there is one, and signs every signed record of theirs in the file;
    when the file offers two keys, or one that does not sign their other records, neither is trusted."""
    out = Decision(dict(known))
    for pid in sorted(set(versions) | set(by_origin)):
        if pid in known:
            pin = pins.get(pid)
            if pin and pin != signing.fingerprint(known[pid]):
                out.problems.append((f"pin {pid} {pin}", f"the pinned key for {name(pid)} ({pid}) is {pin}, but this "
                                     f"database trusts {signing.fingerprint(known[pid])}; kept the one trusted. If the "
                                     f"pin is right, run `okrtui keys trust {pid} {pin}`"))
            continue
        offered = sorted({rec["public_key"] for rec in versions.get(pid, []) if rec["origin"] == pid
                          and rec.get("public_key") and signing.verifies(rec["public_key"], rec)})
        anchor, source = (hand[pid], BY_HAND) if pid in hand else (pins[pid], PINNED) if pid in pins else (None, "")
        if anchor is not None:
            match = [key for key in offered if signing.fingerprint(key) == anchor]
            if match:
                out.keys[pid], out.new[pid] = match[0], source
            elif offered:
                out.disputed.add(pid)
                out.problems.append((f"anchor {pid} {anchor} {offered}", (
                    f"{name(pid)} ({pid}) is {source} as {anchor}, but the team file offers "
                    f"{_fingerprints(offered)}: refused, with every record of theirs")))
            continue
        if len(offered) > 1:
            out.disputed.add(pid)
            out.problems.append((f"two keys {pid} {offered}", (
                f"the team file holds two keys for {name(pid)} ({pid}): {_fingerprints(offered)}; trusting neither, "
                f"and none of their records were taken in. {_settle(name(pid), pid)}")))
        elif offered:
            signed = [rec for rec in by_origin.get(pid, []) if rec.get("signature")]
            good = {id(rec) for rec in signed if signing.verifies(offered[0], rec)}
            not_its = len(signed) - len(good)
            if not_its:
                out.disputed.add(pid)
                out.problems.append((f"disputed {pid} {offered}", (
                    f"the team file disagrees about {name(pid)}'s ({pid}) key: their person record offers "
                    f"{signing.fingerprint(offered[0])}, which does not sign {count(not_its, 'record')} "
                    f"of theirs (signed by another key); trusting neither, and none of their records were taken "
                    f"in. {_settle(name(pid), pid)}")))
            else:
                out.keys[pid], out.new[pid] = offered[0], FIRST_SYNC
                out.verified |= good  # not verified twice: a newcomer's first sync verifies every record
    return out


def _fingerprints(keys: list[str]) -> str:
    return " and ".join(signing.fingerprint(key) for key in keys)


def _settle(who: str, pid: str) -> str:
    return (f"Ask {who} for the fingerprint `okrtui whoami` shows, then run "
            f"`okrtui keys trust {pid} FINGERPRINT` and sync again")
