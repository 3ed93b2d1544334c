"""The TUI tests' fixtures: an app on the demo and one on an empty database (tests/helpers.py
has make_app and the other helpers; the names below are re-exported for older imports)."""

from __future__ import annotations

import pytest

from tests.helpers import (  # noqa: F401  (re-exported)
    TODAY,
    RecordingApp,
    make_app,
    matches_snapshot,
    press,
    pressing,
    settle,
)


@pytest.fixture
def app(tmp_path):
    application = make_app(tmp_path / "tui.db")
    yield application
    application.engine.dispose()


@pytest.fixture
def empty_app(tmp_path):
    application = make_app(tmp_path / "empty.db", load_demo=False)
    yield application
    application.engine.dispose()
