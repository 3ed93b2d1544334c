"""health.read (one pass over the measurements, no object per measurement) says for every metric what
health.health and health.spark say from all its points: random histories with same-day measurements
by two authors, deleted ones, ones after the day, every cadence and fiscal year."""

import datetime as dt
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from okrtui.method import health
from okrtui.method.health import Expectation, Point
from okrtui.storage.sqlite.quickread import runner

DAY0 = dt.date(2025, 1, 1)
SCHEMA = """
CREATE TABLE metric (id, name, unit, description, owner_id, origin, team_id, cadence, low, high, visibility,
                     since, archived_on, deleted);
CREATE TABLE measurement (id, metric_id, date, value, created_at, deleted);
CREATE TABLE person (id, name);
CREATE TABLE objective (id, improves_id, deleted);
CREATE TABLE key_result (id, improves_id, deleted);
CREATE INDEX ix_measurement_metric_id ON measurement (metric_id);
CREATE INDEX ix_measurement_date ON measurement (date);
CREATE INDEX ix_measurement_metric_id_date_value ON measurement (metric_id, date, value, deleted);
"""

bound = st.one_of(st.none(), st.integers(0, 10).map(float))
measurement = st.tuples(st.integers(0, 500), st.integers(0, 10).map(float), st.integers(0, 3), st.booleans())
metric = st.tuples(st.sampled_from(health.CADENCES), bound, bound, st.lists(measurement, max_size=40))


@settings(max_examples=150, deadline=None)
@given(metrics=st.lists(metric, max_size=6), day=st.integers(0, 520), fy=st.sampled_from([1, 2, 4, 10]))
def test_read_says_what_health_and_spark_say_from_all_points(metrics, day, fy):
    as_of = DAY0 + dt.timedelta(days=day)
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA)
    expected = {}
    for i, (cadence, low, high, rows) in enumerate(metrics):
        if low is not None and high is not None and low > high:
            low, high = high, low
        mid = f"m-{i}"
        conn.execute("INSERT INTO metric VALUES (?, ?, '', '', NULL, 'p-me', NULL, ?, ?, ?, 'shared', ?, NULL, 0)",
                     (mid, f"Metric {i}", cadence, low, high, DAY0.isoformat()))
        live = []
        for j, (offset, value, made, deleted) in enumerate(rows):
            date = DAY0 + dt.timedelta(days=offset)
            conn.execute("INSERT INTO measurement VALUES (?, ?, ?, ?, ?, ?)",
                         (f"x-{i}-{j:03d}", mid, date.isoformat(), value, f"2025-01-0{made + 1}", int(deleted)))
            if not deleted and date <= as_of:
                live.append((date, f"2025-01-0{made + 1}", f"x-{i}-{j:03d}", value))
        points = [Point(d, v) for d, _, _, v in sorted(live)]
        expect = Expectation(low, high)
        expected[mid] = (health.health(expect, cadence, points, as_of, fy),
                         tuple(health.spark(cadence, points, as_of, fy_start_month=fy)), points)
    views = health.read(runner(conn), as_of, "p-me", fy)
    assert len(views) == len(metrics)
    for v in views:
        status, spark, points = expected[v.id]
        assert v.health == status
        assert v.spark == spark
        start = health.windows_back(v.cadence, as_of, health.SPARK_WINDOWS, fy)[0][0]
        assert list(v.points) == points[-len(v.points):] if v.points else not points  # the last ones
        assert [p for p in points if p.date >= start] == [p for p in v.points if p.date >= start]
        assert len(v.points) >= min(len(points), health.HISTORY_KEPT)
        assert v.known_values() == ([min(p.value for p in points), max(p.value for p in points)] if points else [])
        for value in (-1.0, 0.0, 5.0, 40.0, 1000.0):  # the typo guard weighs a value alike
            assert health.implausible(v.expect, v.known_values(), value) == \
                health.implausible(v.expect, [p.value for p in points], value)
