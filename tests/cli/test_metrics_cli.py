"""`okrtui metric …`, `due` and `inbox` with health metrics (docs/health.md), and their bad input."""

import datetime as dt
import json

import pytest

from tests.helpers import TODAY, digest


@pytest.fixture
def uptime(cli, db):
    assert cli("whoami", "--name", "Ann", "--db", db).code == 0
    out = cli("metric", "add", "Uptime", "--unit", "%", "--at-least", "99.9", "--since", "2026-09-01", "--db", db)
    assert out.code == 0, out.err
    return out.out.split()[2]


def test_add_record_list_and_history(cli, db, uptime):
    assert uptime.startswith("m-uptime-")
    for day, value in (("2026-11-09", 99.5), ("2026-11-16", 99.4), ("2026-11-23", 99.2)):
        r = cli("metric", "record", uptime[:8], value, "--date", day, "--db", db)
        assert r.code == 0, r.err
    assert "unhealthy for 3 weeks" in r.out
    listed = cli("metric", "list", "--db", db)
    assert listed.code == 1  # yours and unhealthy
    assert listed.out.startswith("✗  Uptime  99.2 % (2026-11-23) vs ≥ 99.9 %  unhealthy  (unhealthy for 3 weeks)")
    doc = cli("metric", "list", "--format", "json", "--db", db).json()["metrics"][0]
    assert (doc["status"], doc["due"], doc["streak"], doc["latest"]) == (
        "unhealthy", False, 3, {"date": "2026-11-23", "value": 99.2})
    csv_out = cli("metric", "list", "--format", "csv", "--db", db).out.splitlines()
    assert csv_out[0].startswith("metric_id,name,unit") and csv_out[1].startswith(f"{uptime},Uptime,%")
    # a good week makes it healthy, not due
    assert cli("metric", "record", uptime, "99.95", "--note", "fixed the load balancer", "--db", db).code == 0
    assert cli("metric", "list", "--db", db).code == 0
    hist = cli("metric", "history", uptime, "--db", db).out.splitlines()
    assert len(hist) == 5 and hist[-1].endswith("99.95 %  fixed the load balancer")
    # as of an earlier day the later measurements do not count
    assert "no data" in cli("metric", "list", "--as-of", "2026-11-01", "--db", db).out


def test_a_second_measurement_the_same_day_replaces_yours(cli, db, uptime):
    cli("metric", "record", uptime, "99.0", "--db", db)
    r = cli("metric", "record", uptime, "99.95", "--db", db)
    assert r.out.startswith(f"replaced the {TODAY} measurement of {uptime}")
    assert len(cli("metric", "history", uptime, "--db", db).out.splitlines()) == 2


def test_due_lists_metrics_after_krs_and_inbox_the_unhealthy(cli, db, uptime):
    out = cli("due", "--db", db)
    assert out.code == 1 and f"{uptime}  Uptime  weekly metric, last measured never" in out.out
    cli("metric", "record", uptime, "98", "--db", db)
    assert cli("due", "--db", db).code == 0
    inbox = cli("inbox", "--db", db)
    assert inbox.code == 1 and f"unhealthy metric: {uptime}  Uptime" in inbox.out


def test_edit_and_archive(cli, db, uptime):
    r = cli("metric", "edit", uptime, "--between", "99", "100", "--cadence", "monthly", "--db", db)
    assert r.code == 0 and "monthly, 99–100 %" in r.out
    assert "tracked" in cli("metric", "edit", uptime, "--tracked", "--db", db).out
    assert cli("metric", "archive", uptime, "--db", db).code == 0
    assert cli("metric", "list", "--db", db).out == "no health metrics\n"
    after = cli("metric", "record", uptime, "99", "--db", db, today=TODAY + dt.timedelta(days=1))
    assert after.code == 2 and "archived" in after.err


@pytest.mark.parametrize("args", [
    ("metric", "record", "m-uptime", "abc"),
    ("metric", "record", "m-uptime", "99", "--date", "2026-11-27"),  # after today
    ("metric", "record", "m-uptime", "99", "--date", "2026-08-31"),  # before it was tracked
    ("metric", "record", "m-uptime", "99", "--note", "x" * 100_000),
    ("metric", "add", "Other", "--unit", "u", "--between", "80", "70"),
    ("metric", "add", "Other", "--unit", "u", "--cadence", "daily"),
    ("metric", "add", "UPTIME", "--unit", "%"),  # a duplicate name, whatever the case
    ("metric", "add", "Other", "--unit", "u", "--since", "2026-12-01"),
    ("metric", "add", "", "--unit", "u"),
    ("metric", "add", "Other"),  # no unit
    ("metric", "add", "Other", "--unit", "u", "--at-least", "1", "--at-most", "2"),
    ("metric", "add", "Other", "--unit", "u", "--team", "no-such-team"),
    ("metric", "record", "m-nope", "1"),
    ("metric", "record", "m-uptime", "nan"),
])
def test_bad_input_is_one_error_line_and_writes_nothing(cli, db, uptime, args):
    before = digest(db)
    r = cli(*args, "--db", db)
    assert r.code == 2 and r.out == ""
    assert len(r.err.splitlines()) == 1 and r.err.startswith("okrtui: error: ")
    assert digest(db) == before


def test_untrusted_names_print_literally(cli, db):
    cli("whoami", "--name", "Ann", "--db", db)
    assert cli("metric", "add", "[red]x\x1b[2J", "--unit", "%", "--db", db).code == 0
    out = cli("metric", "list", "--team", "--db", db).out
    assert "\x1b" not in out and "[red]x" in out
    assert json.loads(cli("metric", "list", "--format", "json", "--db", db).out)["metrics"][0]["name"] == "[red]x\x1b[2J"


def test_a_typo_is_recorded_with_a_warning(cli, db, uptime):
    cli("metric", "record", uptime, "99.5", "--date", "2026-11-20", "--db", db)
    r = cli("metric", "record", uptime, "995", "--db", db)
    assert r.code == 0 and "okrtui: warning:" in r.err and "a digit too many" in r.err


# --- a KR that only keeps a level becomes a health metric (the coach's health-metric-as-kr) ----------

def _rows(db, sql_text, *params):
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute(sql_text, params).fetchall()


def test_from_kr_makes_the_metric_and_deletes_the_kr_in_one_go(cli, demo_db):
    before = cli("lint", "--format", "json", "--db", demo_db).json()["findings"]
    assert ("health-metric-as-kr", "kr-latency") in {(f["rule"], f["kr_id"]) for f in before}
    r = cli("metric", "from-kr", "kr-lat", "--db", demo_db)
    assert r.code == 0, r.err
    assert r.out.startswith("made health metric m-p95-api-latency-") and r.out.rstrip().endswith(
        "(P95 API latency between 120 and 250 ms), healthy 120–250 ms, from key result kr-latency; "
        "the key result is deleted")
    ((mid, name, unit, owner, origin, team, cadence, low, high, visibility, since),) = _rows(
        demo_db, "SELECT id, name, unit, owner_id, origin, team_id, cadence, low, high, visibility, since "
                 "FROM metric WHERE name LIKE 'P95%'")
    assert (name, unit, owner, origin, team, cadence, low, high, visibility, since) == (
        "P95 API latency between 120 and 250 ms", "ms", "p-bruno", "p-alice", "t-platform", "weekly", 120, 250,
        "shared", str(TODAY))
    # Bruno answers for the KR: his check-ins are his to sign, so the metric starts with none of them.
    assert _rows(demo_db, "SELECT count(*) FROM measurement WHERE metric_id = ?", mid) == [(0,)]
    assert _rows(demo_db, "SELECT deleted FROM key_result WHERE id = 'kr-latency'") == [(1,)]
    assert _rows(demo_db, "SELECT count(*) FROM check_in WHERE kr_id = 'kr-latency' AND NOT deleted") == [(0,)]
    after = cli("lint", "--format", "json", "--db", demo_db).json()["findings"]
    assert "kr-latency" not in {f["kr_id"] for f in after}
    assert "P95 API latency" in cli("metric", "list", "--team", "--db", demo_db).out


def test_from_kr_carries_your_own_check_ins_as_measurements(cli, demo_db):
    check_ins = _rows(demo_db, "SELECT date, value FROM check_in WHERE kr_id = 'kr-deploys' AND NOT deleted "
                               "ORDER BY date")
    assert len(check_ins) > 5
    r = cli("metric", "from-kr", "kr-deploys", "--db", demo_db)  # Alice's own (an increase: at least its target)
    assert r.code == 0, r.err
    assert f"healthy ≥ 99 %, from key result kr-deploys, {len(check_ins)} check-ins carried over" in r.out
    ((mid, since, low, high),) = _rows(demo_db, "SELECT id, since, low, high FROM metric WHERE name LIKE 'Deploy success%'")
    assert (since, low, high) == (check_ins[0][0], 99, None)
    assert _rows(demo_db, "SELECT date, value FROM measurement WHERE metric_id = ? AND author_id = 'p-alice' "
                          "ORDER BY date", mid) == check_ins


@pytest.mark.parametrize(("setup", "kr", "says"), [
    ((), "kr-churn", "key result kr-churn was made by Chen Wei; only they can turn it into a health metric"),
    ((), "kr-nowhere", "kr-nowhere"),
    (("metric", "add", "p95 api latency between 120 and 250 ms", "--unit", "ms", "--team", "t-platform"), "kr-latency",
     "team t-platform already has a metric named 'p95 api latency between 120 and 250 ms'"),
])
def test_from_kr_refused_is_one_error_line_and_writes_nothing(cli, demo_db, setup, kr, says):
    if setup:
        assert cli(*setup, "--db", demo_db).code == 0
    before = digest(demo_db)
    r = cli("metric", "from-kr", kr, "--db", demo_db)
    assert (r.code, r.out) == (2, "")
    assert r.err.count("\n") == 1 and r.err.startswith("okrtui: error:") and says in r.err
    assert digest(demo_db) == before
    assert _rows(demo_db, "SELECT deleted FROM key_result WHERE id = ?", kr) in ([(0,)], [])  # the KR stays
    assert _rows(demo_db, "SELECT count(*) FROM metric WHERE name LIKE 'P95%' AND origin = 'p-alice' "
                          "AND description LIKE 'was key result%'") == [(0,)]
