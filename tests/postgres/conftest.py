"""The PostgreSQL tests' fixture: a new database on the suite's one server (tests/conftest.py).
Every test here runs on one xdist worker (--dist loadgroup), so one server starts."""

from __future__ import annotations

import uuid

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/postgres/" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group("postgres"))


@pytest.fixture
def db(server, cli):
    """A new database, initialised, with the persons alice, bob and carol; URLs by login."""
    name = f"okr_{uuid.uuid4().hex[:10]}"
    server.psql(f"CREATE DATABASE {name};")
    host = server.get_uri().split("host=", 1)[1]

    def url(login: str) -> str:
        return f"postgresql://{login}@/{name}?host={host}"

    assert cli("admin", "init", "--db", url("postgres")).code == 0
    for login in ("alice", "bob", "carol"):
        assert cli("admin", "add-person", login, "--name", login.title(), "--db", url("postgres")).code == 0
    url.name = name  # type: ignore[attr-defined]
    url.host = host  # type: ignore[attr-defined]
    return url
