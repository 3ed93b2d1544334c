"""The batched import (okrtui/storage/bulk.py) against the record-by-record upsert it replaced.

`import_by_record` below is the old write phase, kept as the reference: one `session.get`
and one ORM upsert per record. Random documents (updates of existing ids, repeats, a
teammate's own person record, deleted rows, bad records) go through both paths on copies
of one database; the rows, the counts and the refusals must be the same.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from okrtui.core.errors import OkrError
from okrtui.exchange import interchange
from okrtui.exchange.interchange import ImportResult, _parents_first, validate
from okrtui.method import periods
from okrtui.storage import bulk
from okrtui.storage.backend import open_engine
from okrtui.storage.model import CheckIn, Dependency, KeyResult, Objective, Period, Person, Reflection, Team
from okrtui.storage.store import identity, touch, writing

TABLES = ("person", "team", "period", "objective", "key_result", "check_in", "dependency", "reflection")


def import_by_record(engine: Any, data: Any, fy_month: int = 1, today: Any = None) -> ImportResult:
    """The write phase as it was before okrtui/storage/bulk.py: the reference the batched path must match."""
    result = ImportResult()
    with writing(engine) as session:
        doc = validate(data, session, fy_month)
        me = identity(session).id
        interchange._owner_histories(session, doc, today)  # a new owner recorded, as the batched path does
        interchange._refuse_others_records(session, doc, me)  # the trust rule, checked before writing

        def upsert(model: type, values: dict[str, Any]) -> None:
            row = session.get(model, values["id"])
            if row is not None and row.origin and row.origin != me:  # someone else's stays theirs
                result.theirs[row.origin] = result.theirs.get(row.origin, 0) + 1
                return
            if row is None:
                session.add(model(**values, origin=me))
                result.created += 1
            elif touch(row, **values, origin=me, deleted=False):
                result.updated += 1
            else:
                result.unchanged += 1

        for values in doc.people:
            upsert(Person, values)
        for values in doc.teams:
            upsert(Team, values)
        for values in doc.periods:
            upsert(Period, values)
        for label in sorted({o["period_id"] for o in doc.objectives} | {r["period_id"] for r in doc.reflections}):
            if periods.is_quarter_label(label) and session.get(Period, label) is None:
                span = periods.quarter(label, fy_month)
                session.add(Period(id=label, start=span.start, end=span.end, origin=me))
        session.flush()
        for values in _parents_first(doc.objectives):
            upsert(Objective, values)
            session.flush()
        for values in doc.key_results:
            upsert(KeyResult, values)
        session.flush()
        for values in doc.check_ins:
            upsert(CheckIn, values)
        session.flush()
        for values in doc.dependencies:
            upsert(Dependency, values)
        for values in doc.reflections:
            upsert(Reflection, {**values, "person_id": values["person_id"] or me})
    return result


def rows(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return {t: {r["id"]: dict(r) for r in conn.execute(f"SELECT * FROM {t}")} for t in TABLES}
    finally:
        conn.close()


def changes(before: dict, after: dict) -> dict:
    """The rows after an import, each stamp replaced by whether the import set it (times differ by run)."""
    out: dict = {}
    for table, by_id in after.items():
        for ident, row in by_id.items():
            old = before[table].get(ident)
            shown = dict(row)
            for stamp in ("created_at", "updated_at"):
                shown[stamp] = "kept" if old is not None and old[stamp] == row[stamp] else "set"
            out[(table, ident)] = shown
    return out


# Later than every date the random documents hold (with `today`, an import refuses what is dated after it).
OWNER_DAY = __import__("datetime").date(2098, 1, 1)


def run(path: Path, import_fn: Any, data: Any) -> tuple[str, dict]:
    before = rows(path)
    engine = open_engine(path)
    try:
        result = import_fn(engine, data, today=OWNER_DAY)  # a change of owner is recorded on this day, not the clock's
        outcome = f"{result}; someone else's, left: {sorted(result.theirs.items())}"
    except OkrError as err:
        outcome = f"refused: {err}"
    finally:
        engine.dispose()
    return outcome, changes(before, rows(path))


# --- random documents over a small pool of ids, so that imports meet each other's rows ------------

PEOPLE = ["p-ann", "p-bo", "p-mate"]  # p-mate has a record of their own in the database
OBJECTIVES = ["o-1", "o-2", "o-3", "o-old"]  # o-old is stored, deleted
KRS = ["k-1", "k-2", "k-3", "k-4", "k-5"]
CHECK_INS = [f"c-{i}" for i in range(1, 9)]
PERIOD_LABELS = ["2026-Q4", "2026-Q3", "h2"]


@st.composite
def documents(draw: st.DrawFn) -> dict:
    names = st.sampled_from(["Ann", "Bo", "Mate", "x"])
    doc: dict = {"format": "okrtui/1"}
    doc["people"] = [{"id": p, "name": draw(names), "email": draw(st.sampled_from(["", "a@b.example"]))}
                     for p in draw(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=3))]
    doc["teams"] = [{"id": t, "name": draw(names), "mission": draw(st.sampled_from(["", "m"]))}
                    for t in draw(st.lists(st.sampled_from(["t-1", "t-2"]), unique=True, max_size=2))]
    doc["periods"] = [{"id": "h2", "start": "2026-07-01", "end": draw(st.sampled_from(["2026-12-31", "2027-01-31"]))}
                      ] if draw(st.booleans()) else []
    # References mostly resolve (to the document or to stored rows); a bad one now and then is refused.
    owners = st.sampled_from([None, "p-ann", "p-mate", *(p["id"] for p in doc["people"])])
    teams = st.sampled_from([None, *(t["id"] for t in doc["teams"])])
    labels = st.sampled_from(PERIOD_LABELS if doc["periods"] else PERIOD_LABELS[:2])
    oids = draw(st.lists(st.sampled_from(OBJECTIVES), unique=True, max_size=4))
    parents = st.sampled_from([None, None, "o-old", *oids])
    kr_pool = draw(st.permutations(KRS))
    ci_pool = draw(st.permutations(CHECK_INS))
    objectives = []
    for oid in oids:
        krs = []
        for _ in range(draw(st.integers(0, 2))):
            if not kr_pool:
                break
            kid = kr_pool.pop()
            kind = draw(st.sampled_from(["increase", "milestone"]))
            kr: dict = {"id": kid, "title": draw(st.sampled_from(["R", "S"])), "kind": kind, "owner": draw(owners)}
            if kind == "increase":
                kr.update(start=draw(st.sampled_from([0, 1])), target=draw(st.sampled_from([5, 10.5])))
            kr["check_ins"] = []
            for _ in range(draw(st.integers(0, 2))):
                if not ci_pool:
                    break
                kr["check_ins"].append({"id": ci_pool.pop(), "date": draw(st.sampled_from(["2026-10-05", "2026-11-02"])),
                                        "value": draw(st.sampled_from([0, 1, 3.5])),
                                        "confidence": draw(st.sampled_from([None, 0.5])),
                                        "note": draw(st.sampled_from(["", "ok"])), "author": draw(owners)})
            krs.append(kr)
        objectives.append({"id": oid, "title": draw(st.sampled_from(["Grow", "Ship"])),
                           "period": draw(labels), "owner": draw(owners), "team": draw(teams),
                           "parent": draw(parents),
                           "status": draw(st.sampled_from(["active", "draft"])), "key_results": krs})
    doc["objectives"] = objectives
    kr_ids = [k["id"] for o in objectives for k in o["key_results"]]
    doc["dependencies"] = [{"id": "d-1", "from": draw(st.sampled_from(["k-5", *kr_ids])),
                            "to": draw(st.sampled_from(["o-old", *oids])),
                            "note": draw(st.sampled_from(["", "n"]))}] if draw(st.booleans()) else []
    doc["reflections"] = [{"id": "r-1", "person": draw(st.sampled_from([None, "p-ann"])), "period": "2026-Q4",
                           "question": "What did we learn?", "answer": draw(st.sampled_from(["", "a"]))}
                          ] if draw(st.booleans()) else []
    if objectives and draw(st.integers(0, 5)) == 0:  # now and then a bad record: nothing may be written
        field, bad = draw(st.sampled_from([("title", ""), ("title", 7), ("owner", "p-nobody"), ("parent", "o-nope")]))
        objectives[-1][field] = bad
    return doc


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with an identity, a teammate's own person record and a deleted objective."""
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    engine = open_engine(path)
    import_by_record(engine, {"format": "okrtui/1", "people": [{"id": "p-ann", "name": "Ann"}],
                              "objectives": [{"id": "o-old", "title": "Old", "period": "2026-Q3",
                                              "key_results": [{"id": "k-5", "title": "Old KR", "kind": "milestone"}]}]})
    engine.dispose()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO person (id, origin, created_at, updated_at, deleted, name, email) "
                     "VALUES ('p-mate', 'p-mate', '2026-01-01T00:00:00.000000Z', "
                     "'2026-01-01T00:00:00.000000Z', 0, 'Mate', 'mate@example.com')")
        conn.execute("UPDATE objective SET deleted = 1 WHERE id = 'o-old'")
    conn.close()
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(documents(), min_size=1, max_size=3))
def test_batched_import_writes_what_the_record_by_record_import_wrote(seeded, docs):
    with tempfile.TemporaryDirectory() as folder:
        batched, reference = Path(folder) / "batched.db", Path(folder) / "reference.db"
        shutil.copy(seeded, batched)
        shutil.copy(seeded, reference)
        for doc in docs:  # one after another: later documents update, repeat or undelete earlier rows
            got = run(batched, interchange.import_document, doc)
            want = run(reference, import_by_record, doc)
            assert got == want
            if got[0].startswith("refused"):
                assert all(row["created_at"] == row["updated_at"] == "kept" for row in got[1].values())


def test_a_repeated_import_is_unchanged_and_an_edit_updates_only_that_row(engine):
    doc = {"format": "okrtui/1", "objectives": [
        {"id": "o-1", "title": "Grow", "period": "2026-Q4",
         "key_results": [{"id": f"k-{i}", "title": "R", "kind": "milestone",
                          "check_ins": [{"id": f"c-{i}-{w}", "date": f"2026-10-0{5 + w}", "value": w % 2}
                                        for w in range(3)]}
                         for i in range(2_000)]}]}
    assert str(interchange.import_document(engine, doc)) == "8001 created, 0 updated, 0 unchanged"
    assert str(interchange.import_document(engine, doc)) == "0 created, 0 updated, 8001 unchanged"
    doc["objectives"][0]["key_results"][1_500]["check_ins"][2]["value"] = 1
    assert str(interchange.import_document(engine, doc)) == "0 created, 1 updated, 8000 unchanged"


def test_a_failure_while_writing_leaves_nothing_written(engine, db, monkeypatch):
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-1", "title": "Grow", "period": "2026-Q4",
                                                 "key_results": [{"id": "k-1", "title": "R", "kind": "milestone"}]}]}
    before = rows(db)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OkrError("the disk is full")

    original = bulk.insert_rows
    monkeypatch.setattr(bulk, "insert_rows", lambda conn, model, new, step=None, fill=None:
                        broken() if model is KeyResult else original(conn, model, new, step, fill))
    with pytest.raises(OkrError, match="disk is full"):
        interchange.import_document(engine, doc)
    assert rows(db) == before


def test_progress_is_reported_per_batch_up_to_the_whole(engine):
    doc = {"format": "okrtui/1", "objectives": [
        {"id": "o-1", "title": "Grow", "period": "2026-Q4",
         "key_results": [{"id": f"k-{i}", "title": "R", "kind": "milestone"} for i in range(12_000)]}]}
    seen: list[tuple[int, int]] = []
    interchange.import_document(engine, doc, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (12_001, 12_001)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and len(seen) >= 3


# --- sync: the batched apply against one UPDATE per record --------------------------------------------

def insert_by_record(conn: Any, model: Any, rows: list[dict[str, Any]], *args: Any, **kwargs: Any) -> None:
    """One INSERT per new record, as sync wrote before okrtui/storage/bulk.py: the reference."""
    from sqlalchemy import insert

    table = model.__table__
    defaults = bulk.defaults(model)
    for row in rows:
        conn.execute(insert(table).values(**{**defaults, **row}))


def update_by_record(conn: Any, model: Any, rows: list[dict[str, Any]], *args: Any, **kwargs: Any) -> None:
    """One UPDATE per changed record, as sync wrote before okrtui/storage/bulk.py: the reference."""
    from sqlalchemy import update

    table = model.__table__
    for row in rows:
        conn.execute(update(table).where(table.c.id == row["id"]).values(**{k: v for k, v in row.items() if k != "id"}))


def without_stamps(path: Path) -> dict:
    """Rows without their own-import stamps (the two databases import a moment apart)."""
    return {t: {i: {k: v for k, v in r.items() if k not in ("created_at", "updated_at")} for i, r in by_id.items()}
            for t, by_id in rows(path).items()}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], phases=[Phase.generate])
@given(steps=st.lists(st.tuples(st.sampled_from(["mate", "mate", "me"]), documents()), min_size=1, max_size=4))
def test_batched_sync_applies_what_one_update_per_record_applied(seeded, steps):
    """A teammate imports and syncs; we import and sync: inserts, updates, refusals of changes to
    our own records, missing parents. Our two copies (batched, reference) must end the same."""
    from okrtui.exchange import sync
    from okrtui.storage.store import adopt

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        first = folder / "mate.db"
        engine = open_engine(first)
        with writing(engine) as session:
            adopt(session, "p-mate", "Mate")
        engine.dispose()
        sides = ("batched", "reference")  # two worlds: a teammate, a team file and our database each
        mate = {side: folder / f"mate-{side}.db" for side in sides}
        ours = {side: folder / f"{side}.db" for side in sides}
        team = {side: folder / f"team-{side}.jsonl" for side in sides}
        for side in sides:
            shutil.copy(first, mate[side])
            shutil.copy(seeded, ours[side])
        results = {}
        for who, doc in steps:
            for side in sides:
                engine = open_engine(mate[side] if who == "mate" else ours[side])
                try:
                    interchange.import_document(engine, doc, today=OWNER_DAY)
                except OkrError:
                    pass  # refused documents change nothing, on either side
                finally:
                    engine.dispose()
                engine = open_engine(mate[side])
                sync.sync(engine, team[side])
                engine.dispose()
                engine = open_engine(ours[side])
                with pytest.MonkeyPatch.context() as patch:
                    if side == "reference":  # sync's rules unchanged, its writes one record at a time
                        patch.setattr(bulk, "insert_rows", insert_by_record)
                        patch.setattr(bulk, "update_rows", update_by_record)
                    got = sync.sync(engine, team[side])
                engine.dispose()
                results[side] = (got.received, got.skipped, got.refused, sorted(got.warnings))
            assert results["batched"] == results["reference"]
            assert without_stamps(ours["batched"]) == without_stamps(ours["reference"])


def test_a_command_runs_with_the_cyclic_collector_off_and_turns_it_back_on(cli, monkeypatch, tmp_path):
    import gc

    from okrtui import cli as cli_module

    seen = []
    monkeypatch.setitem(cli_module.COMMANDS, "due", lambda ctx: seen.append(gc.isenabled()) or 0)
    assert gc.isenabled()
    assert cli("--db", tmp_path / "x.db", "due").code == 0
    assert seen == [False] and gc.isenabled()


def test_a_sync_pauses_the_collector_and_turns_it_back_on(engine, tmp_path, monkeypatch):
    import gc

    from okrtui.exchange import sync

    seen = []
    original = sync.apply
    monkeypatch.setattr(sync, "apply", lambda *args: seen.append(gc.isenabled()) or original(*args))
    sync.sync(engine, tmp_path / "team.jsonl")
    assert seen == [False] and gc.isenabled()
