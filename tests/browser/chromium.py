"""Debian's chromium driven by Playwright, with no browser download (`playwright install` is never run).

CI installs the browser (`apt-get install -y chromium`, .ci/run); without it a browser test fails
with that line, never skips."""

from __future__ import annotations

import struct
import zlib
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MISSING = f"no {CHROMIUM}: the browser tests need Debian's chromium (apt-get install -y chromium; .ci/run does it)"


@contextmanager
def chromium():
    """A headless Chromium, closed after use."""
    if not CHROMIUM.exists():
        raise RuntimeError(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def ink(png: bytes) -> float:
    """The share of a PNG screenshot's bytes that are not white: 0.0 for a blank page."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        if png[pos + 4:pos + 8] == b"IDAT":
            idat += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    # Filtered scanlines: a blank (all-white) image filters to runs of zeros or 0xff.
    return sum(1 for b in raw if b not in (0, 0xFF)) / len(raw)
