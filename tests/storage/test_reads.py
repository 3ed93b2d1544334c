"""Both read paths and the refresh after a save, on whole random databases (issue 22).

quickread runs okrtui.storage.reads through sqlite3, report runs it through SQLAlchemy; both are
compared with each other, with the ORM's own queries for dependencies and reflections, and
with an oracle written here from the generated records (filters, bounds and order). Each read of
okrtui.storage.reads (issue 31.3: one read per question) has a test that both drivers give the same
rows, in the order the read's ORDER BY makes total."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrtui.core.errors import OkrError
from okrtui.cycle import editing, ormread
from okrtui.method import periods, views
from okrtui.storage import reads
from okrtui.storage.backend import open_engine
from okrtui.storage.model import (
    CheckIn,
    Comment,
    Decision,
    Dependency,
    KeyResult,
    Meta,
    Objective,
    Period,
    Person,
    Reflection,
    Seen,
    Team,
)
from okrtui.storage.sqlite import quickread
from okrtui.storage.store import reading, writing

TODAY = dt.date(2026, 11, 26)
ME, OTHER = "p-me", "p-other"
DAY0 = dt.date(2026, 6, 20)


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


@dataclass
class World:
    customs: list[tuple[str, int, int, bool]]  # id, start, length, deleted
    objectives: list[tuple[int, str, bool, str, int, int | None]]  # period, origin, deleted, status, pos, activated
    krs: list[tuple[int, str, bool, int, float, float]]  # objective, kind, deleted, pos, a, b
    check_ins: list[tuple[int, int, float, float | None, bool, int]]  # kr, day, value, confidence, deleted, minute
    deps: list[tuple[int, int, bool, int]]  # from kr, to kr, deleted, second
    reflections: list[tuple[str, int, str, bool]]  # person, period, question, deleted
    teams: list[tuple[str, bool]]


PERIODS = ["2026-Q3", "2026-Q4", "c-0", "c-1"]
KINDS = ["increase", "decrease", "range", "milestone", "baseline"]


def bounds(customs: list[tuple[str, int, int, bool]], p: int) -> tuple[int, int]:
    """Period p's first and last day, as offsets from DAY0."""
    if p < 2:
        span = periods.quarter(PERIODS[p])
        return (span.start - DAY0).days, (span.end - DAY0).days
    _, start, length, _ = customs[p - 2]
    return start, start + length


@st.composite
def worlds(draw: st.DrawFn) -> tuple[World, str | None, dt.date]:
    """A database around one period (most records in it, some in the others and just outside it),
    the label asked for and the as-of day."""
    customs = [(f"c-{i}", draw(st.integers(0, 150)), draw(st.integers(1, 120)), draw(st.booleans()))
               for i in range(2)]
    p = draw(st.integers(0, 3))
    label = draw(st.sampled_from([PERIODS[p]] * 4 + [None if p == 1 else PERIODS[p], "c-9"]))
    first, last = bounds(customs, p)
    near = st.integers(first - 10, last + 10)
    few = st.integers(0, 9).map(lambda i: first - 5 + i * (last - first + 10) // 9)  # same-day check-ins
    period = st.sampled_from([p, p, p, (p + 1) % 4])
    objectives = draw(st.lists(st.tuples(period, st.sampled_from([ME, ME, OTHER]), st.booleans(),
                                         st.sampled_from(["active", "draft", "closed"]), st.integers(0, 2),
                                         st.one_of(st.none(), near)), min_size=3, max_size=8))
    krs = draw(st.lists(st.tuples(st.integers(0, len(objectives) - 1), st.sampled_from(KINDS),
                                  st.sampled_from([False, False, True]), st.integers(0, 2),
                                  st.integers(-50, 50).map(float), st.integers(-50, 50).map(float)),
                        min_size=4, max_size=12))
    check_ins = draw(st.lists(st.tuples(st.integers(0, len(krs) - 1), few, st.floats(-100, 100, allow_nan=False),
                                        st.one_of(st.none(), st.sampled_from([0.0, 0.5, 1.0])),
                                        st.sampled_from([False, False, True]), st.integers(0, 3)), min_size=10, max_size=40))
    deps = draw(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.booleans(), st.integers(0, 2)),
                         min_size=2, max_size=6))
    reflections = draw(st.lists(st.tuples(st.sampled_from([ME, OTHER]), period,
                                          st.sampled_from(["contributed", "helped", "learned"]), st.booleans()),
                                max_size=6))
    teams = draw(st.lists(st.tuples(st.sampled_from(["Core", "Growth"]), st.booleans()), max_size=3))
    as_of = day(draw(st.integers(first - 5, last + 20)))
    return World(customs, objectives, krs, check_ins, deps, reflections, teams), label, as_of


@pytest.fixture(scope="module")
def schema_only(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.db"
    open_engine(path).dispose()
    return path


def stamp(minute: int, second: int = 0) -> str:
    return f"2026-11-01T09:{minute:02d}:{second:02d}.000000Z"


def build(path, world: World) -> None:
    engine = open_engine(path)
    with writing(engine) as session:
        session.add(Meta(key="identity", value=ME))
        session.add_all([Person(id=ME, origin=ME, name="Me"), Person(id=OTHER, origin=OTHER, name="")])
        for label in ("2026-Q3", "2026-Q4"):
            span = periods.quarter(label)
            session.add(Period(id=label, start=span.start, end=span.end, origin=ME))
        for cid, start, length, deleted in world.customs:
            session.add(Period(id=cid, start=day(start), end=day(start + length), origin=ME, deleted=deleted))
        session.flush()
        for i, (name, deleted) in enumerate(world.teams):
            session.add(Team(id=f"t-{i}", name=name, origin=ME, deleted=deleted))
        for i, (p, origin, deleted, status, pos, activated) in enumerate(world.objectives):
            session.add(Objective(id=f"o-{i}", title=f"Objective {i}", period_id=PERIODS[p], origin=origin,
                                  owner_id=origin, deleted=deleted, status=status, position=pos,
                                  activated_on=None if activated is None else day(activated)))
        session.flush()
        live_objectives = len(world.objectives)
        for i, (o, kind, deleted, pos, a, b) in enumerate(world.krs):
            if o >= live_objectives:
                continue
            fields = {"start": a, "target": b if b != a else a + 1} if kind in ("increase", "decrease") else \
                {"low": min(a, b), "high": max(a, b) + 1} if kind == "range" else {}
            session.add(KeyResult(id=f"k-{i}", objective_id=f"o-{o}", title=f"KR {i}", kind=kind, deleted=deleted,
                                  position=pos, origin=world.objectives[o][1], unit="u", **fields))
        session.flush()
        krs = {f"k-{i}" for i, kr in enumerate(world.krs) if kr[0] < live_objectives}
        for i, (k, d, value, confidence, deleted, minute) in enumerate(world.check_ins):
            if f"k-{k}" in krs:
                # An author each: same-day check-ins on one KR are different people's (one per KR,
                # author and day), all ME's own records.
                session.add(CheckIn(id=f"c{i:02d}", kr_id=f"k-{k}", date=day(d), value=value, confidence=confidence,
                                    deleted=deleted, origin=ME, author_id=f"{ME}-{i}", created_at=stamp(minute)))
        for i, (a, b, deleted, second) in enumerate(world.deps):
            session.add(Dependency(id=f"d-{i}", from_id=f"k-{a}", to_id=f"k-{b}", deleted=deleted, origin=ME,
                                   created_at=stamp(0, second)))
        for i, (person, p, question, deleted) in enumerate(world.reflections):
            session.add(Reflection(id=f"r-{i}", person_id=person, period_id=PERIODS[p], question=question,
                                   answer=f"answer {i}", deleted=deleted, origin=person))
    engine.dispose()


def orm(path, label, as_of, team):
    engine = open_engine(path, create=False)
    try:
        with reading(engine) as session:
            try:
                span = ormread.resolve_period(session, label, TODAY)
            except OkrError:
                return None
            rep = ormread.build(session, span, as_of, ME, team=team)
            deps = [views.DependencyView(d.id, d.from_id, d.to_id, d.note, d.origin) for d in editing.dependencies(session)]
            return span, rep, deps, ormread.reflections(session, ME, span.label)
    finally:
        engine.dispose()


def oracle(world: World, span: periods.Span, as_of: dt.date, team: bool) -> list[tuple[str, list[str]]]:
    """Each shown objective's and KR's children's ids, in the order a reader expects."""
    last = min(span.end, as_of)
    objectives = sorted((pos, f"o-{i}") for i, (p, origin, deleted, _, pos, _) in enumerate(world.objectives)
                        if PERIODS[p] == span.label and not deleted and (team or origin == ME))
    shown: list[tuple[str, list[str]]] = []
    for _, oid in objectives:
        krs = sorted((pos, f"k-{i}") for i, (o, _, deleted, pos, _, _) in enumerate(world.krs)
                     if f"o-{o}" == oid and not deleted)
        shown.append((oid, [kid for _, kid in krs]))
        for _, kid in krs:
            found = sorted((day(d), stamp(minute), f"c{i:02d}")
                           for i, (k, d, _, _, deleted, minute) in enumerate(world.check_ins)
                           if f"k-{k}" == kid and not deleted and span.start <= day(d) <= last
                           and world.objectives[world.krs[k][0]][1] == ME)  # written by ME: only who answers counts
            shown.append((kid, [cid for _, _, cid in found]))
    return shown


def seen(rep: views.PeriodReport) -> list[tuple[str, list[str]]]:
    """Each objective's KRs and each KR's check-ins, in the order read."""
    shown: list[tuple[str, list[str]]] = []
    for o in rep.objectives:
        shown.append((o.id, [kr.id for kr in o.key_results]))
        for kr in o.key_results:
            shown.append((kr.id, [c.id for c in kr.check_ins]))
    return shown


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=worlds(), team=st.booleans())
def test_both_paths_read_any_database_alike(tmp_path_factory, schema_only, drawn, team):
    world, label, as_of = drawn
    path = tmp_path_factory.mktemp("world") / "w.db"
    shutil.copy(schema_only, path)
    build(path, world)
    quick = quickread.read(path, label, TODAY, as_of, team=team)
    full = orm(path, label, as_of, team)
    if full is None:  # an unknown or deleted custom period: the ORM path names it, quickread defers to it
        assert quick is None
        return
    span, rep, deps, reflections = full
    assert quick is not None
    assert quick.span == span
    assert quick.report == rep
    assert (quick.dependencies, quick.reflections) == (deps, reflections)
    assert [d.id for d in deps] == sorted((d.id for d in deps), key=lambda i: (world.deps[int(i[2:])][3], i))
    assert seen(rep) == oracle(world, span, as_of, team)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=worlds(), new=st.tuples(st.integers(-5, 40), st.integers(0, 9)))
def test_the_refresh_after_a_save_reads_what_a_fresh_load_reads(tmp_path_factory, schema_only, drawn, new):
    """The app's refresh of one KR (ormread.kr_check_ins, then the KR recomputed) against a new read,
    the new check-in dated around the as-of day."""
    world, label, as_of = drawn
    path = tmp_path_factory.mktemp("world") / "w.db"
    shutil.copy(schema_only, path)
    build(path, world)
    before = quickread.read(path, label, TODAY, as_of)
    if before is None:  # an unknown custom period
        return
    krs = [(o, kr) for o in before.report.objectives for kr in o.key_results]
    if not krs:
        return
    objective, kr = krs[new[1] % len(krs)]
    engine = open_engine(path)
    try:
        with writing(engine) as session:
            session.add(CheckIn(id="c-new", kr_id=kr.id, date=as_of + dt.timedelta(days=new[0]), value=1.0,
                                origin=kr.origin, author_id=f"{ME}-new"))
        with reading(engine) as session:
            kr.check_ins = ormread.kr_check_ins(session, kr.id, before.span, as_of)
    finally:
        engine.dispose()
    views.compute_kr(kr, before.span, as_of, objective.status == "active", 7, objective.activated_on)
    views.compute_objective(objective)
    after = quickread.read(path, label, TODAY, as_of)
    assert after is not None
    assert after.report == before.report


# --- each read through both drivers (issue 31.3) ----------------------------------------------------

def both(path, read: Callable[[reads.Run], Any]) -> tuple[Any, Any]:
    """`read` run by the standard library's sqlite3 (the quick path) and by SQLAlchemy (the ORM path)."""
    with closing(sqlite3.connect(path)) as conn:
        quick = read(quickread.runner(conn))
    engine = open_engine(path, create=False)
    try:
        with reading(engine) as session:
            full = read(ormread.runner(session))
    finally:
        engine.dispose()
    return quick, full


def world_db(tmp_path_factory, schema_only, world: World):
    path = tmp_path_factory.mktemp("world") / "w.db"
    shutil.copy(schema_only, path)
    build(path, world)
    return path


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=worlds(), team=st.booleans())
def test_the_period_read_is_the_same_on_both_drivers(tmp_path_factory, schema_only, drawn, team):
    world, label, as_of = drawn
    path = world_db(tmp_path_factory, schema_only, world)
    quick, full = both(path, lambda run: reads.span(run, label, TODAY, 1))
    assert quick == full
    if full is None:
        return
    quick, full = both(path, lambda run: reads.period(run, full, as_of, ME, team=team))
    assert quick == full
    assert seen(full) == oracle(world, full.period, as_of, team)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=worlds(), lo=st.integers(-10, 200), length=st.integers(0, 200))
def test_one_krs_check_ins_are_the_same_on_both_drivers(tmp_path_factory, schema_only, drawn, lo, length):
    world, _, _ = drawn
    path = world_db(tmp_path_factory, schema_only, world)
    start, last = day(lo), day(lo + length)
    for k in range(len(world.krs)):
        quick, full = both(path, lambda run, k=k: reads.kr_check_ins_between(run, f"k-{k}", start, last))
        assert quick == full
        # live ones in the bounds, oldest first: by date, then as made, then by id
        expected = sorted((day(d), stamp(minute), f"c{i:02d}") for i, (kk, d, _, _, deleted, minute)
                          in enumerate(world.check_ins)
                          if kk == k and not deleted and start <= day(d) <= last and world.krs[k][0] < len(world.objectives))
        assert [c.view.id for c in full] == [cid for _, _, cid in expected]
        # every check-in is ME's record: it counts on a KR ME answers for (made, no owner named), on no other
        assert [c.counts for c in full] == [world.objectives[world.krs[k][0]][1] == ME] * len(full)
        assert all(c.writer == ME for c in full)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=worlds())
def test_reflections_are_the_same_on_both_drivers(tmp_path_factory, schema_only, drawn):
    world, _, _ = drawn
    path = world_db(tmp_path_factory, schema_only, world)
    for person in (ME, OTHER):
        for label in PERIODS:
            quick, full = both(path, lambda run, who=person, at=label: reads.reflections(run, who, at))
            assert quick == full
            live = sorted((q, f"r-{i}", f"answer {i}") for i, (p, period, q, deleted) in enumerate(world.reflections)
                          if p == person and PERIODS[period] == label and not deleted)
            assert full == {q: answer for q, _, answer in live}  # by question, then id: the last one's answer
            assert list(full) == sorted(full)


@st.composite
def talks(draw: st.DrawFn) -> list[tuple[str, int, int, str]]:
    """Comments and decisions: (kind, target, minute, verdict); equal minutes test the id tie-break."""
    return draw(st.lists(st.tuples(st.sampled_from(["comment", "decision"]), st.integers(0, 3), st.integers(0, 2),
                                   st.sampled_from(["approved", "changes_requested", "agreed"])), max_size=12))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=worlds(), talk=talks(), seen_ids=st.sets(st.integers(0, 11), max_size=6))
def test_the_conversation_is_the_same_on_both_drivers(tmp_path_factory, schema_only, drawn, talk, seen_ids):
    world, _, _ = drawn
    path = world_db(tmp_path_factory, schema_only, world)
    engine = open_engine(path)
    with writing(engine) as session:
        for i, (kind, target, minute, verdict) in enumerate(talk):
            # ids against the order made: the read's order is its ORDER BY's, not the insertion's
            ident = f"x-{(7 * i) % 13:02d}"
            if kind == "comment":
                session.add(Comment(id=ident, origin=(ME, OTHER)[i % 2], target_type="objective",
                                    target_id=f"o-{target}", body=f"said {i}", created_at=stamp(minute),
                                    deleted=i % 5 == 4))
            else:
                session.add(Decision(id=ident, origin=OTHER, subject_type="objective", subject_id=f"o-{target}",
                                     verdict=verdict, updated_at=stamp(minute), deleted=i % 5 == 4))
        for n in seen_ids:
            session.add(Seen(person_id=ME, item_id=f"x-{n:02d}"))
        session.add(Seen(person_id=OTHER, item_id="x-00"))
    engine.dispose()
    quick, full = both(path, lambda run: reads.conversation(run, ME))
    assert quick == full
    made = [(kind, minute, f"x-{(7 * i) % 13:02d}") for i, (kind, _, minute, _) in enumerate(talk) if i % 5 != 4]
    assert [c.id for c in full.comments] == [x for _, x in sorted((m, x) for k, m, x in made if k == "comment")]
    assert [d.id for d in full.decisions] == [x for _, x in sorted((m, x) for k, m, x in made if k == "decision")]
    assert full.seen == {f"x-{n:02d}" for n in seen_ids}
    assert [d.id for d in full.dependencies] == sorted((f"d-{i}" for i, d in enumerate(world.deps) if not d[2]),
                                                       key=lambda i: (world.deps[int(i[2:])][3], i))
    assert full.reflections == sorted((p, PERIODS[period], q, f"answer {i}") for i, (p, period, q, deleted)
                                      in enumerate(world.reflections) if not deleted)
    assert sorted(full.teams) == [f"t-{i}" for i, (_, deleted) in enumerate(world.teams) if not deleted]
