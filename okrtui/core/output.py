"""The one way okrtui's commands write to the terminal (docs/security.md, "Text is data").

Every line a command prints, to stdout or stderr, goes through `say`: each control, invisible or
direction-changing character (ESC, BEL, C1 controls, U+202E, …) becomes a visible escape, whatever
a message was built from, while ordinary text (accents, CJK, emoji, Rich markup, which is never
interpreted here) stays as it is. A JSON text stays valid JSON (`json_safe`: the same data to a
reader), a CSV stays CSV (its cells were escaped by `csv_cell`; newlines separate its rows).
tests/core/test_output.py fails on any other print or write to stdout/stderr in the package.
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Literal

from okrtui.core.errors import OkrError
from okrtui.core.text import json_ascii, json_safe, visible

Format = Literal["text", "json", "csv"]  # csv: escaped as text, never changed to fit a stream (say)


def safe(text: str, fmt: Format = "text") -> str:
    """`text` as it may reach a terminal: newlines kept, everything else a terminal acts on escaped."""
    return json_safe(text) if fmt == "json" else visible(text)


def safe_lines(lines: Iterable[str]) -> Iterator[str]:
    """Lines (of a page to be joined with newlines) each as `safe` makes it, as they come: a line
    that is all printable is kept as it is, without the copy `visible` makes to skip its newlines."""
    return (line if line.isprintable() else visible(line) for line in lines)


def joined_utf8(lines: Iterable[str], chunk: int = 1 << 20) -> Iterator[bytes]:
    """"\n".join(lines) as UTF-8, in pieces of about `chunk` bytes: a 19 MiB page is written as it
    is made, never held whole (as text, then as bytes) in memory."""
    return _joined((line.encode("utf-8") for line in lines), chunk)


def safe_joined_utf8(lines: Iterable[str], batch: int = 1024) -> Iterator[bytes]:
    """`joined_utf8(safe_lines(lines))`, the same bytes, checked on the bytes it writes anyway: `batch`
    lines at a time are encoded and joined (in C: no Python step per line, of which a 13 MiB page has
    43,000), and from those bytes its printable ASCII and newlines are deleted (bytes.translate, a C
    pass) and only what is left (its other characters, whole: UTF-8 never puts an ASCII byte inside
    one) is asked whether it is printable; a piece that is not is made again line by line, as
    `safe_lines` makes it. `str.isprintable` over a 19 MiB page costs 50 ms; this, a few."""
    it = iter(lines)
    texts = list(islice(it, batch))
    first = True
    while texts:
        data = b"\n".join(map(str.encode, texts))  # UTF-8; a lone surrogate fails here, as in joined_utf8
        if not first:
            yield b"\n"  # the newline between pieces on its own: no copy of a piece to put it in front
        yield _checked(texts, data)
        texts, first = list(islice(it, batch)), False


_PRINTABLE_ASCII_AND_NEWLINE = bytes([0x0A, *range(0x20, 0x7F)])


def _checked(texts: list[str], whole: bytes) -> bytes:
    rest = whole.translate(None, _PRINTABLE_ASCII_AND_NEWLINE)
    if not rest or rest.decode("utf-8").isprintable():
        return whole  # what safe_lines would keep as it is: every character printable but newlines
    return b"\n".join([(line if line.isprintable() else visible(line)).encode("utf-8") for line in texts])


def _joined(lines: Iterable[bytes], chunk: int) -> Iterator[bytes]:
    batch: list[bytes] = []
    size, sep = 0, b""
    for data in lines:
        batch.append(data)
        size += len(data)
        if size >= chunk:
            yield sep + b"\n".join(batch)
            batch, size, sep = [], 0, b"\n"
    if batch:
        yield sep + b"\n".join(batch)


def say(text: str = "", *, err: bool = False, fmt: Format = "text", end: str = "\n", flush: bool = False) -> None:
    """Print `text` (one line or many) to stdout, or stderr with `err`; `flush` at once (a line another
    program waits for on a pipe: okrtui serve's URL)."""
    stream = sys.stderr if err else sys.stdout
    shown = safe(text, fmt) + end
    try:
        stream.write(shown)  # encoded whole before a byte is written: a failure writes nothing
    except UnicodeEncodeError:
        # A stream that is not UTF-8 (PYTHONIOENCODING=ascii, a Latin-1 locale, a Windows pipe). JSON
        # gets \u escapes, the same data to a reader; text, an escape ("\u2192") a person reads, not an
        # error in place of the report; a CSV, an error: an escape in a cell would change its data unseen.
        encoding = stream.encoding or "ascii"
        if fmt == "csv":
            raise OkrError(f"stdout's encoding ({encoding}) cannot hold this CSV's text: run it with "
                           "PYTHONIOENCODING=utf-8, or export it to a file with -o") from None
        stream.write(json_ascii(shown) if fmt == "json" else shown.encode(encoding, "backslashreplace").decode(encoding))
    if flush:
        stream.flush()


def say_page(lines: Iterable[str]) -> None:
    """A page (`export --format html`: pieces joined with newlines) to stdout as `-o` writes it to a
    file (`safe_joined_utf8`): UTF-8 whatever a file's or a pipe's encoding, as the page's `<meta
    charset>` says, checked and written as it is made, never held whole. A terminal whose charset is
    not UTF-8 gets it as text in its own charset (`say`): UTF-8 puts bytes 0x80-0x9F inside letters
    ("Û" is C3 9B), and an 8-bit terminal reads those as C1 controls (9B is CSI)."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None or (stream.isatty() and not _utf8(stream.encoding)):
        say("\n".join(lines), end="")  # (a stream of text only, io.StringIO, too)
        return
    stream.flush()  # what was said before comes first
    for chunk in safe_joined_utf8(lines):
        buffer.write(chunk)
    buffer.flush()


def _utf8(encoding: str | None) -> bool:
    try:
        return codecs.lookup(encoding or "ascii").name == "utf-8"
    except LookupError:
        return False
