"""`okrtui checkin` through sqlite3 (okrtui.storage.sqlite.quickwrite) against the ORM path (checkins.record).

On copies of one database, the same commands through either path must print the same lines,
exit with the same code and leave the same rows in every table (ids and stamps injected, so
nothing is ignored). Then: what the quick path leaves to the ORM path, and what it imports.
"""

import datetime as dt
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrtui.cli.parse import CHECK_IN_FIELDS
from okrtui.core import stamps
from okrtui.core.errors import OkrError
from okrtui.cycle import checkins
from okrtui.rules import fieldrules, schema
from okrtui.storage import store
from okrtui.storage.sqlite import engine as sqlite_engine
from okrtui.storage.sqlite import quickwrite
from okrtui.storage.sqlite.quickread import SCHEMA
from tests.helpers import TODAY, demo_template

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema-1.db"
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic")


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, in a total order."""
    with sqlite3.connect(path) as conn:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for name in names:
            width = len(conn.execute(f'SELECT * FROM "{name}" LIMIT 0').description)
            order = ", ".join(str(i) for i in range(1, width + 1))
            out[name] = conn.execute(f'SELECT * FROM "{name}" ORDER BY {order}').fetchall()
    conn.close()
    return out


class Clock:
    """Ids and stamps both paths take from the same sequences (okrtui.core.stamps, model, store)."""

    def __init__(self) -> None:
        self.ids = self.stamps = 0

    def stamp(self) -> str:
        self.stamps += 1
        return f"2099-01-01T00:00:00.{self.stamps:06d}Z"

    def new_id(self) -> str:
        self.ids += 1
        return f"00000000-0000-4000-8000-{self.ids:012d}"


def clock_on(monkeypatch, *modules) -> Clock:
    """One Clock for the stamps and ids both write paths make (each module that has them)."""
    clock = Clock()
    for module in modules:
        if hasattr(module, "now_stamp"):
            monkeypatch.setattr(module, "now_stamp", clock.stamp)
        if hasattr(module, "new_id"):
            monkeypatch.setattr(module, "new_id", clock.new_id)
    return clock


@pytest.fixture
def clocked(monkeypatch):
    return clock_on(monkeypatch, stamps, checkins, store)


class Paths:
    """Two copies of one database: `quick` written by okrtui.storage.sqlite.quickwrite, `orm` by checkins.record."""

    def __init__(self, template: Path, folder: Path, cli, monkeypatch, clock: Clock) -> None:
        self.quick, self.orm = folder / "quick.db", folder / "orm.db"
        shutil.copy(template, self.quick)
        shutil.copy(template, self.orm)
        self.cli, self.monkeypatch, self.clock = cli, monkeypatch, clock
        self.served: list[str] = []
        real = quickwrite.record

        def spy(*args, **kwargs):
            try:
                saved = real(*args, **kwargs)
            except OkrError:
                self.served.append("quick")
                raise
            self.served.append("quick" if saved is not None else "orm")
            return saved

        self.real, self.spy = real, spy

    def run(self, *args: str, today: dt.date = TODAY):
        start = self.clock.ids, self.clock.stamps
        self.monkeypatch.setattr(quickwrite, "record", self.spy)
        quick = self.cli("--db", self.quick, "checkin", *args, today=today)
        assert self.served.pop() == "quick", f"the quick path did not serve {args}"
        self.clock.ids, self.clock.stamps = start  # the ORM path gets the same ids and stamps
        self.monkeypatch.setattr(quickwrite, "record", lambda *a, **k: None)
        orm = self.cli("--db", self.orm, "checkin", *args, today=today)
        self.monkeypatch.setattr(quickwrite, "record", self.real)
        assert (quick.code, quick.out, quick.err) == (orm.code, orm.out, orm.err), args
        assert tables(self.quick) == tables(self.orm), args
        return quick


@pytest.fixture
def paths(tmp_path, cli, monkeypatch, clocked):
    return Paths(demo_template(), tmp_path, cli, monkeypatch, clocked)


def test_the_demo_cases_print_and_write_the_same(paths):
    kr = "kr-deploys"  # alice's own
    first = paths.run(kr, "95", "--confidence", "0.7", "--note", "[bold]fine[/] \x1b[31mred")
    assert first.code == 0 and first.out.startswith("checked in kr-deploys")
    again = paths.run(kr, "96")  # the same day: replaces it, keeping its confidence
    assert "replaced 95 with 96 in the 2026-11-26 check-in of kr-deploys" in again.out and "confidence 0.7" in again.out
    paths.run(kr, "96")  # nothing changed: updated_at stays
    paths.run(kr, "97", "--date", "2026-11-02", "--note", "back-dated")  # carries the confidence of then
    carried = paths.run("kr-reviews", "3")  # carry-over from the last one
    assert carried.code == 0
    for refused in ("kr-noise", "kr-mttr"):  # bruno's: made by him; made by alice, owned by him
        result = paths.run(refused, "1")
        assert result.code == 2 and "answers for it" in result.err
    for ref in ("kr-nope", "kr", "kr-p", "kr-prev-build", "kr-%", "kr-_"):
        result = paths.run(ref, "1")
        assert result.code == 2 and result.err.startswith("okrtui: error:"), (ref, result.err)
    upper = paths.run("KR-DEPL", "96")  # a prefix is case-sensitive, on SQLite as on PostgreSQL
    assert upper.code == 2 and "KR-DEPL" in upper.err
    assert paths.run("kr-depl", "96").code == 0
    implausible = paths.run(kr, "9500")
    assert implausible.code == 0 and "okrtui: warning: kr-deploys: 9500 is far outside" in implausible.err
    outside = paths.run(kr, "95", "--date", "2026-09-30")
    assert outside.code == 2 and "is outside kr-deploys's period" in outside.err


def test_a_same_day_typo_names_what_it_replaced_and_how_to_put_it_back(paths, cli):
    """Issue 32.8: `checkin kr-deploys 97.2`, then `checkin kr-dep 971`, says what 971 replaced and
    the exact command that puts it back, the same through both write paths."""
    first = paths.run("kr-deploys", "97.2", "--confidence", "0.8", "--note", "steady week")
    assert first.out.startswith("checked in kr-deploys")
    typo = paths.run("kr-dep", "971", "--note", "oops")
    cid = sqlite3.connect(paths.quick).execute("SELECT id FROM check_in WHERE value = 971").fetchone()[0]
    lines = typo.out.splitlines()
    assert lines[0].startswith("replaced 97.2 with 971 in the 2026-11-26 check-in of kr-deploys (")
    assert lines[1] == f"put it back: okrtui checkin --fix {cid} 97.2 --note 'steady week'"
    same = paths.run("kr-deploys", "971", "--note", "oops")  # nothing changed: nothing to put back
    assert same.out.startswith("replaced the 2026-11-26 check-in") and "put it back" not in same.out
    for db in (paths.quick, paths.orm):  # the command as printed, on both copies
        back = cli("--db", db, "checkin", *lines[1].split(": ", 1)[1].split()[2:5], "--note", "steady week")
        assert back.code == 0, back.err
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT value, confidence, note FROM check_in WHERE id = ?", (cid,)).fetchone() == \
                (97.2, 0.8, "steady week")
        conn.close()


def test_a_future_date_is_refused_alike_and_today_taken(paths):
    later = paths.run("kr-deploys", "96", "--date", "2026-11-27")
    assert later.code == 2 and later.err == ("okrtui: error: date 2026-11-27 is after today (2026-11-26): "
                                             "a check-in records what happened\n")
    assert paths.run("kr-deploys", "96", "--date", "2026-11-26").code == 0


def twisted(folder: Path) -> Path:
    """The demo with what a database may also hold: a deleted KR and objective, an archived
    objective, a missing period, KRs without a maker or an owner, a self-score."""
    path = folder / "twisted.db"
    shutil.copy(demo_template(), path)
    with sqlite3.connect(path) as conn:  # foreign keys off: a period may go missing
        conn.executescript("""
            UPDATE key_result SET deleted = 1 WHERE id = 'kr-handbook';
            UPDATE objective SET deleted = 1 WHERE id = 'o-commander';
            UPDATE objective SET status = 'archived' WHERE id = 'o-delight';
            UPDATE objective SET period_id = 'gone' WHERE id = 'o-toil';
            UPDATE key_result SET owner_id = NULL WHERE id IN ('kr-latency', 'kr-nrr');
            UPDATE key_result SET owner_id = NULL, origin = '' WHERE id IN ('kr-dashboards', 'kr-ttv', 'kr-signup');
            UPDATE key_result SET self_score = 0.4 WHERE id = 'kr-deploys';
            INSERT INTO check_in (id, origin, created_at, updated_at, deleted, kr_id, date, value, confidence,
                                  note, author_id, signature)
            SELECT 'gone-' || date, 'p-alice', '2098-01-01T00:00:00.000000Z', '2098-01-01T00:00:00.000000Z', 1,
                   'kr-deploys', date, 1, 0.1, 'deleted', 'p-alice', '' FROM (SELECT '2026-11-26' AS date
                   UNION SELECT '2026-11-23');
        """)
    conn.close()
    return path


KR_REFS = ["kr-deploys", "kr-reviews", "kr-mttr", "kr-noise", "kr-latency", "kr-dashboards", "kr-nrr",
           "kr-prev-build", "kr-activation", "kr-churn", "kr-incidents", "kr-pages", "kr-runbooks", "kr-ttv",
           "kr-signup", "kr-handbook", "kr-tracing", "kr-h", "kr-dep", "kr-", "kr-r", "x", "kr%"]
NOTES = ["", "ok", "[red]markup[/]", "line\nbreak", "\x1b[2J", "é ✓ 🎯", "x" * 300]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("base", ["demo", "twisted"])
def test_random_commands_print_and_write_the_same(tmp_path, cli, monkeypatch, clocked, seed, base):
    template = demo_template() if base == "demo" else twisted(tmp_path)
    paths = Paths(template, tmp_path, cli, monkeypatch, clocked)
    rnd = random.Random(seed)
    days = [TODAY, TODAY, TODAY - dt.timedelta(days=3), dt.date(2026, 10, 1), dt.date(2026, 9, 30),
            dt.date(2026, 12, 31), dt.date(2027, 1, 1)]
    paths.run("kr-deploys", "95")  # today: in the twisted one, beside a deleted check-in of today
    outcomes = set()
    for _ in range(30):
        args = [rnd.choice(KR_REFS), rnd.choice(["0", "1", "50", "96.5", "-3", "1e9", "99", "0.25"])]
        if rnd.random() < 0.5:
            args += ["--confidence", rnd.choice(["0", "0.5", "1", "0.33"])]
        if rnd.random() < 0.5:
            args += ["--note", rnd.choice(NOTES)]
        if rnd.random() < 0.6:
            args += ["--date", rnd.choice(days).isoformat()]
        result = paths.run(*args)
        outcomes.add((result.code, "replaced" in result.out, "warning" in result.err))
    assert {code for code, *_ in outcomes} == {0, 2}  # both writes and refusals compared


def test_a_refusal_names_the_owner_as_the_orm_path_does(paths):
    result = paths.run("kr-mttr", "30")
    assert result.err.startswith("okrtui: error: kr-mttr (") and "(its owner); only they can check in" in result.err


@given(value=st.one_of(st.floats(allow_nan=True), st.integers(-10**20, 10**20), st.booleans(), st.text(max_size=3),
                       st.none()),
       confidence=st.one_of(st.none(), st.floats(-2, 2), st.floats(allow_nan=True), st.text(max_size=2),
                            st.booleans()),
       note=st.one_of(st.text(max_size=20), st.integers(), st.none(), st.just("n" * 10_001)))
def test_the_light_check_in_rules_are_the_schemas(value, confidence, note):
    def through(check):
        try:
            got = check()
        except fieldrules.Invalid as err:
            return ("invalid", err.path, err.message)
        return (got.value, got.confidence, got.note)

    light = through(lambda: fieldrules.check_in(value, confidence, note))
    full = through(lambda: schema.check(schema.CheckInInput, {"value": value, "confidence": confidence,
                                                               "note": note}))
    assert light == full


def test_the_constants_the_quick_path_copies_stay_equal():
    assert quickwrite.BUSY_TIMEOUT_S == sqlite_engine.BUSY_TIMEOUT_S
    assert set(CHECK_IN_FIELDS) == set(schema.CheckInInput.model_fields)
    assert SCHEMA == __import__("okrtui.storage.migrations", fromlist=["LATEST"]).LATEST


# --- what the quick path leaves to the ORM path ------------------------------------------------------

def test_an_old_schema_is_left_to_the_orm_path_which_migrates_it(tmp_path, cli):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURE, db)
    assert quickwrite.record(db, "kr-x", 1.0, confidence=None, note="", day=TODAY) is None
    assert tables(db) == tables(FIXTURE)  # nothing written, nothing migrated
    with sqlite3.connect(db) as conn:
        kr = conn.execute("SELECT k.id FROM key_result k JOIN objective o ON o.id = k.objective_id "
                          "JOIN meta m ON m.key = 'identity' WHERE k.origin = m.value AND o.status = 'active' "
                          "AND k.deleted = 0 LIMIT 1").fetchone()
    conn.close()
    result = cli("--db", db, "checkin", kr[0] if kr else "kr-none", "1")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_migration").fetchone() == (SCHEMA,)
    conn.close()
    assert list(tmp_path.glob("old.db.schema1.bak"))
    assert (result.code == 0) == bool(kr), result


def test_a_newer_schema_is_refused_by_the_orm_path(tmp_path, cli):
    db = tmp_path / "new.db"
    shutil.copy(demo_template(), db)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_migration VALUES (?, 'future', '2099-01-01T00:00:00.000000Z')",
                     (SCHEMA + 1,))
    conn.close()
    before = tables(db)
    result = cli("--db", db, "checkin", "kr-deploys", "95")
    assert result.code == 2 and "written by a newer okrtui" in result.err
    assert tables(db) == before


def test_no_file_no_identity_or_a_url_go_to_the_orm_path(tmp_path, cli):
    missing = tmp_path / "none.db"
    assert quickwrite.record(missing, "kr-x", 1.0, confidence=None, note="", day=TODAY) is None
    assert not missing.exists()
    assert quickwrite.record(f"sqlite:///{missing}", "kr-x", 1.0, confidence=None, note="", day=TODAY) is None
    nobody = tmp_path / "nobody.db"
    shutil.copy(demo_template(), nobody)
    with sqlite3.connect(nobody) as conn:
        conn.execute("DELETE FROM person WHERE id = 'p-alice'")
    conn.close()
    assert quickwrite.record(nobody, "kr-deploys", 1.0, confidence=None, note="", day=TODAY) is None
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 100)
    assert quickwrite.record(garbage, "kr-x", 1.0, confidence=None, note="", day=TODAY) is None
    result = cli("--db", garbage, "checkin", "kr-x", "1")
    assert result.code == 2 and "cannot open database" in result.err
    result = cli("--db", missing, "checkin", "kr-x", "1")  # the ORM path makes the database, as before
    assert result.code == 2 and "no key result" in result.err and missing.exists()


def test_a_held_write_lock_is_the_orm_paths_message(tmp_path, monkeypatch):
    db = tmp_path / "locked.db"
    shutil.copy(demo_template(), db)
    monkeypatch.setattr(quickwrite, "BUSY_TIMEOUT_S", 0.05)
    monkeypatch.setattr(quickwrite, "PRAGMAS", ("PRAGMA busy_timeout = 50",) + quickwrite.PRAGMAS[1:])
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OkrError, match="^cannot write the database: database is locked$"):
            quickwrite.record(db, "kr-deploys", 95.0, confidence=None, note="", day=TODAY)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_error_half_way_leaves_nothing_written(tmp_path, monkeypatch):
    db = tmp_path / "half.db"
    shutil.copy(demo_template(), db)
    before = tables(db)
    monkeypatch.setattr("okrtui.rules.checkinrules.outcome", lambda *a, **k: 1 / 0)  # after the INSERT
    with pytest.raises(ZeroDivisionError):
        quickwrite.record(db, "kr-deploys", 95.0, confidence=None, note="", day=TODAY)
    assert tables(db) == before


def test_check_ins_are_not_signed_on_write_on_either_path(paths):
    paths.run("kr-deploys", "95")
    with sqlite3.connect(paths.quick) as conn:
        assert conn.execute("SELECT signature FROM check_in WHERE created_at LIKE '2099%'").fetchall() == [("",)]
    conn.close()


# --- what it imports (fresh interpreters) ------------------------------------------------------------

PROBE = """
import sys, datetime as dt
from okrtui.cli import main
heavy = sys.argv.pop(1).split(",")
code = main(sys.argv[1:], today=dt.date(2026, 11, 26))
print(code, sorted({m.split(".")[0] for m in sys.modules} & set(heavy)))
"""


def probe(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-c", PROBE, ",".join(HEAVY), *args], capture_output=True, text=True,
                          timeout=120)
    return proc.stdout.strip().splitlines()[-1]


def test_checkin_on_a_sqlite_file_imports_no_orm_and_no_pydantic(tmp_path):
    db = tmp_path / "demo.db"
    shutil.copy(demo_template(), db)
    assert probe("--db", str(db), "checkin", "kr-deploys", "95", "--confidence", "0.8", "--note", "n") == "0 []"
    assert probe("--db", str(db), "checkin", "kr-noise", "1") == "2 []"  # refused, still light
    old = tmp_path / "old.db"
    shutil.copy(FIXTURE, old)
    assert "sqlalchemy" in probe("--db", str(old), "checkin", "kr-x", "1")  # migrated by the ORM path


def test_the_quick_paths_ids_are_uuids_and_its_stamps_fixed_width(tmp_path, cli):
    import uuid

    db = tmp_path / "demo.db"
    shutil.copy(demo_template(), db)
    assert cli("--db", db, "checkin", "kr-deploys", "95").code == 0
    with sqlite3.connect(db) as conn:
        cid, created, updated = conn.execute("SELECT id, created_at, updated_at FROM check_in "
                                             "ORDER BY created_at DESC LIMIT 1").fetchone()
    conn.close()
    assert str(uuid.UUID(cid)) == cid and created == updated and schema.STAMP_RE.match(created)


def test_the_tests_clock_is_distinct_and_ordered():
    clock = Clock()
    ids, made = [clock.new_id() for _ in range(3)], [clock.stamp() for _ in range(3)]
    assert len(set(ids)) == 3 and made == sorted(set(made)) and all(schema.STAMP_RE.match(m) for m in made)


@pytest.mark.parametrize(("status", "said"), [("archived", "an archived"), ("closed", "a closed")])
def test_a_closed_or_archived_objective_is_named_in_plain_english_on_both_paths(tmp_path, cli, monkeypatch, clocked,
                                                                                status, said):
    template = tmp_path / "template.db"
    shutil.copy(demo_template(), template)
    with sqlite3.connect(template) as conn:
        conn.execute("UPDATE objective SET status = ? WHERE id = 'o-reliable'", (status,))
    conn.close()
    result = Paths(template, tmp_path, cli, monkeypatch, clocked).run("kr-deploys", "95")
    assert result.code == 2 and result.err == (f"okrtui: error: kr-deploys belongs to {said} objective; "
                                               "reopen it to check in\n")


def test_a_deleted_kr_s_own_id_is_not_read_as_a_prefix_of_another(tmp_path, cli, monkeypatch, clocked):
    """kr-dep deleted, kr-deploys live: `okrtui checkin kr-dep 5` (a cron line written before the
    deletion) must not land on kr-deploys, on either path."""
    template = tmp_path / "template.db"
    shutil.copy(demo_template(), template)
    with sqlite3.connect(template) as conn:
        conn.execute("INSERT INTO key_result SELECT 'kr-dep', origin, created_at, updated_at, 1, objective_id, "
                     "title, owner_id, kind, unit, start, target, low, high, weight, self_score, score_comment, "
                     "position, signature, improves_id, owner_history FROM key_result WHERE id = 'kr-deploys'")
    conn.close()
    result = Paths(template, tmp_path, cli, monkeypatch, clocked).run("kr-dep", "95")
    assert result.code == 2 and result.err == "okrtui: error: key result 'kr-dep' was deleted\n"
