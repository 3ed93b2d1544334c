"""The TUI tests' fixtures: an app on the demo and one on an empty database (tests/helpers.py
has make_app and the other helpers)."""

from __future__ import annotations

import pytest

from tests.helpers import close, open_app


@pytest.fixture
def app(tmp_path):
    """The demo as users open it: the app gets the file's path, reads it with okrtui.storage.sqlite.quickread and
    opens the database for the first form (make_app hands it an open engine: the ORM path)."""
    application = open_app(tmp_path / "tui.db")
    yield application
    close(application)


@pytest.fixture
def empty_app(tmp_path):
    """A new database file, made by the app as on a user's first start."""
    application = open_app(tmp_path / "empty.db", load_demo=False)
    yield application
    close(application)
