"""The browser tests: one Chromium per worker, all of them on one worker (xdist_group)."""

from __future__ import annotations

import pytest

from tests.browser.chromium import CHROMIUM, MISSING, chromium


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(MISSING, pytrace=False)
    with chromium() as b:
        yield b
