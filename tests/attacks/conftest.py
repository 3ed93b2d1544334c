"""The attack modules' fixtures. The PostgreSQL modules (sql_person, dba_role) import tests/storage/postgres's
`db` fixture themselves, so it overrides the SQLite `db` only there (imported here, it made every
attack module's `db` a PostgreSQL URL factory, and SQLite attacks wrote files named after it in the
working folder); they run in its xdist group, so one server serves them all."""

from __future__ import annotations

import pytest

POSTGRES_MODULES = ("tests/attacks/test_sql_person.py", "tests/attacks/test_dba_role.py")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.nodeid.startswith(POSTGRES_MODULES):
            item.add_marker(pytest.mark.xdist_group("postgres"))
