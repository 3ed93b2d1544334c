"""Shared fixtures: every test gets its own database and config, never the user's."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from tests import helpers
from tests.helpers import TODAY


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
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
    """The suite's one PostgreSQL 16 (pgserver), for tests/postgres (its conftest makes a database per test)."""
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
