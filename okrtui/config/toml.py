"""config.toml's text as a table: tomllib, loaded only when there is a file to read (its import, regular
expressions compiled at load, was before the TUI's first frame for everyone; docs/performance.md)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from okrtui.core.errors import OkrError


def parse(raw: bytes, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise OkrError(f"config {path}: not valid TOML: {err}") from None
