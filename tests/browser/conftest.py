"""The browser tests: one Chromium per worker, all of them on one worker (xdist_group)."""

from __future__ import annotations

import pytest

from tests.browser.chromium import CHROMIUM, MISSING, chromium


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module, closed before any other module's test runs: Playwright's sync
    API keeps an event loop in this thread while it is open, and the asyncio tests need it free."""
    if not CHROMIUM.exists():
        pytest.fail(MISSING, pytrace=False)
    with chromium() as b:
        yield b
