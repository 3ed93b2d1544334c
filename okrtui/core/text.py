"""Untrusted text made safe to show: control characters become visible escapes.

Rich markup needs no escaping here: plain output never interprets it, and the
TUI renders user text through `Content`/`Text`, never as markup.
"""

from __future__ import annotations

import re

# C0 controls (tab and newline included: one record stays one line), DEL, C1 controls, the line and
# paragraph separators, and every invisible "format" character (Unicode category Cf): direction
# overrides and isolates (U+202A-U+202E, U+2066-U+2069) that reorder what a terminal shows, zero-width
# characters (U+200B-U+200F, U+2060-U+2064, U+FEFF), tag characters. Listed, not computed at import
# (a scan of every code point costs a CLI start); tests/core/test_text.py checks it against unicodedata.
_INVISIBLE = (
    "\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_CONTROL = re.compile(f"[{_INVISIBLE}]")
_CONTROL_BUT_NEWLINE = re.compile(f"(?!\n)[{_INVISIBLE}]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    if code <= 0xFF:
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, f"\\x{code:02x}")
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _json_escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    if ch in "\n\r\t":
        return ch  # JSON's own whitespace: inside strings the encoder has escaped these already
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_safe(text: str) -> str:
    """JSON text with every invisible or direction-changing character written as a \\u escape:
    the same data to a JSON reader, and nothing a terminal would act on when it is printed."""
    return _CONTROL.sub(_json_escape, text)


def json_ascii(text: str) -> str:
    """JSON text as ASCII: every other character as its \\u escape (two for one beyond U+FFFF), the same
    data to a JSON reader, for a stream that cannot hold the rest (okrtui.core.output.say)."""
    return _NON_ASCII.sub(_json_escape, text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def plain(text: str | None) -> str:
    """One line of text with every control character shown as an escape, never executed."""
    return _CONTROL.sub(_escape, text or "")


def visible(text: str) -> str:
    """Lines of text (a whole report) with every control character but the newline shown as an escape.
    Every character the pattern matches is unprintable (tests/core/test_text.py), so text that is all
    printable but its newlines is returned as it is: a C scan, where the pattern's costs about 50 ns a
    character (a second on a 19 MiB HTML page)."""
    if text.replace("\n", " ").isprintable():
        return text
    return _CONTROL_BUT_NEWLINE.sub(_escape, text)


def md_cell(text: str | None) -> str:
    """Plain text for a Markdown table cell or heading."""
    return plain(text).replace("|", "\\|")


def csv_cell(value: object) -> object:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe (and text that
    starts with an apostrophe before one of those gets another, so `okrtui import` takes exactly one off)."""
    if isinstance(value, str):
        value = plain(value)
        if value.startswith(FORMULA_START) or (value[:1] == "'" and value[1:2] in ("'", *FORMULA_START)
                                                and len(value) > 1):
            return "'" + value
    return value


def count(n: int, word: str, plural: str | None = None) -> str:
    """`1 objective`, `2 objectives`: plurals that read right."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def num(x: float | None) -> int | float | None:
    """A stored float as people wrote it: 94.0 → 94."""
    if x is None:
        return None
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else x


def fmt_num(x: float | None) -> str:
    """A number as people wrote it ("94", "2.5", "–" for none). A float's text is kept once made:
    10,000 KRs make an HTML page, and their starts, targets and values repeat (floats that are equal
    read the same: 0.0 and -0.0 are both "0")."""
    if type(x) is float:
        shown = _SHOWN.get(x)
        if shown is None:
            shown = _fmt_num(x)
            if len(_SHOWN) < 65_536:
                _SHOWN[x] = shown
        return shown
    return _fmt_num(x)


_SHOWN: dict[float, str] = {}


def _fmt_num(x: float | None) -> str:
    if x is None:
        return "–"
    n = num(x)
    return str(n) if isinstance(n, int) else f"{n:g}"
