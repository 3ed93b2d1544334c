"""The picture of the HTML page in README.md and docs/publish.md: `python -m tests.browser.screenshot`.

The demo as of the tests' day, exported as the team page and photographed by the same Chromium the
browser tests use (tests/browser/chromium.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from okrtui.cli import main
from tests.browser.chromium import chromium
from tests.helpers import TODAY, demo_template

OUT = Path(__file__).resolve().parents[2] / "docs" / "images" / "publish-page.png"


def take(out: Path = OUT) -> Path:
    page_file = Path(tempfile.mkdtemp(prefix="okrtui-page-")) / "okrs.html"
    code = main(["--db", str(demo_template()), "export", "--format", "html", "--team", "-o", str(page_file)], today=TODAY)
    assert code == 0
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1000, "height": 1300})
        page.goto(page_file.as_uri())
        page.screenshot(path=str(out))
    return out


if __name__ == "__main__":
    print(take())
