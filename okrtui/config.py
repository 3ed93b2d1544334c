"""config.toml and the default paths. Settings are passed down, never read from globals."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
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
    # A blinking cursor redraws twice a second: bytes on a slow SSH link, and noise for some.
    cursor_blink: bool = True


def config_path() -> Path:
    env = os.environ.get("OKRTUI_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path  # only without $OKRTUI_CONFIG: start-up cost

    return user_config_path(APP) / "config.toml"


def default_db_path() -> Path | str:
    """$OKRTUI_DB (a path, or a database URL kept as written), else okrtui.db in the data dir."""
    env = os.environ.get("OKRTUI_DB")
    if env:
        return db_target(env)
    from platformdirs import user_data_path  # only without $OKRTUI_DB: start-up cost

    return user_data_path(APP) / "okrtui.db"


def db_target(given: str) -> Path | str:
    """A --db value: a database URL stays a string (a Path would fold its //), a path expands ~."""
    return given if "://" in given else Path(given).expanduser()


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
    from pydantic import ValidationError  # pydantic only when a config file exists

    from okrtui import schema

    try:
        checked = schema.Settings.model_validate(data)
    except ValidationError as err:
        key, message = schema.problems(err)[0]
        if message == "unknown setting":
            raise OkrError(f"{where}: unknown setting {key!r}") from None
        raise OkrError(f"{where}: {key}: {message}") from None
    return Config(**checked.model_dump())


def update(path: Path | None = None, **changes: Any) -> Config:
    """Change some settings in config.toml, keeping the user's comments, order and layout
    (tomlkit), written atomically and owner-only. The result is checked like any config."""
    import tomlkit  # only to write the config

    from okrtui.files import write_atomic

    path = path or config_path()
    cfg = replace(load(path), **changes)  # refuses a broken file or a bad value before writing
    try:
        doc = tomlkit.parse(path.read_text("utf-8"))
    except FileNotFoundError:
        doc = tomlkit.document()
    for key, value in changes.items():
        doc[key] = value
    from_dict(dict(doc.unwrap()), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, tomlkit.dumps(doc).encode("utf-8"), mode=0o600)
    return cfg
