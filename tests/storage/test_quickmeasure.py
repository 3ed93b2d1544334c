"""`okrtui metric record` through sqlite3 (okrtui.storage.sqlite.quickwrite.measure) against the ORM path
(okrtui.cycle.metrics.record), as tests/storage/test_quickwrite.py does for `okrtui checkin`.

On copies of one database, the same commands through either path must print the same lines, exit
with the same code and leave the same rows in every table (ids and stamps injected). Then: what the
quick path leaves to the ORM path, and that it imports no ORM.
"""

import datetime as dt
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from okrtui.core import stamps
from okrtui.core.errors import OkrError
from okrtui.cycle import checkins
from okrtui.cycle import metrics as metrics_mod
from okrtui.storage import store
from okrtui.storage.sqlite import quickwrite
from tests.helpers import TODAY, demo_template
from tests.storage.test_quickwrite import FIXTURE, Clock, clock_on, probe, tables


@pytest.fixture
def clocked(monkeypatch):
    return clock_on(monkeypatch, stamps, checkins, store, metrics_mod)


class Paths:
    """Two copies of one database: `quick` written by quickwrite.measure, `orm` by metrics.record."""

    def __init__(self, template: Path, folder: Path, cli, monkeypatch, clock: Clock) -> None:
        self.quick, self.orm = folder / "quick.db", folder / "orm.db"
        shutil.copy(template, self.quick)
        shutil.copy(template, self.orm)
        self.cli, self.monkeypatch, self.clock = cli, monkeypatch, clock
        self.served: list[str] = []
        self.real = quickwrite.measure

        def spy(*args, **kwargs):
            try:
                saved = self.real(*args, **kwargs)
            except OkrError:
                self.served.append("quick")
                raise
            self.served.append("quick" if saved is not None else "orm")
            return saved

        self.spy = spy

    def run(self, *args: str, today: dt.date = TODAY):
        start = self.clock.ids, self.clock.stamps
        self.monkeypatch.setattr(quickwrite, "measure", self.spy)
        quick = self.cli("--db", self.quick, "metric", "record", *args, today=today)
        if self.served:  # a bad VALUE or --date is refused by the argument parser, before either path
            assert self.served.pop() == "quick", f"the quick path did not serve {args}"
        self.clock.ids, self.clock.stamps = start  # the ORM path gets the same ids and stamps
        self.monkeypatch.setattr(quickwrite, "measure", lambda *a, **k: None)
        orm = self.cli("--db", self.orm, "metric", "record", *args, today=today)
        self.monkeypatch.setattr(quickwrite, "measure", self.real)
        assert (quick.code, quick.out, quick.err) == (orm.code, orm.out, orm.err), args
        assert tables(self.quick) == tables(self.orm), args
        return quick


def twisted(folder: Path) -> Path:
    """The demo (Alice's database) with what a database may also hold: a metric Alice answers for with no
    owner named, one owned by her that Bruno made, Bruno's private one, a deleted one whose id is a
    prefix of a live one, an archived one, one made by nobody, and a measurement by another author."""
    path = folder / "twisted.db"
    shutil.copy(demo_template(), path)
    cols = ("id, origin, created_at, updated_at, deleted, name, unit, description, owner_id, team_id, cadence, low, "
            "high, visibility, since, archived_on")
    rows = [
        ("m-errors", "p-alice", 0, "Errors", "", None, "monthly", None, 5.0, "shared", "2026-01-01", None),
        ("m-latency", "p-bruno", 0, "Latency", "ms", "p-alice", "quarterly", 100.0, 300.0, "shared", "2026-06-01",
         None),
        ("m-secret", "p-bruno", 0, "Secret", "", None, "weekly", None, None, "private", "2026-01-01", None),
        ("m-err", "p-alice", 1, "Old errors", "", None, "weekly", None, None, "shared", "2026-01-01", None),
        ("m-old", "p-alice", 0, "Old", "", None, "weekly", 1.0, None, "shared", "2026-01-01", "2026-11-01"),
        ("m-nobody", "", 0, "Nobody's", "", None, "weekly", None, None, "shared", "2026-01-01", None),
        ("m-errands", "p-alice", 0, "Errands", "", None, "weekly", None, None, "shared", "2026-01-01", None),
    ]
    with sqlite3.connect(path) as conn:
        for mid, origin, deleted, name, unit, owner, cadence, low, high, vis, since, archived in rows:
            conn.execute(f"INSERT INTO metric ({cols}) VALUES (?, ?, '2026-01-01T00:00:00.000000Z', "
                         "'2026-01-01T00:00:00.000000Z', ?, ?, ?, '', ?, NULL, ?, ?, ?, ?, ?, ?)",
                         (mid, origin, deleted, name, unit, owner, cadence, low, high, vis, since, archived))
        conn.executemany(
            "INSERT INTO measurement (id, origin, created_at, updated_at, deleted, metric_id, date, value, note, "
            "author_id, signature) VALUES (?, ?, '2026-02-01T00:00:00.000000Z', '2026-02-01T00:00:00.000000Z', ?, "
            "?, ?, ?, '', ?, '')",
            [("x-1", "p-alice", 0, "m-errors", "2026-11-26", 3.0, "p-alice"),
             ("x-2", "p-bruno", 0, "m-errors", "2026-11-26", 9.0, "p-bruno"),  # another author, the same day
             ("x-3", "p-alice", 1, "m-errors", "2026-11-25", 4.0, "p-alice"),  # deleted
             ("x-4", "p-alice", 0, "m-latency", "2026-10-02", 250.0, "p-alice")])
    conn.close()
    return path


@pytest.fixture
def paths(tmp_path, cli, monkeypatch, clocked):
    return Paths(twisted(tmp_path), tmp_path, cli, monkeypatch, clocked)


def test_the_cases_print_and_write_the_same(paths):
    first = paths.run("m-deploys", "27", "--note", "[bold]fine[/] \x1b[31mred")
    assert first.code == 0 and first.out.startswith("measured m-deploys (Deploys per week): 27 deploys on 2026-11-26")
    again = paths.run("m-depl", "29")  # the same day: replaces it, naming what it replaced
    assert again.out.startswith("replaced the 2026-11-26 measurement of m-deploys") and "(was 27 deploys)" in again.out
    same = paths.run("m-deploys", "29")  # nothing changed: updated_at stays, nothing to name
    assert same.out.startswith("replaced the 2026-11-26 measurement") and "(was" not in same.out
    assert paths.run("m-deploys", "30", "--date", "2026-11-02", "--note", "back-dated").code == 0
    typo = paths.run("m-deploys", "9000")
    assert typo.code == 0 and "okrtui: warning: m-deploys: 9000 is far outside" in typo.err
    theirs = paths.run("m-uptime", "99")  # Bruno's
    assert theirs.code == 2 and "Bruno" in theirs.err and "only they can measure it" in theirs.err
    for ref in ("m-nope", "m-u", "m-e", "m-err", "m-secret", "m-secr", "M-DEPL", "m-%", "m-_"):
        result = paths.run(ref, "1")
        assert result.code == 2 and result.err.startswith("okrtui: error:"), (ref, result.err)
    assert "was deleted" in paths.run("m-err", "1").err  # its own id, not a prefix of m-errors
    assert "ambiguous" in paths.run("m-er", "1").err
    assert paths.run("m-erro", "2").code == 0  # the unowned one Alice made
    assert paths.run("m-latency", "200", "--date", "2026-11-20").code == 0  # owned by her, made by Bruno
    assert "after m-old was archived" in paths.run("m-old", "2").err
    assert "before m-latency was tracked" in paths.run("m-latency", "200", "--date", "2026-05-31").err
    assert "after today" in paths.run("m-deploys", "1", "--date", "2026-11-27").err
    assert paths.run("m-nobody", "4").code == 0  # made by no one: anyone measures it
    assert paths.run("m-deploys", "1", "--note", "x" * 100_000).code == 2


DAYS = [TODAY, TODAY, TODAY - dt.timedelta(days=3), dt.date(2026, 10, 1), dt.date(2025, 11, 25),
        dt.date(2026, 11, 27), dt.date(2026, 1, 1)]
REFS = ["m-deploys", "m-depl", "m-errors", "m-erro", "m-err", "m-latency", "m-secret", "m-old", "m-nobody",
        "m-uptime", "m-er", "x", "m-%"]
NOTES = ["", "ok", "[red]markup[/]", "line\nbreak", "\x1b[2J", "é ✓ 🎯"]


@pytest.mark.parametrize("seed", range(3))
def test_random_commands_print_and_write_the_same(paths, seed):
    rnd = random.Random(seed)
    outcomes = set()
    for _ in range(30):
        args = [rnd.choice(REFS), rnd.choice(["0", "1", "27", "96.5", "-3", "1e9", "250", "0.25"])]
        if rnd.random() < 0.5:
            args += ["--note", rnd.choice(NOTES)]
        if rnd.random() < 0.6:
            args += ["--date", rnd.choice(DAYS).isoformat()]
        result = paths.run(*args)
        outcomes.add((result.code, "replaced" in result.out, "warning" in result.err))
    assert {code for code, *_ in outcomes} == {0, 2}  # both writes and refusals compared


def test_measurements_are_not_signed_on_write_on_either_path(paths):
    paths.run("m-deploys", "27")
    with sqlite3.connect(paths.quick) as conn:
        assert conn.execute("SELECT signature FROM measurement WHERE created_at LIKE '2099%'").fetchall() == [("",)]
    conn.close()


def test_an_old_schema_no_identity_or_a_url_go_to_the_orm_path(tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(FIXTURE, old)
    assert quickwrite.measure(old, "m-x", 1.0, note="", day=TODAY, today=TODAY) is None
    assert tables(old) == tables(FIXTURE)  # nothing written, nothing migrated
    missing = tmp_path / "none.db"
    assert quickwrite.measure(missing, "m-x", 1.0, note="", day=TODAY, today=TODAY) is None
    assert quickwrite.measure(f"sqlite:///{missing}", "m-x", 1.0, note="", day=TODAY, today=TODAY) is None
    assert not missing.exists()
    nobody = tmp_path / "nobody.db"
    shutil.copy(demo_template(), nobody)
    with sqlite3.connect(nobody) as conn:
        conn.execute("DELETE FROM person WHERE id = 'p-alice'")
    conn.close()
    assert quickwrite.measure(nobody, "m-deploys", 1.0, note="", day=TODAY, today=TODAY) is None


def test_an_error_half_way_leaves_nothing_written(tmp_path, monkeypatch):
    db = tmp_path / "half.db"
    shutil.copy(demo_template(), db)
    before = tables(db)
    monkeypatch.setattr("okrtui.method.health.health", lambda *a, **k: 1 / 0)  # after the INSERT
    with pytest.raises(ZeroDivisionError):
        quickwrite.measure(db, "m-deploys", 27.0, note="", day=TODAY, today=TODAY)
    assert tables(db) == before


def test_metric_record_on_a_sqlite_file_imports_no_orm(tmp_path):
    db = tmp_path / "demo.db"
    shutil.copy(demo_template(), db)
    assert probe("--db", str(db), "metric", "record", "m-deploys", "27", "--note", "n") == "0 []"
    assert probe("--db", str(db), "metric", "record", "m-uptime", "99") == "2 []"  # refused, still light
    assert probe("--db", str(db), "metric", "list") in ("0 []", "1 []")
    old = tmp_path / "old.db"
    shutil.copy(FIXTURE, old)
    assert "sqlalchemy" in probe("--db", str(old), "metric", "record", "m-x", "1")  # migrated by the ORM path


def test_a_quarterly_metric_takes_the_fiscal_year_from_the_config(paths, tmp_path, monkeypatch):
    """Only a quarter depends on the fiscal year, so the quick path reads the config for a quarterly
    metric alone; quarters from February put 2026-10-02 and today in two quarters, not one."""
    config = tmp_path / "config.toml"
    config.write_text("fiscal_year_start_month = 2\n")
    monkeypatch.setenv("OKRTUI_CONFIG", str(config))
    result = paths.run("m-latency", "200")
    assert result.code == 0 and "healthy for 2 quarters" in result.out
