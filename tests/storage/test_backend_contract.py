"""The backend contract: every database okrtui can use passes these same tests.

One `backend` fixture (an `Under`), parametrised over every class in okrtui.storage.backend.BACKENDS
(a new backend is a new param here: `test_every_registered_backend_is_under_contract` fails until
it is): SQLite (a file, opened as the CLI opens `--db PATH`), PostgreSQL (a database on the suite's
server, as the login alice; its tests run in the xdist group "postgres", so one server starts) and
the in-memory database (`memory:NAME`). Each backend's methods are held to what it says of itself
(`capabilities()`): a quick read equals the ORM's, a quick write is the ORM's write, a live backend
sends a notice, an admin one sets up a login, a read-only one refuses a write with one line and
writes nothing, identity is the backend's and stable, a team file and signing keys have a place or
one refusal, errors read as one line. Then a whole round through okrtui's services on one engine:
import an okrtui/1 document, record a check-in and a measurement, read the period report, sync with
a team file and a teammate (or refuse the file, by design, with its one message).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import exc, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from okrtui.config import db_target
from okrtui.core.errors import OkrError
from okrtui.cycle import metrics, ormread
from okrtui.exchange import interchange
from okrtui.method import periods
from okrtui.storage import memory, store
from okrtui.storage.backend import BACKENDS, Backend, MemoryBackend, PostgresBackend, SqliteBackend, backend_for
from okrtui.storage.base import NO_ADMIN
from okrtui.storage.model import CheckIn, Measurement, Objective
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
# And a health metric: uptime at least 99.9 %, measured once.
DOC["metrics"] = [{"id": "m-uptime", "name": "Uptime", "unit": "%", "cadence": "weekly", "low": 99.9,
                   "since": "2026-01-05", "measurements": [{"id": "me-contract-1", "date": "2026-11-16",
                                                            "value": 99.95}]}]


@dataclass
class Under:
    """One backend under contract: its target (as `--db` spells it), and how to reach the same
    database as a second person (PostgreSQL's bob) and as its owner (for `okrtui admin`)."""

    kind: type[Backend]
    target: Path | str
    other: Path | str
    owner: Path | str
    login: Callable[[str], str] | None = None  # the target as another login (a backend with logins)

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
        yield Under(PostgresBackend, url("alice"), url("bob"), url("postgres"), url)
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


def measurements(engine: Engine) -> list[tuple[str, str, float]]:
    with store.reading(engine) as session:
        rows = session.exec(select(Measurement).where(Measurement.deleted == False).order_by(Measurement.id)).all()
        return sorted((row.metric_id, row.date.isoformat(), row.value) for row in rows)


def orm_metrics(engine: Engine):
    with store.reading(engine) as session:
        return metrics.read_all(session, TODAY), store.my_id(session)


def one_line(message: str) -> bool:
    return bool(message) and "\n" not in message


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


def test_a_quick_metrics_read_and_write_are_the_orms_and_none_is_none(filled):
    chosen, engine = filled
    quick = chosen.read_metrics(TODAY)
    if chosen.capabilities().quick_read:
        assert quick is not None and quick == orm_metrics(engine)
    else:
        assert quick is None
    before = measurements(engine)
    measured = chosen.measure("m-uptime", 99.97, note="", day=TODAY, today=TODAY)
    if chosen.capabilities().quick_write:
        assert measured is not None and (measured.metric_id, measured.value) == ("m-uptime", 99.97)
        assert measurements(engine) == sorted([*before, ("m-uptime", TODAY.isoformat(), 99.97)])
    else:
        assert measured is None
        assert measurements(engine) == before


def test_a_live_backend_sends_a_notice_of_a_teammates_change(filled, backend, engines):
    chosen, engine = filled
    if not chosen.capabilities().live:
        assert chosen.listen(engine, lambda _table: None, lambda: True) is False  # nothing started
        assert chosen.reload_every() is None  # and no whole reloads: its change counter tells (or nothing can)
        return
    assert (chosen.reload_every() or 0) > 0  # should the listening connection be lost
    heard, done = [], threading.Event()

    def changed(table: str) -> None:
        heard.append(table)
        done.set()

    stopped = threading.Event()
    assert chosen.listen(engine, changed, stopped.is_set) is True  # a thread started
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


def test_okrtui_admin_is_served_only_by_an_admin_backend(backend, cli, engines):
    owner = backend_for(backend.owner)
    result = cli("--db", backend.owner, "admin", "init")
    if not owner.capabilities().admin:
        assert result.code == 2 and result.err.strip().splitlines() == [f"okrtui: error: {NO_ADMIN}"]
        for ask in (owner.init, lambda: owner.add_person("dave", "Dave", ""), lambda: owner.can_login("dave")):
            with pytest.raises(OkrError) as refused:
                ask()
            assert str(refused.value) == NO_ADMIN
        assert owner.opened is None  # asked, nothing opened
        return
    assert result.code == 0 and result.out.startswith("schema already at version"), result.err
    assert owner.init()[0].startswith("schema already at version")  # idempotent
    assert owner.add_person("dave", "Dave", "dave@example.com") == "p-dave"
    assert owner.can_login("dave") is True
    assert backend.login is not None
    dave = backend_for(backend.login("dave"))
    with store.reading(engines(dave)) as session:
        assert dave.me(session) == "p-dave" and dave.person(session).name == "Dave"


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


def test_identity_is_the_backends_and_stable(backend, engines):
    """`me` writes nothing; `person` is the user's record (made on first use where the user may make it);
    both agree, on this engine and on another one, and through the store, which asks the backend."""
    chosen = backend.fresh()
    engine = engines(chosen)
    with store.reading(engine) as session:
        before = chosen.me(session)
    shared = chosen.capabilities().shared
    assert before == ("p-alice" if shared else "")  # the login's person, or nobody yet
    with store.writing(engine) as session:
        made = chosen.person(session, "Alice Ng").id
    assert made == before if shared else made.startswith("p-")
    again = backend.fresh()
    for eng, asked in ((engine, chosen), (engines(again), again)):
        with store.reading(eng) as session:
            assert asked.me(session) == made and store.my_id(session) == made
        with store.writing(eng) as session:
            assert asked.person(session).id == made and store.identity(session).id == made


def test_an_identity_moves_only_where_the_database_does_not_make_it(backend, cli, tmp_path, engines):
    """`whoami --export-identity` / `--adopt`: a backend that refuses says one line, and the CLI says it."""
    chosen = backend.fresh()
    engines(chosen)  # made, with its identity
    refusals = {}
    for verb in ("export", "adopt"):
        try:
            chosen.check_identity_move(verb)
        except OkrError as err:
            refusals[verb] = str(err)
    exported = cli("--db", backend.target, "whoami", "--export-identity", tmp_path / "me.json")
    if not refusals:  # it moves: the file holds the identity and its key
        assert exported.code == 0, exported.err
        held = json.loads((tmp_path / "me.json").read_text("utf-8"))
        with store.reading(engines(backend.fresh())) as session:
            assert held["id"] == store.my_id(session) and held["private_key"]
        return
    assert set(refusals) == {"export", "adopt"} and all(one_line(m) for m in refusals.values()), refusals
    errors = [line for line in exported.err.splitlines() if not line.startswith("okrtui: warning:")]  # note()
    assert exported.code == 2 and errors == [f"okrtui: error: {refusals['export']}"]
    assert not (tmp_path / "me.json").exists()


def test_a_team_file_and_signing_keys_have_a_place_or_one_refusal(filled):
    """A backend that takes a team file may keep a signing key beside it; one that refuses the team
    file refuses keys too, each in one line, and keeps no key file."""
    chosen, engine = filled
    refused = []
    for check in (chosen.check_team_file, chosen.check_signing_keys):
        try:
            check()
        except OkrError as err:
            assert one_line(str(err)), err
            refused.append(check)
    assert len(refused) in (0, 2)  # both or neither
    key = chosen.key_file(engine)
    if refused:
        assert key is None
    elif key is not None:  # beside the database, made with its identity
        assert key.exists() and key.stat().st_mode & 0o077 == 0
    assert bool(refused) is chosen.capabilities().shared


def test_a_database_that_keeps_each_to_their_own_refuses_anothers_change(filled, backend, engines):
    chosen, engine = filled
    if not chosen.enforces_ownership():
        assert not chosen.capabilities().shared
        return
    other = engines(backend_for(backend.other))  # bob, in plain SQL, around okrtui
    try:
        with other.begin() as conn:
            conn.execute(text("UPDATE objective SET title = 'taken' WHERE id = 'o-contract'"))
    except exc.DBAPIError as err:
        assert one_line(chosen.explain(err.orig))
    with store.reading(engine) as session:
        row = session.get(Objective, "o-contract")
        assert row is not None and row.title == "Ship the contract"


def test_a_driver_error_reads_as_one_line(filled):
    chosen, engine = filled
    with pytest.raises(exc.DBAPIError) as failed:
        with engine.connect() as conn:
            conn.execute(text("SELECT no_such_column FROM objective"))
    assert one_line(chosen.explain(failed.value.orig)), chosen.explain(failed.value.orig)
    assert one_line(chosen.describe(failed.value)), chosen.describe(failed.value)


def test_what_is_not_kept_is_said_once_a_command(backend, cli, tmp_path):
    chosen = backend.fresh()
    note = chosen.note()
    assert (note is None) is chosen.capabilities().kept
    doc = write_doc(tmp_path / "doc.json", DOC)
    imported = cli("--db", backend.target, "import", doc)
    assert imported.code == 0, imported.err
    said = [line for line in imported.err.splitlines() if line.startswith("okrtui: warning:")]
    assert said == ([] if note is None else [f"okrtui: warning: {note}"])


# --- a whole round ------------------------------------------------------------------------------------

def test_a_whole_round_import_check_in_report_sync(backend, engines, tmp_path, cli):
    chosen = backend.fresh()
    engine = engines(chosen)
    services = Services(lambda: engine)

    imported = interchange.import_document(engine, DOC, today=TODAY)
    assert (imported.created, imported.updated) == (6, 0)  # the objective, two KRs, a check-in, a metric, its measurement

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

    measured = services.record_measurement("m-uptime", 99.5, "a bad week", day=TODAY, today=TODAY)
    assert (measured.metric_id, measured.value) == ("m-uptime", 99.5)
    [uptime], _ = orm_metrics(engine)
    assert [(p.date, p.value) for p in uptime.points] == [(periods.parse_date("2026-11-16"), 99.95), (TODAY, 99.5)]
    assert uptime.health.state.value == "unhealthy"  # below its floor of 99.9

    team = tmp_path / "team.jsonl"
    if chosen.capabilities().shared:  # a shared database's records are live for everyone: no team file, by design
        with pytest.raises(OkrError) as refused:
            services.sync(team, today=TODAY)
        assert str(refused.value) == ("a shared PostgreSQL database needs no team file: "
                                      "everyone sees the others' records live")
        assert not team.exists()
        return
    synced = services.sync(team, today=TODAY)
    signed = chosen.key_file(engine) is not None
    if signed:
        assert synced.file_changed and synced.sent >= 5 and synced.warnings == []
        header, *lines = [json.loads(line) for line in team.read_text("utf-8").splitlines()]
        ours = {(line["type"], line["id"]): line for line in lines}
        assert {("objective", "o-contract"), ("key_result", "kr-deploys"), ("key_result", "kr-runbook"),
                ("check_in", saved.check_in_id)} <= ours.keys()
        # Signed with the database's key beside its file.
        assert all(line["signature"] for key, line in ours.items() if key[0] != "person")
    else:  # a database that keeps no key sends nothing: everyone would skip its unsigned lines, for good
        assert not synced.file_changed and synced.sent == 0 and not team.exists()
        assert [w for w in synced.warnings if "keeps no signing key" in w] == synced.warnings != []

    mate = tmp_path / "mate.db"  # a teammate with a SQLite file: their objective comes back to us
    assert cli("--db", mate, "whoami", "--name", "Mate").code == 0
    assert cli("--db", mate, "import", write_doc(tmp_path / "mate.json", {"format": "okrtui/1", "objectives": [
        okr_objective("o-mate", "The mate's objective", None, "kr-mate")]})).code == 0
    theirs = cli("--db", mate, "sync", team)
    assert theirs.code == 0 and "skipped" not in theirs.err, theirs.err  # nothing unsigned in the file
    again = services.sync(team, today=TODAY)
    assert again.received >= 3  # the mate, their objective and KR
    assert all("keeps no signing key" in w for w in again.warnings) and (again.warnings == [] or not signed)
    with store.reading(engine) as session:
        shown = ormread.whole(session, Q4, TODAY, store.my_id(session), team=True)
    assert sorted(o.id for o in shown.report.objectives) == ["o-contract", "o-mate"]
    mates = cli("--db", mate, "report", "--team", "--format", "json", "--period", "2026-Q4")
    assert ("o-contract" in [o["id"] for o in mates.json()["objectives"]]) is signed
