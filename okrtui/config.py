"""config.toml and the default paths. Settings are passed down, never read from globals."""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from okrtui.errors import OkrError

APP = "okrtui"


@dataclass(frozen=True)
class Config:
    name: str = ""
    email: str = ""
    team_file: str = ""
    fiscal_year_start_month: int = 1
    stale_after_days: int = 7
    theme: str = "textual-dark"


def config_path() -> Path:
    env = os.environ.get("OKRTUI_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP) / "config.toml"


def default_db_path() -> Path:
    env = os.environ.get("OKRTUI_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP) / "okrtui.db"


def load(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except IsADirectoryError:
        raise OkrError(f"config {path} is a directory") from None
    except OSError as err:
        raise OkrError(f"cannot read config {path}: {err.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise OkrError(f"config {path}: not valid TOML: {err}") from None
    return from_dict(data, str(path))


def from_dict(data: dict[str, Any], where: str = "config") -> Config:
    from pydantic import ValidationError

    from okrtui import schema

    try:
        checked = schema.Settings.model_validate(data)
    except ValidationError as err:
        key, message = schema.problems(err)[0]
        if message == "unknown setting":
            raise OkrError(f"{where}: unknown setting {key!r}") from None
        raise OkrError(f"{where}: {key}: {message}") from None
    return Config(**checked.model_dump())


def save(cfg: Config, path: Path | None = None) -> None:
    """Write the whole file atomically, owner-only."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for f in fields(Config):
        value = getattr(cfg, f.name)
        # A JSON string is a valid TOML basic string.
        lines.append(f"{f.name} = {value if isinstance(value, int) else json.dumps(value)}")
    from okrtui.files import write_atomic

    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"), mode=0o600)


def update(path: Path | None = None, **changes: Any) -> Config:
    cfg = replace(load(path), **changes)
    save(cfg, path)
    return cfg
