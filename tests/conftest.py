"""Shared fixtures: every test gets its own database and config, never the user's."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test may read or write the real config or database."""
    monkeypatch.setenv("OKRTUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("OKRTUI_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("USER", "tester")
    monkeypatch.setenv("LOGNAME", "tester")


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "okrtui.db"


@pytest.fixture
def engine(db):
    from okrtui.store import open_engine

    eng = open_engine(db)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo as of TODAY, built once: read it, or copy it (demo_db) to change it."""
    from okrtui import demo
    from okrtui.store import open_engine

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    eng = open_engine(path)
    demo.load(eng, TODAY)
    eng.dispose()  # checkpoints the WAL: the file alone holds everything
    return path


@pytest.fixture
def demo_db(tmp_path, demo_template) -> Path:
    """A test's own copy of the demo database."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The suite's one PostgreSQL 16 (pgserver), for every module that tests a shared database. The same
    fixed place as tests/test_postgres.py's own `server`: both give the one running server."""
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


def run_subprocess(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "okrtui", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout)


def write_doc(path: Path, doc) -> Path:
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path
