"""Moving a SQLite database's records into a shared PostgreSQL database (docs/postgres.md, moving in).

An export marks each record someone else made with its `origin` (a teammate's, come in by sync). On a
shared database every record is its maker's to bring: the importer's own records keep their ids, the
marked ones are left out (the database refuses another's origin), and the import says so plainly.
People are logins the database's owner adds: a person the database lacks is left out when no record
names them, else the import is refused before writing, naming whom to add.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from okrtui.core.errors import OkrError
from okrtui.core.text import count
from okrtui.rules.schema import Invalid
from okrtui.storage.model import KeyResult, Objective, Period, Person, Team

if TYPE_CHECKING:
    from sqlmodel import Session

    from okrtui.exchange.document import Document


def marked_origins(data: Any) -> dict[str, str]:
    """id -> origin of every record the raw document marks as made by someone (validated later)."""
    marks: dict[str, str] = {}

    def mark(row: Any) -> None:
        if isinstance(row, dict) and isinstance(row.get("origin"), str) and isinstance(row.get("id"), str):
            marks[row["id"]] = row["origin"]

    if not isinstance(data, dict):
        return marks
    for key in ("teams", "periods", "dependencies"):
        for row in data.get(key) or []:
            mark(row)
    for o in data.get("objectives") or []:
        mark(o)
        for k in (o.get("key_results") or []) if isinstance(o, dict) else []:
            mark(k)
            for c in (k.get("check_ins") or []) if isinstance(k, dict) else []:
                mark(c)
    return marks


def leave_out_others(session: Session, doc: Document, marks: dict[str, str], me: str) -> list[str]:
    """Drop from `doc` the records others made, and those of mine that hang on one of them the
    database does not have yet (a KR in their objective, a check-in on their KR). Returns the note."""
    by: Counter[str] = Counter()
    hanging = 0

    def foreign(values: dict[str, Any]) -> bool:
        origin = marks.get(values["id"])
        if origin is not None and origin != me:
            by[origin] += 1
            return True
        return False

    doc.teams = [t for t in doc.teams if not foreign(t)]
    # A period someone else made is left out only when the database has it: objectives need their period.
    doc.periods = [p for p in doc.periods
                   if not (marks.get(p["id"], me) != me and session.get(Period, p["id"]) is not None)]
    gone_objectives = {o["id"] for o in doc.objectives if foreign(o)}
    doc.objectives = [o for o in doc.objectives if o["id"] not in gone_objectives]
    kept_krs, gone_krs = [], set()
    for k in doc.key_results:
        if foreign(k):
            gone_krs.add(k["id"])
        elif k["objective_id"] in gone_objectives and session.get(Objective, k["objective_id"]) is None:
            gone_krs.add(k["id"])
            hanging += 1
        else:
            kept_krs.append(k)
    doc.key_results = kept_krs
    kept_check_ins = []
    for c in doc.check_ins:
        if foreign(c):
            continue
        if c["kr_id"] in gone_krs and session.get(KeyResult, c["kr_id"]) is None:
            hanging += 1
            continue
        kept_check_ins.append(c)
    doc.check_ins = kept_check_ins
    doc.dependencies = [d for d in doc.dependencies if not foreign(d)]
    if not by:
        return []
    names = {p["id"]: p["name"] for p in doc.people}
    who = ", ".join(f"{_label(pid, names.get(pid, ''))}: {n}" for pid, n in by.most_common(10))
    mine = f", and {count(hanging, 'record')} of yours on theirs, which this database does not have yet" \
        if hanging else ""
    return [f"left out {count(sum(by.values()), 'record')} made by others ({who}){mine}: "
            "each person imports their own export"]


def refuse_teams_led_elsewhere(session: Session, doc: Document, marks: dict[str, str], me: str) -> None:
    """A team someone made on the shared database before my move-in named it must not lead my
    objectives: when my document says another person leads a team my objectives name, the import is
    refused before writing, naming both (docs/postgres.md, moving in)."""
    mine_name = {o["team_id"] for o in doc.objectives if o.get("team_id") and marks.get(o["id"], me) == me}
    names = {p["id"]: p["name"] for p in doc.people}
    for team in doc.teams:
        stored = session.get(Team, team["id"])
        if team["id"] not in mine_name or stored is None or stored.deleted:
            continue
        said = team.get("lead_id") or marks.get(team["id"], me)
        leads = stored.lead_id or stored.origin
        if said != leads:
            stored_lead = session.get(Person, leads)
            raise OkrError(
                f"team {team['id']} on this database is led by {_label(leads, stored_lead.name if stored_lead else '')}, "
                f"but your document says {_label(said, names.get(said, ''))} leads it; nothing was imported. "
                f"If that is right, set the team's lead in the document to {leads} and import again; "
                "if not, ask the database's owner who made it")


def shared_people(session: Session, doc: Document, me: str) -> list[str]:
    """The document's people on a shared database. The importer's own entry (their SQLite identity,
    adopted by `admin add-person --adopt`) updates them, but keeps the name and email the DBA gave;
    people the database has stay as they are; a
    person it lacks is left out when no record names them, else the import is refused before writing."""
    named = ({o["owner_id"] for o in doc.objectives} | {k["owner_id"] for k in doc.key_results}
             | {c["author_id"] for c in doc.check_ins} | {r["person_id"] for r in doc.reflections})
    kept, missing, unnamed = [], [], []
    for person in doc.people:
        stored = session.get(Person, person["id"])
        if person["id"] == me and stored is not None:
            # The DBA named the login (`admin add-person --name "Erin Park"`): the SQLite export's
            # name for it ("root", the shell's user) does not replace that.
            person = {**person, **{k: getattr(stored, k) for k in ("name", "email") if getattr(stored, k)}}
        if person["id"] == me or stored is not None:
            kept.append(person)
        elif person["id"] in named:
            missing.append(person)
        else:
            unnamed.append(person)
    if missing:
        raise OkrError(f"the document names {count(len(missing), 'person', 'people')} this database does not "
                       f"have: {_list(missing)}; nothing was imported. The database's owner adds each first: "
                       "okrtui admin add-person LOGIN --name NAME --adopt ID (docs/postgres.md, moving in)")
    doc.people = kept
    if not unnamed:
        return []
    return [f"left out {count(len(unnamed), 'person', 'people')} this database does not have and no record "
            f"names: {_list(unnamed)}"]


def whom_to_add(err: Invalid) -> Invalid:
    """A reference to a person the document does not list either: on a shared database, say who adds them."""
    if not err.message.startswith("unknown person "):
        return err
    pid = err.message.removeprefix("unknown person ").strip("'")
    return Invalid(err.path, f"{err.message}, not in this database; nothing was imported. The database's owner "
                             f"adds them first: okrtui admin add-person LOGIN --name NAME --adopt {pid}")


def _list(people: list[dict[str, Any]]) -> str:
    shown = ", ".join(_label(p["id"], p["name"]) for p in people[:10])
    return shown + (" …" if len(people) > 10 else "")


def _label(pid: str, name: str) -> str:
    return f"{name} ({pid})" if name else pid

