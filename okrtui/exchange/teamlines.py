"""One team-file line at a time, each bounded before it is parsed (docs/team.md, "Bad lines").

A line is read at most `MAX_LINE_BYTES` at a time (a longer one is skipped unread), its
nesting is measured before `json` recurses into it, and what `json` would let through but
nothing downstream can store (a number beyond a float, a lone UTF-16 surrogate) is refused
here, so every bad line becomes one `BadLine` with its reason and never an exception
from deeper down.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

MAX_LINE_BYTES = 256 * 1024  # a record's longest text (10,000 characters) escaped fits many times over
MAX_DEPTH = 8  # records are flat objects: one level, nothing nested deeper than a few brackets
_CHUNK = 1 << 20
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class BadLine(ValueError):
    """A line that cannot be a record: why, in a few words."""


@dataclass
class Line:
    number: int
    data: bytes | None  # None: over MAX_LINE_BYTES, never held whole
    size: int
    digest: str  # sha256 of the line's bytes: what "told before" remembers
    complete: bool  # ends with a newline


def split(handle: IO[bytes]) -> Iterator[Line]:
    """The file's lines, each held in memory only up to MAX_LINE_BYTES."""
    number = 0
    while True:
        line = handle.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) <= MAX_LINE_BYTES or line.endswith(b"\n"):
            yield Line(number, line, len(line), hashlib.sha256(line).hexdigest(), line.endswith(b"\n"))
            continue
        hashed, size = hashlib.sha256(line), len(line)
        while not line.endswith(b"\n"):
            line = handle.readline(_CHUNK)
            if not line:
                break
            hashed.update(line)
            size += len(line)
        yield Line(number, None, size, hashed.hexdigest(), line.endswith(b"\n"))


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadLine(f"the number {text[:24]} is beyond any float")
    return value


def _no_constant(token: str) -> None:
    raise BadLine(f"{token} is not a number JSON allows")


def depth(raw: bytes) -> int:
    """How deep brackets nest, outside strings."""
    deepest = level = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b'""', raw)):
        level += 1 if match.group() in b"[{" else -1
        deepest = max(deepest, level)
    return deepest


def parse(line: Line) -> Any:
    """The JSON value of one line, or BadLine saying why there is none."""
    if line.data is None:
        raise BadLine(f"the line is {line.size:,} bytes long; okrtui reads lines up to {MAX_LINE_BYTES:,}")
    raw = line.data
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and depth(raw) > MAX_DEPTH:
        raise BadLine(f"brackets nest deeper than {MAX_DEPTH} levels")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadLine(f"not UTF-8 (byte {err.start})") from None
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except BadLine:
        raise
    except (ValueError, RecursionError) as err:  # int digits beyond Python's limit are a ValueError too
        raise BadLine(f"not valid JSON ({str(err)[:120]})") from None
    if _SURROGATE_ESCAPE.search(raw):
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise BadLine("a \\u escape names half a character (a lone UTF-16 surrogate)") from None
    return data
