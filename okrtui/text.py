"""Untrusted text made safe to show: control characters become visible escapes.

Rich markup needs no escaping here: plain output never interprets it, and the
TUI renders user text through `Content`/`Text`, never as markup.
"""

from __future__ import annotations

import re

# C0 controls (tab and newline included: one record stays one line), DEL, C1 controls.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, f"\\x{ord(ch):02x}")


def plain(text: str | None) -> str:
    """One line of text with every control character shown as an escape, never executed."""
    return _CONTROL.sub(_escape, text or "")


def md_cell(text: str | None) -> str:
    """Plain text for a Markdown table cell or heading."""
    return plain(text).replace("|", "\\|")


def csv_cell(value: object) -> object:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    if isinstance(value, str):
        value = plain(value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def count(n: int, word: str, plural: str | None = None) -> str:
    """`1 objective`, `2 objectives`: plurals that read right."""
    return f"{n} {word if n == 1 else plural or word + 's'}"
