"""The backend contract: every database okrtui can use passes these same tests.

One `backend` fixture (an `Under`), parametrised over every class in okrtui.storage.backend.BACKENDS
(a new backend is a new param here: `test_every_registered_backend_is_under_contract` fails until
it is): SQLite (a file, opened as the CLI opens `--db PATH`), PostgreSQL (a database on the suite's
server, as the login alice; its tests run in the xdist group "postgres", so one server starts) and
the in-memory database (`memory:NAME`). Each says what it can do in its flags, and the flags say
the truth: a quick read equals the ORM's, a quick write is the ORM's write, a live backend sends a
notice, a read-only one refuses a write with one line and writes nothing, identity is stable. Then
a whole round through okrtui's services on one engine: import an okrtui/1 document, record a
check-in, read the period report, sync with a team file (or refuse it, by design, with its one
message)."""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from okrtui.config import db_target
from okrtui.core.errors import OkrError
from okrtui.cycle import ormread
from okrtui.exchange import interchange
from okrtui.method import periods
from okrtui.storage import memory, store
from okrtui.storage.backend import BACKENDS, Backend, MemoryBackend, PostgresBackend, SqliteBackend, backend_for
from okrtui.storage.model import CheckIn
from okrtui.tui.services import Services
from tests.helpers import TODAY, okr_objective, pg_database, write_doc

Q4 = periods.quarter("2026-Q4")

# One objective, two KRs: deploys 0 -> 10 (checked in at 4 on Nov 2), a runbook milestone (none yet).
DOC = {"format": "okrtui/1", "objectives": [
    okr_objective("o-contract", "Ship the contract", None, "kr-deploys", status="active",
                  check_ins=[{"id": "c-contract-1", "date": "2026-11-02", "value": 4, "confidence": 0.6}]),
]}
DOC["objectives"][0]["key_results"].append(
    {"id": "kr-runbook", "title": "Runbook written", "kind": "milestone"})


@dataclass
class Under:
    """One backend under contract: its target (as `--db` spells it), and how to reach the same
    database as a second person (PostgreSQL's bob) and as its owner (for `okrtui admin`)."""

    kind: type[Backend]
    target: Path | str
    other: Path | str
    owner: Path | str

    def fresh(self, *, read_only: bool = False) -> Backend:
        """A new backend object on the target, nothing opened yet."""
        return backend_for(self.target, read_only=read_only)


KINDS = {"sqlite": SqliteBackend, "postgres": PostgresBackend, "memory": MemoryBackend}


@pytest.fixture(params=[
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.xdist_group("postgres")),  # one server, on one worker
    "memory",
])
def backend(request, tmp_path, cli):
    kind = request.param
    if kind == "sqlite":
        path = db_target(str(tmp_path / "okrtui.db"))  # as the CLI turns `--db PATH` into a target
        yield Under(SqliteBackend, path, path, path)
    elif kind == "postgres":
        url = pg_database(request.getfixturevalue("server"), cli)
        yield Under(PostgresBackend, url("alice"), url("bob"), url("postgres"))
    else:
        name = f"contract-{uuid.uuid4().hex[:8]}"
        yield Under(MemoryBackend, f"memory:{name}", f"memory:{name}", f"memory:{name}")
        memory.forget(name)


@pytest.fixture
def engines():
    """Engines a test opens, disposed at its end."""
    opened: list[Engine] = []

    def open_(chosen: Backend, **kw) -> Engine:
        engine = chosen.engine(**kw)
        opened.append(engine)
        return engine

    yield open_
    for engine in opened:
        engine.dispose()


@pytest.fixture
def filled(backend, engines):
    """The backend with DOC imported through its engine; (backend, engine)."""
    chosen = backend.fresh()
    engine = engines(chosen)
    interchange.import_document(engine, DOC, today=TODAY)
    return chosen, engine


def orm_read(engine: Engine):
    with store.reading(engine) as session:
        return ormread.whole(session, Q4, TODAY, store.my_id(session))


def check_ins(engine: Engine) -> list[tuple[str, str, float]]:
    with store.reading(engine) as session:
        rows = session.exec(select(CheckIn).where(CheckIn.deleted == False).order_by(CheckIn.id)).all()
        return [(row.kr_id, row.date.isoformat(), row.value) for row in rows]


def test_every_registered_backend_is_under_contract():
    assert sorted(BACKENDS, key=lambda c: c.name) == sorted(KINDS.values(), key=lambda c: c.name)


def test_the_target_chooses_this_backend(backend):
    assert type(backend.fresh()) is backend.kind
    assert type(backend_for(backend.target, read_only=True)) is backend.kind


# --- the capabilities say the truth -------------------------------------------------------------------

def test_a_quick_read_is_the_orm_read_and_none_is_none(filled):
    chosen, engine = filled
    quick = chosen.read("2026-Q4", TODAY, notes=True)
    first = chosen.prefetch(TODAY)
    if chosen.capabilities().quick_read:
        assert quick == orm_read(engine)
        assert first is not None and first.result() == chosen.read(None, TODAY)
    else:
        assert quick is None and first is None


def test_a_quick_write_is_the_orm_write_and_none_writes_nothing(filled, backend, engines):
    chosen, engine = filled
    before = check_ins(engine)
    saved = chosen.record("kr-deploys", 6, confidence=0.7, note="", day=TODAY, today=TODAY)
    if chosen.capabilities().quick_write:
        assert saved is not None and (saved.kr_id, saved.value, saved.progress) == ("kr-deploys", 6, 0.6)
        assert sorted(check_ins(engine)) == sorted([*before, ("kr-deploys", TODAY.isoformat(), 6)])
    else:
        assert saved is None
        assert check_ins(engine) == before


def test_a_live_backend_sends_a_notice_of_a_teammates_change(filled, backend, engines):
    chosen, engine = filled
    if not chosen.capabilities().live:
        assert chosen.listen(engine, lambda _table: None, lambda: True) is False  # nothing started
        return
    heard, done = [], threading.Event()

    def changed(table: str) -> None:
        heard.append(table)
        done.set()

    stopped = threading.Event()
    chosen.listen(engine, changed, stopped.is_set)
    try:
        other = engines(backend_for(backend.other))  # bob, on the same database
        for i in range(40):  # the listener connects in its own thread: write until it hears
            interchange.import_document(other, {"format": "okrtui/1", "objectives": [
                okr_objective(f"o-other-{i}", "Bob's objective", None, f"kr-other-{i}")]}, today=TODAY)
            if done.wait(0.5):
                break
        assert heard, "no change notice arrived"
    finally:
        stopped.set()


def test_a_change_counter_moves_with_a_commit_or_there_is_none(filled):
    chosen, engine = filled
    counter = chosen.change_counter()
    if chosen.capabilities().live or not chosen.capabilities().kept:  # notices instead, or nothing else can write it
        assert counter is None
        return
    assert counter is not None
    try:
        seen = counter()
        Services(lambda: engine).record_check_in("kr-deploys", 5, None, "", day=TODAY, today=TODAY)
        assert counter() != seen
    finally:
        counter.close()


def test_okrtui_admin_is_served_only_by_an_admin_backend(backend, cli):
    result = cli("--db", backend.owner, "admin", "init")
    if backend.fresh().capabilities().admin:
        assert result.code == 0 and result.out.startswith("schema already at version"), result.err
    else:
        assert result.code == 2 and result.err.strip().splitlines() == [
            "okrtui: error: okrtui admin is for a shared PostgreSQL database: --db postgresql://OWNER@HOST/DB"]


def test_read_only_refuses_a_write_with_one_line_and_writes_nothing(filled, backend, engines):
    chosen, engine = filled
    before = check_ins(engine)
    reader = backend_for(backend.target, read_only=True)
    refusals = []
    if reader.capabilities().quick_write:
        with pytest.raises(OkrError) as quick:
            reader.record("kr-deploys", 7, confidence=None, note="", day=TODAY, today=TODAY)
        refusals.append(str(quick.value))
    else:
        assert reader.record("kr-deploys", 7, confidence=None, note="", day=TODAY, today=TODAY) is None
    with pytest.raises(OkrError) as orm:  # the ORM path, as the TUI's forms write
        Services(lambda: engines(reader)).record_check_in("kr-deploys", 7, None, "", day=TODAY, today=TODAY)
    refusals.append(str(orm.value))
    for message in refusals:
        assert "\n" not in message and re.search("read-?only|read only", message), message
    assert check_ins(engine) == before
    assert orm_read(engines(reader)) == orm_read(engine)  # and it reads what is there


def test_identity_is_stable(filled, backend, engines):
    chosen, engine = filled
    with store.writing(engine) as session:
        made = store.identity(session).id
    with store.reading(engine) as session:
        assert store.my_id(session) == made
    again = engines(backend_for(backend.target))  # another engine, another backend object
    with store.writing(again) as session:
        assert store.identity(session).id == made
    with store.reading(again) as session:
        assert store.my_id(session) == made
    if chosen.capabilities().shared:
        assert made == "p-alice"  # the login's person, as `okrtui admin add-person alice` made it


# --- a whole round ------------------------------------------------------------------------------------

def test_a_whole_round_import_check_in_report_sync(backend, engines, tmp_path, cli):
    chosen = backend.fresh()
    engine = engines(chosen)
    services = Services(lambda: engine)

    imported = interchange.import_document(engine, DOC, today=TODAY)
    assert (imported.created, imported.updated) == (4, 0)  # the objective, two KRs, a check-in

    saved = services.record_check_in("kr-deploys", 8, 0.8, "halfway and more", day=TODAY, today=TODAY)
    assert (saved.kr_id, saved.value, saved.progress, saved.replaced) == ("kr-deploys", 8, 0.8, False)

    read = orm_read(engine)
    [objective] = read.report.objectives
    deploys, runbook = objective.key_results
    assert (objective.id, objective.status) == ("o-contract", "active")
    assert (deploys.current, deploys.progress, deploys.confidence) == (8, 0.8, 0.8)
    assert [(c.date, c.value) for c in deploys.check_ins] == [(periods.parse_date("2026-11-02"), 4), (TODAY, 8)]
    assert (runbook.current, runbook.progress) == (None, 0.0)
    assert objective.score == pytest.approx(0.4)  # (0.8 + 0) / 2, both KRs weighted alike
    if chosen.capabilities().quick_read:
        assert chosen.read("2026-Q4", TODAY, notes=True) == read

    team = tmp_path / "team.jsonl"
    if chosen.capabilities().shared:  # a shared database's records are live for everyone: no team file, by design
        with pytest.raises(OkrError) as refused:
            services.sync(team, today=TODAY)
        assert str(refused.value) == ("a shared PostgreSQL database needs no team file: "
                                      "everyone sees the others' records live")
        assert not team.exists()
        return
    synced = services.sync(team, today=TODAY)
    assert synced.file_changed and synced.sent >= 5 and synced.warnings == []
    header, *lines = [json.loads(line) for line in team.read_text("utf-8").splitlines()]
    ours = {(line["type"], line["id"]): line for line in lines}
    assert {("objective", "o-contract"), ("key_result", "kr-deploys"), ("key_result", "kr-runbook"),
            ("check_in", saved.check_in_id)} <= ours.keys()
    # Signed with the database's key beside its file; a database that ends with the process keeps none.
    signed = all(line["signature"] for key, line in ours.items() if key[0] != "person")
    assert signed is chosen.capabilities().kept

    mate = tmp_path / "mate.db"  # a teammate with a SQLite file: their objective comes back to us
    assert cli("--db", mate, "whoami", "--name", "Mate").code == 0
    assert cli("--db", mate, "import", write_doc(tmp_path / "mate.json", {"format": "okrtui/1", "objectives": [
        okr_objective("o-mate", "The mate's objective", None, "kr-mate")]})).code == 0
    theirs = cli("--db", mate, "sync", team)
    assert theirs.code in (0, 1), theirs.err
    if signed:
        assert theirs.code == 0 and "skipped" not in theirs.err, theirs.err
    else:  # taken in nowhere: the teammate says so once, on one line
        assert theirs.code == 1 and "not signed by a key this database trusts" in theirs.err, theirs.err
    again = services.sync(team, today=TODAY)
    assert again.received >= 3 and again.warnings == []  # the mate, their objective and KR
    with store.reading(engine) as session:
        shown = ormread.whole(session, Q4, TODAY, store.my_id(session), team=True)
    assert sorted(o.id for o in shown.report.objectives) == ["o-contract", "o-mate"]
    mates = cli("--db", mate, "report", "--team", "--format", "json", "--period", "2026-Q4")
    assert ("o-contract" in [o["id"] for o in mates.json()["objectives"]]) is signed
