"""Shared fixtures: every test gets its own database and config, never the user's."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from tests import helpers
from tests.clock import wallclock
from tests.helpers import TODAY

# No per-example time limit for any property test: on 2 cores shared by 4 workers (and a browser,
# PostgreSQL, child okrtuis) Hypothesis's 200 ms deadline measured the load, not the code, and
# failed a forecast test once in a loaded run. Speed is measured in bench/, never in a test.
settings.register_profile("okrtui", deadline=None)
settings.load_profile("okrtui")

AUDIT = os.environ.get("CLOCK_AUDIT") == "1"  # .ci/run's first pass: tests/clock/wallclock.py


def pytest_configure(config):
    config.addinivalue_line("markers", "wallclock: reads the wall clock (tests/clock/wallclock.py); "
                                       ".ci/run runs these again with the clock 400 days ahead")
    if AUDIT and "shift_clock" not in os.environ.get("LD_PRELOAD", ""):
        raise pytest.UsageError("CLOCK_AUDIT=1 needs the shim: LD_PRELOAD=.../shift_clock.so")


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: two workers a core. Much of the suite waits rather than computes (a child okrtui on
    a terminal, PostgreSQL, Chromium, a save held back on purpose): on 2 cores, 2 workers kept the
    machine a third idle (pytest 527 s), 3 took 360 s, 4 took 307 s with every test green
    (docs/development.md, "Tests")."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(2, cores * 2)


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(item.path).resolve().relative_to(wallclock.ROOT).as_posix()
        if wallclock.reads_clock(path, getattr(item, "originalname", item.name)):
            item.add_marker(pytest.mark.wallclock)


@pytest.fixture(autouse=True)
def clock_audit(request, tmp_path_factory):
    """Under CLOCK_AUDIT=1, fail a test that reads the wall clock and is not marked `wallclock`."""
    if not AUDIT:
        yield
        return
    log = tmp_path_factory.mktemp("clock-audit") / "log"
    os.environ["CLOCK_AUDIT_LOG"] = str(log)  # read by the shim, in this process and its children
    try:
        yield
    finally:
        del os.environ["CLOCK_AUDIT_LOG"]
    read = wallclock.counted(log.read_text() if log.exists() else "")
    if read and request.node.get_closest_marker("wallclock") is None:
        pytest.fail("reads the wall clock, so it belongs in tests/clock/wallclock.py's READERS: "
                    + "; ".join(read), pytrace=False)


@pytest.fixture(autouse=True)
def isolated(clock_audit, tmp_path, monkeypatch):
    """No test may read or write the real config or database, or take a setting from the shell."""
    for name in [k for k in os.environ if k.upper().startswith("OKRTUI_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("OKRTUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("OKRTUI_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("USER", "tester")
    monkeypatch.setenv("LOGNAME", "tester")


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "okrtui.db"


@pytest.fixture
def engine(db):
    from okrtui.storage.backend import open_engine

    eng = open_engine(db)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def demo_template() -> Path:
    """The demo as of TODAY, built once: read it, or copy it (demo_db) to change it."""
    return helpers.demo_template()


@pytest.fixture
def demo_db(tmp_path, demo_template) -> Path:
    """A test's own copy of the demo database."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The suite's one PostgreSQL 16 (pgserver), for tests/storage/postgres (its conftest makes a database per test)."""
    import pgserver

    srv = pgserver.get_server(tmp_path_factory.getbasetemp() / "pgdata", cleanup_mode="stop")
    yield srv
    srv.cleanup()


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def cli(capsys):
    """Run `okrtui ARGS` in-process; returns exit code, stdout, stderr."""
    from okrtui.cli import main

    def run(*args: str, today: dt.date = TODAY) -> Result:
        code = main([str(a) for a in args], today=today)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
