"""The trust boundary: teammates' records are untrusted, two people are two identities,
owners check in on KRs others made, reads never create, numbers are read as of a day."""

import datetime as dt
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from okrtui.core.errors import OkrError
from okrtui.cycle import checkins
from okrtui.exchange import interchange
from okrtui.storage.backend import open_engine
from okrtui.storage.model import CheckIn, KeyResult, Person
from okrtui.storage.store import get_meta, reading
from tests.helpers import BAD, GOOD_KR, GOOD_OBJECTIVE, GOOD_PERIOD, TODAY, rec, team_file, write_doc

DAY = dt.date(2026, 11, 20)
def test_bad_records_are_skipped_and_named_the_good_ones_merge(cli, db, tmp_path):
    team = team_file(tmp_path / "team.jsonl", [GOOD_PERIOD, GOOD_OBJECTIVE, GOOD_KR, *BAD.values()])
    result = cli("--db", db, "sync", team)
    assert result.code == 1
    warnings = [line for line in result.err.splitlines() if line.startswith("okrtui: warning:")]
    assert len(warnings) == 4, result.err
    for ident, phrase in (("kr-bogus", "kind: expected one of"), ("kr-notarget", "target: is required"),
                          ("c-bad", "confidence: expected a number from 0 to 1"),
                          ("o-long", "title: is 600 characters long")):
        assert any(ident in w and phrase in w for w in warnings), (ident, warnings)
    with reading(open_engine(db)) as session:
        assert session.get(KeyResult, "kr-bob") is not None
        assert session.get(KeyResult, "kr-bogus") is None
    # Nothing a teammate wrote stops the local views.
    rep = cli("--db", db, "report", "--team", "--format", "json", "--period", "2026-Q4")
    assert rep.code == 0 and [o["id"] for o in rep.json()["objectives"]] == ["o-bob"]
    assert cli("--db", db, "lint", "--period", "2026-Q4").code in (0, 1)
    # The bad lines stay in the file for their writer to fix; they are never applied.
    assert "kr-bogus" in team.read_text()


def test_a_check_in_by_someone_who_neither_made_nor_owns_the_kr_is_refused(cli, db, tmp_path):
    forged = rec("check_in", "c-forged", origin="p-mallory", kr_id="kr-bob", date="2026-11-20", value=9.0,
                 confidence=None, note="", author_id=None)
    team = team_file(tmp_path / "team.jsonl", [GOOD_PERIOD, GOOD_OBJECTIVE, GOOD_KR, forged])
    result = cli("--db", db, "sync", team)
    assert result.code == 1 and "p-mallory may not check in on kr-bob: p-bob answers for it" in result.err
    with reading(open_engine(db)) as session:
        assert session.get(CheckIn, "c-forged") is None


def test_two_people_with_the_same_login_stay_two_people(cli, tmp_path):
    team = tmp_path / "team.jsonl"
    ann, bob = tmp_path / "ann.db", tmp_path / "bob.db"  # both log in as "tester"
    assert cli("--db", ann, "whoami", "--name", "Ann").code == 0
    assert cli("--db", bob, "whoami", "--name", "Bob").code == 0
    for db in (ann, bob, ann, bob):
        assert cli("--db", db, "sync", team).code == 0
    assert "Ann (p-tester-" in cli("--db", ann, "whoami").out
    assert "Bob (p-tester-" in cli("--db", bob, "whoami").out
    with reading(open_engine(ann)) as session:
        people = {p.id: p.name for p in session.exec(select(Person)).all()}
    assert sorted(people.values()) == ["Ann", "Bob"] and len(people) == 2


def test_a_clash_of_ids_made_apart_keeps_yours_and_says_so(cli, tmp_path):
    """Databases from before unique ids both used p-dev: the sync says so and names the way out."""
    from okrtui.storage.store import set_meta, writing

    team = tmp_path / "team.jsonl"
    dbs = []
    for name, stamp in (("Ann", "2026-01-01T00:00:00.000000Z"), ("Bob", "2026-02-01T00:00:00.000000Z")):
        eng = open_engine(tmp_path / f"{name}.db")
        with writing(eng) as session:
            set_meta(session, "identity", "p-dev")
            session.add(Person(id="p-dev", origin="p-dev", name=name, created_at=stamp, updated_at=stamp))
        eng.dispose()
        dbs.append(tmp_path / f"{name}.db")
    assert cli("--db", dbs[1], "sync", team).code == 0
    result = cli("--db", dbs[0], "sync", team)
    assert result.code == 1 and "another person with your id p-dev" in result.err and "docs/team.md" in result.err
    assert cli("--db", dbs[0], "whoami").out.splitlines()[-1] == "Ann (p-dev)"


def test_adopt_gives_a_second_machine_the_same_identity(cli, tmp_path):
    team = tmp_path / "team.jsonl"
    first, second = tmp_path / "laptop.db", tmp_path / "server.db"
    cli("--db", first, "whoami", "--name", "Ann Lee", "--email", "ann@example.com")
    me = re.search(r"\((p-[^)]+)\)", cli("--db", first, "whoami").out).group(1)
    cli("--db", first, "sync", team)
    assert cli("--db", second, "whoami", "--adopt", me).code == 0
    assert cli("--db", second, "sync", team).code == 0
    assert cli("--db", second, "whoami").out.splitlines()[-1] == f"Ann Lee <ann@example.com> ({me})"
    # And the placeholder never overwrote the real name in the file.
    assert cli("--db", first, "sync", team).code == 0
    assert "Ann Lee" in cli("--db", first, "whoami").out


def test_adopt_is_refused_once_the_database_has_records_of_its_own(cli, tmp_path, db):
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-1", "title": "Grow", "period": "2026-Q4"}]}
    cli("--db", db, "import", write_doc(tmp_path / "d.json", doc))
    result = cli("--db", db, "whoami", "--adopt", "p-someone-abc123")
    assert result.code == 2 and "already holds 1 record made as" in result.err


def test_an_empty_name_or_a_bad_email_is_refused(cli, db):
    assert "must not be empty" in cli("--db", db, "whoami", "--name", "  ").err
    bad = cli("--db", db, "whoami", "--email", "not-an-email")
    assert bad.code == 2 and "is not an email address" in bad.err


def test_the_owner_checks_in_on_a_kr_the_lead_drafted(cli, tmp_path):
    team = tmp_path / "team.jsonl"
    lead, bob = tmp_path / "lead.db", tmp_path / "bob.db"
    cli("--db", bob, "whoami", "--name", "Bob")
    cli("--db", bob, "sync", team)
    bob_id = re.search(r"\((p-[^)]+)\)", cli("--db", bob, "whoami").out).group(1)
    cli("--db", lead, "sync", team)  # the lead now knows Bob's person record
    doc = {"format": "okrtui/1", "objectives": [{
        "id": "o-team", "title": "Make deploys boring", "period": "2026-Q4", "level": "team",
        "key_results": [{"id": "kr-bob1", "title": "Deploys from 10 to 30", "kind": "increase", "start": 10,
                         "target": 30, "owner": bob_id}]}]}
    assert cli("--db", lead, "import", write_doc(tmp_path / "d.json", doc)).code == 0
    cli("--db", lead, "sync", team)
    cli("--db", bob, "sync", team)
    done = cli("--db", bob, "checkin", "kr-bob1", "20", "--date", "2026-11-20")
    assert done.code == 0, done.err
    assert cli("--db", bob, "sync", team).code == 0
    assert cli("--db", lead, "sync", team).code == 0
    rep = cli("--db", lead, "report", "--format", "json", "--period", "2026-Q4").json()
    assert rep["objectives"][0]["key_results"][0]["current"] == 20
    # Bob's person record was not taken over by the lead's import, and nothing else became Bob's.
    with reading(open_engine(lead)) as session:
        assert session.get(Person, bob_id).origin == bob_id
        assert session.get(KeyResult, "kr-bob1").origin != bob_id


def test_someone_neither_maker_nor_owner_cannot_check_in(engine, tmp_path):
    doc = {"format": "okrtui/1", "people": [{"id": "p-zed", "name": "Zed"}], "objectives": [{
        "id": "o-1", "title": "Grow", "period": "2026-Q4",
        "key_results": [{"id": "kr-1", "title": "Users from 1 to 9", "kind": "increase", "start": 1,
                         "target": 9, "owner": "p-zed"}]}]}
    interchange.import_document(engine, doc)
    from okrtui.storage.store import writing

    with writing(engine) as session:
        session.get(KeyResult, "kr-1").origin = "p-other"
    try:
        checkins.record(engine, "kr-1", 3, day=DAY)
    except OkrError as err:
        assert "Zed answers for it (its owner)" in str(err) and "p-zed" not in str(err)
    else:
        raise AssertionError("a stranger's check-in was stored")


def test_the_lead_who_made_a_kr_naming_ben_owner_cannot_check_in_on_it(cli, tmp_path):
    """One rule (okr-method.md "answers for"): a named owner checks in, else the maker. The TUI, the
    CLI, the team file and `due` ask the same function (views.answers)."""
    from okrtui.method import views

    lead, ben, team = tmp_path / "lead.db", tmp_path / "ben.db", tmp_path / "team.jsonl"
    cli("--db", ben, "whoami", "--name", "Ben Member")
    cli("--db", ben, "sync", team)
    cli("--db", lead, "whoami", "--name", "Lena Lead")
    cli("--db", lead, "sync", team)
    ben_id = re.search(r"\((p-[^)]+)\)", cli("--db", ben, "whoami").out).group(1)
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-team", "title": "Team goal", "period": "2026-Q4",
           "key_results": [{"id": "kr-ben", "title": "Deploys from 0 to 10", "kind": "increase", "start": 0,
                            "target": 10, "owner": ben_id}]}]}
    assert cli("--db", lead, "import", write_doc(tmp_path / "d.json", doc)).code == 0
    refused = cli("--db", lead, "checkin", "kr-ben", "7", "--date", "2026-11-20")
    assert refused.code == 2 and "Ben Member answers for it" in refused.err and ben_id not in refused.err
    assert cli("--db", lead, "due", "--as-of", "2026-11-26").out == ""  # not the lead's to check in on
    cli("--db", lead, "sync", team)
    cli("--db", ben, "sync", team)
    assert "kr-ben" in cli("--db", ben, "due", "--as-of", "2026-11-26").out
    assert cli("--db", ben, "checkin", "kr-ben", "4", "--date", "2026-11-20").code == 0
    assert views.answers(ben_id, "p-lead", ben_id) and not views.answers(ben_id, "p-lead", "p-lead")
    assert views.answers(None, "p-lead", "p-lead")


def test_a_check_in_on_a_kr_by_its_maker_who_named_another_owner_is_refused_on_sync(cli, db, tmp_path):
    kr = {**GOOD_KR, "owner_id": "p-ben"}
    by_maker = rec("check_in", "c-maker", origin="p-bob", kr_id="kr-bob", date="2026-11-20", value=9.0,
                   confidence=None, note="", author_id=None)
    team = team_file(tmp_path / "team.jsonl", [GOOD_PERIOD, GOOD_OBJECTIVE, kr, by_maker])
    result = cli("--db", db, "sync", team)
    assert result.code == 1 and "may not check in on kr-bob" in result.err
    with reading(open_engine(db)) as session:
        assert session.get(CheckIn, "c-maker") is None


def test_reading_commands_never_create_a_database(cli, tmp_path):
    missing = tmp_path / "nope" / "x.db"
    for command in (["report"], ["export"], ["lint"], ["due"]):
        result = cli("--db", missing, *command)
        assert result.code == 2 and result.err.strip() == f"okrtui: error: no database at {missing}"
    assert not missing.parent.exists()


def test_report_as_of_counts_only_what_was_known_that_day(cli, db, tmp_path):
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-1", "title": "Grow", "period": "2026-Q4",
        "key_results": [{"id": "kr-1", "title": "Users from 0 to 100", "kind": "increase", "start": 0,
                         "target": 100, "check_ins": [
                             {"id": "c-1", "date": "2026-10-20", "value": 20},
                             {"id": "c-2", "date": "2026-11-20", "value": 80}]}]}]}
    cli("--db", db, "import", write_doc(tmp_path / "d.json", doc))
    kr = cli("--db", db, "report", "--format", "json", "--as-of", "2026-10-25").json()["objectives"][0][
        "key_results"][0]
    assert (kr["current"], kr["progress"], kr["last_check_in"]) == (20, 0.2, "2026-10-20")
    later = cli("--db", db, "report", "--format", "json", "--as-of", "2026-11-26").json()
    assert later["objectives"][0]["key_results"][0]["current"] == 80


def test_due_lists_stale_krs_one_line_each(cli, db, tmp_path):
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-1", "title": "Grow", "period": "2026-Q4",
        "key_results": [
            {"id": "kr-old", "title": "Users from 0 to 100", "kind": "increase", "start": 0, "target": 100,
             "check_ins": [{"id": "c-1", "date": "2026-11-02", "value": 20}]},
            {"id": "kr-fresh", "title": "Done", "kind": "milestone",
             "check_ins": [{"id": "c-2", "date": "2026-11-25", "value": 0}]},
            {"id": "kr-never", "title": "Measure NPS", "kind": "baseline", "unit": "pts"}]}]}
    cli("--db", db, "import", write_doc(tmp_path / "d.json", doc))
    result = cli("--db", db, "due", "--as-of", "2026-11-26")
    assert result.code == 1
    assert result.out.splitlines() == ["kr-old  Users from 0 to 100  last check-in 2026-11-02  stale",
                                       "kr-never  Measure NPS  last check-in never  stale"]
    # Due by the week (okr-method.md), stale or not: a check-in last week is due again on Monday.
    monday = cli("--db", db, "due", "--as-of", "2026-11-30")
    assert monday.code == 1 and monday.out.splitlines()[-1] == "kr-fresh  Done  last check-in 2026-11-25"


def _kr_db(cli, db, tmp_path, **kr):
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-1", "title": "Grow", "period": "2026-Q4",
                                                 "key_results": [{"id": "kr-1", "title": "A result", **kr}]}]}
    cli("--db", db, "import", write_doc(tmp_path / "d.json", doc))


def test_implausible_values_warn_on_one_line_and_are_stored(cli, db, tmp_path):
    _kr_db(cli, db, tmp_path, kind="increase", start=0, target=30)
    for day, value, phrase in (("20", "-5", "is negative"), ("21", "9000", "far outside"),
                               ("22", "99999999999999999999", None)):
        result = cli("--db", db, "checkin", "kr-1", value, "--date", f"2026-11-{day}")  # one a day: no replacing
        if phrase is None:  # beyond any scale: refused, nothing stored
            assert result.code == 2 and "too large" in result.err
            continue
        assert result.code == 0
        warnings = result.err.strip().splitlines()
        assert len(warnings) == 1 and warnings[0].startswith("okrtui: warning: kr-1:") and phrase in warnings[0]
    with reading(open_engine(db)) as session:
        assert sorted(c.value for c in session.exec(select(CheckIn)).all()) == [-5, 9000]


def test_a_fraction_on_a_milestone_warns(cli, db, tmp_path):
    _kr_db(cli, db, tmp_path, kind="milestone")
    result = cli("--db", db, "checkin", "kr-1", "0.5")
    assert result.code == 0 and "a milestone is 1 (done) or 0 (not yet)" in result.err
    assert cli("--db", db, "checkin", "kr-1", "1").err == ""


def test_the_round_replaces_a_same_day_check_in(engine, tmp_path):
    doc = {"format": "okrtui/1", "objectives": [{"id": "o-1", "title": "Grow", "period": "2026-Q4",
           "key_results": [{"id": "kr-1", "title": "Users", "kind": "increase", "start": 0, "target": 9}]}]}
    interchange.import_document(engine, doc)
    first = checkins.record(engine, "kr-1", 3, day=DAY)
    second = checkins.record(engine, "kr-1", 4, day=DAY)
    assert second.replaced and second.check_in_id == first.check_in_id
    with reading(engine) as session:
        assert [c.value for c in session.exec(select(CheckIn)).all()] == [4]


MUTATIONS = st.sampled_from([
    ("kind", st.text(max_size=8)), ("start", st.one_of(st.none(), st.text(max_size=3), st.booleans())),
    ("target", st.floats(allow_nan=False, allow_infinity=False)), ("weight", st.integers(-5, 10**9)),
    ("title", st.one_of(st.text(max_size=3), st.integers())), ("objective_id", st.text(max_size=70)),
    ("updated_at", st.text(max_size=30)), ("origin", st.one_of(st.none(), st.text(max_size=5))),
    ("date", st.text(max_size=12)), ("value", st.one_of(st.text(max_size=3), st.floats(allow_nan=False, allow_infinity=False))),
    ("type", st.text(max_size=10)), ("id", st.one_of(st.text(max_size=70), st.integers())),
])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 3), MUTATIONS.flatmap(lambda m: st.tuples(st.just(m[0]), m[1]))),
                max_size=6))
def test_mutated_team_files_never_break_sync_report_or_lint(tmp_path_factory, mutations):
    tmp = tmp_path_factory.mktemp("mut")
    base = [GOOD_PERIOD, GOOD_OBJECTIVE, GOOD_KR,
            rec("check_in", "c-ok", kr_id="kr-bob", date="2026-11-20", value=3.0, confidence=0.5, note="",
                author_id=None)]
    records = [dict(r) for r in base]
    for which, (key, value) in mutations:
        records[which][key] = value
    team = team_file(tmp / "team.jsonl", records)
    from okrtui.cli import main

    code = main(["--db", str(tmp / "me.db"), "sync", str(team)], today=TODAY)
    assert code in (0, 1)
    for argv in (["report", "--team", "--format", "json"], ["lint"], ["due"]):
        assert main(["--db", str(tmp / "me.db"), *argv], today=TODAY) in (0, 1)


def test_the_tui_loads_whatever_the_database_holds(tmp_path):
    """A row written by hand (or an old okrtui) with an unknown kind shows as unscorable."""
    from okrtui.cycle import ormread
    from okrtui.method.periods import quarter
    from okrtui.storage.store import writing

    eng = open_engine(tmp_path / "x.db")
    interchange.import_document(eng, {"format": "okrtui/1", "objectives": [
        {"id": "o-1", "title": "Grow", "period": "2026-Q4",
         "key_results": [{"id": "kr-1", "title": "Users", "kind": "milestone"}]}]})
    with writing(eng) as session:
        session.get(KeyResult, "kr-1").kind = "bogus"
    with reading(eng) as session:
        rep = ormread.build(session, quarter("2026-Q4"), TODAY, get_meta(session, "identity"), team=True)
    kr = rep.objectives[0].key_results[0]
    assert kr.grade is None and kr.band is None and kr.error


def test_a_placeholder_person_never_competes_with_their_own_record(cli, tmp_path):
    team = tmp_path / "team.jsonl"
    lead, bob = tmp_path / "lead.db", tmp_path / "bob.db"
    cli("--db", bob, "whoami", "--name", "Bob Real", "--email", "bob@example.com")
    bob_id = re.search(r"\((p-[^)]+)\)", cli("--db", bob, "whoami").out).group(1)
    # The lead drafts before Bob ever synced, naming Bob in the document's people.
    doc = {"format": "okrtui/1", "people": [{"id": bob_id, "name": "bob?"}],
           "objectives": [{"id": "o-1", "title": "Grow", "period": "2026-Q4"}]}
    cli("--db", lead, "import", write_doc(tmp_path / "d.json", doc))
    assert cli("--db", lead, "sync", team).code == 0
    assert cli("--db", bob, "sync", team).code == 0
    for _ in range(2):  # no warning, no refusal, at any later sync
        result = cli("--db", lead, "sync", team)
        assert result.code == 0 and result.err == "" and "refused" not in result.out
    assert "Bob Real" in cli("--db", bob, "whoami").out
    with reading(open_engine(lead)) as session:
        assert session.get(Person, bob_id).name == "Bob Real"
    # A later import naming Bob again does not take his record over.
    cli("--db", lead, "import", write_doc(tmp_path / "d.json", doc))
    with reading(open_engine(lead)) as session:
        assert (session.get(Person, bob_id).name, session.get(Person, bob_id).origin) == ("Bob Real", bob_id)


def test_the_period_and_the_latest_check_in_are_read_in_sql(engine):
    """Both ends of the period count, days outside do not; one day's latest is the last made."""
    from okrtui.cycle import ormread
    from okrtui.method.periods import quarter

    interchange.import_document(engine, {"format": "okrtui/1", "objectives": [
        {"id": "o-1", "title": "Grow", "period": "2026-Q4", "key_results": [
            {"id": "kr-1", "title": "Users", "kind": "increase", "start": 0, "target": 10, "check_ins": [
                {"id": "c-before", "date": "2026-09-30", "value": 1}, {"id": "c-first", "date": "2026-10-01", "value": 2},
                {"id": "c-last", "date": "2026-12-31", "value": 3}, {"id": "c-after", "date": "2027-01-01", "value": 4}]}]},
        {"id": "o-2", "title": "Ship", "period": "2026-Q4", "key_results": [
            {"id": "kr-2", "title": "Releases", "kind": "increase", "start": 0, "target": 10}]}]})
    checkins.record(engine, "kr-2", 9, day=DAY)
    checkins.record(engine, "kr-2", 3, day=DAY)  # made later the same day: it is the current value
    with reading(engine) as session:
        rep = ormread.build(session, quarter("2026-Q4"), dt.date(2027, 1, 1), get_meta(session, "identity"))
    krs = {kr.id: kr for kr in rep.key_results()}
    assert [c.id for c in krs["kr-1"].check_ins] == ["c-first", "c-last"]
    assert krs["kr-2"].current == 3


# --- who answered for a KR on a check-in's day (okrtui.method.owners) ------------------------------

def _handover_crew(cli, tmp_path):
    """Ana made kr-x for Ben (owner) on Nov 2; Ben checked in 5 on Nov 10; Dana is in the team file."""
    from tests.helpers import Crew, okr_objective

    t = Crew(cli, tmp_path, approval="off")
    t.add("dana", "Dana Next")
    t.sync("dana", "ana", "ben")
    doc = okr_objective("o-x", "Platform", None, "kr-x", status="active", owner=t.ids["ben"])
    path = write_doc(tmp_path / "made.json", {"format": "okrtui/1", "objectives": [doc]})
    assert cli("--db", t.dbs["ana"], "import", path, today=dt.date(2026, 11, 2)).code == 0
    t.sync("ana", "ben")
    assert cli("--db", t.dbs["ben"], "checkin", "kr-x", "5", "--date", "2026-11-10",
               today=dt.date(2026, 11, 10)).code == 0
    t.sync("ben", "ana")
    return t, doc


def test_a_real_handover_keeps_the_earlier_owners_check_ins_for_everyone(cli, tmp_path):
    t, doc = _handover_crew(cli, tmp_path)
    handed = {**doc, "key_results": [{**doc["key_results"][0], "owner": t.ids["dana"]}]}
    path = write_doc(tmp_path / "handed.json", {"format": "okrtui/1", "objectives": [handed]})
    assert cli("--db", t.dbs["ana"], "import", path, today=dt.date(2026, 11, 15)).code == 0
    t.sync("ana", "ben", "dana")
    t.join("cleo", "Cleo New")
    assert [t.kr(who, "kr-x")["current"] for who in t.dbs] == [5, 5, 5, 5]
    # Ben no longer answers for it; Dana does from Nov 15, and not before.
    late = cli("--db", t.dbs["ben"], "checkin", "kr-x", "6", "--date", "2026-11-16", today=dt.date(2026, 11, 16))
    assert late.code == 2 and "Dana Next answers for it" in late.err
    early = cli("--db", t.dbs["dana"], "checkin", "kr-x", "6", "--date", "2026-11-12", today=dt.date(2026, 11, 16))
    assert early.code == 2 and early.err == (
        "okrtui: error: kr-x (Platform KR): Ben Member answered for it on 2026-11-12; you answer for it since "
        "2026-11-15, so a check-in of yours dated then would not count\n")
    assert cli("--db", t.dbs["dana"], "checkin", "kr-x", "7", "--date", "2026-11-20",
               today=dt.date(2026, 11, 20)).code == 0
    t.sync("dana", "ana", "ben", "cleo")
    assert [t.kr(who, "kr-x")["current"] for who in t.dbs] == [7, 7, 7, 7]
    exported = cli("--db", t.dbs["cleo"], "export").json()
    kr = exported["objectives"][0]["key_results"][0]
    assert [c["owner"] for c in kr["owner_history"]] == [t.ids["ben"], t.ids["dana"]]
    assert kr["owner_history"][-1]["from"] == "2026-11-15"  # the first: when the KR was made, or that day


def test_a_handover_in_the_kr_form_is_recorded_from_that_day(cli, tmp_path):
    from okrtui.cycle import editing

    t, _ = _handover_crew(cli, tmp_path)
    engine = open_engine(t.dbs["ana"])
    with reading(engine) as session:
        kr = session.get(KeyResult, "kr-x")
        values = {"objective_id": kr.objective_id, "title": kr.title, "kind": kr.kind, "start": kr.start,
                  "target": kr.target, "low": None, "high": None, "unit": kr.unit, "weight": kr.weight}
    editing.save_key_result(engine, {**values, "owner_id": t.ids["dana"]}, "kr-x", dt.date(2026, 11, 15))
    editing.save_key_result(engine, {**values, "title": "Renamed", "owner_id": t.ids["dana"]}, "kr-x",
                            dt.date(2026, 11, 18))  # no new owner: no new change
    with reading(engine) as session:
        history = json.loads(session.get(KeyResult, "kr-x").owner_history)
    assert [(c["from"], c["owner"]) for c in history][1:] == [("2026-11-15", t.ids["dana"])]
    assert history[0]["owner"] == t.ids["ben"] and history[0]["from"] <= "2026-11-15"
    t.sync("ana", "ben")
    assert t.kr("ana", "kr-x")["current"] == 5 and t.kr("ben", "kr-x")["current"] == 5
