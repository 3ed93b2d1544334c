"""The attack modules' fixtures. The PostgreSQL ones (sql_person, dba_role) reuse tests/postgres's
`db` fixture and run in its xdist group, so one server serves them all."""

from __future__ import annotations

import pytest

from tests.postgres.conftest import db  # noqa: F401  (a fixture, used by name)

POSTGRES_MODULES = ("tests/attacks/test_sql_person.py", "tests/attacks/test_dba_role.py")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.nodeid.startswith(POSTGRES_MODULES):
            item.add_marker(pytest.mark.xdist_group("postgres"))
