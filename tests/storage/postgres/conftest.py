"""The PostgreSQL tests' fixture: a new database on the suite's one server (tests/conftest.py).
Every test here runs on one xdist worker (--dist loadgroup), so one server starts."""

from __future__ import annotations

import pytest

from tests.helpers import pg_database


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/storage/postgres/" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group("postgres"))


@pytest.fixture
def db(server, cli):
    """A new database, initialised, with the persons alice, bob and carol; URLs by login."""
    return pg_database(server, cli)
