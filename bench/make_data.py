"""Benchmark data: a company's OKRs in one quarter, bulk-inserted, and team files.

N KRs in objectives of three KRs each, owned by N/30 people in teams of ten;
13 weekly check-ins per KR. The local user ("p-lead") owns one person's share,
everything else came from the team (other origins), as in a real company
database.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from sqlalchemy import insert

from okrtui.method import periods
from okrtui.storage.backend import open_engine
from okrtui.storage.model import CheckIn, KeyResult, Meta, Objective, Period, Person, Team
from okrtui.storage.store import reading

TODAY = dt.date(2026, 11, 26)
ME = "p-lead"
STAMP = "2026-11-20T09:00:00.000000Z"
KINDS = ("increase", "increase", "decrease", "range", "milestone")


def _base(ident: str, origin: str) -> dict:
    return {"id": ident, "origin": origin, "created_at": STAMP, "updated_at": STAMP, "deleted": False}


def make_db(path: Path, krs: int, me: str = ME, seed: int = 1, people_count: int | None = None) -> Path:
    engine = open_engine(path)
    with engine.begin() as conn:
        conn.execute(insert(Meta.__table__), [{"key": "identity", "value": me}])
        fill(conn, krs, seed, people_count)
    engine.dispose()
    return path


def fill(conn, krs: int, seed: int = 1, people_count: int | None = None) -> None:
    """The company's rows, bulk-inserted into an open connection (SQLite or PostgreSQL)."""
    rng = random.Random(seed)
    span = periods.quarter_of(TODAY)
    people = [ME] + [f"p-{i:05d}" for i in range(1, people_count or max(2, krs // 30))]
    existing = {r[0] for r in conn.execute(Person.__table__.select().with_only_columns(Person.__table__.c.id))}
    conn.execute(insert(Person.__table__), [{**_base(p, p), "name": f"Person {p[2:]}", "email": ""}
                                            for p in people if p not in existing])
    teams = [f"t-{i:04d}" for i in range(0, len(people) // 10 + 1)]
    conn.execute(insert(Team.__table__), [{**_base(t, "p-00001"), "name": f"Team {t[2:]}", "mission": "m",
                                           "vision": "v"} for t in teams])
    conn.execute(insert(Period.__table__), [{**_base(span.label, ME), "start": span.start, "end": span.end}])
    objectives, key_results, check_ins = [], [], []
    for n in range(krs // 3 + (krs % 3 > 0)):
        owner = people[n % len(people)]
        oid = f"o-{n:06d}"
        objectives.append({**_base(oid, owner), "title": f"Objective {n} of {owner}", "description": "",
                           "level": "personal", "team_id": teams[(n % len(people)) // 10], "owner_id": owner,
                           "period_id": span.label, "parent_id": None, "status": "active",
                           "visibility": "shared", "position": n})
        for k in range(3):
            if len(key_results) >= krs:
                break
            kid = f"kr-{n:06d}-{k}"
            kind = KINDS[(n + k) % len(KINDS)]
            key_results.append({**_base(kid, owner), "objective_id": oid, "title": f"Result {k} of {oid}",
                                "owner_id": owner, "kind": kind, "unit": "", "start": 0.0 if kind != "decrease" else 100.0,
                                "target": 100.0 if kind != "decrease" else 0.0, "low": 10.0, "high": 90.0,
                                "weight": 1.0, "self_score": None, "score_comment": "", "position": k})
            for w in range(13):
                check_ins.append({**_base(f"c-{n:06d}-{k}-{w:02d}", owner), "kr_id": kid,
                                  "date": span.start + dt.timedelta(days=7 * w), "value": float(rng.randint(0, 100)),
                                  "confidence": 0.5, "note": "steady", "author_id": owner})
    for table, rows in ((Objective, objectives), (KeyResult, key_results), (CheckIn, check_ins)):
        for i in range(0, len(rows), 20_000):
            conn.execute(insert(table.__table__), rows[i:i + 20_000])


def make_team_file(folder: Path, people: int, name: str) -> Path:
    """A team file of `people` people, 3 objectives x 3 KRs x 13 check-ins each, written by okrtui's sync."""
    from okrtui.exchange import sync

    source = make_db(folder / f"{name}-source.db", krs=people * 9, me="p-maker", seed=people,
                     people_count=people)
    engine = open_engine(source)
    path = folder / f"{name}.jsonl"
    sync.sync(engine, path)  # the maker's key and signatures
    with reading(engine) as session:
        records = sync.shared_records(sync.local_records(session))
    engine.dispose()
    write_signed(path, records)
    return path


def write_signed(path: Path, records: dict) -> None:
    """Every person's records signed by that person (a fixed key per id), as their own syncs would
    have: a reader takes only signed records."""
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from okrtui.core import signing
    from okrtui.core.files import write_atomic
    from okrtui.exchange import teamformat

    keys: dict[str, Ed25519PrivateKey] = {}
    for (kind, ident), rec in records.items():
        origin = rec["origin"]
        if rec.get("signature"):
            continue  # the maker's own, signed by its sync
        key = keys.setdefault(origin, Ed25519PrivateKey.from_private_bytes(hashlib.sha256(origin.encode()).digest()))
        if kind == "person" and ident == origin:
            rec["public_key"] = signing.public_text(key)
        rec["signature"] = signing.sign(key, rec)
    write_atomic(path, teamformat.lines(records))


def make_document(objectives: int = 2_000, krs_per: int = 5, weeks: int = 13, people: int = 100,
                  seed: int = 1, day: dt.date = TODAY) -> dict:
    """An okrtui/1 document as a company moving its history in would have it: 2,000 objectives,
    10,000 KRs and 130,000 check-ins by default, owned by `people` people (p-lead and p-u00001…),
    all in the quarter of `day` (the benchmark quarter by default)."""
    rng = random.Random(seed)
    span = periods.quarter_of(day)
    names = [ME] + [f"p-u{i:05d}" for i in range(1, people)]  # p-LOGIN: addable on PostgreSQL
    doc: dict = {"format": "okrtui/1",
                 "people": [{"id": p, "name": f"Person {p[2:]}", "email": f"{p[2:]}@example.com"} for p in names],
                 "teams": [{"id": f"t-{i:04d}", "name": f"Team {i}", "mission": "m", "vision": "v"}
                           for i in range(people // 10 + 1)],
                 "objectives": []}
    for n in range(objectives):
        owner = names[n % people]
        oid = f"o-{n:06d}"
        krs = []
        for k in range(krs_per):
            kind = KINDS[(n + k) % len(KINDS)]
            kr: dict = {"id": f"kr-{n:06d}-{k}", "title": f"Result {k} of {oid}", "owner": owner, "kind": kind,
                        "unit": "%", "weight": 1}
            if kind == "range":
                kr.update(low=10, high=90)
            else:
                kr.update(start=0 if kind != "decrease" else 100, target=100 if kind != "decrease" else 0)
            kr["check_ins"] = [{"id": f"c-{n:06d}-{k}-{w:02d}", "date": (span.start + dt.timedelta(days=7 * w)).isoformat(),
                                "value": rng.randint(0, 100), "confidence": 0.5, "note": "steady", "author": owner}
                               for w in range(weeks)]
            krs.append(kr)
        doc["objectives"].append({"id": oid, "title": f"Objective {n} of {owner}", "level": "team",
                                  "team": f"t-{(n % people) // 10:04d}", "owner": owner, "period": span.label,
                                  "key_results": krs})
    return doc


SHEET_COLUMNS = ["period", "objective_id", "objective", "level", "objective_owner", "kr_id", "key_result",
                 "kr_owner", "kind", "unit", "start", "target", "low", "high", "weight"]
CHECK_IN_COLUMNS = ["kr_id", "date", "value", "confidence", "note"]


def sheet_rows(doc: dict) -> tuple[list[list], list[list]]:
    """`make_document`'s data as a spreadsheet's rows (one a KR) and its check-ins' rows."""
    rows, check_ins = [], []
    for o in doc["objectives"]:
        for kr in o["key_results"]:
            rows.append([o["period"], o["id"], o["title"], o["level"], o["owner"], kr["id"], kr["title"],
                         kr["owner"], kr["kind"], kr["unit"], kr.get("start"), kr.get("target"), kr.get("low"),
                         kr.get("high"), kr["weight"]])
            check_ins += [[kr["id"], c["date"], c["value"], c["confidence"], c["note"]] for c in kr["check_ins"]]
    return rows, check_ins


def write_sheets(doc: dict, folder: Path, name: str) -> tuple[Path, Path, Path]:
    """The document as NAME.csv with NAME-check-ins.csv, and as NAME.xlsx (okrs and check_ins sheets)."""
    import csv

    from openpyxl import Workbook

    rows, check_ins = sheet_rows(doc)
    okrs, checks, book = folder / f"{name}.csv", folder / f"{name}-check-ins.csv", folder / f"{name}.xlsx"
    for path, header, body in ((okrs, SHEET_COLUMNS, rows), (checks, CHECK_IN_COLUMNS, check_ins)):
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(body)
    wb = Workbook()  # not write_only: shared strings, as Excel writes them (inline strings parse 3x slower)
    wb.remove(wb.active)
    for title, header, body in (("okrs", SHEET_COLUMNS, rows), ("check_ins", CHECK_IN_COLUMNS, check_ins)):
        ws = wb.create_sheet(title)
        ws.append(header)
        for r in body:
            ws.append(r)
    wb.save(book)
    return okrs, checks, book
